//! EMR reads shared by the commands, returned as plain data.

use std::collections::BTreeMap;

use aws_sdk_emr::operation::describe_cluster::DescribeClusterError;
use aws_sdk_emr::primitives::DateTime as AwsDateTime;
use aws_sdk_emr::types::{ClusterState, ClusterSummary};
use chrono::{DateTime, Utc};
use futures_util::stream::{self, StreamExt, TryStreamExt};
use serde::Serialize;

use super::{Aws, aws_error};
use crate::error::Result;

/// How many independent EMR reads run at once: enough to hide latency, few enough not
/// to provoke throttling.
pub const CONCURRENCY: usize = 8;

/// The states EMR calls active: the cluster exists and costs money.
pub const ACTIVE_STATES: [ClusterState; 4] = [
    ClusterState::Starting,
    ClusterState::Bootstrapping,
    ClusterState::Running,
    ClusterState::Waiting,
];

/// One cluster as ListClusters describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cluster {
    pub id: String,
    pub name: String,
    pub state: String,
    pub created: Option<DateTime<Utc>>,
}

impl Cluster {
    fn from_summary(summary: &ClusterSummary) -> Cluster {
        let status = summary.status();
        Cluster {
            id: summary.id().unwrap_or_default().to_owned(),
            name: summary.name().unwrap_or_default().to_owned(),
            state: status
                .and_then(|s| s.state())
                .map(|s| s.as_str().to_owned())
                .unwrap_or_default(),
            created: status
                .and_then(|s| s.timeline())
                .and_then(|t| t.creation_date_time())
                .and_then(|t| DateTime::from_timestamp(t.secs(), t.subsec_nanos())),
        }
    }
}

/// One cluster as DescribeCluster describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClusterDetail {
    pub id: String,
    pub name: String,
    pub arn: Option<String>,
    pub state: String,
    /// Why the state last changed (code and message), e.g. for a failed cluster.
    pub state_change_reason: Option<String>,
    pub created: Option<DateTime<Utc>>,
    pub ready: Option<DateTime<Utc>>,
    pub ended: Option<DateTime<Utc>>,
    pub termination_protected: bool,
    pub tags: BTreeMap<String, String>,
}

impl ClusterDetail {
    /// A cluster known only by id, name and state (no times, tags or protection).
    pub fn new(id: &str, name: &str, state: &str) -> ClusterDetail {
        ClusterDetail {
            id: id.to_owned(),
            name: name.to_owned(),
            arn: None,
            state: state.to_owned(),
            state_change_reason: None,
            created: None,
            ready: None,
            ended: None,
            termination_protected: false,
            tags: BTreeMap::new(),
        }
    }

    pub fn is_active(&self) -> bool {
        ACTIVE_STATES.iter().any(|s| s.as_str() == self.state)
    }

    pub fn tag(&self, key: &str) -> Option<&str> {
        self.tags.get(key).map(String::as_str)
    }
}

fn utc(t: Option<&AwsDateTime>) -> Option<DateTime<Utc>> {
    t.and_then(|t| DateTime::from_timestamp(t.secs(), t.subsec_nanos()))
}

/// DescribeCluster for one id; `None` when EMR does not know the id.
pub async fn describe(aws: &Aws, id: &str) -> Result<Option<ClusterDetail>> {
    let answer = aws.emr.describe_cluster().cluster_id(id).send().await;
    let cluster = match answer {
        Ok(out) => out.cluster,
        Err(err) if is_no_such_cluster(&err) => return Ok(None),
        Err(err) => return Err(aws_error("emr:DescribeCluster", err)),
    };
    Ok(cluster.map(|c| {
        let status = c.status();
        let timeline = status.and_then(|s| s.timeline());
        ClusterDetail {
            id: c.id().unwrap_or(id).to_owned(),
            name: c.name().unwrap_or_default().to_owned(),
            arn: c.cluster_arn().map(str::to_owned),
            state: status
                .and_then(|s| s.state())
                .map(|s| s.as_str().to_owned())
                .unwrap_or_default(),
            state_change_reason: status.and_then(|s| s.state_change_reason()).and_then(|r| {
                let code = r.code().map(|c| c.as_str().to_owned());
                match (code, r.message()) {
                    (Some(code), Some(message)) => Some(format!("{code}: {message}")),
                    (Some(code), None) => Some(code),
                    (None, message) => message.map(str::to_owned),
                }
            }),
            created: utc(timeline.and_then(|t| t.creation_date_time())),
            ready: utc(timeline.and_then(|t| t.ready_date_time())),
            ended: utc(timeline.and_then(|t| t.end_date_time())),
            termination_protected: c.termination_protected().unwrap_or(false),
            tags: c
                .tags()
                .iter()
                .map(|t| {
                    (
                        t.key().unwrap_or_default().to_owned(),
                        t.value().unwrap_or_default().to_owned(),
                    )
                })
                .collect(),
        }
    }))
}

/// DescribeCluster for several ids, [`CONCURRENCY`] at a time, in the order given;
/// `None` for ids EMR does not know.
pub async fn describe_many(aws: &Aws, ids: &[String]) -> Result<Vec<Option<ClusterDetail>>> {
    stream::iter(ids.iter().map(|id| describe(aws, id)))
        .buffered(CONCURRENCY)
        .try_collect()
        .await
}

fn is_no_such_cluster<R>(err: &aws_sdk_emr::error::SdkError<DescribeClusterError, R>) -> bool {
    use aws_sdk_emr::error::ProvideErrorMetadata;
    err.as_service_error().is_some_and(|e| {
        e.is_invalid_request_exception()
            && (e.code() == Some("NoSuchCluster")
                || e.message()
                    .is_some_and(|m| m.contains("does not exist") || m.contains("not valid")))
    })
}

/// Every active cluster of the account and region, following ListClusters to its last
/// page (50 clusters a page).
pub async fn list_active(aws: &Aws) -> Result<Vec<Cluster>> {
    let mut clusters = Vec::new();
    let mut marker = None;
    loop {
        let page = aws
            .emr
            .list_clusters()
            .set_cluster_states(Some(ACTIVE_STATES.to_vec()))
            .set_marker(marker)
            .send()
            .await
            .map_err(|e| aws_error("emr:ListClusters", e))?;
        clusters.extend(page.clusters().iter().map(Cluster::from_summary));
        marker = page.marker;
        if marker.is_none() {
            return Ok(clusters);
        }
    }
}

/// The clusters whose name is exactly `name` (a substring is not enough: `legacyimport`
/// is not a `cyi` cluster).
pub fn named<'a>(clusters: &'a [Cluster], name: &str) -> Vec<&'a Cluster> {
    clusters.iter().filter(|c| c.name == name).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cluster(id: &str, name: &str) -> Cluster {
        Cluster {
            id: id.into(),
            name: name.into(),
            state: "WAITING".into(),
            created: None,
        }
    }

    #[test]
    fn only_exact_names_match() {
        let all = [
            cluster("j-1", "cyi"),
            cluster("j-2", "legacyimport"),
            cluster("j-3", "cyi-test"),
            cluster("j-4", "CYI"),
            cluster("j-5", "cyi"),
        ];
        let ids: Vec<_> = named(&all, "cyi").iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["j-1", "j-5"]);
    }
}

/// One step of a cluster as ListSteps describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    pub id: String,
    pub name: String,
    pub state: String,
    pub created: Option<DateTime<Utc>>,
    pub started: Option<DateTime<Utc>>,
    pub ended: Option<DateTime<Utc>>,
    /// For a failed step: EMR's reason and message, and the log file it points at.
    pub failure: Option<String>,
}

/// Every step of a cluster, in the order they were submitted, following ListSteps to
/// its last page. Call it only with an id DescribeCluster knows: an unknown id makes
/// some servers answer 500, which the SDK retries for nothing.
pub async fn list_steps(aws: &Aws, cluster_id: &str) -> Result<Vec<Step>> {
    let mut steps = Vec::new();
    let mut marker = None;
    loop {
        let page = aws
            .emr
            .list_steps()
            .cluster_id(cluster_id)
            .set_marker(marker)
            .send()
            .await
            .map_err(|e| aws_error("emr:ListSteps", e))?;
        for s in page.steps() {
            let status = s.status();
            let timeline = status.and_then(|s| s.timeline());
            let failure = status.and_then(|s| s.failure_details()).and_then(|f| {
                let parts: Vec<&str> = [f.reason(), f.message(), f.log_file()]
                    .into_iter()
                    .flatten()
                    .filter(|p| !p.is_empty())
                    .collect();
                (!parts.is_empty()).then(|| parts.join(": "))
            });
            steps.push(Step {
                id: s.id().unwrap_or_default().to_owned(),
                name: s.name().unwrap_or_default().to_owned(),
                state: status
                    .and_then(|s| s.state())
                    .map(|s| s.as_str().to_owned())
                    .unwrap_or_default(),
                created: utc(timeline.and_then(|t| t.creation_date_time())),
                started: utc(timeline.and_then(|t| t.start_date_time())),
                ended: utc(timeline.and_then(|t| t.end_date_time())),
                failure,
            });
        }
        marker = page.marker;
        if marker.is_none() {
            break;
        }
    }
    // ListSteps answers newest first; people read a run from its first step.
    steps.reverse();
    Ok(steps)
}

/// Active clusters named `cluster_name` and tagged with this correlation id.
pub async fn tagged_clusters(
    aws: &Aws,
    cluster_name: &str,
    correlation_id: &str,
) -> Result<Vec<ClusterDetail>> {
    let active = list_active(aws).await?;
    let ids: Vec<String> = named(&active, cluster_name)
        .iter()
        .map(|c| c.id.clone())
        .collect();
    Ok(describe_many(aws, &ids)
        .await?
        .into_iter()
        .flatten()
        .filter(|c| c.is_active() && c.tag("Correlation_Id") == Some(correlation_id))
        .collect())
}

// Reads for `cyi logs` and `cyi history`.

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
    let details = out
        .step
        .and_then(|s| s.status)
        .and_then(|s| s.failure_details);
    Ok(details.and_then(|f| {
        let keep = |v: Option<String>| v.filter(|v| !v.is_empty());
        let failure = StepFailure {
            reason: keep(f.reason),
            message: keep(f.message),
            log_file: keep(f.log_file),
        };
        (failure.reason.is_some() || failure.message.is_some() || failure.log_file.is_some())
            .then_some(failure)
    }))
}
