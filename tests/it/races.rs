//! Races and data safety: concurrent clear-row runs for one row, and a clear killed
//! between its archive write and its delete. Effects are checked through the API and
//! the archive file itself.
//!
//! Covered elsewhere, not repeated here:
//! - a row rewritten between show and delete is not deleted:
//!   tests/it/clear_row.rs `a_row_changed_between_read_and_delete_is_not_deleted`;
//! - concurrent start-cluster runs for one correlation id launch one cluster:
//!   tests/it/start_cluster.rs `concurrent_starts_for_one_id_launch_one_cluster`.

use std::time::Duration;

use crate::support::Sandbox;
use crate::support::reliability::{finish, record_figure, reliability_doc};
use crate::support::rows::{archive_lines, row};
use serde_json::{Value, json};

/// Rounds of concurrent clears, and clears per round.
const ROUNDS: usize = 4;
const CLEARS_PER_ROUND: usize = 3;

/// The races this file runs: the concurrent-clear rounds and the kill between archive
/// and delete. (The two tests referenced above add 2 more in docs/RELIABILITY.md.)
const RACES_HERE: usize = ROUNDS + 1;

fn sandbox_with_table() -> Sandbox {
    let sandbox = Sandbox::start();
    sandbox.create_table();
    sandbox
}

fn applied_deletions(archive: &[Value]) -> Vec<&Value> {
    archive
        .iter()
        .filter(|l| l["event"] == "outcome" && l["applied"] == true)
        .collect()
}

#[test]
fn concurrent_clears_of_one_row_delete_it_once_and_archive_one_deletion() {
    let sandbox = sandbox_with_table();
    let mut lost = 0;
    let mut overlapped = 0;
    for round in 0..ROUNDS {
        let id = format!("run-{round}");
        let original = row(&id, "CYI", "FAILED");
        sandbox.put_row(&original);
        let archive = sandbox.home().join(format!("archive-{round}.jsonl"));
        let children: Vec<_> = (0..CLEARS_PER_ROUND)
            .map(|_| {
                sandbox
                    .cyi_piped()
                    .args(["clear-row", "--correlation-id", &id, "--yes", "--archive"])
                    .arg(&archive)
                    .spawn()
                    .unwrap()
            })
            .collect();
        let outputs: Vec<_> = children
            .into_iter()
            .map(|c| finish(c, Duration::from_secs(60)))
            .collect();

        let mut winners = 0;
        for out in &outputs {
            let stderr = String::from_utf8_lossy(&out.stderr);
            match out.status.code() {
                Some(0) => winners += 1,
                Some(1)
                    if stderr.contains("the row changed since it was shown; nothing deleted") =>
                {
                    overlapped += 1;
                }
                Some(1) if stderr.contains("no row with Correlation_Id") => {}
                Some(1)
                    if stderr.contains("the row is gone, but not certainly by this command") =>
                {
                    overlapped += 1;
                }
                other => panic!("round {round}: exit {other:?}: {stderr}"),
            }
        }
        assert_eq!(winners, 1, "round {round}: {outputs:?}");
        assert!(sandbox.get_row(&id, "CYI").is_none());
        let lines = archive_lines(&archive);
        let applied = applied_deletions(&lines);
        assert_eq!(applied.len(), 1, "round {round}: {lines:?}");
        // The applied deletion's own clear record holds the row as it was.
        let clear = lines
            .iter()
            .find(|l| l["event"] == "clear" && l["id"] == applied[0]["id"])
            .expect("the deletion's copy");
        if clear["item"]["Status"]["S"] != "FAILED"
            || clear["item"]["Correlation_Id"]["S"] != id.as_str()
        {
            lost += 1;
        }
    }
    assert_eq!(lost, 0);
    record_figure(
        "races-concurrent-clear",
        json!({
            "rounds": ROUNDS,
            "clears_per_round": CLEARS_PER_ROUND,
            "lost_by_condition": overlapped,
            "deleted_twice": 0,
            "data_lost": lost,
        }),
    );
}

#[test]
fn a_clear_killed_between_archive_and_delete_leaves_the_row_and_its_copy() {
    let sandbox = sandbox_with_table();
    let original = row("run-1", "CYI", "FAILED");
    sandbox.put_row(&original);
    // The delete never reaches moto: the process is killed while it waits.
    sandbox.set_faults(json!([{"operation": "DeleteItem", "kind": "hang", "times": -1}]));
    let mut child = sandbox
        .cyi_piped()
        .args(["clear-row", "--correlation-id", "run-1", "--yes"])
        .spawn()
        .unwrap();
    sandbox.wait_for_calls("DeleteItem", 1, Duration::from_secs(30));
    child.kill().unwrap(); // SIGKILL: no handler, no cleanup.
    child.wait().unwrap();
    sandbox.set_faults(json!([]));

    let lines = archive_lines(&sandbox.archive_path());
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0]["event"], "clear");
    assert_eq!(
        crate::support::rows::archive_lines(&sandbox.archive_path())[0]["item"]["CurrentStep"]["S"],
        "create-hive-tables"
    );
    assert_eq!(sandbox.get_row("run-1", "CYI"), Some(original));
    let out = sandbox
        .cyi()
        .args(["restore-row", "--list", "--output", "json"])
        .assert()
        .success();
    let doc: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(doc["entries"][0]["outcome"], "pending", "{doc}");
    record_figure(
        "races-kill-between-archive-and-delete",
        json!({"runs": 1, "archived_before_delete": 1, "data_lost": 0}),
    );
}

#[test]
fn reliability_doc_states_the_races() {
    let line = format!(
        "| Races run (tests/it/races.rs, plus 2 in tests/it/clear_row.rs and tests/it/start_cluster.rs) | {} | data lost: 0 |",
        RACES_HERE + 2
    );
    assert!(
        reliability_doc().contains(&line),
        "docs/RELIABILITY.md must contain\n{line}"
    );
}
