//! The confirmation rules of `stop-clusters`: flags, protected environments, the
//! account check, and answers typed at a real pty.

use crate::support::{Sandbox, pty};
use serde_json::Value;

use super::{document, is_protected, mutating_calls, protect, protected_env, text};

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
fn typing_y_at_the_prompt_terminates() {
    let sandbox = Sandbox::start();
    let id = sandbox.launch_cluster("cyi", &[]);
    let mut session = pty::spawn(&sandbox, &["stop-clusters"]);
    session
        .exp_string("Terminate 1 cluster in default?")
        .unwrap();
    session.send_line("y").unwrap();
    session.exp_string("1 of 1 cluster terminating.").unwrap();
    assert_eq!(pty::exit_code(session), 0);
    assert_eq!(sandbox.cluster_state(&id), "TERMINATED");
}

#[test]
fn typing_n_at_the_prompt_terminates_nothing() {
    let sandbox = Sandbox::start();
    let id = sandbox.launch_cluster("cyi", &[]);
    let mut session = pty::spawn(&sandbox, &["stop-clusters"]);
    session
        .exp_string("Terminate 1 cluster in default?")
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
    let prompt = "'production' is a protected environment. To terminate 1 cluster, type its name";

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
    session.exp_string("1 of 1 cluster terminating.").unwrap();
    assert_eq!(pty::exit_code(session), 0);
    assert_eq!(sandbox.cluster_state(&id), "TERMINATED");
}
