//! `cyi rows`: the data product's state rows, newest first, read-only.

use std::process::ExitCode;

use serde::Serialize;

use crate::aws::Aws;
use crate::aws::dynamodb;
use crate::cli::RowsArgs;
use crate::error::Result;
use crate::output::Ui;
use crate::render::row::rows_table;
use crate::row::{RowStatus, RowView, newest_first};
use crate::settings::Settings;
use crate::text::count;

/// The JSON document of `cyi rows --output json`.
#[derive(Debug, Serialize)]
pub struct RowsReport<'a> {
    pub environment: &'a str,
    pub region: &'a str,
    pub table: &'a str,
    pub data_product: &'a str,
    pub status: Option<&'a str>,
    pub rows: Vec<RowView>,
}

pub async fn run(
    settings: &Settings,
    aws: &Aws,
    ui: &mut Ui<'_>,
    args: &RowsArgs,
) -> Result<ExitCode> {
    let data_product = args
        .data_product
        .as_ref()
        .map_or(settings.data_product.as_str(), |d| d.as_str());
    let status = args.status.map(|s| s.as_str());
    // Status is compared here, not in the Scan filter, so that a row written as
    // `in_progress` is listed with the IN_PROGRESS ones.
    let wanted = status.map(RowStatus::parse);
    let filter = dynamodb::rows_filter(data_product, None);
    let items = dynamodb::scan_all(aws, &settings.table, &filter).await?;
    let mut rows: Vec<RowView> = items
        .iter()
        .filter(|item| wanted.is_none() || RowStatus::of(item) == wanted)
        .map(RowView::of)
        .collect();
    rows.sort_by(newest_first);
    if ui.json() {
        ui.document(&RowsReport {
            environment: &settings.env_name,
            region: aws.region(),
            table: &settings.table,
            data_product,
            status,
            rows,
        })?;
        return Ok(ExitCode::SUCCESS);
    }
    let which = |row: &str| match status {
        Some(status) => format!("{status} {row}"),
        None => row.to_owned(),
    };
    if rows.is_empty() {
        ui.say(&format!(
            "No {} for DataProduct {data_product:?} in table {} ({}, {}).",
            which("rows"),
            settings.table,
            settings.env_name,
            aws.region()
        ))?;
        return Ok(ExitCode::SUCCESS);
    }
    ui.table(&rows_table(&rows))?;
    ui.say(&format!(
        "{} for DataProduct {data_product:?} in table {} ({}, {}).",
        count(rows.len(), &which("row"), &which("rows")),
        settings.table,
        settings.env_name,
        aws.region()
    ))?;
    Ok(ExitCode::SUCCESS)
}
