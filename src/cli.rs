//! The command-line definition (clap only: no logic, no I/O).

use std::path::PathBuf;

use clap::{ArgGroup, Args, Parser, Subcommand, ValueEnum};

use crate::settings::ClusterConfigSource;
use crate::types::{ClusterId, CorrelationId, Day, Identifier};

mod insight;
pub use insight::{HistoryArgs, LogsArgs};

#[derive(Debug, Parser)]
#[command(
    name = "cyi",
    version,
    about = "Operate the CYI ingestion product on AWS: start its EMR cluster, stop its clusters, clear its run-state row.",
    long_about = None,
    propagate_version = true,
    after_help = "Exit codes: 0 success (including nothing to do), 1 failed or refused, 2 invalid input or usage, 130 interrupted."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Args)]
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
    /// Launch the CYI cluster for an export date, as the launcher would, after checking the run
    StartCluster(StartClusterArgs),

    /// Where a run is or where it failed, and what to do next; without an id, the whole environment (read-only)
    Status(StatusArgs),

    /// The tail of a run's step log from S3 (the failed step's stderr by default), read-only
    Logs(LogsArgs),

    /// Past clusters of the product: how each run ended, how long it took, what it cost (read-only)
    History(HistoryArgs),

    /// Start a run again: resume from its failed step, or with --fresh from the first step
    Restart(RestartArgs),

    /// Terminate the environment's active CYI clusters (shows the plan and asks first)
    StopClusters(StopClustersArgs),

    /// Clear a run's state row, after archiving it locally (undo with restore-row)
    ClearRow(ClearRowArgs),

    /// Put a cleared row back from the local archive, or list the archive
    RestoreRow(RestoreRowArgs),

    /// List the data product's state rows, newest first (read-only)
    Rows(RowsArgs),

    /// List the environment's active CYI clusters (read-only)
    Clusters,

    /// Print shell completions
    Completions(CompletionsArgs),
}

#[derive(Debug, Args)]
pub struct StopClustersArgs {
    /// Stop only this cluster (repeatable); it must exist, be active and have the environment's cluster name
    #[arg(long = "cluster-id", value_name = "ID")]
    pub cluster_ids: Vec<ClusterId>,

    /// Stop only the clusters tagged Correlation_Id=ID
    #[arg(long, value_name = "ID")]
    pub correlation_id: Option<Identifier>,

    /// Match cluster names with this regular expression instead of the exact cluster name (opt-in; not anchored)
    #[arg(long, value_name = "RE")]
    pub name_regex: Option<String>,

    /// Remove termination protection from protected targets and terminate them too
    #[arg(long)]
    pub force: bool,

    /// Wait until every target is TERMINATED (or TERMINATED_WITH_ERRORS)
    #[arg(long)]
    pub wait: bool,

    /// With --wait: give up after this many seconds
    #[arg(long, value_name = "SECS", default_value_t = 1800, requires = "wait")]
    pub timeout: u64,
}

#[derive(Debug, Args)]
pub struct ClearRowArgs {
    /// The run's correlation id, exactly as stored (quotes, spaces and unicode are kept)
    #[arg(long, value_name = "ID")]
    pub correlation_id: Identifier,

    /// The row's DataProduct [default: the environment's data_product, CYI]
    #[arg(long, value_name = "NAME")]
    pub data_product: Option<Identifier>,

    /// Succeed (exit 0) when there is no such row
    #[arg(long)]
    pub if_exists: bool,

    /// Clear even while the row is IN_PROGRESS and its cluster is still active
    #[arg(long)]
    pub force: bool,

    /// Archive file [default: $XDG_STATE_HOME/cyi/archive.jsonl, ~/.local/state/cyi/archive.jsonl]
    #[arg(long, value_name = "PATH")]
    pub archive: Option<PathBuf>,
}

#[derive(Debug, Args)]
#[command(group(
    ArgGroup::new("which")
        .required(true)
        .multiple(true)
        .args(["correlation_id", "id", "list"])
))]
pub struct RestoreRowArgs {
    /// Restore the latest archived deletion of this correlation id (with --list: show only its entries)
    #[arg(long, value_name = "ID")]
    pub correlation_id: Option<Identifier>,

    /// The row's DataProduct [default: the environment's data_product, CYI]
    #[arg(
        long,
        value_name = "NAME",
        requires = "correlation_id",
        conflicts_with = "id"
    )]
    pub data_product: Option<Identifier>,

    /// Restore this archive entry (its id as `--list` shows it)
    #[arg(long, value_name = "ENTRY", conflicts_with_all = ["correlation_id", "list"])]
    pub id: Option<Identifier>,

    /// Show the archive instead of restoring (no AWS call)
    #[arg(long)]
    pub list: bool,

    /// Archive file [default: $XDG_STATE_HOME/cyi/archive.jsonl, ~/.local/state/cyi/archive.jsonl]
    #[arg(long, value_name = "PATH")]
    pub archive: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct RowsArgs {
    /// The DataProduct whose rows to list [default: the environment's data_product, CYI]
    #[arg(long, value_name = "NAME")]
    pub data_product: Option<Identifier>,

    /// Only rows with this Status
    #[arg(long, value_enum, ignore_case = true)]
    pub status: Option<RowStatus>,
}

/// The values the pipeline writes to a row's `Status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RowStatus {
    #[value(name = "IN_PROGRESS")]
    InProgress,
    #[value(name = "COMPLETED")]
    Completed,
    #[value(name = "FAILED")]
    Failed,
    #[value(name = "CANCELLED")]
    Cancelled,
}

impl RowStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RowStatus::InProgress => "IN_PROGRESS",
            RowStatus::Completed => "COMPLETED",
            RowStatus::Failed => "FAILED",
            RowStatus::Cancelled => "CANCELLED",
        }
    }
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
pub struct StatusArgs {
    /// Show this run: its state row, its cluster, the cluster's steps and what to do next
    #[arg(long, value_name = "ID")]
    pub correlation_id: Option<Identifier>,

    /// The overview of every environment in the config file, queried concurrently
    #[arg(long, conflicts_with = "correlation_id")]
    pub all_envs: bool,
}

#[derive(Debug, Args)]
pub struct RestartArgs {
    /// The run to restart; its state row gives the export date (`Date`)
    #[arg(long, value_name = "ID")]
    pub correlation_id: CorrelationId,

    /// Clear the row first (archived, as clear-row does), so the run begins from the first step
    #[arg(long)]
    pub fresh: bool,

    /// Bucket holding the input files (overrides the environment's input_bucket)
    #[arg(long, value_name = "BUCKET")]
    pub input_bucket: Option<String>,

    /// The launcher's four YAML files (overrides the environment's cluster_config)
    #[arg(long, value_name = "DIR|s3://BUCKET/PREFIX", value_parser = ClusterConfigSource::parse)]
    pub cluster_config: Option<ClusterConfigSource>,

    /// With --fresh: the archive file [default: $XDG_STATE_HOME/cyi/archive.jsonl, ~/.local/state/cyi/archive.jsonl]
    #[arg(long, value_name = "PATH", requires = "fresh")]
    pub archive: Option<PathBuf>,

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

    fn stop_args(args: &[&str]) -> Result<StopClustersArgs, clap::Error> {
        let cli = parse(
            &std::iter::once("stop-clusters")
                .chain(args.iter().copied())
                .collect::<Vec<_>>(),
        )?;
        match cli.command {
            Command::StopClusters(args) => Ok(args),
            other => panic!("parsed as {other:?}"),
        }
    }

    #[test]
    fn stop_clusters_defaults() {
        let args = stop_args(&[]).unwrap();
        assert!(args.cluster_ids.is_empty());
        assert!(args.correlation_id.is_none() && args.name_regex.is_none());
        assert!(!args.force && !args.wait);
        assert_eq!(args.timeout, 1800);
    }

    #[test]
    fn stop_clusters_takes_repeated_cluster_ids_and_every_flag() {
        let args = stop_args(&[
            "--cluster-id",
            "j-AAA",
            "--cluster-id",
            "j-BBB",
            "--correlation-id",
            "run 1",
            "--name-regex",
            "^cyi",
            "--force",
            "--wait",
            "--timeout",
            "60",
            "--yes",
        ])
        .unwrap();
        let ids: Vec<_> = args.cluster_ids.iter().map(ClusterId::as_str).collect();
        assert_eq!(ids, ["j-AAA", "j-BBB"]);
        assert_eq!(args.correlation_id.unwrap().as_str(), "run 1");
        assert_eq!(args.name_regex.as_deref(), Some("^cyi"));
        assert!(args.force && args.wait);
        assert_eq!(args.timeout, 60);
    }

    #[test]
    fn stop_clusters_rejects_bad_values() {
        let err = stop_args(&["--cluster-id", "cyi"]).unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::ValueValidation);
        assert!(err.to_string().contains("--cluster-id"), "{err}");
        let err = stop_args(&["--correlation-id", ""]).unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::ValueValidation);
        assert!(stop_args(&["--wait", "--timeout", "soon"]).is_err());
        let err = stop_args(&["--timeout", "60"]).unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::MissingRequiredArgument);
    }

    #[test]
    fn clear_row_keeps_the_id_exactly_and_rejects_empty() {
        let cli = parse(&[
            "clear-row",
            "--correlation-id",
            "a \"b\" $(c)\nd",
            "--force",
        ])
        .unwrap();
        let Command::ClearRow(args) = cli.command else {
            panic!("not clear-row");
        };
        assert_eq!(args.correlation_id.as_str(), "a \"b\" $(c)\nd");
        assert!(args.force && !args.if_exists && args.data_product.is_none());
        let err = parse(&["clear-row", "--correlation-id", ""]).unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::ValueValidation);
        assert!(err.to_string().contains("--correlation-id"), "{err}");
        let err = parse(&["clear-row", "--correlation-id", "x", "--data-product", ""]).unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::ValueValidation);
        let err = parse(&["clear-row"]).unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::MissingRequiredArgument);
    }

    #[test]
    fn restore_row_needs_exactly_one_way_to_choose() {
        assert!(parse(&["restore-row", "--list"]).is_ok());
        assert!(parse(&["restore-row", "--id", "20261124T1-ab"]).is_ok());
        assert!(
            parse(&[
                "restore-row",
                "--correlation-id",
                "c",
                "--data-product",
                "P"
            ])
            .is_ok()
        );
        assert!(parse(&["restore-row", "--list", "--correlation-id", "c"]).is_ok());
        let err = parse(&["restore-row"]).unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::MissingRequiredArgument);
        let err = parse(&["restore-row", "--id", "x", "--correlation-id", "c"]).unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::ArgumentConflict);
        let err = parse(&["restore-row", "--id", "x", "--list"]).unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::ArgumentConflict);
        assert!(parse(&["restore-row", "--id", "x", "--data-product", "P"]).is_err());
    }

    #[test]
    fn rows_status_is_one_of_the_pipelines() {
        let cli = parse(&["rows", "--status", "in_progress"]).unwrap();
        let Command::Rows(args) = cli.command else {
            panic!("not rows");
        };
        assert_eq!(args.status.map(RowStatus::as_str), Some("IN_PROGRESS"));
        let err = parse(&["rows", "--status", "DONE"]).unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::InvalidValue);
        assert!(err.to_string().contains("FAILED"), "{err}");
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
    #[test]
    fn status_takes_an_optional_id() {
        let cli = parse(&["status"]).unwrap();
        let Command::Status(args) = cli.command else {
            panic!("not status");
        };
        assert!(args.correlation_id.is_none());
        let cli = parse(&["status", "--correlation-id", "it's 1"]).unwrap();
        let Command::Status(args) = cli.command else {
            panic!("not status");
        };
        assert_eq!(args.correlation_id.unwrap().as_str(), "it's 1");
        let err = parse(&["status", "--correlation-id", ""]).unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::ValueValidation);
    }

    #[test]
    fn restart_needs_an_id_and_archive_only_with_fresh() {
        let cli = parse(&[
            "restart",
            "--correlation-id",
            "run-1",
            "--fresh",
            "--archive",
            "/tmp/a.jsonl",
            "--input-bucket",
            "in",
            "--cluster-config",
            "./cfg",
            "--wait",
            "--timeout",
            "60",
        ])
        .unwrap();
        let Command::Restart(args) = cli.command else {
            panic!("not restart");
        };
        assert_eq!(args.correlation_id.as_str(), "run-1");
        assert!(args.fresh && args.wait);
        assert_eq!(args.timeout, 60);
        assert_eq!(args.input_bucket.as_deref(), Some("in"));
        assert!(matches!(
            args.cluster_config,
            Some(ClusterConfigSource::Local(_))
        ));
        let cli = parse(&["restart", "--correlation-id", "run-1"]).unwrap();
        let Command::Restart(args) = cli.command else {
            panic!("not restart");
        };
        assert!(!args.fresh && !args.wait && args.archive.is_none());

        let err = parse(&["restart"]).unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::MissingRequiredArgument);
        let err = parse(&["restart", "--correlation-id", "r", "--archive", "a"]).unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::MissingRequiredArgument);
        let err = parse(&["restart", "--correlation-id", "a;b"]).unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::ValueValidation);
        assert!(parse(&["restart", "--correlation-id", "r", "--timeout", "5"]).is_err());
    }
}
