//! Which clusters are targets: from the listing (name and state), after DescribeCluster
//! (state again, name, `--correlation-id`), or as named with `--cluster-id`.

use std::collections::HashSet;

use super::names::NameMatch;
use crate::aws::emr::{Cluster, ClusterDetail, TAG_CORRELATION_ID, is_active_state};
use crate::types::ClusterId;

/// What the operator asked to stop.
#[derive(Debug, Clone)]
pub struct Selector<'a> {
    pub names: &'a NameMatch,
    pub correlation_id: Option<&'a str>,
}

impl Selector<'_> {
    fn wants(&self, cluster: &ClusterDetail) -> bool {
        cluster.is_active()
            && self.names.matches(&cluster.name)
            && self
                .correlation_id
                .is_none_or(|want| cluster.tag(TAG_CORRELATION_ID) == Some(want))
    }
}

/// The clusters of a ListClusters answer that are active and match `names`. The state
/// is checked here even though only the active states were asked for: a cluster that
/// comes back TERMINATING (or in any other state) is neither counted nor targeted.
pub fn listed<'a>(listing: &'a [Cluster], names: &NameMatch) -> Vec<&'a Cluster> {
    listing
        .iter()
        .filter(|c| is_active_state(&c.state) && names.matches(&c.name))
        .collect()
}

/// The ids worth describing: [`listed`] clusters, each id once.
pub fn listed_candidates(listing: &[Cluster], names: &NameMatch) -> Vec<String> {
    let mut wanted = candidate_filter(names);
    listing
        .iter()
        .filter(|c| wanted(c))
        .map(|c| c.id.clone())
        .collect()
}

/// The same choice as [`listed_candidates`], one listed cluster at a time (for a
/// listing still arriving page by page): active, matching `names`, each id once.
pub fn candidate_filter(names: &NameMatch) -> impl FnMut(&Cluster) -> bool + '_ {
    let mut seen = HashSet::new();
    move |c| is_active_state(&c.state) && names.matches(&c.name) && seen.insert(c.id.clone())
}

/// The targets among described candidates: active, with a matching name and, when
/// asked for, the Correlation_Id tag. States are re-checked here because a cluster can
/// end between ListClusters and DescribeCluster.
pub fn select(candidates: Vec<ClusterDetail>, selector: &Selector<'_>) -> Vec<ClusterDetail> {
    let mut seen = HashSet::new();
    candidates
        .into_iter()
        .filter(|c| selector.wants(c) && seen.insert(c.id.clone()))
        .collect()
}

/// The targets named with `--cluster-id`: every one must exist, be active and be
/// selected, or nothing is stopped and every problem is named.
pub fn check_explicit(
    ids: &[ClusterId],
    described: Vec<Option<ClusterDetail>>,
    selector: &Selector<'_>,
) -> std::result::Result<Vec<ClusterDetail>, Vec<String>> {
    let mut targets = Vec::new();
    let mut problems = Vec::new();
    let mut seen = HashSet::new();
    for (id, detail) in ids.iter().zip(described) {
        if !seen.insert(id.as_str().to_owned()) {
            continue;
        }
        let Some(cluster) = detail else {
            problems.push(format!("{id}: no such cluster"));
            continue;
        };
        if !cluster.is_active() {
            problems.push(format!("{id}: is {}, not active", cluster.state));
        } else if !selector.names.matches(&cluster.name) {
            problems.push(format!(
                "{id}: is named '{}', not a cluster {}",
                cluster.name,
                selector.names.describe()
            ));
        } else if let Some(want) = selector.correlation_id
            && cluster.tag(TAG_CORRELATION_ID) != Some(want)
        {
            problems.push(format!(
                "{id}: is tagged {TAG_CORRELATION_ID}={}, not '{want}'",
                cluster
                    .tag(TAG_CORRELATION_ID)
                    .map_or_else(|| "(none)".to_owned(), |t| format!("'{t}'"))
            ));
        } else {
            targets.push(cluster);
        }
    }
    if problems.is_empty() {
        Ok(targets)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cluster(id: &str, name: &str, state: &str) -> ClusterDetail {
        ClusterDetail::new(id, name, state)
    }

    fn summary(id: &str, name: &str, state: &str) -> Cluster {
        Cluster {
            id: id.into(),
            name: name.into(),
            state: state.into(),
            created: None,
        }
    }

    fn tagged(id: &str, correlation: &str) -> ClusterDetail {
        let mut c = cluster(id, "cyi", "WAITING");
        c.tags.insert(TAG_CORRELATION_ID.into(), correlation.into());
        c
    }

    fn ids(clusters: &[ClusterDetail]) -> Vec<&str> {
        clusters.iter().map(|c| c.id.as_str()).collect()
    }

    fn exact() -> NameMatch {
        NameMatch::new("cyi", None).unwrap()
    }

    #[test]
    fn a_terminating_cluster_in_the_listing_is_neither_counted_nor_targeted() {
        let listing = [
            summary("j-1", "cyi", "WAITING"),
            summary("j-2", "cyi", "TERMINATING"),
            summary("j-3", "cyi", "RUNNING"),
            summary("j-4", "cyi", "TERMINATED"),
            summary("j-5", "legacyimport", "WAITING"),
            summary("j-1", "cyi", "WAITING"),
        ];
        let counted: Vec<&str> = listed(&listing, &exact())
            .iter()
            .map(|c| c.id.as_str())
            .collect();
        assert_eq!(counted, ["j-1", "j-3", "j-1"]);
        assert_eq!(listed_candidates(&listing, &exact()), ["j-1", "j-3"]);
    }

    #[test]
    fn exact_name_is_the_default_and_only_active_states_are_selected() {
        let names = exact();
        let selector = Selector {
            names: &names,
            correlation_id: None,
        };
        let candidates = vec![
            cluster("j-1", "cyi", "WAITING"),
            cluster("j-2", "legacyimport", "WAITING"),
            cluster("j-3", "cyi-test", "RUNNING"),
            cluster("j-4", "cyi", "TERMINATED"),
            cluster("j-5", "cyi", "TERMINATING"),
            cluster("j-6", "cyi", "STARTING"),
            cluster("j-7", "cyi", "BOOTSTRAPPING"),
            cluster("j-8", "cyi", "RUNNING"),
            cluster("j-1", "cyi", "WAITING"),
        ];
        assert_eq!(
            ids(&select(candidates, &selector)),
            ["j-1", "j-6", "j-7", "j-8"]
        );
    }

    #[test]
    fn a_pattern_selects_every_matching_name() {
        let names = NameMatch::new("cyi", Some("^cyi")).unwrap();
        let selector = Selector {
            names: &names,
            correlation_id: None,
        };
        let candidates = vec![
            cluster("j-1", "cyi", "WAITING"),
            cluster("j-2", "legacyimport", "WAITING"),
            cluster("j-3", "cyi-test", "WAITING"),
        ];
        assert_eq!(ids(&select(candidates, &selector)), ["j-1", "j-3"]);
    }

    #[test]
    fn correlation_id_narrows_to_the_tagged_clusters() {
        let names = exact();
        let selector = Selector {
            names: &names,
            correlation_id: Some("run-1"),
        };
        let candidates = vec![
            tagged("j-1", "run-1"),
            tagged("j-2", "run-2"),
            cluster("j-3", "cyi", "WAITING"),
            tagged("j-4", "run-1 "),
        ];
        assert_eq!(ids(&select(candidates, &selector)), ["j-1"]);
    }

    #[test]
    fn explicit_ids_must_all_be_active_and_selected() {
        let names = exact();
        let selector = Selector {
            names: &names,
            correlation_id: None,
        };
        let id = |s: &str| s.parse::<ClusterId>().unwrap();
        let asked = [id("j-A"), id("j-B"), id("j-A")];
        let ok = check_explicit(
            &asked,
            vec![
                Some(cluster("j-A", "cyi", "WAITING")),
                Some(cluster("j-B", "cyi", "RUNNING")),
                Some(cluster("j-A", "cyi", "WAITING")),
            ],
            &selector,
        )
        .unwrap();
        assert_eq!(ids(&ok), ["j-A", "j-B"]);

        let asked = [id("j-A"), id("j-B"), id("j-C"), id("j-D"), id("j-E")];
        let problems = check_explicit(
            &asked,
            vec![
                Some(cluster("j-A", "cyi", "WAITING")),
                None,
                Some(cluster("j-C", "cyi", "TERMINATED")),
                Some(cluster("j-D", "legacyimport", "WAITING")),
                Some(cluster("j-E", "cyi", "TERMINATING")),
            ],
            &selector,
        )
        .unwrap_err();
        assert_eq!(problems.len(), 4, "{problems:?}");
        assert!(problems[0].starts_with("j-B: no such cluster"));
        assert!(problems[1].contains("j-C: is TERMINATED, not active"));
        assert!(problems[2].contains("j-D: is named 'legacyimport'"));
        assert!(problems[3].contains("j-E: is TERMINATING, not active"));
    }

    #[test]
    fn explicit_ids_respect_the_correlation_id() {
        let names = exact();
        let selector = Selector {
            names: &names,
            correlation_id: Some("run-1"),
        };
        let asked = ["j-A".parse::<ClusterId>().unwrap()];
        let problems =
            check_explicit(&asked, vec![Some(tagged("j-A", "run-2"))], &selector).unwrap_err();
        assert!(
            problems[0].contains("Correlation_Id='run-2'"),
            "{problems:?}"
        );
        let problems = check_explicit(
            &asked,
            vec![Some(cluster("j-A", "cyi", "WAITING"))],
            &selector,
        )
        .unwrap_err();
        assert!(
            problems[0].contains("Correlation_Id=(none)"),
            "{problems:?}"
        );
    }
}
