//! EMR reads for `cyi logs` and `cyi history`: every cluster of a window, a cluster's
//! log location, a step's failure details.

use aws_sdk_emr::primitives::DateTime as AwsDateTime;
use aws_sdk_emr::types::{ClusterState, ClusterSummary, FailureDetails};
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{is_no_such_cluster, utc};
use crate::aws::{Aws, aws_error};
use crate::error::Result;

/// Every state a cluster can be in: a history shows how each run ended.
pub const ALL_STATES: [ClusterState; 7] = [
    ClusterState::Starting,
    ClusterState::Bootstrapping,
    ClusterState::Running,
    ClusterState::Waiting,
    ClusterState::Terminating,
    ClusterState::Terminated,
    ClusterState::TerminatedWithErrors,
];

/// One cluster of any state as ListClusters describes it, with how it ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClusterRecord {
    pub id: String,
    pub name: String,
    pub state: String,
    /// `Status.StateChangeReason.Code`, e.g. STEP_FAILURE, ALL_STEPS_COMPLETED.
    pub reason_code: Option<String>,
    pub reason_message: Option<String>,
    pub created: Option<DateTime<Utc>>,
    pub ended: Option<DateTime<Utc>>,
    /// EMR's cost proxy: instance hours normalized to the instance size.
    pub normalized_instance_hours: Option<i32>,
}

impl ClusterRecord {
    fn from_summary(summary: &ClusterSummary) -> ClusterRecord {
        let status = summary.status();
        let reason = status.and_then(|s| s.state_change_reason());
        let timeline = status.and_then(|s| s.timeline());
        ClusterRecord {
            id: summary.id().unwrap_or_default().to_owned(),
            name: summary.name().unwrap_or_default().to_owned(),
            state: status
                .and_then(|s| s.state())
                .map(|s| s.as_str().to_owned())
                .unwrap_or_default(),
            reason_code: reason.and_then(|r| r.code()).map(|c| c.as_str().to_owned()),
            reason_message: reason
                .and_then(|r| r.message())
                .filter(|m| !m.is_empty())
                .map(str::to_owned),
            created: utc(timeline.and_then(|t| t.creation_date_time())),
            ended: utc(timeline.and_then(|t| t.end_date_time())),
            normalized_instance_hours: summary.normalized_instance_hours(),
        }
    }
}

/// Every cluster of the account and region in any state, created after `after` when
/// given, following ListClusters to its last page.
pub async fn list_since(aws: &Aws, after: Option<DateTime<Utc>>) -> Result<Vec<ClusterRecord>> {
    let after = after.map(|t| AwsDateTime::from_secs(t.timestamp()));
    let mut clusters = Vec::new();
    let mut marker = None;
    loop {
        let page = aws
            .emr
            .list_clusters()
            .set_cluster_states(Some(ALL_STATES.to_vec()))
            .set_created_after(after)
            .set_marker(marker)
            .send()
            .await
            .map_err(|e| aws_error("emr:ListClusters", e))?;
        clusters.extend(page.clusters().iter().map(ClusterRecord::from_summary));
        marker = page.marker;
        if marker.is_none() {
            return Ok(clusters);
        }
    }
}

/// A cluster's `LogUri` (DescribeCluster); `None` when logging was not enabled or EMR
/// does not know the id.
pub async fn log_uri(aws: &Aws, id: &str) -> Result<Option<String>> {
    let answer = aws.emr.describe_cluster().cluster_id(id).send().await;
    match answer {
        Ok(out) => Ok(out
            .cluster
            .and_then(|c| c.log_uri)
            .filter(|uri| !uri.is_empty())),
        Err(err) if is_no_such_cluster(&err) => Ok(None),
        Err(err) => Err(aws_error("emr:DescribeCluster", err)),
    }
}

/// Why a step failed, as EMR worked it out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StepFailure {
    pub reason: Option<String>,
    pub message: Option<String>,
    pub log_file: Option<String>,
}

impl StepFailure {
    /// EMR's `FailureDetails` as given by ListSteps or DescribeStep; `None` when every
    /// field is missing or empty (EMR fills them in late, or not at all).
    pub fn of(details: &FailureDetails) -> Option<StepFailure> {
        let keep = |v: Option<&str>| v.filter(|v| !v.is_empty()).map(str::to_owned);
        let failure = StepFailure {
            reason: keep(details.reason()),
            message: keep(details.message()),
            log_file: keep(details.log_file()),
        };
        (failure.reason.is_some() || failure.message.is_some() || failure.log_file.is_some())
            .then_some(failure)
    }

    /// Reason, message and log file on one line, as the status screen's FAILURE column.
    pub fn joined(&self) -> String {
        [&self.reason, &self.message, &self.log_file]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(": ")
    }
}

/// A step's `Status.FailureDetails` (DescribeStep); `None` when EMR gives none.
pub async fn step_failure(
    aws: &Aws,
    cluster_id: &str,
    step_id: &str,
) -> Result<Option<StepFailure>> {
    let out = aws
        .emr
        .describe_step()
        .cluster_id(cluster_id)
        .step_id(step_id)
        .send()
        .await
        .map_err(|e| aws_error("emr:DescribeStep", e))?;
    Ok(out
        .step
        .and_then(|s| s.status)
        .and_then(|s| s.failure_details)
        .and_then(|f| StepFailure::of(&f)))
}
