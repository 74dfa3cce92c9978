//! Shell completions and the man page, generated from the clap definition. The copies
//! committed under `completions/` and `docs/` are checked against it by a test.

use std::ffi::OsStr;
use std::io::Write;
use std::process::ExitCode;

use clap_complete::Shell;
use clap_complete::engine::{ArgValueCompleter, CompletionCandidate};
use clap_complete::env::{CompleteEnv, Shells};

use crate::cli;
use crate::error::{Error, Result};
use crate::settings;

/// The variable that makes `cyi` answer a completion request instead of running.
const COMPLETE_VAR: &str = "COMPLETE";

/// The committed files: (path relative to the crate root, generator).
pub const COMPLETION_FILES: [(&str, Shell); 5] = [
    ("completions/cyi.bash", Shell::Bash),
    ("completions/_cyi", Shell::Zsh),
    ("completions/cyi.fish", Shell::Fish),
    ("completions/cyi.elv", Shell::Elvish),
    ("completions/_cyi.ps1", Shell::PowerShell),
];
pub const MAN_PAGE: &str = "docs/cyi.1";

/// The script a shell sources to complete `cyi`: it asks the `cyi` binary itself
/// (`COMPLETE=<shell> cyi -- <words>`), so subcommands and flags are always those of the
/// installed version and `--env` offers the environments of the config file.
/// Generated into memory first, so that a failed write (a closed pipe) is an ordinary
/// I/O error.
pub fn completions(shell: Shell, out: &mut dyn Write) -> Result<()> {
    let mut script = Vec::new();
    let name = shell.to_string();
    let shells = Shells::builtins();
    let completer = shells
        .completer(&name)
        .ok_or_else(|| Error::Failed(format!("no completion support for {name}")))?;
    completer
        .write_registration(COMPLETE_VAR, "cyi", "cyi", "cyi", &mut script)
        .map_err(|e| Error::io("cannot generate the completions", e))?;
    out.write_all(&script)
        .and_then(|()| out.flush())
        .map_err(|e| Error::io("cannot write the completions", e))
}

/// Answers a shell's completion request (`COMPLETE=<shell>` in the environment) and
/// says with which exit code to end; `None` for an ordinary run.
pub fn answer_completion_request() -> Option<ExitCode> {
    let cwd = std::env::current_dir().ok();
    let factory = || cli::command_completing_env(ArgValueCompleter::new(env_candidates));
    match CompleteEnv::with_factory(factory)
        .var(COMPLETE_VAR)
        .try_complete(std::env::args_os(), cwd.as_deref())
    {
        Ok(true) => Some(ExitCode::SUCCESS),
        Ok(false) => None,
        // Completion must never print an error into the middle of a command line.
        Err(_) => Some(ExitCode::FAILURE),
    }
}

/// The environments of the config file `cyi` would read that start with what is typed.
fn env_candidates(current: &OsStr) -> Vec<CompletionCandidate> {
    matching_envs(settings::completion_env_names(None), current)
}

fn matching_envs(names: Vec<String>, current: &OsStr) -> Vec<CompletionCandidate> {
    let typed = current.to_string_lossy();
    names
        .into_iter()
        .filter(|name| name.starts_with(typed.as_ref()))
        .map(CompletionCandidate::new)
        .collect()
}

pub fn man_page(out: &mut dyn Write) -> std::io::Result<()> {
    clap_mangen::Man::new(cli::command()).render(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn complete(line: &[&str], names: &[&str]) -> Vec<String> {
        let names: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
        let completer = move |current: &OsStr| matching_envs(names.clone(), current);
        let mut cmd = cli::command_completing_env(ArgValueCompleter::new(completer));
        let args: Vec<std::ffi::OsString> = line.iter().map(Into::into).collect();
        let index = args.len() - 1;
        clap_complete::engine::complete(&mut cmd, args, index, None)
            .unwrap()
            .iter()
            .map(|c| c.get_value().to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn env_completes_from_the_config_names_before_and_after_the_subcommand() {
        let names = ["dev", "production", "preprod"];
        assert_eq!(complete(&["cyi", "--env", ""], &names), names);
        assert_eq!(
            complete(&["cyi", "rows", "--env", "pr"], &names),
            ["production", "preprod"]
        );
        assert_eq!(
            complete(&["cyi", "stop-clusters", "--env=d"], &names),
            ["--env=dev"]
        );
    }

    #[test]
    fn subcommands_and_flags_still_complete() {
        let found = complete(&["cyi", "st"], &[]);
        for name in ["start-cluster", "status", "stop-clusters"] {
            assert!(found.iter().any(|f| f == name), "{found:?}");
        }
        assert!(!found.iter().any(|f| f.starts_with("__")), "{found:?}");
        let found = complete(&["cyi", "rows", "--st"], &[]);
        assert_eq!(found, ["--status"]);
        // Read-only commands do not offer the confirmation flags among their own.
        let found = complete(&["cyi", "rows", "--"], &[]);
        assert!(found.iter().any(|f| f == "--status"), "{found:?}");
        for flag in ["--yes", "--dry-run", "--confirm-env"] {
            assert!(!found.iter().any(|f| f == flag), "{found:?}");
        }
        assert_eq!(complete(&["cyi", "clear-row", "--ye"], &[]), ["--yes"]);
    }

    /// Fails when a committed file differs from what the CLI definition generates.
    /// `CYI_UPDATE_GENERATED=1 cargo test generated_files` rewrites them.
    #[test]
    fn generated_files_match_the_cli() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let update = std::env::var_os("CYI_UPDATE_GENERATED").is_some();
        let mut expected: Vec<(&str, Vec<u8>)> = COMPLETION_FILES
            .iter()
            .map(|(path, shell)| {
                let mut buf = Vec::new();
                completions(*shell, &mut buf).unwrap();
                (*path, buf)
            })
            .collect();
        let mut man = Vec::new();
        man_page(&mut man).unwrap();
        expected.push((MAN_PAGE, man));

        let mut stale = Vec::new();
        for (path, content) in expected {
            let file = root.join(path);
            if update {
                std::fs::create_dir_all(file.parent().unwrap()).unwrap();
                std::fs::write(&file, &content).unwrap();
            } else if std::fs::read(&file).ok().as_deref() != Some(content.as_slice()) {
                stale.push(path);
            }
        }
        assert!(
            stale.is_empty(),
            "{stale:?} differ from the CLI definition; run `CYI_UPDATE_GENERATED=1 cargo test generated_files` and commit"
        );
    }
}
