//! `cyi`: operate the CYI ingestion product on AWS.

pub mod aws;
pub mod cli;
pub mod commands;
pub mod confirm;
pub mod error;
pub mod generation;
pub mod history;
pub mod launch;
pub mod local_file;
pub mod logs;
pub mod output;
pub mod prompt;
pub mod render;
pub mod row;
pub mod settings;
pub mod stop;
pub mod text;
pub mod types;

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use dialoguer::console::style;

use crate::aws::Aws;
use crate::cli::{Cli, Command, OutputFormat};
use crate::error::{Error, Result};
use crate::output::{Ui, Watched};
use crate::settings::Settings;
use crate::text::SharedWriter;
use crate::text::escape::{Escaped, escape};

/// The options a suggested command must repeat to act where this one acts: the
/// environment whenever it was chosen (by `--env` or `CYI_ENV`, not by the config's
/// default), and the connection options given on the command line.
fn target_options<'a>(cli: &'a Cli, settings: &'a Settings) -> Vec<(&'static str, &'a str)> {
    let g = &cli.global;
    let mut options = Vec::new();
    if let Some(config) = g.config.as_deref().and_then(std::path::Path::to_str) {
        options.push(("--config", config));
    }
    if g.env.is_some() || std::env::var_os("CYI_ENV").is_some() {
        options.push(("--env", settings.env_name.as_str()));
    }
    let flags = [
        ("--profile", &g.profile),
        ("--region", &g.region),
        ("--endpoint-url", &g.endpoint_url),
    ];
    for (flag, value) in flags {
        if let Some(value) = value {
            options.push((flag, value.as_str()));
        }
    }
    options
}

/// Runs one parsed command line, writing the result to `out` and messages to `err`.
pub fn run(cli: Cli, out: &mut dyn Write, err: &SharedWriter) -> Result<ExitCode> {
    if let Command::Completions(args) = &cli.command {
        generation::completions(args.shell, out)?;
        return Ok(ExitCode::SUCCESS);
    }
    // Human output is escaped on its way out, whatever wrote it (see text::escape);
    // a JSON document is not: JSON escapes its own, and its values stay exact.
    let mut human_out;
    let out: &mut dyn Write = if cli.global.output == OutputFormat::Json {
        out
    } else {
        human_out = Escaped::new(out);
        &mut human_out
    };
    let mut messages = Escaped::new(err.clone());
    if let Command::Status(args) = &cli.command
        && args.all_envs
    {
        return all_envs(&cli, out, &mut messages, err);
    }
    let settings = Settings::load(&cli, std::io::stderr().is_terminal())?;
    text::set_target_options(&target_options(&cli, &settings));
    dialoguer::console::set_colors_enabled_stderr(settings.color);
    dialoguer::console::set_colors_enabled(settings.color);
    for note in &settings.notes {
        let note = escape(note);
        let note = text::one_line(&note);
        writeln!(err.clone(), "{} {note}", style("note:").cyan().for_stderr())
            .map_err(|e| Error::io("cannot write to stderr", e))?;
    }
    let mut ui = Ui::new(out, &mut messages, settings.output);
    let result = run_command(&cli, &settings, &mut ui, err);
    ui.finish(result)
}

/// The command itself, after the settings: whatever document it makes is kept in `ui`.
fn run_command(
    cli: &Cli,
    settings: &Settings,
    ui: &mut Ui<'_>,
    err: &SharedWriter,
) -> Result<ExitCode> {
    // The archive is a local file: listing it needs no region and no credentials.
    if let Command::RestoreRow(args) = &cli.command
        && args.list
    {
        return commands::restore_row::list(ui, args);
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::io("cannot start the async runtime", e))?;
    runtime.block_on(async {
        let aws = Aws::connect(&settings.aws, err).await?;
        match &cli.command {
            Command::Clusters => commands::clusters::run(settings, &aws, ui).await,
            Command::StopClusters(args) => {
                commands::stop_clusters::run(settings, args, &aws, ui).await
            }
            Command::ClearRow(args) => commands::clear_row::run(settings, &aws, ui, args).await,
            Command::RestoreRow(args) => commands::restore_row::run(settings, &aws, ui, args).await,
            Command::Rows(args) => commands::rows::run(settings, &aws, ui, args).await,
            Command::StartCluster(args) => {
                commands::start_cluster::run(settings, &aws, ui, args).await
            }
            Command::Status(args) => commands::status::run(settings, &aws, ui, args).await,
            Command::Logs(args) => commands::logs::run(settings, &aws, ui, args).await,
            Command::History(args) => commands::history::run(settings, &aws, ui, args).await,
            Command::Restart(args) => commands::restart::run(settings, &aws, ui, args).await,
            Command::Completions(_) => Ok(ExitCode::SUCCESS),
        }
    })
}

/// A command line that did not parse: clap's message (or `--help`/`--version`) as clap
/// prints it, and with `--output json` also an error document on stdout.
pub fn finish_parse_error(
    error: clap::Error,
    json: bool,
    out: &mut dyn Write,
    args: &[std::ffi::OsString],
) -> ExitCode {
    if error.use_stderr() && json {
        let rendered = error.render().to_string();
        let first = rendered.lines().next().unwrap_or_default();
        let message = first.strip_prefix("error: ").unwrap_or(first);
        let _ = output::write_document(out, &Error::usage(message).to_json());
    }
    if words_need_escaping(args) {
        // clap quotes the command line's words as they are (on a terminal, escape
        // sequences and all): then the plain message, escaped, in place of clap's own,
        // with each such word shown on one line wherever clap quoted it.
        let text = shown_words(&error.render().to_string(), args);
        let _ = if error.use_stderr() {
            write!(std::io::stderr(), "{}", escape(&text))
        } else {
            write!(out, "{}", escape(&text))
        };
    } else {
        let _ = error.print();
    }
    ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(error::EXIT_USAGE))
}

/// Some word of the command line holds a character a terminal would act on, or a
/// line break that would make clap's message show a line of its own.
fn words_need_escaping(args: &[std::ffi::OsString]) -> bool {
    args.iter().any(|a| needs_showing(&a.to_string_lossy()))
}

fn needs_showing(word: &str) -> bool {
    word.chars()
        .any(|c| c == '\n' || c == '\r' || text::escape::is_unsafe(c))
}

/// clap's message with every word of the command line that needs it shown escaped
/// and on one line (`\n` for a newline).
fn shown_words(message: &str, args: &[std::ffi::OsString]) -> String {
    let mut message = message.to_owned();
    for word in args.iter().map(|a| a.to_string_lossy()) {
        if needs_showing(&word) {
            let shown = escape(&word).replace('\n', "\\n");
            message = message.replace(&*word, &shown);
        }
    }
    message
}

/// The exit code of a run, printing a failure in the one place that does: the human
/// line (and hint) on stderr and, with `--output json`, an error document on stdout
/// unless the command already printed its own document there. A reader that went away
/// early (`cyi … | head -1`) is not a failure.
pub fn finish<W: Write>(
    result: Result<ExitCode>,
    format: OutputFormat,
    out: &mut Watched<W>,
    err: &mut dyn Write,
) -> ExitCode {
    let error = match result {
        Ok(code) => return code,
        Err(error) if error.is_broken_pipe() => return ExitCode::SUCCESS,
        Err(error) => error,
    };
    let _ = out.flush();
    if format == OutputFormat::Json && !out.used() {
        let _ = output::write_document(out, &error.to_json());
    }
    if let Error::Cancelled = error {
        // Ctrl-C: one plain line, and the cursor back in case anything had hidden it.
        let _ = dialoguer::console::Term::stderr().show_cursor();
        let _ = writeln!(err, "{error}");
        return error.to_exit_code();
    }
    // The one place an error is printed. Its message may quote input, a file or AWS:
    // escaped, unlike the label's own styling, and one line whatever a value held.
    let message = escape(&error.to_string()).into_owned();
    // A config error may be TOML's own layout (place, line, caret), made one line at
    // each of its other sources; every other message is one line here.
    let message = match error {
        Error::Config { .. } => message,
        _ => text::one_line(&message).into_owned(),
    };
    let _ = writeln!(
        err,
        "{} {message}",
        style("error:").red().bold().for_stderr()
    );
    if let Some(hint) = error.hint() {
        let hint = escape(hint);
        let hint = text::one_line(&hint);
        let _ = writeln!(err, "{} {hint}", style("hint:").yellow().for_stderr());
    }
    error.to_exit_code()
}

/// `status --all-envs`: one Settings per environment, no selected environment needed.
fn all_envs(
    cli: &Cli,
    out: &mut dyn Write,
    messages: &mut dyn Write,
    log: &SharedWriter,
) -> Result<ExitCode> {
    let all = settings::load_all(&cli.global, std::io::stderr().is_terminal())?;
    let mut ui = Ui::new(out, messages, cli.global.output);
    let result = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::io("cannot start the async runtime", e))
        .and_then(|runtime| runtime.block_on(commands::all_envs::run(&all, &mut ui, log)));
    ui.finish(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finished(error: Error, format: OutputFormat, printed: &str) -> (ExitCode, String, String) {
        let mut out = Watched::new(Vec::new());
        out.write_all(printed.as_bytes()).unwrap();
        let mut err = Vec::new();
        let code = finish(Err(error), format, &mut out, &mut err);
        let out = String::from_utf8(out.inner_for_test()).unwrap();
        (code, out, String::from_utf8(err).unwrap())
    }

    #[test]
    fn a_json_failure_prints_one_document_and_never_a_second() {
        let (code, out, err) = finished(Error::usage("bad"), OutputFormat::Json, "");
        assert_eq!(code, ExitCode::from(2));
        let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(doc["error"]["message"], "bad");
        assert!(err.contains("bad"), "{err}");
        let (_, out, _) = finished(Error::Declined, OutputFormat::Json, "{\"plan\": 1}\n");
        assert_eq!(out, "{\"plan\": 1}\n");
        let (_, out, _) = finished(Error::usage("bad"), OutputFormat::Table, "");
        assert!(out.is_empty());
    }

    #[test]
    fn a_command_line_word_with_a_control_character_is_noticed() {
        let words = |w: &[&str]| w.iter().map(std::ffi::OsString::from).collect::<Vec<_>>();
        assert!(!words_need_escaping(&words(&[
            "cyi", "rows", "--env", "dév"
        ])));
        assert!(words_need_escaping(&words(&["cyi", "x\u{1b}[2J"])));
        assert!(words_need_escaping(&words(&["cyi", "--env", "a\u{9b}"])));
        assert!(words_need_escaping(&words(&["cyi", "a\u{202e}b"])));
        assert!(words_need_escaping(&words(&["cyi", "a\nerror: forged"])));
        assert_eq!(
            shown_words(
                "error: invalid value 'a\nerror: forged' for '--x'\n\nFor more",
                &words(&["cyi", "--x", "a\nerror: forged"])
            ),
            "error: invalid value 'a\\nerror: forged' for '--x'\n\nFor more"
        );
    }

    #[test]
    fn an_error_quoting_outside_text_is_printed_escaped() {
        let error = Error::usage_hint("no row 'a\u{1b}[2J'", "try \u{9b}1m");
        let (_, out, err) = finished(error, OutputFormat::Json, "");
        assert_eq!(err, "error: no row 'a\\x1b[2J'\nhint: try \\u{9b}1m\n");
        // A value holding a newline cannot add a line of its own.
        let error = Error::usage_hint("no row 'a\nerror: forged'", "b\nhint: forged");
        let (_, _, shown) = finished(error, OutputFormat::Table, "");
        assert_eq!(
            shown,
            "error: no row 'a\\nerror: forged'\nhint: b\\nhint: forged\n"
        );
        // The JSON document keeps the exact text.
        let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(doc["error"]["message"], "no row 'a\u{1b}[2J'");
    }

    #[test]
    fn a_closed_pipe_is_success_and_ctrl_c_one_plain_line() {
        let pipe = Error::io("x", std::io::ErrorKind::BrokenPipe.into());
        let (code, out, err) = finished(pipe, OutputFormat::Json, "");
        assert_eq!(code, ExitCode::SUCCESS);
        assert!(out.is_empty() && err.is_empty());
        let (code, _, err) = finished(Error::Cancelled, OutputFormat::Table, "");
        assert_eq!(code, ExitCode::from(130));
        assert_eq!(err, "cancelled; nothing was changed\n");
    }
}
