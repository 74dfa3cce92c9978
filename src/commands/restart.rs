//! `cyi restart`: start a run again with the export date its state row records. By
//! default the new cluster resumes from the row's CurrentStep (a launch with the same
//! correlation id); `--fresh` clears the row first (archived, as clear-row does) so
//! the run begins from the first step. One plan, one confirmation.

use std::process::ExitCode;
use std::time::Duration;

use chrono::Utc;

use crate::aws::Aws;
use crate::aws::dynamodb;
use crate::cli::RestartArgs;
use crate::confirm;
use crate::error::{Error, Result};
use crate::launch::execute::execute;
use crate::launch::inputs::{self, LaunchArgs};
use crate::launch::last_cluster;
use crate::launch::prepare::{StateRowSource, prepare};
use crate::launch::report::{LaunchReport, RestartInfo};
use crate::launch::restart;
use crate::output::Ui;
use crate::render;
use crate::row::RowView;
use crate::row::archive;
use crate::row::clear::{self as clear_row, ClusterFact};
use crate::settings::Settings;
use crate::text::{cyi_command, display_text, shell_word};

pub async fn run(
    settings: &Settings,
    aws: &Aws,
    ui: &mut Ui<'_>,
    args: &RestartArgs,
) -> Result<ExitCode> {
    let correlation_id = args.correlation_id.as_str();
    let archive_path = if args.fresh {
        let path = archive::resolve(args.archive.as_deref())?;
        archive::check_place(&path, "nothing was cleared or launched")?;
        Some(path)
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
                "a new run starts with: {}",
                cyi_command(&format!(
                    "start-cluster --export-date YYYY-MM-DD --correlation-id {}",
                    shell_word(correlation_id)
                ))
            )),
        ));
    };
    let decision = restart::decide(&item, correlation_id, args.fresh)?;
    // The row's cluster is described once: for why the run failed, for the clear's
    // decision and for the launch's state row check.
    let row = RowView::of(&item);
    let named = last_cluster::describe_named(aws, Some(&row)).await?;
    let clear_plan = match archive_path {
        Some(_) => {
            let cluster = match clear_row::cluster_to_check(&item) {
                None => ClusterFact::NotNeeded,
                Some(id) => ClusterFact::described(id, named.detail()),
            };
            Some(clear_row::decide(&item, &cluster, false)?)
        }
        None => None,
    };

    let launch_args = LaunchArgs {
        correlation_id: args.correlation_id.clone(),
        export_date: decision.export_date,
        start_date: None,
        s3_prefix: None,
        input_bucket: args.input_bucket.clone(),
        cluster_config: args.cluster_config.clone(),
    };
    let inputs = inputs::resolve(settings, &launch_args, Utc::now().date_naive())?;
    // The launch happens after the clear: a fresh restart decides as the launch will
    // see it, without the row. Every check that can fail (config, metastore secret,
    // input data, running clusters) runs here, before anything is cleared.
    let source = if args.fresh {
        StateRowSource::ClearedFirst
    } else {
        StateRowSource::Known(&item, named.detail())
    };
    let prepared = prepare(settings, aws, inputs, source, false).await?;
    // The launch's checks have listed the active clusters tagged with the id already.
    let last = last_cluster::read(
        aws,
        &settings.cluster_name,
        correlation_id,
        &named,
        Some(prepared.facts.tagged.as_slice()),
    )
    .await;
    let diagnosis = match last {
        Ok(last) => last_cluster::diagnose(correlation_id, Some(&row), &last),
        // Why the run failed is worth showing, not worth refusing the restart over (a
        // role without ListSteps): the plan says it could not be read.
        Err(err) => {
            last_cluster::diagnose_unread(correlation_id, Some(&row), &named, err.to_string())
        }
    };
    ui.say(&format!(
        "Restart run {} in {} ({}, {}).",
        display_text(correlation_id),
        settings.env_name,
        render::account(&identity.account, aws.assumed_role.as_ref()),
        aws.region()
    ))?;
    ui.say(&restart::summary(&decision, args.fresh))?;
    render::status::diagnosis(ui, &diagnosis, &settings.cluster_name)?;
    let mut report = LaunchReport::new(&prepared, settings, aws);
    report.restart = Some(RestartInfo {
        mode: if args.fresh { "fresh" } else { "resume" },
        row_status: decision.row_status.clone(),
        resumes_from: decision.resumes_from.clone(),
        archive_entry: None,
        last_cluster: diagnosis,
    });
    if let (Some(clear_plan), Some(path)) = (&clear_plan, &archive_path) {
        ui.say("\n1. Clear the row")?;
        render::row::show_clear_plan(ui, settings, aws, &identity, &key, &item, clear_plan, path)?;
        ui.say("\n2. Launch")?;
    }
    render::launch::plan(ui, &report)?;
    // The plan is the document from here on; a refusal or a failure later is added to
    // it as its `error`, and a launch completes it.
    ui.document(&report)?;
    if let Some(refusal) = prepared.refusal() {
        return Err(refusal);
    }
    if settings.dry_run {
        ui.note("dry run: nothing was changed")?;
        return Ok(ExitCode::SUCCESS);
    }
    let action = if args.fresh {
        format!(
            "Clear the row of {correlation_id:?} and launch cluster '{}' for {}",
            display_text(&settings.cluster_name),
            decision.export_date
        )
    } else {
        format!(
            "Launch cluster '{}' for {} to resume {correlation_id:?}",
            display_text(&settings.cluster_name),
            decision.export_date
        )
    };
    confirm::confirm(settings, &action)?;
    let wait = args.wait.then(|| Duration::from_secs(args.timeout));

    let Some(path) = archive_path else {
        return execute(
            settings,
            aws,
            ui,
            &prepared,
            &mut report,
            wait,
            &render::launch::Shown,
        )
        .await;
    };
    let entry = clear_row::execute(ui, settings, aws, &identity, &path, &key, &item).await?;
    if let Some(info) = report.restart.as_mut() {
        info.archive_entry = Some(entry.clone());
    }
    // Should the launch fail now, the document still names the entry to restore.
    ui.document(&report)?;
    match execute(
        settings,
        aws,
        ui,
        &prepared,
        &mut report,
        wait,
        &render::launch::Shown,
    )
    .await
    {
        Ok(code) => Ok(code),
        Err(err) => {
            let restore = archive::restore_command(&entry, &path);
            Err(Error::refused(
                format!(
                    "the row was cleared (archive entry {entry}), but the launch failed: {err}"
                ),
                Some(format!("to put the row back: {restore}")),
            ))
        }
    }
}
