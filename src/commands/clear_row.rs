//! `cyi clear-row`: delete a run's state row so its next start begins from the first
//! step, after showing it, checking that no cluster is still working on it, and
//! archiving it locally so `cyi restore-row` can put it back.

use std::path::Path;
use std::process::ExitCode;

use chrono::Utc;
use serde::Serialize;
use serde_json::Value;

use crate::archive::{self, Origin, Record};
use crate::aws::dynamodb::{self, Item, Written};
use crate::aws::emr;
use crate::aws::{Aws, Identity};
use crate::cli::ClearRowArgs;
use crate::confirm;
use crate::error::{Error, Result};
use crate::render::{Ui, display_text};
use crate::row::item_table;
use crate::settings::Settings;

/// What deleting the row does to the pipeline, shown before every clear.
pub const CLEARING_MEANS: &str = "the next start with this correlation id will begin from the first step instead of resuming from CurrentStep";

const IN_PROGRESS: &str = "IN_PROGRESS";

/// What EMR says about the cluster a row names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "checked", rename_all = "snake_case")]
pub enum ClusterFact {
    /// The row is not IN_PROGRESS with a Cluster_Id: no cluster needs looking at.
    NotNeeded,
    /// EMR does not know the id (another account or region, or long gone).
    Unknown { id: String },
    Found {
        id: String,
        state: String,
        active: bool,
    },
}

/// The cluster to look up before clearing: only an IN_PROGRESS row can belong to a
/// running job, and only its Cluster_Id says which.
pub fn cluster_to_check(item: &Item) -> Option<&str> {
    (dynamodb::string(item, "Status") == Some(IN_PROGRESS))
        .then(|| dynamodb::string(item, "Cluster_Id"))
        .flatten()
        .filter(|id| !id.is_empty())
}

/// The decision to clear.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// What `--force` overrides, when it overrides anything.
    pub forced: Option<String>,
    /// Facts worth showing that do not stop the clear.
    pub notes: Vec<String>,
}

/// Pure: may this row be cleared, given its cluster and `--force`?
pub fn decide(item: &Item, cluster: &ClusterFact, force: bool) -> Result<Plan> {
    let mut plan = Plan {
        forced: None,
        notes: Vec::new(),
    };
    let in_progress = dynamodb::string(item, "Status") == Some(IN_PROGRESS);
    match cluster {
        ClusterFact::Found {
            id,
            state,
            active: true,
        } => {
            let problem = format!(
                "the row is IN_PROGRESS and its cluster {id} is {state}: a job is still running on it"
            );
            if !force {
                return Err(Error::refused(
                    format!("{problem}; nothing was cleared"),
                    Some(format!(
                        "stop it first with `cyi stop-clusters --cluster-id {id}`, or pass --force to clear the row anyway"
                    )),
                ));
            }
            plan.forced = Some(format!(
                "--force: {problem}; clearing anyway (the running job may write the row again)"
            ));
        }
        ClusterFact::Found { id, state, .. } => plan.notes.push(format!(
            "The row says IN_PROGRESS, but its cluster {id} is {state}: no job is running on it."
        )),
        ClusterFact::Unknown { id } => plan.notes.push(format!(
            "The row says IN_PROGRESS, but EMR does not know its cluster {id} in this account and region."
        )),
        ClusterFact::NotNeeded if in_progress => plan.notes.push(
            "The row says IN_PROGRESS but names no Cluster_Id: nothing shows whether a job is running."
                .to_owned(),
        ),
        ClusterFact::NotNeeded => {}
    }
    Ok(plan)
}

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

    let Some(item) = dynamodb::get(aws, table, &key).await? else {
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
            Some("`cyi rows` lists the data product's rows; --if-exists makes a missing row a success".into()),
        ));
    };

    let cluster = cluster_fact(aws, &item).await?;
    let plan = decide(&item, &cluster, args.force)?;
    show_plan(
        ui,
        settings,
        aws,
        &identity,
        &key,
        &item,
        &plan,
        &archive_path,
    )?;
    report.item = Some(dynamodb::item_to_json(&item));
    report.cluster = Some(&cluster);
    report.forced = plan.forced.is_some();
    report.archive = Some(&archive_path);

    if settings.dry_run {
        ui.say("dry run: nothing was changed")?;
        ui.document(&report)?;
        return Ok(ExitCode::SUCCESS);
    }
    confirm::confirm(
        settings,
        &format!("Clear the row of correlation id {correlation_id:?}"),
    )?;

    let entry_id = execute(ui, settings, aws, &identity, &archive_path, &key, &item).await?;
    report.entry_id = Some(&entry_id);
    report.deleted = true;
    ui.document(&report)?;
    Ok(ExitCode::SUCCESS)
}

/// What EMR says about the cluster the row names, when that matters.
pub async fn cluster_fact(aws: &Aws, item: &Item) -> Result<ClusterFact> {
    Ok(match cluster_to_check(item) {
        None => ClusterFact::NotNeeded,
        Some(id) => match emr::describe(aws, id).await? {
            None => ClusterFact::Unknown { id: id.to_owned() },
            Some(detail) => ClusterFact::Found {
                active: detail.is_active(),
                id: detail.id,
                state: detail.state,
            },
        },
    })
}

/// The row, the decision's notes, what clearing means and where the copy goes.
#[allow(clippy::too_many_arguments)]
pub fn show_plan(
    ui: &mut Ui<'_>,
    settings: &Settings,
    aws: &Aws,
    identity: &Identity,
    key: &Item,
    item: &Item,
    plan: &Plan,
    archive_path: &Path,
) -> Result<()> {
    ui.say(&format!(
        "Row Correlation_Id {:?}, DataProduct {:?} in table {} ({}, {}, account {}):",
        dynamodb::string(key, dynamodb::HASH_KEY).unwrap_or_default(),
        dynamodb::string(key, dynamodb::RANGE_KEY).unwrap_or_default(),
        settings.table,
        settings.env_name,
        aws.region(),
        identity.account
    ))?;
    ui.table(&item_table(item))?;
    for note in &plan.notes {
        ui.say(note)?;
    }
    if let Some(forced) = &plan.forced {
        ui.say(forced)?;
    }
    ui.say(&format!(
        "Clearing deletes this row: {CLEARING_MEANS}{}.",
        current_step_suffix(item)
    ))?;
    ui.say(&format!(
        "Before the delete, a copy is appended to the archive {}; `cyi restore-row` can put it back.",
        archive_path.display()
    ))
}

/// Archives the row, then deletes it only if it is still exactly as shown. Returns the
/// archive entry's id.
pub async fn execute(
    ui: &mut Ui<'_>,
    settings: &Settings,
    aws: &Aws,
    identity: &Identity,
    archive_path: &Path,
    key: &Item,
    item: &Item,
) -> Result<String> {
    let table = settings.table.as_str();
    let entry_id = archive::new_id(Utc::now());
    let origin = Origin {
        environment: &settings.env_name,
        region: aws.region(),
        account: &identity.account,
        table,
        operator: &identity.arn,
    };
    archive::append(
        archive_path,
        &Record::clear(&entry_id, Utc::now(), &origin, key, item),
    )
    .map_err(|e| {
        Error::refused(
            format!("{e}; nothing was deleted"),
            Some("pass --archive PATH naming a file that can be written".into()),
        )
    })?;

    let deleted = dynamodb::delete_if_unchanged(aws, table, key, item)
        .await
        .map_err(|e| {
            e.with_outcome(
                &format!("the row was archived as entry {entry_id}, but its delete was not confirmed, so it may still be there"),
                Some(format!(
                    "`cyi rows` shows whether it is still there; if it is gone, `cyi restore-row --id {entry_id}` puts it back"
                )),
            )
        })?;
    match deleted {
        Written::Done(_) => {
            record_outcome(ui, archive_path, &entry_id, true, None)?;
            ui.say(&format!(
                "Cleared. Archived as entry {entry_id}; to put the row back: cyi restore-row --id {entry_id}"
            ))?;
            Ok(entry_id)
        }
        // No outcome is recorded: the entry stays "pending", so the row it holds can
        // be put back with `restore-row --id` whoever deleted it.
        Written::Gone => Err(Error::refused(
            format!(
                "the row is gone, but not certainly by this command: another clear deleted it at the same moment, or this command's delete went through and its answer was lost; archive entry {entry_id} keeps it as shown"
            ),
            Some(format!(
                "`cyi rows` shows it is gone; `cyi restore-row --id {entry_id}` puts it back if it should not be"
            )),
        )),
        Written::ConditionFailed => {
            let reason = "the row changed since it was shown; nothing deleted";
            record_outcome(ui, archive_path, &entry_id, false, Some(reason))?;
            Err(Error::refused(
                reason,
                Some("run the command again to see the row as it is now".into()),
            ))
        }
    }
}

/// Appends the delete's outcome. The row's fate is already sealed, so a failure here is
/// reported, not fatal: the entry then reads "pending", which `--list` shows.
fn record_outcome(
    ui: &mut Ui<'_>,
    path: &Path,
    id: &str,
    applied: bool,
    reason: Option<&str>,
) -> Result<()> {
    if let Err(e) = archive::append(path, &Record::outcome(id, Utc::now(), applied, reason)) {
        ui.note(&format!(
            "warning: {e}; archive entry {id} stays 'pending' although the row was {}",
            if applied { "deleted" } else { "not deleted" }
        ))?;
    }
    Ok(())
}

fn current_step_suffix(item: &Item) -> String {
    dynamodb::string(item, "CurrentStep")
        .map(|step| format!(" ({})", display_text(step)))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_dynamodb::types::AttributeValue;

    fn row(status: &str, cluster: Option<&str>) -> Item {
        let mut item = dynamodb::key("run-1", "CYI");
        item.insert("Status".into(), AttributeValue::S(status.into()));
        item.insert("Run_Id".into(), AttributeValue::N("2".into()));
        if let Some(id) = cluster {
            item.insert("Cluster_Id".into(), AttributeValue::S(id.into()));
        }
        item
    }

    fn found(active: bool) -> ClusterFact {
        ClusterFact::Found {
            id: "j-ABC".into(),
            state: if active { "WAITING" } else { "TERMINATED" }.into(),
            active,
        }
    }

    #[test]
    fn only_an_in_progress_row_with_a_cluster_needs_a_look() {
        assert_eq!(
            cluster_to_check(&row("IN_PROGRESS", Some("j-ABC"))),
            Some("j-ABC")
        );
        assert_eq!(cluster_to_check(&row("IN_PROGRESS", Some(""))), None);
        assert_eq!(cluster_to_check(&row("IN_PROGRESS", None)), None);
        assert_eq!(cluster_to_check(&row("FAILED", Some("j-ABC"))), None);
        assert_eq!(cluster_to_check(&row("COMPLETED", Some("j-ABC"))), None);
    }

    #[test]
    fn a_live_cluster_refuses_and_names_the_way_out() {
        let err = decide(&row("IN_PROGRESS", Some("j-ABC")), &found(true), false).unwrap_err();
        assert_eq!(err.exit_code(), 1);
        let text = err.to_string();
        assert!(text.contains("j-ABC is WAITING"), "{text}");
        assert!(text.contains("nothing was cleared"), "{text}");
        let hint = err.hint().unwrap();
        assert!(
            hint.contains("cyi stop-clusters --cluster-id j-ABC"),
            "{hint}"
        );
        assert!(hint.contains("--force"), "{hint}");
    }

    #[test]
    fn force_overrides_a_live_cluster_and_says_so() {
        let plan = decide(&row("IN_PROGRESS", Some("j-ABC")), &found(true), true).unwrap();
        let forced = plan.forced.unwrap();
        assert!(
            forced.starts_with("--force:") && forced.contains("j-ABC"),
            "{forced}"
        );
    }

    #[test]
    fn a_dead_or_unknown_cluster_allows_with_a_note() {
        let plan = decide(&row("IN_PROGRESS", Some("j-ABC")), &found(false), false).unwrap();
        assert_eq!(plan.forced, None);
        assert!(plan.notes[0].contains("TERMINATED"), "{:?}", plan.notes);
        let plan = decide(
            &row("IN_PROGRESS", Some("j-ABC")),
            &ClusterFact::Unknown { id: "j-ABC".into() },
            false,
        )
        .unwrap();
        assert!(plan.notes[0].contains("does not know"), "{:?}", plan.notes);
        let plan = decide(&row("IN_PROGRESS", None), &ClusterFact::NotNeeded, false).unwrap();
        assert!(plan.notes[0].contains("no Cluster_Id"), "{:?}", plan.notes);
    }

    #[test]
    fn finished_rows_clear_without_comment() {
        for status in ["FAILED", "COMPLETED", "CANCELLED"] {
            let plan = decide(&row(status, Some("j-ABC")), &ClusterFact::NotNeeded, false).unwrap();
            assert_eq!(
                plan,
                Plan {
                    forced: None,
                    notes: vec![]
                }
            );
        }
    }
}
