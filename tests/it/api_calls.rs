//! The API-call budget of each command, asserted on the calls moto actually received:
//! no operation is repeated beyond what the API's limits force.

use std::collections::BTreeMap;

use crate::support::Sandbox;
use crate::support::start::{self, INPUT_BUCKET, SECRET_ID};

fn counts(sandbox: &Sandbox) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for call in sandbox.calls() {
        *counts.entry(call.operation).or_default() += 1;
    }
    counts
}

#[test]
fn start_cluster_reads_each_object_once_and_each_distinct_secret_once() {
    let sandbox = Sandbox::start();
    let world = start::world(&sandbox);
    // The fixture names the same secret in hive-site and spark-hive-site.
    let config =
        std::fs::read_to_string(start::fixture("cluster-config").join("configurations.yaml"))
            .unwrap();
    assert_eq!(config.matches(SECRET_ID).count(), 2);
    start::create_bucket(&sandbox, "cyi-config");
    for file in [
        "cluster.yaml",
        "instances.yaml",
        "steps.yaml",
        "configurations.yaml",
    ] {
        let body = std::fs::read(start::fixture("cluster-config").join(file)).unwrap();
        start::put(&sandbox, "cyi-config", &format!("emr/cyi/{file}"), &body);
    }
    sandbox.clear_calls();

    let run = start::run(
        &sandbox,
        &[&world.password],
        &[
            "start-cluster",
            "--export-date",
            start::EXPORT_DATE,
            "--correlation-id",
            "run-1",
            "--input-bucket",
            INPUT_BUCKET,
            "--cluster-config",
            "s3://cyi-config/emr/cyi",
            "--yes",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let counts = counts(&sandbox);
    assert_eq!(counts.get("GetObject"), Some(&4), "{counts:?}");
    assert_eq!(counts.get("GetSecretValue"), Some(&1), "{counts:?}");
    assert_eq!(counts.get("RunJobFlow"), Some(&1), "{counts:?}");
    assert_eq!(counts.get("GetCallerIdentity"), Some(&1), "{counts:?}");
    assert_eq!(counts.get("ListObjectsV2"), Some(&1), "{counts:?}");
    // One read of the state row; the launch lock is one conditional put and one delete.
    assert_eq!(counts.get("GetItem"), Some(&1), "{counts:?}");
    assert!(
        counts.get("PutItem").copied().unwrap_or(0) <= 1,
        "{counts:?}"
    );
    assert!(
        counts.get("DeleteItem").copied().unwrap_or(0) <= 1,
        "{counts:?}"
    );
    // No cluster is alive yet: one ListClusters page, nothing to describe, and no
    // tagging after the launch (the tags travel in the RunJobFlow request).
    assert!(
        counts.get("ListClusters").copied().unwrap_or(0) <= 2,
        "{counts:?}"
    );
    assert_eq!(counts.get("DescribeCluster"), None, "{counts:?}");
    assert_eq!(counts.get("AddTags"), None, "{counts:?}");
}

#[test]
fn validation_errors_and_local_commands_make_no_call_at_all() {
    let sandbox = Sandbox::start();
    for args in [
        vec![
            "start-cluster",
            "--export-date",
            "2021-02-30",
            "--correlation-id",
            "x",
        ],
        vec![
            "start-cluster",
            "--export-date",
            "2021-04-01",
            "--correlation-id",
            "",
        ],
        vec!["stop-clusters", "--cluster-id", "not-a-cluster"],
        vec!["clear-row", "--correlation-id", ""],
        vec!["--env", "nowhere", "clusters"],
        vec!["--region", "eu-west2", "clusters"],
    ] {
        let out = sandbox.cyi().args(&args).output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    for args in [
        vec!["--version"],
        vec!["--help"],
        vec!["completions", "zsh"],
        vec!["restore-row", "--list"],
    ] {
        sandbox.cyi().args(&args).assert().success();
    }
    assert!(sandbox.calls().is_empty(), "{:?}", sandbox.calls());
}

#[test]
fn restart_reads_the_row_once_describes_its_cluster_once_and_lists_its_steps_once() {
    let sandbox = Sandbox::start();
    let world = sandbox.seed_world("2026-11-24");
    let failed = world.fact("failed_run").to_owned();
    let old = world.fact("terminated_cluster").to_owned();

    for extra in [None, Some("--fresh")] {
        sandbox.clear_calls();
        let mut args = vec!["restart", "--correlation-id", failed.as_str(), "--yes"];
        args.extend(extra);
        let out = sandbox.cyi().args(&args).output().unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let counts = counts(&sandbox);
        // The row once; its cluster once (why it failed, the clear, the checks) and its
        // steps once; the listings are start-cluster's own (the checks, and the last
        // check under the launch lock).
        let of_old = |operation: &str| {
            sandbox
                .calls_of(operation)
                .iter()
                .filter(|c| c.params["ClusterId"] == old.as_str())
                .count()
        };
        assert_eq!(of_old("DescribeCluster"), 1, "{extra:?} {counts:?}");
        assert_eq!(of_old("ListSteps"), 1, "{extra:?} {counts:?}");
        assert_eq!(counts.get("ListSteps"), Some(&1), "{extra:?} {counts:?}");
        assert_eq!(counts.get("GetItem"), Some(&1), "{extra:?} {counts:?}");
        assert_eq!(counts.get("ListClusters"), Some(&2), "{extra:?} {counts:?}");
        assert_eq!(counts.get("RunJobFlow"), Some(&1), "{extra:?} {counts:?}");
        assert_eq!(counts.get("DescribeStep"), None, "{extra:?} {counts:?}");
        // Stop the resumed run's cluster so that the fresh restart is not refused.
        let stop = [
            "stop-clusters",
            "--correlation-id",
            failed.as_str(),
            "--yes",
        ];
        assert!(sandbox.cyi().args(stop).output().unwrap().status.success());
    }
}
