//! docs/iam-policy.json: valid JSON, one statement per subcommand (Sid named after the
//! command), well-formed actions, and every action listed in docs/RUNBOOK.md.

use std::collections::BTreeSet;
use std::path::Path;

use clap::CommandFactory;
use serde_json::Value;

/// Subcommands that make no AWS call.
const LOCAL_ONLY: [&str; 1] = ["completions"];

fn policy() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/iam-policy.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn sid_of(command: &str) -> String {
    command
        .split('-')
        .map(|w| {
            let mut chars = w.chars();
            chars
                .next()
                .unwrap()
                .to_uppercase()
                .chain(chars)
                .collect::<String>()
        })
        .collect()
}

fn actions(policy: &Value, sid_prefix: &str) -> BTreeSet<String> {
    policy["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| {
            let sid = s["Sid"].as_str().unwrap();
            sid == sid_prefix
                || sid
                    .strip_prefix(sid_prefix)
                    .is_some_and(|rest| rest.starts_with(|c: char| c.is_uppercase()))
        })
        .flat_map(|s| s["Action"].as_array().unwrap().clone())
        .map(|a| a.as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn every_subcommand_has_a_statement_named_after_it() {
    let policy = policy();
    assert_eq!(policy["Version"], "2012-10-17");
    let sids: Vec<&str> = policy["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["Sid"].as_str().unwrap())
        .collect();
    let unique: BTreeSet<&&str> = sids.iter().collect();
    assert_eq!(unique.len(), sids.len(), "duplicate Sid in {sids:?}");
    for command in cyi::cli::Cli::command().get_subcommands() {
        let name = command.get_name();
        if LOCAL_ONLY.contains(&name) {
            continue;
        }
        let sid = sid_of(name);
        assert!(
            sids.contains(&sid.as_str()),
            "no statement with Sid {sid} for `cyi {name}`"
        );
    }
}

#[test]
fn statements_are_well_formed_allows() {
    for s in policy()["Statement"].as_array().unwrap() {
        let sid = s["Sid"].as_str().unwrap();
        assert!(sid.chars().all(|c| c.is_ascii_alphanumeric()), "{sid}");
        assert_eq!(s["Effect"], "Allow", "{sid}");
        let actions = s["Action"].as_array().unwrap();
        assert!(!actions.is_empty(), "{sid}");
        for a in actions {
            let (service, operation) = a.as_str().unwrap().split_once(':').unwrap();
            assert!(
                !service.is_empty() && !operation.contains('*'),
                "{sid}: {a}"
            );
        }
        let resources = match &s["Resource"] {
            Value::String(r) => vec![r.clone()],
            Value::Array(list) => list
                .iter()
                .map(|r| r.as_str().unwrap().to_owned())
                .collect(),
            other => panic!("{sid}: Resource is {other}"),
        };
        assert!(!resources.is_empty(), "{sid}");
    }
}

#[test]
fn restart_may_do_what_start_cluster_and_clear_row_do() {
    let policy = policy();
    let restart = actions(&policy, "Restart");
    for needed in actions(&policy, "StartCluster").union(&actions(&policy, "ClearRow")) {
        assert!(restart.contains(needed), "Restart lacks {needed}");
    }
    let start = actions(&policy, "StartCluster");
    for needed in [
        "iam:PassRole",
        "s3:GetObject",
        "s3:ListBucket",
        "secretsmanager:GetSecretValue",
        "elasticmapreduce:RunJobFlow",
        "sts:GetCallerIdentity",
    ] {
        assert!(start.contains(needed), "StartCluster lacks {needed}");
    }
    assert!(actions(&policy, "Status").contains("elasticmapreduce:ListSteps"));
}

#[test]
fn the_runbook_lists_every_action() {
    let runbook =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/RUNBOOK.md"))
            .unwrap();
    let policy = policy();
    for s in policy["Statement"].as_array().unwrap() {
        let sid = s["Sid"].as_str().unwrap();
        assert!(
            runbook.contains(sid),
            "the runbook does not name statement {sid}"
        );
        for a in s["Action"].as_array().unwrap() {
            assert!(
                runbook.contains(a.as_str().unwrap()),
                "the runbook does not list {a}"
            );
        }
    }
}
