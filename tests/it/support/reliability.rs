//! Helpers for the reliability suites (faults, races, secrets): `cyi` as a child process
//! that a test can signal or kill, waiting for a recorded call, and the measured figures
//! each suite writes for scripts/reliability-report.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::Sandbox;

impl Sandbox {
    /// `cyi` as a std Command with piped output and no input, so a test can spawn it,
    /// signal it and read what it printed.
    pub fn cyi_piped(&self) -> Command {
        let mut cmd = self.cyi_std();
        cmd.stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        cmd
    }

    /// Waits until `operation` has been recorded `count` times; panics after `limit`.
    pub fn wait_for_calls(&self, operation: &str, count: usize, limit: Duration) {
        let started = Instant::now();
        while self.calls_of(operation).len() < count {
            assert!(
                started.elapsed() < limit,
                "{operation} was not called {count} time(s) within {limit:?}: {:?}",
                self.calls()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// Sends a signal to a child with the system's `kill` (no extra crate, no shell).
pub fn signal(child: &Child, name: &str) {
    let status = Command::new("kill")
        .arg(format!("-{name}"))
        .arg(child.id().to_string())
        .status()
        .unwrap();
    assert!(status.success(), "kill -{name} failed");
}

/// Waits for a child to end, killing it and failing the test after `limit` so a hang
/// can never stall the suite.
pub fn finish(mut child: Child, limit: Duration) -> Output {
    let started = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!(
                "cyi did not end within {limit:?}\nstdout: {}\nstderr: {}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Records one measured figure for docs/RELIABILITY.md: a JSON file per test under
/// `$CARGO_TARGET_TMPDIR/reliability/`, which scripts/reliability-report reads.
pub fn record_figure(name: &str, figure: Value) {
    let dir = figures_dir();
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join(format!("{name}.json")),
        serde_json::to_string_pretty(&figure).unwrap(),
    )
    .unwrap();
}

pub fn figures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("reliability")
}

/// docs/RELIABILITY.md, which the suites check against their own tables.
pub fn reliability_doc() -> String {
    std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/RELIABILITY.md"),
    )
    .unwrap()
}
