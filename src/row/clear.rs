//! Clearing a run's state row: whether it may be cleared (a pure decision over the row
//! and what EMR says about its cluster), and the clear itself: archive first, then a
//! delete that only goes through if the row is still as shown. Used by `clear-row` and
//! `restart --fresh`.

use std::path::Path;

use chrono::Utc;
use serde::Serialize;

use crate::aws::dynamodb::{self, Item, Written};
use crate::aws::emr::{self, ClusterDetail};
use crate::aws::{Aws, Identity};
use crate::error::{Error, Result};
use crate::output::Ui;
use crate::row::RowStatus;
use crate::row::archive::{self, Origin, Record};
use crate::settings::Settings;
use crate::text::{cyi_command, display_text, shell_word};

/// What deleting the row does to the pipeline, shown before every clear.
pub const CLEARING_MEANS: &str = "the next start with this correlation id will begin from the first step instead of resuming from CurrentStep";

/// What EMR says about the cluster a row names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "checked", rename_all = "snake_case")]
pub enum ClusterFact {
    /// The row cannot belong to a running job, or names no cluster: nothing to look at.
    NotNeeded,
    /// EMR does not know the id (another account or region, or long gone).
    Unknown { id: String },
    Found {
        id: String,
        state: String,
        active: bool,
    },
}

/// The cluster to look up before clearing: only a row that may be running (IN_PROGRESS
/// in any case, or a status the pipeline does not write) can belong to a running job,
/// and only its Cluster_Id says which.
pub fn cluster_to_check(item: &Item) -> Option<&str> {
    RowStatus::of(item)
        .is_some_and(|s| s.may_be_running())
        .then(|| dynamodb::string(item, "Cluster_Id"))
        .flatten()
        .filter(|id| !id.is_empty())
}

/// The decision to clear a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClearDecision {
    /// What `--force` overrides, when it overrides anything.
    pub forced: Option<String>,
    /// Facts worth showing that do not stop the clear.
    pub notes: Vec<String>,
}

/// The row's Status as the operator should read it: the value as written, and how it
/// was read when that differs.
fn status_words(item: &Item) -> String {
    match (dynamodb::string(item, "Status"), RowStatus::of(item)) {
        (Some(raw), Some(status)) if status.name() == Some(raw) => raw.to_owned(),
        (Some(raw), Some(RowStatus::Unknown(_))) => format!("{raw:?}"),
        (Some(raw), Some(status)) => format!("{raw:?} ({status})"),
        _ => "no Status".to_owned(),
    }
}

/// Pure: may this row be cleared, given its cluster and `--force`?
pub fn decide(item: &Item, cluster: &ClusterFact, force: bool) -> Result<ClearDecision> {
    let mut decision = ClearDecision {
        forced: None,
        notes: Vec::new(),
    };
    let status = RowStatus::of(item);
    let says = status_words(item);
    if let Some(unknown @ RowStatus::Unknown(_)) = &status {
        decision.notes.push(format!(
            "Status is {unknown}, not one the pipeline writes (IN_PROGRESS, COMPLETED, FAILED, CANCELLED): it is treated as possibly running."
        ));
    }
    match cluster {
        ClusterFact::Found {
            id,
            state,
            active: true,
        } => {
            let (shown, state) = (display_text(id), display_text(state));
            let problem = format!(
                "the row is {says} and its cluster {shown} is {state}: a job is still running on it"
            );
            if !force {
                return Err(Error::refused(
                    format!("{problem}; nothing was cleared"),
                    Some(format!(
                        "stop it first with `{}`, or pass --force to clear the row anyway",
                        display_text(&cyi_command(&format!("stop-clusters --cluster-id {}", shell_word(id))))
                    )),
                ));
            }
            decision.forced = Some(format!(
                "--force: {problem}; clearing anyway (the running job may write the row again)"
            ));
        }
        ClusterFact::Found { id, state, .. } => decision.notes.push(format!(
            "The row says {says}, but its cluster {} is {}: no job is running on it.",
            display_text(id),
            display_text(state)
        )),
        ClusterFact::Unknown { id } => decision.notes.push(format!(
            "The row says {says}, but EMR does not know its cluster {} in this account and region.",
            display_text(id)
        )),
        ClusterFact::NotNeeded if status.as_ref().is_some_and(RowStatus::may_be_running) => {
            decision.notes.push(format!(
                "The row says {says} but names no Cluster_Id: nothing shows whether a job is running."
            ))
        }
        ClusterFact::NotNeeded => {}
    }
    Ok(decision)
}

/// What EMR says about the cluster the row names, when that matters.
pub async fn cluster_fact(aws: &Aws, item: &Item) -> Result<ClusterFact> {
    Ok(match cluster_to_check(item) {
        None => ClusterFact::NotNeeded,
        Some(id) => ClusterFact::described(id, emr::describe(aws, id).await?.as_ref()),
    })
}

impl ClusterFact {
    /// From DescribeCluster's answer for `id` (`None`: EMR does not know it), for a
    /// caller that has described the row's cluster already (`cyi restart`).
    pub fn described(id: &str, detail: Option<&ClusterDetail>) -> ClusterFact {
        match detail {
            None => ClusterFact::Unknown { id: id.to_owned() },
            Some(detail) => ClusterFact::Found {
                active: detail.is_active(),
                id: detail.id.clone(),
                state: detail.state.clone(),
            },
        }
    }
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
    // Durable and read back before the delete is sent, or the delete is not sent.
    archive::append(
        archive_path,
        &Record::clear(&entry_id, Utc::now(), &origin, key, item),
    )
    .map_err(|e| {
        let hint = "pass --archive PATH naming a file that can be written";
        match e {
            // The path names something no archive can be (a FIFO, a device): exit 2.
            Error::Usage { .. } => Error::usage_hint(format!("{e}; nothing was deleted"), hint),
            e => Error::refused(format!("{e}; nothing was deleted"), Some(hint.into())),
        }
    })?;

    let deleted = dynamodb::delete_if_unchanged(aws, table, key, item)
        .await
        .map_err(|e| {
            e.with_outcome(
                &format!("the row was archived as entry {entry_id}, but its delete was not confirmed, so it may still be there"),
                Some(format!(
                    "`{}` shows whether it is still there; if it is gone, `{}` puts it back",
                    cyi_command("rows"),
                    archive::restore_command(&entry_id, archive_path)
                )),
            )
        })?;
    match deleted {
        Written::Done(removed) => {
            // The condition covers the attributes shown; one added since is deleted
            // too, so the outcome keeps the row exactly as DynamoDB removed it.
            let removed = removed.filter(|r| !r.is_empty());
            if let Some(added) = removed.as_ref().map(|r| added_attributes(item, r))
                && !added.is_empty()
            {
                ui.note(&format!(
                    "The row also held {} when it was deleted (written after it was shown); the archive keeps it.",
                    added.join(", ")
                ))?;
            }
            let outcome = Record::deleted(&entry_id, Utc::now(), removed.as_ref());
            if !record_outcome(ui, archive_path, &entry_id, &outcome)?
                && let Some(removed) = removed.as_ref().filter(|r| *r != item)
            {
                // The entry holds the row as shown; what was really deleted exists
                // only here now.
                ui.note(&format!(
                    "the row as deleted, in DynamoDB JSON: {}",
                    dynamodb::item_to_json(removed)
                ))?;
            }
            ui.say(&format!(
                "Cleared. Archived as entry {entry_id}; to put the row back: {}",
                archive::restore_command(&entry_id, archive_path)
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
                "`{}` shows it is gone; `{}` puts it back if it should not be",
                cyi_command("rows"),
                archive::restore_command(&entry_id, archive_path)
            )),
        )),
        Written::ConditionFailed => {
            let reason = "the row changed since it was shown; nothing deleted";
            let outcome = Record::outcome(&entry_id, Utc::now(), false, Some(reason));
            record_outcome(ui, archive_path, &entry_id, &outcome)?;
            Err(Error::refused(
                reason,
                Some("run the command again to see the row as it is now".into()),
            ))
        }
    }
}

/// Names (escaped) of the attributes `removed` has and `shown` had not, sorted.
fn added_attributes(shown: &Item, removed: &Item) -> Vec<String> {
    let mut added: Vec<String> = removed
        .keys()
        .filter(|k| !shown.contains_key(*k))
        .map(|k| display_text(k))
        .collect();
    added.sort();
    added
}

/// Appends the delete's outcome; false when it could not be. The row's fate is already
/// sealed, so a failure here is reported, not fatal: the entry then reads "pending",
/// which `--list` shows.
fn record_outcome(ui: &mut Ui<'_>, path: &Path, id: &str, outcome: &Record) -> Result<bool> {
    if let Err(e) = archive::append(path, outcome) {
        ui.note(&format!(
            "warning: {e}; archive entry {id} stays 'pending' although the row was {}",
            if outcome.applied == Some(true) {
                "deleted"
            } else {
                "not deleted"
            }
        ))?;
        return Ok(false);
    }
    Ok(true)
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

    #[test]
    fn a_status_as_the_pipeline_writes_it_is_shown_as_it_is() {
        assert_eq!(status_words(&row("FAILED", None)), "FAILED");
        assert_eq!(status_words(&row("IN_PROGRESS", None)), "IN_PROGRESS");
        let other_case = status_words(&row("failed", None));
        assert!(other_case.starts_with("\"failed\" ("), "{other_case}");
    }

    fn found(active: bool) -> ClusterFact {
        ClusterFact::Found {
            id: "j-ABC".into(),
            state: if active { "WAITING" } else { "TERMINATED" }.into(),
            active,
        }
    }

    #[test]
    fn only_a_row_that_may_be_running_with_a_cluster_needs_a_look() {
        assert_eq!(
            cluster_to_check(&row("IN_PROGRESS", Some("j-ABC"))),
            Some("j-ABC")
        );
        assert_eq!(cluster_to_check(&row("IN_PROGRESS", Some(""))), None);
        assert_eq!(cluster_to_check(&row("IN_PROGRESS", None)), None);
        assert_eq!(cluster_to_check(&row("FAILED", Some("j-ABC"))), None);
        assert_eq!(cluster_to_check(&row("COMPLETED", Some("j-ABC"))), None);
        assert_eq!(cluster_to_check(&row("failed", Some("j-ABC"))), None);
    }

    #[test]
    fn status_in_another_case_or_unknown_is_checked_like_in_progress() {
        for status in ["in_progress", "In_Progress", " IN_PROGRESS ", "RUNNING", ""] {
            assert_eq!(
                cluster_to_check(&row(status, Some("j-ABC"))),
                Some("j-ABC"),
                "{status:?}"
            );
            let err = decide(&row(status, Some("j-ABC")), &found(true), false).unwrap_err();
            assert!(err.to_string().contains("nothing was cleared"), "{err}");
        }
        let err = decide(&row("Running", Some("j-ABC")), &found(true), false).unwrap_err();
        assert!(
            err.to_string()
                .contains("the row is \"Running\" and its cluster j-ABC is WAITING"),
            "{err}"
        );
        let plan = decide(&row("Running", Some("j-ABC")), &found(false), false).unwrap();
        assert!(
            plan.notes[1].starts_with("The row says \"Running\", but"),
            "{plan:?}"
        );
        let err = decide(&row("in_progress", Some("j-ABC")), &found(true), false).unwrap_err();
        assert!(
            err.to_string()
                .contains("the row is \"in_progress\" (IN_PROGRESS)"),
            "{err}"
        );
    }

    #[test]
    fn an_unknown_status_is_named_in_the_plan() {
        let plan = decide(&row("DONE", None), &ClusterFact::NotNeeded, false).unwrap();
        assert!(
            plan.notes[0].contains("Status is unknown \"DONE\""),
            "{plan:?}"
        );
        assert!(plan.notes[1].contains("no Cluster_Id"), "{plan:?}");
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
    fn values_from_the_row_and_emr_are_shown_escaped() {
        let id = "j-\u{1b}]52;c;eA==\u{7}";
        let live = ClusterFact::Found {
            id: id.into(),
            state: "WAITING\u{1b}[2J".into(),
            active: true,
        };
        let err = decide(&row("IN_PROGRESS\u{9b}", Some(id)), &live, false).unwrap_err();
        let text = format!("{err} {}", err.hint().unwrap_or_default());
        assert!(!text.chars().any(|c| c.is_control()), "{text:?}");
        let plan = decide(
            &row("IN_PROGRESS", Some(id)),
            &ClusterFact::Unknown { id: id.into() },
            false,
        )
        .unwrap();
        assert!(!plan.notes[0].chars().any(|c| c.is_control()), "{plan:?}");
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
        for status in ["FAILED", "COMPLETED", "CANCELLED", "failed", "Cancelled"] {
            let plan = decide(&row(status, Some("j-ABC")), &ClusterFact::NotNeeded, false).unwrap();
            assert_eq!(
                plan,
                ClearDecision {
                    forced: None,
                    notes: vec![]
                }
            );
        }
    }

    #[test]
    fn attributes_added_after_the_read_are_named() {
        let shown = row("FAILED", None);
        let mut removed = shown.clone();
        removed.insert("Late\n".into(), AttributeValue::S("x".into()));
        removed.insert("Added".into(), AttributeValue::S("y".into()));
        assert_eq!(added_attributes(&shown, &removed), ["\"Late\\n\"", "Added"]);
        assert!(added_attributes(&shown, &shown).is_empty());
    }
}
