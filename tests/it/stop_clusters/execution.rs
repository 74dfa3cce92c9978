//! Carrying out the plan: termination protection (skipped, or removed with `--force`),
//! batches refused as a whole, and `--wait`.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use crate::support::{Sandbox, pty};

use super::{assert_outcomes, document, is_protected, protect, terminate_batches, text};

#[test]
fn a_termination_protected_cluster_is_reported_and_left_running() {
    let sandbox = Sandbox::start();
    let plain = sandbox.launch_cluster("cyi", &[]);
    let guarded = sandbox.launch_cluster("cyi", &[]);
    protect(&sandbox, &guarded);
    sandbox.clear_calls();

    let out = sandbox
        .cyi()
        .args(["stop-clusters", "--yes", "--output", "json"])
        .assert()
        .code(1);
    let doc = document(&out);
    assert_outcomes(
        &doc,
        &[(&plain, "terminating"), (&guarded, "protected_skipped")],
    );
    let stderr = text(&out.get_output().stderr);
    assert!(
        stderr.contains(&format!("Termination protection is on for {guarded}")),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("NOT terminated: {guarded}")),
        "{stderr}"
    );

    assert_eq!(terminate_batches(&sandbox), vec![vec![plain.clone()]]);
    assert!(sandbox.calls_of("SetTerminationProtection").is_empty());
    assert_eq!(sandbox.cluster_state(&plain), "TERMINATED");
    assert_eq!(sandbox.cluster_state(&guarded), "WAITING");
    assert!(is_protected(&sandbox, &guarded));
}

#[test]
fn force_removes_the_protection_of_exactly_the_protected_ones_and_terminates_them() {
    let sandbox = Sandbox::start();
    let plain = sandbox.launch_cluster("cyi", &[]);
    let guarded = sandbox.launch_cluster("cyi", &[]);
    protect(&sandbox, &guarded);
    sandbox.clear_calls();

    let out = sandbox
        .cyi()
        .args(["stop-clusters", "--yes", "--force"])
        .assert()
        .success();
    let stdout = text(&out.get_output().stdout);
    assert!(
        stdout.contains(&format!(
            "--force: termination protection will be removed from {guarded} first."
        )),
        "{stdout}"
    );
    assert!(stdout.contains("termination protection removed (--force)"));

    let unprotect = sandbox.calls_of("SetTerminationProtection");
    assert_eq!(unprotect.len(), 1);
    assert_eq!(
        unprotect[0].params["JobFlowIds"],
        serde_json::json!([guarded])
    );
    assert_eq!(unprotect[0].params["TerminationProtected"], false);
    assert_eq!(sandbox.cluster_state(&plain), "TERMINATED");
    assert_eq!(sandbox.cluster_state(&guarded), "TERMINATED");
}

#[test]
fn a_failed_batch_is_reported_and_the_other_batches_still_run() {
    let sandbox = Sandbox::start();
    let ours: Vec<String> = (0..25)
        .map(|_| sandbox.launch_cluster("cyi", &[]))
        .collect();
    sandbox.clear_calls();
    // The TerminateJobFlows call naming `doomed` fails on every attempt the SDK makes.
    // The batches are sent concurrently: the fault picks its call by content, not by
    // arrival order.
    let doomed = ours[12].clone();
    sandbox.set_faults(serde_json::json!([
        {"operation": "TerminateJobFlows", "kind": "500", "naming": doomed, "times": 5}
    ]));

    let out = sandbox
        .cyi()
        .args(["stop-clusters", "--yes", "--output", "json"])
        .assert()
        .code(1);
    let doc = document(&out);
    let batches: Vec<Vec<String>> = {
        let mut seen = Vec::new();
        for batch in terminate_batches(&sandbox) {
            if !seen.contains(&batch) {
                seen.push(batch);
            }
        }
        seen
    };
    assert_eq!(batches.len(), 3, "{batches:?}");
    let failed: BTreeSet<&String> = batches
        .iter()
        .find(|b| b.contains(&doomed))
        .unwrap()
        .iter()
        .collect();
    assert_eq!(
        sandbox
            .calls_of("TerminateJobFlows")
            .iter()
            .filter(|c| c.params["JobFlowIds"].to_string().contains(&doomed))
            .count(),
        5,
        "the failing call is tried as often as the SDK retries"
    );
    for result in doc["results"].as_array().unwrap() {
        let id = result["id"].as_str().unwrap().to_owned();
        if failed.contains(&id) {
            assert_eq!(result["outcome"], "failed", "{result}");
            let message = result["message"].as_str().unwrap();
            assert!(message.contains("TerminateJobFlows"), "{message}");
            assert!(message.contains("still WAITING"), "{message}");
            assert_eq!(sandbox.cluster_state(&id), "WAITING");
        } else {
            assert_eq!(result["outcome"], "terminating", "{result}");
            assert_eq!(sandbox.cluster_state(&id), "TERMINATED");
        }
    }
    assert_eq!(doc["results"].as_array().unwrap().len(), ours.len());
}

#[test]
fn protection_turned_on_after_the_plan_fails_that_cluster_and_reports_the_rest_exactly() {
    let sandbox = Sandbox::start();
    let first = sandbox.launch_cluster("cyi", &[]);
    let second = sandbox.launch_cluster("cyi", &[]);
    // Someone protects `second` between our DescribeCluster and our TerminateJobFlows.
    sandbox.set_faults(serde_json::json!([{
        "operation": "TerminateJobFlows",
        "kind": "before",
        "request": {
            "target": "ElasticMapReduce.SetTerminationProtection",
            "body": {"JobFlowIds": [second], "TerminationProtected": true}
        }
    }]));

    let out = sandbox
        .cyi()
        .args(["stop-clusters", "--yes", "--output", "json"])
        .assert()
        .code(1);
    let doc = document(&out);
    assert_outcomes(
        &doc,
        &[(&first, "already_terminating"), (&second, "failed")],
    );
    assert_eq!(sandbox.cluster_state(&first), "TERMINATED");
    assert_eq!(sandbox.cluster_state(&second), "WAITING");
    let messages = text(&out.get_output().stderr);
    assert!(
        messages.contains(&format!("NOT terminated: {second}")),
        "{messages}"
    );
}

#[test]
fn wait_returns_with_the_final_states() {
    let sandbox = Sandbox::start();
    let ids = [
        sandbox.launch_cluster("cyi", &[]),
        sandbox.launch_cluster("cyi", &[]),
    ];
    let started = Instant::now();
    let out = sandbox
        .cyi()
        .args(["stop-clusters", "--yes", "--wait", "--output", "json"])
        .timeout(Duration::from_secs(60))
        .assert()
        .success();
    assert!(started.elapsed() < Duration::from_secs(30));
    let doc = document(&out);
    for result in doc["results"].as_array().unwrap() {
        assert_eq!(result["outcome"], "terminating");
        assert_eq!(result["final_state"], "TERMINATED", "{result}");
    }
    for id in &ids {
        assert_eq!(sandbox.cluster_state(id), "TERMINATED");
    }
}

#[test]
fn wait_on_a_terminal_shows_progress() {
    let sandbox = Sandbox::start();
    let id = sandbox.launch_cluster("cyi", &[]);
    let mut session = pty::spawn(&sandbox, &["stop-clusters", "--yes", "--wait"]);
    session.exp_string("waiting: 1 of 1 terminated").unwrap();
    session.exp_string("1 of 1 cluster terminated.").unwrap();
    assert_eq!(pty::exit_code(session), 0);
    assert_eq!(sandbox.cluster_state(&id), "TERMINATED");
}

/// Real EMR refuses a whole TerminateJobFlows call that names a protected cluster
/// (moto does not): here the first call fails on every attempt and the cluster is
/// protected before it is described again, so the rest are sent once more without it.
#[test]
fn a_batch_refused_for_a_cluster_protected_since_the_plan_is_resent_without_it() {
    let sandbox = Sandbox::start();
    let first = sandbox.launch_cluster("cyi", &[]);
    let second = sandbox.launch_cluster("cyi", &[]);
    sandbox.set_faults(serde_json::json!([
        {"operation": "TerminateJobFlows", "kind": "500", "times": 5},
        {
            "operation": "DescribeCluster",
            "kind": "before",
            "skip": 2,
            "times": 2,
            "request": {
                "target": "ElasticMapReduce.SetTerminationProtection",
                "body": {"JobFlowIds": [second], "TerminationProtected": true}
            }
        }
    ]));

    let out = sandbox
        .cyi()
        .args(["stop-clusters", "--yes", "--output", "json"])
        .assert()
        .code(1);
    let doc = document(&out);
    assert_outcomes(&doc, &[(&first, "terminating"), (&second, "failed")]);
    assert_eq!(sandbox.cluster_state(&first), "TERMINATED");
    assert_eq!(sandbox.cluster_state(&second), "WAITING");
    let last = terminate_batches(&sandbox).pop().unwrap();
    assert_eq!(
        last,
        [first.as_str()],
        "the resend names only the unprotected one"
    );
    let messages = text(&out.get_output().stderr);
    assert!(messages.contains("termination protection was turned on after the plan"));
    assert!(
        messages.contains(&format!("NOT terminated: {second}")),
        "{messages}"
    );
}
