//! Nothing lost (issue 15): a torn archive tail, an attribute added between read and
//! delete, an entry restored into another region, a status in another case next to a
//! live cluster, and a restore by correlation id after an interrupted clear. Effects
//! are checked through the API, the recorded calls and the archive.

use std::io::Write;

use super::{MUTATING, sandbox_with_table, stderr, stdout};
use crate::support::reliability::record_figure;
use crate::support::rows::{TABLE, archive_lines, row, s};
use serde_json::{Value, json};

fn list(sandbox: &crate::support::Sandbox) -> Value {
    let out = sandbox
        .cyi()
        .args(["restore-row", "--list", "--output", "json"])
        .assert()
        .success();
    serde_json::from_str(&stdout(&out)).unwrap()
}

fn append_raw(path: &std::path::Path, bytes: &[u8]) {
    let mut file = std::fs::OpenOptions::new().append(true).open(path).unwrap();
    file.write_all(bytes).unwrap();
}

fn clear(sandbox: &crate::support::Sandbox, id: &str) -> assert_cmd::assert::Assert {
    sandbox
        .cyi()
        .args(["clear-row", "--correlation-id", id, "--yes"])
        .assert()
}

#[test]
fn a_torn_archive_tail_does_not_swallow_the_next_clear() {
    let sandbox = sandbox_with_table();
    let mut old = row("run-1", "CYI", "FAILED");
    old.insert("CurrentStep".into(), s("old-step"));
    sandbox.put_row(&old);
    clear(&sandbox, "run-1").success();
    // A full disk cut the next record short: no newline at the end of the file.
    append_raw(
        &sandbox.archive_path(),
        br#"{"id":"20990101T000000000Z-torn","event":"clear","time":"2099-"#,
    );
    let mut new = row("run-1", "CYI", "FAILED");
    new.insert("CurrentStep".into(), s("new-step"));
    sandbox.put_row(&new);

    let out = clear(&sandbox, "run-1").success();
    assert!(
        stdout(&out).contains("Cleared. Archived as entry"),
        "{}",
        stdout(&out)
    );
    let doc = list(&sandbox);
    let entries = doc["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2, "{doc}");
    assert_eq!(entries[1]["outcome"], "deleted", "{doc}");
    assert_eq!(entries[1]["item"]["CurrentStep"]["S"], "new-step");
    assert_eq!(doc["problems"].as_array().unwrap().len(), 1, "{doc}");

    // The newest copy, not the older one before the torn line.
    sandbox
        .cyi()
        .args(["restore-row", "--correlation-id", "run-1", "--yes"])
        .assert()
        .success();
    assert_eq!(sandbox.get_row("run-1", "CYI"), Some(new));
    record_figure("torn-write", json!({"runs": 1, "entries_lost": 0}));
}

#[test]
fn an_unreadable_line_after_the_newest_entry_refuses_a_restore_by_correlation_id() {
    let sandbox = sandbox_with_table();
    let original = row("run-1", "CYI", "FAILED");
    sandbox.put_row(&original);
    clear(&sandbox, "run-1").success();
    let entry = archive_lines(&sandbox.archive_path())[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    append_raw(&sandbox.archive_path(), b"{\"id\":\"x\",\"event\":\"cle\n");
    sandbox.clear_calls();

    let out = sandbox
        .cyi()
        .args(["restore-row", "--correlation-id", "run-1", "--yes"])
        .assert()
        .code(1);
    let text = stderr(&out);
    assert!(
        text.contains("line 3 of the archive cannot be read"),
        "{text}"
    );
    assert!(text.contains("nothing restored"), "{text}");
    assert!(text.contains(&format!("--id {entry}")), "{text}");
    assert_eq!(sandbox.count_of(&MUTATING), 0);
    assert_eq!(sandbox.get_row("run-1", "CYI"), None);

    // Chosen by id, the operator has looked: it goes back.
    sandbox
        .cyi()
        .args(["restore-row", "--id", &entry, "--yes"])
        .assert()
        .success();
    assert_eq!(sandbox.get_row("run-1", "CYI"), Some(original));
}

#[test]
fn an_attribute_added_between_read_and_delete_is_archived_and_restored() {
    let sandbox = sandbox_with_table();
    let shown = row("run-1", "CYI", "FAILED");
    sandbox.put_row(&shown);
    sandbox.set_faults(json!([{
        "operation": "DeleteItem",
        "kind": "before",
        "request": {
            "target": "DynamoDB_20120810.UpdateItem",
            "body": {
                "TableName": TABLE,
                "Key": {"Correlation_Id": {"S": "run-1"}, "DataProduct": {"S": "CYI"}},
                "UpdateExpression": "SET #a = :a",
                "ExpressionAttributeNames": {"#a": "Relaunch_Note"},
                "ExpressionAttributeValues": {":a": {"S": "written late"}}
            }
        }
    }]));

    let out = clear(&sandbox, "run-1").success();
    assert!(stderr(&out).contains("Relaunch_Note"), "{}", stderr(&out));
    assert_eq!(sandbox.get_row("run-1", "CYI"), None);
    let deletes = sandbox.calls_of("DeleteItem");
    assert_eq!(deletes[0].params["ReturnValues"], "ALL_OLD");
    let lines = archive_lines(&sandbox.archive_path());
    assert_eq!(
        lines[0]["item"].get("Relaunch_Note"),
        None,
        "the plan's copy"
    );
    assert_eq!(
        lines[1]["item"]["Relaunch_Note"],
        json!({"S": "written late"})
    );

    sandbox.set_faults(json!([]));
    sandbox
        .cyi()
        .args(["restore-row", "--correlation-id", "run-1", "--yes"])
        .assert()
        .success();
    let mut removed = shown;
    removed.insert("Relaunch_Note".into(), s("written late"));
    assert_eq!(sandbox.get_row("run-1", "CYI"), Some(removed));
}

#[test]
fn an_entry_is_not_restored_into_another_region_without_into() {
    let sandbox = sandbox_with_table();
    sandbox.put_row(&row("run-1", "CYI", "FAILED"));
    clear(&sandbox, "run-1").success();
    let line = archive_lines(&sandbox.archive_path())[0].clone();
    assert_eq!(line["region"], "eu-west-2");
    assert!(line["environment"].is_string() && line["account"].is_string());
    assert_eq!(line["table"], TABLE);
    sandbox.clear_calls();

    for extra in [&[][..], &["--into", "nowhere/1/eu-west-2/t"][..]] {
        let out = sandbox
            .cyi()
            .args(["restore-row", "--correlation-id", "run-1", "--yes"])
            .args(["--region", "us-east-1"])
            .args(extra)
            .assert()
            .code(1);
        let text = stderr(&out);
        assert!(
            text.contains("/eu-west-2/") && text.contains("/us-east-1/"),
            "{text}"
        );
        assert!(text.contains("--into"), "{text}");
    }
    assert_eq!(sandbox.count_of(&MUTATING), 0);
    assert!(sandbox.calls_of("GetItem").is_empty());
}

#[test]
fn a_status_in_another_case_next_to_a_live_cluster_is_refused() {
    let sandbox = sandbox_with_table();
    let cluster = sandbox.launch_cluster("cyi", &[]);
    for (id, status) in [("run-1", "in_progress"), ("run-2", "Running")] {
        let mut item = row(id, "CYI", status);
        item.insert("Cluster_Id".into(), s(&cluster));
        sandbox.put_row(&item);
        let out = clear(&sandbox, id).code(1);
        let text = stderr(&out);
        assert!(text.contains("a job is still running on it"), "{text}");
        assert!(text.contains(&format!("{status:?}")), "{text}");
        assert_eq!(sandbox.get_row(id, "CYI"), Some(item));
    }
    assert!(sandbox.calls_of("DeleteItem").is_empty());
    assert_eq!(sandbox.calls_of("DescribeCluster").len(), 2);
}

#[test]
fn restore_by_correlation_id_finds_an_interrupted_clear_and_says_so() {
    let sandbox = sandbox_with_table();
    let original = row("run-1", "CYI", "FAILED");
    sandbox.put_row(&original);
    // The delete goes through but its answer is lost: the retry finds the row gone,
    // so no outcome is recorded and the entry stays pending.
    sandbox.set_faults(json!([{"operation": "DeleteItem", "kind": "lose"}]));
    let out = clear(&sandbox, "run-1").code(1);
    assert!(
        stderr(&out).contains("the row is gone, but not certainly by this command"),
        "{}",
        stderr(&out)
    );
    sandbox.set_faults(json!([]));
    assert_eq!(list(&sandbox)["entries"][0]["outcome"], "pending");

    let out = sandbox
        .cyi()
        .args(["restore-row", "--correlation-id", "run-1", "--yes"])
        .assert()
        .success();
    assert!(stdout(&out).contains("pending"), "{}", stdout(&out));
    assert_eq!(sandbox.get_row("run-1", "CYI"), Some(original));
}

#[test]
fn rows_filter_statuses_in_any_case_and_show_unknown_ones_as_such() {
    let sandbox = sandbox_with_table();
    sandbox.put_row(&row("upper", "CYI", "IN_PROGRESS"));
    sandbox.put_row(&row("lower", "CYI", "in_progress"));
    sandbox.put_row(&row("odd", "CYI", "DONE"));
    sandbox.put_row(&row("failed", "CYI", "FAILED"));
    let out = sandbox
        .cyi()
        .args(["rows", "--status", "IN_PROGRESS", "--output", "json"])
        .assert()
        .success();
    let doc: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let mut ids: Vec<&str> = doc["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["correlation_id"].as_str().unwrap())
        .collect();
    ids.sort_unstable();
    assert_eq!(ids, ["lower", "upper"], "{doc}");
    let out = sandbox.cyi().args(["rows"]).assert().success();
    assert!(
        stdout(&out).contains("unknown \"DONE\""),
        "{}",
        stdout(&out)
    );
}

/// A disk that fills up mid-record (here: a file size limit, with SIGXFSZ ignored so
/// the write fails with EFBIG): the delete is not sent and the archive is left exactly
/// as it was, with no partial record.
#[cfg(target_os = "linux")]
#[test]
fn a_write_that_runs_out_of_space_leaves_no_partial_record_and_no_delete() {
    let sandbox = sandbox_with_table();
    sandbox.put_row(&row("run-1", "CYI", "FAILED"));
    clear(&sandbox, "run-1").success();
    let mut big = row("run-2", "CYI", "FAILED");
    big.insert("Padding".into(), s(&"p".repeat(4000)));
    sandbox.put_row(&big);
    let before = std::fs::read(sandbox.archive_path()).unwrap();
    sandbox.clear_calls();

    let cyi = sandbox.cyi_std();
    let mut cmd = std::process::Command::new("sh");
    cmd.arg("-c")
        .arg(r#"trap '' XFSZ; ulimit -f "$1"; shift; exec "$@""#)
        .arg("sh")
        // Room for the archive as it is plus part of a block: the new record is cut.
        .arg((before.len().div_ceil(512)).to_string())
        .arg(cyi.get_program())
        .args(["clear-row", "--correlation-id", "run-2", "--yes"])
        .current_dir(sandbox.home());
    for (name, value) in cyi.get_envs() {
        match value {
            Some(value) => cmd.env(name, value),
            None => cmd.env_remove(name),
        };
    }
    let out = cmd.output().unwrap();
    let text = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("cannot write the archive"), "{text}");
    assert!(text.contains("nothing was deleted"), "{text}");
    assert!(sandbox.calls_of("DeleteItem").is_empty());
    assert_eq!(sandbox.get_row("run-2", "CYI"), Some(big));
    let after = std::fs::read(sandbox.archive_path()).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&after),
        String::from_utf8_lossy(&before)
    );
    record_figure(
        "full-disk",
        json!({"runs": 1, "partial_records": 0, "deletes_sent": 0}),
    );
}
