//! `cyi clear-row`: delete a run's state row so its next start begins from the first
//! step, after showing it, checking that no cluster is still working on it, and
//! archiving it locally so `cyi restore-row` can put it back.

use std::path::Path;
use std::process::ExitCode;

use serde::Serialize;
use serde_json::Value;

use crate::aws::Aws;
use crate::aws::dynamodb;
use crate::cli::ClearRowArgs;
use crate::confirm;
use crate::error::{Error, Result};
use crate::output::Ui;
use crate::render;
use crate::row::archive;
use crate::row::clear::{self, ClusterFact};
use crate::settings::Settings;
use crate::text::cyi_command;

/// The JSON document of `cyi clear-row --output json`.
#[derive(Debug, Serialize)]
pub struct ClearReport<'a> {
    pub environment: &'a str,
    pub region: &'a str,
    pub account: &'a str,
    pub table: &'a str,
    pub correlation_id: &'a str,
    pub data_product: &'a str,
    /// The row in DynamoDB JSON; null when there is no such row.
    pub item: Option<Value>,
    pub cluster: Option<&'a ClusterFact>,
    pub forced: bool,
    pub archive: Option<&'a Path>,
    pub entry_id: Option<&'a str>,
    pub dry_run: bool,
    pub deleted: bool,
}

pub async fn run(
    settings: &Settings,
    aws: &Aws,
    ui: &mut Ui<'_>,
    args: &ClearRowArgs,
) -> Result<ExitCode> {
    let correlation_id = args.correlation_id.as_str();
    let data_product = args
        .data_product
        .as_ref()
        .map_or(settings.data_product.as_str(), |d| d.as_str());
    let archive_path = archive::resolve(args.archive.as_deref())?;
    archive::check_place(&archive_path, "nothing was deleted")?;
    let identity = aws
        .check_account(settings.expected_account.as_deref(), &settings.env_name)
        .await?
        .clone();
    let table = settings.table.as_str();
    let key = dynamodb::key(correlation_id, data_product);
    let mut report = ClearReport {
        environment: &settings.env_name,
        region: aws.region(),
        account: &identity.account,
        table,
        correlation_id,
        data_product,
        item: None,
        cluster: None,
        forced: false,
        archive: None,
        entry_id: None,
        dry_run: settings.dry_run,
        deleted: false,
    };

    // Gather.
    let Some(item) = dynamodb::state_row(aws, table, correlation_id, data_product).await? else {
        let missing = format!(
            "no row with Correlation_Id {correlation_id:?} and DataProduct {data_product:?} in table {table} ({}, {}, account {})",
            settings.env_name,
            aws.region(),
            identity.account
        );
        if args.if_exists {
            ui.say(&format!("Nothing to clear: {missing}."))?;
            ui.document(&report)?;
            return Ok(ExitCode::SUCCESS);
        }
        return Err(Error::refused(
            format!("{missing}; nothing was cleared"),
            Some(format!(
                "`{}` lists the data product's rows; --if-exists makes a missing row a success",
                cyi_command("rows")
            )),
        ));
    };
    let cluster = clear::cluster_fact(aws, &item).await?;

    // Decide and show.
    let decision = clear::decide(&item, &cluster, args.force)?;
    render::row::show_clear_plan(
        ui,
        settings,
        aws,
        &identity,
        &key,
        &item,
        &decision,
        &archive_path,
    )?;
    report.item = Some(dynamodb::item_to_json(&item));
    report.cluster = Some(&cluster);
    report.forced = decision.forced.is_some();
    report.archive = Some(&archive_path);

    // The plan is the document from here on (`deleted: false`); a refusal or failure
    // later (the archive cannot be written, the delete is refused) is added to it.
    ui.document(&report)?;
    if settings.dry_run {
        ui.say("dry run: nothing was changed")?;
        return Ok(ExitCode::SUCCESS);
    }
    // Confirm, execute, report.
    confirm::confirm(
        settings,
        &format!("Clear the row of correlation id {correlation_id:?}"),
    )?;
    let entry_id = clear::execute(ui, settings, aws, &identity, &archive_path, &key, &item).await?;
    report.entry_id = Some(&entry_id);
    report.deleted = true;
    ui.document(&report)?;
    Ok(ExitCode::SUCCESS)
}
