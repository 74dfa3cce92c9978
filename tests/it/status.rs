//! `cyi status` against moto: one run (row, cluster, steps, what next) and the whole
//! environment (active clusters and unfinished rows, stale ones flagged). moto never
//! finishes a step, so a failed run is a FAILED row naming its CurrentStep, on a
//! cluster launched by `cyi start-cluster` (so it has the config's steps).

use crate::support::Sandbox;
use crate::support::start::{self, put_row, world};
use aws_sdk_dynamodb::types::AttributeValue;
use serde_json::Value;

fn s(v: &str) -> AttributeValue {
    AttributeValue::S(v.to_owned())
}

fn json(sandbox: &Sandbox, args: &[&str]) -> Value {
    let out = sandbox
        .cyi()
        .args(args)
        .args(["--output", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn launched_id(run: &start::Run) -> String {
    let at = run.stdout.find("Launched cluster ").unwrap() + "Launched cluster ".len();
    run.stdout[at..]
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned()
}

#[test]
fn a_failed_run_names_its_failed_step_and_the_way_on() {
    let sandbox = Sandbox::start();
    let w = world(&sandbox);
    let run = start::start(&sandbox, &[&w.password], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let cluster = launched_id(&run);
    sandbox.terminate_cluster(&cluster);
    put_row(
        &sandbox,
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

    let doc = json(&sandbox, &["status", "--correlation-id", "run-1"]);
    assert_eq!(doc["failed_step"], "run-cyi");
    assert_eq!(doc["row"]["status"], "FAILED");
    assert_eq!(doc["cluster"]["id"], cluster.as_str());
    assert_eq!(doc["cluster"]["state"], "TERMINATED");
    assert_eq!(doc["cluster"]["tags"]["export_date"], "2021-04-01");
    let steps: Vec<&str> = doc["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(steps, ["courtesy-flush", "run-cyi", "flush-pushgateway"]);
    assert!(doc["steps"][0]["state"].is_string());
    assert_eq!(doc["next"]["action"], "resume");
    assert_eq!(
        doc["next"]["commands"],
        serde_json::json!([
            "cyi restart --correlation-id run-1",
            "cyi restart --correlation-id run-1 --fresh"
        ])
    );
    assert_eq!(sandbox.calls_of("ListSteps").len(), 1);

    let out = sandbox
        .cyi()
        .args(["status", "--correlation-id", "run-1"])
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(text.contains("Failed step: run-cyi"), "{text}");
    assert!(text.contains("flush-pushgateway"), "{text}");
    assert!(
        text.contains("Next: the run is FAILED at step run-cyi"),
        "{text}"
    );
    assert!(
        text.contains("`cyi restart --correlation-id run-1`"),
        "{text}"
    );
    // Read-only.
    assert!(start::mutating_calls(&sandbox).is_empty());
}

#[test]
fn a_run_with_no_row_and_no_cluster_says_how_to_start_and_exits_1() {
    let sandbox = Sandbox::start();
    start::create_table(&sandbox);
    let out = sandbox
        .cyi()
        .args([
            "status",
            "--correlation-id",
            "nothing-here",
            "--output",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["row"], Value::Null);
    assert_eq!(doc["cluster"], Value::Null);
    assert_eq!(doc["next"]["action"], "start");
    // The failure is in the one document too.
    assert_eq!(doc["error"]["code"], "failed", "{doc}");
    assert!(sandbox.calls_of("ListSteps").is_empty());
    // A person still reads how such a run starts.
    let out = sandbox
        .cyi()
        .args(["status", "--correlation-id", "nothing-here"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("No row for nothing-here"), "{stdout}");
    assert!(
        stdout.contains("Next: no state row and no active cluster: this run has not started"),
        "{stdout}"
    );
    assert!(
        stdout.contains("cyi start-cluster --export-date YYYY-MM-DD --correlation-id nothing-here"),
        "{stdout}"
    );
}

#[test]
fn the_environment_view_flags_a_stale_in_progress_row() {
    let sandbox = Sandbox::start();
    start::create_table(&sandbox);
    let live = sandbox.launch_cluster("cyi", &[("Correlation_Id", "live")]);
    let gone = sandbox.launch_cluster("cyi", &[("Correlation_Id", "stale")]);
    sandbox.terminate_cluster(&gone);
    sandbox.launch_cluster("legacyimport", &[("Correlation_Id", "stale")]);
    let row = |id: &str, status: &str, cluster: &str, date: &str| {
        put_row(
            &sandbox,
            id,
            &[
                ("Status", s(status)),
                ("CurrentStep", s("run-cyi")),
                ("Date", s(date)),
                ("Cluster_Id", s(cluster)),
            ],
        );
    };
    row("live", "IN_PROGRESS", &live, "2021-04-03");
    row("stale", "IN_PROGRESS", &gone, "2021-04-02");
    row("failed", "FAILED", "j-LONGGONE", "2021-04-01");
    row("done", "COMPLETED", "j-LONGGONE", "2021-03-01");

    let doc = json(&sandbox, &["status"]);
    let clusters = doc["clusters"].as_array().unwrap();
    assert_eq!(
        clusters.len(),
        1,
        "only active clusters of this name: {clusters:?}"
    );
    assert_eq!(clusters[0]["id"], live.as_str());
    assert_eq!(clusters[0]["correlation_id"], "live");
    assert_eq!(clusters[0]["row_status"], "IN_PROGRESS");
    let rows: Vec<(&str, bool, &Value)> = doc["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["correlation_id"].as_str().unwrap(),
                r["stale"].as_bool().unwrap(),
                &r["active_cluster"],
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("live", false, &Value::String(live.clone())),
            ("stale", true, &Value::Null),
            ("failed", false, &Value::Null),
        ]
    );

    let out = sandbox.cyi().arg("status").assert().success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let stale_line = text
        .lines()
        .find(|l| l.trim_start().starts_with("stale"))
        .unwrap();
    assert!(
        stale_line.contains(&format!("STALE: cluster {gone} is not active")),
        "{text}"
    );
    assert!(text.contains("1 stale row:"), "{text}");
}
