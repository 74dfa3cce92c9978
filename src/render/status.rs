//! The status screen (`cyi status`), from the plain data of its documents.

use chrono::{DateTime, Utc};

use super::{Ui, age, count, display_text, table, time};
use crate::aws::dynamodb::Item;
use crate::aws::emr;
use crate::error::Result;
use crate::launch::last_cluster::Diagnosis;
use crate::launch::status::{EnvironmentReport, RunReport};
use crate::render::logs::failure_lines;
use crate::render::row::item_table;
use crate::text::cyi_command;

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
                "{}: IN_PROGRESS with no active cluster; `{}` says what to do.",
                count(stale, "stale row", "stale rows"),
                cyi_command("status --correlation-id ID")
            ))?;
        }
    }
    Ok(())
}

/// Why the run's last cluster failed, as `cyi restart` shows it before it asks.
pub fn diagnosis(ui: &mut Ui<'_>, diagnosis: &Diagnosis, cluster_name: &str) -> Result<()> {
    for line in diagnosis_lines(diagnosis, cluster_name) {
        ui.say(&line)?;
    }
    Ok(())
}

/// The lines of [`diagnosis`]: one when no cluster is known, else the cluster and its
/// end, the failed step with EMR's details, and the command that shows its log.
pub fn diagnosis_lines(d: &Diagnosis, cluster_name: &str) -> Vec<String> {
    let text = |v: &Option<String>| v.as_deref().map(display_text);
    let nothing_tagged = format!("no active '{cluster_name}' cluster is tagged with this run");
    let Some(id) = text(&d.cluster_id) else {
        return vec![match text(&d.gone_cluster_id) {
            Some(gone) => format!(
                "Last cluster: {gone} (the row's Cluster_Id) no longer exists in EMR, and {nothing_tagged}: nothing says why the run failed."
            ),
            None => format!(
                "Last cluster: none found (the row names none, and {nothing_tagged}): nothing says why the run failed."
            ),
        }];
    };
    let ended = format!(
        "Last cluster {id}: {}{}",
        text(&d.cluster_state).unwrap_or_default(),
        text(&d.state_change_reason).map_or(String::new(), |r| format!(" ({r})"))
    );
    if let Some(error) = text(&d.unread) {
        return vec![format!(
            "{ended}; its steps could not be read ({error}), so nothing says why the run failed."
        )];
    }
    let Some(step) = text(&d.failed_step) else {
        return vec![format!("{ended}; no step failed.")];
    };
    let mut lines = vec![format!("{ended}.")];
    match (text(&d.step_state), &d.failure) {
        (None, _) => lines.push(format!(
            "Failed step {step}: not among the cluster's steps."
        )),
        (Some(state), None) if d.step_state.as_deref().is_some_and(emr::is_failed_step) => lines.push(format!(
            "Failed step {step} ({state}): no failure details from EMR yet (it fills them in late)."
        )),
        (Some(state), None) => lines.push(format!(
            "Failed step {step}: EMR lists it {state}, with no failure details."
        )),
        (Some(state), Some(failure)) => {
            lines.push(format!("Failed step {step} ({state}):"));
            lines.extend(failure_lines(failure));
        }
    }
    if let Some(command) = text(&d.logs_command) {
        lines.push(format!("The failed step's log: {command}"));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::emr::StepFailure;

    fn failed() -> Diagnosis {
        Diagnosis {
            cluster_id: Some("j-1".into()),
            cluster_state: Some("TERMINATED_WITH_ERRORS".into()),
            state_change_reason: Some("STEP_FAILURE: Shut down as step failed".into()),
            gone_cluster_id: None,
            failed_step: Some("run-cyi".into()),
            step_state: Some("FAILED".into()),
            failure: Some(StepFailure {
                reason: Some("Unknown Error.".into()),
                message: Some("boom\u{1b}[2J".into()),
                log_file: None,
            }),
            logs_command: Some("cyi logs --correlation-id r --step run-cyi".into()),
            unread: None,
        }
    }

    #[test]
    fn a_failed_step_shows_emrs_details_and_the_logs_command() {
        assert_eq!(
            diagnosis_lines(&failed(), "cyi"),
            [
                "Last cluster j-1: TERMINATED_WITH_ERRORS (STEP_FAILURE: Shut down as step failed).",
                "Failed step run-cyi (FAILED):",
                "Failure reason: Unknown Error.",
                "Failure message: \"boom\\u{1b}[2J\"",
                "The failed step's log: cyi logs --correlation-id r --step run-cyi",
            ]
        );
    }

    #[test]
    fn each_missing_piece_is_said_in_one_line() {
        let late = Diagnosis {
            failure: None,
            ..failed()
        };
        assert_eq!(
            diagnosis_lines(&late, "cyi")[1],
            "Failed step run-cyi (FAILED): no failure details from EMR yet (it fills them in late)."
        );
        let pending = Diagnosis {
            step_state: Some("PENDING".into()),
            ..late
        };
        assert_eq!(
            diagnosis_lines(&pending, "cyi")[1],
            "Failed step run-cyi: EMR lists it PENDING, with no failure details."
        );
        let quiet = Diagnosis {
            failed_step: None,
            step_state: None,
            failure: None,
            logs_command: None,
            state_change_reason: None,
            cluster_state: Some("TERMINATED".into()),
            ..failed()
        };
        assert_eq!(
            diagnosis_lines(&quiet, "cyi"),
            ["Last cluster j-1: TERMINATED; no step failed."]
        );
        let unread = Diagnosis {
            unread: Some("emr:ListSteps failed: AccessDeniedException".into()),
            ..quiet.clone()
        };
        assert_eq!(
            diagnosis_lines(&unread, "cyi"),
            [
                "Last cluster j-1: TERMINATED; its steps could not be read (emr:ListSteps failed: AccessDeniedException), so nothing says why the run failed."
            ]
        );
        let none = Diagnosis {
            cluster_id: None,
            cluster_state: None,
            state_change_reason: None,
            step_state: None,
            failure: None,
            ..failed()
        };
        let lines = diagnosis_lines(&none, "cyi");
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert!(
            lines[0].starts_with("Last cluster: none found"),
            "{lines:?}"
        );
        let gone = Diagnosis {
            gone_cluster_id: Some("j-GONE\n".into()),
            ..none
        };
        let lines = diagnosis_lines(&gone, "cyi");
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert!(
            lines[0]
                .starts_with("Last cluster: \"j-GONE\\n\" (the row's Cluster_Id) no longer exists"),
            "{lines:?}"
        );
    }
}
