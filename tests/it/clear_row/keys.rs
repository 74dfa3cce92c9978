//! clear-row's key handling: awkward correlation ids reach exactly their row, bad keys
//! are usage errors before any call, and a missing row is a failure unless --if-exists.

use super::{MUTATING, sandbox_with_table, stderr, stdout};
use crate::support::rows::{archive_lines, row};

#[test]
fn awkward_ids_hit_exactly_their_row() {
    let sandbox = sandbox_with_table();
    let long = "x".repeat(2048);
    let awkward = [
        "a\"b",
        "it's",
        "$(touch pwned)",
        "two words",
        "line\nbreak",
        "ünïcødé-日本",
        long.as_str(),
    ];
    let neighbours = [
        "a",
        "b",
        "a\\\"b",
        "it",
        "its",
        "s",
        "$(touch",
        "two",
        "words",
        "two  words",
        "line",
        "break",
        "line\\nbreak",
        "line break",
        "ünïcødé",
        "日本",
        "unicode-日本",
    ];
    for id in awkward.iter().chain(&neighbours) {
        sandbox.put_row(&row(id, "CYI", "FAILED"));
        // The same correlation id under another data product is another row.
        sandbox.put_row(&row(id, "OTHER", "FAILED"));
    }
    let mut expected = sandbox.all_keys();
    for id in awkward {
        sandbox
            .cyi()
            .args(["clear-row", "--correlation-id", id, "--yes"])
            .assert()
            .success();
        expected.retain(|(c, p)| !(c == id && p == "CYI"));
        assert_eq!(sandbox.all_keys(), expected, "clearing {id:?}");
    }
    assert!(!sandbox.home().join("pwned").exists());
    assert_eq!(sandbox.calls_of("DeleteItem").len(), awkward.len());

    // The archive finds them again exactly, too.
    for id in ["line\nbreak", "a\"b"] {
        sandbox
            .cyi()
            .args(["restore-row", "--correlation-id", id, "--yes"])
            .assert()
            .success();
        assert!(sandbox.get_row(id, "CYI").is_some(), "{id:?} not restored");
    }
    assert_eq!(sandbox.all_keys().len(), expected.len() + 2);

    // --data-product picks the other row of the same correlation id.
    sandbox
        .cyi()
        .args([
            "clear-row",
            "--correlation-id",
            "it's",
            "--data-product",
            "OTHER",
            "--yes",
        ])
        .assert()
        .success();
    assert!(sandbox.get_row("it's", "OTHER").is_none());
    assert!(sandbox.get_row("its", "OTHER").is_some());
}

#[test]
fn empty_or_overlong_keys_are_usage_errors_with_no_call() {
    let sandbox = sandbox_with_table();
    let too_long = "x".repeat(2049);
    sandbox.clear_calls();
    for args in [
        vec!["clear-row", "--correlation-id", ""],
        vec![
            "clear-row",
            "--correlation-id",
            "run-1",
            "--data-product",
            "",
        ],
        vec!["clear-row", "--correlation-id", too_long.as_str()],
        vec!["restore-row", "--correlation-id", ""],
        vec!["rows", "--data-product", ""],
    ] {
        let out = sandbox.cyi().args(&args).arg("--yes").assert().code(2);
        let err = stderr(&out);
        assert!(
            err.contains("--correlation-id") || err.contains("--data-product"),
            "{err}"
        );
    }
    assert!(sandbox.calls().is_empty(), "{:?}", sandbox.calls());
}

#[test]
fn a_missing_row_is_a_failure_unless_if_exists() {
    let sandbox = sandbox_with_table();
    sandbox.put_row(&row("run-1", "OTHER", "FAILED"));
    sandbox.clear_calls();
    let out = sandbox
        .cyi()
        .args(["clear-row", "--correlation-id", "run-1", "--yes"])
        .assert()
        .code(1);
    assert!(
        stderr(&out).contains("no row with Correlation_Id \"run-1\" and DataProduct \"CYI\""),
        "{}",
        stderr(&out)
    );
    assert!(stdout(&out).is_empty(), "lists nothing: {}", stdout(&out));
    let out = sandbox
        .cyi()
        .args([
            "clear-row",
            "--correlation-id",
            "run-1",
            "--yes",
            "--if-exists",
        ])
        .assert()
        .success();
    assert!(
        stdout(&out).contains("Nothing to clear"),
        "{}",
        stdout(&out)
    );
    assert_eq!(sandbox.count_of(&MUTATING), 0);
    assert!(archive_lines(&sandbox.archive_path()).is_empty());
}

#[test]
fn a_suggested_command_acts_where_the_command_that_suggested_it_acted() {
    let sandbox = sandbox_with_table();
    sandbox.write_config(
        "default_env = \"dev\"\n[env.dev]\nregion = \"eu-west-2\"\n[env.prod-2]\nregion = \"eu-west-2\"\n",
    );
    let missing = ["clear-row", "--correlation-id", "nope", "--yes"];
    // Chosen by --env or by CYI_ENV: the suggestion names it, so pasting it cannot act
    // on the default environment instead. The config's default needs nothing repeated.
    let cases: [(&[&str], Option<&str>, &str); 4] = [
        (&["--env", "prod-2"], None, "cyi --env prod-2 rows"),
        (&[], Some("prod-2"), "cyi --env prod-2 rows"),
        (
            &["--region", "eu-west-2"],
            None,
            "cyi --region eu-west-2 rows",
        ),
        (&[], None, "cyi rows"),
    ];
    for (options, cyi_env, suggested) in cases {
        let mut cmd = sandbox.cyi();
        if let Some(name) = cyi_env {
            cmd.env("CYI_ENV", name);
        }
        let out = cmd.args(options).args(missing).assert().code(1);
        let err = stderr(&out);
        let hint = err
            .lines()
            .find(|l| l.starts_with("hint:"))
            .unwrap_or_default();
        assert!(
            hint.starts_with(&format!("hint: `{suggested}` lists")),
            "{options:?} {cyi_env:?}: {err}"
        );
    }
}
