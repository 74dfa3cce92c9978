//! What a value from outside can do to the shape of human output (issue 15 follow-up):
//! nothing. A cluster name, a tag or a row attribute holding ESC, `\u{9b}`, U+202E, a
//! newline and a tab leaves every table's columns where the header puts them, and a
//! newline-bearing value never prints a line of its own, in tables, plans, notes or
//! errors.

use crate::support::Sandbox;
use crate::support::raw_controls;
use crate::support::rows::{Item, n, s};

/// ESC and a one-byte CSI, a right-to-left override, then a newline and a tab that
/// would forge a line of `cyi clusters` and a column.
const HOSTILE: &str = "cyi\u{1b}[31m\u{9b}1m\u{202e}x\n  j-FAKE  TERMINATING\tfake";
/// The same value in a TOML basic string.
const HOSTILE_TOML: &str = "cyi\\u001b[31m\\u009b1m\\u202ex\\n  j-FAKE  TERMINATING\\tfake";
/// A Status and a cluster name that would each print a line an operator trusts.
const FORGED_STATUS: &str = "FAILED\nCleared row x";
const FORGED_NAME: &str = "cyi\n  j-FAKE  terminating";

fn cyi(sandbox: &Sandbox, args: &[&str]) -> (String, String) {
    let out = sandbox.cyi().args(args).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    for (stream, text) in [("stdout", &stdout), ("stderr", &stderr)] {
        let raw = raw_controls(text);
        assert!(raw.is_empty(), "{args:?} {stream}: raw {raw:?}\n{text}");
        assert!(!text.contains('\t'), "{args:?} {stream}: a raw tab\n{text}");
    }
    (stdout, stderr)
}

/// In the table whose header line holds `header`, every line holding `value` has it
/// where the header has `column`: the column after the hostile one did not move.
fn aligned(text: &str, header: &str, column: &str, value: &str) {
    let lines: Vec<&str> = text.lines().collect();
    let head = lines
        .iter()
        .position(|l| l.contains(header))
        .unwrap_or_else(|| panic!("no header {header:?} in\n{text}"));
    let at = lines[head].find(column).unwrap();
    let rows: Vec<&&str> = lines[head + 1..]
        .iter()
        .filter(|l| l.contains(value))
        .collect();
    assert!(!rows.is_empty(), "no row holding {value:?} in\n{text}");
    for line in rows {
        assert_eq!(line.find(value), Some(at), "{column} moved:\n{text}");
    }
}

/// A config file (not `./cyi.toml`, which every run would read) defining env `h`.
fn env_file(sandbox: &Sandbox, body: &str) -> std::path::PathBuf {
    let path = sandbox.home().join("hostile.toml");
    std::fs::write(&path, format!("[env.h]\n{body}\n")).unwrap();
    path
}

fn hostile_row(id: &str, status: &str, cluster: &str) -> Item {
    [
        ("Correlation_Id", s(id)),
        ("DataProduct", s("CYI")),
        ("Status", s(status)),
        ("CurrentStep", s("step-after")),
        ("Run_Id", n("1")),
        ("Date", s("2026-11-20")),
        ("Cluster_Id", s(cluster)),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

#[test]
fn hostile_values_leave_every_table_column_in_place() {
    let sandbox = Sandbox::start();
    sandbox.create_table();
    let tags = [("Correlation_Id", HOSTILE), ("export_date", "2026-11-20")];
    sandbox.launch_cluster(HOSTILE, &tags);
    sandbox.put_row(&hostile_row(HOSTILE, HOSTILE, "j-NONE"));
    let config = env_file(&sandbox, &format!("cluster_name = \"{HOSTILE_TOML}\""));
    let config = config.to_str().unwrap();
    let env = ["--config", config, "--env", "h"];
    let with = |args: &[&'static str]| [args, &env[..]].concat();

    let (clusters, _) = cyi(&sandbox, &with(&["clusters"]));
    aligned(&clusters, "NAME", "STATE", "WAITING");
    let (rows, _) = cyi(&sandbox, &with(&["rows"]));
    aligned(&rows, "STATUS", "CURRENT_STEP", "step-after");
    let (history, _) = cyi(&sandbox, &with(&["history"]));
    aligned(&history, "CORRELATION_ID", "EXPORT_DATE", "2026-11-20");
    let (plan, _) = cyi(&sandbox, &with(&["stop-clusters", "--dry-run"]));
    aligned(&plan, "NAME", "STATE", "WAITING");
    // The hostile tag is the CORRELATION_ID column; PROTECTED, the last, follows it.
    let head = plan.lines().find(|l| l.contains("PROTECTED")).unwrap();
    let target = plan.lines().find(|l| l.contains("WAITING")).unwrap();
    assert_eq!(target.rfind("no"), head.find("PROTECTED"), "{plan}");
    // The newline in the value made no line of its own, nor a second row.
    for text in [&clusters, &rows, &history, &plan] {
        assert!(
            !text.lines().any(|l| l.trim_start().starts_with("j-FAKE")),
            "a second line from one value:\n{text}"
        );
    }
}

#[test]
fn a_newline_in_a_value_never_forges_a_line() {
    let sandbox = Sandbox::start();
    sandbox.create_table();
    let cluster = sandbox.launch_cluster(FORGED_NAME, &[("Correlation_Id", "run-1")]);
    sandbox.launch_cluster("cyi", &[("Correlation_Id", FORGED_STATUS)]);
    sandbox.put_row(&hostile_row("run-1", FORGED_STATUS, &cluster));
    sandbox.put_row(&hostile_row(FORGED_STATUS, "IN_PROGRESS", "j-NONE"));
    let config = env_file(&sandbox, "cluster_name = \"cyi\\n  j-FAKE  terminating\"");
    let config = config.to_str().unwrap();
    let forged = |args: &[&str]| {
        let (stdout, stderr) = cyi(&sandbox, args);
        for line in stdout.lines().chain(stderr.lines()) {
            let line = line.trim();
            assert!(
                line != "Cleared row x"
                    && !line.starts_with("Cleared row x")
                    && !line.starts_with("j-FAKE"),
                "{args:?} printed a forged line {line:?}:\n{stdout}\n{stderr}"
            );
        }
    };
    for args in [
        &["rows"][..],
        &["status"],
        &["status", "--correlation-id", "run-1"],
        &["clusters"],
        &["clusters", "--config", config, "--env", "h"],
        &["history", "--config", config, "--env", "h"],
        &["stop-clusters", "--name-regex", "^cyi", "--dry-run"],
        &[
            "stop-clusters",
            "--config",
            config,
            "--env",
            "h",
            "--dry-run",
        ],
        &[
            "clear-row",
            "--correlation-id",
            "run-1",
            "--dry-run",
            "--force",
        ],
        // Errors quoting the value, from cyi and from its input.
        &["clear-row", "--correlation-id", "none\nCleared row x"],
        &["status", "--correlation-id", "none\nCleared row x"],
        &["restart", "--correlation-id", "run-1", "--dry-run"],
    ] {
        forged(args);
    }
    // Through the archive and back.
    sandbox
        .cyi()
        .args(["clear-row", "--correlation-id", "run-1", "--yes", "--force"])
        .assert()
        .success();
    forged(&["restore-row", "--list"]);
    forged(&["restore-row", "--correlation-id", "run-1", "--dry-run"]);
}
