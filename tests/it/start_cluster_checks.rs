//! `cyi start-cluster`'s pre-flight checks against moto: bad input is a usage error
//! with no call, and the state row, a live cluster or missing input refuse a launch
//! before anything changes.

use crate::support::Sandbox;
use crate::support::start::*;
use aws_sdk_dynamodb::types::AttributeValue;

#[test]
fn bad_dates_and_ids_are_usage_errors_with_no_calls() {
    let sandbox = Sandbox::start();
    let config = fixture("cluster-config");
    let config = config.to_str().unwrap();
    let long = "x".repeat(257);
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["--export-date", "2021-02-30", "--correlation-id", "c"],
            "not a real calendar date",
        ),
        (
            vec!["--export-date", "2021-4-1", "--correlation-id", "c"],
            "YYYY-MM-DD",
        ),
        (
            vec!["--export-date", "2099-01-01", "--correlation-id", "c"],
            "after today",
        ),
        (
            vec![
                "--export-date",
                "2021-04-01",
                "--start-date",
                "2021-04-02",
                "--correlation-id",
                "c",
            ],
            "--start-date 2021-04-02 is after --export-date 2021-04-01",
        ),
        (
            vec![
                "--export-date",
                "2021-04-01",
                "--start-date",
                "2021-02-29",
                "--correlation-id",
                "c",
            ],
            "not a real calendar date",
        ),
        (
            vec!["--export-date", "2021-04-01", "--correlation-id", "a;b"],
            "--correlation-id",
        ),
        (
            vec!["--export-date", "2021-04-01", "--correlation-id", "it's"],
            "EMR tag values allow",
        ),
        (
            vec!["--export-date", "2021-04-01", "--correlation-id", ""],
            "must not be empty",
        ),
        (
            vec!["--export-date", "2021-04-01", "--correlation-id", &long],
            "257 characters",
        ),
    ];
    for (case, needle) in cases {
        let mut args = vec![
            "start-cluster",
            "--input-bucket",
            INPUT_BUCKET,
            "--cluster-config",
            config,
            "--yes",
        ];
        args.extend(case.iter().copied());
        let out = run(&sandbox, &[], &args);
        assert_eq!(out.code, 2, "{case:?}: {}", out.stderr);
        assert!(out.stderr.contains(needle), "{case:?}: {}", out.stderr);
        assert!(sandbox.calls().is_empty(), "{case:?} called AWS");
    }

    let out = run(
        &sandbox,
        &[],
        &[
            "start-cluster",
            "--export-date",
            "2021-04-01",
            "--correlation-id",
            "c",
            "--cluster-config",
            config,
        ],
    );
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("pass --input-bucket BUCKET or set input_bucket"),
        "{}",
        out.stderr
    );
    let out = run(
        &sandbox,
        &[],
        &[
            "start-cluster",
            "--export-date",
            "2021-04-01",
            "--correlation-id",
            "c",
            "--input-bucket",
            "b",
        ],
    );
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("--cluster-config"), "{}", out.stderr);
    assert!(sandbox.calls().is_empty());
}

#[test]
fn a_live_cluster_for_the_same_run_refuses_a_second_launch() {
    let sandbox = Sandbox::start();
    let world = world(&sandbox);
    let live = sandbox.launch_cluster("cyi", &[("Correlation_Id", "run-1")]);
    sandbox.launch_cluster("cyi", &[("Correlation_Id", "another-run")]);
    sandbox.clear_calls();
    let out = start(&sandbox, &[&world.password], &[]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains(&format!(
            "already running for this correlation id: {live} (WAITING)"
        )),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("--force"), "{}", out.stderr);
    assert!(
        mutating_calls(&sandbox).is_empty(),
        "{:?}",
        mutating_calls(&sandbox)
    );

    // With --force the operator takes responsibility.
    let out = start(&sandbox, &[&world.password], &["--force"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(sandbox.calls_of("RunJobFlow").len(), 1);
}

#[test]
fn the_state_row_decides_whether_a_run_may_start() {
    let sandbox = Sandbox::start();
    let world = world(&sandbox);
    let secrets = [world.password.as_str()];
    let s = |v: &str| AttributeValue::S(v.into());

    let alive = sandbox.launch_cluster("cyi", &[]);
    put_row(
        &sandbox,
        "run-1",
        &[("Status", s("IN_PROGRESS")), ("Cluster_Id", s(&alive))],
    );
    sandbox.clear_calls();
    let out = start(&sandbox, &secrets, &[]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains(&format!(
            "row is IN_PROGRESS and its cluster {alive} is WAITING"
        )),
        "{}",
        out.stderr
    );
    assert!(
        mutating_calls(&sandbox).is_empty(),
        "{:?}",
        mutating_calls(&sandbox)
    );

    put_row(&sandbox, "run-1", &[("Status", s("COMPLETED"))]);
    sandbox.clear_calls();
    let out = start(&sandbox, &secrets, &[]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("row is COMPLETED"), "{}", out.stderr);
    assert!(
        out.stderr.contains("append the same data twice"),
        "{}",
        out.stderr
    );
    assert!(
        mutating_calls(&sandbox).is_empty(),
        "{:?}",
        mutating_calls(&sandbox)
    );

    put_row(
        &sandbox,
        "run-1",
        &[
            ("Status", s("FAILED")),
            ("CurrentStep", s("run-cyi")),
            ("Run_Id", AttributeValue::N("2".into())),
        ],
    );
    sandbox.clear_calls();
    let out = start(&sandbox, &secrets, &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .contains("resumes from step run-cyi, run 3; `cyi clear-row` for a fresh start"),
        "{}",
        out.stdout
    );
    assert_eq!(sandbox.calls_of("RunJobFlow").len(), 1);
}

#[test]
fn no_input_data_is_refused_and_empty_backfill_days_are_listed() {
    let sandbox = Sandbox::start();
    let world = world(&sandbox);
    put(
        &sandbox,
        INPUT_BUCKET,
        "cyi/2021-03-30/part-0001.json.gz",
        b"x",
    );
    sandbox.clear_calls();
    let out = run(
        &sandbox,
        &[&world.password],
        &[
            "start-cluster",
            "--export-date",
            "2021-03-31",
            "--start-date",
            "2021-03-29",
            "--correlation-id",
            "run-2",
            "--input-bucket",
            INPUT_BUCKET,
            "--cluster-config",
            fixture("cluster-config").to_str().unwrap(),
            "--dry-run",
            "--output",
            "json",
        ],
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("no objects under s3://cyi-input/cyi/2021-03-31/"),
        "{}",
        out.stderr
    );
    // One document: the plan, carrying the refusal that followed it.
    let doc = out.json();
    assert_eq!(doc["backfill_days"], 3);
    assert_eq!(doc["error"]["code"], "refused", "{doc}");
    assert_eq!(doc["error"]["exit_code"], 1, "{doc}");
    assert!(
        doc["error"]["message"]
            .as_str()
            .unwrap()
            .contains("no objects under s3://cyi-input/cyi/2021-03-31/"),
        "{doc}"
    );
    let backfill = doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "backfill days")
        .unwrap();
    assert_eq!(backfill["outcome"], "warned");
    assert_eq!(
        backfill["detail"],
        "2 of 3 days have no input under cyi/<day>/: 2021-03-29, 2021-03-31"
    );
    assert!(
        mutating_calls(&sandbox).is_empty(),
        "{:?}",
        mutating_calls(&sandbox)
    );
}
