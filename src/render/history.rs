//! `cyi history` output: one line per past run, then the footer.

use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;

use super::{Ui, count, display_text};
use crate::error::Result;
use crate::history::{Footer, Run};

/// The JSON document of `cyi history --output json`.
#[derive(Debug, Serialize)]
pub struct HistoryReport<'a> {
    pub environment: &'a str,
    pub region: &'a str,
    pub cluster_name: &'a str,
    pub since: DateTime<Utc>,
    pub runs: &'a [Run],
    pub footer: &'a Footer,
}

/// A duration as `2h 13m`.
pub fn duration(seconds: i64) -> String {
    let zero = DateTime::<Utc>::UNIX_EPOCH;
    super::age(zero, zero + TimeDelta::seconds(seconds))
}

pub fn show(ui: &mut Ui<'_>, report: &HistoryReport<'_>) -> Result<()> {
    if ui.json() {
        return ui.document(report);
    }
    let place = format!("{}, {}", report.environment, report.region);
    if report.runs.is_empty() {
        return ui.say(&format!(
            "No '{}' clusters created since {} ({place}).",
            display_text(report.cluster_name),
            super::time(report.since)
        ));
    }
    let mut table = super::table([
        "CLUSTER",
        "CORRELATION_ID",
        "EXPORT_DATE",
        "CREATED",
        "DURATION",
        "STATE",
        "OUTCOME",
        "REASON",
        "NORM_HOURS",
    ]);
    let text = |v: &Option<String>| v.as_deref().map_or("-".into(), display_text);
    for run in report.runs {
        let reason = match (&run.reason_code, &run.reason_message) {
            (Some(code), Some(message)) => format!("{code}: {message}"),
            (Some(code), None) => code.clone(),
            (None, Some(message)) => message.clone(),
            (None, None) => "-".into(),
        };
        table.add_row([
            display_text(&run.cluster_id),
            text(&run.correlation_id),
            text(&run.export_date),
            run.created.map_or("-".into(), super::time),
            run.duration_seconds.map_or("-".into(), duration),
            display_text(&run.state),
            run.outcome.name().to_owned(),
            display_text(&reason),
            run.normalized_instance_hours
                .map_or("-".into(), |h| h.to_string()),
        ]);
    }
    ui.say(&format!(
        "'{}' clusters created since {} ({place}), newest first:",
        display_text(report.cluster_name),
        super::time(report.since)
    ))?;
    ui.table(&table)?;
    ui.say("")?;
    ui.say(&footer_line(report.footer))
}

fn footer_line(footer: &Footer) -> String {
    let outcomes: Vec<String> = footer
        .outcomes
        .iter()
        .map(|(name, n)| format!("{n} {name}"))
        .collect();
    let median = footer
        .median_success_seconds
        .map_or("no successful run".into(), |s| {
            format!("median successful run {}", duration(s))
        });
    format!(
        "{}: {}; {median}; {} normalized instance hours in all.",
        count(footer.runs, "run", "runs"),
        outcomes.join(", "),
        footer.total_normalized_instance_hours
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn the_footer_reads_as_one_line() {
        let footer = Footer {
            runs: 3,
            outcomes: BTreeMap::from([("failed", 1), ("succeeded", 2)]),
            median_success_seconds: Some(3 * 3600 + 120),
            total_normalized_instance_hours: 96,
        };
        assert_eq!(
            footer_line(&footer),
            "3 runs: 1 failed, 2 succeeded; median successful run 3h 2m; 96 normalized instance hours in all."
        );
    }
}
