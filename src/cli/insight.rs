//! The arguments of the read-only commands that explain past runs: `logs` and
//! `history` (clap only).

use clap::{ArgGroup, Args};

use crate::history::Since;
use crate::logs::LogFile;
use crate::types::{ClusterId, Identifier};

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("run").required(true).args(["correlation_id", "cluster_id"])))]
pub struct LogsArgs {
    /// The run whose logs to show: its row's cluster, else the newest cluster tagged with it
    #[arg(long, value_name = "ID")]
    pub correlation_id: Option<Identifier>,

    /// The cluster whose logs to show
    #[arg(long, value_name = "ID")]
    pub cluster_id: Option<ClusterId>,

    /// The step, by name or step id [default: the failed step, else the row's CurrentStep, else the last]
    #[arg(long, value_name = "NAME|STEP-ID")]
    pub step: Option<Identifier>,

    /// Which of the step's log files
    #[arg(long, value_enum, default_value_t = LogFile::Stderr)]
    pub file: LogFile,

    /// How many lines from the end
    #[arg(long, value_name = "N", default_value_t = 100, conflicts_with = "all",
          value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub lines: u32,

    /// The whole file, streamed (not only its end)
    #[arg(long)]
    pub all: bool,
}

#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// The window: days (7d) or hours (12h) back, or from a date (2026-11-01, UTC)
    #[arg(long, value_name = "7d|YYYY-MM-DD", default_value = "14d")]
    pub since: Since,

    /// Show at most this many runs, newest first
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub limit: Option<u32>,

    /// Only runs that failed
    #[arg(long)]
    pub failed: bool,
}

#[cfg(test)]
mod tests {
    use crate::cli::{Cli, Command};
    use clap::Parser;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("cyi").chain(args.iter().copied()))
    }

    #[test]
    fn logs_needs_a_run_and_takes_a_step_file_and_lines() {
        let cli = parse(&["logs", "--correlation-id", "r 1"]).unwrap();
        let Command::Logs(args) = cli.command else {
            panic!("not logs");
        };
        assert_eq!(args.correlation_id.unwrap().as_str(), "r 1");
        assert_eq!(
            (args.lines, args.all, args.file.name()),
            (100, false, "stderr")
        );
        let cli = parse(&[
            "logs",
            "--cluster-id",
            "j-ABC",
            "--step",
            "s-1",
            "--file",
            "controller",
            "--all",
        ])
        .unwrap();
        let Command::Logs(args) = cli.command else {
            panic!("not logs");
        };
        assert_eq!(args.cluster_id.unwrap().as_str(), "j-ABC");
        assert_eq!(args.step.unwrap().as_str(), "s-1");
        assert!(args.all);
        for bad in [
            &["logs"][..],
            &["logs", "--correlation-id", "r", "--cluster-id", "j-ABC"],
            &["logs", "--correlation-id", "r", "--lines", "0"],
            &["logs", "--correlation-id", "r", "--lines", "5", "--all"],
            &["logs", "--correlation-id", "r", "--file", "stdin"],
            &["logs", "--cluster-id", "cluster-1"],
        ] {
            assert!(parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn history_windows_limits_and_failures() {
        let cli = parse(&["history"]).unwrap();
        let Command::History(args) = cli.command else {
            panic!("not history");
        };
        assert_eq!(args.since.to_string(), "14d");
        assert_eq!((args.limit, args.failed), (None, false));
        let cli = parse(&[
            "history",
            "--since",
            "2026-11-01",
            "--limit",
            "5",
            "--failed",
        ])
        .unwrap();
        let Command::History(args) = cli.command else {
            panic!("not history");
        };
        assert_eq!(args.since.to_string(), "2026-11-01");
        assert_eq!((args.limit, args.failed), (Some(5), true));
        for bad in [
            &["history", "--since", "7w"][..],
            &["history", "--limit", "0"],
        ] {
            let err = parse(bad).unwrap_err();
            assert_eq!(
                err.kind(),
                clap::error::ErrorKind::ValueValidation,
                "{bad:?}"
            );
        }
    }

    #[test]
    fn all_envs_is_not_for_one_run() {
        let cli = parse(&["status", "--all-envs"]).unwrap();
        let Command::Status(args) = cli.command else {
            panic!("not status");
        };
        assert!(args.all_envs);
        assert!(parse(&["status", "--all-envs", "--correlation-id", "r"]).is_err());
    }
}
