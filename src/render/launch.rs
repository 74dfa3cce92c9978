//! The launch as operators read it: the plan before the confirmation, the launched
//! cluster, and the progress of `--wait`.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::{Ui, count, display_text, shell_word, table};
use crate::aws::emr::ClusterDetail;
use crate::error::Result;
use crate::launch::checks::Outcome;
use crate::launch::execute::{LaunchView, WaitView};
use crate::launch::model::RunJobFlow;
use crate::launch::report::LaunchReport;
use crate::text::cyi_command;

/// The launch plan: where, what, and each check's outcome.
pub fn plan(ui: &mut Ui<'_>, report: &LaunchReport<'_>) -> Result<()> {
    let request = report.request;
    ui.say(&format!(
        "Launch cluster '{}' in {} ({}, {})",
        display_text(report.cluster_name),
        report.environment,
        super::account(report.account, report.assumed_role),
        report.region
    ))?;
    let mut facts = PlanLines::default();
    facts.add_row(["correlation id", &display_text(report.correlation_id)]);
    let dates = match (&report.start_date, report.backfill_days) {
        (Some(start), Some(days)) => format!(
            "{start} to {} (backfill of {})",
            report.export_date,
            count(days, "day", "days")
        ),
        _ => report.export_date.clone(),
    };
    facts.add_row(["dates", &dates]);
    facts.add_row(["input", &display_text(&report.input)]);
    facts.add_row(["cluster config", &display_text(&report.cluster_config)]);
    facts.add_row([
        "release",
        &request
            .release_label
            .as_deref()
            .map_or("-".into(), display_text),
    ]);
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
            display_text(&line.join(" "))
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
            display_text(&format!(
                "{}. {} [{}] {} {}",
                i + 1,
                s.name.as_deref().unwrap_or(""),
                s.action_on_failure.as_ref().map_or("-", |a| a.as_str()),
                jar.and_then(|j| j.jar.as_deref()).unwrap_or(""),
                jar.and_then(|j| j.args.as_ref())
                    .map(|a| a.join(" "))
                    .unwrap_or_default()
            ))
        })
        .collect();
    facts.add_row(["steps", &lines_or_none(&steps)]);
    let tags: Vec<String> = request
        .tags
        .iter()
        .flatten()
        .map(|t| {
            display_text(&format!(
                "{}={}",
                t.key.as_deref().unwrap_or(""),
                t.value.as_deref().unwrap_or("")
            ))
        })
        .collect();
    facts.add_row(["tags", &tags.join(", ")]);
    // Label-value lines: every value in them was shown with display_text.
    ui.block(&facts.text())?;
    let mut checks = table(["CHECK", "RESULT", "DETAIL"]);
    for check in report.checks {
        let outcome = match check.outcome {
            Outcome::Passed => "passed",
            Outcome::Warned => "warned",
            Outcome::Failed => "FAILED",
            Outcome::Forced => "failed (--force)",
        };
        checks.add_row([check.name, outcome, &display_text(&check.detail)]);
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
    parts
        .iter()
        .map(|p| display_text(p))
        .collect::<Vec<_>>()
        .join("\n")
}

/// After RunJobFlow: the cluster id and how to follow the run. No ARN: EMR (or a
/// sandbox) may answer with one whose region is not the environment's.
pub fn launched(ui: &mut Ui<'_>, report: &LaunchReport<'_>) -> Result<()> {
    ui.say(&format!(
        "Launched cluster {} in {} ({}, account {}).",
        report.cluster_id.as_deref().unwrap_or("(no id returned)"),
        report.environment,
        report.region,
        report.account
    ))?;
    ui.say(&format!(
        "Follow it with: {}",
        follow_command(report.correlation_id)
    ))
}

/// The command that shows where a run is.
pub fn follow_command(correlation_id: &str) -> String {
    cyi_command(&format!(
        "status --correlation-id {}",
        shell_word(correlation_id)
    ))
}

/// Ctrl-C during `--wait`: the cluster goes on; say which and how to follow it.
pub fn wait_interrupted(ui: &mut Ui<'_>, report: &LaunchReport<'_>) -> Result<()> {
    ui.note(&format!(
        "interrupted (Ctrl-C) while waiting; cluster {} was launched{} and goes on without this command; follow it with: {}",
        report.cluster_id.as_deref().unwrap_or("(no id returned)"),
        report
            .state
            .as_deref()
            .map_or(String::new(), |s| format!(" (last seen {s})")),
        follow_command(report.correlation_id)
    ))
}

/// The progress of `--wait`: on a terminal, a spinner with the elapsed time and the
/// cluster's state; elsewhere, one line per change of state.
pub struct WaitProgress {
    id: String,
    started: Instant,
    last: String,
    spinner: Option<ProgressBar>,
}

impl WaitProgress {
    pub fn start(id: &str) -> WaitProgress {
        let spinner = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar.set_message(format!("{}: waiting for its first state", display_text(id)));
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        WaitProgress {
            id: id.to_owned(),
            started: Instant::now(),
            last: String::new(),
            spinner,
        }
    }

    /// One answer of DescribeCluster.
    pub fn seen(&mut self, ui: &mut Ui<'_>, cluster: &ClusterDetail) -> Result<()> {
        if cluster.state == self.last {
            return Ok(());
        }
        self.last = cluster.state.clone();
        let line = format!(
            "{}: {} after {}s",
            display_text(&self.id),
            display_text(&cluster.state),
            self.started.elapsed().as_secs()
        );
        match &self.spinner {
            Some(bar) => {
                bar.set_message(format!(
                    "{}: {}",
                    display_text(&self.id),
                    display_text(&cluster.state)
                ));
                Ok(())
            }
            None => ui.note(&line),
        }
    }

    /// The wait is over: the spinner gives way to one line with the last state.
    pub fn finish(self, ui: &mut Ui<'_>) -> Result<()> {
        if let Some(bar) = self.spinner {
            bar.finish_and_clear();
            if !self.last.is_empty() {
                ui.note(&format!(
                    "{}: {} after {}s",
                    display_text(&self.id),
                    display_text(&self.last),
                    self.started.elapsed().as_secs()
                ))?;
            }
        }
        Ok(())
    }
}

/// The launch as `launch::execute` shows it to operators.
pub struct Shown;

impl LaunchView for Shown {
    fn launched(&self, ui: &mut Ui<'_>, report: &LaunchReport<'_>) -> Result<()> {
        launched(ui, report)
    }

    fn wait_interrupted(&self, ui: &mut Ui<'_>, report: &LaunchReport<'_>) -> Result<()> {
        wait_interrupted(ui, report)
    }

    fn wait_progress(&self, cluster_id: &str) -> Box<dyn WaitView> {
        Box::new(WaitProgress::start(cluster_id))
    }
}

impl WaitView for WaitProgress {
    fn seen(&mut self, ui: &mut Ui<'_>, cluster: &ClusterDetail) -> Result<()> {
        WaitProgress::seen(self, ui, cluster)
    }

    fn finish(self: Box<Self>, ui: &mut Ui<'_>) -> Result<()> {
        WaitProgress::finish(*self, ui)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::OutputFormat;
    use crate::launch::checks::Check;

    fn report<'a>(request: &'a RunJobFlow, checks: &'a [Check]) -> LaunchReport<'a> {
        LaunchReport {
            environment: "dev",
            account: "123456789012",
            assumed_role: None,
            region: "eu-west-2",
            cluster_name: "cyi",
            correlation_id: "run 1",
            export_date: "2021-04-01".into(),
            start_date: None,
            backfill_days: None,
            input: "s3://in/cyi/2021-04-01/".into(),
            cluster_config: "./cfg".into(),
            dry_run: false,
            checks,
            request,
            cluster_id: Some("j-1".into()),
            cluster_arn: Some("arn:aws:elasticmapreduce:us-east-1:1:cluster/j-1".into()),
            state: None,
            interrupted: false,
            restart: None,
        }
    }

    fn render(f: impl FnOnce(&mut Ui<'_>) -> Result<()>) -> String {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let mut ui = Ui::new(&mut out, &mut err, OutputFormat::Table);
        f(&mut ui).unwrap();
        String::from_utf8(out).unwrap() + &String::from_utf8(err).unwrap()
    }

    #[test]
    fn a_value_from_the_config_cannot_forge_a_line_of_the_plan() {
        let request: RunJobFlow = serde_yaml_ng::from_str(
            "Steps: [{Name: \"a\\n  tags  Owner=me\", HadoopJarStep: {Jar: j}}]",
        )
        .unwrap();
        let checks = [Check {
            name: "state row",
            outcome: Outcome::Warned,
            detail: "row is FAILED: resumes from step x\ny".into(),
        }];
        let text = render(|ui| plan(ui, &report(&request, &checks)));
        assert!(
            text.contains(r#""1. a\n  tags  Owner=me [-] j ""#),
            "{text}"
        );
        assert!(
            text.contains(r#""row is FAILED: resumes from step x\ny""#),
            "{text}"
        );
    }

    #[test]
    fn the_plan_header_names_the_assumed_role() {
        let request = RunJobFlow::default();
        let role = crate::aws::credentials::AssumedRole {
            role_arn: "arn:aws:iam::123456789012:role/ops".into(),
            profile: Some("cyi-prod".into()),
        };
        let mut with_role = report(&request, &[]);
        with_role.assumed_role = Some(&role);
        let text = render(|ui| plan(ui, &with_role));
        assert!(
            text.starts_with(
                "Launch cluster 'cyi' in dev (account 123456789012 as ops via cyi-prod, eu-west-2)"
            ),
            "{text}"
        );
        let text = render(|ui| plan(ui, &report(&request, &[])));
        assert!(
            text.starts_with("Launch cluster 'cyi' in dev (account 123456789012, eu-west-2)"),
            "{text}"
        );
    }

    #[test]
    fn the_launch_message_gives_the_follow_up_and_no_arn() {
        let request = RunJobFlow::default();
        let text = render(|ui| launched(ui, &report(&request, &[])));
        assert_eq!(
            text,
            "Launched cluster j-1 in dev (eu-west-2, account 123456789012).\n\
             Follow it with: cyi status --correlation-id 'run 1'\n"
        );
    }
}
