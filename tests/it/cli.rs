//! The binary's surface that needs no AWS at all: help, version, completions.

use crate::support::Sandbox;

#[test]
fn help_version_and_completions_touch_no_network() {
    let sandbox = Sandbox::start();
    sandbox
        .cyi()
        .arg("--version")
        .assert()
        .success()
        .stdout(format!("cyi {}\n", env!("CARGO_PKG_VERSION")));
    let help = sandbox.cyi().arg("--help").assert().success();
    let text = String::from_utf8(help.get_output().stdout.clone()).unwrap();
    for word in [
        "clusters",
        "completions",
        "--env",
        "--dry-run",
        "--output",
        "Exit codes",
    ] {
        assert!(text.contains(word), "help lacks {word}:\n{text}");
    }
    sandbox
        .cyi()
        .args(["completions", "bash"])
        .assert()
        .success();
    assert!(sandbox.calls().is_empty(), "{:?}", sandbox.calls());
}

#[test]
fn completions_print_the_committed_files() {
    let sandbox = Sandbox::start();
    for (shell, file) in [("bash", "cyi.bash"), ("zsh", "_cyi"), ("fish", "cyi.fish")] {
        let out = sandbox
            .cyi()
            .args(["completions", shell])
            .assert()
            .success();
        let committed = std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("completions")
                .join(file),
        )
        .unwrap();
        assert_eq!(out.get_output().stdout, committed, "{shell}");
    }
}

#[test]
fn usage_errors_exit_2() {
    let sandbox = Sandbox::start();
    sandbox
        .cyi()
        .args(["clusters", "--output", "yaml"])
        .assert()
        .code(2);
    sandbox.cyi().arg("no-such-command").assert().code(2);
}
