//! The CYI world a test runs against, seeded in one place:
//! - the whole world of `scripts/sandbox` (rows, clusters, config, input, secret) through
//!   the harness's `/_harness/seed`, which runs the shared `scripts/sandbox_seed.py`;
//! - the smaller world one launch needs ([`world`]), made with the SDK;
//! - the one list of the operations that change something.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::{REGION, Sandbox};

pub const INPUT_BUCKET: &str = "cyi-input";
pub const SECRET_ID: &str = "metadata-store-cyi-writer";
pub const EXPORT_DATE: &str = "2021-04-01";

/// The operation-name prefixes of reads; every other operation counts as a change
/// (so an unexpected new call is caught as one, not missed).
pub const READ_PREFIXES: [&str; 4] = ["Get", "List", "Describe", "Head"];

/// Whether a recorded operation changes something in AWS.
pub fn is_mutating(operation: &str) -> bool {
    !READ_PREFIXES.iter().any(|p| operation.starts_with(p))
}

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

/// What `/_harness/seed` made: the ids of the seeded runs and clusters, and the
/// `sandbox` environment's config.
pub struct SeededWorld {
    pub facts: Value,
}

impl SeededWorld {
    pub fn fact(&self, name: &str) -> &str {
        self.facts[name].as_str().unwrap()
    }
}

impl Sandbox {
    /// Seeds the sandbox's world as of `today` (YYYY-MM-DD), writes its `sandbox`
    /// environment to `./cyi.toml`, and forgets the seeding calls.
    pub fn seed_world(&self, today: &str) -> SeededWorld {
        let body = serde_json::json!({ "today": today }).to_string();
        let facts: Value = serde_json::from_str(&self.control("POST", "/_harness/seed", &body))
            .expect("the harness's seed answer is JSON");
        self.write_config(facts["config"].as_str().unwrap());
        SeededWorld { facts }
    }

    /// The recorded operations that change something, in arrival order.
    pub fn mutating_calls(&self) -> Vec<String> {
        self.calls()
            .into_iter()
            .map(|c| c.operation)
            .filter(|op| is_mutating(op))
            .collect()
    }

    pub fn create_bucket(&self, bucket: &str) {
        use aws_sdk_s3::types::{BucketLocationConstraint, CreateBucketConfiguration};
        self.block_on(
            self.s3()
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

    pub fn put_object(&self, bucket: &str, key: &str, body: &[u8]) {
        self.block_on(
            self.s3()
                .put_object()
                .bucket(bucket)
                .key(key)
                .body(body.to_vec().into())
                .send(),
        )
        .unwrap();
    }

    pub fn create_secret(&self, id: &str, secret_string: &str) {
        self.block_on(
            self.secrets()
                .create_secret()
                .name(id)
                .secret_string(secret_string)
                .send(),
        )
        .unwrap();
    }
}

/// The world one launch needs: the state table, the input bucket with two files for
/// [`EXPORT_DATE`], the metastore secret. Returns the metastore password.
pub struct World {
    pub password: String,
}

pub fn world(sandbox: &Sandbox) -> World {
    sandbox.create_table();
    sandbox.create_bucket(INPUT_BUCKET);
    sandbox.put_object(
        INPUT_BUCKET,
        "cyi/2021-04-01/part-0001.json.gz",
        b"0123456789",
    );
    sandbox.put_object(INPUT_BUCKET, "cyi/2021-04-01/part-0002.json.gz", b"abc");
    let password = random_password();
    let secret = serde_json::json!({ "password": password }).to_string();
    sandbox.create_secret(SECRET_ID, &secret);
    sandbox.clear_calls();
    World { password }
}
