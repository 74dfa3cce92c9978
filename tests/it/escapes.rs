//! Terminal escape injection (issue 15, item 4): values from outside (row attribute
//! names and values, cluster names, tag values, step names from the launcher config,
//! archive entries, error messages quoting input, the `-v` trace) reach human output
//! only as visible escapes, in every command; JSON output keeps them exact.

use serde_json::{Value, json};

use crate::support::Sandbox;
use crate::support::raw_controls;
use crate::support::reliability::record_figure;
use crate::support::rows::{Item, n, s};
use crate::support::start::{EXPORT_DATE, INPUT_BUCKET, fixture, world};

const STATUS: &str = "FAILED\u{1b}[2J\u{1b}[H";
const CLIPBOARD: &str = "\u{1b}]52;c;cm0gLXJmIH4=\u{7}";
const CSI_NAME: &str = "cyi\u{9b}2J";
const BIDI: &str = "log\u{202e}txt.exe";
const ATTRIBUTE: &str = "Note\u{1b}]0;owned\u{7}";

struct Scan {
    runs: usize,
    found: Vec<String>,
}

impl Scan {
    fn run(&mut self, sandbox: &Sandbox, args: &[&str]) -> (String, String) {
        let out = sandbox.cyi().args(args).output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        self.runs += 1;
        for (stream, text) in [("stdout", &stdout), ("stderr", &stderr)] {
            let raw = raw_controls(text);
            if !raw.is_empty() {
                self.found
                    .push(format!("{args:?} {stream}: {raw:?}\n{text}"));
            }
        }
        (stdout, stderr)
    }
}

fn hostile_config(dir: &std::path::Path) {
    for entry in std::fs::read_dir(fixture("cluster-config")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.join(entry.file_name())).unwrap();
    }
    // YAML's own escapes put the raw characters into the parsed values.
    let steps = std::fs::read_to_string(dir.join("steps.yaml")).unwrap();
    let steps = steps.replacen("- Name: ", "- Name: \"\\e[2J\\u009b1m\" # was ", 1);
    std::fs::write(dir.join("steps.yaml"), steps).unwrap();
    let cluster = std::fs::read_to_string(dir.join("cluster.yaml")).unwrap();
    std::fs::write(
        dir.join("cluster.yaml"),
        format!("{cluster}\nTags:\n- Key: Owner\n  Value: \"\\e]52;c;eA==\\a\"\n"),
    )
    .unwrap();
}

#[test]
fn hostile_values_reach_human_output_only_escaped_and_json_exactly() {
    let sandbox = Sandbox::start();
    let _world = world(&sandbox);
    let cluster =
        sandbox.launch_cluster("cyi", &[("Correlation_Id", "run-1"), ("Owner", CLIPBOARD)]);
    sandbox.launch_cluster(CSI_NAME, &[("Correlation_Id", BIDI)]);
    let row: Item = [
        ("Correlation_Id", s("run-1")),
        ("DataProduct", s("CYI")),
        ("Status", s(STATUS)),
        ("CurrentStep", s(BIDI)),
        ("Run_Id", n("1")),
        ("Date", s(EXPORT_DATE)),
        ("Cluster_Id", s(&cluster)),
        (ATTRIBUTE, s(CLIPBOARD)),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    sandbox.put_row(&row);
    let config = tempfile::tempdir().unwrap();
    hostile_config(config.path());
    let config_arg = config.path().to_str().unwrap();

    let mut scan = Scan {
        runs: 0,
        found: Vec::new(),
    };
    // An environment whose product clusters have the hostile name.
    let toml = config.path().join("hostile.toml");
    std::fs::write(&toml, "[env.h]\ncluster_name = \"cyi\\u009b2J\"\n").unwrap();
    let toml = toml.to_str().unwrap();
    let (clusters, _) = scan.run(&sandbox, &["clusters", "--config", toml, "--env", "h"]);
    assert!(clusters.contains("\\u{9b}2J"), "{clusters}");
    scan.run(
        &sandbox,
        &["clusters", "--config", toml, "--env", "h", "-v"],
    );
    let (rows, _) = scan.run(&sandbox, &["rows"]);
    assert!(rows.contains("FAILED\\") && rows.contains("[2J"), "{rows}");
    let (status, _) = scan.run(&sandbox, &["status", "--correlation-id", "run-1"]);
    assert!(status.contains("[2J"), "{status}");
    scan.run(
        &sandbox,
        &["stop-clusters", "--name-regex", "^cyi", "--dry-run"],
    );
    // No terminal to ask on: the plan is shown, then refused.
    scan.run(&sandbox, &["stop-clusters", "--name-regex", "^cyi"]);
    scan.run(
        &sandbox,
        &["clear-row", "--correlation-id", "run-1", "--dry-run"],
    );
    scan.run(
        &sandbox,
        &[
            "start-cluster",
            "--export-date",
            EXPORT_DATE,
            "--correlation-id",
            "run-2",
            "--input-bucket",
            INPUT_BUCKET,
            "--cluster-config",
            config_arg,
            "--dry-run",
        ],
    );
    // Errors that quote their input, from cyi, from clap and from AWS.
    scan.run(
        &sandbox,
        &["clear-row", "--correlation-id", "none\u{1b}[2J"],
    );
    scan.run(&sandbox, &["rows", "--env", "prod\u{9b}2J"]);
    scan.run(
        &sandbox,
        &["status", "--correlation-id", "x\u{1b}]52;c;eA==\u{7}"],
    );
    scan.run(&sandbox, &["stop-clusters", "--cluster-id", "j-\u{1b}[2J"]);
    scan.run(
        &sandbox,
        &[
            "start-cluster",
            "--export-date",
            EXPORT_DATE,
            "--correlation-id",
            "run-3",
            "--input-bucket",
            "bucket\u{202e}",
            "--cluster-config",
            config_arg,
            "--dry-run",
        ],
    );
    // The row goes to the archive, hostile values and all, and is listed from there.
    scan.run(
        &sandbox,
        &["clear-row", "--correlation-id", "run-1", "--yes", "--force"],
    );
    let (list, _) = scan.run(&sandbox, &["restore-row", "--list"]);
    assert!(list.contains("run-1"), "{list}");
    scan.run(
        &sandbox,
        &["restore-row", "--correlation-id", "run-1", "--dry-run"],
    );

    assert!(
        scan.found.is_empty(),
        "raw control characters:\n{}",
        scan.found.join("\n")
    );

    // JSON keeps every value exactly.
    sandbox.put_row(&row);
    let json_of = |args: &[&str]| -> Value {
        let out = sandbox
            .cyi()
            .args(args)
            .args(["--output", "json"])
            .output()
            .unwrap();
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{args:?}: {e}"))
    };
    let rows = json_of(&["rows"]);
    assert_eq!(rows["rows"][0]["status"], STATUS, "{rows}");
    assert_eq!(rows["rows"][0]["current_step"], BIDI, "{rows}");
    let clusters = json_of(&["clusters", "--config", toml, "--env", "h"]).to_string();
    assert!(
        clusters.contains(&json!(CSI_NAME).to_string()),
        "{clusters}"
    );
    record_figure(
        "escape-injection",
        json!({ "runs": scan.runs, "raw_control_characters": 0 }),
    );
}
