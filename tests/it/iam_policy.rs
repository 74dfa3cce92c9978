//! docs/iam-policy.json: valid JSON, one statement per subcommand (Sid named after the
//! command), well-formed actions, every action listed in docs/RUNBOOK.md, and each
//! command's statements equal to the calls the recording harness saw it make.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use clap::CommandFactory;
use serde_json::Value;

use crate::support::emr_world::EmrWorld;
use crate::support::{Call, Sandbox};

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

/// Actions RunJobFlow needs besides its own (see docs/RUNBOOK.md).
const IMPLIED_BY_RUN_JOB_FLOW: [&str; 2] = ["iam:PassRole", "elasticmapreduce:AddTags"];

/// The IAM action a recorded call needs: the signing service names the IAM prefix, and
/// S3's object reads and listings map to their IAM names.
fn iam_action(call: &Call) -> String {
    let operation = match (call.service.as_str(), call.operation.as_str()) {
        ("s3", "ListObjectsV2" | "ListObjects") => "ListBucket",
        ("s3", "HeadObject") => "GetObject",
        (_, operation) => operation,
    };
    format!("{}:{operation}", call.service)
}

/// One run of `cyi ARGS` and the IAM actions of the calls it made.
fn actions_of_run(sandbox: &Sandbox, args: &[&str]) -> BTreeSet<String> {
    sandbox.clear_calls();
    let out = sandbox.cyi().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "cyi {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    sandbox.calls().iter().map(iam_action).collect()
}

/// Runs every AWS subcommand's main paths against one seeded world, records the calls
/// each made, and holds the policy to them both ways: every recorded call is allowed by
/// that command's statements, and every action a command's statements grant was made
/// by some run of that command. Self-contained (its own server, its own runs), so it
/// does not depend on which other tests ran or in which order.
#[test]
fn the_policy_grants_exactly_the_calls_each_command_makes() {
    let sandbox = Sandbox::start();
    let world = sandbox.seed_world("2026-11-24");
    let failed = world.fact("failed_run").to_owned();
    let in_progress = world.fact("in_progress_run").to_owned();
    let yesterday = world.fact("yesterday").to_owned();
    // Every environment of the seeded config at once, before the role environment is
    // added below (its AssumeRole belongs to AssumeEnvironmentRole, checked apart).
    let all_envs = actions_of_run(&sandbox, &["status", "--all-envs"]);
    // The failed run's step failed as EMR says it (so `logs` asks for its details).
    EmrWorld::new()
        .failed_step(
            world.fact("terminated_cluster"),
            "run-cyi",
            "Unknown Error.",
            "hive -f failed",
            "s3://sandbox-cyi-logs/stderr.gz",
        )
        .apply(&sandbox);
    // An environment that assumes a role, as the real ones do.
    let config = format!(
        "{}\n[env.role]\nregion = \"eu-west-2\"\nendpoint_url = \"{}\"\nrole_arn = \"arn:aws:iam::123456789012:role/ci\"\n",
        world.fact("config"),
        sandbox.endpoint()
    );
    sandbox.write_config(&config);
    let protected = sandbox.launch_cluster("cyi", &[("Correlation_Id", "iam-protected")]);
    sandbox
        .block_on(
            sandbox
                .emr()
                .set_termination_protection()
                .job_flow_ids(&protected)
                .termination_protected(true)
                .send(),
        )
        .unwrap();

    let runs: Vec<(&str, Vec<&str>)> = vec![
        ("clusters", vec!["clusters"]),
        ("rows", vec!["rows"]),
        ("status", vec!["status"]),
        ("status", vec!["status", "--correlation-id", &in_progress]),
        ("status", vec!["status", "--correlation-id", &failed]),
        ("logs", vec!["logs", "--correlation-id", &failed]),
        ("history", vec!["history"]),
        (
            "start-cluster",
            vec![
                "start-cluster",
                "--export-date",
                &yesterday,
                "--correlation-id",
                "iam-start",
                "--yes",
            ],
        ),
        (
            "stop-clusters",
            vec!["stop-clusters", "--correlation-id", "iam-start", "--yes"],
        ),
        (
            "stop-clusters",
            vec![
                "stop-clusters",
                "--correlation-id",
                "iam-protected",
                "--force",
                "--yes",
            ],
        ),
        (
            "clear-row",
            vec!["clear-row", "--correlation-id", &failed, "--yes"],
        ),
        (
            "clear-row",
            vec![
                "clear-row",
                "--correlation-id",
                &in_progress,
                "--force",
                "--yes",
            ],
        ),
        // No row now: the run's cluster is found by its tag.
        ("logs", vec!["logs", "--correlation-id", &failed]),
        (
            "restore-row",
            vec!["restore-row", "--correlation-id", &failed, "--yes"],
        ),
        (
            "restart",
            vec!["restart", "--correlation-id", &failed, "--yes"],
        ),
        (
            "stop-clusters",
            vec!["stop-clusters", "--correlation-id", &failed, "--yes"],
        ),
        (
            "restart",
            vec!["restart", "--correlation-id", &failed, "--fresh", "--yes"],
        ),
    ];
    let mut seen: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for (command, args) in &runs {
        seen.entry(command)
            .or_default()
            .extend(actions_of_run(&sandbox, args));
    }
    seen.entry("status").or_default().extend(all_envs);
    let assumed = actions_of_run(&sandbox, &["--env", "role", "clusters"]);

    let policy = policy();
    let role = actions(&policy, "AssumeEnvironmentRole");
    assert!(
        assumed.contains("sts:AssumeRole"),
        "a role environment made no AssumeRole: {assumed:?}"
    );
    assert_eq!(
        assumed
            .difference(&actions(&policy, "Clusters"))
            .collect::<Vec<_>>(),
        role.iter().collect::<Vec<_>>(),
        "with a role, `cyi clusters` needs exactly its own statement and AssumeEnvironmentRole"
    );
    let mut problems = Vec::new();
    for (command, recorded) in &seen {
        let granted = actions(&policy, &sid_of(command));
        for action in recorded.difference(&granted) {
            problems.push(format!(
                "`cyi {command}` calls {action}, which its statements do not allow"
            ));
        }
        for action in granted.difference(recorded) {
            // Checked by IAM inside RunJobFlow, never called on their own: passing the
            // roles, and the tags given in the request (tag on create).
            let implied = IMPLIED_BY_RUN_JOB_FLOW.contains(&action.as_str())
                && recorded.contains("elasticmapreduce:RunJobFlow");
            if !implied {
                problems.push(format!(
                    "statement {} grants {action}, which no run of `cyi {command}` made",
                    sid_of(command)
                ));
            }
        }
    }
    let commands: BTreeSet<&str> = seen.keys().copied().collect();
    for command in cyi::cli::Cli::command().get_subcommands() {
        let name = command.get_name();
        assert!(
            LOCAL_ONLY.contains(&name) || commands.contains(name),
            "no run of `cyi {name}` here: add its main paths"
        );
    }
    assert!(
        problems.is_empty(),
        "docs/iam-policy.json vs the recorded calls:\n{}",
        problems.join("\n")
    );
}
