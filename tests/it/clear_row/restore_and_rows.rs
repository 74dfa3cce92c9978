//! restore-row over an existing row, and `cyi rows` across Scan pages.

use super::{MUTATING, sandbox_with_table, stderr, stdout};
use crate::support::rows::{n, row, s};
use serde_json::Value;

#[test]
fn restore_refuses_over_an_existing_row_and_shows_both() {
    let sandbox = sandbox_with_table();
    sandbox.put_row(&row("run-1", "CYI", "FAILED"));
    sandbox
        .cyi()
        .args(["clear-row", "--correlation-id", "run-1", "--yes"])
        .assert()
        .success();
    let mut newer = row("run-1", "CYI", "IN_PROGRESS");
    newer.insert("Run_Id".into(), n("7"));
    sandbox.put_row(&newer);
    sandbox.clear_calls();
    let out = sandbox
        .cyi()
        .args(["restore-row", "--correlation-id", "run-1", "--yes"])
        .assert()
        .code(1);
    let text = stdout(&out);
    assert!(
        text.contains("IN_PROGRESS") && text.contains("FAILED"),
        "{text}"
    );
    assert!(text.contains("exists now"), "{text}");
    assert!(stderr(&out).contains("a row with this key exists now; nothing restored"));
    assert_eq!(sandbox.count_of(&MUTATING), 0);
    assert_eq!(sandbox.get_row("run-1", "CYI"), Some(newer));
}

#[test]
fn rows_lists_the_data_product_newest_first_across_pages() {
    let sandbox = sandbox_with_table();
    // Items near the 400 KB limit make moto's 1 MB Scan pages hold only a few.
    let padding = "p".repeat(300_000);
    let mut expected = Vec::new();
    for day in 1..=6 {
        let id = format!("run-{day}");
        let mut item = row(
            &id,
            "CYI",
            if day % 2 == 0 { "FAILED" } else { "COMPLETED" },
        );
        item.insert("Date".into(), s(&format!("2021-04-0{day}")));
        item.insert("Padding".into(), s(&padding));
        sandbox.put_row(&item);
        expected.insert(0, id);
    }
    sandbox.put_row(&row("other-product", "OTHER", "FAILED"));
    sandbox.clear_calls();

    let out = sandbox
        .cyi()
        .args(["rows", "--output", "json"])
        .assert()
        .success();
    let doc: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let listed: Vec<&str> = doc["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["correlation_id"].as_str().unwrap())
        .collect();
    assert_eq!(listed, expected);
    assert_eq!(doc["rows"][0]["run_id"], 2);
    assert_eq!(doc["rows"][0]["status"], "FAILED");
    assert_eq!(doc["data_product"], "CYI");
    let scans = sandbox.calls_of("Scan");
    assert!(
        scans.len() >= 2,
        "expected several pages, got {}",
        scans.len()
    );
    assert!(scans[1].params["ExclusiveStartKey"].is_object());
    assert_eq!(sandbox.count_of(&MUTATING), 0);

    let out = sandbox
        .cyi()
        .args(["rows", "--status", "FAILED"])
        .assert()
        .success();
    let text = stdout(&out);
    for id in ["run-6", "run-4", "run-2"] {
        assert!(text.contains(id), "{id} missing from\n{text}");
    }
    assert!(
        !text.contains("run-5") && !text.contains("other-product"),
        "{text}"
    );
    assert!(
        text.find("run-6").unwrap() < text.find("run-2").unwrap(),
        "{text}"
    );
    assert!(text.contains("3 FAILED rows"), "{text}");
}

#[test]
fn the_restore_command_a_clear_suggests_works_as_pasted() {
    let sandbox = sandbox_with_table();
    sandbox.write_config(
        "default_env = \"dev\"\n[env.dev]\nregion = \"eu-west-2\"\n[env.night-ops]\nregion = \"eu-west-2\"\n",
    );
    let original = row("run-1", "CYI", "FAILED");
    sandbox.put_row(&original);
    let archive = sandbox.home().join("kept rows/archive.jsonl");
    let out = sandbox
        .cyi()
        .args([
            "--env",
            "night-ops",
            "clear-row",
            "--correlation-id",
            "run-1",
        ])
        .arg("--archive")
        .arg(&archive)
        .arg("--yes")
        .assert()
        .success();
    let text = stdout(&out);
    let suggested = text
        .lines()
        .find_map(|l| {
            l.split_once("to put the row back: ")
                .map(|(_, c)| c.to_owned())
        })
        .unwrap_or_else(|| panic!("no restore command: {text}"));
    // It names the environment and the archive that are not the defaults...
    assert!(
        suggested.starts_with("cyi --env night-ops restore-row --id "),
        "{suggested}"
    );
    assert!(suggested.contains("--archive '"), "{suggested}");
    assert!(sandbox.get_row("run-1", "CYI").is_none());
    // ...and, pasted as it is, it puts the row back.
    let words = shlex::split(&suggested).unwrap();
    assert_eq!(words[0], "cyi");
    sandbox
        .cyi()
        .args(&words[1..])
        .arg("--yes")
        .assert()
        .success();
    assert_eq!(sandbox.get_row("run-1", "CYI"), Some(original));
}
