//! The JSON document of a launch (`cyi start-cluster`, `cyi restart`): stable, fields
//! are only added.

use serde::Serialize;

use super::checks::Check;
use super::last_cluster::Diagnosis;
use super::model::RunJobFlow;
use super::prepare::PreparedLaunch;
use crate::aws::Aws;
use crate::aws::credentials::AssumedRole;
use crate::settings::Settings;

#[derive(Debug, Serialize)]
pub struct LaunchReport<'a> {
    pub environment: &'a str,
    pub account: &'a str,
    /// The role the run's credentials are for, when one was assumed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assumed_role: Option<&'a AssumedRole>,
    pub region: &'a str,
    pub cluster_name: &'a str,
    pub correlation_id: &'a str,
    pub export_date: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backfill_days: Option<i64>,
    pub input: String,
    pub cluster_config: String,
    pub dry_run: bool,
    pub checks: &'a [Check],
    pub request: &'a RunJobFlow,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster_id: Option<String>,
    /// As EMR returned it (a sandbox answers with another region than the run's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster_arn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Ctrl-C stopped `--wait`: the cluster was launched and goes on starting.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub interrupted: bool,
    /// Only in the document of `cyi restart`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restart: Option<RestartInfo>,
}

/// What `cyi restart` adds to the start-cluster document.
#[derive(Debug, Clone, Serialize)]
pub struct RestartInfo {
    /// `resume` (from the row's CurrentStep) or `fresh` (row cleared first).
    pub mode: &'static str,
    pub row_status: Option<String>,
    /// The step a resumed run starts from (the row's CurrentStep).
    pub resumes_from: Option<String>,
    /// With `fresh`: the archive entry of the cleared row, once it exists.
    pub archive_entry: Option<String>,
    /// Why the run's last cluster failed, as far as EMR says.
    pub last_cluster: Diagnosis,
}

impl<'a> LaunchReport<'a> {
    /// The document before the launch: the plan and its checks.
    pub fn new(
        prepared: &'a PreparedLaunch,
        settings: &'a Settings,
        aws: &'a Aws,
    ) -> LaunchReport<'a> {
        let inputs = &prepared.inputs;
        LaunchReport {
            environment: &settings.env_name,
            account: &prepared.identity.account,
            assumed_role: aws.assumed_role.as_ref(),
            region: aws.region(),
            cluster_name: &settings.cluster_name,
            correlation_id: &inputs.run.correlation_id,
            export_date: inputs.run.export_date.to_string(),
            start_date: inputs.run.start_date.map(|d| d.to_string()),
            backfill_days: inputs.backfill_days(),
            input: inputs.input_url(),
            cluster_config: inputs.config.to_string(),
            dry_run: settings.dry_run,
            checks: &prepared.checks,
            request: &prepared.request,
            cluster_id: None,
            cluster_arn: None,
            state: None,
            interrupted: false,
            restart: None,
        }
    }
}
