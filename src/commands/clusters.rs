//! `cyi clusters`: the environment's active clusters, read-only.

use std::process::ExitCode;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::aws::Aws;
use crate::aws::emr::{self, Cluster};
use crate::error::Result;
use crate::render::{self, Ui};
use crate::settings::Settings;

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

pub async fn run(settings: &Settings, aws: &Aws, ui: &mut Ui<'_>) -> Result<ExitCode> {
    let active = emr::list_active(aws).await?;
    let ours = emr::named(&active, &settings.cluster_name);
    let now = Utc::now();
    if ui.json() {
        ui.document(&report(settings, aws.region(), &ours, now))?;
    } else if ours.is_empty() {
        ui.say(&format!(
            "No active '{}' clusters in {} ({}).",
            settings.cluster_name,
            settings.env_name,
            aws.region()
        ))?;
    } else {
        let mut table = render::table(["ID", "NAME", "STATE", "CREATED", "AGE"]);
        for cluster in &ours {
            table.add_row([
                cluster.id.clone(),
                cluster.name.clone(),
                cluster.state.clone(),
                cluster.created.map(render::time).unwrap_or_default(),
                cluster
                    .created
                    .map(|c| render::age(c, now))
                    .unwrap_or_default(),
            ]);
        }
        ui.table(&table)?;
        ui.say(&format!(
            "{} active '{}' cluster(s) in {} ({}).",
            ours.len(),
            settings.cluster_name,
            settings.env_name,
            aws.region()
        ))?;
    }
    Ok(ExitCode::SUCCESS)
}

fn report<'a>(
    settings: &'a Settings,
    region: &'a str,
    clusters: &[&'a Cluster],
    now: DateTime<Utc>,
) -> ClustersReport<'a> {
    ClustersReport {
        environment: &settings.env_name,
        region,
        cluster_name: &settings.cluster_name,
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
