//! Bad input across every command, table-driven: each case must exit 2, name the flag,
//! field or file at fault on stderr, and make no mutating AWS call (checked through the
//! recording proxy), against a world where a mistaken call would do real damage (a live
//! cluster, a state row, the launcher's inputs).
//!
//! [`CASES`] is a plain table so its length is a figure of docs/RELIABILITY.md.

use std::path::Path;

use crate::support::Sandbox;
use crate::support::reliability::{record_figure, reliability_doc};
use crate::support::rows::row;
use crate::support::start::{INPUT_BUCKET, fixture, world};

/// How the cluster config folder of a case differs from the fixture.
#[derive(Debug, Clone, Copy)]
enum Yaml {
    Fixture,
    /// In this file, replace the first occurrence of the text with another.
    Replace(&'static str, &'static str, &'static str),
    /// This file is absent.
    Remove(&'static str),
    /// This file holds exactly this text.
    Write(&'static str, &'static str),
}

#[derive(Debug, Clone, Copy)]
struct Case {
    what: &'static str,
    /// `{cfg}` stands for the case's cluster config folder; `{x257}` / `{x2049}` for that
    /// many `x`; `{bell}`, `{nl}`, `{tab}` for those control characters.
    args: &'static [&'static str],
    /// Written to a file of its own and passed with `--config`.
    toml: Option<&'static str>,
    yaml: Yaml,
    env: &'static [(&'static str, &'static str)],
    /// Must appear in stderr: the flag, field or file at fault.
    needle: &'static str,
}

const NONE: Case = Case {
    what: "",
    args: &[],
    toml: None,
    yaml: Yaml::Fixture,
    env: &[],
    needle: "",
};

/// Two environments, one protected, both reaching the sandbox through AWS_ENDPOINT_URL.
const GOOD_TOML: &str = "default_env = \"dev\"\n[env.dev]\nregion = \"eu-west-2\"\n[env.production]\nregion = \"eu-west-2\"\nprotected = true\n";

macro_rules! start {
    ($($arg:expr),* $(,)?) => {
        &["start-cluster", "--input-bucket", INPUT_BUCKET, "--cluster-config", "{cfg}", "--yes", $($arg),*]
    };
}
macro_rules! start_ok {
    ($($arg:expr),* $(,)?) => {
        start!("--export-date", "2021-04-01", "--correlation-id", "run-1", $($arg),*)
    };
}

#[rustfmt::skip]
const CASES: &[Case] = &[
    // Dates.
    Case { what: "impossible export date", args: start!("--export-date", "2021-02-30", "--correlation-id", "c"), needle: "--export-date", ..NONE },
    Case { what: "month 13", args: start!("--export-date", "2021-13-01", "--correlation-id", "c"), needle: "--export-date", ..NONE },
    Case { what: "date without zero padding", args: start!("--export-date", "2021-4-1", "--correlation-id", "c"), needle: "--export-date", ..NONE },
    Case { what: "date in words", args: start!("--export-date", "yesterday", "--correlation-id", "c"), needle: "--export-date", ..NONE },
    Case { what: "empty date", args: start!("--export-date", "", "--correlation-id", "c"), needle: "--export-date", ..NONE },
    Case { what: "future export date", args: start!("--export-date", "2099-01-01", "--correlation-id", "c"), needle: "--export-date 2099-01-01 is after today", ..NONE },
    Case { what: "reversed range", args: start_ok!("--start-date", "2021-04-02"), needle: "--start-date 2021-04-02 is after --export-date", ..NONE },
    Case { what: "impossible start date", args: start_ok!("--start-date", "2021-02-29"), needle: "--start-date", ..NONE },
    Case { what: "missing export date", args: start!("--correlation-id", "c"), needle: "--export-date", ..NONE },
    // Correlation ids of a new run (they become EMR tag values).
    Case { what: "empty correlation id", args: start!("--export-date", "2021-04-01", "--correlation-id", ""), needle: "--correlation-id", ..NONE },
    Case { what: "overlong correlation id", args: start!("--export-date", "2021-04-01", "--correlation-id", "{x257}"), needle: "--correlation-id", ..NONE },
    Case { what: "bell in correlation id", args: start!("--export-date", "2021-04-01", "--correlation-id", "run{bell}1"), needle: "--correlation-id", ..NONE },
    Case { what: "newline in correlation id", args: start!("--export-date", "2021-04-01", "--correlation-id", "run{nl}1"), needle: "--correlation-id", ..NONE },
    Case { what: "tab in correlation id", args: start!("--export-date", "2021-04-01", "--correlation-id", "run{tab}1"), needle: "--correlation-id", ..NONE },
    Case { what: "shell metacharacter in correlation id", args: start!("--export-date", "2021-04-01", "--correlation-id", "a;b"), needle: "--correlation-id", ..NONE },
    // Where the launcher's files are.
    Case { what: "s3:// without a bucket", args: &["start-cluster", "--export-date", "2021-04-01", "--correlation-id", "c", "--input-bucket", INPUT_BUCKET, "--cluster-config", "s3://", "--yes"], needle: "--cluster-config", ..NONE },
    Case { what: "s3:/// without a bucket", args: &["start-cluster", "--export-date", "2021-04-01", "--correlation-id", "c", "--input-bucket", INPUT_BUCKET, "--cluster-config", "s3:///emr/cyi", "--yes"], needle: "--cluster-config", ..NONE },
    Case { what: "empty cluster config", args: &["start-cluster", "--export-date", "2021-04-01", "--correlation-id", "c", "--input-bucket", INPUT_BUCKET, "--cluster-config", "", "--yes"], needle: "--cluster-config", ..NONE },
    Case { what: "cluster config folder missing", args: &["start-cluster", "--export-date", "2021-04-01", "--correlation-id", "c", "--input-bucket", INPUT_BUCKET, "--cluster-config", "no-such-folder", "--yes"], needle: "no-such-folder does not exist", ..NONE },
    Case { what: "input bucket with a slash", args: start_ok!("--input-bucket", "a/b"), needle: "--input-bucket", ..NONE },
    Case { what: "empty s3 prefix", args: start_ok!("--s3-prefix", "/"), needle: "--s3-prefix", ..NONE },
    // The four YAML files.
    Case { what: "cluster.yaml missing", args: start_ok!(), yaml: Yaml::Remove("cluster.yaml"), needle: "cluster.yaml is missing", ..NONE },
    Case { what: "instances.yaml missing", args: start_ok!(), yaml: Yaml::Remove("instances.yaml"), needle: "instances.yaml is missing", ..NONE },
    Case { what: "cluster.yaml not YAML", args: start_ok!(), yaml: Yaml::Write("cluster.yaml", "Name: [cyi\n"), needle: "cluster.yaml: not valid YAML", ..NONE },
    Case { what: "steps.yaml not YAML", args: start_ok!(), yaml: Yaml::Write("steps.yaml", "Steps:\n  - Name: a\n   bad: indent\n"), needle: "steps.yaml: not valid YAML", ..NONE },
    Case { what: "cluster.yaml a list", args: start_ok!(), yaml: Yaml::Write("cluster.yaml", "- Name: cyi\n"), needle: "cluster.yaml: expected a mapping", ..NONE },
    Case { what: "unknown key in cluster.yaml", args: start_ok!(), yaml: Yaml::Replace("cluster.yaml", "Name: \"cyi\"", "Name: \"cyi\"\nNmae: \"cyi\""), needle: "cluster.yaml: Nmae", ..NONE },
    Case { what: "unknown key in instances.yaml", args: start_ok!(), yaml: Yaml::Replace("instances.yaml", "  KeepJobFlowAliveWhenNoSteps: false", "  KeepJobFlowAliveWhenNoSteps: false\n  Foo: 1"), needle: "instances.yaml: Instances.Foo", ..NONE },
    Case { what: "unknown enum in steps.yaml", args: start_ok!(), yaml: Yaml::Replace("steps.yaml", "\"TERMINATE_CLUSTER\"", "\"EXPLODE\""), needle: "steps.yaml: Steps[1].ActionOnFailure", ..NONE },
    Case { what: "configurations.yaml of the wrong shape", args: start_ok!(), yaml: Yaml::Write("configurations.yaml", "Configurations: yarn-site\n"), needle: "configurations.yaml: Configurations", ..NONE },
    Case { what: "wrong type in cluster.yaml", args: start_ok!(), yaml: Yaml::Replace("cluster.yaml", "EbsRootVolumeSize: 100", "EbsRootVolumeSize: \"big\""), needle: "cluster.yaml: EbsRootVolumeSize", ..NONE },
    Case { what: "wrong type in instances.yaml", args: start_ok!(), yaml: Yaml::Replace("instances.yaml", "KeepJobFlowAliveWhenNoSteps: false", "KeepJobFlowAliveWhenNoSteps: [no]"), needle: "instances.yaml: Instances.KeepJobFlowAliveWhenNoSteps", ..NONE },
    Case { what: "another cluster's name", args: start_ok!(), yaml: Yaml::Replace("cluster.yaml", "Name: \"cyi\"", "Name: \"legacyimport\""), needle: "cluster.yaml: Name is 'legacyimport'", ..NONE },
    Case { what: "--timeout without --wait (start)", args: start_ok!("--timeout", "5"), needle: "--wait", ..NONE },
    Case { what: "--timeout not a number", args: start_ok!("--wait", "--timeout", "soon"), needle: "--timeout", ..NONE },
    // clear-row, restore-row, rows.
    Case { what: "empty row id", args: &["clear-row", "--correlation-id", "", "--yes"], needle: "--correlation-id", ..NONE },
    Case { what: "row id over 2048 bytes", args: &["clear-row", "--correlation-id", "{x2049}", "--yes"], needle: "--correlation-id", ..NONE },
    Case { what: "empty data product", args: &["clear-row", "--correlation-id", "run-1", "--data-product", "", "--yes"], needle: "--data-product", ..NONE },
    Case { what: "clear-row without an id", args: &["clear-row", "--yes"], needle: "--correlation-id", ..NONE },
    Case { what: "clear-row not confirmed", args: &["clear-row", "--correlation-id", "run-1"], needle: "--yes", ..NONE },
    Case { what: "restore-row --id with --correlation-id", args: &["restore-row", "--id", "x", "--correlation-id", "run-1", "--yes"], needle: "--id", ..NONE },
    Case { what: "restore-row --id with --list", args: &["restore-row", "--id", "x", "--list"], needle: "--list", ..NONE },
    Case { what: "restore-row choosing nothing", args: &["restore-row", "--yes"], needle: "--correlation-id", ..NONE },
    Case { what: "restore-row --data-product alone", args: &["restore-row", "--data-product", "CYI", "--yes"], needle: "--correlation-id", ..NONE },
    Case { what: "unknown row status", args: &["rows", "--status", "DONE"], needle: "--status", ..NONE },
    Case { what: "rows with an empty data product", args: &["rows", "--data-product", ""], needle: "--data-product", ..NONE },
    // stop-clusters.
    Case { what: "cluster id that is a name", args: &["stop-clusters", "--cluster-id", "cyi", "--yes"], needle: "--cluster-id", ..NONE },
    Case { what: "lower-case cluster id", args: &["stop-clusters", "--cluster-id", "j-abc", "--yes"], needle: "--cluster-id", ..NONE },
    Case { what: "empty cluster id", args: &["stop-clusters", "--cluster-id", "", "--yes"], needle: "--cluster-id", ..NONE },
    Case { what: "cluster id with a newline", args: &["stop-clusters", "--cluster-id", "j-ABC{nl}", "--yes"], needle: "--cluster-id", ..NONE },
    Case { what: "bare j- cluster id", args: &["stop-clusters", "--cluster-id", "j-", "--yes"], needle: "--cluster-id", ..NONE },
    Case { what: "empty name pattern", args: &["stop-clusters", "--name-regex", "", "--yes"], needle: "--name-regex", ..NONE },
    Case { what: "invalid name pattern", args: &["stop-clusters", "--name-regex", "(cyi", "--yes"], needle: "--name-regex", ..NONE },
    Case { what: "--timeout without --wait (stop)", args: &["stop-clusters", "--timeout", "60", "--yes"], needle: "--wait", ..NONE },
    Case { what: "empty correlation id (stop)", args: &["stop-clusters", "--correlation-id", "", "--yes"], needle: "--correlation-id", ..NONE },
    Case { what: "unknown output format", args: &["stop-clusters", "--output", "yaml", "--yes"], needle: "--output", ..NONE },
    Case { what: "stop-clusters not confirmed", args: &["stop-clusters"], needle: "--yes", ..NONE },
    Case { what: "unknown subcommand flag", args: &["stop-clusters", "--all", "--yes"], needle: "--all", ..NONE },
    // Environments and the config file.
    Case { what: "unknown environment", args: &["stop-clusters", "--env", "prod", "--yes"], toml: Some(GOOD_TOML), needle: "unknown environment 'prod'", ..NONE },
    Case { what: "unknown environment from CYI_ENV", args: &["clear-row", "--correlation-id", "run-1", "--yes"], toml: Some(GOOD_TOML), env: &[("CYI_ENV", "staging")], needle: "unknown environment 'staging'", ..NONE },
    Case { what: "environment without a config file", args: &["stop-clusters", "--env", "dev", "--yes"], needle: "unknown environment 'dev' (no config file found", ..NONE },
    Case { what: "--confirm-env of another environment", args: &["stop-clusters", "--env", "dev", "--confirm-env", "production", "--yes"], toml: Some(GOOD_TOML), needle: "--confirm-env production", ..NONE },
    Case { what: "protected environment with --yes only", args: &["stop-clusters", "--env", "production", "--yes"], toml: Some(GOOD_TOML), needle: "--confirm-env", ..NONE },
    Case { what: "protected environment clear with --yes only", args: &["clear-row", "--env", "production", "--correlation-id", "run-1", "--yes"], toml: Some(GOOD_TOML), needle: "--confirm-env", ..NONE },
    Case { what: "config file named but missing", args: &["stop-clusters", "--config", "absent.toml", "--yes"], needle: "absent.toml: cannot read the config file", ..NONE },
    Case { what: "config file not TOML", args: &["stop-clusters", "--yes"], toml: Some("[env.dev\nregion = \"eu-west-2\"\n"), needle: "case.toml", ..NONE },
    Case { what: "unknown top-level key", args: &["stop-clusters", "--yes"], toml: Some("default_environment = \"dev\"\n[env.dev]\n"), needle: "default_environment", ..NONE },
    Case { what: "unknown environment key", args: &["stop-clusters", "--yes"], toml: Some("[env.dev]\nregoin = \"eu-west-2\"\n"), needle: "regoin", ..NONE },
    Case { what: "protected not a boolean", args: &["stop-clusters", "--yes"], toml: Some("[env.dev]\nprotected = \"yes\"\n"), needle: "protected", ..NONE },
    Case { what: "env not a table", args: &["stop-clusters", "--yes"], toml: Some("env = \"dev\"\n"), needle: "env", ..NONE },
    Case { what: "region misspelt in the file", args: &["stop-clusters", "--yes"], toml: Some("default_env = \"dev\"\n[env.dev]\nregion = \"eu-west2\"\n"), needle: "env.dev.region", ..NONE },
    Case { what: "account not 12 digits", args: &["stop-clusters", "--yes"], toml: Some("default_env = \"dev\"\n[env.dev]\naccount = \"1234\"\n"), needle: "env.dev.account", ..NONE },
    Case { what: "role_arn not an ARN", args: &["stop-clusters", "--yes"], toml: Some("default_env = \"dev\"\n[env.dev]\nrole_arn = \"ci\"\n"), needle: "env.dev.role_arn", ..NONE },
    Case { what: "endpoint_url without a scheme", args: &["stop-clusters", "--yes"], toml: Some("default_env = \"dev\"\n[env.dev]\nendpoint_url = \"localhost:5000\"\n"), needle: "env.dev.endpoint_url", ..NONE },
    Case { what: "cluster_config s3:// without a bucket", args: &["stop-clusters", "--yes"], toml: Some("default_env = \"dev\"\n[env.dev]\ncluster_config = \"s3://\"\n"), needle: "env.dev.cluster_config", ..NONE },
    Case { what: "empty table name", args: &["clear-row", "--correlation-id", "run-1", "--yes"], toml: Some("default_env = \"dev\"\n[env.dev]\ntable = \"\"\n"), needle: "env.dev.table", ..NONE },
    Case { what: "empty cluster name", args: &["stop-clusters", "--yes"], toml: Some("default_env = \"dev\"\n[env.dev]\ncluster_name = \"\"\n"), needle: "env.dev.cluster_name", ..NONE },
    Case { what: "several environments, none chosen", args: &["stop-clusters", "--yes"], toml: Some("[env.dev]\n[env.qa]\n"), needle: "--env", ..NONE },
    Case { what: "one environment, not chosen", args: &["stop-clusters", "--yes"], toml: Some("[env.dev]\n"), needle: "default_env", ..NONE },
    Case { what: "default_env that is not defined", args: &["stop-clusters", "--yes"], toml: Some("default_env = \"prod\"\n[env.dev]\n"), needle: "unknown environment 'prod'", ..NONE },
    Case { what: "--region misspelt", args: &["stop-clusters", "--region", "eu-west2", "--yes"], needle: "--region", ..NONE },
    Case { what: "--endpoint-url not http", args: &["stop-clusters", "--endpoint-url", "ftp://example", "--yes"], needle: "--endpoint-url", ..NONE },
];

/// Operations that only read. Anything else the proxy records is a mutation.
fn is_read(operation: &str) -> bool {
    ["Get", "List", "Describe", "Head", "Query", "Scan"]
        .iter()
        .any(|p| operation.starts_with(p))
}

fn expand(arg: &str, cfg: &Path) -> String {
    match arg {
        "{cfg}" => cfg.to_str().unwrap().to_owned(),
        "{x257}" => "x".repeat(257),
        "{x2049}" => "x".repeat(2049),
        _ => arg
            .replace("{bell}", "\u{7}")
            .replace("{nl}", "\n")
            .replace("{tab}", "\t"),
    }
}

fn config_folder(dir: &Path, yaml: Yaml) {
    let source = fixture("cluster-config");
    for name in [
        "cluster.yaml",
        "configurations.yaml",
        "instances.yaml",
        "steps.yaml",
    ] {
        let mut text = std::fs::read_to_string(source.join(name)).unwrap();
        match yaml {
            Yaml::Remove(file) if file == name => continue,
            Yaml::Write(file, new) if file == name => text = new.to_owned(),
            Yaml::Replace(file, from, to) if file == name => {
                assert!(text.contains(from), "{from:?} is not in {name}");
                text = text.replacen(from, to, 1);
            }
            _ => {}
        }
        std::fs::write(dir.join(name), text).unwrap();
    }
}

#[test]
fn every_bad_input_is_a_usage_error_naming_the_field_with_no_mutation() {
    assert!(CASES.len() >= 40, "the issue asks for at least 40 cases");
    let sandbox = Sandbox::start();
    // A world where a mistaken call would change something: a live cluster of the
    // product, its state row, and everything a launch needs.
    let _world = world(&sandbox);
    let live = sandbox.launch_cluster("cyi", &[("Correlation_Id", "run-1")]);
    sandbox.put_row(&row("run-1", "CYI", "FAILED"));
    sandbox.clear_calls();

    let mut failures = Vec::new();
    for (n, case) in CASES.iter().enumerate() {
        let dir = tempfile::tempdir().unwrap();
        config_folder(dir.path(), case.yaml);
        let mut cmd = sandbox.cyi();
        if let Some(toml) = case.toml {
            let path = dir.path().join("case.toml");
            std::fs::write(&path, toml).unwrap();
            cmd.arg("--config").arg(&path);
        }
        cmd.args(case.args.iter().map(|a| expand(a, dir.path())));
        for (k, v) in case.env {
            cmd.env(k, v);
        }
        let out = cmd.output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let code = out.status.code();
        let mutations: Vec<String> = sandbox
            .calls()
            .into_iter()
            .map(|c| c.operation)
            .filter(|op| !is_read(op))
            .collect();
        sandbox.clear_calls();
        let mut wrong = Vec::new();
        if code != Some(2) {
            wrong.push(format!("exit {code:?}"));
        }
        if !stderr.contains(case.needle) {
            wrong.push(format!("stderr lacks {:?}", case.needle));
        }
        if !mutations.is_empty() {
            wrong.push(format!("mutating calls {mutations:?}"));
        }
        if !wrong.is_empty() {
            failures.push(format!(
                "case {n} ({}): {}\n  stderr: {}",
                case.what,
                wrong.join(", "),
                stderr.trim_end().replace('\n', "\n          ")
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} bad inputs were handled wrongly:\n{}",
        failures.len(),
        CASES.len(),
        failures.join("\n")
    );
    assert_eq!(sandbox.cluster_state(&live), "WAITING");
    assert!(sandbox.get_row("run-1", "CYI").is_some());
    assert!(sandbox.calls_of("RunJobFlow").is_empty());
    record_figure(
        "bad-input",
        serde_json::json!({"cases": CASES.len(), "rejected": CASES.len(), "mutating_calls": 0}),
    );
}

#[test]
fn reliability_doc_states_the_number_of_bad_inputs() {
    let doc = reliability_doc();
    let line = format!(
        "| Bad inputs tried (tests/it/bad_input.rs) | {} | rejected with exit 2, the field named, 0 mutating calls |",
        CASES.len()
    );
    assert!(
        doc.contains(&line),
        "docs/RELIABILITY.md must contain the line\n{line}"
    );
}
