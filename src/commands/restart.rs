//! `cyi restart`: start a run again with the export date its state row records. By
//! default the new cluster resumes from the row's CurrentStep (start-cluster with the
//! same correlation id); `--fresh` clears the row first (archived, as clear-row does) so
//! the run begins from the first step. One plan, one confirmation.

use std::process::ExitCode;

use crate::aws::Aws;
use crate::aws::dynamodb::{self, Item};
use crate::cli::{RestartArgs, StartClusterArgs};
use crate::commands::start_cluster::{self, RestartInfo};
use crate::confirm;
use crate::error::{Error, Result};
use crate::render::{Ui, shell_word};
use crate::row::archive;
use crate::row::clear as clear_row;
use crate::settings::Settings;
use crate::types::Day;

/// What the row says about the restart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub export_date: Day,
    pub row_status: Option<String>,
    /// The step a resumed run starts from; None for a fresh start.
    pub resumes_from: Option<String>,
    pub run_id: Option<String>,
}

/// Pure: the export date and the starting step, from the row.
pub fn plan(item: &Item, correlation_id: &str, fresh: bool) -> Result<Plan> {
    let hint = || {
        Some(format!(
            "start the run with an explicit date: cyi start-cluster --export-date YYYY-MM-DD --correlation-id {}",
            shell_word(correlation_id)
        ))
    };
    let export_date = match item.get("Date") {
        None => {
            return Err(Error::refused(
                "the row has no Date, so its export date is unknown; nothing was changed",
                hint(),
            ));
        }
        Some(value) => value
            .as_s()
            .ok()
            .and_then(|d| d.parse::<Day>().ok())
            .ok_or_else(|| {
                Error::refused(
                    format!(
                        "the row's Date {} is not a YYYY-MM-DD date; nothing was changed",
                        crate::row::display_value("Date", value)
                    ),
                    hint(),
                )
            })?,
    };
    let row_status = dynamodb::string(item, "Status").map(str::to_owned);
    let resumes_from = if fresh {
        None
    } else {
        dynamodb::string(item, "CurrentStep").map(str::to_owned)
    };
    Ok(Plan {
        export_date,
        row_status,
        resumes_from,
        run_id: dynamodb::number(item, "Run_Id").map(str::to_owned),
    })
}

/// The line that says what the restart will do.
pub fn summary(plan: &Plan, fresh: bool) -> String {
    let status = plan.row_status.as_deref().unwrap_or("without a Status");
    if fresh {
        format!(
            "Fresh restart: the row ({status}) is cleared (archived first), then the cluster is launched for export date {} (the row's Date) and runs from the first step.",
            plan.export_date
        )
    } else {
        format!(
            "Resume: the row is {status}{}; the cluster is launched for export date {} (the row's Date) and resumes from step {}.",
            plan.run_id
                .as_deref()
                .map_or(String::new(), |n| format!(" after run {n}")),
            plan.export_date,
            plan.resumes_from.as_deref().map_or(
                "(none recorded: the first)".to_owned(),
                crate::render::display_text
            )
        )
    }
}

pub async fn run(
    settings: &Settings,
    aws: &Aws,
    ui: &mut Ui<'_>,
    args: &RestartArgs,
) -> Result<ExitCode> {
    let correlation_id = args.correlation_id.as_str();
    let archive_path = if args.fresh {
        Some(archive::resolve(args.archive.as_deref())?)
    } else {
        None
    };
    let identity = aws
        .check_account(settings.expected_account.as_deref(), &settings.env_name)
        .await?
        .clone();
    let key = dynamodb::key(correlation_id, &settings.data_product);
    let Some(item) = dynamodb::get(aws, &settings.table, &key).await? else {
        return Err(Error::refused(
            format!(
                "no row with Correlation_Id {correlation_id:?} and DataProduct {:?} in table {} ({}, {}): there is no run to restart; nothing was changed",
                settings.data_product,
                settings.table,
                settings.env_name,
                aws.region()
            ),
            Some(format!(
                "a new run starts with: cyi start-cluster --export-date YYYY-MM-DD --correlation-id {}",
                shell_word(correlation_id)
            )),
        ));
    };
    let plan = plan(&item, correlation_id, args.fresh)?;
    let clear_plan = match archive_path {
        Some(_) => {
            let cluster = clear_row::cluster_fact(aws, &item).await?;
            Some(clear_row::decide(&item, &cluster, false)?)
        }
        None => None,
    };

    let start_args = StartClusterArgs {
        export_date: plan.export_date,
        correlation_id: args.correlation_id.clone(),
        start_date: None,
        s3_prefix: None,
        input_bucket: args.input_bucket.clone(),
        cluster_config: args.cluster_config.clone(),
        force: false,
        wait: args.wait,
        timeout: args.timeout,
    };
    // Every check that can fail (config, metastore secret, input data, running
    // clusters) runs here, before anything is cleared.
    let mut prepared = start_cluster::prepare(settings, aws, &start_args).await?;
    if args.fresh {
        // The launch happens after the clear: decide as the launch will see it.
        prepared.facts.row = None;
        prepared.facts.row_cluster = None;
        prepared.recheck(settings, false);
    }
    let mut report = prepared.report(settings, aws);
    report.restart = Some(RestartInfo {
        mode: if args.fresh { "fresh" } else { "resume" },
        row_status: plan.row_status.clone(),
        resumes_from: plan.resumes_from.clone(),
        archive_entry: None,
    });

    ui.say(&format!(
        "Restart run {} in {} (account {}, {}).",
        crate::render::display_text(correlation_id),
        settings.env_name,
        identity.account,
        aws.region()
    ))?;
    ui.say(&summary(&plan, args.fresh))?;
    if let (Some(clear_plan), Some(path)) = (&clear_plan, &archive_path) {
        ui.say("\n1. Clear the row")?;
        clear_row::show_plan(ui, settings, aws, &identity, &key, &item, clear_plan, path)?;
        ui.say("\n2. Launch")?;
    }
    start_cluster::show_plan(ui, &report)?;
    if settings.dry_run {
        ui.document(&report)?;
    }
    if let Some(refusal) = prepared.refusal() {
        return Err(refusal);
    }
    if settings.dry_run {
        ui.note("dry run: nothing was changed")?;
        return Ok(ExitCode::SUCCESS);
    }
    let action = if args.fresh {
        format!(
            "clear the row of {correlation_id:?} and launch cluster '{}' for {}",
            settings.cluster_name, plan.export_date
        )
    } else {
        format!(
            "resume {correlation_id:?}: launch cluster '{}' for {}",
            settings.cluster_name, plan.export_date
        )
    };
    confirm::confirm(settings, &action)?;

    let Some(path) = archive_path else {
        return start_cluster::execute(settings, aws, ui, &start_args, &prepared, &mut report)
            .await;
    };
    let entry = clear_row::execute(ui, settings, aws, &identity, &path, &key, &item).await?;
    if let Some(info) = report.restart.as_mut() {
        info.archive_entry = Some(entry.clone());
    }
    match start_cluster::execute(settings, aws, ui, &start_args, &prepared, &mut report).await {
        Ok(code) => Ok(code),
        Err(err) => {
            let restore = if args.archive.is_none() {
                format!("cyi restore-row --id {entry}")
            } else {
                format!(
                    "cyi restore-row --id {entry} --archive {}",
                    shell_word(&path.display().to_string())
                )
            };
            Err(Error::refused(
                format!(
                    "the row was cleared (archive entry {entry}), but the launch failed: {err}"
                ),
                Some(format!("to put the row back: {restore}")),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_dynamodb::types::AttributeValue;

    fn item(date: Option<AttributeValue>) -> Item {
        let mut item = dynamodb::key("r", "CYI");
        item.insert("Status".into(), AttributeValue::S("FAILED".into()));
        item.insert("CurrentStep".into(), AttributeValue::S("run-cyi".into()));
        item.insert("Run_Id".into(), AttributeValue::N("2".into()));
        if let Some(d) = date {
            item.insert("Date".into(), d);
        }
        item
    }

    #[test]
    fn resume_takes_the_rows_date_and_step() {
        let p = plan(
            &item(Some(AttributeValue::S("2021-04-01".into()))),
            "r",
            false,
        )
        .unwrap();
        assert_eq!(p.export_date.to_string(), "2021-04-01");
        assert_eq!(p.resumes_from.as_deref(), Some("run-cyi"));
        assert_eq!(
            summary(&p, false),
            "Resume: the row is FAILED after run 2; the cluster is launched for export date 2021-04-01 (the row's Date) and resumes from step run-cyi."
        );
        let p = plan(
            &item(Some(AttributeValue::S("2021-04-01".into()))),
            "r",
            true,
        )
        .unwrap();
        assert_eq!(p.resumes_from, None);
        assert!(summary(&p, true).starts_with("Fresh restart: the row (FAILED) is cleared"));
    }

    #[test]
    fn a_row_without_a_usable_date_is_refused_with_the_way_out() {
        for date in [
            None,
            Some(AttributeValue::S("01/04/2021".into())),
            Some(AttributeValue::N("20210401".into())),
        ] {
            let err = plan(&item(date.clone()), "run 1", false).unwrap_err();
            assert_eq!(err.exit_code(), 1, "{date:?}");
            assert!(err.to_string().contains("Date"), "{err}");
            assert!(
                err.hint().unwrap().contains("--correlation-id 'run 1'"),
                "{:?}",
                err.hint()
            );
        }
    }
}
