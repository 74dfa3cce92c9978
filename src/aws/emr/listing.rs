//! ListClusters, page after page, and the pipeline that describes each page's clusters
//! while the next page is on its way.

use futures_util::stream::{self, StreamExt, TryStreamExt};

use super::{ACTIVE_STATES, Cluster, ClusterDetail, QUEUED, describe, is_active_state};
use crate::aws::{Aws, aws_error};
use crate::error::Result;

/// Lists the active clusters and describes those `wanted` keeps, pipelined: the
/// ListClusters pages follow one another (each needs the previous page's marker), and
/// the DescribeCluster calls of a page's clusters start as soon as that page arrives,
/// while the next page is being fetched. `wanted` sees each active listed cluster once,
/// in listing order; the answers keep that order (`None` for a cluster gone since).
pub async fn describe_listed(
    aws: &Aws,
    mut wanted: impl FnMut(&Cluster) -> bool,
) -> Result<Vec<Option<ClusterDetail>>> {
    let pages = stream::try_unfold(Some(None), |marker: Option<Option<String>>| async move {
        let Some(marker) = marker else {
            return Ok(None);
        };
        let (clusters, next) = list_page(aws, marker).await?;
        Ok(Some((clusters, next.map(Some))))
    });
    pages
        .map_ok(|clusters| {
            let ids: Vec<Result<String>> = only_active(clusters)
                .into_iter()
                .filter(|c| wanted(c))
                .map(|c| Ok(c.id))
                .collect();
            stream::iter(ids)
        })
        .try_flatten()
        .map(|id| async move { describe(aws, &id?).await })
        .buffered(QUEUED)
        .try_collect()
        .await
}

/// Every active cluster of the account and region, following ListClusters to its last
/// page (50 clusters a page). Only the active states are asked for, and the state of
/// each answer is checked again: a cluster reported in any other state (TERMINATING
/// included) is left out.
pub async fn list_active(aws: &Aws) -> Result<Vec<Cluster>> {
    let mut clusters = Vec::new();
    let mut marker = None;
    loop {
        let (page, next) = list_page(aws, marker).await?;
        clusters.extend(page);
        marker = next;
        if marker.is_none() {
            return Ok(only_active(clusters));
        }
    }
}

/// One ListClusters page of the active states and the marker of the next one. Not
/// through the limiter: the pages come one at a time, and each is on the critical path.
async fn list_page(aws: &Aws, marker: Option<String>) -> Result<(Vec<Cluster>, Option<String>)> {
    let page = aws
        .emr
        .list_clusters()
        .set_cluster_states(Some(ACTIVE_STATES.to_vec()))
        .set_marker(marker)
        .send()
        .await
        .map_err(|e| aws_error("emr:ListClusters", e))?;
    let clusters = page.clusters().iter().map(Cluster::from_summary).collect();
    Ok((clusters, page.marker))
}

/// The clusters of a listing whose state is active.
pub(super) fn only_active(clusters: Vec<Cluster>) -> Vec<Cluster> {
    clusters
        .into_iter()
        .filter(|c| is_active_state(&c.state))
        .collect()
}
