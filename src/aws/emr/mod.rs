//! Every EMR call the commands make, behind typed functions returning plain data, and
//! the one definition of the EMR facts they rely on: the active states, the terminal
//! states, and the tag names a CYI cluster carries.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use aws_sdk_emr::operation::describe_cluster::DescribeClusterError;
use aws_sdk_emr::primitives::DateTime as AwsDateTime;
use aws_sdk_emr::types::{ClusterState, ClusterSummary};
use chrono::{DateTime, Utc};
use futures_util::stream::{self, StreamExt, TryStreamExt};
use serde::Serialize;

use super::{Aws, aws_error};
use crate::error::{Error, Result};

mod history;
mod listing;
pub use history::{ALL_STATES, ClusterRecord, StepFailure, list_since, log_uri, step_failure};
pub use listing::{describe_listed, list_active};

/// How many independent EMR calls run at once: enough to hide latency, few enough not
/// to provoke throttling. The run's [`crate::aws::limit::Limiter`] bounds them again,
/// lower while EMR throttles.
pub const CONCURRENCY: usize = crate::aws::limit::MAX_IN_FLIGHT;

/// How many calls a pipeline keeps queued behind the limiter: enough that the next
/// ListClusters page is never waiting for a place in the queue.
const QUEUED: usize = 1024;

/// The states EMR calls active: the cluster exists and costs money.
pub const ACTIVE_STATES: [ClusterState; 4] = [
    ClusterState::Starting,
    ClusterState::Bootstrapping,
    ClusterState::Running,
    ClusterState::Waiting,
];

/// The tag holding the run's correlation id, set in the RunJobFlow request. Spelled
/// like the state table's hash key (`dynamodb::HASH_KEY`), but a different thing.
pub const TAG_CORRELATION_ID: &str = "Correlation_Id";
/// The tag holding the run's export date (YYYY-MM-DD).
pub const TAG_EXPORT_DATE: &str = "export_date";
/// The tag holding a backfill's first date (YYYY-MM-DD), when there is one.
pub const TAG_START_DATE: &str = "start_date";

/// TerminateJobFlows accepts at most this many cluster ids per call.
pub const TERMINATE_MAX_IDS: usize = 10;
/// How often [`wait_terminated`] asks EMR for the clusters' states.
pub const POLL_INTERVAL: Duration = Duration::from_secs(5);

/// True for STARTING, BOOTSTRAPPING, RUNNING and WAITING (not TERMINATING: a cluster
/// on its way out is not counted, listed or targeted as active).
pub fn is_active_state(state: &str) -> bool {
    ACTIVE_STATES.iter().any(|s| s.as_str() == state)
}

/// True once termination has begun: TERMINATING or either terminated state.
pub fn is_terminating(state: &str) -> bool {
    state == ClusterState::Terminating.as_str() || is_terminated(state)
}

/// True once the cluster is gone: TERMINATED or TERMINATED_WITH_ERRORS.
pub fn is_terminated(state: &str) -> bool {
    state == ClusterState::Terminated.as_str() || ended_in_error(state)
}

/// True for TERMINATED_WITH_ERRORS: the cluster is gone, and EMR calls it a failure.
pub fn ended_in_error(state: &str) -> bool {
    state == ClusterState::TerminatedWithErrors.as_str()
}

/// True when the cluster is up and can run steps: RUNNING or WAITING.
pub fn is_up(state: &str) -> bool {
    state == ClusterState::Running.as_str() || state == ClusterState::Waiting.as_str()
}

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
        is_active_state(&self.state)
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
    let answer = aws
        .emr_limit
        .run(aws.emr.describe_cluster().cluster_id(id).send())
        .await;
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

/// DescribeCluster for several ids, as many at a time as the limiter allows, in the
/// order given; `None` for ids EMR does not know.
pub async fn describe_many(aws: &Aws, ids: &[String]) -> Result<Vec<Option<ClusterDetail>>> {
    stream::iter(ids.iter().map(|id| describe(aws, id)))
        .buffered(QUEUED)
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

/// The clusters whose name is exactly `name` (a substring is not enough: `legacyimport`
/// is not a `cyi` cluster).
pub fn named<'a>(clusters: &'a [Cluster], name: &str) -> Vec<&'a Cluster> {
    clusters.iter().filter(|c| c.name == name).collect()
}

/// SetTerminationProtection for one cluster.
pub async fn set_termination_protection(aws: &Aws, id: &str, protected: bool) -> Result<()> {
    let call = aws
        .emr
        .set_termination_protection()
        .job_flow_ids(id)
        .termination_protected(protected)
        .send();
    aws.emr_limit
        .run(call)
        .await
        .map_err(|e| aws_error("emr:SetTerminationProtection", e))?;
    Ok(())
}

/// One TerminateJobFlows call for at most [`TERMINATE_MAX_IDS`] ids. EMR answers at
/// once; the clusters go TERMINATING, then TERMINATED minutes later.
pub async fn terminate(aws: &Aws, ids: &[String]) -> Result<()> {
    if ids.len() > TERMINATE_MAX_IDS {
        return Err(Error::Failed(format!(
            "emr:TerminateJobFlows takes at most {TERMINATE_MAX_IDS} cluster ids, not {}",
            ids.len()
        )));
    }
    let call = aws
        .emr
        .terminate_job_flows()
        .set_job_flow_ids(Some(ids.to_vec()))
        .send();
    aws.emr_limit
        .run(call)
        .await
        .map_err(|e| aws_error("emr:TerminateJobFlows", e))?;
    Ok(())
}

/// What one round of [`wait_terminated`] saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WaitTick {
    pub terminated: usize,
    pub total: usize,
    pub elapsed: Duration,
    pub timeout: Duration,
    /// No further round follows (all terminated, or the time is up).
    pub last: bool,
}

/// Polls DescribeCluster every [`POLL_INTERVAL`] until every cluster in `ids` is
/// TERMINATED or TERMINATED_WITH_ERRORS, or `timeout` has passed. The last state seen
/// of each is kept in `states` (owned by the caller, so it survives the wait being
/// dropped at Ctrl-C); `tick` is told of each round.
pub async fn wait_terminated(
    aws: &Aws,
    ids: &[String],
    timeout: Duration,
    states: &mut BTreeMap<String, String>,
    mut tick: impl FnMut(WaitTick) -> Result<()>,
) -> Result<()> {
    let started = Instant::now();
    let mut pending: Vec<String> = ids.to_vec();
    loop {
        let described = describe_many(aws, &pending).await?;
        for (id, detail) in pending.iter().zip(described) {
            if let Some(d) = detail {
                states.insert(id.clone(), d.state);
            }
        }
        pending.retain(|id| !states.get(id).is_some_and(|s| is_terminated(s)));
        let elapsed = started.elapsed();
        let last = pending.is_empty() || elapsed >= timeout;
        tick(WaitTick {
            terminated: ids.len() - pending.len(),
            total: ids.len(),
            elapsed,
            timeout,
            last,
        })?;
        if last {
            return Ok(());
        }
        tokio::time::sleep(POLL_INTERVAL.min(timeout - elapsed)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::listing::only_active;
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

    #[test]
    fn a_listing_keeps_only_the_active_states() {
        let listed: Vec<Cluster> = [
            "STARTING",
            "BOOTSTRAPPING",
            "RUNNING",
            "WAITING",
            "TERMINATING",
            "TERMINATED",
            "TERMINATED_WITH_ERRORS",
            "",
        ]
        .iter()
        .enumerate()
        .map(|(i, state)| Cluster {
            state: (*state).to_owned(),
            ..cluster(&format!("j-{i}"), "cyi")
        })
        .collect();
        let states: Vec<String> = only_active(listed).into_iter().map(|c| c.state).collect();
        assert_eq!(states, ["STARTING", "BOOTSTRAPPING", "RUNNING", "WAITING"]);
    }

    #[test]
    fn one_definition_of_the_state_predicates() {
        for active in ["STARTING", "BOOTSTRAPPING", "RUNNING", "WAITING"] {
            assert!(
                is_active_state(active) && !is_terminating(active),
                "{active}"
            );
        }
        assert!(!is_active_state("TERMINATING"));
        assert!(is_terminating("TERMINATING") && !is_terminated("TERMINATING"));
        for gone in ["TERMINATED", "TERMINATED_WITH_ERRORS"] {
            assert!(is_terminated(gone) && is_terminating(gone) && !is_active_state(gone));
        }
        assert!(!is_active_state("waiting"), "EMR states are upper case");
        assert!(ended_in_error("TERMINATED_WITH_ERRORS") && !ended_in_error("TERMINATED"));
        for up in ["RUNNING", "WAITING"] {
            assert!(is_up(up) && is_active_state(up) && has_settled(up), "{up}");
        }
        for starting in ["STARTING", "BOOTSTRAPPING"] {
            assert!(!is_up(starting) && !has_settled(starting), "{starting}");
        }
        for ending in ["TERMINATING", "TERMINATED", "TERMINATED_WITH_ERRORS"] {
            assert!(has_settled(ending) && !is_up(ending), "{ending}");
        }
    }

    #[test]
    fn tag_names_are_the_launchers() {
        assert_eq!(TAG_CORRELATION_ID, "Correlation_Id");
        assert_eq!(TAG_EXPORT_DATE, "export_date");
        assert_eq!(TAG_START_DATE, "start_date");
        assert_eq!(TERMINATE_MAX_IDS, 10);
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
    /// The same, field by field.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure_details: Option<StepFailure>,
}

impl Step {
    /// EMR says the step FAILED.
    pub fn has_failed(&self) -> bool {
        is_failed_step(&self.state)
    }
}

/// True for a step state of FAILED.
pub fn is_failed_step(state: &str) -> bool {
    state == aws_sdk_emr::types::StepState::Failed.as_str()
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
            let failure_details = status
                .and_then(|s| s.failure_details())
                .and_then(StepFailure::of);
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
                failure: failure_details.as_ref().map(StepFailure::joined),
                failure_details,
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
    Ok(active_named(aws, cluster_name)
        .await?
        .into_iter()
        .filter(|c| c.tag(TAG_CORRELATION_ID) == Some(correlation_id))
        .collect())
}

/// The active clusters named exactly `cluster_name`, described (tags, protection), each
/// page's clusters described while the next page is listed.
pub async fn active_named(aws: &Aws, cluster_name: &str) -> Result<Vec<ClusterDetail>> {
    Ok(describe_listed(aws, |c| c.name == cluster_name)
        .await?
        .into_iter()
        .flatten()
        .filter(ClusterDetail::is_active)
        .collect())
}

/// What RunJobFlow answered: the new cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Launched {
    pub cluster_id: String,
    /// The ARN as EMR returned it (a sandbox may name another region than the run's).
    pub cluster_arn: Option<String>,
}

/// One failed RunJobFlow call, with what the caller needs to decide on another try.
#[derive(Debug)]
pub struct RunJobFlowFailure {
    pub error: crate::error::Error,
    /// No answer, a timeout or a 5xx: the cluster may have been launched after all.
    pub maybe_applied: bool,
    /// Worth another call (maybe applied, or throttled).
    pub retryable: bool,
}

/// One RunJobFlow call, with the SDK's own retries turned off: RunJobFlow has no
/// idempotency token, so a retry after an answer lost on the way back would launch a
/// second cluster. `fill` puts the request into the call.
pub async fn run_job_flow_once(
    aws: &Aws,
    fill: impl FnOnce(
        aws_sdk_emr::operation::run_job_flow::builders::RunJobFlowFluentBuilder,
    ) -> aws_sdk_emr::operation::run_job_flow::builders::RunJobFlowFluentBuilder,
) -> std::result::Result<Launched, RunJobFlowFailure> {
    use aws_sdk_emr::error::{ProvideErrorMetadata, SdkError};
    let answer = fill(aws.emr.run_job_flow())
        .customize()
        .config_override(
            aws_sdk_emr::config::Builder::default()
                .retry_config(aws_config::retry::RetryConfig::disabled()),
        )
        .send()
        .await;
    let err = match answer {
        Ok(out) => {
            return Ok(Launched {
                cluster_id: out.job_flow_id().unwrap_or_default().to_owned(),
                cluster_arn: out.cluster_arn().map(str::to_owned),
            });
        }
        Err(err) => err,
    };
    // A service error below 500 (throttling, validation) was refused, not applied.
    let maybe_applied = match &err {
        SdkError::ServiceError(service) => service.raw().status().as_u16() >= 500,
        SdkError::ConstructionFailure(_) => false,
        _ => true,
    };
    let throttled = err
        .as_service_error()
        .and_then(|e| e.code())
        .is_some_and(|code| code.contains("Throttl") || code == "RequestLimitExceeded");
    Err(RunJobFlowFailure {
        error: aws_error("emr:RunJobFlow", err),
        maybe_applied,
        retryable: maybe_applied || throttled,
    })
}

/// A new cluster has settled when it is up (WAITING, RUNNING) or ending or ended.
pub fn has_settled(state: &str) -> bool {
    is_up(state) || is_terminating(state)
}

/// How a wait for a cluster ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WaitEnd {
    /// Up, or ended: see [`has_settled`].
    Settled(ClusterDetail),
    /// Still starting when the time ran out.
    TimedOut(ClusterDetail),
}

/// Follows a cluster with DescribeCluster every `poll` until it has settled or
/// `timeout` has passed; `seen` is told each answer (its error stops the wait).
pub async fn wait_until_settled(
    aws: &Aws,
    id: &str,
    timeout: std::time::Duration,
    poll: std::time::Duration,
    mut seen: impl FnMut(&ClusterDetail) -> Result<()>,
) -> Result<WaitEnd> {
    let started = std::time::Instant::now();
    loop {
        let detail = describe(aws, id).await?.ok_or_else(|| {
            crate::error::Error::Failed(format!("EMR no longer knows cluster {id}"))
        })?;
        seen(&detail)?;
        if has_settled(&detail.state) {
            return Ok(WaitEnd::Settled(detail));
        }
        if started.elapsed() >= timeout {
            return Ok(WaitEnd::TimedOut(detail));
        }
        tokio::time::sleep(poll.min(timeout.saturating_sub(started.elapsed()))).await;
    }
}
