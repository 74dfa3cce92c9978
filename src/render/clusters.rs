//! What `cyi clusters` shows: the environment's active clusters as a table, or as the
//! JSON document.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{Ui, count, display_text};
use crate::aws::emr::Cluster;
use crate::error::Result;

/// The facts the listing repeats.
#[derive(Debug, Clone, Copy)]
pub struct ClustersScope<'a> {
    pub env_name: &'a str,
    pub region: &'a str,
    pub cluster_name: &'a str,
}

/// The JSON document of `cyi clusters --output json` (stable; fields are only added).
#[derive(Debug, Serialize)]
pub struct ClustersReport<'a> {
    pub environment: &'a str,
    pub region: &'a str,
    pub cluster_name: &'a str,
    pub clusters: Vec<ClusterRow<'a>>,
}

#[derive(Debug, Serialize)]
pub struct ClusterRow<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub state: &'a str,
    pub created: Option<DateTime<Utc>>,
    pub age_seconds: Option<i64>,
}

/// The listing, as a table with a closing count or as the JSON document.
pub fn listing(
    ui: &mut Ui<'_>,
    scope: &ClustersScope<'_>,
    clusters: &[&Cluster],
    now: DateTime<Utc>,
) -> Result<()> {
    if ui.json() {
        return ui.document(&report(scope, clusters, now));
    }
    let name = display_text(scope.cluster_name);
    if clusters.is_empty() {
        return ui.say(&format!(
            "No active '{name}' clusters in {} ({}).",
            scope.env_name, scope.region
        ));
    }
    let mut table = super::table(["ID", "NAME", "STATE", "CREATED", "AGE"]);
    for cluster in clusters {
        table.add_row([
            display_text(&cluster.id),
            display_text(&cluster.name),
            display_text(&cluster.state),
            cluster.created.map(super::time).unwrap_or_default(),
            cluster
                .created
                .map(|c| super::age(c, now))
                .unwrap_or_default(),
        ]);
    }
    ui.table(&table)?;
    ui.say(&closing_line(scope, clusters.len()))
}

fn closing_line(scope: &ClustersScope<'_>, n: usize) -> String {
    let name = display_text(scope.cluster_name);
    format!(
        "{} in {} ({}).",
        count(
            n,
            &format!("active '{name}' cluster"),
            &format!("active '{name}' clusters")
        ),
        scope.env_name,
        scope.region
    )
}

fn report<'a>(
    scope: &ClustersScope<'a>,
    clusters: &[&'a Cluster],
    now: DateTime<Utc>,
) -> ClustersReport<'a> {
    ClustersReport {
        environment: scope.env_name,
        region: scope.region,
        cluster_name: scope.cluster_name,
        clusters: clusters
            .iter()
            .map(|c| ClusterRow {
                id: &c.id,
                name: &c.name,
                state: &c.state,
                created: c.created,
                age_seconds: c.created.map(|t| (now - t).num_seconds().max(0)),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCOPE: ClustersScope<'static> = ClustersScope {
        env_name: "default",
        region: "eu-west-2",
        cluster_name: "cyi",
    };

    #[test]
    fn the_count_is_a_proper_plural() {
        assert_eq!(
            closing_line(&SCOPE, 1),
            "1 active 'cyi' cluster in default (eu-west-2)."
        );
        assert_eq!(
            closing_line(&SCOPE, 2),
            "2 active 'cyi' clusters in default (eu-west-2)."
        );
    }
}
