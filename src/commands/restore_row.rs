//! `cyi restore-row`: put a cleared row back exactly as it was archived, never over a
//! row that exists now; `--list` shows the archive.

use std::path::Path;
use std::process::ExitCode;

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;

use crate::archive::{self, Entry, Outcome, Record};
use crate::aws::Aws;
use crate::aws::dynamodb::{self, Written};
use crate::cli::RestoreRowArgs;
use crate::confirm;
use crate::error::{Error, Result};
use crate::render::{self, Ui};
use crate::render::{display_text, shell_word};
use crate::row::item_table;
use crate::settings::Settings;

/// How the operator picked the entry.
#[derive(Debug, Clone, Copy)]
pub enum Selector<'a> {
    Id(&'a str),
    /// The latest applied clear of this key.
    Latest {
        correlation_id: &'a str,
        data_product: &'a str,
    },
}

/// Where the restore would write.
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    pub environment: &'a str,
    pub table: &'a str,
    pub account: &'a str,
}

/// Pure: which archive entry to restore, or why none may be.
pub fn choose<'a>(
    entries: &'a [Entry],
    selector: Selector<'_>,
    target: Target<'_>,
    archive: &Path,
) -> Result<&'a Entry> {
    let entry = match selector {
        Selector::Id(id) => entries.iter().find(|e| e.id == id).ok_or_else(|| {
            Error::usage_hint(
                format!("--id {id}: no such entry in the archive {}", archive.display()),
                "`cyi restore-row --list` shows the entries",
            )
        })?,
        Selector::Latest {
            correlation_id,
            data_product,
        } => entries
            .iter()
            .rev()
            .find(|e| {
                e.applied()
                    && e.correlation_id() == correlation_id
                    && e.data_product() == data_product
                    && e.environment == target.environment
                    && e.table == target.table
            })
            .ok_or_else(|| {
                Error::refused(
                    format!(
                        "the archive {} holds no deletion of Correlation_Id {correlation_id:?}, DataProduct {data_product:?} from table {} in {}; nothing restored",
                        archive.display(),
                        target.table,
                        target.environment
                    ),
                    Some("`cyi restore-row --list` shows the entries; choose one with --id".into()),
                )
            })?,
    };
    if entry.environment != target.environment || entry.table != target.table {
        return Err(Error::refused(
            format!(
                "entry {} was cleared from table {} in environment '{}', not table {} in '{}'; nothing restored",
                entry.id, entry.table, entry.environment, target.table, target.environment
            ),
            Some(format!(
                "select its environment: --env {}",
                entry.environment
            )),
        ));
    }
    if entry.account != target.account {
        return Err(Error::refused(
            format!(
                "entry {} was cleared in account {}, but the credentials are for account {}; nothing restored",
                entry.id, entry.account, target.account
            ),
            Some("check --profile / AWS_PROFILE and the environment's role_arn".into()),
        ));
    }
    if let Outcome::NotDeleted(reason) = &entry.outcome {
        return Err(Error::refused(
            format!(
                "entry {} was never applied (the row was not deleted: {reason}); there is nothing to restore",
                entry.id
            ),
            None,
        ));
    }
    Ok(entry)
}

/// One entry in the JSON document of `cyi restore-row --list --output json`.
#[derive(Debug, Serialize)]
pub struct EntryView<'a> {
    pub id: &'a str,
    pub time: DateTime<Utc>,
    pub environment: &'a str,
    pub region: &'a str,
    pub account: &'a str,
    pub table: &'a str,
    pub operator: &'a str,
    pub correlation_id: &'a str,
    pub data_product: &'a str,
    pub key: Value,
    pub item: Value,
    pub applied: bool,
    pub outcome: &'static str,
    pub reason: Option<&'a str>,
    pub restored: Option<DateTime<Utc>>,
}

impl<'a> EntryView<'a> {
    fn of(e: &'a Entry) -> Self {
        EntryView {
            id: &e.id,
            time: e.time,
            environment: &e.environment,
            region: &e.region,
            account: &e.account,
            table: &e.table,
            operator: &e.operator,
            correlation_id: e.correlation_id(),
            data_product: e.data_product(),
            key: dynamodb::item_to_json(&e.key),
            item: dynamodb::item_to_json(&e.item),
            applied: e.applied(),
            outcome: e.outcome.label(),
            reason: match &e.outcome {
                Outcome::NotDeleted(reason) => Some(reason),
                _ => None,
            },
            restored: e.restored,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct ListReport<'a> {
    pub archive: &'a Path,
    pub entries: Vec<EntryView<'a>>,
    /// Archive lines that could not be read.
    pub problems: &'a [String],
}

/// `--list`: reads only the local file, so it works without AWS credentials.
pub fn list(ui: &mut Ui<'_>, args: &RestoreRowArgs) -> Result<ExitCode> {
    let path = archive::resolve(args.archive.as_deref())?;
    let (entries, problems) = archive::read(&path)?;
    for problem in &problems {
        ui.note(&format!("warning: {}: {problem} (skipped)", path.display()))?;
    }
    let shown: Vec<&Entry> = entries
        .iter()
        .filter(|e| {
            args.correlation_id
                .as_ref()
                .is_none_or(|c| e.correlation_id() == c.as_str())
        })
        .collect();
    if ui.json() {
        return ui
            .document(&ListReport {
                archive: &path,
                entries: shown.iter().map(|e| EntryView::of(e)).collect(),
                problems: &problems,
            })
            .map(|()| ExitCode::SUCCESS);
    }
    if shown.is_empty() {
        ui.say(&format!("No entries in the archive {}.", path.display()))?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut table = render::table([
        "ENTRY",
        "CLEARED",
        "ENV",
        "TABLE",
        "CORRELATION_ID",
        "DATA_PRODUCT",
        "STATUS",
        "OUTCOME",
    ]);
    for e in &shown {
        let outcome = match (&e.outcome, e.restored) {
            (Outcome::NotDeleted(reason), _) => format!("not deleted: {reason}"),
            (outcome, Some(at)) => format!("{}, restored {}", outcome.label(), render::time(at)),
            (outcome, None) => outcome.label().to_owned(),
        };
        table.add_row([
            e.id.clone(),
            render::time(e.time),
            e.environment.clone(),
            e.table.clone(),
            display_text(e.correlation_id()),
            display_text(e.data_product()),
            dynamodb::string(&e.item, "Status")
                .map(display_text)
                .unwrap_or_default(),
            outcome,
        ]);
    }
    ui.table(&table)?;
    ui.say(&format!(
        "{} entr{} in {}.",
        shown.len(),
        if shown.len() == 1 { "y" } else { "ies" },
        path.display()
    ))?;
    Ok(ExitCode::SUCCESS)
}

/// The JSON document of `cyi restore-row --output json`.
#[derive(Debug, Serialize)]
pub struct RestoreReport<'a> {
    pub environment: &'a str,
    pub region: &'a str,
    pub account: &'a str,
    pub table: &'a str,
    pub entry_id: &'a str,
    pub correlation_id: &'a str,
    pub data_product: &'a str,
    pub item: Value,
    pub dry_run: bool,
    pub restored: bool,
}

pub async fn run(
    settings: &Settings,
    aws: &Aws,
    ui: &mut Ui<'_>,
    args: &RestoreRowArgs,
) -> Result<ExitCode> {
    let path = archive::resolve(args.archive.as_deref())?;
    let (entries, problems) = archive::read(&path)?;
    for problem in &problems {
        ui.note(&format!("warning: {}: {problem} (skipped)", path.display()))?;
    }
    let selector = match (&args.id, &args.correlation_id) {
        (Some(id), _) => Selector::Id(id.as_str()),
        (None, Some(correlation_id)) => Selector::Latest {
            correlation_id: correlation_id.as_str(),
            data_product: args
                .data_product
                .as_ref()
                .map_or(settings.data_product.as_str(), |d| d.as_str()),
        },
        (None, None) => {
            return Err(Error::usage(
                "give --correlation-id ID, --id ENTRY or --list",
            ));
        }
    };
    let identity = aws
        .check_account(settings.expected_account.as_deref(), &settings.env_name)
        .await?
        .clone();
    let table = settings.table.as_str();
    let entry = choose(
        &entries,
        selector,
        Target {
            environment: &settings.env_name,
            table,
            account: &identity.account,
        },
        &path,
    )?;
    let current = dynamodb::get(aws, table, &entry.key).await?;

    ui.say(&format!(
        "Archive entry {} (cleared {} by {}, {}) holds Correlation_Id {:?}, DataProduct {:?}:",
        entry.id,
        render::time(entry.time),
        entry.operator,
        entry.outcome.label(),
        entry.correlation_id(),
        entry.data_product()
    ))?;
    ui.table(&item_table(&entry.item))?;
    if let Some(current) = current {
        ui.say(&format!(
            "A row with this key exists now in table {table} ({}, {}):",
            settings.env_name,
            aws.region()
        ))?;
        ui.table(&item_table(&current))?;
        return Err(Error::refused(
            "a row with this key exists now; nothing restored",
            Some(format!(
                "if the archived row should replace it, clear the current one first: cyi clear-row --correlation-id {}",
                shell_word(entry.correlation_id())
            )),
        ));
    }
    if entry.outcome == Outcome::Pending {
        ui.say("The archive recorded no outcome for this clear; the row is absent now, so it can be put back.")?;
    }
    ui.say(&format!(
        "Restoring puts this row back into table {table} ({}, {}, account {}) exactly as archived, only if no row with its key exists.",
        settings.env_name,
        aws.region(),
        identity.account
    ))?;
    let mut report = RestoreReport {
        environment: &settings.env_name,
        region: aws.region(),
        account: &identity.account,
        table,
        entry_id: &entry.id,
        correlation_id: entry.correlation_id(),
        data_product: entry.data_product(),
        item: dynamodb::item_to_json(&entry.item),
        dry_run: settings.dry_run,
        restored: false,
    };
    if settings.dry_run {
        ui.say("dry run: nothing was changed")?;
        ui.document(&report)?;
        return Ok(ExitCode::SUCCESS);
    }
    confirm::confirm(
        settings,
        &format!(
            "Restore the row of correlation id {:?}",
            entry.correlation_id()
        ),
    )?;
    match dynamodb::put_if_absent(aws, table, &entry.item).await? {
        Written::ConditionFailed | Written::Gone => Err(Error::refused(
            "a row with this key was written since it was checked; nothing restored",
            Some("run the command again to see both rows".into()),
        )),
        Written::Done(_) => {
            if let Err(e) = archive::append(
                &path,
                &Record::restore(&entry.id, Utc::now(), &identity.arn),
            ) {
                ui.note(&format!("warning: the row was restored, but {e}"))?;
            }
            report.restored = true;
            ui.say(&format!("Restored from archive entry {}.", entry.id))?;
            ui.document(&report)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::dynamodb::Item;
    use aws_sdk_dynamodb::types::AttributeValue;
    use chrono::TimeZone;

    fn entry(id: &str, cid: &str, outcome: Outcome, env: &str) -> Entry {
        let key = dynamodb::key(cid, "CYI");
        let mut item: Item = key.clone();
        item.insert("Run_Id".into(), AttributeValue::N(id.into()));
        Entry {
            id: id.into(),
            time: Utc.timestamp_opt(1_700_000_000, 0).unwrap(),
            environment: env.into(),
            region: "eu-west-2".into(),
            account: "123456789012".into(),
            table: "t".into(),
            operator: "arn:op".into(),
            key,
            item,
            outcome,
            restored: None,
        }
    }

    fn target() -> Target<'static> {
        Target {
            environment: "dev",
            table: "t",
            account: "123456789012",
        }
    }

    fn latest<'a>(cid: &'a str) -> Selector<'a> {
        Selector::Latest {
            correlation_id: cid,
            data_product: "CYI",
        }
    }

    #[test]
    fn latest_applied_deletion_of_the_key_in_this_environment() {
        let entries = [
            entry("1", "a", Outcome::Deleted, "dev"),
            entry("2", "a", Outcome::Deleted, "dev"),
            entry("3", "a", Outcome::NotDeleted("changed".into()), "dev"),
            entry("4", "a", Outcome::Pending, "dev"),
            entry("5", "a", Outcome::Deleted, "qa"),
            entry("6", "b", Outcome::Deleted, "dev"),
        ];
        let chosen = choose(&entries, latest("a"), target(), Path::new("x")).unwrap();
        assert_eq!(chosen.id, "2");
        let err = choose(&entries, latest("c"), target(), Path::new("x")).unwrap_err();
        assert_eq!(err.exit_code(), 1);
        assert!(
            err.to_string()
                .contains("no deletion of Correlation_Id \"c\""),
            "{err}"
        );
    }

    #[test]
    fn by_id_checks_where_it_came_from_and_that_it_was_applied() {
        let entries = [
            entry("1", "a", Outcome::Deleted, "qa"),
            entry(
                "2",
                "a",
                Outcome::NotDeleted("the row changed".into()),
                "dev",
            ),
            entry("3", "a", Outcome::Pending, "dev"),
        ];
        let err = choose(&entries, Selector::Id("9"), target(), Path::new("x")).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(err.to_string().contains("--id 9"), "{err}");
        let err = choose(&entries, Selector::Id("1"), target(), Path::new("x")).unwrap_err();
        assert_eq!(err.exit_code(), 1);
        assert_eq!(err.hint(), Some("select its environment: --env qa"));
        let err = choose(&entries, Selector::Id("2"), target(), Path::new("x")).unwrap_err();
        assert!(err.to_string().contains("never applied"), "{err}");
        assert_eq!(
            choose(&entries, Selector::Id("3"), target(), Path::new("x"))
                .unwrap()
                .id,
            "3"
        );
        let other_account = Target {
            account: "210987654321",
            ..target()
        };
        let err = choose(&entries, Selector::Id("3"), other_account, Path::new("x")).unwrap_err();
        assert!(err.to_string().contains("account 123456789012"), "{err}");
    }
}
