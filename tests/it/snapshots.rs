//! Snapshots (insta, committed under `tests/it/snapshots/`) of what an operator reads:
//! `cyi --help`, every subcommand's `--help`, and the most common error messages, from
//! the real binary. A wording change is then a reviewed diff: `cargo insta review`, or
//! `INSTA_UPDATE=always cargo test --test it snapshots::` and read `git diff`. CI never
//! writes snapshots (`CI=true` / `INSTA_UPDATE=no`), so a mismatch fails it.

use clap::CommandFactory;

use crate::support::Sandbox;
use crate::support::normalize::normalize;

/// Help wraps at this width, whatever terminal runs the tests.
const COLUMNS: &str = "100";

/// `cyi ARGS` in the sandbox: the exit code, then stdout and stderr, normalised.
fn transcript(sandbox: &Sandbox, args: &[&str]) -> String {
    let output = sandbox
        .cyi()
        .env("COLUMNS", COLUMNS)
        .args(args)
        .output()
        .unwrap();
    let code = output.status.code().unwrap_or(-1);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    normalize(
        sandbox,
        &format!(
            "$ cyi {}\nexit: {code}\n--- stdout\n{stdout}--- stderr\n{stderr}",
            args.join(" ")
        ),
    )
}

#[test]
fn help_of_cyi_and_every_subcommand() {
    let sandbox = Sandbox::start();
    insta::assert_snapshot!("help", transcript(&sandbox, &["--help"]));
    for command in cyi::cli::Cli::command().get_subcommands() {
        let name = command.get_name();
        insta::assert_snapshot!(
            format!("help_{name}"),
            transcript(&sandbox, &[name, "--help"])
        );
    }
    assert!(sandbox.calls().is_empty(), "help made AWS calls");
}

/// Usage errors: the parser's and the settings' refusals, no AWS needed.
#[test]
fn usage_error_messages() {
    let sandbox = Sandbox::start();
    let cases: [(&str, &[&str]); 5] = [
        ("error_unknown_subcommand", &["no-such-command"]),
        ("error_missing_required_flags", &["start-cluster"]),
        (
            "error_invalid_date",
            &[
                "start-cluster",
                "--export-date",
                "2021-13-01",
                "--correlation-id",
                "run-1",
            ],
        ),
        (
            "error_invalid_output_format",
            &["clusters", "--output", "yaml"],
        ),
        ("error_unknown_environment", &["--env", "nope", "clusters"]),
    ];
    sandbox.write_config("[env.dev]\nregion = \"eu-west-2\"\n\n[env.qa]\nregion = \"eu-west-2\"\n");
    for (name, args) in cases {
        insta::assert_snapshot!(name, transcript(&sandbox, args));
    }
    sandbox.write_config("[env.dev]\nregion = \"eu-west-2\"\nregoin = \"eu-west-1\"\n");
    insta::assert_snapshot!(
        "error_config_unknown_key",
        transcript(&sandbox, &["--env", "dev", "clusters"])
    );
    assert!(sandbox.calls().is_empty(), "usage errors made AWS calls");
}

/// Refusals and failures of commands against the seeded CYI world.
#[test]
fn command_error_messages() {
    let sandbox = Sandbox::start();
    let world = sandbox.seed_world("2026-11-24");
    let in_progress = world.fact("in_progress_run");
    insta::assert_snapshot!(
        "error_confirmation_without_terminal",
        transcript(&sandbox, &["stop-clusters"])
    );
    insta::assert_snapshot!(
        "error_clear_row_missing_row",
        transcript(
            &sandbox,
            &["clear-row", "--correlation-id", "no-such-run", "--yes"]
        )
    );
    insta::assert_snapshot!(
        "error_clear_row_of_a_running_job",
        transcript(
            &sandbox,
            &["clear-row", "--correlation-id", in_progress, "--yes"]
        )
    );
    insta::assert_snapshot!(
        "error_unreachable_endpoint",
        transcript(
            &sandbox,
            &["clusters", "--endpoint-url", "http://127.0.0.1:1"]
        )
    );
    assert_eq!(sandbox.mutating_calls(), Vec::<String>::new());
}
