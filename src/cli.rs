//! The command-line definition (clap only: no logic, no I/O).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "cyi",
    version,
    about = "Operate the CYI ingestion product on AWS: start its EMR cluster, stop its clusters, clear its run-state row.",
    long_about = None,
    propagate_version = true,
    after_help = "Exit codes: 0 success (including nothing to do), 1 failed or refused, 2 invalid input or usage."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Environment to act on, from the config file (e.g. dev, production) [env: CYI_ENV]
    #[arg(long = "env", global = true, value_name = "NAME")]
    pub env: Option<String>,

    /// Config file [default: $CYI_CONFIG, ./cyi.toml, ~/.config/cyi/config.toml]
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// AWS region (overrides the environment's)
    #[arg(long, global = true, value_name = "REGION")]
    pub region: Option<String>,

    /// AWS shared-config profile (overrides the environment's)
    #[arg(long, global = true, value_name = "PROFILE")]
    pub profile: Option<String>,

    /// Send every AWS call to this endpoint, e.g. a local sandbox (overrides the environment's)
    #[arg(long, global = true, value_name = "URL")]
    pub endpoint_url: Option<String>,

    /// Answer yes to confirmations (a protected environment also needs --confirm-env)
    #[arg(short = 'y', long, global = true)]
    pub yes: bool,

    /// Name the protected environment being changed, in place of typing it at the prompt
    #[arg(long, global = true, value_name = "NAME")]
    pub confirm_env: Option<String>,

    /// Show what would be done and change nothing
    #[arg(long, global = true)]
    pub dry_run: bool,

    /// Output format: a table for people, or one JSON document on stdout
    #[arg(long, global = true, value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,

    /// Show each AWS call on stderr
    #[arg(short, long, global = true)]
    pub verbose: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Table,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the environment's active CYI clusters (read-only)
    Clusters,

    /// Print shell completions
    Completions(CompletionsArgs),
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to print completions for
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("cyi").chain(args.iter().copied()))
    }

    #[test]
    fn definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn global_options_work_after_the_subcommand() {
        let cli = parse(&["clusters", "--env", "dev", "--output", "json", "-y", "-v"]).unwrap();
        assert_eq!(cli.global.env.as_deref(), Some("dev"));
        assert_eq!(cli.global.output, OutputFormat::Json);
        assert!(cli.global.yes && cli.global.verbose);
    }

    #[test]
    fn unknown_output_format_is_rejected() {
        let err = parse(&["clusters", "--output", "yaml"]).unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::InvalidValue);
    }

    #[test]
    fn completions_needs_a_known_shell() {
        assert!(parse(&["completions", "bash"]).is_ok());
        assert!(parse(&["completions", "tcsh"]).is_err());
    }
}
