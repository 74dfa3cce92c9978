//! `cyi start-cluster`: the launcher's work in one command. Reads the four-file cluster
//! config, adds the run's step arguments and tags, fetches the metastore password, checks
//! that the run makes sense (state row, running clusters, input data), shows the plan,
//! confirms, and calls RunJobFlow once.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{NaiveDate, Utc};
use futures_util::stream::{self, StreamExt, TryStreamExt};
use serde::Serialize;

use crate::aws::emr::{self, ClusterDetail};
use crate::aws::{Aws, aws_error};
use crate::cli::StartClusterArgs;
use crate::confirm;
use crate::error::{Error, Result};
use crate::launch::model::RunJobFlow;
use crate::launch::{self, RunParams, lock, secrets, source, to_sdk};
use crate::render::{self, Ui};
use crate::settings::{ClusterConfigSource, Settings};
use crate::types::Day;

/// How often `--wait` asks EMR for the cluster's state.
const WAIT_POLL: Duration = Duration::from_secs(15);

/// Everything the command line and the environment decide, validated.
#[derive(Debug, Clone)]
pub struct Inputs {
    pub run: RunParams,
    pub config: ClusterConfigSource,
}

impl Inputs {
    pub fn backfill_days(&self) -> Option<i64> {
        self.run
            .start_date
            .map(|s| (self.run.export_date.0 - s.0).num_days() + 1)
    }

    /// The input prefix as a listing prefix: always ends with one `/`.
    pub fn input_prefix(&self) -> String {
        format!("{}/", self.run.s3_prefix.trim_end_matches('/'))
    }
}

/// Flags and environment to [`Inputs`]; every failure is a usage error (exit 2)
/// raised before any AWS call.
pub fn resolve(settings: &Settings, args: &StartClusterArgs, today: NaiveDate) -> Result<Inputs> {
    let export = args.export_date;
    if export.0 > today {
        return Err(Error::usage(format!(
            "--export-date {export} is after today ({}); there is no data for it yet",
            Day(today)
        )));
    }
    if let Some(start) = args.start_date
        && start > export
    {
        return Err(Error::usage(format!(
            "--start-date {start} is after --export-date {export}; the backfill runs from the start date up to the export date"
        )));
    }
    let input_bucket = args
        .input_bucket
        .clone()
        .or_else(|| settings.input_bucket.clone())
        .ok_or_else(|| {
            Error::usage_hint(
                "no input bucket is known",
                format!(
                    "pass --input-bucket BUCKET or set input_bucket in the environment '{}'",
                    settings.env_name
                ),
            )
        })?;
    if input_bucket.is_empty() || input_bucket.contains('/') {
        return Err(Error::usage(format!(
            "--input-bucket '{input_bucket}' is not a bucket name"
        )));
    }
    let config = args
        .cluster_config
        .clone()
        .or_else(|| settings.cluster_config.clone())
        .ok_or_else(|| {
            Error::usage_hint(
                "no cluster config is known",
                format!(
                    "pass --cluster-config DIR|s3://BUCKET/PREFIX or set cluster_config in the environment '{}'",
                    settings.env_name
                ),
            )
        })?;
    let s3_prefix = match &args.s3_prefix {
        Some(prefix) if prefix.trim_matches('/').is_empty() => {
            return Err(Error::usage(
                "--s3-prefix is empty; give the folder of the day's files, e.g. cyi/2021-04-01",
            ));
        }
        Some(prefix) => prefix.clone(),
        None => format!("{}/{export}", settings.cluster_name),
    };
    Ok(Inputs {
        run: RunParams {
            correlation_id: args.correlation_id.as_str().to_owned(),
            input_bucket,
            s3_prefix,
            export_date: export,
            start_date: args.start_date,
        },
        config,
    })
}

/// The config's cluster name must be the environment's: the other commands find the
/// cluster by that name.
pub fn check_name(request: &RunJobFlow, settings: &Settings) -> Result<()> {
    match request.name.as_deref() {
        None => Err(Error::usage(
            "cluster.yaml: Name is missing; RunJobFlow needs it",
        )),
        Some(name) if name != settings.cluster_name => Err(Error::usage_hint(
            format!(
                "cluster.yaml: Name is '{name}', but the environment's cluster_name is '{}'",
                settings.cluster_name
            ),
            "the other cyi commands find the cluster by cluster_name: make them agree",
        )),
        Some(_) if request.instances.is_none() => Err(Error::usage(
            "instances.yaml: Instances is missing; RunJobFlow needs it",
        )),
        Some(_) => Ok(()),
    }
}

/// The state row's fields that matter here.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Row {
    pub status: Option<String>,
    pub current_step: Option<String>,
    pub run_id: Option<i64>,
    pub cluster_id: Option<String>,
}

/// Objects under a prefix.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Listing {
    pub objects: u64,
    pub bytes: u64,
}

/// What AWS says, gathered before deciding.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub row: Option<Row>,
    /// The row's cluster, when it names one EMR knows.
    pub row_cluster: Option<ClusterDetail>,
    /// Active clusters of this name already tagged with the correlation id.
    pub tagged: Vec<ClusterDetail>,
    pub input: Listing,
    /// With a start date: the days of the range whose prefix holds nothing.
    pub empty_days: Vec<Day>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Passed,
    Warned,
    Failed,
    /// Failed, and `--force` overrides it.
    Forced,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    pub name: &'static str,
    pub outcome: Outcome,
    pub detail: String,
}

/// The pure decision: each check's outcome from the facts.
pub fn decide(
    facts: &Facts,
    inputs: &Inputs,
    data_product: &str,
    cluster_name: &str,
    force: bool,
) -> Vec<Check> {
    let fail = if force {
        Outcome::Forced
    } else {
        Outcome::Failed
    };
    let run = &inputs.run;
    let mut checks = Vec::new();

    checks.push(Check {
        name: "dates",
        outcome: Outcome::Passed,
        detail: match (run.start_date, inputs.backfill_days()) {
            (Some(start), Some(days)) => format!(
                "backfill {start} to {} ({days} day{})",
                run.export_date,
                if days == 1 { "" } else { "s" }
            ),
            _ => format!("export date {}", run.export_date),
        },
    });

    let (outcome, detail) = match &facts.row {
        None => (
            Outcome::Passed,
            format!("no row for ({}, {data_product}): a fresh run", run.correlation_id),
        ),
        Some(row) => match row.status.as_deref() {
            Some("FAILED") => (
                Outcome::Warned,
                format!(
                    "row is FAILED: resumes from step {}, run {}; `cyi clear-row` for a fresh start",
                    row.current_step.as_deref().unwrap_or("?"),
                    row.run_id.map_or("?".to_owned(), |n| (n + 1).to_string())
                ),
            ),
            Some("COMPLETED") => (
                fail,
                "row is COMPLETED: this run has loaded its data; a second load would append the same data twice".to_owned(),
            ),
            Some("IN_PROGRESS") => match &facts.row_cluster {
                Some(cluster) if cluster.is_active() => (
                    fail,
                    format!(
                        "row is IN_PROGRESS and its cluster {} is {}: the run is still going",
                        cluster.id, cluster.state
                    ),
                ),
                Some(cluster) => (
                    Outcome::Warned,
                    format!(
                        "row is IN_PROGRESS but its cluster {} is {}: the run died without recording it",
                        cluster.id, cluster.state
                    ),
                ),
                None => (
                    Outcome::Warned,
                    format!(
                        "row is IN_PROGRESS but its cluster {} is unknown to EMR",
                        row.cluster_id.as_deref().unwrap_or("(none recorded)")
                    ),
                ),
            },
            other => (
                Outcome::Warned,
                format!("row status is {}", other.unwrap_or("missing")),
            ),
        },
    };
    checks.push(Check {
        name: "state row",
        outcome,
        detail,
    });

    checks.push(if facts.tagged.is_empty() {
        Check {
            name: "active clusters",
            outcome: Outcome::Passed,
            detail: format!("no active '{cluster_name}' cluster carries this correlation id"),
        }
    } else {
        let list: Vec<String> = facts
            .tagged
            .iter()
            .map(|c| format!("{} ({})", c.id, c.state))
            .collect();
        Check {
            name: "active clusters",
            outcome: fail,
            detail: format!(
                "already running for this correlation id: {}",
                list.join(", ")
            ),
        }
    });

    let place = format!("s3://{}/{}", run.input_bucket, inputs.input_prefix());
    checks.push(if facts.input.objects == 0 {
        Check {
            name: "input data",
            outcome: fail,
            detail: format!("no objects under {place}"),
        }
    } else {
        Check {
            name: "input data",
            outcome: Outcome::Passed,
            detail: format!(
                "{} object(s), {} under {place}",
                facts.input.objects,
                size(facts.input.bytes)
            ),
        }
    });

    if let Some(days) = inputs.backfill_days() {
        checks.push(if facts.empty_days.is_empty() {
            Check {
                name: "backfill days",
                outcome: Outcome::Passed,
                detail: format!("every day of the {days} has input under {cluster_name}/<day>/"),
            }
        } else {
            let list: Vec<String> = facts.empty_days.iter().map(Day::to_string).collect();
            Check {
                name: "backfill days",
                outcome: Outcome::Warned,
                detail: format!(
                    "{} of {days} day(s) have no input under {cluster_name}/<day>/: {}",
                    list.len(),
                    list.join(", ")
                ),
            }
        });
    }
    checks
}

fn size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// The JSON document (stable; fields are only added).
#[derive(Debug, Serialize)]
pub struct Report<'a> {
    pub environment: &'a str,
    pub account: &'a str,
    pub region: &'a str,
    pub cluster_name: &'a str,
    pub correlation_id: &'a str,
    pub export_date: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backfill_days: Option<i64>,
    pub input: String,
    pub cluster_config: String,
    pub dry_run: bool,
    pub checks: &'a [Check],
    pub request: &'a RunJobFlow,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster_arn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Only in the document of `cyi restart`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restart: Option<RestartInfo>,
}

/// What `cyi restart` adds to the start-cluster document.
#[derive(Debug, Clone, Serialize)]
pub struct RestartInfo {
    /// `resume` (from the row's CurrentStep) or `fresh` (row cleared first).
    pub mode: &'static str,
    pub row_status: Option<String>,
    /// The step a resumed run starts from (the row's CurrentStep).
    pub resumes_from: Option<String>,
    /// With `fresh`: the archive entry of the cleared row, once it exists.
    pub archive_entry: Option<String>,
}

/// Everything gathered and decided before the plan is shown: the request (password
/// substituted), the facts and the checks.
pub struct Prepared {
    pub inputs: Inputs,
    pub request: RunJobFlow,
    pub identity: crate::aws::Identity,
    pub facts: Facts,
    pub checks: Vec<Check>,
}

impl Prepared {
    /// Decides the checks again, after the caller changed the facts (a fresh restart
    /// decides as if the row it will clear were already gone).
    pub fn recheck(&mut self, settings: &Settings, force: bool) {
        self.checks = decide(
            &self.facts,
            &self.inputs,
            &settings.data_product,
            &settings.cluster_name,
            force,
        );
    }

    pub fn report<'a>(&'a self, settings: &'a Settings, aws: &'a Aws) -> Report<'a> {
        Report {
            environment: &settings.env_name,
            account: &self.identity.account,
            region: aws.region(),
            cluster_name: &settings.cluster_name,
            correlation_id: &self.inputs.run.correlation_id,
            export_date: self.inputs.run.export_date.to_string(),
            start_date: self.inputs.run.start_date.map(|d| d.to_string()),
            backfill_days: self.inputs.backfill_days(),
            input: format!(
                "s3://{}/{}",
                self.inputs.run.input_bucket,
                self.inputs.input_prefix()
            ),
            cluster_config: self.inputs.config.to_string(),
            dry_run: settings.dry_run,
            checks: &self.checks,
            request: &self.request,
            cluster_id: None,
            cluster_arn: None,
            state: None,
            restart: None,
        }
    }

    /// The refusal when a check failed (and `--force` was not given).
    pub fn refusal(&self) -> Option<Error> {
        let reasons: Vec<String> = self
            .checks
            .iter()
            .filter(|c| c.outcome == Outcome::Failed)
            .map(|c| format!("{}: {}", c.name, c.detail))
            .collect();
        (!reasons.is_empty()).then(|| {
            Error::refused(
                format!("refused, nothing was launched: {}", reasons.join("; ")),
                Some("re-run with --force to launch anyway".into()),
            )
        })
    }
}

/// Gathers and decides: config, secrets, state row, clusters, input. No change is made.
pub async fn prepare(settings: &Settings, aws: &Aws, args: &StartClusterArgs) -> Result<Prepared> {
    let inputs = resolve(settings, args, Utc::now().date_naive())?;
    let files = source::read(aws, &inputs.config).await?;
    let mut request = source::parse(&files, &inputs.config.to_string())?;
    check_name(&request, settings)?;
    launch::apply_run(&mut request, &inputs.run);

    let identity = aws
        .check_account(settings.expected_account.as_deref(), &settings.env_name)
        .await?
        .clone();
    let ids = secrets::secret_ids(&request);
    let (passwords, facts) =
        tokio::join!(secrets::fetch(aws, &ids), gather(aws, settings, &inputs));
    let passwords = passwords?;
    let facts = facts?;
    secrets::substitute(&mut request, &passwords);

    let mut prepared = Prepared {
        inputs,
        request,
        identity,
        facts,
        checks: Vec::new(),
    };
    prepared.recheck(settings, args.force);
    Ok(prepared)
}

pub async fn run(
    settings: &Settings,
    aws: &Aws,
    ui: &mut Ui<'_>,
    args: &StartClusterArgs,
) -> Result<ExitCode> {
    let prepared = prepare(settings, aws, args).await?;
    let mut report = prepared.report(settings, aws);
    show_plan(ui, &report)?;
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
    confirm::confirm(
        settings,
        &format!(
            "launch cluster '{}' for {}",
            settings.cluster_name, prepared.inputs.run.export_date
        ),
    )?;
    execute(settings, aws, ui, args, &prepared, &mut report).await
}

/// Launches (after confirmation): the lock, the last check, RunJobFlow, `--wait`, and
/// the document. A launch failure is returned before any document is written.
pub async fn execute(
    settings: &Settings,
    aws: &Aws,
    ui: &mut Ui<'_>,
    args: &StartClusterArgs,
    prepared: &Prepared,
    report: &mut Report<'_>,
) -> Result<ExitCode> {
    let inputs = &prepared.inputs;
    // Two runs for the same id must not both launch: the lock serialises them, and the
    // holder looks once more for a cluster a run before it has just launched.
    let lock = lock::acquire(
        aws,
        &settings.table,
        &settings.data_product,
        &inputs.run.correlation_id,
        Utc::now(),
    )
    .await?;
    let launched = launch_locked(aws, settings, inputs, &prepared.request, args.force).await;
    let released = lock.release(aws).await;
    let out = launched?;
    if let Err(err) = released {
        ui.note(&format!("warning: the launch lock was not removed: {err}"))?;
    }
    let cluster_id = out.job_flow_id().unwrap_or_default().to_owned();
    report.cluster_id = Some(cluster_id.clone());
    report.cluster_arn = out.cluster_arn().map(str::to_owned);
    ui.say(&format!(
        "Launched cluster {cluster_id} ({})",
        report.cluster_arn.as_deref().unwrap_or("no ARN returned")
    ))?;

    let mut code = ExitCode::SUCCESS;
    if args.wait {
        let detail = wait(aws, ui, &cluster_id, Duration::from_secs(args.timeout)).await?;
        report.state = Some(detail.state.clone());
        if detail.state == "TERMINATED_WITH_ERRORS" {
            ui.document(&*report)?;
            return Err(Error::Failed(format!(
                "cluster {cluster_id} ended TERMINATED_WITH_ERRORS: {}",
                detail
                    .state_change_reason
                    .as_deref()
                    .unwrap_or("no reason given")
            )));
        }
        if detail.state.starts_with("TERMINAT") {
            code = ExitCode::from(crate::error::EXIT_FAILED);
            ui.note(&format!(
                "cluster {cluster_id} is {}: {}",
                detail.state,
                detail
                    .state_change_reason
                    .as_deref()
                    .unwrap_or("no reason given")
            ))?;
        }
    }
    ui.document(&*report)?;
    Ok(code)
}

/// The last check and the launch, while holding the lock.
///
/// RunJobFlow has no idempotency token, so the SDK must not retry it on its own: a
/// retry after an answer lost on the way back would launch a second cluster. The
/// call is made without SDK retries; after a failure that may have been applied (no
/// answer, a timeout, a 5xx) the run's Correlation_Id tag says whether a cluster was
/// launched after all, and only if none was is the call made again.
async fn launch_locked(
    aws: &Aws,
    settings: &Settings,
    inputs: &Inputs,
    request: &RunJobFlow,
    force: bool,
) -> Result<aws_sdk_emr::operation::run_job_flow::RunJobFlowOutput> {
    let correlation_id = &inputs.run.correlation_id;
    let before = emr::tagged_clusters(aws, &settings.cluster_name, correlation_id).await?;
    if !force && let Some(cluster) = before.first() {
        return Err(Error::refused(
            format!(
                "cluster {} ({}) was started for this correlation id while this command ran; nothing was launched",
                cluster.id, cluster.state
            ),
            None,
        ));
    }
    let mut backoff = LAUNCH_BACKOFF;
    let mut attempt = 1;
    loop {
        let answer = to_sdk::run_job_flow(request, aws.emr.run_job_flow())
            .customize()
            .config_override(
                aws_sdk_emr::config::Builder::default()
                    .retry_config(aws_config::retry::RetryConfig::disabled()),
            )
            .send()
            .await;
        let err = match answer {
            Ok(out) => return Ok(out),
            Err(err) => err,
        };
        // A service error below 500 (throttling, validation) was refused, not applied.
        let maybe_applied = match &err {
            aws_sdk_emr::error::SdkError::ServiceError(service) => {
                service.raw().status().as_u16() >= 500
            }
            aws_sdk_emr::error::SdkError::ConstructionFailure(_) => false,
            _ => true,
        };
        let retryable = maybe_applied || is_throttling(&err);
        if maybe_applied {
            let now = emr::tagged_clusters(aws, &settings.cluster_name, correlation_id).await?;
            if let Some(launched) = now.iter().find(|c| before.iter().all(|b| b.id != c.id)) {
                return Ok(
                    aws_sdk_emr::operation::run_job_flow::RunJobFlowOutput::builder()
                        .job_flow_id(&launched.id)
                        .set_cluster_arn(launched.arn.clone())
                        .build(),
                );
            }
        }
        if !retryable || attempt >= crate::aws::MAX_ATTEMPTS {
            return Err(aws_error("emr:RunJobFlow", err).with_outcome(
                "no cluster id came back, so no launch is known (the launch lock is released)",
                Some("`cyi clusters` shows whether a cluster started anyway; if none did, run start-cluster again".into()),
            ));
        }
        attempt += 1;
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(Duration::from_secs(5));
    }
}

/// The first wait before RunJobFlow is tried again.
const LAUNCH_BACKOFF: Duration = Duration::from_millis(200);

fn is_throttling<R>(
    err: &aws_sdk_emr::error::SdkError<aws_sdk_emr::operation::run_job_flow::RunJobFlowError, R>,
) -> bool {
    use aws_sdk_emr::error::ProvideErrorMetadata;
    err.as_service_error()
        .and_then(|e| e.code())
        .is_some_and(|code| code.contains("Throttl") || code == "RequestLimitExceeded")
}

/// Follows the cluster until it is up (WAITING/RUNNING) or has ended.
async fn wait(aws: &Aws, ui: &mut Ui<'_>, id: &str, timeout: Duration) -> Result<ClusterDetail> {
    let started = Instant::now();
    let mut last = String::new();
    loop {
        let detail = emr::describe(aws, id)
            .await?
            .ok_or_else(|| Error::Failed(format!("EMR no longer knows cluster {id}")))?;
        if detail.state != last {
            ui.note(&format!(
                "{id}: {} after {}s",
                detail.state,
                started.elapsed().as_secs()
            ))?;
            last = detail.state.clone();
        }
        if matches!(
            detail.state.as_str(),
            "WAITING" | "RUNNING" | "TERMINATING" | "TERMINATED" | "TERMINATED_WITH_ERRORS"
        ) {
            return Ok(detail);
        }
        if started.elapsed() >= timeout {
            return Err(Error::Failed(format!(
                "cluster {id} is still {} after {}s; it keeps starting (see `cyi clusters`)",
                detail.state,
                timeout.as_secs()
            )));
        }
        tokio::time::sleep(WAIT_POLL.min(timeout.saturating_sub(started.elapsed()))).await;
    }
}

/// The reads the checks need, concurrently.
async fn gather(aws: &Aws, settings: &Settings, inputs: &Inputs) -> Result<Facts> {
    let run = &inputs.run;
    let row = async {
        let row = state_row(aws, settings, &run.correlation_id).await?;
        let cluster = match row.as_ref().and_then(|r| r.cluster_id.as_deref()) {
            Some(id) if row.as_ref().and_then(|r| r.status.as_deref()) == Some("IN_PROGRESS") => {
                emr::describe(aws, id).await?
            }
            _ => None,
        };
        Ok::<_, Error>((row, cluster))
    };
    let days: Vec<Day> = match run.start_date {
        Some(start) => start
            .0
            .iter_days()
            .take_while(|d| *d <= run.export_date.0)
            .map(Day)
            .collect(),
        None => Vec::new(),
    };
    let empty_days = async {
        let found: Vec<(Day, bool)> = stream::iter(days.iter().map(|day| async move {
            let prefix = format!("{}/{day}/", settings.cluster_name);
            let any = has_objects(aws, &run.input_bucket, &prefix).await?;
            Ok::<_, Error>((*day, any))
        }))
        .buffered(emr::CONCURRENCY)
        .try_collect()
        .await?;
        Ok::<_, Error>(
            found
                .into_iter()
                .filter(|(_, any)| !any)
                .map(|(d, _)| d)
                .collect::<Vec<_>>(),
        )
    };
    let input_prefix = inputs.input_prefix();
    let (row, tagged, input, empty_days) = tokio::join!(
        row,
        emr::tagged_clusters(aws, &settings.cluster_name, &run.correlation_id),
        list_input(aws, &run.input_bucket, &input_prefix),
        empty_days
    );
    let (row, row_cluster) = row?;
    Ok(Facts {
        row,
        row_cluster,
        tagged: tagged?,
        input: input?,
        empty_days: empty_days?,
    })
}

async fn state_row(aws: &Aws, settings: &Settings, correlation_id: &str) -> Result<Option<Row>> {
    let out = aws
        .dynamodb
        .get_item()
        .table_name(&settings.table)
        .key(
            "Correlation_Id",
            AttributeValue::S(correlation_id.to_owned()),
        )
        .key(
            "DataProduct",
            AttributeValue::S(settings.data_product.clone()),
        )
        .consistent_read(true)
        .send()
        .await
        .map_err(|e| aws_error("dynamodb:GetItem", e))?;
    Ok(out.item.map(|item| row_of(&item)))
}

fn row_of(item: &std::collections::HashMap<String, AttributeValue>) -> Row {
    let s = |k: &str| item.get(k).and_then(|v| v.as_s().ok()).cloned();
    Row {
        status: s("Status"),
        current_step: s("CurrentStep"),
        run_id: item.get("Run_Id").and_then(|v| {
            v.as_n()
                .ok()
                .and_then(|n| n.parse().ok())
                .or_else(|| v.as_s().ok().and_then(|n| n.parse().ok()))
        }),
        cluster_id: s("Cluster_Id"),
    }
}

async fn list_input(aws: &Aws, bucket: &str, prefix: &str) -> Result<Listing> {
    let mut listing = Listing::default();
    let mut token = None;
    loop {
        let page = aws
            .s3
            .list_objects_v2()
            .bucket(bucket)
            .prefix(prefix)
            .set_continuation_token(token)
            .send()
            .await
            .map_err(|e| aws_error("s3:ListObjectsV2", e))?;
        for object in page.contents() {
            listing.objects += 1;
            listing.bytes += u64::try_from(object.size().unwrap_or(0)).unwrap_or(0);
        }
        token = page.next_continuation_token;
        if token.is_none() {
            return Ok(listing);
        }
    }
}

async fn has_objects(aws: &Aws, bucket: &str, prefix: &str) -> Result<bool> {
    let page = aws
        .s3
        .list_objects_v2()
        .bucket(bucket)
        .prefix(prefix)
        .max_keys(1)
        .send()
        .await
        .map_err(|e| aws_error("s3:ListObjectsV2", e))?;
    Ok(!page.contents().is_empty())
}

pub(crate) fn show_plan(ui: &mut Ui<'_>, report: &Report<'_>) -> Result<()> {
    let request = report.request;
    ui.say(&format!(
        "Launch cluster '{}' in {} (account {}, {})",
        report.cluster_name, report.environment, report.account, report.region
    ))?;
    let mut facts = PlanLines::default();
    facts.add_row(["correlation id", report.correlation_id]);
    let dates = match (&report.start_date, report.backfill_days) {
        (Some(start), Some(days)) => format!(
            "{start} to {} (backfill of {days} day{})",
            report.export_date,
            if days == 1 { "" } else { "s" }
        ),
        _ => report.export_date.clone(),
    };
    facts.add_row(["dates", &dates]);
    facts.add_row(["input", &report.input]);
    facts.add_row(["cluster config", &report.cluster_config]);
    facts.add_row(["release", request.release_label.as_deref().unwrap_or("-")]);
    facts.add_row(["instances", &instances_summary(request)]);
    let bootstrap: Vec<String> = request
        .bootstrap_actions
        .iter()
        .flatten()
        .map(|b| {
            let script = b.script_bootstrap_action.as_ref();
            let mut line = vec![
                b.name.clone().unwrap_or_default(),
                script.and_then(|s| s.path.clone()).unwrap_or_default(),
            ];
            line.extend(script.and_then(|s| s.args.clone()).unwrap_or_default());
            line.join(" ")
        })
        .collect();
    facts.add_row(["bootstrap actions", &lines_or_none(&bootstrap)]);
    let steps: Vec<String> = request
        .steps
        .iter()
        .flatten()
        .enumerate()
        .map(|(i, s)| {
            let jar = s.hadoop_jar_step.as_ref();
            format!(
                "{}. {} [{}] {} {}",
                i + 1,
                s.name.as_deref().unwrap_or(""),
                s.action_on_failure.as_ref().map_or("-", |a| a.as_str()),
                jar.and_then(|j| j.jar.as_deref()).unwrap_or(""),
                jar.and_then(|j| j.args.as_ref())
                    .map(|a| a.join(" "))
                    .unwrap_or_default()
            )
        })
        .collect();
    facts.add_row(["steps", &lines_or_none(&steps)]);
    let tags: Vec<String> = request
        .tags
        .iter()
        .flatten()
        .map(|t| {
            format!(
                "{}={}",
                t.key.as_deref().unwrap_or(""),
                t.value.as_deref().unwrap_or("")
            )
        })
        .collect();
    facts.add_row(["tags", &tags.join(", ")]);
    ui.say(&facts.text())?;
    let mut checks = render::table(["CHECK", "RESULT", "DETAIL"]);
    for check in report.checks {
        let outcome = match check.outcome {
            Outcome::Passed => "passed",
            Outcome::Warned => "warned",
            Outcome::Failed => "FAILED",
            Outcome::Forced => "failed (--force)",
        };
        checks.add_row([check.name, outcome, &check.detail]);
    }
    ui.table(&checks)
}

/// Label-value lines; a value of several lines is indented under its first.
#[derive(Default)]
struct PlanLines(Vec<(String, String)>);

impl PlanLines {
    fn add_row(&mut self, [label, value]: [&str; 2]) {
        self.0.push((label.to_owned(), value.to_owned()));
    }

    fn text(&self) -> String {
        let width = self.0.iter().map(|(l, _)| l.len()).max().unwrap_or(0);
        let mut out = Vec::new();
        for (label, value) in &self.0 {
            for (i, line) in value.lines().enumerate() {
                let label = if i == 0 { label.as_str() } else { "" };
                out.push(format!("  {label:<width$}  {line}"));
            }
        }
        out.join("\n")
    }
}

fn lines_or_none(lines: &[String]) -> String {
    if lines.is_empty() {
        "none".to_owned()
    } else {
        lines.join("\n")
    }
}

fn instances_summary(request: &RunJobFlow) -> String {
    let Some(i) = &request.instances else {
        return "-".into();
    };
    let mut parts = Vec::new();
    for f in i.instance_fleets.iter().flatten() {
        let types: Vec<&str> = f
            .instance_type_configs
            .iter()
            .flatten()
            .filter_map(|t| t.instance_type.as_deref())
            .collect();
        parts.push(format!(
            "fleet {} ({}): {} on-demand + {} spot of {}",
            f.name.as_deref().unwrap_or("?"),
            f.instance_fleet_type.as_ref().map_or("?", |t| t.as_str()),
            f.target_on_demand_capacity.unwrap_or(0),
            f.target_spot_capacity.unwrap_or(0),
            types.join("|")
        ));
    }
    for g in i.instance_groups.iter().flatten() {
        parts.push(format!(
            "group {} ({}): {} x {}{}",
            g.name.as_deref().unwrap_or("?"),
            g.instance_role.as_ref().map_or("?", |t| t.as_str()),
            g.instance_count.unwrap_or(0),
            g.instance_type.as_deref().unwrap_or("?"),
            g.market
                .as_ref()
                .map_or(String::new(), |m| format!(" {}", m.as_str()))
        ));
    }
    if let Some(master) = &i.master_instance_type {
        parts.push(format!(
            "{} x master {master}, core {}",
            i.instance_count.unwrap_or(1),
            i.slave_instance_type.as_deref().unwrap_or("-")
        ));
    }
    let subnets: Vec<&str> = i
        .ec2_subnet_id
        .iter()
        .chain(i.ec2_subnet_ids.iter().flatten())
        .map(String::as_str)
        .collect();
    if !subnets.is_empty() {
        parts.push(format!("subnets {}", subnets.join(", ")));
    }
    parts.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{Cli, Command};
    use clap::Parser;
    use std::collections::BTreeMap;

    fn settings() -> Settings {
        let cli = Cli::try_parse_from(["cyi", "clusters"]).unwrap();
        let vars: BTreeMap<&str, &str> = BTreeMap::new();
        Settings::resolve(&cli.global, &vars, None, false).unwrap()
    }

    fn args(extra: &[&str]) -> StartClusterArgs {
        let argv = [
            "cyi",
            "start-cluster",
            "--export-date",
            "2021-04-01",
            "--correlation-id",
            "c1",
        ]
        .into_iter()
        .chain(extra.iter().copied());
        match Cli::try_parse_from(argv).unwrap().command {
            Command::StartCluster(a) => a,
            _ => unreachable!(),
        }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2021, 4, 2).unwrap()
    }

    const FULL: [&str; 4] = ["--input-bucket", "in", "--cluster-config", "./cfg"];

    fn inputs(extra: &[&str]) -> Inputs {
        let mut all = FULL.to_vec();
        all.extend_from_slice(extra);
        resolve(&settings(), &args(&all), today()).unwrap()
    }

    #[test]
    fn resolves_defaults() {
        let i = inputs(&[]);
        assert_eq!(i.run.s3_prefix, "cyi/2021-04-01");
        assert_eq!(i.input_prefix(), "cyi/2021-04-01/");
        assert_eq!(i.backfill_days(), None);
        let i = inputs(&["--start-date", "2021-03-30", "--s3-prefix", "x/y/"]);
        assert_eq!(i.backfill_days(), Some(3));
        assert_eq!(i.input_prefix(), "x/y/");
    }

    #[test]
    fn usage_errors_name_the_fix() {
        let cases: [(&[&str], &str); 5] = [
            (&["--cluster-config", "./c"], "--input-bucket"),
            (&["--input-bucket", "b"], "--cluster-config"),
            (
                &[
                    FULL[0],
                    FULL[1],
                    FULL[2],
                    FULL[3],
                    "--start-date",
                    "2021-04-02",
                ],
                "--start-date 2021-04-02 is after --export-date",
            ),
            (
                &[FULL[0], FULL[1], FULL[2], FULL[3], "--s3-prefix", "/"],
                "--s3-prefix",
            ),
            (
                &["--input-bucket", "a/b", "--cluster-config", "c"],
                "--input-bucket",
            ),
        ];
        for (extra, needle) in cases {
            let err = resolve(&settings(), &args(extra), today()).unwrap_err();
            assert_eq!(err.exit_code(), 2);
            let text = format!("{err} {}", err.hint().unwrap_or(""));
            assert!(text.contains(needle), "{extra:?}: {text}");
        }
        let late = NaiveDate::from_ymd_opt(2021, 3, 31).unwrap();
        let err = resolve(&settings(), &args(&FULL), late).unwrap_err();
        assert!(err.to_string().contains("after today"), "{err}");
    }

    fn detail(id: &str, state: &str) -> ClusterDetail {
        ClusterDetail::new(id, "cyi", state)
    }

    fn with_input() -> Facts {
        Facts {
            input: Listing {
                objects: 2,
                bytes: 2048,
            },
            ..Facts::default()
        }
    }

    fn outcome(checks: &[Check], name: &str) -> (Outcome, String) {
        let c = checks.iter().find(|c| c.name == name).unwrap();
        (c.outcome, c.detail.clone())
    }

    #[test]
    fn fresh_run_with_input_passes_everything() {
        let checks = decide(&with_input(), &inputs(&[]), "CYI", "cyi", false);
        assert!(
            checks.iter().all(|c| c.outcome == Outcome::Passed),
            "{checks:?}"
        );
        assert_eq!(
            outcome(&checks, "input data").1,
            "2 object(s), 2.0 KiB under s3://in/cyi/2021-04-01/"
        );
    }

    #[test]
    fn state_rows() {
        let row = |status: &str| Row {
            status: Some(status.into()),
            current_step: Some("run-cyi".into()),
            run_id: Some(2),
            cluster_id: Some("j-OLD".into()),
        };
        let i = inputs(&[]);
        let mut facts = with_input();
        facts.row = Some(row("FAILED"));
        let (o, d) = outcome(&decide(&facts, &i, "CYI", "cyi", false), "state row");
        assert_eq!(o, Outcome::Warned);
        assert_eq!(
            d,
            "row is FAILED: resumes from step run-cyi, run 3; `cyi clear-row` for a fresh start"
        );

        facts.row = Some(row("COMPLETED"));
        assert_eq!(
            outcome(&decide(&facts, &i, "CYI", "cyi", false), "state row").0,
            Outcome::Failed
        );
        assert_eq!(
            outcome(&decide(&facts, &i, "CYI", "cyi", true), "state row").0,
            Outcome::Forced
        );

        facts.row = Some(row("IN_PROGRESS"));
        facts.row_cluster = Some(detail("j-OLD", "RUNNING"));
        assert_eq!(
            outcome(&decide(&facts, &i, "CYI", "cyi", false), "state row").0,
            Outcome::Failed
        );
        facts.row_cluster = Some(detail("j-OLD", "TERMINATED"));
        assert_eq!(
            outcome(&decide(&facts, &i, "CYI", "cyi", false), "state row").0,
            Outcome::Warned
        );
        facts.row_cluster = None;
        assert_eq!(
            outcome(&decide(&facts, &i, "CYI", "cyi", false), "state row").0,
            Outcome::Warned
        );
    }

    #[test]
    fn tagged_clusters_and_missing_input_fail_unless_forced() {
        let i = inputs(&[]);
        let facts = Facts {
            tagged: vec![detail("j-1", "WAITING")],
            ..Facts::default()
        };
        let checks = decide(&facts, &i, "CYI", "cyi", false);
        assert_eq!(
            outcome(&checks, "active clusters"),
            (
                Outcome::Failed,
                "already running for this correlation id: j-1 (WAITING)".into()
            )
        );
        assert_eq!(outcome(&checks, "input data").0, Outcome::Failed);
        let checks = decide(&facts, &i, "CYI", "cyi", true);
        assert!(checks.iter().all(|c| c.outcome != Outcome::Failed));
    }

    #[test]
    fn empty_backfill_days_warn() {
        let i = inputs(&["--start-date", "2021-03-30"]);
        let mut facts = with_input();
        facts.empty_days = vec!["2021-03-31".parse().unwrap()];
        let checks = decide(&facts, &i, "CYI", "cyi", false);
        assert_eq!(
            outcome(&checks, "backfill days"),
            (
                Outcome::Warned,
                "1 of 3 day(s) have no input under cyi/<day>/: 2021-03-31".into()
            )
        );
        assert_eq!(
            outcome(&checks, "dates").1,
            "backfill 2021-03-30 to 2021-04-01 (3 days)"
        );
    }

    #[test]
    fn sizes() {
        assert_eq!(size(10), "10 B");
        assert_eq!(size(1536), "1.5 KiB");
        assert_eq!(size(3 * 1024 * 1024 * 1024), "3.0 GiB");
    }
}
