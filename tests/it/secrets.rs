//! Security: no secret value ever reaches an output, and no shell is ever invoked.
//!
//! Every command runs, with `-v` and in both output formats, in a world seeded with a
//! random metastore password and random AWS credentials (secret key and session
//! token); stdout, stderr and the archive file are scanned for all three.

use std::path::Path;

use crate::support::Sandbox;
use crate::support::reliability::{record_figure, reliability_doc};
use crate::support::rows::row;
use crate::support::start::{EXPORT_DATE, INPUT_BUCKET, fixture, random_password, world};
use serde_json::json;

/// The command lines run by the scan; `{cfg}` is the cluster config fixture. Each runs
/// twice: as a table and with `--output json`, both with `-v`.
const COMMANDS: &[&[&str]] = &[
    &["clusters"],
    &["rows"],
    &[
        "start-cluster",
        "--export-date",
        EXPORT_DATE,
        "--correlation-id",
        "run-2",
        "--input-bucket",
        INPUT_BUCKET,
        "--cluster-config",
        "{cfg}",
        "--dry-run",
    ],
    &[
        "start-cluster",
        "--export-date",
        EXPORT_DATE,
        "--correlation-id",
        "run-{format}",
        "--input-bucket",
        INPUT_BUCKET,
        "--cluster-config",
        "{cfg}",
        "--yes",
    ],
    &[
        "start-cluster",
        "--export-date",
        EXPORT_DATE,
        "--correlation-id",
        "run-{format}",
        "--input-bucket",
        INPUT_BUCKET,
        "--cluster-config",
        "{cfg}",
        "--yes",
    ],
    &["clear-row", "--correlation-id", "old-{format}", "--dry-run"],
    &["clear-row", "--correlation-id", "old-{format}", "--yes"],
    &["restore-row", "--list"],
    &["restore-row", "--correlation-id", "old-{format}", "--yes"],
    &["stop-clusters", "--dry-run"],
    &["stop-clusters", "--yes", "--wait", "--timeout", "30"],
    &["stop-clusters", "--cluster-id", "j-NOSUCHCLUSTER", "--yes"],
];

const FORMATS: [&str; 2] = ["table", "json"];

#[test]
fn no_secret_reaches_any_output_trace_or_archive() {
    let sandbox = Sandbox::start();
    let world = world(&sandbox);
    let secret_key = format!("sk-{}", random_password());
    let session_token = format!("st-{}", random_password());
    for format in FORMATS {
        sandbox.put_row(&row(&format!("old-{format}"), "CYI", "FAILED"));
    }
    sandbox.launch_cluster("cyi", &[]);
    sandbox.clear_calls();
    let config = fixture("cluster-config");
    let secrets = [
        world.password.as_str(),
        secret_key.as_str(),
        session_token.as_str(),
    ];

    let mut runs = 0;
    let mut bytes = 0;
    let mut leaks = Vec::new();
    let mut codes = Vec::new();
    for format in FORMATS {
        for command in COMMANDS {
            let args: Vec<String> = command
                .iter()
                .map(|a| {
                    a.replace("{cfg}", config.to_str().unwrap())
                        .replace("{format}", format)
                })
                .collect();
            let out = sandbox
                .cyi()
                .env("AWS_SECRET_ACCESS_KEY", &secret_key)
                .env("AWS_SESSION_TOKEN", &session_token)
                .args(&args)
                .args(["-v", "--output", format])
                .output()
                .unwrap();
            runs += 1;
            codes.push((args.join(" "), format, out.status.code()));
            for (stream, text) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
                let text = String::from_utf8_lossy(text);
                bytes += text.len();
                for secret in secrets {
                    if text.contains(secret) {
                        leaks.push(format!("{} --output {format}: {stream}", args.join(" ")));
                    }
                }
            }
            let stderr = String::from_utf8_lossy(&out.stderr);
            // restore-row --list reads only the local archive.
            if args[0] != "restore-row" || args[1] != "--list" {
                assert!(
                    stderr.contains("aws → "),
                    "{args:?}: -v traced nothing: {stderr}"
                );
            }
        }
    }
    let archive = std::fs::read_to_string(sandbox.archive_path()).unwrap();
    bytes += archive.len();
    for secret in secrets {
        if archive.contains(secret) {
            leaks.push("the archive".to_owned());
        }
    }
    assert!(leaks.is_empty(), "secrets leaked into: {leaks:?}");
    // The scan means something only if the commands did their work.
    let expected_codes = [0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1];
    for (n, (args, format, code)) in codes.iter().enumerate() {
        assert_eq!(
            *code,
            Some(expected_codes[n % COMMANDS.len()]),
            "{args} --output {format}"
        );
    }
    // The password did reach EMR: the scan looked for a value that was really used.
    let sent = sandbox.calls_of("RunJobFlow");
    assert_eq!(sent.len(), 2);
    assert!(sent[0].params.to_string().contains(&world.password));
    record_figure(
        "secrets",
        json!({"runs": runs, "bytes_scanned": bytes, "secrets": secrets.len(), "leaks": leaks.len()}),
    );
}

/// Every `.rs` file under `dir`, recursively.
fn sources(dir: &Path, found: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

#[test]
fn the_program_never_starts_a_process_or_a_shell() {
    let mut files = Vec::new();
    sources(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    assert!(files.len() > 10, "{files:?}");
    let forbidden = [
        "std::process::Command",
        "process::Command",
        "Command::new(",
        "tokio::process",
        "\"/bin/sh\"",
        "Command::new(\"sh\"",
        "Command::new(\"bash\"",
        "libc::system",
    ];
    let mut found = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for needle in forbidden {
            if text.contains(needle) {
                found.push(format!("{}: {needle}", file.display()));
            }
        }
    }
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn reliability_doc_states_the_secret_scan() {
    let line = format!(
        "| Command runs scanned for 3 seeded secrets (tests/it/secrets.rs) | {} | leaks found: 0 |",
        COMMANDS.len() * FORMATS.len()
    );
    assert!(
        reliability_doc().contains(&line),
        "docs/RELIABILITY.md must contain\n{line}"
    );
}
