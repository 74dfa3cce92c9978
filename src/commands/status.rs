//! `cyi status`: where a run is or where it failed, and what to do next; without a
//! correlation id, the environment's active clusters and its unfinished rows,
//! cross-referenced. Read-only: gather, decide ([`crate::launch::status`]), render.

use std::process::ExitCode;

use chrono::Utc;

use crate::aws::Aws;
use crate::aws::dynamodb::{self, Item};
use crate::aws::emr;
use crate::cli::StatusArgs;
use crate::error::{Error, Result};
use crate::launch::last_cluster;
use crate::launch::status::{EnvironmentReport, RunReport, next_step, overview};
use crate::output::Ui;
use crate::render;
use crate::row::RowView;
use crate::settings::Settings;
use crate::text::display_text;

pub async fn run(
    settings: &Settings,
    aws: &Aws,
    ui: &mut Ui<'_>,
    args: &StatusArgs,
) -> Result<ExitCode> {
    match &args.correlation_id {
        Some(id) => one_run(settings, aws, ui, id.as_str()).await,
        None => environment(settings, aws, ui).await,
    }
}

async fn one_run(
    settings: &Settings,
    aws: &Aws,
    ui: &mut Ui<'_>,
    correlation_id: &str,
) -> Result<ExitCode> {
    let data_product = settings.data_product.as_str();
    let key = dynamodb::key(correlation_id, data_product);
    let item: Option<Item> = dynamodb::get(aws, &settings.table, &key).await?;
    let row = item.as_ref().map(RowView::of);
    // The row names its cluster; without one, an active cluster tagged with the id.
    let named = last_cluster::describe_named(aws, row.as_ref()).await?;
    let last =
        last_cluster::read(aws, &settings.cluster_name, correlation_id, &named, None).await?;
    let next = next_step(correlation_id, row.as_ref(), last.cluster.as_ref());
    let diagnosis = last_cluster::diagnose(correlation_id, row.as_ref(), &last);
    let report = RunReport {
        environment: &settings.env_name,
        region: aws.region(),
        table: &settings.table,
        data_product,
        correlation_id,
        failed_step: diagnosis.failed_step,
        logs_command: diagnosis.logs_command,
        item: item.as_ref().map(dynamodb::item_to_json),
        row,
        cluster: last.cluster,
        steps: last.steps,
        next,
    };
    // For scripts: an id that names nothing (no row, no cluster) is a failure (exit 1,
    // and the `error` of the document); the screen still says how such a run starts.
    let unknown = report.row.is_none() && report.cluster.is_none();
    if ui.json() {
        ui.document(&report)?;
    } else {
        render::status::run(ui, &report, item.as_ref())?;
    }
    if unknown {
        return Err(Error::Failed(format!(
            "no state row and no cluster for correlation id {}",
            display_text(correlation_id)
        )));
    }
    Ok(ExitCode::SUCCESS)
}

async fn environment(settings: &Settings, aws: &Aws, ui: &mut Ui<'_>) -> Result<ExitCode> {
    let filter = dynamodb::rows_filter(&settings.data_product, None);
    let (clusters, items) = tokio::join!(
        emr::active_named(aws, &settings.cluster_name),
        dynamodb::scan_all(aws, &settings.table, &filter)
    );
    let clusters = clusters?;
    let rows: Vec<RowView> = items?.iter().map(RowView::of).collect();
    let (clusters, rows) = overview(&clusters, &rows);
    let report = EnvironmentReport {
        environment: &settings.env_name,
        region: aws.region(),
        table: &settings.table,
        data_product: &settings.data_product,
        cluster_name: &settings.cluster_name,
        clusters,
        rows,
    };
    if ui.json() {
        ui.document(&report)?;
    } else {
        render::status::environment(ui, &report, Utc::now())?;
    }
    Ok(ExitCode::SUCCESS)
}
