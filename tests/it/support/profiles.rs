//! `cyi` with AWS profile files in its HOME and no credentials in its environment, for
//! the credential tests (`credentials.rs`, `mfa_chain.rs`); botocore, through
//! `tls_tools.py`, as the aws CLI's side of the shared session cache.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use super::pty::PTY_TIMEOUT_MS;
use super::{REGION, Sandbox, python};

/// The sandbox's environment with `~/.aws/config` and `~/.aws/credentials` in its HOME
/// and no credentials in it.
pub fn profile_env(sandbox: &Sandbox) -> Vec<(&'static str, OsString)> {
    let aws = sandbox.home().join(".aws");
    let mut env: Vec<_> = sandbox
        .cyi_env()
        .into_iter()
        .filter(|(name, _)| !name.starts_with("AWS_ACCESS") && !name.starts_with("AWS_SECRET"))
        .filter(|(name, _)| !["AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"].contains(name))
        .collect();
    env.push(("AWS_CONFIG_FILE", aws.join("config").into()));
    env.push((
        "AWS_SHARED_CREDENTIALS_FILE",
        aws.join("credentials").into(),
    ));
    env
}

/// `cyi` without a terminal (stdin is a pipe), with the profile files.
pub fn cyi(sandbox: &Sandbox) -> assert_cmd::Command {
    let mut cmd = sandbox.cyi_std();
    cmd.env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .envs(profile_env(sandbox));
    let mut cmd = assert_cmd::Command::from_std(cmd);
    cmd.write_stdin("");
    cmd
}

/// `cyi` on a pseudo-terminal, with the profile files.
pub fn cyi_pty(sandbox: &Sandbox, args: &[&str]) -> rexpect::session::PtySession {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cyi"));
    cmd.env_clear()
        .envs(profile_env(sandbox))
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("TERM", "xterm")
        .current_dir(sandbox.home())
        .args(args);
    rexpect::session::spawn_command(cmd, Some(PTY_TIMEOUT_MS)).unwrap()
}

/// The TLS and botocore helper (`tls_tools.py`).
pub fn tools() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/support/tls_tools.py")
}

/// One run of `tls_tools.py`, in the sandbox's HOME with the profile files; its stdout.
pub fn tool(sandbox: &Sandbox, args: &[&str]) -> String {
    let out = Command::new(python())
        .arg(tools())
        .args(args)
        .env_clear()
        .envs(profile_env(sandbox))
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("AWS_DEFAULT_REGION", REGION)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "tls_tools.py {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// The aws CLI's session cache file for `key` in the sandbox's HOME.
pub fn cache_file(sandbox: &Sandbox, key: &str) -> PathBuf {
    sandbox
        .home()
        .join(".aws/cli/cache")
        .join(format!("{key}.json"))
}

/// Every file under `dir`, as text (lossy).
pub fn all_files(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(all_files(&path));
        } else {
            let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
            found.push((path, text));
        }
    }
    found
}

/// The MFA code is in none of `outputs` and in no file under the sandbox's HOME.
pub fn assert_code_nowhere(sandbox: &Sandbox, code: &str, outputs: &[&[u8]]) {
    for output in outputs {
        assert!(!String::from_utf8_lossy(output).contains(code));
    }
    for (path, text) in all_files(sandbox.home()) {
        assert!(
            !text.contains(code),
            "the MFA code is in {}",
            path.display()
        );
    }
}

/// The parameters of every AssumeRole call recorded.
pub fn assume_role_calls(sandbox: &Sandbox) -> Vec<Value> {
    sandbox
        .calls_of("AssumeRole")
        .into_iter()
        .map(|call| call.params)
        .collect()
}
