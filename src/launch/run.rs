//! The launch itself: the lock, the last check, and RunJobFlow with its own retry.

use std::time::Duration;

use chrono::Utc;

use super::lock;
use super::prepare::PreparedLaunch;
use super::to_sdk;
use crate::aws::emr::{self, Launched};
use crate::aws::{Aws, MAX_ATTEMPTS};
use crate::error::{Error, Result};
use crate::settings::Settings;
use crate::text::cyi_command;

/// The first wait before RunJobFlow is tried again.
const LAUNCH_BACKOFF: Duration = Duration::from_millis(200);

/// A launch that happened.
#[derive(Debug)]
pub struct LaunchDone {
    pub cluster: Launched,
    /// The launch lock could not be removed (it expires on its own).
    pub lock_left: Option<Error>,
}

/// Launches (after confirmation): takes the lock, looks once more for a cluster of
/// this run, calls RunJobFlow, releases the lock. A launch failure is returned as is.
pub async fn launch(
    aws: &Aws,
    settings: &Settings,
    prepared: &PreparedLaunch,
) -> Result<LaunchDone> {
    let correlation_id = &prepared.inputs.run.correlation_id;
    // Two runs for the same id must not both launch: the lock serialises them, and the
    // holder looks once more for a cluster a run before it has just launched.
    let lock = lock::acquire(
        aws,
        &settings.table,
        &settings.data_product,
        correlation_id,
        Utc::now(),
    )
    .await?;
    let launched = launch_locked(aws, &settings.cluster_name, prepared).await;
    let released = lock.release(aws).await;
    Ok(LaunchDone {
        cluster: launched?,
        lock_left: released.err(),
    })
}

/// The last check and the launch, while holding the lock.
///
/// RunJobFlow has no idempotency token, so the SDK must not retry it on its own: a
/// retry after an answer lost on the way back would launch a second cluster. The
/// call is made without SDK retries; after a failure that may have been applied (no
/// answer, a timeout, a 5xx) the run's Correlation_Id tag says whether a cluster was
/// launched after all, and only if none was is the call made again.
async fn launch_locked(
    aws: &Aws,
    cluster_name: &str,
    prepared: &PreparedLaunch,
) -> Result<Launched> {
    let correlation_id = &prepared.inputs.run.correlation_id;
    let before = emr::tagged_clusters(aws, cluster_name, correlation_id).await?;
    if !prepared.force
        && let Some(cluster) = before.first()
    {
        return Err(Error::refused(
            format!(
                "cluster {} ({}) was started for this correlation id while this command ran; nothing was launched",
                cluster.id, cluster.state
            ),
            None,
        ));
    }
    let mut backoff = LAUNCH_BACKOFF;
    let mut attempt = 1;
    loop {
        let failure =
            match emr::run_job_flow_once(aws, |call| to_sdk::run_job_flow(&prepared.request, call))
                .await
            {
                Ok(launched) => return Ok(launched),
                Err(failure) => failure,
            };
        if failure.maybe_applied {
            let now = emr::tagged_clusters(aws, cluster_name, correlation_id).await?;
            if let Some(launched) = now.iter().find(|c| before.iter().all(|b| b.id != c.id)) {
                return Ok(Launched {
                    cluster_id: launched.id.clone(),
                    cluster_arn: launched.arn.clone(),
                });
            }
        }
        if !failure.retryable || attempt >= MAX_ATTEMPTS {
            return Err(failure.error.with_outcome(
                "no cluster id came back, so no launch is known (the launch lock is released)",
                Some(format!(
                    "`{}` shows whether a cluster started anyway; if none did, run start-cluster again",
                    cyi_command("clusters")
                )),
            ));
        }
        attempt += 1;
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(Duration::from_secs(5));
    }
}
