//! Shell completions and the man pages (`cyi(1)` and one `cyi-<subcommand>(1)` each),
//! generated from the clap definition. The copies committed under `completions/` and
//! `docs/` are checked against it by a test.

use std::ffi::OsStr;
use std::io::Write;
use std::process::ExitCode;

use clap_complete::Shell;
use clap_complete::engine::{ArgValueCompleter, CompletionCandidate};
use clap_complete::env::{CompleteEnv, Shells};
use clap_mangen::roff::{Roff, bold, italic, roman};

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
/// Where the man pages live: `cyi.1` and `cyi-<subcommand>.1`.
pub const MAN_DIR: &str = "docs";

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

/// `cyi(1)`: clap's sections, then ENVIRONMENT, FILES, EXIT STATUS and EXAMPLES.
pub fn man_page(out: &mut dyn Write) -> std::io::Result<()> {
    // No `help` subcommand here: it has no page of its own to point to.
    let man = clap_mangen::Man::new(cli::command_for_docs());
    man.render_title(out)?;
    man.render_name_section(out)?;
    man.render_synopsis_section(out)?;
    man.render_description_section(out)?;
    man.render_options_section(out)?;
    man.render_subcommands_section(out)?;
    man_sections().to_writer(out)?;
    man.render_version_section(out)
}

/// One page per subcommand, named as `cyi(1)` refers to them: (file name, page).
pub fn subcommand_man_pages() -> std::io::Result<Vec<(String, Vec<u8>)>> {
    let mut cli = cli::command_for_docs();
    cli.build();
    let mut pages = Vec::new();
    for command in cli.get_subcommands().filter(|c| !c.is_hide_set()) {
        let man = clap_mangen::Man::new(command.clone());
        let mut page = Vec::new();
        man.render(&mut page)?;
        pages.push((man.get_filename(), page));
    }
    Ok(pages)
}

/// A `.TP` entry: a bold term and its text.
fn entry(roff: &mut Roff, term: &str, text: &str) {
    roff.control("TP", []);
    roff.text([bold(term)]);
    roff.text([roman(text)]);
}

fn man_sections() -> Roff {
    let mut roff = Roff::default();
    roff.control("SH", ["ENVIRONMENT"]);
    for (name, text) in [
        ("CYI_CONFIG", "The config file, when --config is not given."),
        (
            "CYI_ENV",
            "The environment, when --env is not given (before default_env in the file).",
        ),
        (
            "AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL",
            "The standard AWS settings, used when neither a flag nor the selected environment sets profile, region or endpoint.",
        ),
        (
            "AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN",
            "Credentials, through the standard AWS credential chain (also the shared files, SSO and role profiles); the source of a profile with credential_source = Environment.",
        ),
        (
            "CYI_MFA_CODE",
            "The MFA code for a role that needs one (6 digits), instead of the prompt; as --mfa-code.",
        ),
        (
            "CYI_NO_CACHE",
            "Set (not 0 or false): neither read nor write the role session cache; as --no-cache.",
        ),
        (
            "XDG_CONFIG_HOME",
            "Where the default config file is looked for (~/.config when unset).",
        ),
        (
            "XDG_STATE_HOME",
            "Where the archive of cleared rows is kept (~/.local/state when unset).",
        ),
        (
            "NO_COLOR",
            "Set to anything: no colour, even on a terminal.",
        ),
    ] {
        entry(&mut roff, name, text);
    }
    roff.control("SH", ["FILES"]);
    for (name, text) in [
        (
            "./cyi.toml",
            "The config file, when neither --config nor CYI_CONFIG names one.",
        ),
        (
            "$XDG_CONFIG_HOME/cyi/config.toml",
            "The config file otherwise (~/.config/cyi/config.toml): one [env.NAME] table per environment.",
        ),
        (
            "$XDG_STATE_HOME/cyi/archive.jsonl",
            "The archive of cleared rows (~/.local/state/cyi/archive.jsonl), one JSON line per row; cyi restore-row reads it.",
        ),
    ] {
        entry(&mut roff, name, text);
    }
    roff.control("SH", ["EXIT STATUS"]);
    for (code, text) in [
        ("0", "Success, including \"nothing to do\"."),
        (
            "1",
            "The operation failed, was declined, or a safety check refused it.",
        ),
        (
            "2",
            "Invalid input or usage: a bad flag or value (an MFA code that is not 6 digits, or that STS refused), a config error, or a confirmation or MFA code that cannot be asked.",
        ),
        (
            "130",
            "Interrupted by Ctrl-C (at a confirmation or MFA prompt, nothing was changed).",
        ),
    ] {
        entry(&mut roff, code, text);
    }
    roff.control("SH", ["EXAMPLES"]);
    for (command, text) in [
        (
            "cyi status",
            "Where the runs are: active clusters and IN_PROGRESS / FAILED rows.",
        ),
        (
            "cyi start-cluster --export-date 2026-11-23 --correlation-id cyi-2026-11-23-b --dry-run",
            "The plan and checks of a launch, changing nothing.",
        ),
        (
            "cyi stop-clusters --correlation-id cyi-2026-11-23-b",
            "Terminate that run's clusters, after a confirmation.",
        ),
        (
            "cyi restart --correlation-id cyi-2026-11-20-a --fresh",
            "Start a failed run again from its first step (its row is archived, then cleared).",
        ),
        (
            "cyi --env production --yes --confirm-env production clear-row --correlation-id ID",
            "Clear a row in a protected environment from a script.",
        ),
    ] {
        roff.control("TP", []);
        roff.text([bold(command)]);
        roff.text([roman(text)]);
    }
    roff.control("SH", ["SEE ALSO"]);
    roff.text([
        italic("docs/RUNBOOK.md"),
        roman(" and "),
        italic("docs/commands/"),
        roman(" in the source tree; the subcommands' own pages, cyi-start-cluster(1) and the others listed above."),
    ]);
    roff
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
        let mut expected: Vec<(String, Vec<u8>)> = COMPLETION_FILES
            .iter()
            .map(|(path, shell)| {
                let mut buf = Vec::new();
                completions(*shell, &mut buf).unwrap();
                ((*path).to_owned(), buf)
            })
            .collect();
        let mut man = Vec::new();
        man_page(&mut man).unwrap();
        expected.push((MAN_PAGE.to_owned(), man));
        for (name, page) in subcommand_man_pages().unwrap() {
            expected.push((format!("{MAN_DIR}/{name}"), page));
        }

        let mut stale = Vec::new();
        for (path, content) in expected {
            let file = root.join(&path);
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

    /// `cyi(1)` has the sections an operator looks for, and every page it names is
    /// shipped: one per subcommand.
    #[test]
    fn the_man_page_names_only_shipped_pages() {
        let mut page = Vec::new();
        man_page(&mut page).unwrap();
        let page = String::from_utf8(page).unwrap();
        for section in ["ENVIRONMENT", "FILES", "EXIT STATUS", "EXAMPLES"] {
            assert!(
                page.contains(&format!(".SH {section}\n"))
                    || page.contains(&format!(".SH \"{section}\"\n")),
                "cyi(1) lacks {section}"
            );
        }
        let shipped: Vec<String> = subcommand_man_pages()
            .unwrap()
            .into_iter()
            .map(|(name, _)| name)
            .collect();
        let named: Vec<String> = page
            .split("cyi\\-")
            .skip(1)
            .filter_map(|rest| rest.split_once("(1)"))
            .map(|(name, _)| format!("cyi-{}.1", name.replace("\\-", "-")))
            .collect();
        assert!(!named.is_empty(), "cyi(1) names no subcommand page");
        for name in &named {
            assert!(
                shipped.contains(name),
                "cyi(1) names {name}, which is not generated"
            );
        }
        for command in cli::command()
            .get_subcommands()
            .filter(|c| c.get_name() != "help")
        {
            let name = format!("cyi-{}.1", command.get_name());
            assert!(shipped.contains(&name), "no page {name}");
        }
    }
}
