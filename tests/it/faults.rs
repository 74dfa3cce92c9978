//! Faults: every command under retryable faults on a third of all calls, persistent
//! faults in the middle of a change, an endpoint that never answers or is closed, and
//! Ctrl-C while stop-clusters works. End states are checked through the AWS API.
//!
//! A failed TerminateJobFlows batch after an earlier one succeeded is covered by
//! tests/it/stop_clusters.rs `a_failed_batch_is_reported_and_the_other_batches_still_run`.

use std::net::TcpListener;
use std::time::{Duration, Instant};

use crate::support::Sandbox;
use crate::support::reliability::{finish, record_figure, reliability_doc, signal};
use crate::support::rows::{archive_lines, row};
use crate::support::start::{self, world};
use serde_json::{Value, json};

/// The retryable faults, each injected on every third call of any operation.
const RETRYABLE: [&str; 4] = ["throttle", "500", "503", "drop"];

/// The command runs of [`survive`], each of which must complete under the faults.
const RUNS_PER_FAULT: usize = 7;

/// Active clusters named `name`, with their tags, read with the SDK.
fn active_clusters(sandbox: &Sandbox, name: &str) -> Vec<(String, Vec<(String, String)>)> {
    use aws_sdk_emr::types::ClusterState;
    let emr = sandbox.emr();
    let listed = sandbox
        .block_on(
            emr.list_clusters()
                .cluster_states(ClusterState::Waiting)
                .cluster_states(ClusterState::Running)
                .cluster_states(ClusterState::Starting)
                .cluster_states(ClusterState::Bootstrapping)
                .send(),
        )
        .unwrap();
    listed
        .clusters()
        .iter()
        .filter(|c| c.name() == Some(name))
        .map(|c| {
            let id = c.id().unwrap().to_owned();
            let detail = sandbox
                .block_on(emr.describe_cluster().cluster_id(&id).send())
                .unwrap();
            let tags = detail
                .cluster()
                .unwrap()
                .tags()
                .iter()
                .map(|t| {
                    (
                        t.key().unwrap_or_default().to_owned(),
                        t.value().unwrap_or_default().to_owned(),
                    )
                })
                .collect();
            (id, tags)
        })
        .collect()
}

fn code_and_text(out: &std::process::Output) -> (Option<i32>, String, String) {
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Every command, one after the other, with `kind` on every third call; then the end
/// state through the API.
fn survive(kind: &str) {
    let sandbox = Sandbox::start();
    let world = world(&sandbox);
    let ours: Vec<String> = (0..3).map(|_| sandbox.launch_cluster("cyi", &[])).collect();
    let other = sandbox.launch_cluster("legacyimport", &[]);
    let original = row("old-run", "CYI", "FAILED");
    sandbox.put_row(&original);
    sandbox.clear_calls();
    sandbox.set_faults(json!([{"operation": "*", "kind": kind, "every": 3, "times": -1}]));

    let config = start::fixture("cluster-config");
    let runs: [Vec<&str>; RUNS_PER_FAULT] = [
        vec!["stop-clusters", "--yes", "--output", "json"],
        vec!["clear-row", "--correlation-id", "old-run", "--yes"],
        vec!["restore-row", "--correlation-id", "old-run", "--yes"],
        vec!["rows", "--output", "json"],
        vec![
            "start-cluster",
            "--export-date",
            start::EXPORT_DATE,
            "--correlation-id",
            "run-1",
            "--input-bucket",
            start::INPUT_BUCKET,
            "--cluster-config",
            config.to_str().unwrap(),
            "--yes",
        ],
        vec!["clusters", "--output", "json"],
        vec!["stop-clusters", "--dry-run", "--output", "json"],
    ];
    let started = Instant::now();
    let mut outputs = Vec::new();
    for args in &runs {
        let out = start::run(&sandbox, &[&world.password], args);
        assert_eq!(
            out.code, 0,
            "{args:?} failed under '{kind}' faults:\n{}\n{}",
            out.stdout, out.stderr
        );
        outputs.push(out);
    }
    let seconds = started.elapsed().as_secs_f64();
    let calls = sandbox.calls().len();
    sandbox.set_faults(json!([]));

    for id in &ours {
        assert_eq!(sandbox.cluster_state(id), "TERMINATED");
    }
    assert_eq!(sandbox.cluster_state(&other), "WAITING");
    assert_eq!(sandbox.get_row("old-run", "CYI"), Some(original));
    let archive = archive_lines(&sandbox.archive_path());
    let events: Vec<&str> = archive
        .iter()
        .map(|l| l["event"].as_str().unwrap())
        .collect();
    assert_eq!(events, ["clear", "outcome", "restore"], "{archive:?}");
    assert_eq!(archive[1]["applied"], true);
    let rows = outputs[3].json();
    assert!(
        rows["rows"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["correlation_id"] == "old-run"),
        "{rows}"
    );
    let launched = active_clusters(&sandbox, "cyi");
    assert_eq!(launched.len(), 1, "one cluster for run-1: {launched:?}");
    assert!(
        launched[0]
            .1
            .contains(&("Correlation_Id".to_owned(), "run-1".to_owned())),
        "{launched:?}"
    );
    let listed = outputs[5].json();
    assert_eq!(listed["clusters"][0]["id"], launched[0].0.as_str());

    // Every third call of any operation, the first one included.
    let injected = calls.div_ceil(3);
    record_figure(
        &format!("faults-{kind}"),
        json!({
            "kind": kind,
            "command_runs": RUNS_PER_FAULT,
            "completed": RUNS_PER_FAULT,
            "calls": calls,
            "faults_injected": injected,
            "seconds": (seconds * 10.0).round() / 10.0,
        }),
    );
}

#[test]
fn every_command_survives_throttling_on_a_third_of_calls() {
    survive("throttle");
}

#[test]
fn every_command_survives_500_on_a_third_of_calls() {
    survive("500");
}

#[test]
fn every_command_survives_503_on_a_third_of_calls() {
    survive("503");
}

#[test]
fn every_command_survives_dropped_connections_on_a_third_of_calls() {
    survive("drop");
}

#[test]
fn a_delete_that_keeps_failing_says_the_row_is_archived_and_not_known_deleted() {
    let sandbox = Sandbox::start();
    crate::support::start::create_table(&sandbox);
    let original = row("run-1", "CYI", "FAILED");
    sandbox.put_row(&original);
    sandbox.set_faults(json!([{"operation": "DeleteItem", "kind": "500", "times": -1}]));

    let out = sandbox
        .cyi()
        .args(["clear-row", "--correlation-id", "run-1", "--yes"])
        .output()
        .unwrap();
    let (code, _, stderr) = code_and_text(&out);
    assert_eq!(code, Some(1), "{stderr}");
    let error: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(error.len(), 1, "{stderr}");
    assert!(error[0].contains("dynamodb:DeleteItem failed"), "{stderr}");
    let archive = archive_lines(&sandbox.archive_path());
    let entry = archive[0]["id"].as_str().unwrap();
    assert!(
        error[0].contains(&format!(
            "the row was archived as entry {entry}, but its delete was not confirmed"
        )),
        "{stderr}"
    );
    assert!(stderr.contains("hint: `cyi rows`"), "{stderr}");
    sandbox.set_faults(json!([]));
    assert_eq!(sandbox.get_row("run-1", "CYI"), Some(original));
    assert_eq!(archive.len(), 1, "no outcome is recorded: {archive:?}");
    assert_eq!(sandbox.calls_of("DeleteItem").len(), 5, "5 attempts");
    record_figure(
        "persistent-delete",
        json!({"runs": 1, "reported_exactly": 1}),
    );
}

#[test]
fn a_launch_that_keeps_failing_says_nothing_is_known_launched_and_frees_the_lock() {
    let sandbox = Sandbox::start();
    let world = world(&sandbox);
    sandbox.set_faults(json!([{"operation": "RunJobFlow", "kind": "503", "times": -1}]));
    let out = start::start(&sandbox, &[&world.password], &[]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let error: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| l.starts_with("error:"))
        .collect();
    assert_eq!(error.len(), 1, "{}", out.stderr);
    assert!(
        error[0].contains("emr:RunJobFlow failed")
            && error[0].contains("no cluster id came back, so no launch is known"),
        "{}",
        out.stderr
    );
    sandbox.set_faults(json!([]));
    assert!(active_clusters(&sandbox, "cyi").is_empty());
    // The lock is gone, so the next start goes ahead.
    let out = start::start(&sandbox, &[&world.password], &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(active_clusters(&sandbox, "cyi").len(), 1);
    record_figure(
        "persistent-launch",
        json!({"runs": 1, "reported_exactly": 1}),
    );
}

#[test]
fn a_lost_answer_to_the_lock_or_the_launch_still_launches_exactly_one_cluster() {
    for operation in ["PutItem", "RunJobFlow"] {
        let sandbox = Sandbox::start();
        let world = world(&sandbox);
        // moto applies the call; its answer never arrives.
        sandbox.set_faults(json!([{"operation": operation, "kind": "lose"}]));
        let out = start::start(&sandbox, &[&world.password], &["--output", "json"]);
        assert_eq!(out.code, 0, "{operation}: {}", out.stderr);
        let launched = active_clusters(&sandbox, "cyi");
        assert_eq!(launched.len(), 1, "{operation}: {launched:?}");
        assert_eq!(out.json()["cluster_id"], launched[0].0.as_str());
        assert_eq!(sandbox.calls_of("RunJobFlow").len(), 1, "{operation}");
        let lock = sandbox.block_on(
            sandbox
                .dynamodb()
                .get_item()
                .table_name(start::TABLE)
                .key(
                    "Correlation_Id",
                    aws_sdk_dynamodb::types::AttributeValue::S("run-1".into()),
                )
                .key(
                    "DataProduct",
                    aws_sdk_dynamodb::types::AttributeValue::S("CYI#start-cluster-lock".into()),
                )
                .send(),
        );
        assert!(
            lock.unwrap().item.is_none(),
            "{operation}: the lock is released"
        );
    }
    record_figure("lost-answer", json!({"runs": 2, "clusters_per_run": 1}));
}

#[test]
fn a_lost_answer_to_a_delete_or_a_restore_is_told_as_it_is() {
    let sandbox = Sandbox::start();
    crate::support::start::create_table(&sandbox);
    let original = row("run-1", "CYI", "FAILED");
    sandbox.put_row(&original);

    // The delete is applied, its answer lost, the SDK's retry finds no row.
    sandbox.set_faults(json!([{"operation": "DeleteItem", "kind": "lose"}]));
    let out = sandbox
        .cyi()
        .args(["clear-row", "--correlation-id", "run-1", "--yes"])
        .output()
        .unwrap();
    let (code, _, stderr) = code_and_text(&out);
    assert_eq!(code, Some(1), "{stderr}");
    let archive = archive_lines(&sandbox.archive_path());
    let entry = archive[0]["id"].as_str().unwrap().to_owned();
    assert!(
        stderr.contains(&format!(
            "the row is gone, but not certainly by this command: another clear deleted it at the same moment, or this command's delete went through and its answer was lost; archive entry {entry} keeps it as shown"
        )),
        "{stderr}"
    );
    assert_eq!(sandbox.get_row("run-1", "CYI"), None);
    assert_eq!(archive.len(), 1, "the entry stays pending: {archive:?}");

    // The restore is applied, its answer lost, the retry finds exactly its own row.
    sandbox.clear_calls();
    sandbox.set_faults(json!([{"operation": "PutItem", "kind": "lose"}]));
    let out = sandbox
        .cyi()
        .args(["restore-row", "--id", &entry, "--yes"])
        .output()
        .unwrap();
    let (code, _, stderr) = code_and_text(&out);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(
        sandbox.calls_of("PutItem").len(),
        2,
        "applied, then retried"
    );
    sandbox.set_faults(json!([]));
    assert_eq!(sandbox.get_row("run-1", "CYI"), Some(original));
    record_figure("lost-answer-rows", json!({"runs": 2}));
}

#[test]
fn a_read_that_keeps_failing_stops_before_any_change() {
    let sandbox = Sandbox::start();
    let id = sandbox.launch_cluster("cyi", &[]);
    sandbox.set_faults(json!([{"operation": "ListClusters", "kind": "throttle", "times": -1}]));
    let out = sandbox
        .cyi()
        .args(["stop-clusters", "--yes"])
        .output()
        .unwrap();
    let (code, _, stderr) = code_and_text(&out);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.starts_with("error: emr:ListClusters failed: ThrottlingException"),
        "{stderr}"
    );
    assert!(stderr.contains("hint: AWS kept throttling"), "{stderr}");
    assert!(sandbox.calls_of("TerminateJobFlows").is_empty());
    sandbox.set_faults(json!([]));
    assert_eq!(sandbox.cluster_state(&id), "WAITING");
    record_figure("persistent-read", json!({"runs": 1, "reported_exactly": 1}));
}

/// A config whose environment reaches `endpoint` with short timeouts.
fn short_timeouts(sandbox: &Sandbox, endpoint: &str) {
    sandbox.write_config(&format!(
        "default_env = \"edge\"\n[env.edge]\nregion = \"eu-west-2\"\nendpoint_url = \"{endpoint}\"\nconnect_timeout = 1\ncall_timeout = 2\n"
    ));
}

#[test]
fn a_black_holed_endpoint_fails_within_the_call_timeout() {
    let sandbox = Sandbox::start();
    // Accepts every connection and never answers.
    let hole = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = hole.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in hole.incoming() {
            held.push(stream);
        }
    });
    short_timeouts(&sandbox, &format!("http://127.0.0.1:{port}"));
    let started = Instant::now();
    let child = sandbox
        .cyi_piped()
        .args(["stop-clusters", "--yes"])
        .spawn()
        .unwrap();
    let out = finish(child, Duration::from_secs(60));
    let seconds = started.elapsed().as_secs_f64();
    let (code, _, stderr) = code_and_text(&out);
    assert_eq!(code, Some(1), "{stderr}");
    // The sandbox's AWS_ENDPOINT_URL is shadowed by the environment's endpoint: noted.
    let (note, error) = stderr.split_once('\n').unwrap_or_default();
    assert!(
        note.starts_with("note: AWS_ENDPOINT_URL is set"),
        "{stderr}"
    );
    assert!(
        error.starts_with("error: sts:GetCallerIdentity failed: no answer within 2s"),
        "{stderr}"
    );
    assert!(stderr.contains("hint: check the endpoint"), "{stderr}");
    record_figure(
        "timeout-black-hole",
        json!({"call_timeout": 2, "seconds": (seconds * 10.0).round() / 10.0}),
    );
}

#[test]
fn a_closed_port_fails_promptly_with_one_clear_line() {
    let sandbox = Sandbox::start();
    let closed = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    // The default timeouts: refused connections are retried (5 attempts, backoff from
    // 200 ms), then reported as unreachable.
    let started = Instant::now();
    let out = finish(
        sandbox
            .cyi_piped()
            .args([
                "clear-row",
                "--correlation-id",
                "run-1",
                "--yes",
                "--endpoint-url",
            ])
            .arg(format!("http://127.0.0.1:{port}"))
            .spawn()
            .unwrap(),
        Duration::from_secs(60),
    );
    let seconds = started.elapsed().as_secs_f64();
    let (code, _, stderr) = code_and_text(&out);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.starts_with("error: sts:GetCallerIdentity failed: cannot reach the AWS endpoint"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 2, "{stderr}");
    record_figure(
        "timeout-closed-port",
        json!({"seconds": (seconds * 10.0).round() / 10.0}),
    );
}

fn stop_document(stdout: &str) -> Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

fn outcome_of(doc: &Value, id: &str) -> String {
    doc["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .map(|r| r["outcome"].as_str().unwrap().to_owned())
        .unwrap_or_else(|| panic!("{id} not in {doc}"))
}

#[test]
fn ctrl_c_while_waiting_reports_what_was_terminated() {
    let sandbox = Sandbox::start();
    let ids: Vec<String> = (0..2).map(|_| sandbox.launch_cluster("cyi", &[])).collect();
    sandbox.clear_calls();
    // The plan describes both clusters; every later DescribeCluster (the wait) hangs.
    sandbox.set_faults(json!([
        {"operation": "DescribeCluster", "kind": "hang", "skip": 2, "times": -1}
    ]));
    let child = sandbox
        .cyi_piped()
        .args(["stop-clusters", "--yes", "--wait", "--output", "json"])
        .spawn()
        .unwrap();
    sandbox.wait_for_calls("DescribeCluster", 3, Duration::from_secs(30));
    signal(&child, "INT");
    let out = finish(child, Duration::from_secs(30));
    let (code, stdout, stderr) = code_and_text(&out);
    assert_eq!(code, Some(130), "{stderr}");
    let doc = stop_document(&stdout);
    assert_eq!(doc["interrupted"], true);
    sandbox.set_faults(json!([]));
    for id in &ids {
        assert_eq!(outcome_of(&doc, id), "terminating");
        assert_eq!(sandbox.cluster_state(id), "TERMINATED");
    }
    assert!(
        stderr.contains("interrupted (Ctrl-C) while waiting; termination had been accepted for:"),
        "{stderr}"
    );
    record_figure("ctrl-c-wait", json!({"runs": 1, "reported_exactly": 1}));
}

#[test]
fn ctrl_c_between_batches_reports_exactly_what_was_sent() {
    let sandbox = Sandbox::start();
    let ids: Vec<String> = (0..11)
        .map(|_| sandbox.launch_cluster("cyi", &[]))
        .collect();
    sandbox.clear_calls();
    // The first batch of ten goes through; the second call never answers.
    sandbox.set_faults(json!([
        {"operation": "TerminateJobFlows", "kind": "hang", "skip": 1, "times": -1}
    ]));
    let child = sandbox
        .cyi_piped()
        .args(["stop-clusters", "--yes", "--output", "json"])
        .spawn()
        .unwrap();
    sandbox.wait_for_calls("TerminateJobFlows", 2, Duration::from_secs(30));
    signal(&child, "INT");
    let out = finish(child, Duration::from_secs(30));
    let (code, stdout, stderr) = code_and_text(&out);
    assert_eq!(code, Some(130), "{stderr}");
    let doc = stop_document(&stdout);
    assert_eq!(doc["interrupted"], true);
    let calls = sandbox.calls_of("TerminateJobFlows");
    let first: Vec<String> = serde_json::from_value(calls[0].params["JobFlowIds"].clone()).unwrap();
    let second: Vec<String> =
        serde_json::from_value(calls[1].params["JobFlowIds"].clone()).unwrap();
    assert_eq!((first.len(), second.len()), (10, 1));
    sandbox.set_faults(json!([]));
    for id in &first {
        assert_eq!(outcome_of(&doc, id), "terminating");
        assert_eq!(sandbox.cluster_state(id), "TERMINATED");
    }
    assert_eq!(outcome_of(&doc, &second[0]), "unknown");
    assert_eq!(sandbox.cluster_state(&second[0]), "WAITING");
    assert_eq!(ids.len(), 11);
    assert!(
        stderr.contains(&format!(
            "sent without an answer: {}; not sent: none",
            second[0]
        )),
        "{stderr}"
    );
    assert!(stderr.contains("10 of 11 clusters terminating"), "{stderr}");
    record_figure("ctrl-c-batches", json!({"runs": 1, "reported_exactly": 1}));
}

#[test]
fn reliability_doc_states_the_fault_scenarios() {
    let doc = reliability_doc();
    let line = format!(
        "| Retryable fault kinds × command runs (tests/it/faults.rs) | {} × {} = {} | all completed with the right end state |",
        RETRYABLE.len(),
        RUNS_PER_FAULT,
        RETRYABLE.len() * RUNS_PER_FAULT
    );
    assert!(
        doc.contains(&line),
        "docs/RELIABILITY.md must contain\n{line}"
    );
}
