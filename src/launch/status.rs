//! Where a run is (`cyi status`): pure decisions from a run's state row and its
//! cluster to the next thing to do, and the environment's overview of active clusters
//! and unfinished rows, each pointing at the other.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::aws::emr::{ClusterDetail, Step, TAG_CORRELATION_ID};
use crate::row::{RowStatus, RowView, newest_first};
use crate::text::{cyi_command, display_text, shell_word};

/// What the operator should do next, with the commands to type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Next {
    /// `wait`, `stop`, `resume`, `start` or `none`.
    pub action: &'static str,
    pub text: String,
    pub commands: Vec<String>,
}

/// Pure: the next step for a run, from its row and its cluster.
pub fn next_step(
    correlation_id: &str,
    row: Option<&RowView>,
    cluster: Option<&ClusterDetail>,
) -> Next {
    let id = shell_word(correlation_id);
    let resume = cyi_command(&format!("restart --correlation-id {id}"));
    let start = cyi_command(&format!(
        "start-cluster --export-date YYYY-MM-DD --correlation-id {id}"
    ));
    let fresh = cyi_command(&format!("restart --correlation-id {id} --fresh"));
    let active = cluster.filter(|c| c.is_active());
    let stop =
        active.map(|c| cyi_command(&format!("stop-clusters --cluster-id {}", shell_word(&c.id))));
    let status = row.and_then(RowView::row_status);
    let step = row
        .and_then(|r| r.current_step.as_deref())
        .map_or("?".to_owned(), display_text);
    match (status, active) {
        (None, None) => Next {
            action: "start",
            text: format!(
                "no state row and no active cluster: this run has not started (or its row was cleared); start it with `{start}`"
            ),
            commands: vec![start],
        },
        (None | Some(RowStatus::InProgress), Some(c)) => Next {
            action: "wait",
            text: format!(
                "running on {} ({}): nothing to do but wait; to stop it: {}",
                c.id,
                c.state,
                stop.clone().unwrap_or_default()
            ),
            commands: stop.into_iter().collect(),
        },
        (Some(RowStatus::InProgress), None) => Next {
            action: "resume",
            text: format!(
                "stale: the row is IN_PROGRESS but no cluster is running it; resume from step {step} with `{resume}`, or start from the first step with `{fresh}`"
            ),
            commands: vec![resume, fresh],
        },
        (Some(RowStatus::Completed), Some(c)) => Next {
            action: "stop",
            text: format!(
                "the run completed but cluster {} is still {}: stop it with `{}`",
                c.id,
                c.state,
                stop.clone().unwrap_or_default()
            ),
            commands: stop.into_iter().collect(),
        },
        (Some(RowStatus::Completed), None) => Next {
            action: "none",
            text: "the run completed: nothing to do".into(),
            commands: vec![],
        },
        (Some(other), Some(c)) => Next {
            action: "stop",
            text: format!(
                "the row is {other} (step {step}) but cluster {} is still {}: stop it with `{}`, then resume with `{resume}` or start fresh with `{fresh}`",
                c.id,
                c.state,
                stop.clone().unwrap_or_default()
            ),
            commands: stop.into_iter().chain([resume, fresh]).collect(),
        },
        (Some(other), None) => Next {
            action: "resume",
            text: format!(
                "the run is {other} at step {step}: resume from that step with `{resume}`, or start from the first step with `{fresh}`"
            ),
            commands: vec![resume, fresh],
        },
    }
}

/// The JSON document of `cyi status --correlation-id ID`.
#[derive(Debug, Serialize)]
pub struct RunReport<'a> {
    pub environment: &'a str,
    pub region: &'a str,
    pub table: &'a str,
    pub data_product: &'a str,
    pub correlation_id: &'a str,
    pub row: Option<RowView>,
    /// The whole row in DynamoDB JSON.
    pub item: Option<serde_json::Value>,
    pub cluster: Option<ClusterDetail>,
    pub steps: Vec<Step>,
    pub failed_step: Option<String>,
    /// With a failed step: the `cyi logs` command that shows its log.
    pub logs_command: Option<String>,
    pub next: Next,
}

/// One active cluster in the overview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClusterLine {
    pub id: String,
    pub state: String,
    pub created: Option<DateTime<Utc>>,
    pub correlation_id: Option<String>,
    /// The Status of the row of its correlation id, if there is one.
    pub row_status: Option<String>,
}

/// One IN_PROGRESS or FAILED row in the overview.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RowLine {
    #[serde(flatten)]
    pub row: RowView,
    /// The active cluster working on it: its Cluster_Id, or one tagged with its id.
    pub active_cluster: Option<String>,
    /// IN_PROGRESS, but no active cluster is working on it.
    pub stale: bool,
    pub note: String,
}

/// Pure: the active clusters and the unfinished rows, each pointing at the other.
/// `rows` are all of the data product's rows (a finished row still says what its idle
/// cluster was for); only IN_PROGRESS and FAILED ones are listed.
pub fn overview(clusters: &[ClusterDetail], rows: &[RowView]) -> (Vec<ClusterLine>, Vec<RowLine>) {
    let cluster_lines = clusters
        .iter()
        .map(|c| {
            let correlation_id = c.tag(TAG_CORRELATION_ID).map(str::to_owned);
            let row_status = rows
                .iter()
                .find(|r| {
                    r.cluster_id.as_deref() == Some(c.id.as_str())
                        || Some(r.correlation_id.as_str()) == correlation_id.as_deref()
                })
                .and_then(|r| r.status.clone());
            ClusterLine {
                id: c.id.clone(),
                state: c.state.clone(),
                created: c.created,
                correlation_id,
                row_status,
            }
        })
        .collect();
    let mut unfinished: Vec<&RowView> = rows
        .iter()
        .filter(|r| {
            matches!(
                r.row_status(),
                Some(RowStatus::InProgress | RowStatus::Failed)
            )
        })
        .collect();
    unfinished.sort_by(|a, b| newest_first(a, b));
    let row_lines = unfinished
        .into_iter()
        .map(|r| {
            let active = clusters.iter().find(|c| {
                Some(c.id.as_str()) == r.cluster_id.as_deref()
                    || c.tag(TAG_CORRELATION_ID) == Some(r.correlation_id.as_str())
            });
            let in_progress = r.row_status() == Some(RowStatus::InProgress);
            let stale = in_progress && active.is_none();
            let step = r.current_step.as_deref().map_or("?".into(), display_text);
            let note = match (in_progress, active) {
                (true, Some(c)) => format!("running on {}", c.id),
                (true, None) => format!(
                    "STALE: cluster {} is not active",
                    r.cluster_id.as_deref().unwrap_or("(none recorded)")
                ),
                (false, Some(c)) => {
                    format!("failed at {step}; cluster {} still {}", c.id, c.state)
                }
                (false, None) => format!("failed at {step}"),
            };
            RowLine {
                row: r.clone(),
                active_cluster: active.map(|c| c.id.clone()),
                stale,
                note,
            }
        })
        .collect();
    (cluster_lines, row_lines)
}

/// The JSON document of `cyi status` without an id.
#[derive(Debug, Serialize)]
pub struct EnvironmentReport<'a> {
    pub environment: &'a str,
    pub region: &'a str,
    pub table: &'a str,
    pub data_product: &'a str,
    pub cluster_name: &'a str,
    pub clusters: Vec<ClusterLine>,
    pub rows: Vec<RowLine>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::dynamodb;
    use crate::launch::last_cluster::failed_step;
    use aws_sdk_dynamodb::types::AttributeValue;

    fn row(id: &str, status: &str, cluster: Option<&str>) -> RowView {
        let mut item = dynamodb::key(id, "CYI");
        item.insert("Status".into(), AttributeValue::S(status.into()));
        item.insert("CurrentStep".into(), AttributeValue::S("run-cyi".into()));
        item.insert("Date".into(), AttributeValue::S("2021-04-01".into()));
        if let Some(c) = cluster {
            item.insert("Cluster_Id".into(), AttributeValue::S(c.into()));
        }
        RowView::of(&item)
    }

    fn cluster(id: &str, state: &str, correlation_id: Option<&str>) -> ClusterDetail {
        let mut cluster = ClusterDetail::new(id, "cyi", state);
        if let Some(c) = correlation_id {
            cluster
                .tags
                .insert("Correlation_Id".to_owned(), c.to_owned());
        }
        cluster
    }

    #[test]
    fn a_failed_run_is_resumed_or_restarted_fresh() {
        let r = row("run 1", "FAILED", Some("j-OLD"));
        let next = next_step(
            "run 1",
            Some(&r),
            Some(&cluster("j-OLD", "TERMINATED", None)),
        );
        assert_eq!(next.action, "resume");
        assert_eq!(
            next.commands,
            [
                "cyi restart --correlation-id 'run 1'",
                "cyi restart --correlation-id 'run 1' --fresh"
            ]
        );
        assert!(
            next.text.contains("FAILED at step run-cyi"),
            "{}",
            next.text
        );
    }

    #[test]
    fn a_live_cluster_means_wait_or_stop() {
        let live = cluster("j-LIVE", "WAITING", Some("r"));
        let next = next_step(
            "r",
            Some(&row("r", "IN_PROGRESS", Some("j-LIVE"))),
            Some(&live),
        );
        assert_eq!(next.action, "wait");
        assert_eq!(next.commands, ["cyi stop-clusters --cluster-id j-LIVE"]);
        let next = next_step("r", Some(&row("r", "FAILED", Some("j-LIVE"))), Some(&live));
        assert_eq!(next.action, "stop");
        assert_eq!(next.commands[0], "cyi stop-clusters --cluster-id j-LIVE");
        assert_eq!(next.commands.len(), 3);
        let next = next_step("r", Some(&row("r", "COMPLETED", None)), Some(&live));
        assert_eq!(next.action, "stop");
        let next = next_step("r", None, Some(&live));
        assert_eq!(next.action, "wait");
    }

    #[test]
    fn finished_stale_and_absent_runs() {
        let next = next_step("r", Some(&row("r", "COMPLETED", Some("j-1"))), None);
        assert_eq!((next.action, next.commands.len()), ("none", 0));
        let next = next_step(
            "r",
            Some(&row("r", "IN_PROGRESS", Some("j-1"))),
            Some(&cluster("j-1", "TERMINATED", None)),
        );
        assert_eq!(next.action, "resume");
        assert!(next.text.starts_with("stale"), "{}", next.text);
        let next = next_step("r", None, None);
        assert_eq!(next.action, "start");
        assert!(next.commands[0].starts_with("cyi start-cluster"));
        assert!(
            next.text.ends_with(&format!("`{}`", next.commands[0])),
            "{}",
            next.text
        );
    }

    #[test]
    fn a_status_in_another_case_is_the_same_decision() {
        let live = cluster("j-LIVE", "WAITING", Some("r"));
        let next = next_step(
            "r",
            Some(&row("r", "in_progress", Some("j-LIVE"))),
            Some(&live),
        );
        assert_eq!(next.action, "wait");
        let next = next_step("r", Some(&row("r", "in_progress", Some("j-1"))), None);
        assert!(next.text.starts_with("stale"), "{}", next.text);
        let next = next_step("r", Some(&row("r", "Completed", None)), None);
        assert_eq!(next.action, "none");
        let failed = row("r", "Failed", None);
        assert_eq!(failed_step(Some(&failed), &[]).as_deref(), Some("run-cyi"));
        let rows = [
            row("stale", "in_progress", Some("j-GONE")),
            row("f", "Failed", None),
        ];
        let (_, lines) = overview(&[], &rows);
        let listed: Vec<(&str, bool)> = lines
            .iter()
            .map(|l| (l.row.correlation_id.as_str(), l.stale))
            .collect();
        assert_eq!(listed.len(), 2, "{listed:?}");
        assert!(listed.contains(&("stale", true)));
        assert!(listed.contains(&("f", false)));
    }

    #[test]
    fn overview_cross_references_and_flags_stale_rows() {
        let clusters = [
            cluster("j-A", "WAITING", Some("a")),
            cluster("j-B", "RUNNING", Some("untracked")),
            cluster("j-C", "WAITING", None),
        ];
        let rows = [
            row("a", "IN_PROGRESS", Some("j-A")),
            row("stale", "IN_PROGRESS", Some("j-GONE")),
            row("f", "FAILED", Some("j-C")),
            row("done", "COMPLETED", Some("j-X")),
        ];
        let (clusters, rows) = overview(&clusters, &rows);
        let cl: Vec<(&str, Option<&str>)> = clusters
            .iter()
            .map(|c| (c.id.as_str(), c.row_status.as_deref()))
            .collect();
        assert_eq!(
            cl,
            [
                ("j-A", Some("IN_PROGRESS")),
                ("j-B", None),
                ("j-C", Some("FAILED"))
            ]
        );
        let rl: Vec<(&str, bool, Option<&str>)> = rows
            .iter()
            .map(|r| {
                (
                    r.row.correlation_id.as_str(),
                    r.stale,
                    r.active_cluster.as_deref(),
                )
            })
            .collect();
        assert_eq!(rl.len(), 3, "COMPLETED rows are not listed");
        assert!(rl.contains(&("a", false, Some("j-A"))));
        assert!(rl.contains(&("stale", true, None)));
        assert!(rl.contains(&("f", false, Some("j-C"))));
        let stale = rows.iter().find(|r| r.stale).unwrap();
        assert_eq!(stale.note, "STALE: cluster j-GONE is not active");
    }
}
