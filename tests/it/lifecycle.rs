//! A cluster's life as real EMR lives it, which moto alone never shows: clusters that
//! take time to start, end TERMINATED_WITH_ERRORS, sit in TERMINATING, steps that fail
//! with FailureDetails, a protected cluster refusing its whole TerminateJobFlows batch,
//! DescribeCluster throttled above a rate. Scripted in the harness's EMR behaviour layer
//! (`support/emr_world.rs`), driven through the real `cyi` binary.

use std::time::{Duration, Instant};

use aws_sdk_dynamodb::types::AttributeValue;
use serde_json::{Value, json};

use crate::support::Sandbox;
use crate::support::emr_world::{
    EmrWorld, Phase, launch_many, launch_with_steps, set_network, starting_then, timed_calls,
};
use crate::support::start::{self, put_row, world};

const BOOTSTRAP_FAILED: &str = "On the master instance (i-0123456789abcdef0), bootstrap action 1 returned a non-zero return code";

fn s(v: &str) -> AttributeValue {
    AttributeValue::S(v.to_owned())
}

fn document(stdout: &[u8]) -> Value {
    serde_json::from_slice(stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(stdout)))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `start-cluster --wait --timeout SECS --output json`, for a world whose new clusters
/// live through `life`.
fn start_and_wait(life: &[Phase], timeout: &str) -> (Sandbox, start::Run, Duration) {
    let sandbox = Sandbox::start();
    let w = world(&sandbox);
    EmrWorld::new().new_clusters(life).apply(&sandbox);
    let started = Instant::now();
    let run = start::start(
        &sandbox,
        &[&w.password],
        &["--wait", "--timeout", timeout, "--output", "json"],
    );
    (sandbox, run, started.elapsed())
}

#[test]
fn start_wait_follows_a_starting_cluster_until_it_is_waiting() {
    let life = starting_then(0.4, Phase::new("WAITING", 0.0));
    let (_sandbox, run, _) = start_and_wait(&life, "3");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc = run.json();
    assert_eq!(doc["state"], "WAITING", "{doc}");
    let id = doc["cluster_id"].as_str().unwrap();
    assert!(
        run.stderr.contains(&format!("{id}: STARTING after 0s")),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(&format!("{id}: WAITING after")),
        "{}",
        run.stderr
    );
}

#[test]
fn start_wait_succeeds_when_the_cluster_is_running_its_steps() {
    let life = [
        Phase::new("STARTING", 0.4),
        Phase::new("BOOTSTRAPPING", 0.4),
        Phase::new("RUNNING", 0.0),
    ];
    let (_sandbox, run, _) = start_and_wait(&life, "2");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.json()["state"], "RUNNING");
}

#[test]
fn start_wait_fails_with_the_reason_when_the_cluster_ends_with_errors() {
    let life = [
        Phase::new("STARTING", 0.4),
        Phase::new("BOOTSTRAPPING", 0.4),
        Phase::new("TERMINATED_WITH_ERRORS", 0.0).because("BOOTSTRAP_FAILURE", BOOTSTRAP_FAILED),
    ];
    let (_sandbox, run, _) = start_and_wait(&life, "3");
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.json()["state"], "TERMINATED_WITH_ERRORS");
    // The one document carries the failure too, for a script reading only stdout.
    assert_eq!(run.json()["error"]["code"], "failed", "{}", run.stdout);
    assert!(
        run.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("BOOTSTRAP_FAILURE"),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr.contains("TERMINATED_WITH_ERRORS")
            && run.stderr.contains("BOOTSTRAP_FAILURE")
            && run.stderr.contains(BOOTSTRAP_FAILED),
        "{}",
        run.stderr
    );
}

#[test]
fn start_wait_gives_up_after_its_timeout_on_a_cluster_that_keeps_starting() {
    let life = [Phase::new("STARTING", 0.0)];
    let (sandbox, run, took) = start_and_wait(&life, "2");
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("is still STARTING after 2s"),
        "{}",
        run.stderr
    );
    // One document: the launched cluster, and the timeout as its error.
    let doc = run.json();
    assert!(
        doc["cluster_id"]
            .as_str()
            .is_some_and(|id| id.starts_with("j-")),
        "{doc}"
    );
    assert_eq!(doc["error"]["code"], "failed", "{doc}");
    assert!(took < Duration::from_secs(20), "took {took:?}");
    // It was launched, and left alone: a timeout does not terminate anything.
    assert!(sandbox.calls_of("TerminateJobFlows").is_empty());
}

/// `stop-clusters --yes --wait --timeout SECS --output json`.
fn stop_and_wait(sandbox: &Sandbox, timeout: &str) -> (std::process::Output, Duration) {
    let started = Instant::now();
    let out = sandbox
        .cyi()
        .args(["stop-clusters", "--yes", "--wait", "--timeout", timeout])
        .args(["--output", "json"])
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    (out, started.elapsed())
}

#[test]
fn stop_wait_gives_up_on_clusters_stuck_terminating_and_names_them() {
    let sandbox = Sandbox::start();
    let ids = launch_many(&sandbox, "cyi", 2);
    EmrWorld::new().terminating_for_ever().apply(&sandbox);
    let (out, took) = stop_and_wait(&sandbox, "2");
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(took < Duration::from_secs(20), "took {took:?}");
    let doc = document(&out.stdout);
    for result in doc["results"].as_array().unwrap() {
        assert_eq!(result["outcome"], "terminating", "{result}");
        assert_eq!(result["final_state"], "TERMINATING", "{result}");
    }
    for id in &ids {
        assert!(stderr.contains(id.as_str()), "{id} not named: {stderr}");
        assert_eq!(sandbox.cluster_state(id), "TERMINATING");
    }
}

#[test]
fn stop_wait_waits_through_terminating_until_terminated() {
    let sandbox = Sandbox::start();
    let ids = launch_many(&sandbox, "cyi", 2);
    EmrWorld::new().terminating_for(1.0).apply(&sandbox);
    let (out, _) = stop_and_wait(&sandbox, "20");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let doc = document(&out.stdout);
    for result in doc["results"].as_array().unwrap() {
        assert_eq!(result["final_state"], "TERMINATED", "{result}");
    }
    for id in &ids {
        assert_eq!(sandbox.cluster_state(id), "TERMINATED");
    }
    // Described for the plan, then polled while TERMINATING, then once more.
    assert!(sandbox.calls_of("DescribeCluster").len() > 2 * ids.len());
}

/// 15 targets (two TerminateJobFlows batches); one cluster is protected by someone else
/// between the plan and its batch, so real EMR refuses that batch as a whole. Returns
/// the sandbox, all targets, the protected one, and cyi's output.
fn protected_batch() -> (Sandbox, Vec<String>, String, std::process::Output) {
    let sandbox = Sandbox::start();
    let ids = launch_many(&sandbox, "cyi", 15);
    let protected = ids[3].clone();
    EmrWorld::new().refuse_protected_batches().apply(&sandbox);
    sandbox.set_faults(json!([{
        "operation": "TerminateJobFlows",
        "kind": "before",
        "request": {
            "target": "ElasticMapReduce.SetTerminationProtection",
            "body": {"JobFlowIds": [protected], "TerminationProtected": true}
        }
    }]));
    let out = sandbox
        .cyi()
        .args(["stop-clusters", "--yes", "--output", "json"])
        .output()
        .unwrap();
    (sandbox, ids, protected, out)
}

#[test]
fn a_batch_refused_for_protection_is_reported_and_the_other_batches_still_terminate() {
    let (sandbox, ids, protected, out) = protected_batch();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let refused: Vec<String> = sandbox
        .calls_of("TerminateJobFlows")
        .iter()
        .map(|c| c.params["JobFlowIds"].clone())
        .filter_map(|batch| serde_json::from_value::<Vec<String>>(batch).ok())
        .find(|batch| batch.contains(&protected))
        .unwrap();
    let doc = document(&out.stdout);
    for result in doc["results"].as_array().unwrap() {
        let id = result["id"].as_str().unwrap().to_owned();
        if id == protected {
            assert_eq!(result["outcome"], "failed", "{result}");
            let message = result["message"].as_str().unwrap();
            assert!(message.contains("termination protected"), "{message}");
        } else if !refused.contains(&id) {
            assert_eq!(result["outcome"], "terminating", "{result}");
        } else {
            // Refused with it: the report must say exactly what EMR shows.
            let want = match result["outcome"].as_str() {
                Some("failed") => "WAITING",
                _ => "TERMINATED",
            };
            assert_eq!(sandbox.cluster_state(&id), want, "{result}");
        }
    }
    assert_eq!(doc["results"].as_array().unwrap().len(), ids.len());
    assert_eq!(sandbox.cluster_state(&protected), "WAITING");
    for id in ids.iter().filter(|id| !refused.contains(id)) {
        assert_eq!(sandbox.cluster_state(id), "TERMINATED", "{id}");
    }
    assert!(
        stderr.contains("NOT terminated") && stderr.contains(&protected),
        "{stderr}"
    );
}

#[test]
fn the_unprotected_clusters_of_a_refused_batch_are_still_terminated() {
    let (sandbox, ids, protected, out) = protected_batch();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let doc = document(&out.stdout);
    for result in doc["results"].as_array().unwrap() {
        if result["id"] != protected.as_str() {
            assert_eq!(result["outcome"], "terminating", "{result}");
        }
    }
    for id in ids.iter().filter(|id| **id != protected) {
        assert_eq!(sandbox.cluster_state(id), "TERMINATED", "{id}");
    }
    assert_eq!(sandbox.cluster_state(&protected), "WAITING");
}

/// A FAILED run whose cluster ended TERMINATED_WITH_ERRORS on a failed `run-cyi` step.
fn failed_step_world(sandbox: &Sandbox) -> String {
    let cluster = launch_with_steps(
        sandbox,
        "cyi",
        &[("Correlation_Id", "run-1")],
        &["courtesy-flush", "run-cyi", "flush-pushgateway"],
    );
    let log = format!("s3://example-logs-bucket/emr/cyi/{cluster}/steps/s-1/stderr.gz");
    EmrWorld::new()
        .cluster(
            &cluster,
            &[Phase::new("TERMINATED_WITH_ERRORS", 0.0)
                .because("STEP_FAILURE", "Shut down as step failed")],
        )
        .step(&cluster, "courtesy-flush", "COMPLETED", None)
        .failed_step(
            &cluster,
            "run-cyi",
            "Unknown Error.",
            "Exception in thread main: Hive table cyi.day does not exist",
            &log,
        )
        .step(&cluster, "flush-pushgateway", "CANCELLED", None)
        .apply(sandbox);
    put_row(
        sandbox,
        "run-1",
        &[
            ("Status", s("FAILED")),
            ("CurrentStep", s("run-cyi")),
            ("Run_Id", AttributeValue::N("1".into())),
            ("Date", s("2021-04-01")),
            ("Cluster_Id", s(&cluster)),
        ],
    );
    sandbox.clear_calls();
    cluster
}

#[test]
fn status_shows_the_failed_step_with_its_reason_and_log() {
    let sandbox = Sandbox::start();
    sandbox.create_table();
    let cluster = failed_step_world(&sandbox);

    let out = sandbox
        .cyi()
        .args(["status", "--correlation-id", "run-1", "--output", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let doc = document(&out.stdout);
    assert_eq!(doc["failed_step"], "run-cyi", "{doc}");
    assert_eq!(
        doc["logs_command"], "cyi logs --correlation-id run-1 --step run-cyi",
        "{doc}"
    );
    assert_eq!(doc["cluster"]["state"], "TERMINATED_WITH_ERRORS", "{doc}");
    let steps = doc["steps"].as_array().unwrap();
    let failed = steps.iter().find(|s| s["name"] == "run-cyi").unwrap();
    assert_eq!(failed["state"], "FAILED", "{failed}");
    let failure = failed["failure"].as_str().unwrap();
    assert!(
        failure.contains("Hive table cyi.day does not exist"),
        "{failure}"
    );
    assert!(
        failure.contains(&format!("emr/cyi/{cluster}/steps/")),
        "{failure}"
    );

    let out = sandbox
        .cyi()
        .args(["status", "--correlation-id", "run-1"])
        .output()
        .unwrap();
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    for wanted in [
        "STEP_FAILURE",
        "FAILED",
        "Hive table cyi.day does not exist",
        "CANCELLED",
    ] {
        assert!(stdout.contains(wanted), "{wanted} missing:\n{stdout}");
    }
    // It ends with the command that shows the failed step's log.
    assert!(
        stdout
            .trim_end()
            .ends_with("The failed step's log: cyi logs --correlation-id run-1 --step run-cyi"),
        "{stdout}"
    );
}

#[test]
fn restart_shows_the_failed_step_and_its_reason_before_resuming() {
    let sandbox = Sandbox::start();
    let w = world(&sandbox);
    failed_step_world(&sandbox);
    let flags = start::run_flags();
    let args = start::command_args(&["restart"], &flags, &["--dry-run"]);
    let run = start::run(&sandbox, &[&w.password], &args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let all = format!("{}{}", run.stdout, run.stderr);
    assert!(all.contains("run-cyi"), "{all}");
    assert!(all.contains("Hive table cyi.day does not exist"), "{all}");
}

#[test]
fn stopping_200_clusters_under_a_describe_cluster_rate_limit_completes_without_error() {
    let sandbox = Sandbox::start();
    let ids = launch_many(&sandbox, "cyi", 200);
    EmrWorld::new()
        .describe_cluster_rate(40.0, 10.0)
        .apply(&sandbox);
    sandbox.clear_calls();

    let out = sandbox
        .cyi()
        .args(["stop-clusters", "--yes", "--output", "json"])
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let doc = document(&out.stdout);
    let results = doc["results"].as_array().unwrap();
    assert_eq!(results.len(), ids.len());
    assert!(
        results.iter().all(|r| r["outcome"] == "terminating"),
        "{doc}"
    );
    let throttled = timed_calls(&sandbox)
        .iter()
        .filter(|c| c.fault.as_deref() == Some("rate"))
        .count();
    assert!(throttled > 0, "the rate limit was never reached");
    for id in &ids {
        assert_eq!(sandbox.cluster_state(id), "TERMINATED", "{id}");
    }
}

#[test]
fn first_page_candidates_are_described_before_the_last_list_page_is_answered() {
    let sandbox = Sandbox::start();
    launch_many(&sandbox, "cyi", 120);
    sandbox.clear_calls();
    set_network(&sandbox, 50, 0);

    let out = sandbox
        .cyi()
        .args(["stop-clusters", "--dry-run", "--output", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let calls = timed_calls(&sandbox);
    let pages: Vec<_> = calls
        .iter()
        .filter(|c| c.operation == "ListClusters")
        .collect();
    assert_eq!(pages.len(), 3, "120 active clusters are 3 pages");
    let last_page_answered = pages.last().unwrap().completed.unwrap();
    let first_describe = calls
        .iter()
        .find(|c| c.operation == "DescribeCluster")
        .unwrap();
    assert!(
        first_describe.arrived < last_page_answered,
        "first DescribeCluster at {:.3}s, last ListClusters page answered at {last_page_answered:.3}s",
        first_describe.arrived
    );
}

/// The longest chain of calls each sent only after the previous one was answered: a
/// call's depth is one more than the deepest call answered before it arrived.
fn round_trips(calls: &[crate::support::emr_world::TimedCall]) -> usize {
    let mut depth: Vec<usize> = Vec::new();
    for call in calls {
        let before = calls
            .iter()
            .zip(&depth)
            .filter(|(c, _)| c.completed.is_some_and(|done| done <= call.arrived))
            .map(|(_, d)| *d)
            .max()
            .unwrap_or(0);
        depth.push(before + 1);
    }
    depth.into_iter().max().unwrap_or(0)
}

#[test]
fn start_cluster_reads_overlap_to_two_round_trips_before_the_plan() {
    let sandbox = Sandbox::start();
    let w = world(&sandbox);
    // Another run's cluster: listed and described, not a reason to refuse.
    sandbox.launch_cluster("cyi", &[("Correlation_Id", "another-run")]);
    sandbox.clear_calls();
    // A long round trip, so that a call of one wave cannot look like it waited for
    // another of the same wave when a loaded machine is slow to send or accept it.
    set_network(&sandbox, 400, 0);

    let run = start::start(&sandbox, &[&w.password], &["--dry-run"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let calls = timed_calls(&sandbox);
    let operations: Vec<&str> = calls.iter().map(|c| c.operation.as_str()).collect();
    for needed in [
        "GetCallerIdentity",
        "GetItem",
        "ListClusters",
        "DescribeCluster",
        "GetSecretValue",
    ] {
        assert!(operations.contains(&needed), "{needed}: {operations:?}");
    }
    // A local config folder: the account check, state row, listing and input in the
    // first round trip; the secret and the listed clusters' descriptions in the second.
    assert_eq!(round_trips(&calls), 2, "{operations:?}");
}

#[test]
fn a_terminating_cluster_is_neither_listed_nor_stopped_again() {
    let sandbox = Sandbox::start();
    let ids = launch_many(&sandbox, "cyi", 2);
    let (ending, live) = (&ids[0], &ids[1]);
    EmrWorld::new()
        .terminating_for_ever()
        .stale_lists()
        .apply(&sandbox);
    sandbox.terminate_cluster(ending);
    assert_eq!(sandbox.cluster_state(ending), "TERMINATING");

    let out = sandbox
        .cyi()
        .args(["clusters", "--output", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let listed: Vec<Value> = document(&out.stdout)["clusters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].clone())
        .collect();
    assert_eq!(listed, [json!(live)]);

    let out = sandbox
        .cyi()
        .args(["stop-clusters", "--dry-run", "--output", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let targets: Vec<Value> = document(&out.stdout)["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].clone())
        .collect();
    assert_eq!(targets, [json!(live)]);
}

#[test]
fn injected_latency_and_throttling_slow_every_call_and_the_sdk_retries_through() {
    let sandbox = Sandbox::start();
    launch_many(&sandbox, "cyi", 60);
    sandbox.clear_calls();
    set_network(&sandbox, 50, 4);

    let out = sandbox
        .cyi()
        .args(["stop-clusters", "--dry-run", "--output", "json"])
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        document(&out.stdout)["targets"].as_array().unwrap().len(),
        60
    );
    let calls = timed_calls(&sandbox);
    for call in &calls {
        let took = call.completed.unwrap() - call.arrived;
        assert!(took >= 0.049, "{} answered in {took:.3}s", call.operation);
    }
    let throttled: Vec<usize> = calls
        .iter()
        .enumerate()
        .filter(|(_, c)| c.fault.as_deref() == Some("throttle"))
        .map(|(i, _)| i)
        .collect();
    assert_eq!(throttled.len(), calls.len() / 4, "{throttled:?}");
    assert!(throttled.iter().all(|&i| (i + 1) % 4 == 0), "{throttled:?}");
    assert!(
        throttled
            .iter()
            .all(|&i| calls[i].status == Some(400) || calls[i].status == Some(503)),
        "a throttled call answered otherwise"
    );
}
