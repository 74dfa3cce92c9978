//! `cyi status --all-envs`: the overview of every environment in the config file, each
//! read concurrently with its own credentials, role and region. One environment that
//! cannot be reached is shown with its error; it never hides the others. Read-only.

use std::process::ExitCode;

use futures_util::future::try_join_all;

use crate::aws::Aws;
use crate::aws::dynamodb;
use crate::aws::emr::{self, ClusterDetail};
use crate::error::{Error, Result};
use crate::launch::status::overview;
use crate::output::Ui;
use crate::render::all_envs::{EnvLine, show};
use crate::row::{RowStatus, RowView};
use crate::settings::{EnvSettings, Settings};
use crate::text::SharedWriter;

/// The counts of one environment's overview.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub active_clusters: usize,
    pub in_progress: usize,
    pub failed: usize,
    /// IN_PROGRESS rows that no active cluster works on (by Cluster_Id or tag).
    pub stale: usize,
}

/// Pure: the counts from the active clusters of the product and its rows.
/// The stale rule is `status`'s own (`launch::status::overview`).
pub fn counts(active: &[ClusterDetail], rows: &[RowView]) -> Counts {
    let (_, unfinished) = overview(active, rows);
    let status = |s: RowStatus| {
        unfinished
            .iter()
            .filter(|line| line.row.row_status().as_ref() == Some(&s))
            .count()
    };
    Counts {
        active_clusters: active.len(),
        in_progress: status(RowStatus::InProgress),
        failed: status(RowStatus::Failed),
        stale: unfinished.iter().filter(|line| line.stale).count(),
    }
}

pub async fn run(all: &[EnvSettings], ui: &mut Ui<'_>, log: &SharedWriter) -> Result<ExitCode> {
    let lines = try_join_all(all.iter().map(|(name, settings)| async move {
        match settings {
            Ok(settings) => one(settings, log).await,
            Err(err) => Ok(EnvLine {
                environment: name.clone(),
                error: Some(error_text(err)),
                ..EnvLine::default()
            }),
        }
    }))
    .await?;
    show(ui, &lines)?;
    let failed: Vec<&str> = lines
        .iter()
        .filter(|l| l.error.is_some())
        .map(|l| l.environment.as_str())
        .collect();
    if failed.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    Err(Error::Failed(format!(
        "{} of {} environments could not be read: {}",
        failed.len(),
        lines.len(),
        failed.join(", ")
    )))
}

/// One environment's line; its failure is shown in the line, except Ctrl-C at an MFA
/// prompt, which ends the whole run as at any other prompt.
async fn one(settings: &Settings, log: &SharedWriter) -> Result<EnvLine> {
    let mut line = EnvLine {
        environment: settings.env_name.clone(),
        protected: settings.protected,
        ..EnvLine::default()
    };
    match gather(settings, log).await {
        Ok((account, region, c)) => {
            line.account = Some(account);
            line.region = Some(region);
            line.active_clusters = Some(c.active_clusters);
            line.in_progress = Some(c.in_progress);
            line.failed = Some(c.failed);
            line.stale = Some(c.stale);
        }
        Err(Error::Cancelled) => return Err(Error::Cancelled),
        Err(err) => {
            line.region = settings.aws.region.clone();
            line.error = Some(error_text(&err));
        }
    }
    Ok(line)
}

fn error_text(err: &Error) -> String {
    match err.hint() {
        Some(hint) => format!("{err} ({hint})"),
        None => err.to_string(),
    }
}

async fn gather(settings: &Settings, log: &SharedWriter) -> Result<(String, String, Counts)> {
    let aws = Aws::connect(&settings.aws, log).await?;
    let account = aws
        .check_account(settings.expected_account.as_deref(), &settings.env_name)
        .await?
        .account
        .clone();
    let filter = dynamodb::rows_filter(&settings.data_product, None);
    let (clusters, items) = tokio::join!(
        emr::active_named(&aws, &settings.cluster_name),
        dynamodb::scan_all(&aws, &settings.table, &filter)
    );
    let clusters = clusters?;
    let rows: Vec<RowView> = items?.iter().map(RowView::of).collect();
    Ok((account, aws.region().to_owned(), counts(&clusters, &rows)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str, status: &str, cluster: &str) -> RowView {
        RowView {
            correlation_id: id.into(),
            data_product: "CYI".into(),
            status: Some(status.into()),
            current_step: None,
            run_id: None,
            date: None,
            cluster_id: Some(cluster.into()),
            time_to_exist: None,
        }
    }

    #[test]
    fn stale_rows_have_no_active_cluster_by_id_or_tag() {
        let mut tagged = ClusterDetail::new("j-T", "cyi", "WAITING");
        tagged.tags.insert("Correlation_Id".into(), "b".into());
        let active = [ClusterDetail::new("j-A", "cyi", "RUNNING"), tagged];
        let rows = [
            row("a", "IN_PROGRESS", "j-A"),
            row("b", "IN_PROGRESS", "j-OLD"),
            row("c", "IN_PROGRESS", "j-GONE"),
            row("d", "FAILED", "j-X"),
            row("e", "COMPLETED", "j-Y"),
        ];
        assert_eq!(
            counts(&active, &rows),
            Counts {
                active_clusters: 2,
                in_progress: 3,
                failed: 1,
                stale: 1
            }
        );
    }

    #[test]
    fn statuses_count_in_any_case() {
        let rows = [
            row("a", "in_progress", "j-GONE"),
            row("b", "In_Progress", "j-A"),
            row("d", "Failed", "j-X"),
            row("e", "failed", "j-Y"),
        ];
        let active = [ClusterDetail::new("j-A", "cyi", "RUNNING")];
        assert_eq!(
            counts(&active, &rows),
            Counts {
                active_clusters: 1,
                in_progress: 2,
                failed: 2,
                stale: 1
            }
        );
    }
}
