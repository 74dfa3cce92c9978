//! `cyi clear-row`, `cyi restore-row` and `cyi rows` against a real moto server: what is
//! deleted and put back (checked with the SDK), what is refused, what is archived, and
//! exactly which calls are made.

mod data_loss;
mod keys;
mod restore_and_rows;

use std::collections::HashMap;

use crate::support::Sandbox;
use crate::support::rows::{TABLE, archive_lines, n, row, s};
use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::AttributeValue;
use serde_json::{Value, json};

pub(crate) const MUTATING: [&str; 4] = ["DeleteItem", "PutItem", "UpdateItem", "TerminateJobFlows"];

pub(crate) fn stdout(out: &assert_cmd::assert::Assert) -> String {
    String::from_utf8(out.get_output().stdout.clone()).unwrap()
}

pub(crate) fn stderr(out: &assert_cmd::assert::Assert) -> String {
    String::from_utf8(out.get_output().stderr.clone()).unwrap()
}

pub(crate) fn sandbox_with_table() -> Sandbox {
    let sandbox = Sandbox::start();
    sandbox.create_table();
    sandbox
}

/// An item using every DynamoDB type, to check that nothing is lost or re-typed.
fn rich_row(correlation_id: &str) -> HashMap<String, AttributeValue> {
    let mut item = row(correlation_id, "CYI", "FAILED");
    item.extend([
        ("Flag".to_owned(), AttributeValue::Bool(true)),
        ("Nothing".to_owned(), AttributeValue::Null(true)),
        (
            "Payload".to_owned(),
            AttributeValue::B(Blob::new(vec![0u8, 1, 254, 255])),
        ),
        (
            "Meta".to_owned(),
            AttributeValue::M(HashMap::from([
                ("attempts".to_owned(), n("3")),
                ("note".to_owned(), s("it's \"ok\"")),
            ])),
        ),
        (
            "Steps".to_owned(),
            AttributeValue::L(vec![s("a"), n("1.5"), AttributeValue::Bool(false)]),
        ),
        (
            "Tags".to_owned(),
            AttributeValue::Ss(vec!["x".into(), "y".into()]),
        ),
        (
            "Sizes".to_owned(),
            AttributeValue::Ns(vec!["10".into(), "20".into()]),
        ),
        (
            "Blobs".to_owned(),
            AttributeValue::Bs(vec![Blob::new(b"ab".to_vec())]),
        ),
    ]);
    item
}

#[test]
fn clear_then_restore_round_trips_every_attribute_with_its_type() {
    let sandbox = sandbox_with_table();
    let original = rich_row("run-1");
    sandbox.put_row(&original);
    sandbox.put_row(&row("run-2", "CYI", "FAILED"));

    let out = sandbox
        .cyi()
        .args(["clear-row", "--correlation-id", "run-1", "--yes"])
        .assert()
        .success();
    let text = stdout(&out);
    for expected in [
        "FAILED",
        "create-hive-tables",
        "1617840000000 (2021-04-08 00:00:00 UTC)",
        "S3_Prefix_Snapshots",
        "will begin from the first step instead of resuming from CurrentStep",
        "Cleared.",
    ] {
        assert!(text.contains(expected), "{expected:?} missing from\n{text}");
    }
    // Status, CurrentStep, Run_Id, Date, Cluster_Id come first, in that order.
    let at = |word: &str| text.find(word).unwrap();
    assert!(at("Status") < at("CurrentStep") && at("CurrentStep") < at("Run_Id"));
    assert!(at("Run_Id") < at("Date") && at("Date") < at("Cluster_Id"));
    assert!(at("Cluster_Id") < at("Blobs"));
    assert_eq!(sandbox.get_row("run-1", "CYI"), None);
    assert!(sandbox.get_row("run-2", "CYI").is_some());

    let lines = archive_lines(&sandbox.archive_path());
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[0]["event"], "clear");
    assert_eq!(lines[0]["environment"], "default");
    assert_eq!(lines[0]["region"], "eu-west-2");
    assert_eq!(lines[0]["account"], "123456789012");
    assert_eq!(lines[0]["table"], TABLE);
    assert!(
        lines[0]["operator"]
            .as_str()
            .unwrap()
            .starts_with("arn:aws:")
    );
    assert_eq!(lines[0]["item"]["Run_Id"], json!({"N": "2"}));
    assert_eq!(lines[0]["item"]["Payload"], json!({"B": "AAH+/w=="}));
    assert_eq!(
        lines[0]["key"],
        json!({"Correlation_Id": {"S": "run-1"}, "DataProduct": {"S": "CYI"}})
    );
    assert_eq!(lines[1]["id"], lines[0]["id"]);
    assert_eq!(lines[1]["applied"], true);

    sandbox.clear_calls();
    sandbox
        .cyi()
        .args(["restore-row", "--correlation-id", "run-1", "--yes"])
        .assert()
        .success();
    assert_eq!(sandbox.get_row("run-1", "CYI"), Some(original));
    let puts = sandbox.calls_of("PutItem");
    assert_eq!(puts.len(), 1);
    let condition = puts[0].params["ConditionExpression"].as_str().unwrap();
    assert!(
        condition.starts_with("attribute_not_exists("),
        "{condition}"
    );

    let out = sandbox
        .cyi()
        .args(["restore-row", "--list", "--output", "json"])
        .env_remove("AWS_REGION")
        .assert()
        .success();
    let doc: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let entry = &doc["entries"][0];
    assert_eq!(entry["id"], lines[0]["id"]);
    assert_eq!(entry["correlation_id"], "run-1");
    assert_eq!(entry["applied"], true);
    assert_eq!(entry["outcome"], "deleted");
    assert!(entry["restored"].is_string(), "{entry}");
}

#[test]
fn a_row_changed_between_read_and_delete_is_not_deleted() {
    let sandbox = sandbox_with_table();
    sandbox.put_row(&row("run-1", "CYI", "FAILED"));
    sandbox.set_faults(json!([{
        "operation": "DeleteItem",
        "kind": "before",
        "request": {
            "target": "DynamoDB_20120810.UpdateItem",
            "body": {
                "TableName": TABLE,
                "Key": {"Correlation_Id": {"S": "run-1"}, "DataProduct": {"S": "CYI"}},
                "UpdateExpression": "SET #s = :s",
                "ExpressionAttributeNames": {"#s": "CurrentStep"},
                "ExpressionAttributeValues": {":s": {"S": "relaunched-step"}}
            }
        }
    }]));

    let out = sandbox
        .cyi()
        .args(["clear-row", "--correlation-id", "run-1", "--yes"])
        .assert()
        .code(1);
    assert!(
        stderr(&out).contains("the row changed since it was shown; nothing deleted"),
        "{}",
        stderr(&out)
    );
    let now = sandbox
        .get_row("run-1", "CYI")
        .expect("the row must survive");
    assert_eq!(now["CurrentStep"], s("relaunched-step"));
    assert_eq!(sandbox.calls_of("DeleteItem").len(), 1);

    let lines = archive_lines(&sandbox.archive_path());
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[1]["id"], lines[0]["id"]);
    assert_eq!(lines[1]["applied"], false);
    let out = sandbox
        .cyi()
        .args(["restore-row", "--list", "--output", "json"])
        .assert()
        .success();
    let doc: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(doc["entries"][0]["applied"], false);
    assert_eq!(doc["entries"][0]["outcome"], "not deleted");
    // Nothing was deleted, so there is nothing to restore by correlation id.
    let out = sandbox
        .cyi()
        .args(["restore-row", "--correlation-id", "run-1", "--yes"])
        .assert()
        .code(1);
    assert!(
        stderr(&out).contains("holds no deletion"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn in_progress_with_a_live_cluster_is_refused_and_allowed_once_it_is_gone() {
    let sandbox = sandbox_with_table();
    let cluster = sandbox.launch_cluster("cyi", &[("Correlation_Id", "run-1")]);
    let mut item = row("run-1", "CYI", "IN_PROGRESS");
    item.insert("Cluster_Id".into(), s(&cluster));
    sandbox.put_row(&item);
    sandbox.clear_calls();

    let out = sandbox
        .cyi()
        .args(["clear-row", "--correlation-id", "run-1", "--yes"])
        .assert()
        .code(1);
    let err = stderr(&out);
    assert!(
        err.contains(&format!("its cluster {cluster} is WAITING")),
        "{err}"
    );
    assert!(
        err.contains(&format!("cyi stop-clusters --cluster-id {cluster}")),
        "{err}"
    );
    assert_eq!(sandbox.count_of(&MUTATING), 0);
    assert!(archive_lines(&sandbox.archive_path()).is_empty());
    assert!(sandbox.get_row("run-1", "CYI").is_some());

    let out = sandbox
        .cyi()
        .args([
            "clear-row",
            "--correlation-id",
            "run-1",
            "--force",
            "--dry-run",
        ])
        .assert()
        .success();
    assert!(
        stdout(&out).contains("--force: the row is IN_PROGRESS"),
        "{}",
        stdout(&out)
    );
    assert_eq!(sandbox.count_of(&MUTATING), 0);

    sandbox.terminate_cluster(&cluster);
    sandbox.clear_calls();
    let out = sandbox
        .cyi()
        .args(["clear-row", "--correlation-id", "run-1", "--yes"])
        .assert()
        .success();
    assert!(stdout(&out).contains("TERMINATED"), "{}", stdout(&out));
    let mut operations: Vec<String> = sandbox.calls().into_iter().map(|c| c.operation).collect();
    operations.sort();
    assert_eq!(
        operations,
        [
            "DeleteItem",
            "DescribeCluster",
            "GetCallerIdentity",
            "GetItem"
        ]
    );
    assert_eq!(sandbox.get_row("run-1", "CYI"), None);
}

#[test]
fn forced_clear_of_a_live_cluster_row_deletes() {
    let sandbox = sandbox_with_table();
    let cluster = sandbox.launch_cluster("cyi", &[]);
    let mut item = row("run-1", "CYI", "IN_PROGRESS");
    item.insert("Cluster_Id".into(), s(&cluster));
    sandbox.put_row(&item);
    let out = sandbox
        .cyi()
        .args([
            "clear-row",
            "--correlation-id",
            "run-1",
            "--yes",
            "--force",
            "--output",
            "json",
        ])
        .assert()
        .success();
    let doc: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(doc["forced"], true);
    assert_eq!(doc["deleted"], true);
    assert_eq!(doc["cluster"]["active"], true);
    assert!(stderr(&out).contains("--force:"), "{}", stderr(&out));
    assert_eq!(sandbox.get_row("run-1", "CYI"), None);
    assert_eq!(
        sandbox.cluster_state(&cluster),
        "WAITING",
        "clear-row never stops clusters"
    );
}

#[test]
fn a_clear_costs_one_read_one_conditional_delete_and_one_identity_call() {
    let sandbox = sandbox_with_table();
    sandbox.put_row(&row("run-1", "CYI", "FAILED"));
    sandbox.clear_calls();
    let out = sandbox
        .cyi()
        .args([
            "clear-row",
            "--correlation-id",
            "run-1",
            "--yes",
            "--output",
            "json",
        ])
        .assert()
        .success();
    let calls = sandbox.calls();
    let mut operations: Vec<&str> = calls.iter().map(|c| c.operation.as_str()).collect();
    operations.sort_unstable();
    assert_eq!(
        operations,
        ["DeleteItem", "GetCallerIdentity", "GetItem"],
        "{calls:?}"
    );
    let get = calls.iter().find(|c| c.operation == "GetItem").unwrap();
    assert_eq!(get.params["ConsistentRead"], true);
    let delete = calls.iter().find(|c| c.operation == "DeleteItem").unwrap();
    assert_eq!(delete.params["ReturnValues"], "ALL_OLD");
    assert_eq!(
        delete.params["Key"],
        json!({"Correlation_Id": {"S": "run-1"}, "DataProduct": {"S": "CYI"}})
    );
    let condition = delete.params["ConditionExpression"].as_str().unwrap();
    let names: Vec<&str> = delete.params["ExpressionAttributeNames"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_str().unwrap())
        .collect();
    for attribute in [
        "Status",
        "Run_Id",
        "CurrentStep",
        "Cluster_Id",
        "Date",
        "TimeToExist",
    ] {
        assert!(
            names.contains(&attribute),
            "{attribute} not in the condition {condition}"
        );
    }
    assert!(
        !condition.contains("FAILED"),
        "values only through placeholders: {condition}"
    );

    let doc: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(doc["deleted"], true);
    assert_eq!(doc["dry_run"], false);
    assert_eq!(doc["correlation_id"], "run-1");
    assert_eq!(doc["data_product"], "CYI");
    assert_eq!(doc["item"]["Run_Id"], json!({"N": "2"}));
    assert_eq!(
        doc["entry_id"],
        archive_lines(&sandbox.archive_path())[0]["id"]
    );
}

#[test]
fn without_a_terminal_or_yes_nothing_is_deleted_or_archived() {
    let sandbox = sandbox_with_table();
    sandbox.put_row(&row("run-1", "CYI", "FAILED"));
    let out = sandbox
        .cyi()
        .args(["clear-row", "--correlation-id", "run-1"])
        .assert()
        .code(2);
    assert!(
        stderr(&out).contains("re-run with --yes"),
        "{}",
        stderr(&out)
    );
    assert_eq!(sandbox.calls_of("DeleteItem").len(), 0);
    assert!(sandbox.get_row("run-1", "CYI").is_some());
    assert!(archive_lines(&sandbox.archive_path()).is_empty());
}

#[test]
fn an_archive_that_cannot_be_written_stops_the_delete() {
    let sandbox = sandbox_with_table();
    sandbox.put_row(&row("run-1", "CYI", "FAILED"));
    let blocker = sandbox.home().join("a-file");
    std::fs::write(&blocker, "not a directory").unwrap();
    let places = [
        sandbox.home().to_path_buf(),  // a directory, not a file
        blocker.join("archive.jsonl"), // its parent cannot be created
    ];
    for place in places {
        let out = sandbox
            .cyi()
            .args([
                "clear-row",
                "--correlation-id",
                "run-1",
                "--yes",
                "--archive",
            ])
            .arg(&place)
            .assert()
            .code(1);
        let err = stderr(&out);
        assert!(err.contains("cannot write the archive"), "{err}");
        assert!(err.contains("nothing was deleted"), "{err}");
    }
    assert_eq!(sandbox.calls_of("DeleteItem").len(), 0);
    assert!(sandbox.get_row("run-1", "CYI").is_some());
}

#[test]
fn explicit_archive_path_is_used_and_restorable_by_entry_id() {
    let sandbox = sandbox_with_table();
    let original = row("run-1", "CYI", "FAILED");
    sandbox.put_row(&original);
    let archive = sandbox.home().join("my-archive.jsonl");
    sandbox
        .cyi()
        .args([
            "clear-row",
            "--correlation-id",
            "run-1",
            "--yes",
            "--archive",
        ])
        .arg(&archive)
        .assert()
        .success();
    assert!(!sandbox.archive_path().exists());
    let id = archive_lines(&archive)[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    sandbox
        .cyi()
        .args(["restore-row", "--id", &id, "--yes", "--archive"])
        .arg(&archive)
        .assert()
        .success();
    assert_eq!(sandbox.get_row("run-1", "CYI"), Some(original));
    let lines = archive_lines(&archive);
    assert_eq!(lines.last().unwrap()["event"], "restore");
}

#[test]
fn dry_run_changes_nothing() {
    let sandbox = sandbox_with_table();
    let original = row("run-1", "CYI", "FAILED");
    sandbox.put_row(&original);
    sandbox.clear_calls();
    let out = sandbox
        .cyi()
        .args([
            "clear-row",
            "--correlation-id",
            "run-1",
            "--dry-run",
            "--output",
            "json",
        ])
        .assert()
        .success();
    assert!(stderr(&out).contains("dry run: nothing was changed"));
    let doc: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(doc["dry_run"], true);
    assert_eq!(doc["deleted"], false);
    assert_eq!(sandbox.count_of(&MUTATING), 0);
    assert!(archive_lines(&sandbox.archive_path()).is_empty());

    sandbox
        .cyi()
        .args(["clear-row", "--correlation-id", "run-1", "--yes"])
        .assert()
        .success();
    sandbox.clear_calls();
    sandbox
        .cyi()
        .args(["restore-row", "--correlation-id", "run-1", "--dry-run"])
        .assert()
        .success();
    assert_eq!(sandbox.count_of(&MUTATING), 0);
    assert_eq!(sandbox.get_row("run-1", "CYI"), None);
}

#[test]
fn a_protected_environment_needs_its_name() {
    let sandbox = sandbox_with_table();
    sandbox.put_row(&row("run-1", "CYI", "FAILED"));
    sandbox.write_config("[env.production]\nprotected = true\n");
    let out = sandbox
        .cyi()
        .args([
            "--env",
            "production",
            "clear-row",
            "--correlation-id",
            "run-1",
            "--yes",
        ])
        .assert()
        .code(2);
    assert!(
        stderr(&out).contains("--confirm-env production"),
        "{}",
        stderr(&out)
    );
    assert_eq!(sandbox.calls_of("DeleteItem").len(), 0);
    sandbox
        .cyi()
        .args([
            "--env",
            "production",
            "clear-row",
            "--correlation-id",
            "run-1",
        ])
        .args(["--yes", "--confirm-env", "production"])
        .assert()
        .success();
    assert_eq!(sandbox.get_row("run-1", "CYI"), None);
    let lines = archive_lines(&sandbox.archive_path());
    assert_eq!(lines[0]["environment"], "production");
}
