//! Integration-test harness: a private moto server per test (behind the recording,
//! fault-injecting layer of `moto_harness.py`), a temporary HOME, and the real `cyi`
//! binary pointed at both. Everything is torn down when the [`Sandbox`] is dropped.
//!
//! moto comes from the `python3` on PATH when it can import it; otherwise a virtualenv
//! is created once under the target directory with a pinned `moto[server]`.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::ffi::OsString;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command as StdCommand, Stdio};
use std::sync::OnceLock;

use serde_json::Value;

pub mod emr_world;
pub mod normalize;
pub mod profiles;
pub mod pty;
pub mod rows;
pub mod world;

pub const MOTO_REQUIREMENT: &str = "moto[server]==5.2.1";
pub const REGION: &str = "eu-west-2";

/// One recorded AWS call.
#[derive(Debug, Clone)]
pub struct Call {
    pub service: String,
    pub operation: String,
    pub params: Value,
    /// The access key id that signed it.
    pub signer: Option<String>,
}

/// A moto server of this test's own, and a HOME for `cyi` to live in.
pub struct Sandbox {
    child: Child,
    _stdin: ChildStdin,
    pub port: u16,
    pub home: tempfile::TempDir,
    runtime: tokio::runtime::Runtime,
}

impl Sandbox {
    pub fn start() -> Sandbox {
        let home = tempfile::tempdir().unwrap();
        let log = std::fs::File::create(home.path().join("moto.log")).unwrap();
        let mut child = StdCommand::new(python())
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/support/moto_harness.py"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(log))
            .spawn()
            .expect("cannot start python for moto");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port: u16 = line.trim().parse().unwrap_or_else(|_| {
            let log = std::fs::read_to_string(home.path().join("moto.log")).unwrap_or_default();
            panic!("moto did not start: {line:?}\n{log}")
        });
        let stdin = child.stdin.take().unwrap();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        Sandbox {
            child,
            _stdin: stdin,
            port,
            home,
            runtime,
        }
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn home(&self) -> &Path {
        self.home.path()
    }

    /// The environment the `cyi` binary gets: a HOME of its own, test credentials, and
    /// every AWS call sent to this sandbox.
    pub fn cyi_env(&self) -> Vec<(&'static str, OsString)> {
        let home = self.home();
        vec![
            ("HOME", home.into()),
            ("XDG_CONFIG_HOME", home.join("config").into()),
            ("XDG_STATE_HOME", home.join("state").into()),
            ("AWS_CONFIG_FILE", home.join("aws-config-absent").into()),
            (
                "AWS_SHARED_CREDENTIALS_FILE",
                home.join("aws-credentials-absent").into(),
            ),
            ("AWS_ACCESS_KEY_ID", "testing".into()),
            ("AWS_SECRET_ACCESS_KEY", "testing".into()),
            ("AWS_REGION", REGION.into()),
            ("AWS_ENDPOINT_URL", self.endpoint().into()),
            ("NO_COLOR", "1".into()),
        ]
    }

    /// The `cyi` binary as a std Command: nothing inherited that could reach another
    /// AWS or another config (`AWS_*`, `CYI_*`, `XDG_*`, `USER`), run in the sandbox's HOME.
    pub fn cyi_std(&self) -> StdCommand {
        let mut cmd = StdCommand::new(env!("CARGO_BIN_EXE_cyi"));
        for (name, _) in std::env::vars_os() {
            let name = name.to_string_lossy().into_owned();
            if name.starts_with("AWS_") || name.starts_with("CYI_") || name.starts_with("XDG_") {
                cmd.env_remove(&name);
            }
        }
        cmd.current_dir(self.home())
            .envs(self.cyi_env())
            .env_remove("USER");
        cmd
    }

    /// The `cyi` binary, with a clean environment that reaches only this sandbox.
    pub fn cyi(&self) -> assert_cmd::Command {
        assert_cmd::Command::from_std(self.cyi_std())
    }

    /// Writes `./cyi.toml` in the sandbox's working directory.
    pub fn write_config(&self, toml: &str) -> PathBuf {
        let path = self.home().join("cyi.toml");
        std::fs::write(&path, toml).unwrap();
        path
    }

    pub fn block_on<F: std::future::Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }

    fn sdk_config(&self) -> aws_config::SdkConfig {
        self.block_on(
            aws_config::defaults(aws_config::BehaviorVersion::latest())
                .region(aws_config::Region::new(REGION))
                .credentials_provider(aws_credential_types::Credentials::for_tests())
                .endpoint_url(self.endpoint())
                // moto is plain HTTP on loopback; the SDK's default client is not built
                // in (Cargo.toml).
                .http_client(aws_smithy_http_client::Builder::new().build_http())
                .load(),
        )
    }

    pub fn emr(&self) -> aws_sdk_emr::Client {
        aws_sdk_emr::Client::new(&self.sdk_config())
    }

    pub fn dynamodb(&self) -> aws_sdk_dynamodb::Client {
        aws_sdk_dynamodb::Client::new(&self.sdk_config())
    }

    pub fn s3(&self) -> aws_sdk_s3::Client {
        let conf = aws_sdk_s3::config::Builder::from(&self.sdk_config())
            .force_path_style(true)
            .build();
        aws_sdk_s3::Client::from_conf(conf)
    }

    pub fn secrets(&self) -> aws_sdk_secretsmanager::Client {
        aws_sdk_secretsmanager::Client::new(&self.sdk_config())
    }

    /// Every call recorded so far, in arrival order.
    pub fn calls(&self) -> Vec<Call> {
        let body = self.control("GET", "/_harness/calls", "");
        let list: Vec<Value> = serde_json::from_str(&body).unwrap();
        list.into_iter()
            .map(|c| Call {
                service: c["service"].as_str().unwrap_or_default().to_owned(),
                operation: c["operation"].as_str().unwrap_or_default().to_owned(),
                params: c["params"].clone(),
                signer: c["signer"].as_str().map(str::to_owned),
            })
            .collect()
    }

    /// The recorded calls of one operation.
    pub fn calls_of(&self, operation: &str) -> Vec<Call> {
        self.calls()
            .into_iter()
            .filter(|c| c.operation == operation)
            .collect()
    }

    /// Back to an empty world, as a new sandbox would be but without starting another
    /// server: moto's state, the harness's faults, EMR script and network, the recorded
    /// calls, and what `cyi` wrote under HOME (its state and archive).
    pub fn reset(&self) {
        self.control("POST", "/moto-api/reset", "");
        self.set_faults(serde_json::json!([]));
        self.control("POST", "/_harness/emr", "{}");
        self.control(
            "POST",
            "/_harness/network",
            r#"{"latency_ms": 0, "throttle_every": 0}"#,
        );
        for dir in [".local", "state"] {
            let path = self.home().join(dir);
            if path.exists() {
                std::fs::remove_dir_all(path).unwrap();
            }
        }
        self.clear_calls();
    }

    pub fn clear_calls(&self) {
        self.control("POST", "/_harness/calls/clear", "");
    }

    /// Replaces the fault rules; see `Rule` in moto_harness.py for the fields.
    pub fn set_faults(&self, rules: Value) {
        self.control("POST", "/_harness/faults", &rules.to_string());
    }

    fn control(&self, method: &str, path: &str, body: &str) -> String {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        let (head, body) = answer.split_once("\r\n\r\n").unwrap();
        assert!(head.contains(" 200 "), "harness answered {head}");
        body.to_owned()
    }

    /// A cluster that stays alive (WAITING) under `name`, with optional tags; its id.
    pub fn launch_cluster(&self, name: &str, tags: &[(&str, &str)]) -> String {
        use aws_sdk_emr::types::{JobFlowInstancesConfig, Tag};
        let tags: Vec<Tag> = tags
            .iter()
            .map(|(k, v)| Tag::builder().key(*k).value(*v).build())
            .collect();
        let out = self
            .block_on(
                self.emr()
                    .run_job_flow()
                    .name(name)
                    .release_label("emr-6.3.0")
                    .instances(
                        JobFlowInstancesConfig::builder()
                            .instance_count(1)
                            .master_instance_type("m5.xlarge")
                            .keep_job_flow_alive_when_no_steps(true)
                            .build(),
                    )
                    .set_tags(Some(tags))
                    .send(),
            )
            .unwrap();
        out.job_flow_id.unwrap()
    }

    pub fn terminate_cluster(&self, id: &str) {
        self.block_on(self.emr().terminate_job_flows().job_flow_ids(id).send())
            .unwrap();
    }

    pub fn cluster_state(&self, id: &str) -> String {
        let out = self
            .block_on(self.emr().describe_cluster().cluster_id(id).send())
            .unwrap();
        out.cluster
            .and_then(|c| c.status)
            .and_then(|s| s.state)
            .map(|s| s.as_str().to_owned())
            .unwrap()
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A python that can import moto: the one on PATH, or a virtualenv made once (under a
/// file lock, so parallel test processes do not race) in the target directory.
pub fn python() -> PathBuf {
    static PYTHON: OnceLock<PathBuf> = OnceLock::new();
    PYTHON
        .get_or_init(|| {
            if let Some(python) = std::env::var_os("CYI_TEST_PYTHON") {
                return PathBuf::from(python);
            }
            if can_import_moto(Path::new("python3")) {
                return PathBuf::from("python3");
            }
            let target = Path::new(env!("CARGO_TARGET_TMPDIR"))
                .parent()
                .unwrap()
                .to_path_buf();
            let venv = target.join("moto-venv");
            let python = venv.join("bin/python");
            let lock = std::fs::File::create(target.join("moto-venv.lock")).unwrap();
            lock.lock().unwrap();
            if !can_import_moto(&python) {
                eprintln!("installing {MOTO_REQUIREMENT} into {}", venv.display());
                run(StdCommand::new("python3").args(["-m", "venv"]).arg(&venv));
                run(StdCommand::new(&python).args([
                    "-m",
                    "pip",
                    "install",
                    "--quiet",
                    MOTO_REQUIREMENT,
                ]));
            }
            lock.unlock().unwrap();
            python
        })
        .clone()
}

fn can_import_moto(python: &Path) -> bool {
    StdCommand::new(python)
        .args(["-c", "import moto.server, werkzeug"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn run(cmd: &mut StdCommand) {
    let status = cmd.status().unwrap();
    assert!(status.success(), "{cmd:?} failed: {status}");
}
pub mod start;

pub mod reliability;

/// The characters a terminal acts on in `text`: C0 controls but newline and tab (layout,
/// checked apart), DEL, C1 controls, and the bidirectional overrides and isolates.
pub fn raw_controls(text: &str) -> Vec<char> {
    text.chars()
        .filter(|c| match c {
            '\n' | '\t' => false,
            c if c.is_control() => true,
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => true,
            _ => false,
        })
        .collect()
}
