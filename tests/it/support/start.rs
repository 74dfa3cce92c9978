//! Helpers for the `start-cluster` tests: runs that check no output ever carries the
//! secret. The world a launch needs is seeded by `super::world` (re-exported here).

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use aws_sdk_dynamodb::types::AttributeValue;
use serde_json::Value;

use super::Sandbox;

pub use super::rows::TABLE;
pub use super::world::{EXPORT_DATE, INPUT_BUCKET, SECRET_ID, fixture, random_password, world};

pub fn create_table(sandbox: &Sandbox) {
    sandbox.create_table();
}

/// A state row of the data product `CYI` with these attributes.
pub fn put_row(sandbox: &Sandbox, correlation_id: &str, fields: &[(&str, AttributeValue)]) {
    let mut item = super::rows::Item::from([
        ("Correlation_Id".to_owned(), super::rows::s(correlation_id)),
        ("DataProduct".to_owned(), super::rows::s("CYI")),
    ]);
    item.extend(fields.iter().map(|(k, v)| ((*k).to_owned(), v.clone())));
    sandbox.put_row(&item);
}

pub fn create_bucket(sandbox: &Sandbox, bucket: &str) {
    sandbox.create_bucket(bucket);
}

pub fn put(sandbox: &Sandbox, bucket: &str, key: &str, body: &[u8]) {
    sandbox.put_object(bucket, key, body);
}

pub fn create_secret(sandbox: &Sandbox, id: &str, secret_string: &str) {
    sandbox.create_secret(id, secret_string);
}

/// The operations that change something in AWS (see [`super::world::is_mutating`]).
pub fn mutating_calls(sandbox: &Sandbox) -> Vec<String> {
    sandbox.mutating_calls()
}

/// The one RunJobFlow request the server received.
pub fn sent_request(sandbox: &Sandbox) -> Value {
    let calls = sandbox.calls_of("RunJobFlow");
    assert_eq!(calls.len(), 1, "expected exactly one RunJobFlow: {calls:?}");
    calls[0].params.clone()
}

/// What one run printed.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("{e}: {}", self.stdout))
    }
}

/// The flags every launch in these tests shares: run `run-1`, the test's input bucket,
/// the fixture config, and `--yes`.
pub fn run_flags() -> Vec<String> {
    let config = fixture("cluster-config");
    [
        "--correlation-id",
        "run-1",
        "--input-bucket",
        INPUT_BUCKET,
        "--cluster-config",
        config.to_str().unwrap(),
        "--yes",
    ]
    .map(str::to_owned)
    .to_vec()
}

/// `cyi COMMAND [--export-date ...] <run_flags> EXTRA` as one argument list.
pub fn command_args<'a>(head: &[&'a str], flags: &'a [String], extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = head.to_vec();
    args.extend(flags.iter().map(String::as_str));
    args.extend_from_slice(extra);
    args
}

/// Runs `cyi start-cluster` with the usual flags plus `extra`, and checks that neither
/// stream carries any of `secrets`.
pub fn start(sandbox: &Sandbox, secrets: &[&str], extra: &[&str]) -> Run {
    let flags = run_flags();
    let args = command_args(
        &["start-cluster", "--export-date", EXPORT_DATE],
        &flags,
        extra,
    );
    run(sandbox, secrets, &args)
}

/// Runs `cyi` with exactly `args`, checking the output for `secrets`.
pub fn run(sandbox: &Sandbox, secrets: &[&str], args: &[&str]) -> Run {
    let output = sandbox.cyi().args(args).output().unwrap();
    let run = Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    };
    for secret in secrets {
        assert!(
            !run.stdout.contains(secret) && !run.stderr.contains(secret),
            "the secret leaked into the output of {args:?}:\n{}\n{}",
            run.stdout,
            run.stderr
        );
    }
    run
}
