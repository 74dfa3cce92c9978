//! `cyi`: operate the CYI ingestion product on AWS.

pub mod archive;
pub mod aws;
pub mod cli;
pub mod commands;
pub mod confirm;
pub mod error;
pub mod generation;
pub mod launch;
pub mod local_file;
pub mod render;
pub mod row;
pub mod settings;
pub mod stop;
pub mod types;

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use crate::aws::Aws;
use crate::cli::{Cli, Command};
use crate::error::{Error, Result};
use crate::render::Ui;
use crate::render::escape::Escaped;
use crate::settings::Settings;

/// Runs one parsed command line, writing the result to `out` and messages to `err`.
pub fn run(cli: Cli, out: &mut dyn Write, err: &mut dyn Write) -> Result<ExitCode> {
    if let Command::Completions(args) = &cli.command {
        generation::completions(args.shell, out);
        return Ok(ExitCode::SUCCESS);
    }
    let settings = Settings::load(&cli.global, std::io::stderr().is_terminal())?;
    dialoguer::console::set_colors_enabled_stderr(settings.color);
    dialoguer::console::set_colors_enabled(settings.color);
    // Human output is escaped on its way out, whatever wrote it (see render::escape);
    // a JSON document is not (its escaping is JSON's, and its values stay exact).
    let mut human_out;
    let out: &mut dyn Write = if settings.output == cli::OutputFormat::Json {
        out
    } else {
        human_out = Escaped::new(out);
        &mut human_out
    };
    let mut err = Escaped::new(err);
    let mut ui = Ui {
        out,
        err: &mut err,
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
        let aws = Aws::connect(&settings.aws).await?;
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
            Command::Completions(_) => unreachable!("handled before the runtime starts"),
        }
    })
}
