//! The status screen (`cyi status`), from the plain data of its documents.

use chrono::{DateTime, Utc};

use super::{Ui, age, count, display_text, table, time};
use crate::aws::dynamodb::Item;
use crate::error::Result;
use crate::launch::status::{EnvironmentReport, RunReport};
use crate::render::row::item_table;

/// One run: its row, its cluster and steps, the failed step and what to do next.
pub fn run(ui: &mut Ui<'_>, report: &RunReport<'_>, item: Option<&Item>) -> Result<()> {
    let id = display_text(report.correlation_id);
    match item {
        Some(item) => {
            ui.say(&format!(
                "Row {id} ({}) in table {} ({}, {}):",
                report.data_product, report.table, report.environment, report.region
            ))?;
            ui.table(&item_table(item))?;
        }
        None => ui.say(&format!(
            "No row for {id} ({}) in table {} ({}, {}).",
            report.data_product, report.table, report.environment, report.region
        ))?,
    }
    match &report.cluster {
        None => ui.say("\nCluster: none known for this run.")?,
        Some(c) => {
            let mut lines = table(["CLUSTER", ""]);
            let time = |t: Option<DateTime<Utc>>| t.map(time).unwrap_or("-".into());
            lines.add_row(["id".into(), display_text(&c.id)]);
            lines.add_row(["state".into(), display_text(&c.state)]);
            lines.add_row([
                "state reason".into(),
                c.state_change_reason
                    .as_deref()
                    .map_or("-".into(), display_text),
            ]);
            lines.add_row(["created".into(), time(c.created)]);
            lines.add_row(["ready".into(), time(c.ready)]);
            lines.add_row(["ended".into(), time(c.ended)]);
            let tags: Vec<String> = c
                .tags
                .iter()
                .map(|(k, v)| display_text(&format!("{k}={v}")))
                .collect();
            lines.add_row(["tags".into(), tags.join(", ")]);
            ui.say("")?;
            ui.table(&lines)?;
            if report.steps.is_empty() {
                ui.say("\nSteps: none.")?;
            } else {
                let mut steps = table(["STEP", "STATE", "STARTED", "ENDED", "FAILURE"]);
                for s in &report.steps {
                    steps.add_row([
                        display_text(&s.name),
                        display_text(&s.state),
                        time(s.started),
                        time(s.ended),
                        s.failure.as_deref().map(display_text).unwrap_or_default(),
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
    ui.say(&format!("Next: {}", display_text(&report.next.text)))?;
    if let Some(command) = &report.logs_command {
        ui.say(&format!("The failed step's log: {command}"))?;
    }
    Ok(())
}

/// The environment: active clusters and unfinished rows, as of `now`.
pub fn environment(
    ui: &mut Ui<'_>,
    report: &EnvironmentReport<'_>,
    now: DateTime<Utc>,
) -> Result<()> {
    let place = format!("{}, {}", report.environment, report.region);
    if report.clusters.is_empty() {
        ui.say(&format!(
            "No active '{}' clusters ({place}).",
            display_text(report.cluster_name)
        ))?;
    } else {
        ui.say(&format!(
            "Active '{}' clusters ({place}):",
            display_text(report.cluster_name)
        ))?;
        let mut table = table(["ID", "STATE", "AGE", "CORRELATION_ID", "ROW"]);
        for c in &report.clusters {
            table.add_row([
                display_text(&c.id),
                display_text(&c.state),
                c.created.map(|t| age(t, now)).unwrap_or_default(),
                c.correlation_id.as_deref().map_or("-".into(), display_text),
                c.row_status.as_deref().map_or("-".into(), display_text),
            ]);
        }
        ui.table(&table)?;
    }
    ui.say("")?;
    if report.rows.is_empty() {
        ui.say(&format!(
            "No IN_PROGRESS or FAILED rows for DataProduct {:?} in table {}.",
            report.data_product, report.table
        ))?;
    } else {
        ui.say(&format!(
            "IN_PROGRESS and FAILED rows for DataProduct {:?} in table {}:",
            report.data_product, report.table
        ))?;
        let mut table = table([
            "CORRELATION_ID",
            "STATUS",
            "CURRENT_STEP",
            "RUN_ID",
            "DATE",
            "CLUSTER_ID",
            "NOTE",
        ]);
        for line in &report.rows {
            let mut cells = line.row.cells();
            cells.push(display_text(&line.note));
            table.add_row(cells);
        }
        ui.table(&table)?;
        let stale = report.rows.iter().filter(|l| l.stale).count();
        if stale > 0 {
            ui.say(&format!(
                "{}: IN_PROGRESS with no active cluster; `cyi status --correlation-id ID` says what to do.",
                count(stale, "stale row", "stale rows")
            ))?;
        }
    }
    Ok(())
}
