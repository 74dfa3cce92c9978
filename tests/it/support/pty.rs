//! The real `cyi` binary on a pseudo-terminal (rexpect), with the same clean environment
//! as [`Sandbox::cyi`], for tests of what a person sees and types at a prompt.

use std::process::Command;

use super::Sandbox;

/// Seconds rexpect waits for each expected text: generous, because two cores are shared
/// by several test runs and the first EMR call to a fresh moto takes a second or more.
pub const PTY_TIMEOUT_MS: u64 = 30_000;

/// `cyi ARGS` on a pty in the sandbox's directory, with nothing inherited but PATH.
pub fn spawn(sandbox: &Sandbox, args: &[&str]) -> rexpect::session::PtySession {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cyi"));
    cmd.env_clear()
        .envs(sandbox.cyi_env())
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("TERM", "xterm")
        .current_dir(sandbox.home())
        .args(args);
    rexpect::session::spawn_command(cmd, Some(PTY_TIMEOUT_MS)).expect("cannot spawn cyi on a pty")
}

/// Waits for the end of output and returns the exit code.
pub fn exit_code(mut session: rexpect::session::PtySession) -> i32 {
    session.exp_eof().expect("cyi did not finish");
    match session.process().wait().expect("cannot wait for cyi") {
        rexpect::process::WaitStatus::Exited(_, code) => code,
        other => panic!("cyi did not exit normally: {other:?}"),
    }
}
