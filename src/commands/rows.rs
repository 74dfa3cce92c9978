//! `cyi rows`: the data product's state rows, newest first, read-only.

use std::process::ExitCode;

use serde::Serialize;

use crate::aws::Aws;
use crate::aws::dynamodb::{self};
use crate::cli::RowsArgs;
use crate::error::Result;
use crate::render::{self, Ui};
use crate::row::{RowView, newest_first};
use crate::settings::Settings;

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
    let filter = dynamodb::rows_filter(data_product, status);
    let items = dynamodb::scan_all(aws, &settings.table, &filter).await?;
    let mut rows: Vec<RowView> = items.iter().map(RowView::of).collect();
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
    let which = match status {
        Some(status) => format!("{status} rows"),
        None => "rows".to_owned(),
    };
    if rows.is_empty() {
        ui.say(&format!(
            "No {which} for DataProduct {data_product:?} in table {} ({}, {}).",
            settings.table,
            settings.env_name,
            aws.region()
        ))?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut table = render::table([
        "CORRELATION_ID",
        "STATUS",
        "CURRENT_STEP",
        "RUN_ID",
        "DATE",
        "CLUSTER_ID",
        "EXPIRES",
    ]);
    for row in &rows {
        let mut cells = row.cells();
        cells.push(row.time_to_exist.map(render::time).unwrap_or_default());
        table.add_row(cells);
    }
    ui.table(&table)?;
    ui.say(&format!(
        "{} {which} for DataProduct {data_product:?} in table {} ({}, {}).",
        rows.len(),
        settings.table,
        settings.env_name,
        aws.region()
    ))?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_dynamodb::types::AttributeValue;

    fn view(cid: &str, date: Option<&str>, run: Option<&str>, ttl: Option<&str>) -> RowView {
        let mut item = dynamodb::key(cid, "CYI");
        if let Some(d) = date {
            item.insert("Date".into(), AttributeValue::S(d.into()));
        }
        if let Some(r) = run {
            item.insert("Run_Id".into(), AttributeValue::N(r.into()));
        }
        if let Some(t) = ttl {
            item.insert("TimeToExist".into(), AttributeValue::N(t.into()));
        }
        RowView::of(&item)
    }

    #[test]
    fn newest_date_then_highest_run_then_latest_expiry() {
        let mut rows = [
            view("old", Some("2021-03-01"), Some("9"), None),
            view("none", None, None, None),
            view("run2", Some("2021-04-01"), Some("2"), None),
            view("run10", Some("2021-04-01"), Some("10"), None),
            view(
                "ttl-late",
                Some("2021-04-01"),
                Some("2"),
                Some("1700000000000"),
            ),
            view("no-date", None, Some("50"), None),
        ];
        rows.sort_by(newest_first);
        let order: Vec<&str> = rows.iter().map(|r| r.correlation_id.as_str()).collect();
        assert_eq!(
            order,
            ["run10", "ttl-late", "run2", "old", "no-date", "none"]
        );
    }

    #[test]
    fn view_reads_the_pipeline_attributes() {
        let mut item = dynamodb::key("c", "CYI");
        item.insert("Status".into(), AttributeValue::S("FAILED".into()));
        item.insert("Run_Id".into(), AttributeValue::N("3".into()));
        item.insert(
            "TimeToExist".into(),
            AttributeValue::N("1700000000000".into()),
        );
        let row = RowView::of(&item);
        assert_eq!(row.status.as_deref(), Some("FAILED"));
        let json = serde_json::to_value(&row).unwrap();
        assert_eq!(json["run_id"], 3);
        assert_eq!(json["time_to_exist"], "2023-11-14T22:13:20Z");
        assert_eq!(json["cluster_id"], serde_json::Value::Null);
    }
}
