//! Helpers for the `start-cluster` tests: the AWS world a launch needs (state table,
//! input bucket and files, metastore secret), and runs that check no output ever
//! carries the secret.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use aws_sdk_dynamodb::types::AttributeValue;
use serde_json::Value;

use super::{REGION, Sandbox};

pub const TABLE: &str = "data_pipeline_metadata";
pub const INPUT_BUCKET: &str = "cyi-input";
pub const SECRET_ID: &str = "metadata-store-cyi-writer";
pub const EXPORT_DATE: &str = "2021-04-01";

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// A password nobody could guess, different in every test.
pub fn random_password() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("pw-{nanos:x}-{:x}", std::process::id())
}

/// The world one launch needs. Returns the metastore password.
pub struct World {
    pub password: String,
}

pub fn world(sandbox: &Sandbox) -> World {
    create_table(sandbox);
    create_bucket(sandbox, INPUT_BUCKET);
    put(
        sandbox,
        INPUT_BUCKET,
        "cyi/2021-04-01/part-0001.json.gz",
        b"0123456789",
    );
    put(
        sandbox,
        INPUT_BUCKET,
        "cyi/2021-04-01/part-0002.json.gz",
        b"abc",
    );
    let password = random_password();
    create_secret(
        sandbox,
        SECRET_ID,
        &format!("{{\"password\": \"{password}\"}}"),
    );
    sandbox.clear_calls();
    World { password }
}

pub fn create_table(sandbox: &Sandbox) {
    sandbox.create_table();
}

pub fn put_row(sandbox: &Sandbox, correlation_id: &str, fields: &[(&str, AttributeValue)]) {
    let mut put = sandbox
        .dynamodb()
        .put_item()
        .table_name(TABLE)
        .item("Correlation_Id", AttributeValue::S(correlation_id.into()))
        .item("DataProduct", AttributeValue::S("CYI".into()));
    for (k, v) in fields {
        put = put.item(*k, v.clone());
    }
    sandbox.block_on(put.send()).unwrap();
}

pub fn create_bucket(sandbox: &Sandbox, bucket: &str) {
    use aws_sdk_s3::types::{BucketLocationConstraint, CreateBucketConfiguration};
    sandbox
        .block_on(
            sandbox
                .s3()
                .create_bucket()
                .bucket(bucket)
                .create_bucket_configuration(
                    CreateBucketConfiguration::builder()
                        .location_constraint(BucketLocationConstraint::from(REGION))
                        .build(),
                )
                .send(),
        )
        .unwrap();
}

pub fn put(sandbox: &Sandbox, bucket: &str, key: &str, body: &[u8]) {
    sandbox
        .block_on(
            sandbox
                .s3()
                .put_object()
                .bucket(bucket)
                .key(key)
                .body(body.to_vec().into())
                .send(),
        )
        .unwrap();
}

pub fn create_secret(sandbox: &Sandbox, id: &str, secret_string: &str) {
    sandbox
        .block_on(
            sandbox
                .secrets()
                .create_secret()
                .name(id)
                .secret_string(secret_string)
                .send(),
        )
        .unwrap();
}

/// The operations that change something in AWS.
pub fn mutating_calls(sandbox: &Sandbox) -> Vec<String> {
    sandbox
        .calls()
        .into_iter()
        .map(|c| c.operation)
        .filter(|op| {
            !(op.starts_with("Get")
                || op.starts_with("List")
                || op.starts_with("Describe")
                || op.starts_with("Head"))
        })
        .collect()
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
