//! `cyi stop-clusters` against a real moto server: which clusters end TERMINATED (checked
//! through the EMR API), how the TerminateJobFlows calls are batched (checked in the
//! recorded requests, since moto does not enforce the limit of 10), and the confirmation
//! rules, including answers typed at a real pty.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use crate::support::{Sandbox, pty};
use serde_json::Value;

const MUTATING: [&str; 2] = ["TerminateJobFlows", "SetTerminationProtection"];

fn protect(sandbox: &Sandbox, id: &str) {
    sandbox
        .block_on(
            sandbox
                .emr()
                .set_termination_protection()
                .job_flow_ids(id)
                .termination_protected(true)
                .send(),
        )
        .unwrap();
}

fn is_protected(sandbox: &Sandbox, id: &str) -> bool {
    let out = sandbox
        .block_on(sandbox.emr().describe_cluster().cluster_id(id).send())
        .unwrap();
    out.cluster.unwrap().termination_protected.unwrap_or(false)
}

/// The ids sent in each recorded TerminateJobFlows call.
fn terminate_batches(sandbox: &Sandbox) -> Vec<Vec<String>> {
    sandbox
        .calls_of("TerminateJobFlows")
        .iter()
        .map(|c| {
            c.params["JobFlowIds"]
                .as_array()
                .unwrap()
                .iter()
                .map(|id| id.as_str().unwrap().to_owned())
                .collect()
        })
        .collect()
}

fn mutating_calls(sandbox: &Sandbox) -> Vec<String> {
    sandbox
        .calls()
        .into_iter()
        .filter(|c| MUTATING.contains(&c.operation.as_str()))
        .map(|c| format!("{} {}", c.operation, c.params))
        .collect()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

fn document(out: &assert_cmd::assert::Assert) -> Value {
    serde_json::from_slice(&out.get_output().stdout).unwrap()
}

fn outcomes(doc: &Value) -> Vec<(String, String)> {
    doc["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap().to_owned(),
                r["outcome"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn protected_env(sandbox: &Sandbox) {
    sandbox.write_config(&format!(
        "[env.production]\nprotected = true\nregion = \"eu-west-2\"\nendpoint_url = \"{}\"\n",
        sandbox.endpoint()
    ));
}

#[test]
fn stops_exactly_the_active_cyi_clusters_across_pages_in_batches_of_ten() {
    let sandbox = Sandbox::start();
    let mut ours: Vec<String> = (0..23)
        .map(|i| sandbox.launch_cluster("cyi", &[("Correlation_Id", &format!("run-{i}"))]))
        .collect();
    ours.sort();
    let mut others = Vec::new();
    for (name, count) in [
        ("legacyimport", 35),
        ("cyi-test", 20),
        ("aws-ucfs-claimant", 25),
        ("CYI", 2),
    ] {
        others.extend((0..count).map(|_| sandbox.launch_cluster(name, &[])));
    }
    let finished: Vec<String> = (0..3).map(|_| sandbox.launch_cluster("cyi", &[])).collect();
    for id in &finished {
        sandbox.terminate_cluster(id);
    }
    assert!(ours.len() + others.len() > 100);
    sandbox.clear_calls();

    let out = sandbox
        .cyi()
        .args(["stop-clusters", "--yes", "--output", "json"])
        .assert()
        .success();
    let doc = document(&out);
    let targets: Vec<&str> = doc["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert_eq!(targets, ours);
    assert!(
        outcomes(&doc).iter().all(|(_, o)| o == "terminating"),
        "{doc}"
    );
    assert!(
        doc["targets"][0]["correlation_id"]
            .as_str()
            .unwrap()
            .starts_with("run-")
    );

    for id in &ours {
        assert_eq!(sandbox.cluster_state(id), "TERMINATED", "{id}");
    }
    for id in &others {
        assert_eq!(sandbox.cluster_state(id), "WAITING", "{id} was touched");
    }
    for id in &finished {
        assert_eq!(sandbox.cluster_state(id), "TERMINATED", "{id}");
    }

    let batches = terminate_batches(&sandbox);
    assert_eq!(batches.len(), ours.len().div_ceil(10), "{batches:?}");
    assert!(batches.iter().all(|b| b.len() <= 10), "{batches:?}");
    let sent: BTreeSet<&String> = batches.iter().flatten().collect();
    assert_eq!(sent.len(), ours.len(), "each target exactly once");
    assert!(sent.iter().all(|id| ours.contains(id)));
    assert!(sandbox.calls_of("SetTerminationProtection").is_empty());

    let pages = sandbox.calls_of("ListClusters");
    let active = ours.len() + others.len();
    assert_eq!(pages.len(), active.div_ceil(50), "every page, once");
    assert!(pages[0].params.get("Marker").is_none());
    assert!(pages[1..].iter().all(|p| p.params["Marker"].is_string()));
}

#[test]
fn the_plan_shows_environment_account_region_and_the_targets() {
    let sandbox = Sandbox::start();
    let id = sandbox.launch_cluster("cyi", &[("Correlation_Id", "run-7")]);
    let out = sandbox
        .cyi()
        .args(["stop-clusters", "--yes"])
        .assert()
        .success();
    let stdout = text(&out.get_output().stdout);
    assert!(
        stdout.contains(
            "Environment default (account 123456789012, region eu-west-2): active clusters named exactly 'cyi'."
        ),
        "{stdout}"
    );
    assert!(stdout.contains(&id) && stdout.contains("run-7"), "{stdout}");
    assert!(
        stdout.contains("1 cluster(s) will be terminated, in 1 TerminateJobFlows call(s)."),
        "{stdout}"
    );
    assert!(
        stdout.contains("1 of 1 cluster(s) terminating."),
        "{stdout}"
    );
}

#[test]
fn non_interactive_without_yes_is_refused_and_terminates_nothing() {
    let sandbox = Sandbox::start();
    let id = sandbox.launch_cluster("cyi", &[]);
    let out = sandbox.cyi().arg("stop-clusters").assert().code(2);
    let stderr = text(&out.get_output().stderr);
    assert!(stderr.contains("re-run with --yes"), "{stderr}");
    assert_eq!(
        text(&out.get_output().stdout).matches(&id).count(),
        1,
        "the plan is shown before the refusal"
    );
    assert!(sandbox.calls_of("TerminateJobFlows").is_empty());
    assert_eq!(sandbox.cluster_state(&id), "WAITING");
}

#[test]
fn dry_run_makes_no_mutating_call() {
    let sandbox = Sandbox::start();
    let plain = sandbox.launch_cluster("cyi", &[]);
    let guarded = sandbox.launch_cluster("cyi", &[]);
    protect(&sandbox, &guarded);
    sandbox.clear_calls();

    let out = sandbox
        .cyi()
        .args([
            "stop-clusters",
            "--yes",
            "--force",
            "--dry-run",
            "--output",
            "json",
        ])
        .assert()
        .success();
    let doc = document(&out);
    assert_eq!(doc["dry_run"], true);
    assert_eq!(doc["targets"].as_array().unwrap().len(), 2);
    assert_eq!(doc["results"], Value::Array(vec![]));
    let stderr = text(&out.get_output().stderr);
    assert!(stderr.contains("dry run: nothing was changed"), "{stderr}");
    assert!(stderr.contains("--force: termination protection will be removed"));
    assert_eq!(mutating_calls(&sandbox), Vec::<String>::new());
    assert_eq!(sandbox.cluster_state(&plain), "WAITING");
    assert!(is_protected(&sandbox, &guarded));
}

#[test]
fn protected_environment_needs_confirm_env_as_well_as_yes() {
    let sandbox = Sandbox::start();
    protected_env(&sandbox);
    let id = sandbox.launch_cluster("cyi", &[]);

    let out = sandbox
        .cyi()
        .args(["--env", "production", "stop-clusters", "--yes"])
        .assert()
        .code(2);
    let stderr = text(&out.get_output().stderr);
    assert!(
        stderr.contains("--yes --confirm-env production"),
        "{stderr}"
    );
    assert!(sandbox.calls_of("TerminateJobFlows").is_empty());
    assert_eq!(sandbox.cluster_state(&id), "WAITING");

    sandbox
        .cyi()
        .args([
            "--env",
            "production",
            "stop-clusters",
            "--yes",
            "--confirm-env",
            "production",
        ])
        .assert()
        .success();
    assert_eq!(sandbox.cluster_state(&id), "TERMINATED");
}

#[test]
fn credentials_for_another_account_are_refused_before_anything_is_changed() {
    let sandbox = Sandbox::start();
    sandbox.write_config("[env.dev]\naccount = \"999999999999\"\n");
    let id = sandbox.launch_cluster("cyi", &[]);
    let out = sandbox
        .cyi()
        .args(["--env", "dev", "stop-clusters", "--yes"])
        .assert()
        .code(1);
    let stderr = text(&out.get_output().stderr);
    assert!(stderr.contains("account 999999999999"), "{stderr}");
    assert!(sandbox.calls_of("TerminateJobFlows").is_empty());
    assert_eq!(sandbox.cluster_state(&id), "WAITING");
}

#[test]
fn a_termination_protected_cluster_is_reported_and_left_running() {
    let sandbox = Sandbox::start();
    let plain = sandbox.launch_cluster("cyi", &[]);
    let guarded = sandbox.launch_cluster("cyi", &[]);
    protect(&sandbox, &guarded);
    sandbox.clear_calls();

    let out = sandbox
        .cyi()
        .args(["stop-clusters", "--yes", "--output", "json"])
        .assert()
        .code(1);
    let doc = document(&out);
    let mut got = outcomes(&doc);
    got.sort();
    let mut want = vec![
        (plain.clone(), "terminating".to_owned()),
        (guarded.clone(), "protected_skipped".to_owned()),
    ];
    want.sort();
    assert_eq!(got, want);
    let stderr = text(&out.get_output().stderr);
    assert!(
        stderr.contains(&format!("Termination protection is on for {guarded}")),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("NOT terminated: {guarded}")),
        "{stderr}"
    );

    assert_eq!(terminate_batches(&sandbox), vec![vec![plain.clone()]]);
    assert!(sandbox.calls_of("SetTerminationProtection").is_empty());
    assert_eq!(sandbox.cluster_state(&plain), "TERMINATED");
    assert_eq!(sandbox.cluster_state(&guarded), "WAITING");
    assert!(is_protected(&sandbox, &guarded));
}

#[test]
fn force_removes_the_protection_of_exactly_the_protected_ones_and_terminates_them() {
    let sandbox = Sandbox::start();
    let plain = sandbox.launch_cluster("cyi", &[]);
    let guarded = sandbox.launch_cluster("cyi", &[]);
    protect(&sandbox, &guarded);
    sandbox.clear_calls();

    let out = sandbox
        .cyi()
        .args(["stop-clusters", "--yes", "--force"])
        .assert()
        .success();
    let stdout = text(&out.get_output().stdout);
    assert!(
        stdout.contains(&format!(
            "--force: termination protection will be removed from {guarded} first."
        )),
        "{stdout}"
    );
    assert!(stdout.contains("termination protection removed (--force)"));

    let unprotect = sandbox.calls_of("SetTerminationProtection");
    assert_eq!(unprotect.len(), 1);
    assert_eq!(
        unprotect[0].params["JobFlowIds"],
        serde_json::json!([guarded])
    );
    assert_eq!(unprotect[0].params["TerminationProtected"], false);
    assert_eq!(sandbox.cluster_state(&plain), "TERMINATED");
    assert_eq!(sandbox.cluster_state(&guarded), "TERMINATED");
}

#[test]
fn an_unknown_cluster_id_stops_nothing_and_is_named() {
    let sandbox = Sandbox::start();
    let real = sandbox.launch_cluster("cyi", &[]);
    let other = sandbox.launch_cluster("legacyimport", &[]);
    sandbox.clear_calls();

    let out = sandbox
        .cyi()
        .args([
            "stop-clusters",
            "--yes",
            "--cluster-id",
            &real,
            "--cluster-id",
            "j-DOESNOTEXIST1",
            "--cluster-id",
            &other,
        ])
        .assert()
        .code(1);
    let stderr = text(&out.get_output().stderr);
    assert!(
        stderr.contains("j-DOESNOTEXIST1: no such cluster"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("{other}: is named 'legacyimport'")),
        "{stderr}"
    );
    assert!(stderr.contains("nothing was stopped"), "{stderr}");
    assert_eq!(mutating_calls(&sandbox), Vec::<String>::new());
    assert!(sandbox.calls_of("ListClusters").is_empty());
    assert_eq!(sandbox.cluster_state(&real), "WAITING");
    assert_eq!(sandbox.cluster_state(&other), "WAITING");
}

#[test]
fn cluster_id_stops_just_that_cluster() {
    let sandbox = Sandbox::start();
    let chosen = sandbox.launch_cluster("cyi", &[]);
    let kept = sandbox.launch_cluster("cyi", &[]);
    let ended = sandbox.launch_cluster("cyi", &[]);
    sandbox.terminate_cluster(&ended);

    sandbox
        .cyi()
        .args(["stop-clusters", "--yes", "--cluster-id", &chosen])
        .assert()
        .success();
    assert_eq!(sandbox.cluster_state(&chosen), "TERMINATED");
    assert_eq!(sandbox.cluster_state(&kept), "WAITING");

    let out = sandbox
        .cyi()
        .args(["stop-clusters", "--yes", "--cluster-id", &ended])
        .assert()
        .code(1);
    let stderr = text(&out.get_output().stderr);
    assert!(
        stderr.contains(&format!("{ended}: is TERMINATED, not active")),
        "{stderr}"
    );
}

#[test]
fn correlation_id_picks_only_the_tagged_cluster() {
    let sandbox = Sandbox::start();
    let tagged = sandbox.launch_cluster("cyi", &[("Correlation_Id", "run-1")]);
    let other_run = sandbox.launch_cluster("cyi", &[("Correlation_Id", "run-2")]);
    let untagged = sandbox.launch_cluster("cyi", &[]);
    let other_product = sandbox.launch_cluster("legacyimport", &[("Correlation_Id", "run-1")]);

    let out = sandbox
        .cyi()
        .args([
            "stop-clusters",
            "--yes",
            "--correlation-id",
            "run-1",
            "--output",
            "json",
        ])
        .assert()
        .success();
    assert_eq!(
        outcomes(&document(&out)),
        vec![(tagged.clone(), "terminating".to_owned())]
    );
    assert_eq!(sandbox.cluster_state(&tagged), "TERMINATED");
    for id in [&other_run, &untagged, &other_product] {
        assert_eq!(sandbox.cluster_state(id), "WAITING", "{id}");
    }
}

#[test]
fn name_regex_is_an_explicit_opt_in_and_the_plan_says_so() {
    let sandbox = Sandbox::start();
    let exact = sandbox.launch_cluster("cyi", &[]);
    let test = sandbox.launch_cluster("cyi-test", &[]);
    let legacy = sandbox.launch_cluster("legacyimport", &[]);

    let out = sandbox
        .cyi()
        .args([
            "stop-clusters",
            "--yes",
            "--name-regex",
            "^cyi",
            "--output",
            "json",
        ])
        .assert()
        .success();
    let doc = document(&out);
    assert_eq!(doc["name_regex"], "^cyi");
    assert_eq!(doc["results"].as_array().unwrap().len(), 2);
    let stderr = text(&out.get_output().stderr);
    assert!(
        stderr.contains("whose name matches the pattern /^cyi/ (--name-regex"),
        "{stderr}"
    );
    assert_eq!(sandbox.cluster_state(&exact), "TERMINATED");
    assert_eq!(sandbox.cluster_state(&test), "TERMINATED");
    assert_eq!(sandbox.cluster_state(&legacy), "WAITING");
}

#[test]
fn an_invalid_name_regex_is_a_usage_error_before_any_call() {
    let sandbox = Sandbox::start();
    let out = sandbox
        .cyi()
        .args(["stop-clusters", "--yes", "--name-regex", "cyi("])
        .assert()
        .code(2);
    let stderr = text(&out.get_output().stderr);
    assert!(stderr.starts_with("error: --name-regex 'cyi('"), "{stderr}");
    assert!(sandbox.calls().is_empty());
}

#[test]
fn no_targets_is_said_and_succeeds_without_asking() {
    let sandbox = Sandbox::start();
    let other = sandbox.launch_cluster("legacyimport", &[]);
    let out = sandbox.cyi().arg("stop-clusters").assert().success();
    let stdout = text(&out.get_output().stdout);
    assert!(stdout.contains("No clusters to stop."), "{stdout}");
    assert!(sandbox.calls_of("TerminateJobFlows").is_empty());
    assert_eq!(sandbox.cluster_state(&other), "WAITING");
}

#[test]
fn a_failed_batch_is_reported_and_the_other_batches_still_run() {
    let sandbox = Sandbox::start();
    let ours: Vec<String> = (0..25)
        .map(|_| sandbox.launch_cluster("cyi", &[]))
        .collect();
    sandbox.clear_calls();
    // The second TerminateJobFlows call fails on every attempt the SDK makes.
    sandbox.set_faults(serde_json::json!([
        {"operation": "TerminateJobFlows", "kind": "500", "skip": 1, "times": 5}
    ]));

    let out = sandbox
        .cyi()
        .args(["stop-clusters", "--yes", "--output", "json"])
        .assert()
        .code(1);
    let doc = document(&out);
    let batches: Vec<Vec<String>> = {
        let mut seen = Vec::new();
        for batch in terminate_batches(&sandbox) {
            if !seen.contains(&batch) {
                seen.push(batch);
            }
        }
        seen
    };
    assert_eq!(batches.len(), 3, "{batches:?}");
    let failed: BTreeSet<&String> = batches[1].iter().collect();
    for result in doc["results"].as_array().unwrap() {
        let id = result["id"].as_str().unwrap().to_owned();
        if failed.contains(&id) {
            assert_eq!(result["outcome"], "failed", "{result}");
            let message = result["message"].as_str().unwrap();
            assert!(message.contains("TerminateJobFlows"), "{message}");
            assert!(message.contains("still WAITING"), "{message}");
            assert_eq!(sandbox.cluster_state(&id), "WAITING");
        } else {
            assert_eq!(result["outcome"], "terminating", "{result}");
            assert_eq!(sandbox.cluster_state(&id), "TERMINATED");
        }
    }
    assert_eq!(doc["results"].as_array().unwrap().len(), ours.len());
}

#[test]
fn wait_returns_with_the_final_states() {
    let sandbox = Sandbox::start();
    let ids = [
        sandbox.launch_cluster("cyi", &[]),
        sandbox.launch_cluster("cyi", &[]),
    ];
    let started = Instant::now();
    let out = sandbox
        .cyi()
        .args(["stop-clusters", "--yes", "--wait", "--output", "json"])
        .timeout(Duration::from_secs(60))
        .assert()
        .success();
    assert!(started.elapsed() < Duration::from_secs(30));
    let doc = document(&out);
    for result in doc["results"].as_array().unwrap() {
        assert_eq!(result["outcome"], "terminating");
        assert_eq!(result["final_state"], "TERMINATED", "{result}");
    }
    for id in &ids {
        assert_eq!(sandbox.cluster_state(id), "TERMINATED");
    }
}

// The confirmation layer, driven as a person would: the real binary on a pty.

#[test]
fn typing_y_at_the_prompt_terminates() {
    let sandbox = Sandbox::start();
    let id = sandbox.launch_cluster("cyi", &[]);
    let mut session = pty::spawn(&sandbox, &["stop-clusters"]);
    session
        .exp_string("terminate 1 cluster(s) in default?")
        .unwrap();
    session.send_line("y").unwrap();
    session
        .exp_string("1 of 1 cluster(s) terminating.")
        .unwrap();
    assert_eq!(pty::exit_code(session), 0);
    assert_eq!(sandbox.cluster_state(&id), "TERMINATED");
}

#[test]
fn typing_n_at_the_prompt_terminates_nothing() {
    let sandbox = Sandbox::start();
    let id = sandbox.launch_cluster("cyi", &[]);
    let mut session = pty::spawn(&sandbox, &["stop-clusters"]);
    session
        .exp_string("terminate 1 cluster(s) in default?")
        .unwrap();
    session.send_line("n").unwrap();
    session.exp_string("nothing was changed").unwrap();
    assert_ne!(pty::exit_code(session), 0);
    assert!(sandbox.calls_of("TerminateJobFlows").is_empty());
    assert_eq!(sandbox.cluster_state(&id), "WAITING");
}

#[test]
fn protected_environment_at_the_prompt_needs_the_right_name() {
    let sandbox = Sandbox::start();
    protected_env(&sandbox);
    let id = sandbox.launch_cluster("cyi", &[]);
    let prompt =
        "'production' is a protected environment. To terminate 1 cluster(s), type its name";

    let mut session = pty::spawn(&sandbox, &["--env", "production", "stop-clusters"]);
    session.exp_string(prompt).unwrap();
    session.send_line("prod").unwrap();
    session.exp_string("'prod' is not 'production'").unwrap();
    assert_ne!(pty::exit_code(session), 0);
    assert!(sandbox.calls_of("TerminateJobFlows").is_empty());
    assert_eq!(sandbox.cluster_state(&id), "WAITING");

    let mut session = pty::spawn(&sandbox, &["--env", "production", "stop-clusters"]);
    session.exp_string(prompt).unwrap();
    session.send_line("production").unwrap();
    session
        .exp_string("1 of 1 cluster(s) terminating.")
        .unwrap();
    assert_eq!(pty::exit_code(session), 0);
    assert_eq!(sandbox.cluster_state(&id), "TERMINATED");
}

#[test]
fn protection_turned_on_after_the_plan_fails_that_cluster_and_reports_the_rest_exactly() {
    let sandbox = Sandbox::start();
    let first = sandbox.launch_cluster("cyi", &[]);
    let second = sandbox.launch_cluster("cyi", &[]);
    // Someone protects `second` between our DescribeCluster and our TerminateJobFlows.
    sandbox.set_faults(serde_json::json!([{
        "operation": "TerminateJobFlows",
        "kind": "before",
        "request": {
            "target": "ElasticMapReduce.SetTerminationProtection",
            "body": {"JobFlowIds": [second], "TerminationProtected": true}
        }
    }]));

    let out = sandbox
        .cyi()
        .args(["stop-clusters", "--yes", "--output", "json"])
        .assert()
        .code(1);
    let doc = document(&out);
    let mut got = outcomes(&doc);
    got.sort();
    let mut want = vec![
        (first.clone(), "already_terminating".to_owned()),
        (second.clone(), "failed".to_owned()),
    ];
    want.sort();
    assert_eq!(got, want, "{doc}");
    assert_eq!(sandbox.cluster_state(&first), "TERMINATED");
    assert_eq!(sandbox.cluster_state(&second), "WAITING");
    let messages = text(&out.get_output().stderr);
    assert!(
        messages.contains(&format!("NOT terminated: {second}")),
        "{messages}"
    );
}

#[test]
fn wait_on_a_terminal_shows_progress() {
    let sandbox = Sandbox::start();
    let id = sandbox.launch_cluster("cyi", &[]);
    let mut session = pty::spawn(&sandbox, &["stop-clusters", "--yes", "--wait"]);
    session.exp_string("waiting: 1 of 1 terminated").unwrap();
    session.exp_string("1 of 1 cluster(s) terminated.").unwrap();
    assert_eq!(pty::exit_code(session), 0);
    assert_eq!(sandbox.cluster_state(&id), "TERMINATED");
}
