//! `cyi restart` says why the run's last cluster failed before it asks: the failed step
//! with EMR's FailureDetails, the cluster's StateChangeReason and the `cyi logs`
//! command, with one line when there is nothing to say (no failed step, no details yet,
//! a cluster EMR no longer knows), and the restart still goes on. The row's cluster is
//! described once and its steps listed once.

use aws_sdk_dynamodb::types::AttributeValue;

use crate::support::emr_world::{EmrWorld, Phase, launch_with_steps};
use crate::support::start::{self, Run, put_row, world};
use crate::support::{Call, Sandbox};

const STEPS: [&str; 3] = ["courtesy-flush", "run-cyi", "flush-pushgateway"];

fn s(v: &str) -> AttributeValue {
    AttributeValue::S(v.to_owned())
}

/// Run `run-1` of the fixture day: a row in `status` naming `cluster`.
fn row(sandbox: &Sandbox, status: &str, cluster: &str) {
    put_row(
        sandbox,
        "run-1",
        &[
            ("Status", s(status)),
            ("CurrentStep", s("run-cyi")),
            ("Run_Id", AttributeValue::N("1".into())),
            ("Date", s(start::EXPORT_DATE)),
            ("Cluster_Id", s(cluster)),
        ],
    );
}

/// An ended cluster of run-1 with the fixture's steps, its end and steps scripted by
/// `script`; its id.
fn ended_cluster(
    sandbox: &Sandbox,
    reason: (&'static str, &str),
    script: impl FnOnce(EmrWorld, &str) -> EmrWorld,
) -> String {
    let cluster = launch_with_steps(sandbox, "cyi", &[("Correlation_Id", "run-1")], &STEPS);
    let world = EmrWorld::new().cluster(
        &cluster,
        &[Phase::new("TERMINATED_WITH_ERRORS", 0.0).because(reason.0, reason.1)],
    );
    script(world, &cluster).apply(sandbox);
    cluster
}

fn restart(sandbox: &Sandbox, password: &str, extra: &[&str]) -> Run {
    let flags = start::run_flags();
    let run = start::run(
        sandbox,
        &[password],
        &start::command_args(&["restart"], &flags, extra),
    );
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    run
}

fn naming<'a>(calls: &'a [Call], operation: &str, id: &str) -> Vec<&'a Call> {
    calls
        .iter()
        .filter(|c| c.operation == operation && c.params["ClusterId"] == id)
        .collect()
}

#[test]
fn the_json_plan_carries_the_failure_and_each_call_is_made_once() {
    let sandbox = Sandbox::start();
    let w = world(&sandbox);
    let log = "s3://logs/emr/cyi/j-1/steps/s-1/stderr.gz";
    let cluster = ended_cluster(
        &sandbox,
        ("STEP_FAILURE", "Shut down as step failed"),
        |world, id| {
            world
                .step(id, "courtesy-flush", "COMPLETED", None)
                .failed_step(id, "run-cyi", "Unknown Error.", "hive -f failed", log)
        },
    );
    row(&sandbox, "FAILED", &cluster);
    sandbox.clear_calls();

    let run = restart(&sandbox, &w.password, &["--dry-run", "--output", "json"]);
    let last = &run.json()["restart"]["last_cluster"];
    assert_eq!(last["cluster_id"], cluster.as_str(), "{last}");
    assert_eq!(last["cluster_state"], "TERMINATED_WITH_ERRORS", "{last}");
    assert_eq!(
        last["state_change_reason"], "STEP_FAILURE: Shut down as step failed",
        "{last}"
    );
    assert_eq!(last["failed_step"], "run-cyi", "{last}");
    assert_eq!(last["step_state"], "FAILED", "{last}");
    assert_eq!(last["failure"]["reason"], "Unknown Error.", "{last}");
    assert_eq!(last["failure"]["message"], "hive -f failed", "{last}");
    assert_eq!(last["failure"]["log_file"], log, "{last}");
    assert_eq!(
        last["logs_command"], "cyi logs --correlation-id run-1 --step run-cyi",
        "{last}"
    );
    // The human lines go to stderr with --output json, before the plan.
    let failure = run.stderr.find("Failure message: hive -f failed").unwrap();
    assert!(failure < run.stderr.find("Launch cluster 'cyi'").unwrap());

    let calls = sandbox.calls();
    assert_eq!(naming(&calls, "DescribeCluster", &cluster).len(), 1);
    assert_eq!(naming(&calls, "ListSteps", &cluster).len(), 1);
    let listed = calls
        .iter()
        .filter(|c| c.operation == "ListClusters")
        .count();
    assert!(listed <= 1, "the launch's lookup is reused: {listed}");
    assert!(calls.iter().all(|c| c.operation != "DescribeStep"));
}

#[test]
fn details_emr_has_not_filled_in_yet_are_one_line_and_hostile_values_are_escaped() {
    let sandbox = Sandbox::start();
    let w = world(&sandbox);
    let cluster = ended_cluster(&sandbox, ("STEP_FAILURE", "oops\u{1b}[2J"), |world, id| {
        world.step(id, "run-cyi", "FAILED", None)
    });
    row(&sandbox, "FAILED", &cluster);

    let run = restart(&sandbox, &w.password, &["--dry-run"]);
    let out = format!("{}{}", run.stdout, run.stderr);
    assert!(
        out.contains(
            "Failed step run-cyi (FAILED): no failure details from EMR yet (it fills them in late)."
        ),
        "{out}"
    );
    assert!(!out.contains('\u{1b}'), "{out}");
    assert!(out.contains("STEP_FAILURE: oops\\u{1b}[2J"), "{out}");
    assert!(
        out.contains("The failed step's log: cyi logs --correlation-id run-1 --step run-cyi"),
        "{out}"
    );
}

#[test]
fn a_fresh_restart_of_a_cluster_without_a_failed_step_says_so_and_describes_once() {
    let sandbox = Sandbox::start();
    let w = world(&sandbox);
    let cluster = ended_cluster(&sandbox, ("USER_REQUEST", "Terminated by user"), |w, id| {
        STEPS
            .iter()
            .fold(w, |w, step| w.step(id, step, "COMPLETED", None))
    });
    // IN_PROGRESS: the clear looks at the row's cluster too.
    row(&sandbox, "IN_PROGRESS", &cluster);
    sandbox.clear_calls();

    let run = restart(&sandbox, &w.password, &["--fresh"]);
    let out = format!("{}{}", run.stdout, run.stderr);
    let line = format!(
        "Last cluster {cluster}: TERMINATED_WITH_ERRORS (USER_REQUEST: Terminated by user); no step failed."
    );
    assert!(out.contains(&line), "{out}");
    assert!(out.contains("Launched cluster"), "{out}");
    let calls = sandbox.calls();
    assert_eq!(naming(&calls, "DescribeCluster", &cluster).len(), 1);
    assert_eq!(naming(&calls, "ListSteps", &cluster).len(), 1);
}

#[test]
fn a_cluster_emr_no_longer_knows_is_one_line_and_the_restart_goes_on() {
    let sandbox = Sandbox::start();
    let w = world(&sandbox);
    row(&sandbox, "FAILED", "j-GONE000000001");
    sandbox.clear_calls();

    let run = restart(&sandbox, &w.password, &[]);
    let out = format!("{}{}", run.stdout, run.stderr);
    let said: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with("Last cluster") || l.starts_with("Failed step"))
        .collect();
    assert_eq!(
        said,
        [
            "Last cluster: j-GONE000000001 (the row's Cluster_Id) no longer exists in EMR, and no active 'cyi' cluster is tagged with this run: nothing says why the run failed."
        ],
        "{out}"
    );
    assert!(out.contains("Launched cluster"), "{out}");
    let calls = sandbox.calls();
    // ListSteps is never sent for an id EMR does not know (it answers 500, retried).
    assert!(calls.iter().all(|c| c.operation != "ListSteps"));
    assert_eq!(
        calls.iter().filter(|c| c.operation == "RunJobFlow").count(),
        1
    );
}

#[test]
fn steps_emr_will_not_list_are_one_line_and_the_restart_goes_on() {
    let sandbox = Sandbox::start();
    let w = world(&sandbox);
    let cluster = ended_cluster(&sandbox, ("STEP_FAILURE", "Shut down"), |world, id| {
        world.step(id, "run-cyi", "FAILED", None)
    });
    row(&sandbox, "FAILED", &cluster);
    // As for a role without elasticmapreduce:ListSteps: EMR will not list the steps.
    sandbox.set_faults(serde_json::json!([
        {"operation": "ListSteps", "kind": "500", "times": -1}
    ]));

    let run = restart(&sandbox, &w.password, &["--dry-run", "--output", "json"]);
    let last = &run.json()["restart"]["last_cluster"];
    assert!(
        last["unread"].as_str().unwrap().contains("emr:ListSteps"),
        "{last}"
    );
    assert_eq!(last["cluster_id"], cluster.as_str(), "{last}");
    let line = format!(
        "Last cluster {cluster}: TERMINATED_WITH_ERRORS (STEP_FAILURE: Shut down); its steps could not be read (emr:ListSteps failed"
    );
    assert!(run.stderr.contains(&line), "{}", run.stderr);
    assert!(run.stderr.contains("dry run: nothing was changed"));
}
