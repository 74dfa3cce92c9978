//! Step logs: which cluster and which step a run's logs come from, and where EMR puts
//! them in S3 (`<LogUri>/<cluster-id>/steps/<step-id>/<file>.gz`). Pure; the streaming
//! tail is in [`tail`].

pub mod tail;

use clap::ValueEnum;
use serde::Serialize;

use crate::aws::emr::{ClusterRecord, Step};
use crate::text::{cyi_command, shell_word};

/// The files EMR copies for each step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFile {
    Stderr,
    Stdout,
    Controller,
    Syslog,
}

impl LogFile {
    pub fn name(self) -> &'static str {
        match self {
            LogFile::Stderr => "stderr",
            LogFile::Stdout => "stdout",
            LogFile::Controller => "controller",
            LogFile::Syslog => "syslog",
        }
    }
}

/// One object in S3.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectAt {
    pub bucket: String,
    pub key: String,
}

impl ObjectAt {
    pub fn uri(&self) -> String {
        format!("s3://{}/{}", self.bucket, self.key)
    }
}

/// Where a step's log file is, from the cluster's `LogUri` (`s3://` or `s3n://`, with
/// or without a prefix and a trailing slash).
pub fn log_object(
    log_uri: &str,
    cluster_id: &str,
    step_id: &str,
    file: LogFile,
) -> Result<ObjectAt, String> {
    let rest = ["s3://", "s3n://", "s3a://"]
        .iter()
        .find_map(|scheme| log_uri.strip_prefix(scheme))
        .ok_or_else(|| format!("the cluster's LogUri '{log_uri}' is not an s3:// location"))?;
    let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
    if bucket.is_empty() {
        return Err(format!("the cluster's LogUri '{log_uri}' names no bucket"));
    }
    let prefix = prefix.trim_matches('/');
    let tail = format!("{cluster_id}/steps/{step_id}/{}.gz", file.name());
    let key = if prefix.is_empty() {
        tail
    } else {
        format!("{prefix}/{tail}")
    };
    Ok(ObjectAt {
        bucket: bucket.to_owned(),
        key,
    })
}

/// The step whose log to show: the one asked for (by step id or name; the latest of
/// that name), else the latest FAILED step, else the latest step named as the row's
/// `CurrentStep`, else the last step that ran (a PENDING step has no logs), else the
/// last step.
pub fn pick_step<'a>(
    steps: &'a [Step],
    wanted: Option<&str>,
    row_step: Option<&str>,
) -> Result<&'a Step, String> {
    let latest = |pred: &dyn Fn(&Step) -> bool| steps.iter().rev().find(|s| pred(s));
    if let Some(wanted) = wanted {
        return latest(&|s| s.id == wanted)
            .or_else(|| latest(&|s| s.name == wanted))
            .ok_or_else(|| {
                let known: Vec<String> = steps
                    .iter()
                    .map(|s| format!("{} ({})", s.name, s.id))
                    .collect();
                format!(
                    "no step named or with id '{wanted}' on this cluster (steps: {})",
                    if known.is_empty() {
                        "none".to_owned()
                    } else {
                        known.join(", ")
                    }
                )
            });
    }
    latest(&|s| s.has_failed())
        .or_else(|| row_step.and_then(|name| latest(&|s| s.name == name)))
        .or_else(|| latest(&|s| has_run(&s.state)))
        .or(steps.last())
        .ok_or_else(|| "the cluster has no steps, so it has no step logs".to_owned())
}

/// Whether a step in this state has started (so it may have logs).
pub fn has_run(state: &str) -> bool {
    !matches!(state, "PENDING" | "CANCEL_PENDING" | "CANCELLED")
}

/// The clusters that may have run a correlation id, newest first: every cluster of
/// the product's exact name (tags are checked one by one afterwards, newest first).
pub fn candidates(clusters: &[ClusterRecord], cluster_name: &str) -> Vec<String> {
    let mut ours: Vec<&ClusterRecord> =
        clusters.iter().filter(|c| c.name == cluster_name).collect();
    ours.sort_by(|a, b| b.created.cmp(&a.created).then_with(|| b.id.cmp(&a.id)));
    ours.into_iter().map(|c| c.id.clone()).collect()
}

/// The `cyi logs` command to type for a run whose step failed (`cyi status` ends with
/// it).
pub fn suggestion(correlation_id: &str, step: Option<&str>) -> String {
    let mut command = cyi_command(&format!(
        "logs --correlation-id {}",
        shell_word(correlation_id)
    ));
    if let Some(step) = step {
        command.push_str(" --step ");
        command.push_str(&shell_word(step));
    }
    command
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn step(id: &str, name: &str, state: &str) -> Step {
        Step {
            id: id.into(),
            name: name.into(),
            state: state.into(),
            created: None,
            started: None,
            ended: None,
            failure: None,
            failure_details: None,
        }
    }

    #[test]
    fn log_objects_follow_emrs_layout() {
        for uri in [
            "s3://logs/emr/cyi",
            "s3://logs/emr/cyi/",
            "s3n://logs/emr/cyi/",
        ] {
            let at = log_object(uri, "j-1", "s-2", LogFile::Stderr).unwrap();
            assert_eq!(at.bucket, "logs", "{uri}");
            assert_eq!(at.key, "emr/cyi/j-1/steps/s-2/stderr.gz", "{uri}");
        }
        let at = log_object("s3://logs/", "j-1", "s-2", LogFile::Controller).unwrap();
        assert_eq!(at.uri(), "s3://logs/j-1/steps/s-2/controller.gz");
        assert!(log_object("hdfs://x/y", "j", "s", LogFile::Stdout).is_err());
        assert!(log_object("s3:///y", "j", "s", LogFile::Stdout).is_err());
    }

    #[test]
    fn the_failed_step_wins_then_the_rows_then_the_last() {
        let steps = [
            step("s-1", "setup", "COMPLETED"),
            step("s-2", "run-cyi", "FAILED"),
            step("s-3", "flush", "CANCELLED"),
        ];
        assert_eq!(pick_step(&steps, None, Some("setup")).unwrap().id, "s-2");
        let running = [
            step("s-1", "setup", "COMPLETED"),
            step("s-2", "run-cyi", "RUNNING"),
            step("s-3", "flush", "PENDING"),
        ];
        assert_eq!(
            pick_step(&running, None, Some("run-cyi")).unwrap().id,
            "s-2"
        );
        assert_eq!(pick_step(&running, None, Some("other")).unwrap().id, "s-2");
        assert_eq!(pick_step(&running, None, None).unwrap().id, "s-2");
        let waiting = [step("s-1", "setup", "PENDING")];
        assert_eq!(pick_step(&waiting, None, None).unwrap().id, "s-1");
        assert!(pick_step(&[], None, None).is_err());
    }

    #[test]
    fn a_chosen_step_by_id_or_latest_name() {
        let steps = [
            step("s-1", "run-cyi", "FAILED"),
            step("s-2", "run-cyi", "FAILED"),
            step("s-3", "flush", "COMPLETED"),
        ];
        assert_eq!(pick_step(&steps, Some("s-1"), None).unwrap().id, "s-1");
        assert_eq!(pick_step(&steps, Some("run-cyi"), None).unwrap().id, "s-2");
        assert_eq!(pick_step(&steps, Some("flush"), None).unwrap().id, "s-3");
        let err = pick_step(&steps, Some("nope"), None).unwrap_err();
        assert!(err.contains("flush (s-3)"), "{err}");
    }

    #[test]
    fn candidates_are_exact_names_newest_first() {
        let at = |h| Some(Utc.with_ymd_and_hms(2026, 11, 1, h, 0, 0).unwrap());
        let cluster = |id: &str, name: &str, created| ClusterRecord {
            id: id.into(),
            name: name.into(),
            state: "TERMINATED".into(),
            reason_code: None,
            reason_message: None,
            created,
            ended: None,
            normalized_instance_hours: None,
        };
        let all = [
            cluster("j-A", "cyi", at(1)),
            cluster("j-B", "legacyimport", at(5)),
            cluster("j-C", "cyi", at(3)),
        ];
        assert_eq!(candidates(&all, "cyi"), ["j-C", "j-A"]);
    }

    #[test]
    fn suggestions_quote_for_the_shell() {
        assert_eq!(suggestion("run-1", None), "cyi logs --correlation-id run-1");
        let words = shlex::split(&suggestion("it's $(x)", Some("run cyi"))).unwrap();
        assert_eq!(
            words,
            [
                "cyi",
                "logs",
                "--correlation-id",
                "it's $(x)",
                "--step",
                "run cyi"
            ]
        );
    }
}
