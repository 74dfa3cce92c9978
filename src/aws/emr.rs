//! EMR reads shared by the commands, returned as plain data.

use aws_sdk_emr::types::{ClusterState, ClusterSummary};
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{Aws, aws_error};
use crate::error::Result;

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
