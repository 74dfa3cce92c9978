//! After the confirmation: the launch, its report, and `--wait`. Shared by
//! `cyi start-cluster` and `cyi restart`.

use std::process::ExitCode;
use std::time::Duration;

use super::prepare::PreparedLaunch;
use super::report::LaunchReport;
use super::run;
use super::wait::{self, Followed};
use crate::aws::Aws;
use crate::aws::emr::ClusterDetail;
use crate::error::{EXIT_INTERRUPTED, Error, Result};
use crate::output::Ui;
use crate::settings::Settings;

/// How the launch is shown as it goes (`render::launch::Shown` for operators), so that
/// this orchestration does not depend on `render`.
pub trait LaunchView {
    fn launched(&self, ui: &mut Ui<'_>, report: &LaunchReport<'_>) -> Result<()>;
    fn wait_interrupted(&self, ui: &mut Ui<'_>, report: &LaunchReport<'_>) -> Result<()>;
    fn wait_progress(&self, cluster_id: &str) -> Box<dyn WaitView>;
}

/// The progress of `--wait`.
pub trait WaitView {
    fn seen(&mut self, ui: &mut Ui<'_>, cluster: &ClusterDetail) -> Result<()>;
    fn finish(self: Box<Self>, ui: &mut Ui<'_>) -> Result<()>;
}

/// Launches, says so, and with `wait` follows the cluster. A launch failure is
/// returned as it is (the caller's plan document carries it); from the launch on, the
/// document names the cluster, and a failure while following it is added to that.
pub async fn execute(
    settings: &Settings,
    aws: &Aws,
    ui: &mut Ui<'_>,
    prepared: &PreparedLaunch,
    report: &mut LaunchReport<'_>,
    wait: Option<Duration>,
    view: &dyn LaunchView,
) -> Result<ExitCode> {
    let done = run::launch(aws, settings, prepared).await?;
    if let Some(err) = &done.lock_left {
        ui.note(&format!("warning: the launch lock was not removed: {err}"))?;
    }
    let cluster_id = done.cluster.cluster_id;
    report.cluster_id = Some(cluster_id.clone());
    report.cluster_arn = done.cluster.cluster_arn;
    view.launched(ui, report)?;
    let Some(timeout) = wait else {
        ui.document(&*report)?;
        return Ok(ExitCode::SUCCESS);
    };

    let mut progress = view.wait_progress(&cluster_id);
    let followed = wait::follow(aws, &cluster_id, timeout, |cluster| {
        progress.seen(ui, cluster)
    })
    .await;
    progress.finish(ui)?;
    let followed = match followed {
        Ok(followed) => followed,
        Err(error) => {
            // Launched, then not followed to its end (a timeout, a failed read): the
            // document still names the cluster, and carries the error.
            ui.document(&*report)?;
            return Err(error);
        }
    };
    match followed {
        Followed::Up(cluster) => {
            report.state = Some(cluster.state);
            ui.document(&*report)?;
            Ok(ExitCode::SUCCESS)
        }
        Followed::Interrupted(last) => {
            report.state = last.map(|c| c.state);
            report.interrupted = true;
            ui.document(&*report)?;
            view.wait_interrupted(ui, report)?;
            Ok(ExitCode::from(EXIT_INTERRUPTED))
        }
        // The cluster ended instead of coming up: a failure of this command (exit 1),
        // which the document carries as its `error` beside the state reached.
        Followed::Failed(cluster) => {
            report.state = Some(cluster.state.clone());
            ui.document(&*report)?;
            Err(Error::Failed(format!(
                "cluster {cluster_id} ended TERMINATED_WITH_ERRORS: {}",
                cluster
                    .state_change_reason
                    .as_deref()
                    .unwrap_or("no reason given")
            )))
        }
        Followed::Ended(cluster) => {
            let reason = format!(
                "cluster {cluster_id} is {}: {}",
                cluster.state,
                cluster
                    .state_change_reason
                    .as_deref()
                    .unwrap_or("no reason given")
            );
            report.state = Some(cluster.state);
            ui.document(&*report)?;
            Err(Error::Failed(reason))
        }
    }
}
