//! `cyi history`: the product's past clusters in a window, how each run ended, and the
//! footer statistics. Read-only.

use std::process::ExitCode;

use chrono::Utc;

use crate::aws::Aws;
use crate::aws::emr;
use crate::cli::HistoryArgs;
use crate::error::Result;
use crate::history;
use crate::output::Ui;
use crate::render::history::{HistoryReport, show};
use crate::settings::Settings;

pub async fn run(
    settings: &Settings,
    aws: &Aws,
    ui: &mut Ui<'_>,
    args: &HistoryArgs,
) -> Result<ExitCode> {
    let now = Utc::now();
    let since = args.since.start(now);
    let all = emr::list_since(aws, Some(since)).await?;
    let limit = args.limit.map(|n| n as usize);
    let selected = history::select(&all, &settings.cluster_name, since, args.failed, limit);
    // Tags need DescribeCluster: only for the clusters shown, a few at a time.
    let ids: Vec<String> = selected.iter().map(|c| c.id.clone()).collect();
    let tags: Vec<_> = emr::describe_many(aws, &ids)
        .await?
        .into_iter()
        .map(|c| c.map(|c| c.tags))
        .collect();
    let runs = history::runs(&selected, &tags, now);
    let footer = history::footer(&runs);
    show(
        ui,
        &HistoryReport {
            environment: &settings.env_name,
            region: aws.region(),
            cluster_name: &settings.cluster_name,
            since,
            runs: &runs,
            footer: &footer,
        },
    )?;
    Ok(ExitCode::SUCCESS)
}
