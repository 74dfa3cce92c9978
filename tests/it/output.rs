//! What a script sees on stdout: a closed pipe ends a command quietly, a failure with
//! `--output json` is still one JSON document, and a config path that is not a regular
//! file is refused instead of hanging.

use std::process::Stdio;
use std::time::Duration;

use serde_json::{Value, json};

use crate::support::Sandbox;
use crate::support::reliability::{finish, record_figure};
use crate::support::rows::row;

/// Every subcommand, with arguments that work against a seeded sandbox.
const COMMANDS: &[&[&str]] = &[
    &["--help"],
    &["rows", "--help"],
    &["completions", "bash"],
    &["completions", "fish"],
    &["clusters"],
    &["rows"],
    &["status"],
    &["status", "--correlation-id", "run-1"],
    &["stop-clusters", "--dry-run"],
    &["clear-row", "--correlation-id", "run-1", "--dry-run"],
    &["restore-row", "--list"],
    &["restart", "--correlation-id", "run-1", "--dry-run"],
    &[
        "start-cluster",
        "--export-date",
        "2021-04-01",
        "--correlation-id",
        "r2",
        "--dry-run",
    ],
];

/// Runs `cyi ARGS` with stdout open or already closed; returns (code, stderr).
fn run(sandbox: &Sandbox, args: &[&str], closed: bool) -> (Option<i32>, String) {
    let mut child = sandbox
        .cyi_std()
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if closed {
        // The reader goes away before cyi writes anything, as `cyi … | head -0` would.
        drop(child.stdout.take());
    }
    let out = finish(child, Duration::from_secs(60));
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_closed_stdout_ends_every_command_as_an_open_one_would_never_with_a_panic() {
    let sandbox = Sandbox::start();
    sandbox.create_table();
    sandbox.put_row(&row("run-1", "CYI", "FAILED"));
    sandbox.launch_cluster("cyi", &[("Correlation_Id", "run-1")]);
    let mut runs = 0;
    for args in COMMANDS {
        for json in [false, true] {
            let mode: &[&str] = if json { &["--output", "json"] } else { &[] };
            let args: Vec<&str> = mode.iter().chain(args.iter()).copied().collect();
            let (open_code, open_err) = run(&sandbox, &args, false);
            let (closed_code, closed_err) = run(&sandbox, &args, true);
            for text in [&open_err, &closed_err] {
                assert!(!text.contains("panicked"), "{args:?}: {text}");
                assert!(!text.contains("Broken pipe"), "{args:?}: {text}");
            }
            assert_ne!(closed_code, Some(101), "{args:?}: {closed_err}");
            if open_code == Some(0) {
                assert_eq!(closed_code, Some(0), "{args:?}: {closed_err}");
            }
            runs += 1;
        }
    }
    assert_eq!(runs, COMMANDS.len() * 2);
    record_figure(
        "closed-stdout",
        json!({"commands": COMMANDS.len(), "runs": runs, "panics": 0}),
    );
}

fn json_error(sandbox: &Sandbox, args: &[&str]) -> (i32, Value, String) {
    let out = sandbox.cyi().args(args).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let doc: Value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{args:?}: {e}: {stdout:?}"));
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    (out.status.code().unwrap(), doc, stderr)
}

#[test]
fn with_output_json_a_failure_is_one_error_document_on_stdout() {
    let sandbox = Sandbox::start();
    let (code, doc, stderr) = json_error(
        &sandbox,
        &["--output", "json", "clusters", "--region", "eu-west2"],
    );
    assert_eq!(code, 2);
    assert_eq!(doc["error"]["code"], "usage");
    assert_eq!(doc["error"]["exit_code"], 2);
    assert!(
        doc["error"]["message"]
            .as_str()
            .unwrap()
            .contains("--region 'eu-west2'"),
        "{doc}"
    );
    assert!(stderr.starts_with("error: --region 'eu-west2'"), "{stderr}");

    // A refusal after AWS was asked: no table, so the row cannot be read.
    let (code, doc, stderr) = json_error(
        &sandbox,
        &[
            "clear-row",
            "--correlation-id",
            "run-1",
            "--yes",
            "--output",
            "json",
        ],
    );
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(doc["error"]["exit_code"], 1);
    assert!(doc["error"]["message"].is_string(), "{doc}");
    assert!(doc["error"].get("hint").is_some(), "{doc}");
    assert!(stderr.contains("error: "), "{stderr}");
}

fn refused_config(sandbox: &Sandbox, args: &[&str]) -> String {
    let child = sandbox
        .cyi_std()
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let out = finish(child, Duration::from_secs(20));
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    stderr
}

#[test]
fn a_config_path_that_is_not_a_regular_file_is_refused_with_exit_2() {
    let sandbox = Sandbox::start();
    let fifo = sandbox.home().join("fifo.toml");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let fifo_text = fifo.display().to_string();
    let stderr = refused_config(&sandbox, &["--config", &fifo_text, "clusters"]);
    assert!(
        stderr.contains(&fifo_text) && stderr.contains("not a regular file"),
        "{stderr}"
    );
    let stderr = refused_config(&sandbox, &["--config", "/dev/zero", "rows"]);
    assert!(
        stderr.contains("/dev/zero") && stderr.contains("not a regular file"),
        "{stderr}"
    );
    let dir = sandbox.home().display().to_string();
    let stderr = refused_config(&sandbox, &["--config", &dir, "clusters"]);
    assert!(stderr.contains("is a directory"), "{stderr}");
    assert!(sandbox.calls().is_empty(), "{:?}", sandbox.calls());
}

#[test]
fn a_dangling_link_at_a_default_config_place_is_an_error_naming_both() {
    let sandbox = Sandbox::start();
    let link = sandbox.home().join("cyi.toml");
    std::os::unix::fs::symlink("/nowhere/cyi.toml", &link).unwrap();
    let stderr = refused_config(&sandbox, &["stop-clusters", "--yes"]);
    assert!(
        stderr.contains("cyi.toml: is a symbolic link to /nowhere/cyi.toml, which does not exist"),
        "{stderr}"
    );
    std::fs::remove_file(&link).unwrap();
    let user = sandbox.home().join("config/cyi/config.toml");
    std::fs::create_dir_all(user.parent().unwrap()).unwrap();
    std::os::unix::fs::symlink("/nowhere/user.toml", &user).unwrap();
    let stderr = refused_config(&sandbox, &["clusters"]);
    assert!(stderr.contains(&user.display().to_string()), "{stderr}");
    assert!(stderr.contains("/nowhere/user.toml"), "{stderr}");
    assert!(sandbox.calls().is_empty(), "{:?}", sandbox.calls());
}

#[test]
fn with_output_json_a_command_line_that_does_not_parse_is_an_error_document_too() {
    let sandbox = Sandbox::start();
    let (code, doc, stderr) =
        json_error(&sandbox, &["rows", "--output", "json", "--status", "DONE"]);
    assert_eq!(code, 2);
    assert_eq!(doc["error"]["code"], "usage");
    assert!(
        doc["error"]["message"].as_str().unwrap().contains("DONE"),
        "{doc}"
    );
    assert!(stderr.contains("error: invalid value 'DONE'"), "{stderr}");
    // Help is not an error, in any mode.
    let out = sandbox
        .cyi()
        .args(["--output", "json", "rows", "--help"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("List the data product"));
}
