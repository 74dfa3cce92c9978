//! A run's last cluster and why it failed, read once for `cyi status` and for `cyi
//! restart` (which shows it before it asks): the cluster the row names (else an active
//! one tagged with the run's id), its steps, and the failed step with EMR's
//! FailureDetails. What it means is a pure function of what was read ([`diagnose`]).

use serde::Serialize;

use crate::aws::Aws;
use crate::aws::emr::{self, ClusterDetail, Step, StepFailure, TAG_CORRELATION_ID};
use crate::error::Result;
use crate::logs;
use crate::row::{RowStatus, RowView};

/// What EMR says of the cluster a row names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NamedCluster {
    /// No row, or a row without a Cluster_Id.
    NoneNamed,
    /// EMR does not know the id (long gone, or another account or region).
    Gone(String),
    Found(ClusterDetail),
}

impl NamedCluster {
    pub fn detail(&self) -> Option<&ClusterDetail> {
        match self {
            NamedCluster::Found(detail) => Some(detail),
            _ => None,
        }
    }
}

/// DescribeCluster of the row's Cluster_Id (no call when it names none).
pub async fn describe_named(aws: &Aws, row: Option<&RowView>) -> Result<NamedCluster> {
    match row.and_then(|r| r.cluster_id.as_deref()) {
        Some(id) if !id.is_empty() => Ok(match emr::describe(aws, id).await? {
            Some(detail) => NamedCluster::Found(detail),
            None => NamedCluster::Gone(id.to_owned()),
        }),
        _ => Ok(NamedCluster::NoneNamed),
    }
}

/// What was read of a run's last cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastCluster {
    pub named: NamedCluster,
    /// The cluster to show: an active one tagged with the run's id when the row's is
    /// not active, else the row's.
    pub cluster: Option<ClusterDetail>,
    /// Its steps, first submitted first.
    pub steps: Vec<Step>,
}

/// The run's last cluster and its steps. `tagged` are the active clusters of the
/// product's name tagged with the id when the caller has listed them already; without
/// them they are listed here, and only when the row's cluster is not active.
pub async fn read(
    aws: &Aws,
    cluster_name: &str,
    correlation_id: &str,
    named: &NamedCluster,
    tagged: Option<&[ClusterDetail]>,
) -> Result<LastCluster> {
    let mut cluster = named.detail().cloned();
    if cluster.as_ref().is_none_or(|c| !c.is_active()) {
        let active = match tagged {
            Some(known) => known
                .iter()
                .find(|c| c.is_active() && c.tag(TAG_CORRELATION_ID) == Some(correlation_id))
                .cloned(),
            None => emr::tagged_clusters(aws, cluster_name, correlation_id)
                .await?
                .into_iter()
                .next(),
        };
        if active.is_some() {
            cluster = active;
        }
    }
    // Only for an id DescribeCluster knows: ListSteps answers 500 for an unknown one.
    let steps = match &cluster {
        Some(c) => emr::list_steps(aws, &c.id).await?,
        None => Vec::new(),
    };
    Ok(LastCluster {
        named: named.clone(),
        cluster,
        steps,
    })
}

/// The failed step: the row is the source of truth (the pipeline writes the step it
/// failed in); without a FAILED row, the first step EMR reports FAILED.
pub fn failed_step(row: Option<&RowView>, steps: &[Step]) -> Option<String> {
    match row {
        Some(r) if r.row_status() == Some(RowStatus::Failed) => r.current_step.clone(),
        _ => steps
            .iter()
            .find(|s| s.has_failed())
            .map(|s| s.name.clone()),
    }
}

/// Why the run's last cluster ended as it did, from what was read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnosis {
    /// The run's last cluster, when EMR knows one.
    pub cluster_id: Option<String>,
    pub cluster_state: Option<String>,
    /// The cluster's `Status.StateChangeReason`: code and message.
    pub state_change_reason: Option<String>,
    /// The row's Cluster_Id when EMR no longer knows it.
    pub gone_cluster_id: Option<String>,
    /// See [`failed_step`].
    pub failed_step: Option<String>,
    /// That step's state on the last cluster (the latest step of that name).
    pub step_state: Option<String>,
    /// That step's `Status.FailureDetails`: none until EMR has worked them out.
    pub failure: Option<StepFailure>,
    /// With a failed step: the `cyi logs` command that shows its log.
    pub logs_command: Option<String>,
    /// Why the cluster's steps could not be read (the rest is what was known without
    /// them).
    pub unread: Option<String>,
}

/// Pure: the last cluster, its failed step with EMR's details, and the command that
/// shows the step's log.
pub fn diagnose(correlation_id: &str, row: Option<&RowView>, last: &LastCluster) -> Diagnosis {
    let failed = failed_step(row, &last.steps);
    let step = failed.as_deref().and_then(|name| {
        let named = |s: &&Step| s.name == name;
        let latest = || last.steps.iter().rev().filter(named);
        latest()
            .find(|s| s.has_failed())
            .or_else(|| latest().next())
    });
    let cluster = last.cluster.as_ref();
    Diagnosis {
        cluster_id: cluster.map(|c| c.id.clone()),
        cluster_state: cluster.map(|c| c.state.clone()),
        state_change_reason: cluster.and_then(|c| c.state_change_reason.clone()),
        gone_cluster_id: match &last.named {
            NamedCluster::Gone(id) => Some(id.clone()),
            _ => None,
        },
        step_state: step.map(|s| s.state.clone()),
        failure: step.and_then(|s| s.failure_details.clone()),
        logs_command: failed
            .as_deref()
            .map(|step| logs::suggestion(correlation_id, Some(step))),
        failed_step: failed,
        unread: None,
    }
}

/// Pure: what is known when the steps of the row's cluster could not be read (`error`).
pub fn diagnose_unread(
    correlation_id: &str,
    row: Option<&RowView>,
    named: &NamedCluster,
    error: String,
) -> Diagnosis {
    let known = LastCluster {
        named: named.clone(),
        cluster: named.detail().cloned(),
        steps: Vec::new(),
    };
    Diagnosis {
        unread: Some(error),
        ..diagnose(correlation_id, row, &known)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::dynamodb;
    use aws_sdk_dynamodb::types::AttributeValue;

    fn row(status: &str) -> RowView {
        let mut item = dynamodb::key("r", "CYI");
        item.insert("Status".into(), AttributeValue::S(status.into()));
        item.insert("CurrentStep".into(), AttributeValue::S("run-cyi".into()));
        RowView::of(&item)
    }

    fn step(name: &str, state: &str, failure: Option<StepFailure>) -> Step {
        Step {
            id: format!("s-{name}"),
            name: name.into(),
            state: state.into(),
            created: None,
            started: None,
            ended: None,
            failure: failure.as_ref().map(StepFailure::joined),
            failure_details: failure,
        }
    }

    fn details() -> StepFailure {
        StepFailure {
            reason: Some("Unknown Error.".into()),
            message: Some("hive -f failed".into()),
            log_file: Some("s3://logs/j-1/steps/s-2/stderr.gz".into()),
        }
    }

    fn last(named: NamedCluster, steps: Vec<Step>) -> LastCluster {
        LastCluster {
            cluster: named.detail().cloned(),
            named,
            steps,
        }
    }

    fn ended(reason: &str) -> NamedCluster {
        let mut c = ClusterDetail::new("j-1", "cyi", "TERMINATED_WITH_ERRORS");
        c.state_change_reason = Some(reason.into());
        NamedCluster::Found(c)
    }

    #[test]
    fn the_row_names_the_failed_step_before_emr_does() {
        let steps = [step("a", "COMPLETED", None), step("b", "FAILED", None)];
        let failed = row("FAILED");
        assert_eq!(
            failed_step(Some(&failed), &steps).as_deref(),
            Some("run-cyi")
        );
        assert_eq!(failed_step(None, &steps).as_deref(), Some("b"));
        assert_eq!(failed_step(Some(&row("IN_PROGRESS")), &[]), None);
        assert_eq!(
            failed_step(Some(&row("Failed")), &[]).as_deref(),
            Some("run-cyi")
        );
    }

    #[test]
    fn a_failed_step_comes_with_emrs_details_and_the_logs_command() {
        let steps = vec![
            step("courtesy-flush", "COMPLETED", None),
            step("run-cyi", "FAILED", Some(details())),
            step("flush", "CANCELLED", None),
        ];
        let d = diagnose(
            "run 1",
            Some(&row("FAILED")),
            &last(ended("STEP_FAILURE: Shut down as step failed"), steps),
        );
        assert_eq!(d.cluster_id.as_deref(), Some("j-1"));
        assert_eq!(
            d.state_change_reason.as_deref(),
            Some("STEP_FAILURE: Shut down as step failed")
        );
        assert_eq!(d.step_state.as_deref(), Some("FAILED"));
        assert_eq!(d.failure, Some(details()));
        assert_eq!(
            d.logs_command.as_deref(),
            Some("cyi logs --correlation-id 'run 1' --step run-cyi")
        );
        assert_eq!(d.gone_cluster_id, None);
    }

    #[test]
    fn the_latest_failed_step_of_the_name_wins() {
        let later = StepFailure {
            message: Some("second try".into()),
            ..details()
        };
        let steps = vec![
            step("run-cyi", "FAILED", Some(details())),
            step("run-cyi", "FAILED", Some(later.clone())),
            step("run-cyi", "CANCELLED", None),
        ];
        let d = diagnose("r", Some(&row("FAILED")), &last(ended("x"), steps));
        assert_eq!(d.failure, Some(later));
    }

    #[test]
    fn no_failed_step_no_details_yet_and_a_gone_cluster() {
        let quiet = vec![step("run-cyi", "COMPLETED", None)];
        let d = diagnose("r", Some(&row("IN_PROGRESS")), &last(ended("x"), quiet));
        assert_eq!((d.failed_step, d.logs_command), (None, None));
        assert_eq!(d.cluster_id.as_deref(), Some("j-1"));

        let late = vec![step("run-cyi", "FAILED", None)];
        let d = diagnose("r", None, &last(ended("x"), late));
        assert_eq!(d.failed_step.as_deref(), Some("run-cyi"));
        assert_eq!(d.step_state.as_deref(), Some("FAILED"));
        assert_eq!(d.failure, None);

        let d = diagnose(
            "r",
            Some(&row("FAILED")),
            &last(NamedCluster::Gone("j-GONE".into()), vec![]),
        );
        assert_eq!(d.gone_cluster_id.as_deref(), Some("j-GONE"));
        assert_eq!((d.cluster_id, d.step_state), (None, None));
        assert_eq!(d.failed_step.as_deref(), Some("run-cyi"));

        let d = diagnose("r", None, &last(NamedCluster::NoneNamed, vec![]));
        assert_eq!(d.gone_cluster_id, None);
        assert_eq!(d.cluster_id, None);
    }

    #[test]
    fn steps_that_could_not_be_read_keep_what_was_known() {
        let d = diagnose_unread("r", Some(&row("FAILED")), &ended("x"), "denied".into());
        assert_eq!(d.unread.as_deref(), Some("denied"));
        assert_eq!(d.cluster_id.as_deref(), Some("j-1"));
        assert_eq!(d.failed_step.as_deref(), Some("run-cyi"));
        assert_eq!((d.step_state, d.failure), (None, None));
    }
}
