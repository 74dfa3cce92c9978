//! `cyi start-cluster`: the launcher's work in one command. Resolves the run's inputs,
//! reads the four-file cluster config and completes it with the run's step arguments,
//! tags and metastore password, checks that the run makes sense (state row, running
//! clusters, input data), shows the plan, confirms, and calls RunJobFlow once.

use std::process::ExitCode;
use std::time::Duration;

use chrono::Utc;

use crate::aws::Aws;
use crate::cli::StartClusterArgs;
use crate::confirm;
use crate::error::Result;
use crate::launch::execute::execute;
use crate::launch::inputs::{self, LaunchArgs};
use crate::launch::prepare::{StateRowSource, prepare};
use crate::launch::report::LaunchReport;
use crate::output::Ui;
use crate::render;
use crate::settings::Settings;
use crate::text::display_text;

pub async fn run(
    settings: &Settings,
    aws: &Aws,
    ui: &mut Ui<'_>,
    args: &StartClusterArgs,
) -> Result<ExitCode> {
    let launch_args = LaunchArgs {
        correlation_id: args.correlation_id.clone(),
        export_date: args.export_date,
        start_date: args.start_date,
        s3_prefix: args.s3_prefix.clone(),
        input_bucket: args.input_bucket.clone(),
        cluster_config: args.cluster_config.clone(),
    };
    let inputs = inputs::resolve(settings, &launch_args, Utc::now().date_naive())?;
    let prepared = prepare(settings, aws, inputs, StateRowSource::Read, args.force).await?;
    let mut report = LaunchReport::new(&prepared, settings, aws);
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
    confirm::confirm(
        settings,
        &format!(
            "Launch cluster '{}' for {}",
            display_text(&settings.cluster_name),
            prepared.inputs.run.export_date
        ),
    )?;
    let wait = args.wait.then(|| Duration::from_secs(args.timeout));
    execute(
        settings,
        aws,
        ui,
        &prepared,
        &mut report,
        wait,
        &render::launch::Shown,
    )
    .await
}
