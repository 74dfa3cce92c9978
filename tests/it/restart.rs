//! `cyi restart` against moto: a resume launches with the row's date and keeps the row;
//! `--fresh` archives, clears, then launches (checked through the recorded calls and
//! the archive file); a launch that fails after the clear leaves a restorable entry.

use crate::support::Sandbox;
use crate::support::rows::archive_lines;
use crate::support::start::{self, INPUT_BUCKET, Run, put_row, world};
use aws_sdk_dynamodb::types::AttributeValue;
use serde_json::json;

fn s(v: &str) -> AttributeValue {
    AttributeValue::S(v.to_owned())
}

/// A FAILED run of 2021-03-31 (not the fixture world's 2021-04-01 default), whose
/// cluster has ended.
fn failed_row(sandbox: &Sandbox) {
    let old = sandbox.launch_cluster("cyi", &[("Correlation_Id", "run-1")]);
    sandbox.terminate_cluster(&old);
    start::put(
        sandbox,
        INPUT_BUCKET,
        "cyi/2021-03-31/part-0001.json.gz",
        b"x",
    );
    put_row(
        sandbox,
        "run-1",
        &[
            ("Status", s("FAILED")),
            ("CurrentStep", s("run-cyi")),
            ("Run_Id", AttributeValue::N("2".into())),
            ("Date", s("2021-03-31")),
            ("Cluster_Id", s(&old)),
        ],
    );
    sandbox.clear_calls();
}

fn restart(sandbox: &Sandbox, secrets: &[&str], extra: &[&str]) -> Run {
    let flags = start::run_flags();
    start::run(
        sandbox,
        secrets,
        &start::command_args(&["restart"], &flags, extra),
    )
}

fn get_row(sandbox: &Sandbox) -> Option<std::collections::HashMap<String, AttributeValue>> {
    sandbox
        .block_on(
            sandbox
                .dynamodb()
                .get_item()
                .table_name(start::TABLE)
                .key("Correlation_Id", s("run-1"))
                .key("DataProduct", s("CYI"))
                .consistent_read(true)
                .send(),
        )
        .unwrap()
        .item
}

/// The position of the first recorded call matching, and how many matched.
fn position(sandbox: &Sandbox, pred: impl Fn(&crate::support::Call) -> bool) -> Vec<usize> {
    sandbox
        .calls()
        .iter()
        .enumerate()
        .filter(|(_, c)| pred(c))
        .map(|(i, _)| i)
        .collect()
}

fn is_row_delete(c: &crate::support::Call) -> bool {
    c.operation == "DeleteItem" && c.params["Key"]["DataProduct"] == json!({"S": "CYI"})
}

#[test]
fn resume_launches_with_the_rows_date_and_keeps_the_row() {
    let sandbox = Sandbox::start();
    let w = world(&sandbox);
    failed_row(&sandbox);
    let before = get_row(&sandbox).unwrap();

    let run = restart(&sandbox, &[&w.password], &[]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("resumes from step run-cyi"),
        "{}",
        run.stdout
    );
    let sent = start::sent_request(&sandbox);
    for step in sent["Steps"].as_array().unwrap() {
        let args: Vec<&str> = step["HadoopJarStep"]["Args"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap())
            .collect();
        let tail = &args[args.len() - 8..];
        assert_eq!(
            tail,
            [
                "--correlation_id",
                "run-1",
                "--s3_bucket_name",
                INPUT_BUCKET,
                "--s3_prefix",
                "cyi/2021-03-31",
                "--export_date",
                "2021-03-31"
            ]
        );
    }
    let tags = sent["Tags"].as_array().unwrap();
    assert!(tags.contains(&json!({"Key": "export_date", "Value": "2021-03-31"})));
    assert!(tags.contains(&json!({"Key": "Correlation_Id", "Value": "run-1"})));
    // A resume leaves the row for the pipeline to pick up.
    assert!(position(&sandbox, is_row_delete).is_empty());
    assert_eq!(get_row(&sandbox).unwrap(), before);
}

#[test]
fn resume_json_says_what_it_resumes() {
    let sandbox = Sandbox::start();
    let w = world(&sandbox);
    failed_row(&sandbox);
    let run = restart(&sandbox, &[&w.password], &["--output", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc = run.json();
    assert_eq!(doc["export_date"], "2021-03-31");
    assert_eq!(doc["restart"]["mode"], "resume");
    assert_eq!(doc["restart"]["resumes_from"], "run-cyi");
    assert!(doc["cluster_id"].as_str().unwrap().starts_with("j-"));
}

#[test]
fn a_run_without_a_row_is_refused_without_any_change() {
    let sandbox = Sandbox::start();
    let w = world(&sandbox);
    let run = restart(&sandbox, &[&w.password], &["--fresh"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("no run to restart"), "{}", run.stderr);
    assert!(
        run.stderr.contains("cyi start-cluster --export-date"),
        "{}",
        run.stderr
    );
    assert!(start::mutating_calls(&sandbox).is_empty());
}

#[test]
fn fresh_archives_then_clears_then_launches() {
    let sandbox = Sandbox::start();
    let w = world(&sandbox);
    failed_row(&sandbox);
    let before = get_row(&sandbox).unwrap();

    let run = restart(&sandbox, &[&w.password], &["--fresh"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(get_row(&sandbox).is_none(), "the row was not cleared");

    let deletes = position(&sandbox, is_row_delete);
    let launches = position(&sandbox, |c| c.operation == "RunJobFlow");
    assert_eq!((deletes.len(), launches.len()), (1, 1));
    assert!(deletes[0] < launches[0], "cleared after the launch");
    let sent = start::sent_request(&sandbox);
    let tags = sent["Tags"].as_array().unwrap();
    assert!(tags.contains(&json!({"Key": "export_date", "Value": "2021-03-31"})));

    let lines = archive_lines(&sandbox.archive_path());
    let events: Vec<&str> = lines.iter().map(|l| l["event"].as_str().unwrap()).collect();
    assert_eq!(events, ["clear", "outcome"]);
    assert_eq!(lines[1]["applied"], true);
    assert_eq!(lines[0]["item"]["Run_Id"], json!({"N": "2"}));
    assert_eq!(lines[0]["item"]["Status"], json!({"S": "FAILED"}));
    assert_eq!(lines[0]["item"].as_object().unwrap().len(), before.len());
}

#[test]
fn fresh_refuses_while_the_rows_cluster_is_running() {
    let sandbox = Sandbox::start();
    let w = world(&sandbox);
    let live = sandbox.launch_cluster("cyi", &[]);
    put_row(
        &sandbox,
        "run-1",
        &[
            ("Status", s("IN_PROGRESS")),
            ("Date", s("2021-04-01")),
            ("Cluster_Id", s(&live)),
        ],
    );
    sandbox.clear_calls();
    let run = restart(&sandbox, &[&w.password], &["--fresh"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains(&format!("cyi stop-clusters --cluster-id {live}")),
        "{}",
        run.stderr
    );
    assert!(start::mutating_calls(&sandbox).is_empty());
    assert!(get_row(&sandbox).is_some());
}

#[test]
fn a_launch_failure_after_the_clear_leaves_a_restorable_entry() {
    let sandbox = Sandbox::start();
    let w = world(&sandbox);
    failed_row(&sandbox);
    let before = get_row(&sandbox).unwrap();
    sandbox.set_faults(json!([{"operation": "RunJobFlow", "kind": "500", "times": -1}]));

    let run = restart(&sandbox, &[&w.password], &["--fresh"]);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    assert!(get_row(&sandbox).is_none());
    assert!(
        run.stderr.contains("the row was cleared (archive entry "),
        "{}",
        run.stderr
    );
    let lines = archive_lines(&sandbox.archive_path());
    let entry = lines[0]["id"].as_str().unwrap().to_owned();
    let command = format!("cyi restore-row --id {entry}");
    assert!(run.stderr.contains(&command), "{}", run.stderr);
    sandbox.set_faults(json!([]));

    // The command the error names puts the row back as it was.
    let args: Vec<&str> = command.split(' ').skip(1).chain(["--yes"]).collect();
    let restored = start::run(&sandbox, &[], &args);
    assert_eq!(restored.code, 0, "{}", restored.stderr);
    assert_eq!(get_row(&sandbox).unwrap(), before);
}

#[test]
fn a_missing_secret_stops_a_fresh_restart_before_the_clear() {
    let sandbox = Sandbox::start();
    start::create_table(&sandbox);
    start::create_bucket(&sandbox, INPUT_BUCKET);
    failed_row(&sandbox);
    let run = restart(&sandbox, &[], &["--fresh"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("metastore secret"), "{}", run.stderr);
    assert!(get_row(&sandbox).is_some());
    assert!(archive_lines(&sandbox.archive_path()).is_empty());
    assert!(start::mutating_calls(&sandbox).is_empty());
}

#[test]
fn ctrl_c_while_a_restart_waits_names_the_cluster_and_how_to_follow_it() {
    let sandbox = Sandbox::start();
    let world = world(&sandbox);
    failed_row(&sandbox);
    let flags = start::run_flags();
    let args = start::command_args(&["restart"], &flags, &[]);
    // The row's cluster is described once before the launch (why it failed).
    crate::start_cluster_launch::ctrl_c_while_waiting(&sandbox, &[&world.password], &args, 1);
    // A resume keeps the row for the pipeline.
    assert!(get_row(&sandbox).is_some());
}
