//! What `cyi stop-clusters` shows: the plan before the prompt, the results table, the
//! summary lines, the `--wait` progress and the JSON document.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{Ui, count, display_text};
use crate::aws::credentials::AssumedRole;
use crate::aws::emr::{self, TAG_CORRELATION_ID, WaitTick};
use crate::error::{Error, Result};
use crate::stop::{NameMatch, StopOutcome, StopPlan, StopResult};

fn clusters(n: usize) -> String {
    count(n, "cluster", "clusters")
}

/// The facts every part of the output repeats.
#[derive(Debug, Clone, Copy)]
pub struct StopScope<'a> {
    pub env_name: &'a str,
    pub account: &'a str,
    /// The role the run's credentials are for, when one was assumed.
    pub assumed_role: Option<&'a AssumedRole>,
    pub region: &'a str,
    pub cluster_name: &'a str,
    pub names: &'a NameMatch,
    pub correlation_id: Option<&'a str>,
    pub dry_run: bool,
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
    pub results: &'a [StopResult],
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

/// Writes the JSON document (only in JSON mode).
pub fn document(
    ui: &mut Ui<'_>,
    scope: &StopScope<'_>,
    plan: &StopPlan,
    results: &[StopResult],
    interrupted: bool,
) -> Result<()> {
    ui.document(&StopReport {
        environment: scope.env_name,
        account: scope.account,
        region: scope.region,
        cluster_name: scope.cluster_name,
        name_regex: scope.names.pattern(),
        dry_run: scope.dry_run,
        interrupted,
        targets: plan
            .targets
            .iter()
            .map(|c| TargetRow {
                id: &c.id,
                name: &c.name,
                state: &c.state,
                created: c.created,
                correlation_id: c.tag(TAG_CORRELATION_ID),
                termination_protected: c.termination_protected,
            })
            .collect(),
        results,
    })
}

/// The confirmation question's action, e.g. "Terminate 2 clusters".
pub fn action(plan: &StopPlan) -> String {
    let terminate = clusters(plan.to_terminate());
    if plan.unprotect.is_empty() {
        format!("Terminate {terminate}")
    } else {
        format!(
            "Remove termination protection from {} and terminate {terminate}",
            plan.unprotect.len()
        )
    }
}

/// The plan, shown before any prompt.
pub fn plan(ui: &mut Ui<'_>, scope: &StopScope<'_>, plan: &StopPlan) -> Result<()> {
    let mut what = format!("active clusters {}", scope.names.describe());
    if let Some(id) = scope.correlation_id {
        what.push_str(&format!(
            " and tagged {TAG_CORRELATION_ID}={}",
            display_text(id)
        ));
    }
    ui.say(&format!(
        "Environment {} ({}, region {}): {what}.",
        scope.env_name,
        super::account(scope.account, scope.assumed_role),
        scope.region
    ))?;
    if plan.targets.is_empty() {
        ui.say("No clusters to stop.")?;
        return Ok(());
    }
    let now = Utc::now();
    let mut table = super::table([
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
            display_text(&c.id),
            display_text(&c.name),
            display_text(&c.state),
            c.created.map(super::time).unwrap_or_default(),
            c.created.map(|t| super::age(t, now)).unwrap_or_default(),
            c.tag(TAG_CORRELATION_ID).map_or("-".into(), display_text),
            if c.termination_protected { "yes" } else { "no" }.to_owned(),
        ]);
    }
    ui.table(&table)?;
    ui.say(&terminate_line(plan))?;
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

fn terminate_line(plan: &StopPlan) -> String {
    format!(
        "{} will be terminated, in {}.",
        clusters(plan.to_terminate()),
        count(
            plan.batches.len(),
            "TerminateJobFlows call",
            "TerminateJobFlows calls"
        )
    )
}

fn label(outcome: StopOutcome) -> &'static str {
    match outcome {
        StopOutcome::Terminating => "terminating",
        StopOutcome::AlreadyTerminating => "already terminating",
        StopOutcome::ProtectedSkipped => "protected, skipped",
        StopOutcome::Failed => "FAILED",
        StopOutcome::Unknown => "sent, no answer",
        StopOutcome::NotSent => "not sent",
    }
}

/// The results table and its summary line.
pub fn results(ui: &mut Ui<'_>, results: &[StopResult], waited: bool) -> Result<()> {
    let mut table = if waited {
        super::table(["ID", "OUTCOME", "FINAL STATE", "MESSAGE"])
    } else {
        super::table(["ID", "OUTCOME", "MESSAGE"])
    };
    for r in results {
        let mut row = vec![display_text(&r.id), label(r.outcome).to_owned()];
        if waited {
            row.push(r.final_state.as_deref().map_or("-".into(), display_text));
        }
        row.push(r.message.as_deref().map(display_text).unwrap_or_default());
        table.add_row(row);
    }
    ui.table(&table)?;
    ui.say(&summary(results, waited))
}

fn summary(results: &[StopResult], waited: bool) -> String {
    // After --wait, success means gone, not merely accepted for termination.
    let done = |r: &StopResult| {
        r.outcome.is_ok() && (!waited || r.final_state.as_deref().is_some_and(emr::is_terminated))
    };
    let verb = if waited { "terminated" } else { "terminating" };
    let stopping = results.iter().filter(|r| done(r)).count();
    let mut summary = format!(
        "{stopping} of {} {verb}",
        count(results.len(), "cluster", "clusters")
    );
    let not: Vec<&str> = results
        .iter()
        .filter(|r| !done(r))
        .map(|r| r.id.as_str())
        .collect();
    if !not.is_empty() {
        summary.push_str(&format!("; NOT terminated: {}", not.join(", ")));
    }
    summary.push('.');
    summary
}

/// The line after Ctrl-C: what was accepted, what was on the way, what was never sent.
pub fn interrupt_note(results: &[StopResult], while_waiting: bool) -> String {
    let ids = |outcome: fn(&StopOutcome) -> bool| {
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
    let accepted = ids(|o| o.is_ok());
    if while_waiting {
        return format!(
            "interrupted (Ctrl-C) while waiting; termination had been accepted for: {accepted} (they keep terminating)"
        );
    }
    format!(
        "interrupted (Ctrl-C); termination accepted for: {accepted}; sent without an answer: {}; not sent: {}",
        ids(|o| *o == StopOutcome::Unknown),
        ids(|o| *o == StopOutcome::NotSent)
    )
}

/// The note printed when `--wait` starts without a terminal to draw progress on.
pub fn wait_note(waiting: usize, timeout_secs: u64) -> String {
    format!(
        "waiting up to {timeout_secs}s for {} to terminate",
        clusters(waiting)
    )
}

/// What a stop that left a target running failed at: the error it ends with (exit 1,
/// and the `error` of its JSON document beside the results); None when every target
/// was terminated (or, after `--wait`, is gone).
pub fn failure(results: &[StopResult], timed_out: &[String]) -> Option<String> {
    let not: Vec<&str> = results
        .iter()
        .filter(|r| !r.outcome.is_ok())
        .map(|r| r.id.as_str())
        .collect();
    let mut parts = Vec::new();
    if !not.is_empty() {
        parts.push(format!(
            "{} not terminated: {}",
            clusters(not.len()),
            not.join(", ")
        ));
    }
    if !timed_out.is_empty() {
        parts.push(format!(
            "{} still not terminated when --wait timed out: {}",
            clusters(timed_out.len()),
            timed_out.join(", ")
        ));
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// The note printed when `--wait` ran out of time.
pub fn timeout_note(timeout_secs: u64, still: &[String]) -> String {
    format!(
        "timed out after {timeout_secs}s; still not terminated: {}",
        still.join(", ")
    )
}

/// One `--wait` progress line, redrawn in place on a terminal.
pub fn wait_progress(ui: &mut Ui<'_>, tick: WaitTick) -> Result<()> {
    let line = format!(
        "\r\x1b[2Kwaiting: {} of {} terminated ({}s elapsed, timeout {}s)",
        tick.terminated,
        tick.total,
        tick.elapsed.as_secs(),
        tick.timeout.as_secs()
    );
    let io = |e| Error::io("cannot write the output", e);
    write!(ui.err, "{line}").map_err(io)?;
    if tick.last {
        writeln!(ui.err).map_err(io)?;
    }
    ui.err.flush().map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::emr::ClusterDetail;

    fn result(id: &str, outcome: StopOutcome, final_state: Option<&str>) -> StopResult {
        StopResult {
            id: id.into(),
            outcome,
            message: None,
            final_state: final_state.map(str::to_owned),
        }
    }

    fn plan_of(n: usize, batches: usize, unprotect: &[&str]) -> StopPlan {
        let ids: Vec<String> = (0..n).map(|i| format!("j-{i}")).collect();
        StopPlan {
            targets: ids
                .iter()
                .map(|id| ClusterDetail::new(id, "cyi", "WAITING"))
                .collect(),
            unprotect: unprotect.iter().map(|s| (*s).to_owned()).collect(),
            skipped: Vec::new(),
            batches: ids
                .chunks(n.div_ceil(batches.max(1)).max(1))
                .map(<[String]>::to_vec)
                .collect(),
        }
    }

    #[test]
    fn plurals_are_words() {
        assert_eq!(clusters(0), "0 clusters");
        assert_eq!(clusters(1), "1 cluster");
        assert_eq!(clusters(2), "2 clusters");
        assert_eq!(
            terminate_line(&plan_of(1, 1, &[])),
            "1 cluster will be terminated, in 1 TerminateJobFlows call."
        );
        assert_eq!(
            terminate_line(&plan_of(11, 2, &[])),
            "11 clusters will be terminated, in 2 TerminateJobFlows calls."
        );
        assert_eq!(
            wait_note(1, 60),
            "waiting up to 60s for 1 cluster to terminate"
        );
    }

    #[test]
    fn a_target_left_running_is_the_failure_and_none_is_success() {
        let ok = result("j-1", StopOutcome::Terminating, None);
        let skipped = result("j-2", StopOutcome::ProtectedSkipped, None);
        let failed = result("j-3", StopOutcome::Failed, None);
        assert_eq!(failure(std::slice::from_ref(&ok), &[]), None);
        assert_eq!(
            failure(&[ok, skipped, failed], &["j-1".to_owned()]).as_deref(),
            Some(
                "2 clusters not terminated: j-2, j-3; 1 cluster still not terminated when --wait timed out: j-1"
            )
        );
    }

    #[test]
    fn the_prompt_asks_terminate_with_the_count() {
        assert_eq!(action(&plan_of(1, 1, &[])), "Terminate 1 cluster");
        assert_eq!(action(&plan_of(3, 1, &[])), "Terminate 3 clusters");
        assert_eq!(
            action(&plan_of(3, 1, &["j-0"])),
            "Remove termination protection from 1 and terminate 3 clusters"
        );
    }

    #[test]
    fn the_summary_counts_and_names_what_is_not_going() {
        let results = [
            result("j-A", StopOutcome::Terminating, Some("TERMINATED")),
            result("j-B", StopOutcome::AlreadyTerminating, Some("TERMINATING")),
            result("j-C", StopOutcome::Failed, Some("WAITING")),
        ];
        assert_eq!(
            summary(&results, false),
            "2 of 3 clusters terminating; NOT terminated: j-C."
        );
        assert_eq!(
            summary(&results, true),
            "1 of 3 clusters terminated; NOT terminated: j-B, j-C."
        );
        assert_eq!(summary(&results[..1], false), "1 of 1 cluster terminating.");
    }

    #[test]
    fn the_interrupt_note_says_how_far_it_got() {
        let results = [
            result("j-A", StopOutcome::Terminating, None),
            result("j-B", StopOutcome::Unknown, None),
            result("j-C", StopOutcome::Unknown, None),
            result("j-D", StopOutcome::NotSent, None),
        ];
        assert_eq!(
            interrupt_note(&results, false),
            "interrupted (Ctrl-C); termination accepted for: j-A; sent without an answer: j-B, j-C; not sent: j-D"
        );
        assert_eq!(
            interrupt_note(&results[..1], true),
            "interrupted (Ctrl-C) while waiting; termination had been accepted for: j-A (they keep terminating)"
        );
        assert_eq!(
            interrupt_note(&results[3..], false),
            "interrupted (Ctrl-C); termination accepted for: none; sent without an answer: none; not sent: j-D"
        );
    }

    #[test]
    fn values_from_aws_are_shown_escaped_in_the_plan() {
        let mut target = ClusterDetail::new("j-1", "cyi\x1b[2J", "WAITING");
        target
            .tags
            .insert(TAG_CORRELATION_ID.into(), "run\x1b]52;c;aGk=\x07".into());
        let stop_plan = StopPlan {
            batches: vec![vec!["j-1".into()]],
            targets: vec![target],
            unprotect: Vec::new(),
            skipped: Vec::new(),
        };
        let names = NameMatch::new("cyi", None).unwrap();
        let scope = StopScope {
            env_name: "default",
            account: "123456789012",
            assumed_role: None,
            region: "eu-west-2",
            cluster_name: "cyi",
            names: &names,
            correlation_id: None,
            dry_run: false,
        };
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let mut ui = Ui::new(&mut out, &mut err, crate::cli::OutputFormat::Table);
        plan(&mut ui, &scope, &stop_plan).unwrap();
        let shown = String::from_utf8(out).unwrap();
        assert!(
            !shown.contains('\x1b') && !shown.contains('\x07'),
            "{shown:?}"
        );
        assert!(shown.contains(r"\u{1b}"), "{shown}");
    }
}
