//! `cyi status`: where a run is or where it failed, and what to do next; without a
//! correlation id, the environment's active clusters and its unfinished rows,
//! cross-referenced. Read-only.

use std::process::ExitCode;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::aws::Aws;
use crate::aws::dynamodb::{self, Item};
use crate::aws::emr::{self, ClusterDetail, Step};
use crate::cli::StatusArgs;
use crate::error::Result;
use crate::render::{self, Ui};
use crate::render::{display_text, shell_word};
use crate::row::{RowView, item_table, newest_first};
use crate::settings::Settings;

const IN_PROGRESS: &str = "IN_PROGRESS";
const FAILED: &str = "FAILED";

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
    let resume = format!("cyi restart --correlation-id {id}");
    let fresh = format!("cyi restart --correlation-id {id} --fresh");
    let active = cluster.filter(|c| c.is_active());
    let stop = active.map(|c| format!("cyi stop-clusters --cluster-id {}", c.id));
    let status = row.and_then(|r| r.status.as_deref());
    let step = row
        .and_then(|r| r.current_step.as_deref())
        .map_or("?".to_owned(), display_text);
    match (status, active) {
        (None, None) => Next {
            action: "start",
            text: "no state row and no active cluster: this run has not started (or its row was cleared)".into(),
            commands: vec![format!(
                "cyi start-cluster --export-date YYYY-MM-DD --correlation-id {id}"
            )],
        },
        (None | Some(IN_PROGRESS), Some(c)) => Next {
            action: "wait",
            text: format!(
                "running on {} ({}): nothing to do but wait; to stop it: {}",
                c.id,
                c.state,
                stop.clone().unwrap_or_default()
            ),
            commands: stop.into_iter().collect(),
        },
        (Some(IN_PROGRESS), None) => Next {
            action: "resume",
            text: format!(
                "stale: the row is IN_PROGRESS but no cluster is running it; resume from step {step} with `{resume}`, or start from the first step with `{fresh}`"
            ),
            commands: vec![resume, fresh],
        },
        (Some("COMPLETED"), Some(c)) => Next {
            action: "stop",
            text: format!(
                "the run completed but cluster {} is still {}: stop it with `{}`",
                c.id,
                c.state,
                stop.clone().unwrap_or_default()
            ),
            commands: stop.into_iter().collect(),
        },
        (Some("COMPLETED"), None) => Next {
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

/// The failed step: the row is the source of truth (the pipeline writes the step it
/// failed in); without a FAILED row, the first step EMR reports FAILED.
pub fn failed_step(row: Option<&RowView>, steps: &[Step]) -> Option<String> {
    match row {
        Some(r) if r.status.as_deref() == Some(FAILED) => r.current_step.clone(),
        _ => steps
            .iter()
            .find(|s| s.state == "FAILED")
            .map(|s| s.name.clone()),
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
            let correlation_id = c.tag("Correlation_Id").map(str::to_owned);
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
        .filter(|r| matches!(r.status.as_deref(), Some(IN_PROGRESS | FAILED)))
        .collect();
    unfinished.sort_by(|a, b| newest_first(a, b));
    let row_lines = unfinished
        .into_iter()
        .map(|r| {
            let active = clusters.iter().find(|c| {
                Some(c.id.as_str()) == r.cluster_id.as_deref()
                    || c.tag("Correlation_Id") == Some(r.correlation_id.as_str())
            });
            let in_progress = r.status.as_deref() == Some(IN_PROGRESS);
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

pub async fn run(
    settings: &Settings,
    aws: &Aws,
    ui: &mut Ui<'_>,
    args: &StatusArgs,
) -> Result<ExitCode> {
    match &args.correlation_id {
        Some(id) => one_run(settings, aws, ui, id.as_str()).await,
        None => environment(settings, aws, ui).await,
    }
}

async fn one_run(
    settings: &Settings,
    aws: &Aws,
    ui: &mut Ui<'_>,
    correlation_id: &str,
) -> Result<ExitCode> {
    let data_product = settings.data_product.as_str();
    let key = dynamodb::key(correlation_id, data_product);
    let item: Option<Item> = dynamodb::get(aws, &settings.table, &key).await?;
    let row = item.as_ref().map(RowView::of);
    // The row names its cluster; without one, an active cluster tagged with the id.
    let mut cluster = match row.as_ref().and_then(|r| r.cluster_id.as_deref()) {
        Some(id) if !id.is_empty() => emr::describe(aws, id).await?,
        _ => None,
    };
    if cluster.as_ref().is_none_or(|c| !c.is_active())
        && let Some(tagged) = emr::tagged_clusters(aws, &settings.cluster_name, correlation_id)
            .await?
            .into_iter()
            .next()
    {
        cluster = Some(tagged);
    }
    let steps = match &cluster {
        Some(c) => emr::list_steps(aws, &c.id).await?,
        None => Vec::new(),
    };
    let next = next_step(correlation_id, row.as_ref(), cluster.as_ref());
    let report = RunReport {
        environment: &settings.env_name,
        region: aws.region(),
        table: &settings.table,
        data_product,
        correlation_id,
        failed_step: failed_step(row.as_ref(), &steps),
        item: item.as_ref().map(dynamodb::item_to_json),
        row,
        cluster,
        steps,
        next,
    };
    if ui.json() {
        ui.document(&report)?;
        return Ok(ExitCode::SUCCESS);
    }
    show_run(ui, settings, aws, &report, item.as_ref())?;
    Ok(ExitCode::SUCCESS)
}

fn show_run(
    ui: &mut Ui<'_>,
    settings: &Settings,
    aws: &Aws,
    report: &RunReport<'_>,
    item: Option<&Item>,
) -> Result<()> {
    let id = display_text(report.correlation_id);
    match item {
        Some(item) => {
            ui.say(&format!(
                "Row {id} ({}) in table {} ({}, {}):",
                report.data_product,
                settings.table,
                settings.env_name,
                aws.region()
            ))?;
            ui.table(&item_table(item))?;
        }
        None => ui.say(&format!(
            "No row for {id} ({}) in table {} ({}, {}).",
            report.data_product,
            settings.table,
            settings.env_name,
            aws.region()
        ))?,
    }
    match &report.cluster {
        None => ui.say("\nCluster: none known for this run.")?,
        Some(c) => {
            let mut lines = render::table(["CLUSTER", ""]);
            let time = |t: Option<DateTime<Utc>>| t.map(render::time).unwrap_or("-".into());
            lines.add_row(["id".into(), c.id.clone()]);
            lines.add_row(["state".into(), c.state.clone()]);
            lines.add_row([
                "state reason".into(),
                c.state_change_reason.clone().unwrap_or("-".into()),
            ]);
            lines.add_row(["created".into(), time(c.created)]);
            lines.add_row(["ready".into(), time(c.ready)]);
            lines.add_row(["ended".into(), time(c.ended)]);
            let tags: Vec<String> = c.tags.iter().map(|(k, v)| format!("{k}={v}")).collect();
            lines.add_row(["tags".into(), tags.join(", ")]);
            ui.say("")?;
            ui.table(&lines)?;
            if report.steps.is_empty() {
                ui.say("\nSteps: none.")?;
            } else {
                let mut steps = render::table(["STEP", "STATE", "STARTED", "ENDED", "FAILURE"]);
                for s in &report.steps {
                    steps.add_row([
                        s.name.clone(),
                        s.state.clone(),
                        time(s.started),
                        time(s.ended),
                        s.failure.clone().unwrap_or_default(),
                    ]);
                }
                ui.say("")?;
                ui.table(&steps)?;
            }
        }
    }
    ui.say("")?;
    if let Some(step) = &report.failed_step {
        ui.say(&format!("Failed step: {}", display_text(step)))?;
    }
    ui.say(&format!("Next: {}", report.next.text))
}

async fn environment(settings: &Settings, aws: &Aws, ui: &mut Ui<'_>) -> Result<ExitCode> {
    let filter = dynamodb::rows_filter(&settings.data_product, None);
    let (active, items) = tokio::join!(
        emr::list_active(aws),
        dynamodb::scan_all(aws, &settings.table, &filter)
    );
    let ids: Vec<String> = emr::named(&active?, &settings.cluster_name)
        .iter()
        .map(|c| c.id.clone())
        .collect();
    let clusters: Vec<ClusterDetail> = emr::describe_many(aws, &ids)
        .await?
        .into_iter()
        .flatten()
        .filter(ClusterDetail::is_active)
        .collect();
    let rows: Vec<RowView> = items?.iter().map(RowView::of).collect();
    let (cluster_lines, row_lines) = overview(&clusters, &rows);
    if ui.json() {
        ui.document(&EnvironmentReport {
            environment: &settings.env_name,
            region: aws.region(),
            table: &settings.table,
            data_product: &settings.data_product,
            cluster_name: &settings.cluster_name,
            clusters: cluster_lines,
            rows: row_lines,
        })?;
        return Ok(ExitCode::SUCCESS);
    }
    let place = format!("{}, {}", settings.env_name, aws.region());
    if cluster_lines.is_empty() {
        ui.say(&format!(
            "No active '{}' clusters ({place}).",
            settings.cluster_name
        ))?;
    } else {
        ui.say(&format!(
            "Active '{}' clusters ({place}):",
            settings.cluster_name
        ))?;
        let now = Utc::now();
        let mut table = render::table(["ID", "STATE", "AGE", "CORRELATION_ID", "ROW"]);
        for c in &cluster_lines {
            table.add_row([
                c.id.clone(),
                c.state.clone(),
                c.created.map(|t| render::age(t, now)).unwrap_or_default(),
                c.correlation_id.as_deref().map_or("-".into(), display_text),
                c.row_status.clone().unwrap_or("-".into()),
            ]);
        }
        ui.table(&table)?;
    }
    ui.say("")?;
    if row_lines.is_empty() {
        ui.say(&format!(
            "No IN_PROGRESS or FAILED rows for DataProduct {:?} in table {}.",
            settings.data_product, settings.table
        ))?;
    } else {
        ui.say(&format!(
            "IN_PROGRESS and FAILED rows for DataProduct {:?} in table {}:",
            settings.data_product, settings.table
        ))?;
        let mut table = render::table([
            "CORRELATION_ID",
            "STATUS",
            "CURRENT_STEP",
            "RUN_ID",
            "DATE",
            "CLUSTER_ID",
            "NOTE",
        ]);
        for line in &row_lines {
            let mut cells = line.row.cells();
            cells.push(line.note.clone());
            table.add_row(cells);
        }
        ui.table(&table)?;
        let stale = row_lines.iter().filter(|l| l.stale).count();
        if stale > 0 {
            ui.say(&format!(
                "{stale} stale row(s): IN_PROGRESS with no active cluster; `cyi status --correlation-id ID` says what to do."
            ))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;
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
    }

    #[test]
    fn the_row_names_the_failed_step_before_emr_does() {
        let step = |name: &str, state: &str| Step {
            id: "s".into(),
            name: name.into(),
            state: state.into(),
            created: None,
            started: None,
            ended: None,
            failure: None,
        };
        let steps = [step("a", "COMPLETED"), step("b", "FAILED")];
        let failed = row("r", "FAILED", None);
        assert_eq!(
            failed_step(Some(&failed), &steps).as_deref(),
            Some("run-cyi")
        );
        assert_eq!(failed_step(None, &steps).as_deref(), Some("b"));
        let running = row("r", "IN_PROGRESS", None);
        assert_eq!(failed_step(Some(&running), &[]), None);
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
