//! `cyi`: operate the CYI ingestion product on AWS.

pub mod archive;
pub mod aws;
pub mod cli;
pub mod commands;
pub mod confirm;
pub mod error;
pub mod generation;
pub mod launch;
pub mod prompt;
pub mod render;
pub mod row;
pub mod settings;
pub mod types;

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use dialoguer::console::style;

use crate::aws::Aws;
use crate::cli::{Cli, Command, OutputFormat};
use crate::error::{Error, Result};
use crate::render::{SharedWriter, Ui};
use crate::settings::Settings;

/// Runs one parsed command line, writing the result to `out` and messages to `err`.
pub fn run(cli: Cli, out: &mut dyn Write, err: &SharedWriter) -> Result<ExitCode> {
    if let Command::Completions(args) = &cli.command {
        generation::completions(args.shell, out)?;
        return Ok(ExitCode::SUCCESS);
    }
    let settings = Settings::load(&cli, std::io::stderr().is_terminal())?;
    dialoguer::console::set_colors_enabled_stderr(settings.color);
    dialoguer::console::set_colors_enabled(settings.color);
    let mut messages = err.clone();
    for note in &settings.notes {
        writeln!(messages, "{} {note}", style("note:").cyan().for_stderr())
            .map_err(|e| Error::io("cannot write to stderr", e))?;
    }
    let mut ui = Ui {
        out,
        err: &mut messages,
        format: settings.output,
    };
    // The archive is a local file: listing it needs no region and no credentials.
    if let Command::RestoreRow(args) = &cli.command
        && args.list
    {
        return commands::restore_row::list(&mut ui, args);
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::io("cannot start the async runtime", e))?;
    runtime.block_on(async {
        let aws = Aws::connect(&settings.aws, err).await?;
        match &cli.command {
            Command::Clusters => commands::clusters::run(&settings, &aws, &mut ui).await,
            Command::StopClusters(args) => {
                commands::stop_clusters::run(&settings, args, &aws, &mut ui).await
            }
            Command::ClearRow(args) => {
                commands::clear_row::run(&settings, &aws, &mut ui, args).await
            }
            Command::RestoreRow(args) => {
                commands::restore_row::run(&settings, &aws, &mut ui, args).await
            }
            Command::Rows(args) => commands::rows::run(&settings, &aws, &mut ui, args).await,
            Command::StartCluster(args) => {
                commands::start_cluster::run(&settings, &aws, &mut ui, args).await
            }
            Command::Status(args) => commands::status::run(&settings, &aws, &mut ui, args).await,
            Command::Restart(args) => commands::restart::run(&settings, &aws, &mut ui, args).await,
            Command::Completions(_) => Ok(ExitCode::SUCCESS),
        }
    })
}

/// A command line that did not parse: clap's message (or `--help`/`--version`) as clap
/// prints it, and with `--output json` also an error document on stdout.
pub fn finish_parse_error(error: clap::Error, json: bool, out: &mut dyn Write) -> ExitCode {
    if error.use_stderr() && json {
        let rendered = error.render().to_string();
        let first = rendered.lines().next().unwrap_or_default();
        let message = first.strip_prefix("error: ").unwrap_or(first);
        let _ = render::write_document(out, &Error::usage(message).to_json());
    }
    let _ = error.print();
    ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(error::EXIT_USAGE))
}

/// The exit code of a run, printing a failure in the one place that does: the human
/// line (and hint) on stderr and, with `--output json`, an error document on stdout.
/// A reader that went away early (`cyi … | head -1`) is not a failure.
pub fn finish(
    result: Result<ExitCode>,
    format: OutputFormat,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> ExitCode {
    let error = match result {
        Ok(code) => return code,
        Err(error) if error.is_broken_pipe() => return ExitCode::SUCCESS,
        Err(error) => error,
    };
    let _ = out.flush();
    if format == OutputFormat::Json {
        let _ = render::write_document(out, &error.to_json());
    }
    if let Error::Cancelled = error {
        // Ctrl-C: one plain line, and the cursor back in case anything had hidden it.
        let _ = dialoguer::console::Term::stderr().show_cursor();
        let _ = writeln!(err, "{error}");
        return error.to_exit_code();
    }
    let _ = writeln!(err, "{} {error}", style("error:").red().bold().for_stderr());
    if let Some(hint) = error.hint() {
        let _ = writeln!(err, "{} {hint}", style("hint:").yellow().for_stderr());
    }
    error.to_exit_code()
}
