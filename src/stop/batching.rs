//! Protection and batching: which targets are terminated, which are unprotected first
//! (`--force`), which are left running, and how the ids are split into
//! TerminateJobFlows calls.

use crate::aws::emr::{ClusterDetail, TERMINATE_MAX_IDS, is_terminating};

/// TerminateJobFlows accepts at most this many cluster ids per call.
pub const TERMINATE_BATCH: usize = TERMINATE_MAX_IDS;

/// What `stop-clusters` will do to its targets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StopPlan {
    pub targets: Vec<ClusterDetail>,
    /// Protected targets whose protection is removed first (`--force`).
    pub unprotect: Vec<String>,
    /// Protected targets left running (no `--force`).
    pub skipped: Vec<String>,
    /// TerminateJobFlows calls, at most [`TERMINATE_BATCH`] ids each. A cluster still
    /// protected is never in a batch: real EMR refuses the whole call for it.
    pub batches: Vec<Vec<String>>,
}

impl StopPlan {
    /// How many clusters the batches name.
    pub fn to_terminate(&self) -> usize {
        self.batches.iter().map(Vec::len).sum()
    }
}

/// Decides the plan for `targets`: without `force` a protected target is skipped; with
/// it, its protection is removed first and it is batched with the rest.
pub fn plan_stop(targets: Vec<ClusterDetail>, force: bool) -> StopPlan {
    let (protected, unprotected): (Vec<&ClusterDetail>, Vec<&ClusterDetail>) =
        targets.iter().partition(|c| c.termination_protected);
    let protected: Vec<String> = protected.iter().map(|c| c.id.clone()).collect();
    let mut terminate: Vec<String> = unprotected.iter().map(|c| c.id.clone()).collect();
    let (unprotect, skipped) = if force {
        terminate.extend(protected.iter().cloned());
        (protected, Vec::new())
    } else {
        (Vec::new(), protected)
    };
    let batches = terminate
        .chunks(TERMINATE_BATCH)
        .map(<[String]>::to_vec)
        .collect();
    StopPlan {
        targets,
        unprotect,
        skipped,
        batches,
    }
}

/// What a refused TerminateJobFlows call left behind, from DescribeCluster afterwards.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RefusedBatch {
    /// Terminating or terminated anyway: (id, state).
    pub going: Vec<(String, String)>,
    /// Active and protected now (turned on after the plan): (id, state). Real EMR
    /// refuses a whole call naming one, so these explain the refusal.
    pub protected: Vec<(String, String)>,
    /// Active, unprotected: (id, state).
    pub still_active: Vec<(String, String)>,
    /// Unknown to EMR now.
    pub missing: Vec<String>,
}

impl RefusedBatch {
    /// The ids worth one more call: when a cluster protected since the plan explains
    /// the refusal, the unprotected rest are sent again without it. Otherwise (a failure
    /// with no such cause) nothing is resent.
    pub fn resend(&self) -> Vec<String> {
        if self.protected.is_empty() {
            return Vec::new();
        }
        self.still_active.iter().map(|(id, _)| id.clone()).collect()
    }
}

/// Sorts the ids of a refused call by what EMR says of them now.
pub fn triage_refused(ids: &[String], now: Vec<Option<ClusterDetail>>) -> RefusedBatch {
    let mut triage = RefusedBatch::default();
    for (id, detail) in ids.iter().zip(now) {
        match detail {
            Some(d) if is_terminating(&d.state) => triage.going.push((id.clone(), d.state)),
            Some(d) if d.is_active() && d.termination_protected => {
                triage.protected.push((id.clone(), d.state));
            }
            Some(d) => triage.still_active.push((id.clone(), d.state)),
            None => triage.missing.push(id.clone()),
        }
    }
    triage
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cluster(id: &str) -> ClusterDetail {
        ClusterDetail::new(id, "cyi", "WAITING")
    }

    fn protected(id: &str) -> ClusterDetail {
        let mut c = ClusterDetail::new(id, "cyi", "RUNNING");
        c.termination_protected = true;
        c
    }

    fn many(n: usize) -> Vec<ClusterDetail> {
        (0..n).map(|i| cluster(&format!("j-{i:03}"))).collect()
    }

    fn ids(clusters: &[ClusterDetail]) -> Vec<&str> {
        clusters.iter().map(|c| c.id.as_str()).collect()
    }

    #[test]
    fn the_batch_size_is_emrs_limit() {
        assert_eq!(TERMINATE_BATCH, 10);
    }

    #[test]
    fn batches_hold_at_most_ten_ids_and_cover_every_target_once() {
        for n in [0, 1, 9, 10, 11, 20, 21, 57, 103] {
            let p = plan_stop(many(n), false);
            assert_eq!(p.batches.len(), n.div_ceil(10), "{n}");
            assert!(p.batches.iter().all(|b| !b.is_empty() && b.len() <= 10));
            let flat: Vec<&str> = p.batches.iter().flatten().map(String::as_str).collect();
            assert_eq!(flat, ids(&p.targets), "{n}: every target once, in order");
            assert!(p.unprotect.is_empty() && p.skipped.is_empty());
        }
        let full = plan_stop(many(20), false);
        assert_eq!(
            full.batches.iter().map(Vec::len).collect::<Vec<_>>(),
            [10, 10],
            "as few calls as the API allows"
        );
    }

    #[test]
    fn protected_clusters_are_skipped_and_never_batched() {
        let mut targets = many(12);
        targets.insert(3, protected("j-P1"));
        targets.push(protected("j-P2"));
        let p = plan_stop(targets, false);
        assert_eq!(p.skipped, ["j-P1", "j-P2"]);
        assert!(p.unprotect.is_empty());
        assert_eq!(p.to_terminate(), 12);
        assert_eq!(p.batches.len(), 2);
        assert!(
            p.batches.iter().flatten().all(|id| !id.starts_with("j-P")),
            "{:?}",
            p.batches
        );
        assert_eq!(
            p.targets.len(),
            14,
            "the plan still shows protected targets"
        );
    }

    #[test]
    fn no_batch_ever_names_a_cluster_that_is_still_protected() {
        for n in 0..25 {
            for every in [1, 2, 3, 7] {
                let targets: Vec<ClusterDetail> = (0..n)
                    .map(|i| {
                        let id = format!("j-{i:03}");
                        if i % every == 0 {
                            protected(&id)
                        } else {
                            cluster(&id)
                        }
                    })
                    .collect();
                for force in [false, true] {
                    let p = plan_stop(targets.clone(), force);
                    for id in p.batches.iter().flatten() {
                        let target = p.targets.iter().find(|c| &c.id == id);
                        let still_protected = target.is_some_and(|c| c.termination_protected)
                            && !p.unprotect.contains(id);
                        assert!(!still_protected, "{n}/{every}/{force}: {id} batched");
                    }
                    assert_eq!(p.to_terminate() + p.skipped.len(), p.targets.len());
                }
            }
        }
    }

    #[test]
    fn force_unprotects_exactly_the_protected_ones_then_terminates_them() {
        let mut targets = many(9);
        targets.push(protected("j-P1"));
        targets.push(protected("j-P2"));
        let p = plan_stop(targets, true);
        assert_eq!(p.unprotect, ["j-P1", "j-P2"]);
        assert!(p.skipped.is_empty());
        assert_eq!(p.to_terminate(), 11);
        assert_eq!(p.batches.len(), 2);
        assert!(p.batches.iter().all(|b| b.len() <= TERMINATE_BATCH));
    }

    #[test]
    fn only_protected_targets_means_nothing_to_terminate() {
        let p = plan_stop(vec![protected("j-P")], false);
        assert!(p.batches.is_empty());
        assert_eq!(p.to_terminate(), 0);
        assert_eq!(p.skipped, ["j-P"]);
    }

    #[test]
    fn a_batch_refused_for_a_newly_protected_cluster_resends_the_rest_without_it() {
        let ids: Vec<String> = ["j-A", "j-B", "j-C", "j-D", "j-E"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        let mut now_protected = protected("j-B");
        now_protected.state = "WAITING".into();
        let triage = triage_refused(
            &ids,
            vec![
                Some(cluster("j-A")),
                Some(now_protected),
                Some(ClusterDetail::new("j-C", "cyi", "TERMINATING")),
                None,
                Some(cluster("j-E")),
            ],
        );
        assert_eq!(triage.protected, [("j-B".into(), "WAITING".into())]);
        assert_eq!(triage.going, [("j-C".into(), "TERMINATING".into())]);
        assert_eq!(triage.missing, ["j-D"]);
        assert_eq!(triage.resend(), ["j-A", "j-E"]);
    }

    #[test]
    fn a_batch_refused_for_another_reason_is_not_resent() {
        let ids = vec!["j-A".to_owned(), "j-B".to_owned()];
        let triage = triage_refused(&ids, vec![Some(cluster("j-A")), Some(cluster("j-B"))]);
        assert_eq!(triage.still_active.len(), 2);
        assert!(triage.resend().is_empty());
        let gone = ClusterDetail::new("j-B", "cyi", "TERMINATED");
        let mut protected_gone = gone.clone();
        protected_gone.termination_protected = true;
        let triage = triage_refused(&ids, vec![Some(cluster("j-A")), Some(protected_gone)]);
        assert!(
            triage.protected.is_empty(),
            "a terminated cluster explains nothing"
        );
        assert!(triage.resend().is_empty());
    }
}
