//! The command-line definition (clap only: no logic, no I/O).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::settings::ClusterConfigSource;
use crate::types::{CorrelationId, Day};

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

    /// Launch the CYI cluster for an export date, as the launcher would, after checking the run
    StartCluster(StartClusterArgs),

    /// Print shell completions
    Completions(CompletionsArgs),
}

#[derive(Debug, Args)]
pub struct StartClusterArgs {
    /// The day whose files to load
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub export_date: Day,

    /// The run's id: the state row's key and the cluster's Correlation_Id tag
    #[arg(long, value_name = "ID")]
    pub correlation_id: CorrelationId,

    /// Load every day from this one up to the export date (a historical backfill)
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub start_date: Option<Day>,

    /// Input prefix handed to the steps [default: <cluster_name>/<export-date>]
    #[arg(long, value_name = "PREFIX")]
    pub s3_prefix: Option<String>,

    /// Bucket holding the input files (overrides the environment's input_bucket)
    #[arg(long, value_name = "BUCKET")]
    pub input_bucket: Option<String>,

    /// The launcher's four YAML files (overrides the environment's cluster_config)
    #[arg(long, value_name = "DIR|s3://BUCKET/PREFIX", value_parser = ClusterConfigSource::parse)]
    pub cluster_config: Option<ClusterConfigSource>,

    /// Launch even when a check fails (a finished or running run, no input data)
    #[arg(long)]
    pub force: bool,

    /// After launch, follow the cluster until it is WAITING/RUNNING or has ended
    #[arg(long)]
    pub wait: bool,

    /// How long --wait follows the cluster
    #[arg(long, value_name = "SECS", default_value_t = 3600, requires = "wait")]
    pub timeout: u64,
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

    #[test]
    fn start_cluster_needs_a_date_and_an_id() {
        let cli = parse(&[
            "start-cluster",
            "--export-date",
            "2021-04-01",
            "--correlation-id",
            "run 1",
            "--start-date",
            "2021-03-30",
            "--cluster-config",
            "s3://cfg/emr/cyi",
            "--wait",
            "--timeout",
            "60",
        ])
        .unwrap();
        let Command::StartCluster(args) = cli.command else {
            panic!("not start-cluster");
        };
        assert_eq!(args.export_date.to_string(), "2021-04-01");
        assert_eq!(args.correlation_id.as_str(), "run 1");
        assert_eq!(args.start_date.unwrap().to_string(), "2021-03-30");
        assert!(matches!(
            args.cluster_config,
            Some(ClusterConfigSource::S3 { .. })
        ));
        assert!(args.wait && !args.force);
        assert_eq!(args.timeout, 60);

        for argv in [
            &["start-cluster", "--correlation-id", "x"][..],
            &["start-cluster", "--export-date", "2021-04-01"][..],
            &[
                "start-cluster",
                "--export-date",
                "2021-02-30",
                "--correlation-id",
                "x",
            ][..],
            &[
                "start-cluster",
                "--export-date",
                "2021-04-01",
                "--correlation-id",
                "a;b",
            ][..],
            &[
                "start-cluster",
                "--export-date",
                "2021-04-01",
                "--correlation-id",
                "",
            ][..],
            &[
                "start-cluster",
                "--export-date",
                "2021-04-01",
                "--correlation-id",
                "x",
                "--timeout",
                "5",
            ][..],
        ] {
            assert!(parse(argv).is_err(), "{argv:?} accepted");
        }
    }
}
