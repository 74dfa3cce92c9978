//! `cyi start-cluster`'s launch against moto: the report, the launch lock, concurrent
//! starts, and `--wait` (its end, and Ctrl-C while it follows the cluster).

use std::time::Duration;

use crate::start_cluster::cluster_id;
use crate::support::Sandbox;
use crate::support::reliability::{finish, signal};
use crate::support::start::*;
use aws_sdk_dynamodb::types::AttributeValue;
use serde_json::{Value, json};

#[test]
fn launch_reports_id_and_arn_and_wait_follows_to_waiting() {
    let sandbox = Sandbox::start();
    let world = world(&sandbox);
    let out = start(
        &sandbox,
        &[&world.password],
        &["--wait", "--output", "json", "-v"],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = out.json();
    let id = doc["cluster_id"].as_str().unwrap();
    assert!(
        doc["cluster_arn"]
            .as_str()
            .unwrap()
            .ends_with(&format!("cluster/{id}"))
    );
    assert_eq!(doc["state"], "WAITING");
    assert_eq!(doc["request"]["Name"], "cyi");
    assert_eq!(sandbox.cluster_state(id), "WAITING");
    assert!(
        out.stderr.contains(&format!("{id}: WAITING")),
        "{}",
        out.stderr
    );
}

fn lock_item(sandbox: &Sandbox) -> Option<std::collections::HashMap<String, AttributeValue>> {
    sandbox
        .block_on(
            sandbox
                .dynamodb()
                .get_item()
                .table_name(TABLE)
                .key("Correlation_Id", AttributeValue::S("run-1".into()))
                .key(
                    "DataProduct",
                    AttributeValue::S("CYI#start-cluster-lock".into()),
                )
                .send(),
        )
        .unwrap()
        .item
}

#[test]
fn a_held_launch_lock_refuses_and_an_expired_one_does_not() {
    let sandbox = Sandbox::start();
    let world = world(&sandbox);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let s = |v: &str| AttributeValue::S(v.into());
    let lock = |expires: u64| {
        sandbox
            .block_on(
                sandbox
                    .dynamodb()
                    .put_item()
                    .table_name(TABLE)
                    .item("Correlation_Id", s("run-1"))
                    .item("DataProduct", s("CYI#start-cluster-lock"))
                    .item("Owner", s("someone-else"))
                    .item("Since", s("2021-04-01T00:00:00+00:00"))
                    .item("ExpiresAt", AttributeValue::N(expires.to_string()))
                    .send(),
            )
            .unwrap();
        sandbox.clear_calls();
    };

    lock(now + 300);
    let out = start(&sandbox, &[&world.password], &[]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains("lock held by someone-else"),
        "{}",
        out.stderr
    );
    assert!(sandbox.calls_of("RunJobFlow").is_empty());

    lock(now - 1);
    let out = start(&sandbox, &[&world.password], &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(sandbox.calls_of("RunJobFlow").len(), 1);
    assert!(
        lock_item(&sandbox).is_none(),
        "the lock is removed after the launch"
    );
}

#[test]
fn concurrent_starts_for_one_id_launch_one_cluster() {
    let sandbox = Sandbox::start();
    let world = world(&sandbox);
    let flags = run_flags();
    let args = command_args(
        &["start-cluster", "--export-date", EXPORT_DATE],
        &flags,
        &[],
    );
    let commands: Vec<assert_cmd::Command> = (0..3)
        .map(|_| {
            let mut cmd = sandbox.cyi();
            cmd.args(&args);
            cmd
        })
        .collect();
    let outputs: Vec<std::process::Output> = std::thread::scope(|scope| {
        let handles: Vec<_> = commands
            .into_iter()
            .map(|mut cmd| scope.spawn(move || cmd.output().unwrap()))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut codes: Vec<i32> = outputs.iter().map(|o| o.status.code().unwrap()).collect();
    codes.sort();
    for o in &outputs {
        let text = String::from_utf8_lossy(&o.stdout) + String::from_utf8_lossy(&o.stderr);
        assert!(!text.contains(&world.password));
    }
    assert_eq!(codes, [0, 1, 1], "{outputs:?}");
    assert_eq!(sandbox.calls_of("RunJobFlow").len(), 1);
}

#[test]
fn wait_reports_a_cluster_that_ended_at_once() {
    let sandbox = Sandbox::start();
    let world = world(&sandbox);
    // Without steps and with KeepJobFlowAliveWhenNoSteps false, the cluster ends at once.
    let dir = tempfile::tempdir().unwrap();
    for name in ["cluster.yaml", "configurations.yaml", "instances.yaml"] {
        std::fs::copy(fixture("cluster-config").join(name), dir.path().join(name)).unwrap();
    }
    let args = [
        "start-cluster",
        "--export-date",
        EXPORT_DATE,
        "--correlation-id",
        "run-1",
        "--input-bucket",
        INPUT_BUCKET,
        "--cluster-config",
        dir.path().to_str().unwrap(),
        "--yes",
        "--wait",
    ];
    let out = run(&sandbox, &[&world.password], &args);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let id = cluster_id(&out);
    assert!(
        out.stderr.contains(&format!("cluster {id} is TERMINATED")),
        "{}",
        out.stderr
    );
    assert_eq!(sandbox.cluster_state(&id), "TERMINATED");
}

#[test]
fn the_launch_message_names_the_id_and_the_follow_up_not_a_foreign_arn() {
    let sandbox = Sandbox::start();
    let world = world(&sandbox);
    let out = start(&sandbox, &[&world.password], &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let id = cluster_id(&out);
    // moto's ARNs always say us-east-1, whatever the environment's region.
    let arn = sandbox
        .block_on(sandbox.emr().describe_cluster().cluster_id(&id).send())
        .unwrap()
        .cluster
        .and_then(|c| c.cluster_arn)
        .unwrap();
    assert!(arn.contains(":us-east-1:"), "{arn}");
    assert!(
        out.stdout
            .contains(&format!("Launched cluster {id} in default (")),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("Follow it with: cyi status --correlation-id run-1"),
        "{}",
        out.stdout
    );
    for text in [&out.stdout, &out.stderr] {
        assert!(!text.contains("arn:"), "{text}");
    }
}

#[test]
fn the_prompt_asks_launch_and_no_launches_nothing() {
    let sandbox = Sandbox::start();
    world(&sandbox);
    let config = fixture("cluster-config");
    let mut session = crate::support::pty::spawn(
        &sandbox,
        &[
            "start-cluster",
            "--export-date",
            EXPORT_DATE,
            "--correlation-id",
            "run-1",
            "--input-bucket",
            INPUT_BUCKET,
            "--cluster-config",
            config.to_str().unwrap(),
        ],
    );
    session
        .exp_string(&format!(
            "Launch cluster 'cyi' for {EXPORT_DATE} in default?"
        ))
        .unwrap();
    session.send_line("n").unwrap();
    session.exp_string("nothing was changed").unwrap();
    assert_ne!(crate::support::pty::exit_code(session), 0);
    assert!(sandbox.calls_of("RunJobFlow").is_empty());
}

/// Ctrl-C during `--wait` of `args`: exit 130, the document says so, stderr names the
/// cluster and how to follow it, and the cluster goes on. `described_before` is how
/// many DescribeCluster calls the command makes before its launch.
pub(crate) fn ctrl_c_while_waiting(
    sandbox: &Sandbox,
    secrets: &[&str],
    args: &[&str],
    described_before: usize,
) {
    // The launch goes through; every DescribeCluster after it (the wait) hangs.
    sandbox.set_faults(json!([
        {"operation": "DescribeCluster", "kind": "hang", "times": -1, "skip": described_before}
    ]));
    let child = sandbox
        .cyi_piped()
        .args(args)
        .args(["--wait", "--output", "json"])
        .spawn()
        .unwrap();
    sandbox.wait_for_calls(
        "DescribeCluster",
        described_before + 1,
        Duration::from_secs(60),
    );
    signal(&child, "INT");
    let out = finish(child, Duration::from_secs(30));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    sandbox.set_faults(json!([]));
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    for secret in secrets {
        assert!(!stdout.contains(secret) && !stderr.contains(secret));
    }
    let doc: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    assert_eq!(doc["interrupted"], true, "{doc}");
    let id = doc["cluster_id"].as_str().unwrap();
    assert!(
        stderr.contains(&format!(
            "interrupted (Ctrl-C) while waiting; cluster {id} was launched"
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains("follow it with: cyi status --correlation-id run-1"),
        "{stderr}"
    );
    assert_eq!(sandbox.calls_of("RunJobFlow").len(), 1);
    assert_eq!(sandbox.cluster_state(id), "WAITING");
}

#[test]
fn ctrl_c_while_waiting_names_the_cluster_and_how_to_follow_it() {
    let sandbox = Sandbox::start();
    let world = world(&sandbox);
    sandbox.clear_calls();
    let flags = run_flags();
    let args = command_args(
        &["start-cluster", "--export-date", EXPORT_DATE],
        &flags,
        &[],
    );
    ctrl_c_while_waiting(&sandbox, &[&world.password], &args, 0);
}

#[test]
fn wait_on_a_terminal_ends_with_the_state_it_reached() {
    let sandbox = Sandbox::start();
    world(&sandbox);
    let flags = run_flags();
    let args = command_args(
        &["start-cluster", "--export-date", EXPORT_DATE],
        &flags,
        &["--wait"],
    );
    let mut session = crate::support::pty::spawn(&sandbox, &args);
    session.exp_string("Launched cluster j-").unwrap();
    session.exp_string(": WAITING after ").unwrap();
    assert_eq!(crate::support::pty::exit_code(session), 0);
}
