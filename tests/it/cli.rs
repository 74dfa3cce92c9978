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

/// What the installed completion scripts ask the binary: `COMPLETE=<shell> cyi -- WORDS`.
fn complete(sandbox: &Sandbox, shell: &str, words: &[&str]) -> String {
    let out = sandbox
        .cyi()
        .env("COMPLETE", shell)
        .env("_CLAP_COMPLETE_INDEX", (words.len() - 1).to_string())
        .env("_CLAP_IFS", "\n")
        .arg("--")
        .args(words)
        .output()
        .unwrap();
    assert!(out.status.success(), "{shell} {words:?}: {out:?}");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn env_completes_to_the_config_file_environments_in_every_shell() {
    let sandbox = Sandbox::start();
    sandbox.write_config("[env.dev]\n[env.production]\nprotected = true\n");
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let envs = complete(&sandbox, shell, &["cyi", "rows", "--env", ""]);
        assert!(
            envs.contains("dev") && envs.contains("production"),
            "{shell}: {envs}"
        );
        assert!(!envs.contains("cyi.toml"), "{shell}: {envs}");
        let envs = complete(&sandbox, shell, &["cyi", "--env", "pro"]);
        assert!(
            envs.contains("production") && !envs.contains("dev"),
            "{shell}: {envs}"
        );
        let commands = complete(&sandbox, shell, &["cyi", "st"]);
        for name in ["start-cluster", "status", "stop-clusters"] {
            assert!(commands.contains(name), "{shell}: {commands}");
        }
        let flags = complete(&sandbox, shell, &["cyi", "stop-clusters", "--cl"]);
        assert!(flags.contains("--cluster-id"), "{shell}: {flags}");
    }
    assert!(sandbox.calls().is_empty(), "{:?}", sandbox.calls());
}

#[test]
fn subcommand_help_lists_its_own_options_then_the_global_ones() {
    let sandbox = Sandbox::start();
    let help = |args: &[&str]| {
        let out = sandbox.cyi().args(args).assert().success();
        String::from_utf8(out.get_output().stdout.clone()).unwrap()
    };
    let text = help(&["stop-clusters", "--help"]);
    let own = text.find("--cluster-id").unwrap();
    let globals = text.find("Global options:").unwrap();
    assert!(
        own < globals && globals < text.find("--env").unwrap(),
        "{text}"
    );
    assert!(
        text.contains("--yes") && text.contains("--confirm-env"),
        "{text}"
    );
    for command in ["rows", "clusters", "status", "completions"] {
        let text = help(&[command, "--help"]);
        assert!(text.contains("Global options:"), "{command}: {text}");
        for flag in ["--yes", "--confirm-env", "--dry-run"] {
            assert!(!text.contains(flag), "{command} advertises {flag}: {text}");
        }
    }
    // Still accepted, for scripts that pass them everywhere.
    sandbox
        .cyi()
        .args(["completions", "bash", "--yes", "--dry-run"])
        .assert()
        .success();
}
