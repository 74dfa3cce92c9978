//! `cyi logs`: the tail of a run's step log, read from the cluster's LogUri in S3 as a
//! stream. Read-only.

use std::io::{BufWriter, Write};
use std::process::ExitCode;

use crate::aws::Aws;
use crate::aws::dynamodb;
use crate::aws::emr::{self, CONCURRENCY, TAG_CORRELATION_ID};
use crate::aws::s3::{self, Fetched};
use crate::cli::LogsArgs;
use crate::error::{Error, Result};
use crate::logs::tail::{self, Ring};
use crate::logs::{self as steplogs, ObjectAt};
use crate::output::Ui;
use crate::render::logs::{self as show, LogsReport, Printer, StepReport};
use crate::row::RowView;
use crate::settings::Settings;
use crate::text::{cyi_command, display_text};

pub async fn run(
    settings: &Settings,
    aws: &Aws,
    ui: &mut Ui<'_>,
    args: &LogsArgs,
) -> Result<ExitCode> {
    let (cluster_id, row_step) = match (&args.cluster_id, &args.correlation_id) {
        (Some(id), _) => match emr::describe(aws, id.as_str()).await? {
            Some(c) => (c.id, None),
            None => {
                return Err(Error::refused(
                    format!("no cluster {id} in this account and region"),
                    Some(format!(
                        "`{}` lists the product's past clusters",
                        cyi_command("history")
                    )),
                ));
            }
        },
        (None, Some(id)) => find_run(settings, aws, id.as_str()).await?,
        (None, None) => return Err(Error::usage("give --correlation-id or --cluster-id")),
    };
    let Some(log_uri) = emr::log_uri(aws, &cluster_id).await? else {
        return Err(Error::refused(
            format!(
                "cluster {cluster_id} has no LogUri: logging was not enabled, so EMR kept no step logs in S3"
            ),
            Some(
                "set LogUri: s3://BUCKET/PREFIX in cluster.yaml so that later runs keep their logs"
                    .into(),
            ),
        ));
    };
    let steps = emr::list_steps(aws, &cluster_id).await?;
    let wanted = args.step.as_ref().map(|s| s.as_str());
    let step = steplogs::pick_step(&steps, wanted, row_step.as_deref())
        .map_err(|m| Error::refused(display_text(&m), None))?;
    let failure = if step.has_failed() || step.failure.is_some() {
        emr::step_failure(aws, &cluster_id, &step.id).await?
    } else {
        None
    };
    let object = steplogs::log_object(&log_uri, &cluster_id, &step.id, args.file)
        .map_err(|m| Error::refused(display_text(&m), None))?;
    let mut report = LogsReport {
        cluster_id: cluster_id.clone(),
        step: StepReport {
            id: step.id.clone(),
            name: step.name.clone(),
            state: step.state.clone(),
            failure,
        },
        file: args.file,
        s3_uri: object.uri(),
        line_count: 0,
        lines: Vec::new(),
    };

    if args.all && !ui.json() {
        // The whole file goes out line by line as it is decompressed.
        show::header(ui, &report, "whole file")?;
        let mut out = BufWriter::new(&mut *ui.out);
        let mut decoder = tail::gunzip_lines(Printer { out: &mut out });
        let fetched = s3::stream_object(aws, &object.bucket, &object.key, &mut decoder).await?;
        not_delivered(fetched, &object, &report)?;
        tail::finish(decoder).map_err(|e| unreadable(&object, e))?;
        out.flush()
            .map_err(|e| Error::io("cannot write the output", e))?;
        return Ok(ExitCode::SUCCESS);
    }
    let keep = if args.all {
        usize::MAX
    } else {
        args.lines as usize
    };
    let mut decoder = tail::gunzip_lines(Ring::new(keep));
    let fetched = s3::stream_object(aws, &object.bucket, &object.key, &mut decoder).await?;
    not_delivered(fetched, &object, &report)?;
    let (ring, count) = tail::finish(decoder).map_err(|e| unreadable(&object, e))?;
    report.lines = ring.into_lines();
    report.line_count = count;
    if ui.json() {
        ui.document(&report)?;
    } else {
        let what = if report.lines.len() as u64 == count {
            format!("{count} lines")
        } else {
            format!("last {} of {count} lines", report.lines.len())
        };
        show::header(ui, &report, &what)?;
        show::lines(ui, &report.lines)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The run's cluster and the step its row names: the row's Cluster_Id, else the newest
/// cluster of the product's name tagged with the id (in any state).
async fn find_run(
    settings: &Settings,
    aws: &Aws,
    correlation_id: &str,
) -> Result<(String, Option<String>)> {
    let key = dynamodb::key(correlation_id, &settings.data_product);
    let row = dynamodb::get(aws, &settings.table, &key)
        .await?
        .as_ref()
        .map(RowView::of);
    let row_step = row.as_ref().and_then(|r| r.current_step.clone());
    let named = row
        .as_ref()
        .and_then(|r| r.cluster_id.clone())
        .filter(|id| !id.is_empty());
    if let Some(id) = &named
        && let Some(cluster) = emr::describe(aws, id).await?
    {
        return Ok((cluster.id, row_step));
    }
    let all = emr::list_since(aws, None).await?;
    let candidates = steplogs::candidates(&all, &settings.cluster_name);
    for batch in candidates.chunks(CONCURRENCY) {
        let described = emr::describe_many(aws, batch).await?;
        if let Some(cluster) = described
            .into_iter()
            .flatten()
            .find(|c| c.tag(TAG_CORRELATION_ID) == Some(correlation_id))
        {
            return Ok((cluster.id, row_step));
        }
    }
    let row_says = match &named {
        Some(id) => format!(
            "its row names cluster {}, which EMR does not know (any more)",
            display_text(id)
        ),
        None => "no state row naming a cluster".to_owned(),
    };
    Err(Error::refused(
        format!(
            "no run {}: {row_says}, and no '{}' cluster tagged Correlation_Id with it",
            display_text(correlation_id),
            display_text(&settings.cluster_name)
        ),
        Some(format!(
            "check the id with `{}`; `{}` lists past clusters and their ids",
            cyi_command("rows"),
            cyi_command("history")
        )),
    ))
}

/// A missing object: the step has not written it yet (EMR copies logs about every five
/// minutes), or never will (a step that did not run).
fn not_delivered(fetched: Fetched, object: &ObjectAt, report: &LogsReport) -> Result<()> {
    if fetched != Fetched::Missing {
        return Ok(());
    }
    let step = &report.step;
    if !steplogs::has_run(&step.state) {
        return Err(Error::refused(
            format!(
                "step {} is {}: it has not run, so it has no logs",
                display_text(&step.name),
                display_text(&step.state)
            ),
            Some(format!(
                "choose another step with --step NAME (`{}` lists them)",
                cyi_command("status --correlation-id ID")
            )),
        ));
    }
    Err(Error::Aws {
        operation: "s3:GetObject",
        message: format!(
            "the logs of step {} are not delivered yet: nothing at {} (EMR copies step logs to S3 about every five minutes)",
            display_text(&step.name),
            display_text(&object.uri())
        ),
        hint: Some(
            "try again in a few minutes; another file (--file controller) may be there already"
                .into(),
        ),
    })
}

fn unreadable(object: &ObjectAt, err: std::io::Error) -> Error {
    Error::io(
        format!("{} is not a readable gzip log", display_text(&object.uri())),
        err,
    )
}
