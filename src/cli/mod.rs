//! The command-line definition (clap only: no logic, no I/O).

use std::path::PathBuf;

use clap::{ArgGroup, Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use clap_complete::engine::ArgValueCompleter;

use crate::types::{ClusterConfigSource, ClusterId, CorrelationId, Day, Identifier};

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
#[command(next_help_heading = "Global options")]
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

    /// The MFA code for a role that needs one, instead of the prompt [env: CYI_MFA_CODE]
    #[arg(long, global = true, value_name = "CODE")]
    pub mfa_code: Option<String>,

    /// Neither read nor write the role session cache ~/.aws/cli/cache [env: CYI_NO_CACHE]
    #[arg(long, global = true)]
    pub no_cache: bool,
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

/// Commands that change nothing: they accept the confirmation flags (scripts pass them
/// everywhere) but their help does not advertise them.
pub const READ_ONLY_COMMANDS: [&str; 6] = [
    "status",
    "rows",
    "clusters",
    "logs",
    "history",
    "completions",
];
/// The global flags that only matter to a command that changes something.
pub const CONFIRMATION_FLAGS: [&str; 3] = ["yes", "confirm_env", "dry_run"];

/// The command line as it is parsed, shown and completed: the derive definition, with
/// the confirmation flags hidden on read-only commands.
pub fn command() -> clap::Command {
    shape(Cli::command())
}

/// [`command`] without the `help` subcommand, which has no man page of its own.
pub fn command_for_docs() -> clap::Command {
    shape(Cli::command().disable_help_subcommand(true))
}

/// [`command`], with `--env` completed by `complete_env` (the completion engine's
/// view; the names come from the config file, which this module does not read).
pub fn command_completing_env(complete_env: ArgValueCompleter) -> clap::Command {
    shape(Cli::command().mut_arg("env", |arg| arg.add(complete_env)))
}

fn shape(mut cmd: clap::Command) -> clap::Command {
    // A read-only command gets its own hidden copy of each confirmation flag; clap then
    // skips it when it copies the global flags into the subcommands, and the copy, being
    // global too, still hands its value up to `GlobalArgs`.
    let hidden: Vec<clap::Arg> = cmd
        .get_arguments()
        .filter(|arg| CONFIRMATION_FLAGS.contains(&arg.get_id().as_str()))
        .map(|arg| arg.clone().hide(true))
        .collect();
    for name in READ_ONLY_COMMANDS {
        cmd = cmd.mut_subcommand(name, |sub| sub.args(hidden.clone()));
    }
    cmd.build();
    cmd
}

/// Parses `args` (the program name first) with [`command`]. `--help` and `--version`
/// come back as errors too, as clap reports them.
pub fn parse_from(args: impl IntoIterator<Item = std::ffi::OsString>) -> Result<Cli, clap::Error> {
    let mut cmd = command();
    let matches = cmd.clone().try_get_matches_from(args)?;
    Cli::from_arg_matches(&matches).map_err(|err| err.format(&mut cmd))
}

/// Whether the raw arguments ask for `--output json`, for reporting a command line that
/// clap could not parse.
pub fn wants_json(args: &[std::ffi::OsString]) -> bool {
    args.windows(2)
        .any(|pair| pair[0] == "--output" && pair[1] == "json")
        || args.iter().any(|arg| arg == "--output=json")
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

    /// Restore into another place than the entry was cleared from, named exactly as ENV/ACCOUNT/REGION/TABLE
    #[arg(long, value_name = "ENV/ACCOUNT/REGION/TABLE", conflicts_with = "list")]
    pub into: Option<String>,

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
    pub status: Option<StatusFilter>,
}

/// `cyi rows --status`: the values the pipeline writes to a row's `Status` (the row itself
/// is judged by `row::RowStatus`, which also knows values nobody should write).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatusFilter {
    #[value(name = "IN_PROGRESS")]
    InProgress,
    #[value(name = "COMPLETED")]
    Completed,
    #[value(name = "FAILED")]
    Failed,
    #[value(name = "CANCELLED")]
    Cancelled,
}

impl StatusFilter {
    pub fn as_str(self) -> &'static str {
        match self {
            StatusFilter::InProgress => "IN_PROGRESS",
            StatusFilter::Completed => "COMPLETED",
            StatusFilter::Failed => "FAILED",
            StatusFilter::Cancelled => "CANCELLED",
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
mod tests;
