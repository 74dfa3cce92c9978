//! `cyi restore-row`: put a cleared row back exactly as it was archived, never over a
//! row that exists now, and only where it came from unless `--into` names the new
//! place; `--list` shows the archive.

use std::path::Path;
use std::process::ExitCode;

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;

use crate::aws::Aws;
use crate::aws::dynamodb::{self, Written};
use crate::cli::RestoreRowArgs;
use crate::confirm;
use crate::error::{Error, Result};
use crate::output::Ui;
use crate::render::row::{RestorePlanView, archive_table, restore_plan};
use crate::row::archive::{self, Archive, Entry, Outcome, Record};
use crate::row::restore::{self, Selector, Target};
use crate::settings::Settings;
use crate::text::{cyi_command, shell_word};

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
    pub problems: Vec<String>,
}

/// Reads the archive and warns about the lines that cannot be used.
fn read_archive(ui: &mut Ui<'_>, path: &Path) -> Result<Archive> {
    let archive = archive::read(path)?;
    for problem in &archive.problems {
        ui.note(&format!("warning: {}: {problem} (skipped)", path.display()))?;
    }
    Ok(archive)
}

/// `--list`: reads only the local file, so it works without AWS credentials.
pub fn list(ui: &mut Ui<'_>, args: &RestoreRowArgs) -> Result<ExitCode> {
    let path = archive::resolve(args.archive.as_deref())?;
    let archive = read_archive(ui, &path)?;
    let shown: Vec<&Entry> = archive
        .entries
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
                problems: archive.problems.iter().map(ToString::to_string).collect(),
            })
            .map(|()| ExitCode::SUCCESS);
    }
    if shown.is_empty() {
        ui.say(&format!("No entries in the archive {}.", path.display()))?;
        return Ok(ExitCode::SUCCESS);
    }
    ui.table(&archive_table(&shown))?;
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
    // Gather.
    let path = archive::resolve(args.archive.as_deref())?;
    let archive = read_archive(ui, &path)?;
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
    let target = Target {
        environment: &settings.env_name,
        account: &identity.account,
        region: aws.region(),
        table,
    };

    // Decide.
    let entry = restore::choose(&archive, selector, target, args.into.as_deref(), &path)?;
    let current = dynamodb::get(aws, table, &entry.key).await?;

    // Show.
    restore_plan(
        ui,
        &RestorePlanView {
            entry,
            target,
            current: current.as_ref(),
            assumed_role: aws.assumed_role.as_ref(),
        },
    )?;
    if current.is_some() {
        return Err(Error::refused(
            "a row with this key exists now; nothing restored",
            Some(format!(
                "if the archived row should replace it, clear the current one first: {}",
                cyi_command(&format!(
                    "clear-row --correlation-id {}",
                    shell_word(entry.correlation_id())
                ))
            )),
        ));
    }
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
    // The plan is the document from here on (`restored: false`); a failure later is
    // added to it as its `error`.
    ui.document(&report)?;
    if settings.dry_run {
        ui.say("dry run: nothing was changed")?;
        return Ok(ExitCode::SUCCESS);
    }

    // Confirm, execute, report.
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
