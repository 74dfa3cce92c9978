//! Credentials and network the way operators have them (issue 16), against moto's STS
//! through the recording harness: a role profile with `mfa_serial` (the prompt, the
//! code reaching AssumeRole, the session cache shared with the aws CLI), and corporate
//! TLS (`AWS_CA_BUNDLE`, a profile's `ca_bundle`, a CONNECT proxy) with a test CA.

use std::ffi::OsString;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::Duration;

use serde_json::Value;

use crate::support::profiles::{
    assert_code_nowhere, assume_role_calls, cache_file, cyi, cyi_pty, tool, tools,
};
use crate::support::{self, Sandbox};

const ROLE: &str = "arn:aws:iam::123456789012:role/ops";
const SERIAL: &str = "arn:aws:iam::123456789012:mfa/jane";
const PROMPT: &str = "Enter MFA code for arn:aws:iam::123456789012:mfa/jane:";

/// `~/.aws/config` with the role profile of the issue (in moto's one account) and
/// `~/.aws/credentials` with the long-lived keys of its source profile.
fn write_profiles(sandbox: &Sandbox, extra: &str) {
    let aws = sandbox.home().join(".aws");
    std::fs::create_dir_all(&aws).unwrap();
    std::fs::write(
        aws.join("config"),
        format!(
            "[profile cyi-prod]\nrole_arn = {ROLE}\nsource_profile = base\nmfa_serial = {SERIAL}\nregion = eu-west-2\n\n[profile base]\nregion = eu-west-2\n{extra}"
        ),
    )
    .unwrap();
    std::fs::write(
        aws.join("credentials"),
        "[base]\naws_access_key_id = AKIABASEEXAMPLE\naws_secret_access_key = base-secret\n",
    )
    .unwrap();
}

/// Waits for the prompt and types `code` into it.
fn answer_prompt(session: &mut rexpect::session::PtySession, code: &str) {
    session.exp_string(PROMPT).unwrap();
    // The prompt turns echo off (flushing pending input) right after it is written.
    std::thread::sleep(Duration::from_millis(300));
    session.send_line(code).unwrap();
}

/// botocore's cache key for AssumeRole of ROLE with SERIAL (no session name).
fn botocore_key(sandbox: &Sandbox) -> String {
    let args = serde_json::json!({ "RoleArn": ROLE, "SerialNumber": SERIAL });
    tool(sandbox, &["botocore-key", &args.to_string()])
}

#[test]
fn the_prompt_assumes_the_role_with_the_code_and_the_next_run_uses_the_cache() {
    let sandbox = Sandbox::start();
    write_profiles(&sandbox, "");
    let mut session = cyi_pty(&sandbox, &["--profile", "cyi-prod", "clusters"]);
    answer_prompt(&mut session, "654321");
    session.exp_string("No active 'cyi' clusters").unwrap();
    let tail = session.exp_eof().unwrap();
    assert!(!tail.contains("654321"), "the code was echoed: {tail}");

    let calls = assume_role_calls(&sandbox);
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert_eq!(calls[0]["TokenCode"], "654321");
    assert_eq!(calls[0]["SerialNumber"], SERIAL);
    assert_eq!(calls[0]["RoleArn"], ROLE);
    // No USER in the test environment: the readable default, not a random name.
    assert_eq!(calls[0]["RoleSessionName"], "cyi");
    assert_eq!(sandbox.calls_of("ListClusters").len(), 1);

    // The session is where the aws CLI keeps it, under botocore's key, for its owner only.
    let file = cache_file(&sandbox, &botocore_key(&sandbox));
    assert!(file.exists(), "no cache file {}", file.display());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let cached: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let access_key = cached["Credentials"]["AccessKeyId"]
        .as_str()
        .unwrap()
        .to_owned();

    // The next run, without a terminal and without a code, asks nothing and calls no STS.
    sandbox.clear_calls();
    let out = cyi(&sandbox)
        .args(["--profile", "cyi-prod", "clusters"])
        .assert()
        .success();
    assert!(assume_role_calls(&sandbox).is_empty());
    assert_eq!(sandbox.calls_of("ListClusters").len(), 1);
    let output = out.get_output();
    assert_code_nowhere(&sandbox, "654321", &[&output.stdout, &output.stderr]);

    // And the aws CLI (botocore with its file cache) takes cyi's session as its own.
    let botocore_key_id = tool(&sandbox, &["botocore-assume", r#"{"profile": "cyi-prod"}"#]);
    assert_eq!(botocore_key_id, access_key);
    assert!(assume_role_calls(&sandbox).is_empty());
}

#[test]
fn an_expired_cache_entry_asks_again() {
    let sandbox = Sandbox::start();
    write_profiles(&sandbox, "");
    let file = cache_file(&sandbox, &botocore_key(&sandbox));
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    let expired = serde_json::json!({"Credentials": {
        "AccessKeyId": "ASIAOLD", "SecretAccessKey": "old", "SessionToken": "old",
        "Expiration": "2020-01-01T00:00:00UTC"}});
    std::fs::write(&file, expired.to_string()).unwrap();

    let mut session = cyi_pty(&sandbox, &["--profile", "cyi-prod", "clusters"]);
    // Something that is not a code is refused at the prompt, which asks again.
    answer_prompt(&mut session, "24681x");
    session.exp_string("That is not a 6-digit code.").unwrap();
    answer_prompt(&mut session, "246810");
    assert_eq!(support::pty::exit_code(session), 0);
    let calls = assume_role_calls(&sandbox);
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0]["TokenCode"], "246810");
    let cached: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_ne!(cached["Credentials"]["AccessKeyId"], "ASIAOLD");
}

#[test]
fn a_session_the_aws_cli_cached_is_used() {
    let sandbox = Sandbox::start();
    // The environment insists on another account, so the refusal names the identity
    // that signed the calls: the cached session's.
    sandbox.write_config(
        "default_env = \"prod\"\n[env.prod]\nprofile = \"cyi-prod\"\naccount = \"999999999999\"\n",
    );
    write_profiles(&sandbox, "");
    let access_key = tool(
        &sandbox,
        &[
            "botocore-assume",
            r#"{"profile": "cyi-prod", "code": "135790"}"#,
        ],
    );
    assert!(!access_key.is_empty());
    assert_eq!(assume_role_calls(&sandbox).len(), 1);
    sandbox.clear_calls();

    let out = cyi(&sandbox)
        .args(["stop-clusters", "--dry-run"])
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.contains("arn:aws:sts::123456789012:assumed-role/ops/"),
        "{stderr}"
    );
    assert!(assume_role_calls(&sandbox).is_empty());
    assert!(!stderr.contains("MFA"), "{stderr}");
}

#[test]
fn without_a_terminal_or_a_code_it_fails_at_once() {
    let sandbox = Sandbox::start();
    write_profiles(&sandbox, "");
    let out = cyi(&sandbox)
        .args(["--profile", "cyi-prod", "clusters"])
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    for needle in [
        "profile 'cyi-prod' needs an MFA code for arn:aws:iam::123456789012:mfa/jane",
        "--mfa-code",
        "CYI_MFA_CODE",
        "aws-vault exec",
        "aws sso login",
    ] {
        assert!(stderr.contains(needle), "{needle:?} missing from {stderr}");
    }
    assert!(sandbox.calls().is_empty(), "{:?}", sandbox.calls());
    assert!(!sandbox.home().join(".aws/cli").exists());
}

#[test]
fn a_code_from_the_environment_or_the_flag_needs_no_terminal() {
    let sandbox = Sandbox::start();
    write_profiles(&sandbox, "");
    // --no-cache: the role is assumed, nothing is written.
    let out = cyi(&sandbox)
        .env("CYI_MFA_CODE", "112233")
        .args(["--profile", "cyi-prod", "--no-cache", "clusters"])
        .assert()
        .success();
    let calls = assume_role_calls(&sandbox);
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0]["TokenCode"], "112233");
    assert_eq!(calls[0]["SerialNumber"], SERIAL);
    assert!(!sandbox.home().join(".aws/cli").exists());
    let first = out.get_output().clone();

    let out = cyi(&sandbox)
        .args([
            "-v",
            "--profile",
            "cyi-prod",
            "--mfa-code",
            "445566",
            "clusters",
        ])
        .assert()
        .success();
    assert_eq!(assume_role_calls(&sandbox)[1]["TokenCode"], "445566");
    assert!(cache_file(&sandbox, &botocore_key(&sandbox)).exists());
    let second = out.get_output();
    for code in ["112233", "445566"] {
        assert_code_nowhere(
            &sandbox,
            code,
            &[&first.stdout, &first.stderr, &second.stdout, &second.stderr],
        );
    }

    // A code that is not 6 digits is refused before any call, and not repeated.
    sandbox.clear_calls();
    let out = cyi(&sandbox)
        .env("CYI_MFA_CODE", "12345x")
        .args(["--profile", "cyi-prod", "--no-cache", "clusters"])
        .assert()
        .code(2);
    assert!(!String::from_utf8_lossy(&out.get_output().stderr).contains("12345x"));
    assert!(sandbox.calls().is_empty());
}

#[test]
fn the_environments_role_with_mfa_serial_is_assumed_with_the_code() {
    let sandbox = Sandbox::start();
    sandbox.write_config(&format!(
        "default_env = \"prod\"\n[env.prod]\nrole_arn = \"{ROLE}\"\nmfa_serial = \"{SERIAL}\"\n"
    ));
    // Credentials in the environment (as the sandbox has) assume the environment's role.
    sandbox
        .cyi()
        .env("CYI_MFA_CODE", "778899")
        .args(["--no-cache", "clusters"])
        .assert()
        .success();
    let calls = assume_role_calls(&sandbox);
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0]["RoleArn"], ROLE);
    assert_eq!(calls[0]["SerialNumber"], SERIAL);
    assert_eq!(calls[0]["TokenCode"], "778899");
}

/// A `tls_tools.py` server (front, proxy) that lives as long as this value.
struct Helper {
    child: Child,
    _stdin: ChildStdin,
    port: u16,
}

impl Helper {
    fn start(args: &[&OsString]) -> Helper {
        let mut child = Command::new(support::python())
            .arg(tools())
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line.trim().parse().unwrap();
        let stdin = child.stdin.take().unwrap();
        Helper {
            child,
            _stdin: stdin,
            port,
        }
    }
}

impl Drop for Helper {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The sandbox behind TLS: a test CA, a leaf for localhost signed by it, and a TLS
/// front passing the calls on to the recording harness.
struct TlsSandbox {
    sandbox: Sandbox,
    ca: PathBuf,
    _front: Helper,
    endpoint: String,
}

impl TlsSandbox {
    fn start() -> TlsSandbox {
        let sandbox = Sandbox::start();
        let dir = sandbox.home().join("tls");
        std::fs::create_dir_all(&dir).unwrap();
        tool(&sandbox, &["certs", dir.to_str().unwrap()]);
        let front = Helper::start(&[
            &"front".into(),
            &dir.join("leaf.pem").into(),
            &dir.join("leaf.key").into(),
            &sandbox.port.to_string().into(),
        ]);
        let endpoint = format!("https://localhost:{}", front.port);
        TlsSandbox {
            ca: dir.join("ca.pem"),
            endpoint,
            sandbox,
            _front: front,
        }
    }

    /// `cyi clusters` sent to the TLS endpoint, with nothing of this machine's TLS or
    /// proxy settings inherited.
    fn clusters(&self) -> assert_cmd::Command {
        let mut cmd = self.sandbox.cyi();
        for name in [
            "SSL_CERT_FILE",
            "SSL_CERT_DIR",
            "HTTPS_PROXY",
            "https_proxy",
        ] {
            cmd.env_remove(name);
        }
        for name in [
            "HTTP_PROXY",
            "http_proxy",
            "ALL_PROXY",
            "all_proxy",
            "NO_PROXY",
            "no_proxy",
        ] {
            cmd.env_remove(name);
        }
        cmd.env("AWS_ENDPOINT_URL", &self.endpoint).arg("clusters");
        cmd
    }
}

#[test]
fn a_ca_bundle_from_the_environment_or_the_profile_is_trusted() {
    let tls = TlsSandbox::start();
    // Without the bundle the private CA is not trusted.
    let out = tls.clusters().assert().code(1);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(stderr.contains("UnknownIssuer"), "{stderr}");
    assert!(tls.sandbox.calls().is_empty());

    tls.clusters()
        .env("AWS_CA_BUNDLE", &tls.ca)
        .assert()
        .success();
    assert_eq!(tls.sandbox.calls_of("ListClusters").len(), 1);

    let config = tls.sandbox.home().join("aws-config-tls");
    std::fs::write(
        &config,
        format!("[default]\nca_bundle = {}\n", tls.ca.display()),
    )
    .unwrap();
    tls.clusters()
        .env("AWS_CONFIG_FILE", &config)
        .assert()
        .success();
    assert_eq!(tls.sandbox.calls_of("ListClusters").len(), 2);
}

#[test]
fn a_wrong_bundle_path_is_a_usage_error_naming_it() {
    let tls = TlsSandbox::start();
    let missing = tls.sandbox.home().join("no-such-bundle.pem");
    let out = tls
        .clusters()
        .env("AWS_CA_BUNDLE", &missing)
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(stderr.contains(&missing.display().to_string()), "{stderr}");
    assert!(stderr.contains("AWS_CA_BUNDLE"), "{stderr}");
    assert!(tls.sandbox.calls().is_empty());
}

#[test]
fn https_proxy_tunnels_with_connect_and_no_proxy_bypasses_it() {
    let tls = TlsSandbox::start();
    let log = tls.sandbox.home().join("proxy.log");
    let proxy = Helper::start(&[&"proxy".into(), &log.clone().into()]);
    let proxy_url = format!("http://127.0.0.1:{}", proxy.port);
    tls.clusters()
        .env("AWS_CA_BUNDLE", &tls.ca)
        .env("HTTPS_PROXY", &proxy_url)
        .assert()
        .success();
    let tunnels = std::fs::read_to_string(&log).unwrap_or_default();
    let target = tls.endpoint.trim_start_matches("https://");
    assert!(
        tunnels.contains(&format!("CONNECT {target}")),
        "{tunnels:?}"
    );
    assert_eq!(tls.sandbox.calls_of("ListClusters").len(), 1);

    tls.clusters()
        .env("AWS_CA_BUNDLE", &tls.ca)
        .env("HTTPS_PROXY", &proxy_url)
        .env("NO_PROXY", "localhost")
        .assert()
        .success();
    assert_eq!(std::fs::read_to_string(&log).unwrap_or_default(), tunnels);
    assert_eq!(tls.sandbox.calls_of("ListClusters").len(), 2);
}
