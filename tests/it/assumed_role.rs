//! Issue 16: every plan header names the role the run assumed, right after the account,
//! so an operator sees whose rights the change is made with.

use crate::support::Sandbox;

const ROLE: &str = "arn:aws:iam::123456789012:role/ops";
const ACCOUNT: &str = "account 123456789012 as ops";

/// The seeded sandbox, its environment assuming [`ROLE`].
fn sandbox_with_role() -> (Sandbox, crate::support::world::SeededWorld) {
    let sandbox = Sandbox::start();
    let world = sandbox.seed_world("2026-11-24");
    let config = world.fact("config").replace(
        "[env.sandbox]\n",
        &format!("[env.sandbox]\nrole_arn = \"{ROLE}\"\n"),
    );
    sandbox.write_config(&config);
    (sandbox, world)
}

/// stdout and stderr of `cyi ARGS`, which must succeed.
fn shown(sandbox: &Sandbox, args: &[&str]) -> String {
    let out = sandbox.cyi().args(args).output().unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "cyi {args:?}:\n{text}");
    text
}

#[test]
fn every_plan_header_names_the_assumed_role() {
    let (sandbox, world) = sandbox_with_role();
    let failed = world.fact("failed_run").to_owned();
    let completed = world.fact("completed_run").to_owned();
    let yesterday = world.fact("yesterday").to_owned();

    let text = shown(&sandbox, &["stop-clusters", "--dry-run"]);
    assert!(
        text.contains(&format!(
            "Environment sandbox ({ACCOUNT}, region eu-west-2)"
        )),
        "{text}"
    );
    let text = shown(
        &sandbox,
        &[
            "start-cluster",
            "--export-date",
            &yesterday,
            "--correlation-id",
            "role-run",
            "--dry-run",
        ],
    );
    assert!(
        text.contains(&format!(
            "Launch cluster 'cyi' in sandbox ({ACCOUNT}, eu-west-2)"
        )),
        "{text}"
    );
    let text = shown(
        &sandbox,
        &["restart", "--correlation-id", &failed, "--dry-run"],
    );
    assert!(
        text.contains(&format!("in sandbox ({ACCOUNT}, eu-west-2).")),
        "{text}"
    );
    let text = shown(
        &sandbox,
        &["clear-row", "--correlation-id", &completed, "--yes"],
    );
    assert!(
        text.contains(&format!("(sandbox, eu-west-2, {ACCOUNT}):")),
        "{text}"
    );
    let text = shown(
        &sandbox,
        &["restore-row", "--correlation-id", &completed, "--dry-run"],
    );
    assert!(
        text.contains(&format!(
            "(sandbox, eu-west-2, {ACCOUNT}) exactly as archived"
        )),
        "{text}"
    );
    // The role was really assumed: the calls were made with its session.
    assert!(!sandbox.calls_of("AssumeRole").is_empty());
}
