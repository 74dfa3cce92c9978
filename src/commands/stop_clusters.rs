//! `cyi stop-clusters`: find the environment's active clusters, show them, confirm, and
//! terminate them in as few TerminateJobFlows calls as the API allows.
//!
//! Gather (ListClusters with each page's DescribeClusters pipelined, STS alongside)
//! -> decide ([`stop::select`] or
//! [`stop::check_explicit`], then [`stop::plan_stop`]) -> show the plan -> dry-run
//! return -> confirm -> [`stop::execute`] -> report, and optionally wait until the
//! clusters are gone.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::Duration;

use crate::aws::Aws;
use crate::aws::emr::{self, ClusterDetail};
use crate::cli::StopClustersArgs;
use crate::confirm;
use crate::error::{EXIT_INTERRUPTED, Error, Result};
use crate::output::Ui;
use crate::render::stop::{self as show, StopScope};
use crate::settings::Settings;
use crate::stop::{self, NameMatch, Selector, StopProgress};
use crate::text::cyi_command;
use crate::types::Identifier;

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
    // The account check (STS) and the EMR reads overlap: they are independent, and
    // nothing is decided or changed before both have answered. A wrong account is
    // reported before any EMR error.
    let (identity, targets) = tokio::join!(
        aws.check_account(settings.expected_account.as_deref(), &settings.env_name),
        gather_targets(aws, args, &selector),
    );
    let account = identity?.account.clone();
    let targets = targets?;
    let plan = stop::plan_stop(targets, args.force);

    let scope = StopScope {
        env_name: &settings.env_name,
        account: &account,
        assumed_role: aws.assumed_role.as_ref(),
        region: aws.region(),
        cluster_name: &settings.cluster_name,
        names: &names,
        correlation_id: selector.correlation_id,
        dry_run: settings.dry_run,
    };
    show::plan(ui, &scope, &plan)?;
    if plan.targets.is_empty() {
        show::document(ui, &scope, &plan, &[], false)?;
        return Ok(ExitCode::SUCCESS);
    }
    if settings.dry_run {
        ui.note("dry run: nothing was changed")?;
        show::document(ui, &scope, &plan, &[], false)?;
        return Ok(ExitCode::SUCCESS);
    }
    if plan.to_terminate() > 0 {
        confirm::confirm(settings, &show::action(&plan))?;
    }

    // Ctrl-C from here on must not lose track of what was sent: the handler is
    // installed once, the work is dropped at the interrupt, and `progress` (owned
    // here) still says which calls were answered, which were on the way and which were
    // never sent. An error installing the handler disables the branch, not the work.
    let mut interrupt = std::pin::pin!(tokio::signal::ctrl_c());
    let progress = StopProgress::default();
    let interrupted = tokio::select! {
        () = stop::execute(aws, &plan, &progress) => false,
        Ok(()) = &mut interrupt => true,
    };
    let mut results = progress.finish(&plan);
    let mut timed_out = Vec::new();
    let mut interrupted_wait = false;
    if args.wait && !interrupted {
        let waiting: Vec<String> = results
            .iter()
            .filter(|r| r.outcome.is_ok())
            .map(|r| r.id.clone())
            .collect();
        let mut states = BTreeMap::new();
        let timeout = Duration::from_secs(args.timeout);
        let on_terminal = std::io::stderr().is_terminal();
        if !on_terminal && !waiting.is_empty() {
            ui.note(&show::wait_note(waiting.len(), args.timeout))?;
        }
        let waited = tokio::select! {
            waited = emr::wait_terminated(aws, &waiting, timeout, &mut states, |tick| {
                if on_terminal { show::wait_progress(ui, tick) } else { Ok(()) }
            }) => Some(waited),
            Ok(()) = &mut interrupt => None,
        };
        match waited {
            Some(Ok(())) => {}
            // The terminations were sent: the document still says which were answered,
            // and carries the error that stopped the wait.
            Some(Err(error)) => {
                show::document(ui, &scope, &plan, &results, false)?;
                return Err(error);
            }
            None => interrupted_wait = true,
        }
        timed_out = stop::record_final_states(&mut results, &states, interrupted_wait);
    }

    show::results(ui, &results, args.wait)?;
    let interrupted = interrupted || interrupted_wait;
    show::document(ui, &scope, &plan, &results, interrupted)?;
    if interrupted {
        ui.note(&show::interrupt_note(&results, interrupted_wait))?;
        return Ok(ExitCode::from(EXIT_INTERRUPTED));
    }
    if !timed_out.is_empty() {
        ui.note(&show::timeout_note(args.timeout, &timed_out))?;
    }
    // A target left running fails the command, so the document carries it as its
    // `error` (beside the results that say which), like any other failure.
    match show::failure(&results, &timed_out) {
        None => Ok(ExitCode::SUCCESS),
        Some(failure) => Err(Error::Failed(failure)),
    }
}

/// The targets: the listing's candidates described and selected, or the ids named with
/// `--cluster-id`, every one checked.
async fn gather_targets(
    aws: &Aws,
    args: &StopClustersArgs,
    selector: &Selector<'_>,
) -> Result<Vec<ClusterDetail>> {
    if args.cluster_ids.is_empty() {
        let described = emr::describe_listed(aws, stop::candidate_filter(selector.names)).await?;
        return Ok(stop::select(
            described.into_iter().flatten().collect(),
            selector,
        ));
    }
    let ids: Vec<String> = args
        .cluster_ids
        .iter()
        .map(|id| id.as_str().to_owned())
        .collect();
    let described = emr::describe_many(aws, &ids).await?;
    stop::check_explicit(&args.cluster_ids, described, selector).map_err(|problems| {
        Error::refused(
            format!("nothing was stopped: {}", problems.join("; ")),
            Some(format!(
                "`{}` lists the environment's active clusters",
                cyi_command("clusters")
            )),
        )
    })
}
