//! Past runs of the product: the window they were created in, how each ended, and the
//! footer statistics. Pure; the EMR reads are in `aws::emr`.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use serde::Serialize;

use crate::aws::emr::{
    ClusterRecord, TAG_CORRELATION_ID, TAG_EXPORT_DATE, ended_in_error, is_active_state,
    is_terminated, is_terminating,
};

/// The longest window `--since` accepts, in days (EMR keeps about two months anyway).
const MAX_DAYS: u32 = 3650;

/// The start of the window: `7d` (days back), `12h` (hours back) or `YYYY-MM-DD`
/// (from that day's midnight, UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Since {
    Days(u32),
    Hours(u32),
    Date(NaiveDate),
}

impl Since {
    pub fn start(self, now: DateTime<Utc>) -> DateTime<Utc> {
        match self {
            Since::Days(d) => now - TimeDelta::days(i64::from(d)),
            Since::Hours(h) => now - TimeDelta::hours(i64::from(h)),
            Since::Date(day) => day.and_time(chrono::NaiveTime::MIN).and_utc(),
        }
    }
}

impl FromStr for Since {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("'{s}' is not a window: give 7d, 12h or a date YYYY-MM-DD");
        if let Ok(day) = s.parse::<crate::types::Day>() {
            return Ok(Since::Date(day.0));
        }
        let (number, unit) = s.split_at(s.len().saturating_sub(1));
        if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let n: u32 = number.parse().map_err(|_| bad())?;
        let since = match unit {
            "d" => Since::Days(n),
            "h" => Since::Hours(n),
            _ => return Err(bad()),
        };
        let days = match since {
            Since::Days(d) => d,
            Since::Hours(h) => h / 24,
            Since::Date(_) => 0,
        };
        if n == 0 || days > MAX_DAYS {
            return Err(format!("'{s}' must be between 1h and {MAX_DAYS}d"));
        }
        Ok(since)
    }
}

impl fmt::Display for Since {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Since::Days(d) => write!(f, "{d}d"),
            Since::Hours(h) => write!(f, "{h}h"),
            Since::Date(day) => write!(f, "{day}"),
        }
    }
}

/// How a run ended, from the cluster's state and its state-change reason code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Succeeded,
    Failed,
    /// Stopped by a person (USER_REQUEST).
    Stopped,
    Running,
    /// Ended for a reason EMR did not classify.
    Ended,
}

impl Outcome {
    pub fn of(state: &str, reason_code: Option<&str>) -> Outcome {
        if is_active_state(state) {
            return Outcome::Running;
        }
        match reason_code {
            Some("ALL_STEPS_COMPLETED") => Outcome::Succeeded,
            Some("USER_REQUEST") => Outcome::Stopped,
            Some(
                "STEP_FAILURE"
                | "BOOTSTRAP_FAILURE"
                | "INSTANCE_FAILURE"
                | "INSTANCE_FLEET_TIMEOUT"
                | "VALIDATION_ERROR"
                | "INTERNAL_ERROR",
            ) => Outcome::Failed,
            _ if ended_in_error(state) => Outcome::Failed,
            // On its way out, not yet ended.
            _ if is_terminating(state) && !is_terminated(state) => Outcome::Running,
            _ => Outcome::Ended,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Outcome::Succeeded => "succeeded",
            Outcome::Failed => "failed",
            Outcome::Stopped => "stopped",
            Outcome::Running => "running",
            Outcome::Ended => "ended",
        }
    }
}

/// The clusters to show: exactly the product's name, created in the window, newest
/// first, only failures when asked, at most `limit`.
pub fn select(
    records: &[ClusterRecord],
    cluster_name: &str,
    start: DateTime<Utc>,
    failed_only: bool,
    limit: Option<usize>,
) -> Vec<ClusterRecord> {
    let mut chosen: Vec<ClusterRecord> = records
        .iter()
        .filter(|c| c.name == cluster_name)
        .filter(|c| c.created.is_none_or(|t| t >= start))
        .filter(|c| {
            !failed_only || Outcome::of(&c.state, c.reason_code.as_deref()) == Outcome::Failed
        })
        .cloned()
        .collect();
    chosen.sort_by(|a, b| b.created.cmp(&a.created).then_with(|| b.id.cmp(&a.id)));
    chosen.truncate(limit.unwrap_or(usize::MAX));
    chosen
}

/// One past run as `cyi history` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Run {
    pub cluster_id: String,
    pub correlation_id: Option<String>,
    pub export_date: Option<String>,
    pub created: Option<DateTime<Utc>>,
    pub ended: Option<DateTime<Utc>>,
    /// Created to ended; to now while it runs.
    pub duration_seconds: Option<i64>,
    pub state: String,
    pub outcome: Outcome,
    pub reason_code: Option<String>,
    pub reason_message: Option<String>,
    pub normalized_instance_hours: Option<i32>,
}

/// The runs from the selected clusters and their tags (`None`: not known).
pub fn runs(
    selected: &[ClusterRecord],
    tags: &[Option<BTreeMap<String, String>>],
    now: DateTime<Utc>,
) -> Vec<Run> {
    selected
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let tag = |key: &str| {
                tags.get(i)
                    .and_then(Option::as_ref)
                    .and_then(|t| t.get(key).cloned())
            };
            let outcome = Outcome::of(&c.state, c.reason_code.as_deref());
            let until = c.ended.or((outcome == Outcome::Running).then_some(now));
            Run {
                cluster_id: c.id.clone(),
                correlation_id: tag(TAG_CORRELATION_ID),
                export_date: tag(TAG_EXPORT_DATE),
                created: c.created,
                ended: c.ended,
                duration_seconds: c
                    .created
                    .zip(until)
                    .map(|(from, to)| (to - from).num_seconds().max(0)),
                state: c.state.clone(),
                outcome,
                reason_code: c.reason_code.clone(),
                reason_message: c.reason_message.clone(),
                normalized_instance_hours: c.normalized_instance_hours,
            }
        })
        .collect()
}

/// The footer: how many runs ended each way, the median duration of the successful
/// ones, and the instance hours of all of them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Footer {
    pub runs: usize,
    pub outcomes: BTreeMap<&'static str, usize>,
    pub median_success_seconds: Option<i64>,
    pub total_normalized_instance_hours: i64,
}

pub fn footer(runs: &[Run]) -> Footer {
    let mut outcomes = BTreeMap::new();
    for run in runs {
        *outcomes.entry(run.outcome.name()).or_insert(0) += 1;
    }
    let mut successes: Vec<i64> = runs
        .iter()
        .filter(|r| r.outcome == Outcome::Succeeded)
        .filter_map(|r| r.duration_seconds)
        .collect();
    successes.sort_unstable();
    let median = match successes.len() {
        0 => None,
        n if n % 2 == 1 => Some(successes[n / 2]),
        n => Some((successes[n / 2 - 1] + successes[n / 2]) / 2),
    };
    Footer {
        runs: runs.len(),
        outcomes,
        median_success_seconds: median,
        total_normalized_instance_hours: runs
            .iter()
            .filter_map(|r| r.normalized_instance_hours)
            .map(i64::from)
            .sum(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 25, 12, 0, 0).unwrap()
    }

    fn record(
        id: &str,
        name: &str,
        state: &str,
        code: Option<&str>,
        hours_ago: i64,
    ) -> ClusterRecord {
        ClusterRecord {
            id: id.into(),
            name: name.into(),
            state: state.into(),
            reason_code: code.map(str::to_owned),
            reason_message: None,
            created: Some(now() - TimeDelta::hours(hours_ago)),
            ended: None,
            normalized_instance_hours: Some(8),
        }
    }

    #[test]
    fn windows_parse_and_start() {
        assert_eq!("7d".parse(), Ok(Since::Days(7)));
        assert_eq!("12h".parse(), Ok(Since::Hours(12)));
        let day: Since = "2026-11-01".parse().unwrap();
        assert_eq!(
            day.start(now()),
            Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap()
        );
        assert_eq!(Since::Days(7).start(now()), now() - TimeDelta::days(7));
        for bad in [
            "",
            "d",
            "7",
            "7w",
            "-7d",
            "0d",
            "99999d",
            "2026-13-01",
            "7 d",
            "+7d",
        ] {
            assert!(bad.parse::<Since>().is_err(), "{bad}");
        }
        assert_eq!(Since::Days(14).to_string(), "14d");
    }

    #[test]
    fn outcomes_come_from_the_reason_code() {
        assert_eq!(
            Outcome::of("TERMINATED", Some("ALL_STEPS_COMPLETED")),
            Outcome::Succeeded
        );
        assert_eq!(
            Outcome::of("TERMINATED_WITH_ERRORS", Some("STEP_FAILURE")),
            Outcome::Failed
        );
        assert_eq!(
            Outcome::of("TERMINATED", Some("STEP_FAILURE")),
            Outcome::Failed
        );
        assert_eq!(
            Outcome::of("TERMINATED", Some("USER_REQUEST")),
            Outcome::Stopped
        );
        assert_eq!(Outcome::of("TERMINATED_WITH_ERRORS", None), Outcome::Failed);
        assert_eq!(Outcome::of("WAITING", None), Outcome::Running);
        assert_eq!(Outcome::of("TERMINATING", None), Outcome::Running);
        assert_eq!(Outcome::of("TERMINATED", None), Outcome::Ended);
    }

    #[test]
    fn selection_is_exact_windowed_newest_first_and_limited() {
        let all = [
            record("j-1", "cyi", "TERMINATED", Some("STEP_FAILURE"), 5),
            record("j-2", "legacyimport", "TERMINATED", Some("STEP_FAILURE"), 4),
            record("j-3", "cyi", "TERMINATED", Some("ALL_STEPS_COMPLETED"), 3),
            record("j-4", "cyi", "WAITING", None, 1),
            record("j-5", "cyi", "TERMINATED", Some("STEP_FAILURE"), 24 * 30),
        ];
        let start = now() - TimeDelta::days(14);
        let ids = |v: Vec<ClusterRecord>| v.into_iter().map(|c| c.id).collect::<Vec<_>>();
        assert_eq!(
            ids(select(&all, "cyi", start, false, None)),
            ["j-4", "j-3", "j-1"]
        );
        assert_eq!(
            ids(select(&all, "cyi", start, false, Some(2))),
            ["j-4", "j-3"]
        );
        assert_eq!(ids(select(&all, "cyi", start, true, None)), ["j-1"]);
    }

    #[test]
    fn runs_take_their_tags_and_durations() {
        let mut done = record("j-1", "cyi", "TERMINATED", Some("ALL_STEPS_COMPLETED"), 3);
        done.ended = Some(now() - TimeDelta::hours(1));
        let live = record("j-2", "cyi", "RUNNING", None, 2);
        let tags = BTreeMap::from([
            ("Correlation_Id".to_owned(), "run-1".to_owned()),
            ("export_date".to_owned(), "2026-11-24".to_owned()),
        ]);
        let runs = runs(&[done, live], &[Some(tags), None], now());
        assert_eq!(runs[0].correlation_id.as_deref(), Some("run-1"));
        assert_eq!(runs[0].export_date.as_deref(), Some("2026-11-24"));
        assert_eq!(runs[0].duration_seconds, Some(2 * 3600));
        assert_eq!(runs[1].correlation_id, None);
        assert_eq!(runs[1].duration_seconds, Some(2 * 3600));
        assert_eq!(runs[1].outcome, Outcome::Running);
    }

    #[test]
    fn the_footer_counts_takes_the_median_and_sums() {
        let run = |outcome, secs| Run {
            cluster_id: "j".into(),
            correlation_id: None,
            export_date: None,
            created: None,
            ended: None,
            duration_seconds: Some(secs),
            state: "TERMINATED".into(),
            outcome,
            reason_code: None,
            reason_message: None,
            normalized_instance_hours: Some(10),
        };
        let runs = [
            run(Outcome::Succeeded, 100),
            run(Outcome::Succeeded, 300),
            run(Outcome::Failed, 5),
            run(Outcome::Succeeded, 200),
        ];
        let f = footer(&runs);
        assert_eq!(f.runs, 4);
        assert_eq!(f.outcomes["succeeded"], 3);
        assert_eq!(f.outcomes["failed"], 1);
        assert_eq!(f.median_success_seconds, Some(200));
        assert_eq!(f.total_normalized_instance_hours, 40);
        assert_eq!(footer(&runs[..2]).median_success_seconds, Some(200));
        assert_eq!(footer(&[]).median_success_seconds, None);
    }
}
