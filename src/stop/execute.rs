//! Carrying out a [`StopPlan`] through the AWS layer.

use std::collections::HashSet;

use super::batching::{StopPlan, triage_refused};
use super::outcome::{StopOutcome, StopProgress};
use crate::aws::Aws;
use crate::aws::emr;

/// Carries out the plan into `progress`. Never stops at the first failure: every batch
/// is tried, and a batch refused as a whole is described again so the report says
/// exactly which clusters are going.
pub async fn execute(aws: &Aws, plan: &StopPlan, progress: &mut StopProgress) {
    for id in &plan.skipped {
        progress.record(
            id,
            StopOutcome::ProtectedSkipped,
            Some("termination protection is on; left running (--force to terminate)".into()),
        );
    }
    let mut unprotected = HashSet::new();
    for id in &plan.unprotect {
        match emr::set_termination_protection(aws, id, false).await {
            Ok(()) => {
                unprotected.insert(id.as_str());
            }
            Err(e) => progress.record(
                id,
                StopOutcome::Failed,
                Some(format!("{e}; still protected, left running")),
            ),
        }
    }
    let forced: HashSet<&str> = plan.unprotect.iter().map(String::as_str).collect();
    for batch in &plan.batches {
        // A forced target whose protection could not be removed would make EMR refuse
        // the whole call: it is left out.
        let ids: Vec<String> = batch
            .iter()
            .filter(|id| !forced.contains(id.as_str()) || unprotected.contains(id.as_str()))
            .cloned()
            .collect();
        if ids.is_empty() {
            continue;
        }
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
        progress.answered();
    }
}

/// A TerminateJobFlows call failed: what EMR says now decides each id's outcome. When
/// a cluster protected since the plan explains the refusal (real EMR refuses the whole
/// call for it), the rest of the batch is sent once more without it.
async fn record_refused_batch(
    aws: &Aws,
    ids: &[String],
    failure: &str,
    progress: &mut StopProgress,
) {
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
