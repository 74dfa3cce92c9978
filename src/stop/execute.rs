//! Carrying out a [`StopPlan`] through the AWS layer, its calls concurrent.

use std::collections::HashSet;

use futures_util::future::join_all;

use super::batching::{StopPlan, triage_refused};
use super::outcome::{StopOutcome, StopProgress};
use crate::aws::Aws;
use crate::aws::emr;

/// Carries out the plan into `progress`. Never stops at the first failure: every batch
/// is tried, and a batch refused as a whole is described again so the report says
/// exactly which clusters are going. The protection removals (`--force`) go first, all
/// at once; then the TerminateJobFlows batches, all at once: the run's EMR limiter
/// bounds how many are in flight.
pub async fn execute(aws: &Aws, plan: &StopPlan, progress: &StopProgress) {
    for id in &plan.skipped {
        progress.record(
            id,
            StopOutcome::ProtectedSkipped,
            Some("termination protection is on; left running (--force to terminate)".into()),
        );
    }
    let removals = plan.unprotect.iter().map(|id| async move {
        match emr::set_termination_protection(aws, id, false).await {
            Ok(()) => Some(id.as_str()),
            Err(e) => {
                progress.record(
                    id,
                    StopOutcome::Failed,
                    Some(format!("{e}; still protected, left running")),
                );
                None
            }
        }
    });
    let unprotected: HashSet<&str> = join_all(removals).await.into_iter().flatten().collect();
    let forced: HashSet<&str> = plan.unprotect.iter().map(String::as_str).collect();
    let batches = plan.batches.iter().filter_map(|batch| {
        // A forced target whose protection could not be removed would make EMR refuse
        // the whole call: it is left out.
        let ids: Vec<String> = batch
            .iter()
            .filter(|id| !forced.contains(id.as_str()) || unprotected.contains(id.as_str()))
            .cloned()
            .collect();
        (!ids.is_empty()).then(|| send_batch(aws, ids, &unprotected, progress))
    });
    join_all(batches).await;
}

/// One TerminateJobFlows call and what it did to each of its ids.
async fn send_batch(
    aws: &Aws,
    ids: Vec<String>,
    unprotected: &HashSet<&str>,
    progress: &StopProgress,
) {
    progress.sending(&ids);
    match emr::terminate(aws, &ids).await {
        Ok(()) => {
            for id in &ids {
                let message = unprotected
                    .contains(id.as_str())
                    .then(|| "termination protection removed (--force)".to_owned());
                progress.record(id, StopOutcome::Terminating, message);
            }
        }
        Err(e) => record_refused_batch(aws, &ids, &e.to_string(), progress).await,
    }
    progress.answered(&ids);
}

/// A TerminateJobFlows call failed: what EMR says now decides each id's outcome. When
/// a cluster protected since the plan explains the refusal (real EMR refuses the whole
/// call for it), the rest of the batch is sent once more without it.
async fn record_refused_batch(aws: &Aws, ids: &[String], failure: &str, progress: &StopProgress) {
    let now = match emr::describe_many(aws, ids).await {
        Ok(now) => now,
        Err(describe) => {
            for id in ids {
                progress.record(
                    id,
                    StopOutcome::Failed,
                    Some(format!("{failure}; state unknown ({describe})")),
                );
            }
            return;
        }
    };
    let triage = triage_refused(ids, now);
    for (id, state) in &triage.going {
        progress.record(
            id,
            StopOutcome::AlreadyTerminating,
            Some(format!("{failure}; but the cluster is {state}")),
        );
    }
    for (id, state) in &triage.protected {
        progress.record(
            id,
            StopOutcome::Failed,
            Some(format!(
                "{failure}; termination protection was turned on after the plan; the cluster is still {state}"
            )),
        );
    }
    for id in &triage.missing {
        progress.record(id, StopOutcome::Failed, Some(failure.to_owned()));
    }
    let resend = triage.resend();
    let resent = if resend.is_empty() {
        None
    } else {
        progress.sending(&resend);
        Some(emr::terminate(aws, &resend).await)
    };
    for (id, state) in &triage.still_active {
        match &resent {
            Some(Ok(())) => progress.record(
                id,
                StopOutcome::Terminating,
                Some("sent again without the protected cluster its first call named".into()),
            ),
            Some(Err(again)) => progress.record(
                id,
                StopOutcome::Failed,
                Some(format!(
                    "{failure}; sent again without the protected cluster: {again}"
                )),
            ),
            None => progress.record(
                id,
                StopOutcome::Failed,
                Some(format!("{failure}; the cluster is still {state}")),
            ),
        }
    }
}
