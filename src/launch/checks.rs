//! The pre-flight checks of a launch: pure decisions from the facts gathered about a
//! run (its state row, clusters already running for it, its input data) to one outcome
//! per check, and the refusal when one failed.

use serde::Serialize;

use super::inputs::LaunchInputs;
use super::model::RunJobFlow;
use crate::aws::dynamodb::{self, Item};
use crate::aws::emr::ClusterDetail;
use crate::aws::s3::Listing;
use crate::error::{Error, Result};
use crate::row::RowStatus;
use crate::text::{count, cyi_command, shell_word};
use crate::types::Day;

/// The config's cluster name must be the environment's: the other commands find the
/// cluster by that name.
pub fn check_name(request: &RunJobFlow, cluster_name: &str) -> Result<()> {
    match request.name.as_deref() {
        None => Err(Error::usage(
            "cluster.yaml: Name is missing; RunJobFlow needs it",
        )),
        Some(name) if name != cluster_name => Err(Error::usage_hint(
            format!(
                "cluster.yaml: Name is '{name}', but the environment's cluster_name is '{cluster_name}'"
            ),
            "the other cyi commands find the cluster by cluster_name: make them agree",
        )),
        Some(_) if request.instances.is_none() => Err(Error::usage(
            "instances.yaml: Instances is missing; RunJobFlow needs it",
        )),
        Some(_) => Ok(()),
    }
}

/// The state row's fields that matter here.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct StateRowFact {
    pub status: Option<String>,
    pub current_step: Option<String>,
    pub run_id: Option<i64>,
    pub cluster_id: Option<String>,
}

impl StateRowFact {
    pub fn of(item: &Item) -> StateRowFact {
        let text = |name| dynamodb::string(item, name).map(str::to_owned);
        StateRowFact {
            status: text("Status"),
            current_step: text("CurrentStep"),
            // A number, or a number written as a string by hand.
            run_id: dynamodb::number(item, "Run_Id")
                .or_else(|| dynamodb::string(item, "Run_Id"))
                .and_then(|n| n.parse().ok()),
            cluster_id: text("Cluster_Id"),
        }
    }

    /// The status as data (any case); None when the row has no `Status`.
    pub fn row_status(&self) -> Option<RowStatus> {
        self.status.as_deref().map(RowStatus::parse)
    }

    /// Whether the row's cluster must be looked at: the run may still be going.
    pub fn may_be_running(&self) -> bool {
        self.row_status().is_some_and(|s| s.may_be_running())
    }
}

/// What AWS says about a run, gathered before deciding.
#[derive(Debug, Clone, Default)]
pub struct LaunchFacts {
    pub row: Option<StateRowFact>,
    /// The row's cluster, when it names one EMR knows.
    pub row_cluster: Option<ClusterDetail>,
    /// Active clusters of this name already tagged with the correlation id.
    pub tagged: Vec<ClusterDetail>,
    pub input: Listing,
    /// With a start date: the days of the range whose prefix holds nothing.
    pub empty_days: Vec<Day>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Passed,
    Warned,
    Failed,
    /// Failed, and `--force` overrides it.
    Forced,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    pub name: &'static str,
    pub outcome: Outcome,
    pub detail: String,
}

const STATE_ROW: &str = "state row";
const ACTIVE_CLUSTERS: &str = "active clusters";
const INPUT_DATA: &str = "input data";
const COMPLETED: &str = "row is COMPLETED";
const STILL_GOING: &str = "the run is still going";

/// The pure decision: each check's outcome from the facts.
pub fn decide(
    facts: &LaunchFacts,
    inputs: &LaunchInputs,
    data_product: &str,
    cluster_name: &str,
    force: bool,
) -> Vec<Check> {
    let fail = if force {
        Outcome::Forced
    } else {
        Outcome::Failed
    };
    let run = &inputs.run;
    let mut checks = Vec::new();

    checks.push(Check {
        name: "dates",
        outcome: Outcome::Passed,
        detail: match (run.start_date, inputs.backfill_days()) {
            (Some(start), Some(days)) => format!(
                "backfill {start} to {} ({})",
                run.export_date,
                count(days, "day", "days")
            ),
            _ => format!("export date {}", run.export_date),
        },
    });

    let (outcome, detail) = match &facts.row {
        None => (
            Outcome::Passed,
            format!(
                "no row for ({}, {data_product}): a fresh run",
                run.correlation_id
            ),
        ),
        Some(row) => match row.row_status() {
            Some(RowStatus::Failed) => (
                Outcome::Warned,
                format!(
                    "row is FAILED: resumes from step {}, run {}; `{}` for a fresh start",
                    row.current_step.as_deref().unwrap_or("?"),
                    row.run_id.map_or("?".to_owned(), |n| (n + 1).to_string()),
                    cyi_command("clear-row")
                ),
            ),
            Some(RowStatus::Completed) => (
                fail,
                format!(
                    "{COMPLETED}: this run has loaded its data; a second load would append the same data twice"
                ),
            ),
            // IN_PROGRESS, or a status nobody can vouch for: the run may still be going.
            Some(status @ (RowStatus::InProgress | RowStatus::Unknown(_))) => {
                match &facts.row_cluster {
                    Some(cluster) if cluster.is_active() => (
                        fail,
                        format!(
                            "row is {status} and its cluster {} is {}: {STILL_GOING}",
                            cluster.id, cluster.state
                        ),
                    ),
                    Some(cluster) => (
                        Outcome::Warned,
                        format!(
                            "row is {status} but its cluster {} is {}: the run died without recording it",
                            cluster.id, cluster.state
                        ),
                    ),
                    None => (
                        Outcome::Warned,
                        format!(
                            "row is {status} but its cluster {} is unknown to EMR",
                            row.cluster_id.as_deref().unwrap_or("(none recorded)")
                        ),
                    ),
                }
            }
            other => (
                Outcome::Warned,
                format!(
                    "row status is {}",
                    other.map_or("missing".to_owned(), |s| s.to_string())
                ),
            ),
        },
    };
    checks.push(Check {
        name: STATE_ROW,
        outcome,
        detail,
    });

    checks.push(if facts.tagged.is_empty() {
        Check {
            name: ACTIVE_CLUSTERS,
            outcome: Outcome::Passed,
            detail: format!("no active '{cluster_name}' cluster carries this correlation id"),
        }
    } else {
        let list: Vec<String> = facts
            .tagged
            .iter()
            .map(|c| format!("{} ({})", c.id, c.state))
            .collect();
        Check {
            name: ACTIVE_CLUSTERS,
            outcome: fail,
            detail: format!(
                "already running for this correlation id: {}",
                list.join(", ")
            ),
        }
    });

    let place = inputs.input_url();
    checks.push(if facts.input.objects == 0 {
        Check {
            name: INPUT_DATA,
            outcome: fail,
            detail: format!("no objects under {place}"),
        }
    } else {
        Check {
            name: INPUT_DATA,
            outcome: Outcome::Passed,
            detail: format!(
                "{}, {} under {place}",
                count(facts.input.objects, "object", "objects"),
                size(facts.input.bytes)
            ),
        }
    });

    if let Some(days) = inputs.backfill_days() {
        checks.push(if facts.empty_days.is_empty() {
            Check {
                name: "backfill days",
                outcome: Outcome::Passed,
                detail: format!("every day of the {days} has input under {cluster_name}/<day>/"),
            }
        } else {
            let list: Vec<String> = facts.empty_days.iter().map(Day::to_string).collect();
            Check {
                name: "backfill days",
                outcome: Outcome::Warned,
                detail: format!(
                    "{} of {} {} no input under {cluster_name}/<day>/: {}",
                    list.len(),
                    count(days, "day", "days"),
                    if list.len() == 1 { "has" } else { "have" },
                    list.join(", ")
                ),
            }
        });
    }
    checks
}

fn size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// The refusal when a check failed (and `--force` was not given). Its hint names the
/// safe way out of each failed check first; `--force` comes last, with what it would do.
pub fn refusal(checks: &[Check], correlation_id: &str) -> Option<Error> {
    let failed: Vec<&Check> = checks
        .iter()
        .filter(|c| c.outcome == Outcome::Failed)
        .collect();
    if failed.is_empty() {
        return None;
    }
    let reasons: Vec<String> = failed
        .iter()
        .map(|c| format!("{}: {}", c.name, c.detail))
        .collect();
    let id = shell_word(correlation_id);
    let mut ways = Vec::new();
    let running = failed.iter().any(|c| {
        c.name == ACTIVE_CLUSTERS || (c.name == STATE_ROW && c.detail.ends_with(STILL_GOING))
    });
    if running {
        ways.push(format!(
            "the run is still going: follow it with `{}`, or stop it first with `{}`",
            cyi_command(&format!("status --correlation-id {id}")),
            cyi_command(&format!("stop-clusters --correlation-id {id}"))
        ));
    }
    if failed
        .iter()
        .any(|c| c.name == STATE_ROW && c.detail.starts_with(COMPLETED))
    {
        ways.push("this run has completed: a new load needs a new correlation id".to_owned());
    }
    if failed.iter().any(|c| c.name == INPUT_DATA) {
        ways.push("check --export-date and the input bucket".to_owned());
    }
    let force = if running {
        "--force launches a second cluster for this run anyway"
    } else {
        "--force launches anyway"
    };
    ways.push(format!("only if you are sure, {force}"));
    Some(Error::refused(
        format!("refused, nothing was launched: {}", reasons.join("; ")),
        Some(ways.join("; ")),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::launch::inputs::tests::inputs;

    fn detail(id: &str, state: &str) -> ClusterDetail {
        ClusterDetail::new(id, "cyi", state)
    }

    fn with_input() -> LaunchFacts {
        LaunchFacts {
            input: Listing {
                objects: 2,
                bytes: 2048,
            },
            ..LaunchFacts::default()
        }
    }

    fn outcome(checks: &[Check], name: &str) -> (Outcome, String) {
        let c = checks.iter().find(|c| c.name == name).unwrap();
        (c.outcome, c.detail.clone())
    }

    #[test]
    fn fresh_run_with_input_passes_everything() {
        let checks = decide(&with_input(), &inputs(&[]), "CYI", "cyi", false);
        assert!(
            checks.iter().all(|c| c.outcome == Outcome::Passed),
            "{checks:?}"
        );
        assert_eq!(
            outcome(&checks, "input data").1,
            "2 objects, 2.0 KiB under s3://in/cyi/2021-04-01/"
        );
    }

    #[test]
    fn state_rows() {
        let row = |status: &str| StateRowFact {
            status: Some(status.into()),
            current_step: Some("run-cyi".into()),
            run_id: Some(2),
            cluster_id: Some("j-OLD".into()),
        };
        let i = inputs(&[]);
        let mut facts = with_input();
        facts.row = Some(row("FAILED"));
        let (o, d) = outcome(&decide(&facts, &i, "CYI", "cyi", false), "state row");
        assert_eq!(o, Outcome::Warned);
        assert_eq!(
            d,
            "row is FAILED: resumes from step run-cyi, run 3; `cyi clear-row` for a fresh start"
        );

        facts.row = Some(row("COMPLETED"));
        assert_eq!(
            outcome(&decide(&facts, &i, "CYI", "cyi", false), "state row").0,
            Outcome::Failed
        );
        assert_eq!(
            outcome(&decide(&facts, &i, "CYI", "cyi", true), "state row").0,
            Outcome::Forced
        );

        facts.row = Some(row("IN_PROGRESS"));
        facts.row_cluster = Some(detail("j-OLD", "RUNNING"));
        assert_eq!(
            outcome(&decide(&facts, &i, "CYI", "cyi", false), "state row").0,
            Outcome::Failed
        );
        facts.row_cluster = Some(detail("j-OLD", "TERMINATED"));
        assert_eq!(
            outcome(&decide(&facts, &i, "CYI", "cyi", false), "state row").0,
            Outcome::Warned
        );
        facts.row_cluster = None;
        assert_eq!(
            outcome(&decide(&facts, &i, "CYI", "cyi", false), "state row").0,
            Outcome::Warned
        );
    }

    #[test]
    fn a_status_in_another_case_is_the_same_decision() {
        let row = |status: &str| StateRowFact {
            status: Some(status.into()),
            current_step: Some("run-cyi".into()),
            run_id: Some(2),
            cluster_id: Some("j-OLD".into()),
        };
        let i = inputs(&[]);
        let mut facts = with_input();
        facts.row_cluster = Some(detail("j-OLD", "RUNNING"));
        // A live run is refused however its status is written, or if nobody knows it.
        for live in ["in_progress", "In_Progress", "RUNNING"] {
            facts.row = Some(row(live));
            assert!(facts.row.as_ref().unwrap().may_be_running(), "{live}");
            let (o, d) = outcome(&decide(&facts, &i, "CYI", "cyi", false), "state row");
            assert_eq!(o, Outcome::Failed, "{live}: {d}");
        }
        facts.row = Some(row("Failed"));
        assert!(!facts.row.as_ref().unwrap().may_be_running());
        let (o, d) = outcome(&decide(&facts, &i, "CYI", "cyi", false), "state row");
        assert_eq!(o, Outcome::Warned);
        assert!(
            d.starts_with("row is FAILED: resumes from step run-cyi"),
            "{d}"
        );
        facts.row = Some(row("completed"));
        assert_eq!(
            outcome(&decide(&facts, &i, "CYI", "cyi", false), "state row").0,
            Outcome::Failed
        );
    }

    #[test]
    fn tagged_clusters_and_missing_input_fail_unless_forced() {
        let i = inputs(&[]);
        let facts = LaunchFacts {
            tagged: vec![detail("j-1", "WAITING")],
            ..LaunchFacts::default()
        };
        let checks = decide(&facts, &i, "CYI", "cyi", false);
        assert_eq!(
            outcome(&checks, "active clusters"),
            (
                Outcome::Failed,
                "already running for this correlation id: j-1 (WAITING)".into()
            )
        );
        assert_eq!(outcome(&checks, "input data").0, Outcome::Failed);
        let checks = decide(&facts, &i, "CYI", "cyi", true);
        assert!(checks.iter().all(|c| c.outcome != Outcome::Failed));
    }

    #[test]
    fn empty_backfill_days_warn() {
        let i = inputs(&["--start-date", "2021-03-30"]);
        let mut facts = with_input();
        facts.empty_days = vec!["2021-03-31".parse().unwrap()];
        let checks = decide(&facts, &i, "CYI", "cyi", false);
        assert_eq!(
            outcome(&checks, "backfill days"),
            (
                Outcome::Warned,
                "1 of 3 days has no input under cyi/<day>/: 2021-03-31".into()
            )
        );
        assert_eq!(
            outcome(&checks, "dates").1,
            "backfill 2021-03-30 to 2021-04-01 (3 days)"
        );
    }

    #[test]
    fn sizes() {
        assert_eq!(size(10), "10 B");
        assert_eq!(size(1536), "1.5 KiB");
        assert_eq!(size(3 * 1024 * 1024 * 1024), "3.0 GiB");
    }

    #[test]
    fn a_failed_check_refuses_and_names_itself() {
        let checks = decide(&LaunchFacts::default(), &inputs(&[]), "CYI", "cyi", false);
        let err = refusal(&checks, "c1").unwrap();
        assert!(
            err.to_string().contains("input data: no objects under"),
            "{err}"
        );
        let forced = decide(&LaunchFacts::default(), &inputs(&[]), "CYI", "cyi", true);
        assert!(refusal(&forced, "c1").is_none());
    }

    #[test]
    fn a_refusal_names_the_safe_way_out_before_force() {
        let i = inputs(&[]);
        let running = LaunchFacts {
            tagged: vec![detail("j-1", "WAITING")],
            ..with_input()
        };
        let err = refusal(&decide(&running, &i, "CYI", "cyi", false), "run 1").unwrap();
        let hint = err.hint().unwrap();
        assert!(
            hint.starts_with(
                "the run is still going: follow it with `cyi status --correlation-id 'run 1'`"
            ),
            "{hint}"
        );
        assert!(
            hint.contains("`cyi stop-clusters --correlation-id 'run 1'`"),
            "{hint}"
        );
        assert!(
            hint.ends_with(
                "only if you are sure, --force launches a second cluster for this run anyway"
            ),
            "{hint}"
        );
        assert!(!hint.contains("export-date"), "{hint}");

        let hint_of = |facts: &LaunchFacts| {
            let checks = decide(facts, &i, "CYI", "cyi", false);
            refusal(&checks, "c1").unwrap().hint().unwrap().to_owned()
        };
        let mut completed = with_input();
        completed.row = Some(StateRowFact {
            status: Some("COMPLETED".into()),
            current_step: None,
            run_id: Some(1),
            cluster_id: None,
        });
        assert_eq!(
            hint_of(&completed),
            "this run has completed: a new load needs a new correlation id; only if you are sure, --force launches anyway"
        );

        assert_eq!(
            hint_of(&LaunchFacts::default()),
            "check --export-date and the input bucket; only if you are sure, --force launches anyway"
        );
    }

    #[test]
    fn the_config_must_name_the_environments_cluster() {
        let request: RunJobFlow = serde_yaml_ng::from_str("Name: other\nInstances: {}").unwrap();
        let err = check_name(&request, "cyi").unwrap_err();
        assert!(err.to_string().contains("Name is 'other'"), "{err}");
        let request: RunJobFlow = serde_yaml_ng::from_str("Name: cyi\nInstances: {}").unwrap();
        assert!(check_name(&request, "cyi").is_ok());
    }
}
