//! `cyi stop-clusters`: find the environment's active clusters, show them, confirm, and
//! terminate them in as few TerminateJobFlows calls as the API allows.
//!
//! Gather (ListClusters, DescribeCluster) -> [`select`] / [`check_explicit`] and [`plan`]
//! (pure) -> show the plan -> dry-run return -> confirm -> [`execute`] -> report, and
//! optionally wait until the clusters are gone.

use std::collections::{BTreeMap, HashSet};
use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use aws_sdk_emr::types::ClusterState;
use chrono::{DateTime, Utc};
use regex_lite::Regex;
use serde::Serialize;

use crate::aws::emr::{self, ClusterDetail};
use crate::aws::{Aws, aws_error};
use crate::cli::StopClustersArgs;
use crate::confirm;
use crate::error::{EXIT_FAILED, EXIT_INTERRUPTED, Error, Result};
use crate::render::{self, Ui};
use crate::settings::Settings;
use crate::types::{ClusterId, Identifier};

/// TerminateJobFlows accepts at most this many cluster ids per call.
pub const TERMINATE_BATCH: usize = 10;
/// How often `--wait` asks EMR for the clusters' states.
const POLL_INTERVAL: Duration = Duration::from_secs(5);
const CORRELATION_TAG: &str = "Correlation_Id";

/// How cluster names are matched: the exact name unless a pattern is asked for.
#[derive(Debug, Clone)]
pub enum NameMatch {
    Exact(String),
    Pattern(Regex),
}

impl NameMatch {
    /// `--name-regex` wins over the environment's cluster name. An empty pattern would
    /// match every cluster in the account, so it is refused rather than obeyed.
    pub fn new(cluster_name: &str, name_regex: Option<&str>) -> Result<NameMatch> {
        let Some(raw) = name_regex else {
            return Ok(NameMatch::Exact(cluster_name.to_owned()));
        };
        if raw.is_empty() {
            return Err(Error::usage_hint(
                "--name-regex is empty, which would match every cluster",
                format!(
                    "give a pattern such as '^{cluster_name}$', or leave --name-regex out to match the name '{cluster_name}' exactly"
                ),
            ));
        }
        Regex::new(raw).map(NameMatch::Pattern).map_err(|e| {
            Error::usage_hint(
                format!("--name-regex '{raw}' is not a valid regular expression: {e}"),
                "check the pattern's syntax; anchor it with ^...$ to match whole names",
            )
        })
    }

    pub fn matches(&self, name: &str) -> bool {
        match self {
            NameMatch::Exact(exact) => name == exact,
            NameMatch::Pattern(re) => re.is_match(name),
        }
    }

    fn pattern(&self) -> Option<&str> {
        match self {
            NameMatch::Exact(_) => None,
            NameMatch::Pattern(re) => Some(re.as_str()),
        }
    }

    fn describe(&self) -> String {
        match self {
            NameMatch::Exact(name) => format!("named exactly '{name}'"),
            NameMatch::Pattern(re) => format!(
                "whose name matches the pattern /{}/ (--name-regex, not anchored)",
                re.as_str()
            ),
        }
    }
}

/// What the operator asked to stop.
#[derive(Debug, Clone)]
pub struct Selector<'a> {
    pub names: &'a NameMatch,
    pub correlation_id: Option<&'a str>,
}

impl Selector<'_> {
    fn wants(&self, cluster: &ClusterDetail) -> bool {
        cluster.is_active()
            && self.names.matches(&cluster.name)
            && self
                .correlation_id
                .is_none_or(|want| cluster.tag(CORRELATION_TAG) == Some(want))
    }
}

/// The targets among described candidates: active, with a matching name and, when
/// asked for, the Correlation_Id tag. States are re-checked here because a cluster can
/// end between ListClusters and DescribeCluster.
pub fn select(candidates: Vec<ClusterDetail>, selector: &Selector<'_>) -> Vec<ClusterDetail> {
    let mut seen = HashSet::new();
    candidates
        .into_iter()
        .filter(|c| selector.wants(c) && seen.insert(c.id.clone()))
        .collect()
}

/// The targets named with `--cluster-id`: every one must exist, be active and be
/// selected, or nothing is stopped and every problem is named.
pub fn check_explicit(
    ids: &[ClusterId],
    described: Vec<Option<ClusterDetail>>,
    selector: &Selector<'_>,
) -> std::result::Result<Vec<ClusterDetail>, Vec<String>> {
    let mut targets = Vec::new();
    let mut problems = Vec::new();
    let mut seen = HashSet::new();
    for (id, detail) in ids.iter().zip(described) {
        if !seen.insert(id.as_str().to_owned()) {
            continue;
        }
        let Some(cluster) = detail else {
            problems.push(format!("{id}: no such cluster"));
            continue;
        };
        if !cluster.is_active() {
            problems.push(format!("{id}: is {}, not active", cluster.state));
        } else if !selector.names.matches(&cluster.name) {
            problems.push(format!(
                "{id}: is named '{}', not a cluster {}",
                cluster.name,
                selector.names.describe()
            ));
        } else if let Some(want) = selector.correlation_id
            && cluster.tag(CORRELATION_TAG) != Some(want)
        {
            problems.push(format!(
                "{id}: is tagged {CORRELATION_TAG}={}, not '{want}'",
                cluster
                    .tag(CORRELATION_TAG)
                    .map_or_else(|| "(none)".to_owned(), |t| format!("'{t}'"))
            ));
        } else {
            targets.push(cluster);
        }
    }
    if problems.is_empty() {
        Ok(targets)
    } else {
        Err(problems)
    }
}

/// What will be done to the targets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub targets: Vec<ClusterDetail>,
    /// Protected targets whose protection is removed first (`--force`).
    pub unprotect: Vec<String>,
    /// Protected targets left running (no `--force`).
    pub skipped: Vec<String>,
    /// TerminateJobFlows calls, at most [`TERMINATE_BATCH`] ids each. A cluster still
    /// protected is never in a batch: real EMR refuses the whole call for it.
    pub batches: Vec<Vec<String>>,
}

impl Plan {
    pub fn to_terminate(&self) -> usize {
        self.batches.iter().map(Vec::len).sum()
    }
}

pub fn plan(targets: Vec<ClusterDetail>, force: bool) -> Plan {
    let (protected, unprotected): (Vec<&ClusterDetail>, Vec<&ClusterDetail>) =
        targets.iter().partition(|c| c.termination_protected);
    let protected: Vec<String> = protected.iter().map(|c| c.id.clone()).collect();
    let mut terminate: Vec<String> = unprotected.iter().map(|c| c.id.clone()).collect();
    let (unprotect, skipped) = if force {
        terminate.extend(protected.iter().cloned());
        (protected, Vec::new())
    } else {
        (Vec::new(), protected)
    };
    let batches = terminate
        .chunks(TERMINATE_BATCH)
        .map(<[String]>::to_vec)
        .collect();
    Plan {
        targets,
        unprotect,
        skipped,
        batches,
    }
}

/// What happened to one target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// TerminateJobFlows accepted it.
    Terminating,
    /// Its batch failed, but EMR shows it terminating or terminated anyway.
    AlreadyTerminating,
    /// Termination protection is on and `--force` was not given: left running.
    ProtectedSkipped,
    /// It could not be terminated; the message says why.
    Failed,
    /// Interrupted while its call was on the way: sent, but no answer came back.
    Unknown,
    /// Interrupted before its call was sent.
    NotSent,
}

impl Outcome {
    fn ok(self) -> bool {
        matches!(self, Outcome::Terminating | Outcome::AlreadyTerminating)
    }

    fn label(self) -> &'static str {
        match self {
            Outcome::Terminating => "terminating",
            Outcome::AlreadyTerminating => "already terminating",
            Outcome::ProtectedSkipped => "protected, skipped",
            Outcome::Failed => "FAILED",
            Outcome::Unknown => "sent, no answer",
            Outcome::NotSent => "not sent",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClusterResult {
    pub id: String,
    pub outcome: Outcome,
    pub message: Option<String>,
    /// With `--wait`: the last state seen.
    pub final_state: Option<String>,
}

/// The JSON document of `cyi stop-clusters --output json` (stable; fields are only added).
#[derive(Debug, Serialize)]
pub struct StopReport<'a> {
    pub environment: &'a str,
    pub account: &'a str,
    pub region: &'a str,
    pub cluster_name: &'a str,
    pub name_regex: Option<&'a str>,
    pub dry_run: bool,
    /// Ctrl-C stopped the run; `results` says how far it got.
    pub interrupted: bool,
    pub targets: Vec<TargetRow<'a>>,
    pub results: &'a [ClusterResult],
}

#[derive(Debug, Serialize)]
pub struct TargetRow<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub state: &'a str,
    pub created: Option<DateTime<Utc>>,
    pub correlation_id: Option<&'a str>,
    pub termination_protected: bool,
}

pub async fn run(
    settings: &Settings,
    args: &StopClustersArgs,
    aws: &Aws,
    ui: &mut Ui<'_>,
) -> Result<ExitCode> {
    let names = NameMatch::new(&settings.cluster_name, args.name_regex.as_deref())?;
    let selector = Selector {
        names: &names,
        correlation_id: args.correlation_id.as_ref().map(Identifier::as_str),
    };
    let account = aws
        .check_account(settings.expected_account.as_deref(), &settings.env_name)
        .await?
        .account
        .clone();

    let targets = if args.cluster_ids.is_empty() {
        let active = emr::list_active(aws).await?;
        let candidates: Vec<String> = active
            .into_iter()
            .filter(|c| names.matches(&c.name))
            .map(|c| c.id)
            .collect();
        let described = emr::describe_many(aws, &candidates).await?;
        select(described.into_iter().flatten().collect(), &selector)
    } else {
        let ids: Vec<String> = args
            .cluster_ids
            .iter()
            .map(|id| id.as_str().to_owned())
            .collect();
        let described = emr::describe_many(aws, &ids).await?;
        check_explicit(&args.cluster_ids, described, &selector).map_err(|problems| {
            Error::refused(
                format!("nothing was stopped: {}", problems.join("; ")),
                Some("`cyi clusters` lists the environment's active clusters".into()),
            )
        })?
    };
    let plan = plan(targets, args.force);

    let context = Context {
        settings,
        account: &account,
        region: aws.region(),
        names: &names,
        correlation_id: selector.correlation_id,
    };
    show_plan(ui, &context, &plan)?;

    if plan.targets.is_empty() {
        context.document(ui, &plan, &[], false)?;
        return Ok(ExitCode::SUCCESS);
    }
    if settings.dry_run {
        ui.note("dry run: nothing was changed")?;
        context.document(ui, &plan, &[], false)?;
        return Ok(ExitCode::SUCCESS);
    }
    if plan.to_terminate() > 0 {
        let action = if plan.unprotect.is_empty() {
            format!("terminate {} cluster(s)", plan.to_terminate())
        } else {
            format!(
                "remove termination protection from {} and terminate {} cluster(s)",
                plan.unprotect.len(),
                plan.to_terminate()
            )
        };
        confirm::confirm(settings, &action)?;
    }

    // Ctrl-C from here on must not lose track of what was sent: the handler is
    // installed once, the work is dropped at the interrupt, and `progress` (owned
    // here) still says which calls were answered, which were on the way and which were
    // never sent. An error installing the handler disables the branch, not the work.
    let mut interrupt = std::pin::pin!(tokio::signal::ctrl_c());
    let mut progress = Progress::default();
    let mut interrupted = tokio::select! {
        () = execute(aws, &plan, &mut progress) => false,
        Ok(()) = &mut interrupt => true,
    };
    let mut results = progress.finish(&plan);
    let mut timed_out = Vec::new();
    let mut interrupted_wait = false;
    if args.wait && !interrupted {
        let waiting: Vec<String> = results
            .iter()
            .filter(|r| r.outcome.ok())
            .map(|r| r.id.clone())
            .collect();
        let mut states = BTreeMap::new();
        let timeout = Duration::from_secs(args.timeout);
        let waited = tokio::select! {
            waited = wait_for(aws, ui, &waiting, timeout, &mut states) => Some(waited),
            Ok(()) = &mut interrupt => None,
        };
        match waited {
            Some(waited) => waited?,
            None => interrupted_wait = true,
        }
        for result in &mut results {
            if let Some(state) = states.get(&result.id) {
                result.final_state = Some(state.clone());
                if !interrupted_wait && result.outcome.ok() && !is_terminated(state) {
                    timed_out.push(result.id.clone());
                }
            }
        }
    }
    interrupted |= interrupted_wait;

    show_results(ui, &results, args.wait)?;
    context.document(ui, &plan, &results, interrupted)?;
    if interrupted {
        ui.note(&interrupt_note(&results, interrupted_wait))?;
        return Ok(ExitCode::from(EXIT_INTERRUPTED));
    }
    if !timed_out.is_empty() {
        ui.note(&format!(
            "timed out after {}s; still not terminated: {}",
            args.timeout,
            timed_out.join(", ")
        ))?;
    }
    if results.iter().all(|r| r.outcome.ok()) && timed_out.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        Ok(ExitCode::from(EXIT_FAILED))
    }
}

/// The facts every part of the output repeats.
struct Context<'a> {
    settings: &'a Settings,
    account: &'a str,
    region: &'a str,
    names: &'a NameMatch,
    correlation_id: Option<&'a str>,
}

impl Context<'_> {
    fn document(
        &self,
        ui: &mut Ui<'_>,
        plan: &Plan,
        results: &[ClusterResult],
        interrupted: bool,
    ) -> Result<()> {
        ui.document(&StopReport {
            environment: &self.settings.env_name,
            account: self.account,
            region: self.region,
            cluster_name: &self.settings.cluster_name,
            name_regex: self.names.pattern(),
            dry_run: self.settings.dry_run,
            interrupted,
            targets: plan
                .targets
                .iter()
                .map(|c| TargetRow {
                    id: &c.id,
                    name: &c.name,
                    state: &c.state,
                    created: c.created,
                    correlation_id: c.tag(CORRELATION_TAG),
                    termination_protected: c.termination_protected,
                })
                .collect(),
            results,
        })
    }
}

fn show_plan(ui: &mut Ui<'_>, context: &Context<'_>, plan: &Plan) -> Result<()> {
    let mut scope = format!("active clusters {}", context.names.describe());
    if let Some(id) = context.correlation_id {
        scope.push_str(&format!(" and tagged {CORRELATION_TAG}={id}"));
    }
    ui.say(&format!(
        "Environment {} (account {}, region {}): {scope}.",
        context.settings.env_name, context.account, context.region
    ))?;
    if plan.targets.is_empty() {
        ui.say("No clusters to stop.")?;
        return Ok(());
    }
    let now = Utc::now();
    let mut table = render::table([
        "ID",
        "NAME",
        "STATE",
        "CREATED",
        "AGE",
        "CORRELATION_ID",
        "PROTECTED",
    ]);
    for c in &plan.targets {
        table.add_row([
            c.id.clone(),
            c.name.clone(),
            c.state.clone(),
            c.created.map(render::time).unwrap_or_default(),
            c.created.map(|t| render::age(t, now)).unwrap_or_default(),
            c.tag(CORRELATION_TAG).unwrap_or("-").to_owned(),
            if c.termination_protected { "yes" } else { "no" }.to_owned(),
        ]);
    }
    ui.table(&table)?;
    ui.say(&format!(
        "{} cluster(s) will be terminated, in {} TerminateJobFlows call(s).",
        plan.to_terminate(),
        plan.batches.len()
    ))?;
    if !plan.unprotect.is_empty() {
        ui.say(&format!(
            "--force: termination protection will be removed from {} first.",
            plan.unprotect.join(", ")
        ))?;
    }
    if !plan.skipped.is_empty() {
        ui.say(&format!(
            "Termination protection is on for {}: left running (--force removes the protection and terminates them).",
            plan.skipped.join(", ")
        ))?;
    }
    Ok(())
}

fn show_results(ui: &mut Ui<'_>, results: &[ClusterResult], waited: bool) -> Result<()> {
    let mut table = if waited {
        render::table(["ID", "OUTCOME", "FINAL STATE", "MESSAGE"])
    } else {
        render::table(["ID", "OUTCOME", "MESSAGE"])
    };
    for r in results {
        let mut row = vec![r.id.clone(), r.outcome.label().to_owned()];
        if waited {
            row.push(r.final_state.clone().unwrap_or_else(|| "-".into()));
        }
        row.push(r.message.clone().unwrap_or_default());
        table.add_row(row);
    }
    ui.table(&table)?;
    // After --wait, success means gone, not merely accepted for termination.
    let done = |r: &ClusterResult| {
        r.outcome.ok() && (!waited || r.final_state.as_deref().is_some_and(is_terminated))
    };
    let verb = if waited { "terminated" } else { "terminating" };
    let stopping = results.iter().filter(|r| done(r)).count();
    let mut summary = format!("{stopping} of {} cluster(s) {verb}", results.len());
    let not: Vec<&str> = results
        .iter()
        .filter(|r| !done(r))
        .map(|r| r.id.as_str())
        .collect();
    if !not.is_empty() {
        summary.push_str(&format!("; NOT terminated: {}", not.join(", ")));
    }
    ui.say(&format!("{summary}."))
}

fn is_terminating(state: &str) -> bool {
    state == ClusterState::Terminating.as_str() || is_terminated(state)
}

fn is_terminated(state: &str) -> bool {
    state == ClusterState::Terminated.as_str()
        || state == ClusterState::TerminatedWithErrors.as_str()
}

/// What [`execute`] has done so far, owned by the caller so that it survives the
/// execution being dropped at Ctrl-C.
#[derive(Debug, Default)]
pub struct Progress {
    results: BTreeMap<String, ClusterResult>,
    /// The ids of the call that was sent and has not answered yet.
    in_flight: Vec<String>,
}

impl Progress {
    fn record(&mut self, id: &str, outcome: Outcome, message: Option<String>) {
        self.results.insert(
            id.to_owned(),
            ClusterResult {
                id: id.to_owned(),
                outcome,
                message,
                final_state: None,
            },
        );
    }

    /// One result per target, in the plan's order. After an interrupt, a target of the
    /// call on the way is `Unknown` and one whose call was never sent is `NotSent`.
    pub fn finish(mut self, plan: &Plan) -> Vec<ClusterResult> {
        for id in std::mem::take(&mut self.in_flight) {
            if !self.results.contains_key(&id) {
                self.record(
                    &id,
                    Outcome::Unknown,
                    Some("interrupted: its call was sent but not answered; it may be terminating (see `cyi clusters`)".into()),
                );
            }
        }
        plan.targets
            .iter()
            .map(|c| {
                self.results.remove(&c.id).unwrap_or_else(|| ClusterResult {
                    id: c.id.clone(),
                    outcome: Outcome::NotSent,
                    message: Some("interrupted before its call was sent; still running".into()),
                    final_state: None,
                })
            })
            .collect()
    }
}

fn interrupt_note(results: &[ClusterResult], while_waiting: bool) -> String {
    let ids = |outcome: fn(&Outcome) -> bool| {
        let ids: Vec<&str> = results
            .iter()
            .filter(|r| outcome(&r.outcome))
            .map(|r| r.id.as_str())
            .collect();
        if ids.is_empty() {
            "none".to_owned()
        } else {
            ids.join(", ")
        }
    };
    let accepted = ids(|o| o.ok());
    if while_waiting {
        return format!(
            "interrupted (Ctrl-C) while waiting; termination had been accepted for: {accepted} (they keep terminating)"
        );
    }
    format!(
        "interrupted (Ctrl-C); termination accepted for: {accepted}; sent without an answer: {}; not sent: {}",
        ids(|o| *o == Outcome::Unknown),
        ids(|o| *o == Outcome::NotSent)
    )
}

/// Carries out the plan into `progress`. Never stops at the first failure: every batch
/// is tried, and a failed batch is described again so the report says exactly which
/// clusters are going.
pub async fn execute(aws: &Aws, plan: &Plan, progress: &mut Progress) {
    for id in &plan.skipped {
        progress.record(
            id,
            Outcome::ProtectedSkipped,
            Some("termination protection is on; left running (--force to terminate)".into()),
        );
    }
    let mut unprotected = HashSet::new();
    for id in &plan.unprotect {
        let answer = aws
            .emr
            .set_termination_protection()
            .job_flow_ids(id)
            .termination_protected(false)
            .send()
            .await;
        match answer {
            Ok(_) => {
                unprotected.insert(id.as_str());
            }
            Err(e) => progress.record(
                id,
                Outcome::Failed,
                Some(format!(
                    "{}; still protected, left running",
                    aws_error("emr:SetTerminationProtection", e)
                )),
            ),
        }
    }
    let forced: HashSet<&str> = plan.unprotect.iter().map(String::as_str).collect();
    for batch in &plan.batches {
        let ids: Vec<String> = batch
            .iter()
            .filter(|id| !forced.contains(id.as_str()) || unprotected.contains(id.as_str()))
            .cloned()
            .collect();
        if ids.is_empty() {
            continue;
        }
        progress.in_flight = ids.clone();
        let answer = aws
            .emr
            .terminate_job_flows()
            .set_job_flow_ids(Some(ids.clone()))
            .send()
            .await;
        match answer {
            Ok(_) => {
                for id in &ids {
                    let message = unprotected
                        .contains(id.as_str())
                        .then(|| "termination protection removed (--force)".to_owned());
                    progress.record(id, Outcome::Terminating, message);
                }
            }
            Err(e) => {
                let failure = aws_error("emr:TerminateJobFlows", e).to_string();
                match emr::describe_many(aws, &ids).await {
                    Ok(now) => {
                        for (id, detail) in ids.iter().zip(now) {
                            match detail {
                                Some(d) if is_terminating(&d.state) => progress.record(
                                    id,
                                    Outcome::AlreadyTerminating,
                                    Some(format!("{failure}; but the cluster is {}", d.state)),
                                ),
                                Some(d) => progress.record(
                                    id,
                                    Outcome::Failed,
                                    Some(format!("{failure}; the cluster is still {}", d.state)),
                                ),
                                None => progress.record(id, Outcome::Failed, Some(failure.clone())),
                            }
                        }
                    }
                    Err(describe) => {
                        for id in &ids {
                            progress.record(
                                id,
                                Outcome::Failed,
                                Some(format!("{failure}; state unknown ({describe})")),
                            );
                        }
                    }
                }
            }
        }
        progress.in_flight.clear();
    }
}

/// Polls until every cluster in `ids` is TERMINATED or TERMINATED_WITH_ERRORS, or
/// `timeout` has passed. Returns the last state seen of each.
async fn wait_for(
    aws: &Aws,
    ui: &mut Ui<'_>,
    ids: &[String],
    timeout: Duration,
    states: &mut BTreeMap<String, String>,
) -> Result<()> {
    let started = Instant::now();
    let progress = std::io::stderr().is_terminal();
    let mut pending: Vec<String> = ids.to_vec();
    if !progress && !pending.is_empty() {
        ui.note(&format!(
            "waiting up to {}s for {} cluster(s) to terminate",
            timeout.as_secs(),
            pending.len()
        ))?;
    }
    loop {
        let described = emr::describe_many(aws, &pending).await?;
        for (id, detail) in pending.iter().zip(described) {
            if let Some(d) = detail {
                states.insert(id.clone(), d.state);
            }
        }
        pending.retain(|id| !states.get(id).is_some_and(|s| is_terminated(s)));
        let elapsed = started.elapsed();
        if progress {
            let line = format!(
                "\r\x1b[2Kwaiting: {} of {} terminated ({}s elapsed, timeout {}s)",
                ids.len() - pending.len(),
                ids.len(),
                elapsed.as_secs(),
                timeout.as_secs()
            );
            write!(ui.err, "{line}").map_err(|e| Error::io("cannot write the output", e))?;
            if pending.is_empty() || elapsed >= timeout {
                writeln!(ui.err).map_err(|e| Error::io("cannot write the output", e))?;
            }
            ui.err
                .flush()
                .map_err(|e| Error::io("cannot write the output", e))?;
        }
        if pending.is_empty() || elapsed >= timeout {
            return Ok(());
        }
        tokio::time::sleep(POLL_INTERVAL.min(timeout - elapsed)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cluster(id: &str, name: &str, state: &str) -> ClusterDetail {
        ClusterDetail::new(id, name, state)
    }

    fn tagged(id: &str, correlation: &str) -> ClusterDetail {
        let mut c = cluster(id, "cyi", "WAITING");
        c.tags.insert(CORRELATION_TAG.into(), correlation.into());
        c
    }

    fn protected(id: &str) -> ClusterDetail {
        let mut c = cluster(id, "cyi", "RUNNING");
        c.termination_protected = true;
        c
    }

    fn ids(clusters: &[ClusterDetail]) -> Vec<&str> {
        clusters.iter().map(|c| c.id.as_str()).collect()
    }

    fn exact() -> NameMatch {
        NameMatch::new("cyi", None).unwrap()
    }

    fn many(n: usize) -> Vec<ClusterDetail> {
        (0..n)
            .map(|i| cluster(&format!("j-{i:03}"), "cyi", "WAITING"))
            .collect()
    }

    #[test]
    fn exact_name_is_the_default_and_substrings_do_not_match() {
        let names = exact();
        let selector = Selector {
            names: &names,
            correlation_id: None,
        };
        let candidates = vec![
            cluster("j-1", "cyi", "WAITING"),
            cluster("j-2", "legacyimport", "WAITING"),
            cluster("j-3", "cyi-test", "RUNNING"),
            cluster("j-4", "cyi", "TERMINATED"),
            cluster("j-5", "cyi", "TERMINATING"),
            cluster("j-6", "cyi", "STARTING"),
            cluster("j-7", "cyi", "BOOTSTRAPPING"),
            cluster("j-8", "cyi", "RUNNING"),
            cluster("j-1", "cyi", "WAITING"),
        ];
        assert_eq!(
            ids(&select(candidates, &selector)),
            ["j-1", "j-6", "j-7", "j-8"]
        );
    }

    #[test]
    fn name_regex_is_an_explicit_pattern() {
        let names = NameMatch::new("cyi", Some("^cyi")).unwrap();
        assert_eq!(names.pattern(), Some("^cyi"));
        assert!(names.describe().contains("/^cyi/"));
        let selector = Selector {
            names: &names,
            correlation_id: None,
        };
        let candidates = vec![
            cluster("j-1", "cyi", "WAITING"),
            cluster("j-2", "legacyimport", "WAITING"),
            cluster("j-3", "cyi-test", "WAITING"),
        ];
        assert_eq!(ids(&select(candidates, &selector)), ["j-1", "j-3"]);
    }

    #[test]
    fn bad_name_regex_is_a_usage_error_naming_the_flag() {
        for bad in ["(", "[a-", ""] {
            let err = NameMatch::new("cyi", Some(bad)).unwrap_err();
            assert_eq!(err.exit_code(), 2, "{bad:?}");
            assert!(err.to_string().starts_with("--name-regex"), "{err}");
        }
    }

    #[test]
    fn correlation_id_narrows_to_the_tagged_clusters() {
        let names = exact();
        let selector = Selector {
            names: &names,
            correlation_id: Some("run-1"),
        };
        let candidates = vec![
            tagged("j-1", "run-1"),
            tagged("j-2", "run-2"),
            cluster("j-3", "cyi", "WAITING"),
            tagged("j-4", "run-1 "),
        ];
        assert_eq!(ids(&select(candidates, &selector)), ["j-1"]);
    }

    #[test]
    fn explicit_ids_must_all_be_active_and_selected() {
        let names = exact();
        let selector = Selector {
            names: &names,
            correlation_id: None,
        };
        let id = |s: &str| s.parse::<ClusterId>().unwrap();
        let asked = [id("j-A"), id("j-B"), id("j-A")];
        let ok = check_explicit(
            &asked,
            vec![
                Some(cluster("j-A", "cyi", "WAITING")),
                Some(cluster("j-B", "cyi", "RUNNING")),
                Some(cluster("j-A", "cyi", "WAITING")),
            ],
            &selector,
        )
        .unwrap();
        assert_eq!(ids(&ok), ["j-A", "j-B"]);

        let asked = [id("j-A"), id("j-B"), id("j-C"), id("j-D")];
        let problems = check_explicit(
            &asked,
            vec![
                Some(cluster("j-A", "cyi", "WAITING")),
                None,
                Some(cluster("j-C", "cyi", "TERMINATED")),
                Some(cluster("j-D", "legacyimport", "WAITING")),
            ],
            &selector,
        )
        .unwrap_err();
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].starts_with("j-B: no such cluster"));
        assert!(problems[1].contains("j-C: is TERMINATED, not active"));
        assert!(problems[2].contains("j-D: is named 'legacyimport'"));
    }

    #[test]
    fn explicit_ids_respect_the_correlation_id() {
        let names = exact();
        let selector = Selector {
            names: &names,
            correlation_id: Some("run-1"),
        };
        let asked = ["j-A".parse::<ClusterId>().unwrap()];
        let problems =
            check_explicit(&asked, vec![Some(tagged("j-A", "run-2"))], &selector).unwrap_err();
        assert!(
            problems[0].contains("Correlation_Id='run-2'"),
            "{problems:?}"
        );
    }

    #[test]
    fn batches_hold_at_most_ten_ids_and_cover_every_target_once() {
        for n in [0, 1, 9, 10, 11, 20, 21, 57, 103] {
            let p = plan(many(n), false);
            assert_eq!(p.batches.len(), n.div_ceil(TERMINATE_BATCH), "{n}");
            assert!(p.batches.iter().all(|b| !b.is_empty() && b.len() <= 10));
            let flat: Vec<&str> = p.batches.iter().flatten().map(String::as_str).collect();
            assert_eq!(flat, ids(&p.targets), "{n}: every target once, in order");
            assert!(p.unprotect.is_empty() && p.skipped.is_empty());
        }
    }

    #[test]
    fn protected_clusters_are_skipped_and_never_batched() {
        let mut targets = many(12);
        targets.insert(3, protected("j-P1"));
        targets.push(protected("j-P2"));
        let p = plan(targets, false);
        assert_eq!(p.skipped, ["j-P1", "j-P2"]);
        assert!(p.unprotect.is_empty());
        assert_eq!(p.to_terminate(), 12);
        assert_eq!(p.batches.len(), 2);
        assert!(
            p.batches.iter().flatten().all(|id| !id.starts_with("j-P")),
            "{:?}",
            p.batches
        );
        assert_eq!(
            p.targets.len(),
            14,
            "the plan still shows protected targets"
        );
    }

    #[test]
    fn force_unprotects_exactly_the_protected_ones_then_terminates_them() {
        let mut targets = many(9);
        targets.push(protected("j-P1"));
        targets.push(protected("j-P2"));
        let p = plan(targets, true);
        assert_eq!(p.unprotect, ["j-P1", "j-P2"]);
        assert!(p.skipped.is_empty());
        assert_eq!(p.to_terminate(), 11);
        assert_eq!(p.batches.len(), 2);
        assert!(p.batches.iter().all(|b| b.len() <= TERMINATE_BATCH));
    }

    #[test]
    fn only_protected_targets_means_nothing_to_terminate() {
        let p = plan(vec![protected("j-P")], false);
        assert!(p.batches.is_empty());
        assert_eq!(p.to_terminate(), 0);
        assert_eq!(p.skipped, ["j-P"]);
    }

    #[test]
    fn terminal_states() {
        assert!(is_terminating("TERMINATING"));
        assert!(is_terminating("TERMINATED"));
        assert!(is_terminated("TERMINATED_WITH_ERRORS"));
        assert!(!is_terminated("TERMINATING"));
        assert!(!is_terminating("WAITING"));
    }

    #[test]
    fn outcomes_serialize_in_snake_case() {
        let json = serde_json::to_value([
            Outcome::Terminating,
            Outcome::AlreadyTerminating,
            Outcome::ProtectedSkipped,
            Outcome::Failed,
        ])
        .unwrap();
        assert_eq!(
            json,
            serde_json::json!([
                "terminating",
                "already_terminating",
                "protected_skipped",
                "failed"
            ])
        );
    }

    #[test]
    fn an_interrupt_splits_the_targets_into_answered_on_the_way_and_never_sent() {
        let targets: Vec<ClusterDetail> = ["j-A", "j-B", "j-C", "j-D"]
            .iter()
            .map(|id| cluster(id, "cyi", "WAITING"))
            .collect();
        let plan = Plan {
            batches: vec![
                vec!["j-A".into()],
                vec!["j-B".into(), "j-C".into()],
                vec!["j-D".into()],
            ],
            targets,
            unprotect: Vec::new(),
            skipped: Vec::new(),
        };
        let mut progress = Progress::default();
        progress.record("j-A", Outcome::Terminating, None);
        progress.in_flight = vec!["j-B".into(), "j-C".into()];
        let results = progress.finish(&plan);
        let outcomes: Vec<(&str, Outcome)> =
            results.iter().map(|r| (r.id.as_str(), r.outcome)).collect();
        assert_eq!(
            outcomes,
            [
                ("j-A", Outcome::Terminating),
                ("j-B", Outcome::Unknown),
                ("j-C", Outcome::Unknown),
                ("j-D", Outcome::NotSent),
            ]
        );
        assert!(results.iter().all(|r| r.id == "j-A" || !r.outcome.ok()));
        assert_eq!(
            interrupt_note(&results, false),
            "interrupted (Ctrl-C); termination accepted for: j-A; sent without an answer: j-B, j-C; not sent: j-D"
        );
        assert_eq!(
            interrupt_note(&results[..1], true),
            "interrupted (Ctrl-C) while waiting; termination had been accepted for: j-A (they keep terminating)"
        );
        assert_eq!(
            serde_json::to_value([Outcome::Unknown, Outcome::NotSent]).unwrap(),
            serde_json::json!(["unknown", "not_sent"])
        );
    }
}
