//! What happened to each target, kept so that it survives an interrupted execution.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Mutex, MutexGuard, PoisonError};

use serde::Serialize;

use super::batching::StopPlan;
use crate::aws::emr::is_terminated;
use crate::text::cyi_command;

/// What happened to one target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StopOutcome {
    /// TerminateJobFlows accepted it.
    Terminating,
    /// Its batch failed, but EMR shows it terminating or terminated anyway.
    AlreadyTerminating,
    /// Termination protection is on and `--force` was not given: left running.
    ProtectedSkipped,
    /// It could not be terminated; the message says why.
    Failed,
    /// Interrupted while its call was on the way: sent, but no answer came back.
    Unknown,
    /// Interrupted before its call was sent.
    NotSent,
}

impl StopOutcome {
    /// The cluster is on its way out.
    pub fn is_ok(self) -> bool {
        matches!(
            self,
            StopOutcome::Terminating | StopOutcome::AlreadyTerminating
        )
    }
}

/// One target's outcome, as reported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StopResult {
    pub id: String,
    pub outcome: StopOutcome,
    pub message: Option<String>,
    /// With `--wait`: the last state seen.
    pub final_state: Option<String>,
}

/// What [`super::execute`] has done so far, owned by the caller so that it survives the
/// execution being dropped at Ctrl-C. The calls run concurrently, so it is shared
/// (`&self`) and keeps every call on the way, not just one.
#[derive(Debug, Default)]
pub struct StopProgress {
    inner: Mutex<Progress>,
}

#[derive(Debug, Default)]
struct Progress {
    results: BTreeMap<String, StopResult>,
    /// The ids of the calls that were sent and have not answered yet.
    in_flight: BTreeSet<String>,
}

impl StopProgress {
    fn inner(&self) -> MutexGuard<'_, Progress> {
        // Each update is a single insert or remove: a poisoned lock still holds a
        // consistent record, and losing it would lose the Ctrl-C report.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn record(&self, id: &str, outcome: StopOutcome, message: Option<String>) {
        self.inner().results.insert(
            id.to_owned(),
            StopResult {
                id: id.to_owned(),
                outcome,
                message,
                final_state: None,
            },
        );
    }

    /// A call naming `ids` is about to be sent.
    pub fn sending(&self, ids: &[String]) {
        self.inner().in_flight.extend(ids.iter().cloned());
    }

    /// The call naming `ids` has been answered (its ids are recorded).
    pub fn answered(&self, ids: &[String]) {
        let mut inner = self.inner();
        for id in ids {
            inner.in_flight.remove(id);
        }
    }

    /// One result per target, in the plan's order. After an interrupt, a target of a
    /// call on the way is `Unknown` and one whose call was never sent is `NotSent`.
    pub fn finish(self, plan: &StopPlan) -> Vec<StopResult> {
        let Progress {
            mut results,
            in_flight,
        } = self
            .inner
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        for id in in_flight {
            results.entry(id.clone()).or_insert_with(|| StopResult {
                id,
                outcome: StopOutcome::Unknown,
                message: Some(format!(
                    "interrupted: its call was sent but not answered; it may be terminating (see `{}`)",
                    cyi_command("clusters")
                )),
                final_state: None,
            });
        }
        plan.targets
            .iter()
            .map(|c| {
                results.remove(&c.id).unwrap_or_else(|| StopResult {
                    id: c.id.clone(),
                    outcome: StopOutcome::NotSent,
                    message: Some("interrupted before its call was sent; still running".into()),
                    final_state: None,
                })
            })
            .collect()
    }
}

/// Puts each waited-for cluster's last state into its result; returns the ids accepted
/// for termination that were not gone when the wait ended (none after an interrupt).
pub fn record_final_states(
    results: &mut [StopResult],
    states: &BTreeMap<String, String>,
    interrupted: bool,
) -> Vec<String> {
    let mut timed_out = Vec::new();
    for result in results {
        if let Some(state) = states.get(&result.id) {
            result.final_state = Some(state.clone());
            if !interrupted && result.outcome.is_ok() && !is_terminated(state) {
                timed_out.push(result.id.clone());
            }
        }
    }
    timed_out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::emr::ClusterDetail;

    #[test]
    fn outcomes_serialize_in_snake_case() {
        let json = serde_json::to_value([
            StopOutcome::Terminating,
            StopOutcome::AlreadyTerminating,
            StopOutcome::ProtectedSkipped,
            StopOutcome::Failed,
            StopOutcome::Unknown,
            StopOutcome::NotSent,
        ])
        .unwrap();
        assert_eq!(
            json,
            serde_json::json!([
                "terminating",
                "already_terminating",
                "protected_skipped",
                "failed",
                "unknown",
                "not_sent"
            ])
        );
    }

    #[test]
    fn only_terminating_outcomes_are_ok() {
        assert!(StopOutcome::Terminating.is_ok());
        assert!(StopOutcome::AlreadyTerminating.is_ok());
        for not in [
            StopOutcome::ProtectedSkipped,
            StopOutcome::Failed,
            StopOutcome::Unknown,
            StopOutcome::NotSent,
        ] {
            assert!(!not.is_ok(), "{not:?}");
        }
    }

    #[test]
    fn an_answered_call_is_no_longer_on_the_way() {
        let plan = StopPlan {
            batches: vec![vec!["j-A".into()]],
            targets: vec![ClusterDetail::new("j-A", "cyi", "WAITING")],
            unprotect: Vec::new(),
            skipped: Vec::new(),
        };
        let progress = StopProgress::default();
        progress.sending(&["j-A".into()]);
        progress.answered(&["j-A".into()]);
        let results = progress.finish(&plan);
        assert_eq!(results[0].outcome, StopOutcome::NotSent);
    }

    #[test]
    fn an_interrupt_splits_the_targets_into_answered_on_the_way_and_never_sent() {
        let targets: Vec<ClusterDetail> = ["j-A", "j-B", "j-C", "j-D"]
            .iter()
            .map(|id| ClusterDetail::new(id, "cyi", "WAITING"))
            .collect();
        let plan = StopPlan {
            batches: vec![
                vec!["j-A".into()],
                vec!["j-B".into(), "j-C".into()],
                vec!["j-D".into()],
            ],
            targets,
            unprotect: Vec::new(),
            skipped: Vec::new(),
        };
        let progress = StopProgress::default();
        progress.sending(&["j-A".into()]);
        progress.record("j-A", StopOutcome::Terminating, None);
        progress.answered(&["j-A".into()]);
        progress.sending(&["j-B".into(), "j-C".into()]);
        let results = progress.finish(&plan);
        let outcomes: Vec<(&str, StopOutcome)> =
            results.iter().map(|r| (r.id.as_str(), r.outcome)).collect();
        assert_eq!(
            outcomes,
            [
                ("j-A", StopOutcome::Terminating),
                ("j-B", StopOutcome::Unknown),
                ("j-C", StopOutcome::Unknown),
                ("j-D", StopOutcome::NotSent),
            ]
        );
    }

    #[test]
    fn concurrent_calls_are_each_on_the_way_until_their_own_answer() {
        let targets: Vec<ClusterDetail> = ["j-A", "j-B", "j-C", "j-D", "j-E"]
            .iter()
            .map(|id| ClusterDetail::new(id, "cyi", "WAITING"))
            .collect();
        let plan = StopPlan {
            batches: vec![
                vec!["j-A".into(), "j-B".into()],
                vec!["j-C".into()],
                vec!["j-D".into()],
                vec!["j-E".into()],
            ],
            targets,
            unprotect: Vec::new(),
            skipped: Vec::new(),
        };
        let progress = StopProgress::default();
        progress.sending(&["j-A".into(), "j-B".into()]);
        progress.sending(&["j-C".into()]);
        progress.sending(&["j-D".into()]);
        progress.record("j-C", StopOutcome::Terminating, None);
        progress.answered(&["j-C".into()]);
        let results = progress.finish(&plan);
        let outcomes: Vec<(&str, StopOutcome)> =
            results.iter().map(|r| (r.id.as_str(), r.outcome)).collect();
        assert_eq!(
            outcomes,
            [
                ("j-A", StopOutcome::Unknown),
                ("j-B", StopOutcome::Unknown),
                ("j-C", StopOutcome::Terminating),
                ("j-D", StopOutcome::Unknown),
                ("j-E", StopOutcome::NotSent),
            ]
        );
    }

    #[test]
    fn after_the_wait_only_clusters_not_yet_gone_are_timed_out() {
        let result = |id: &str, outcome| StopResult {
            id: id.into(),
            outcome,
            message: None,
            final_state: None,
        };
        let mut results = vec![
            result("j-A", StopOutcome::Terminating),
            result("j-B", StopOutcome::Terminating),
            result("j-C", StopOutcome::AlreadyTerminating),
            result("j-D", StopOutcome::Failed),
        ];
        let states: BTreeMap<String, String> = [
            ("j-A", "TERMINATED"),
            ("j-B", "TERMINATING"),
            ("j-C", "TERMINATED_WITH_ERRORS"),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
        let timed_out = record_final_states(&mut results, &states, false);
        assert_eq!(timed_out, ["j-B"]);
        assert_eq!(results[1].final_state.as_deref(), Some("TERMINATING"));
        assert_eq!(results[3].final_state, None);
        assert!(record_final_states(&mut results, &states, true).is_empty());
    }
}
