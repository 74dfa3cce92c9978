//! `cyi clusters`: the environment's active clusters, read-only.
//!
//! Gather (ListClusters, active states only) -> keep the active ones with the
//! environment's exact name ([`stop::selection::listed`]) -> report.

use std::process::ExitCode;

use chrono::Utc;

use crate::aws::Aws;
use crate::aws::emr;
use crate::error::Result;
use crate::output::Ui;
use crate::render::clusters::{self as show, ClustersScope};
use crate::settings::Settings;
use crate::stop::{self, NameMatch};

pub async fn run(settings: &Settings, aws: &Aws, ui: &mut Ui<'_>) -> Result<ExitCode> {
    let listing = emr::list_active(aws).await?;
    let names = NameMatch::Exact(settings.cluster_name.clone());
    let ours = stop::selection::listed(&listing, &names);
    let scope = ClustersScope {
        env_name: &settings.env_name,
        region: aws.region(),
        cluster_name: &settings.cluster_name,
    };
    show::listing(ui, &scope, &ours, Utc::now())?;
    Ok(ExitCode::SUCCESS)
}
