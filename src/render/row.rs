//! How the state-row commands show things: the clear plan, the restore plan, the
//! archive listing and the rows table, all from plain data into the [`Ui`].

use std::path::Path;

use crate::aws::credentials::AssumedRole;
use crate::aws::dynamodb::{self, Item};
use crate::aws::{Aws, Identity};
use crate::error::Result;
use crate::render::{self, Table, Ui, display_text};
use crate::row::archive::{Entry, Outcome};
use crate::row::clear::{CLEARING_MEANS, ClearDecision};
use crate::row::restore::Target;
use crate::row::{RowView, display_value, ordered};
use crate::settings::Settings;
use crate::text::cyi_command;

/// Every attribute of an item: the ones operators look for first, then by name.
pub fn item_table(item: &Item) -> Table {
    let mut table = render::table(["ATTRIBUTE", "TYPE", "VALUE"]);
    for (name, value) in ordered(item) {
        table.add_row([
            display_text(name),
            dynamodb::type_tag(value).to_owned(),
            display_value(name, value),
        ]);
    }
    table
}

/// Everything the clear plan shows.
#[derive(Debug)]
pub struct ClearPlanView<'a> {
    pub correlation_id: &'a str,
    pub data_product: &'a str,
    pub table: &'a str,
    pub environment: &'a str,
    pub region: &'a str,
    pub account: &'a str,
    /// The role the run's credentials are for, when one was assumed.
    pub assumed_role: Option<&'a AssumedRole>,
    pub item: &'a Item,
    pub notes: &'a [String],
    pub forced: Option<&'a str>,
    pub archive: &'a Path,
}

/// The clear plan of `decision` for the row at `key`, in the run's environment, region
/// and account (shared by `clear-row` and `restart --fresh`).
#[allow(clippy::too_many_arguments)]
pub fn show_clear_plan(
    ui: &mut Ui<'_>,
    settings: &Settings,
    aws: &Aws,
    identity: &Identity,
    key: &Item,
    item: &Item,
    decision: &ClearDecision,
    archive_path: &Path,
) -> Result<()> {
    clear_plan(
        ui,
        &ClearPlanView {
            correlation_id: dynamodb::string(key, dynamodb::HASH_KEY).unwrap_or_default(),
            data_product: dynamodb::string(key, dynamodb::RANGE_KEY).unwrap_or_default(),
            table: &settings.table,
            environment: &settings.env_name,
            region: aws.region(),
            account: &identity.account,
            assumed_role: aws.assumed_role.as_ref(),
            item,
            notes: &decision.notes,
            forced: decision.forced.as_deref(),
            archive: archive_path,
        },
    )
}

/// The row, the decision's notes, what clearing means and where the copy goes.
pub fn clear_plan(ui: &mut Ui<'_>, plan: &ClearPlanView<'_>) -> Result<()> {
    ui.say(&format!(
        "Row Correlation_Id {:?}, DataProduct {:?} in table {} ({}, {}, {}):",
        plan.correlation_id,
        plan.data_product,
        plan.table,
        plan.environment,
        plan.region,
        render::account(plan.account, plan.assumed_role)
    ))?;
    ui.table(&item_table(plan.item))?;
    for note in plan.notes {
        ui.say(note)?;
    }
    if let Some(forced) = plan.forced {
        ui.say(forced)?;
    }
    let step = dynamodb::string(plan.item, "CurrentStep")
        .map(|step| format!(" ({})", display_text(step)))
        .unwrap_or_default();
    ui.say(&format!(
        "Clearing deletes this row: {CLEARING_MEANS}{step}."
    ))?;
    ui.say(&format!(
        "Before the delete, a copy is appended to the archive {}; `{}` can put it back.",
        plan.archive.display(),
        cyi_command("restore-row")
    ))
}

/// Where an entry came from, as the restore plan names it.
fn origin_of(entry: &Entry) -> String {
    format!(
        "table {} ({}, {}, account {})",
        display_text(&entry.table),
        display_text(&entry.environment),
        display_text(&entry.region),
        display_text(&entry.account)
    )
}

/// Where a restore writes, as the restore plan names it.
fn target_text(target: &Target<'_>) -> String {
    format!(
        "table {} ({}, {}, account {})",
        target.table, target.environment, target.region, target.account
    )
}

/// Everything the restore plan shows.
#[derive(Debug)]
pub struct RestorePlanView<'a> {
    pub entry: &'a Entry,
    pub target: Target<'a>,
    /// The row with the entry's key that exists now, if any.
    pub current: Option<&'a Item>,
    /// The role the run's credentials are for, when one was assumed.
    pub assumed_role: Option<&'a AssumedRole>,
}

/// The archived row, where it came from and where it would go; the row in its way,
/// if there is one.
pub fn restore_plan(ui: &mut Ui<'_>, plan: &RestorePlanView<'_>) -> Result<()> {
    let entry = plan.entry;
    let target = &plan.target;
    ui.say(&format!(
        "Archive entry {} (cleared {} by {} from {}, {}) holds Correlation_Id {:?}, DataProduct {:?}:",
        display_text(&entry.id),
        render::time(entry.time),
        display_text(&entry.operator),
        origin_of(entry),
        entry.outcome.label(),
        entry.correlation_id(),
        entry.data_product()
    ))?;
    ui.table(&item_table(&entry.item))?;
    if let Some(current) = plan.current {
        ui.say(&format!(
            "A row with this key exists now in table {} ({}, {}):",
            target.table, target.environment, target.region
        ))?;
        return ui.table(&item_table(current));
    }
    if entry.outcome == Outcome::Pending {
        ui.say("The archive recorded no outcome for this clear (it is pending: interrupted, or its delete was not confirmed); the row is absent now, so it can be put back.")?;
    }
    if crate::row::restore::origin(entry) != *target {
        ui.say(&format!(
            "--into: the entry came from {}; it goes into {}.",
            origin_of(entry),
            target_text(target)
        ))?;
    }
    ui.say(&format!(
        "Restoring puts this row back into table {} ({}, {}, {}) exactly as archived, only if no row with its key exists.",
        target.table,
        target.environment,
        target.region,
        render::account(target.account, plan.assumed_role)
    ))
}

/// The archive's entries, oldest first.
pub fn archive_table(entries: &[&Entry]) -> Table {
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
    for e in entries {
        let outcome = match (&e.outcome, e.restored) {
            (Outcome::NotDeleted(reason), _) => format!("not deleted: {}", display_text(reason)),
            (outcome, Some(at)) => format!("{}, restored {}", outcome.label(), render::time(at)),
            (outcome, None) => outcome.label().to_owned(),
        };
        table.add_row([
            display_text(&e.id),
            render::time(e.time),
            display_text(&e.environment),
            display_text(&e.table),
            display_text(e.correlation_id()),
            display_text(e.data_product()),
            dynamodb::string(&e.item, "Status")
                .map(display_text)
                .unwrap_or_default(),
            outcome,
        ]);
    }
    table
}

/// `cyi rows`: one line per row, newest first as given.
pub fn rows_table(rows: &[RowView]) -> Table {
    let mut table = render::table([
        "CORRELATION_ID",
        "STATUS",
        "CURRENT_STEP",
        "RUN_ID",
        "DATE",
        "CLUSTER_ID",
        "EXPIRES",
    ]);
    for row in rows {
        let mut cells = row.cells();
        cells.push(row.time_to_exist.map(render::time).unwrap_or_default());
        table.add_row(cells);
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::OutputFormat;
    use aws_sdk_dynamodb::types::AttributeValue;
    use chrono::{TimeZone, Utc};

    fn entry(outcome: Outcome) -> Entry {
        let key = dynamodb::key("run-1", "CYI");
        let mut item = key.clone();
        item.insert("CurrentStep".into(), AttributeValue::S("hive".into()));
        Entry {
            id: "e1".into(),
            time: Utc.timestamp_opt(1_700_000_000, 0).unwrap(),
            environment: "dev".into(),
            region: "eu-west-2".into(),
            account: "123456789012".into(),
            table: "t".into(),
            operator: "arn:op".into(),
            key,
            item,
            outcome,
            restored: None,
            line: 1,
        }
    }

    fn shown(f: impl FnOnce(&mut Ui<'_>) -> Result<()>) -> String {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let mut ui = Ui::new(&mut out, &mut err, OutputFormat::Table);
        f(&mut ui).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn a_restore_elsewhere_shows_both_places_and_a_pending_entry_says_so() {
        let e = entry(Outcome::Pending);
        let target = Target {
            environment: "dev",
            account: "123456789012",
            region: "us-east-1",
            table: "t",
        };
        let text = shown(|ui| {
            restore_plan(
                ui,
                &RestorePlanView {
                    entry: &e,
                    target,
                    current: None,
                    assumed_role: None,
                },
            )
        });
        assert!(
            text.contains("from table t (dev, eu-west-2, account 123456789012)"),
            "{text}"
        );
        assert!(
            text.contains("it goes into table t (dev, us-east-1, account 123456789012)"),
            "{text}"
        );
        assert!(text.contains("it is pending"), "{text}");
        assert!(text.contains("hive"), "{text}");
    }

    #[test]
    fn a_restore_at_home_over_a_row_shows_the_row_and_nothing_more() {
        let e = entry(Outcome::Deleted);
        let target = crate::row::restore::origin(&e);
        let mut now = e.item.clone();
        now.insert("CurrentStep".into(), AttributeValue::S("newer".into()));
        let text = shown(|ui| {
            restore_plan(
                ui,
                &RestorePlanView {
                    entry: &e,
                    target,
                    current: Some(&now),
                    assumed_role: None,
                },
            )
        });
        assert!(text.contains("exists now"), "{text}");
        assert!(text.contains("newer"), "{text}");
        assert!(
            !text.contains("--into") && !text.contains("Restoring puts"),
            "{text}"
        );
    }

    #[test]
    fn the_clear_plan_names_the_row_the_step_and_the_archive() {
        let e = entry(Outcome::Pending);
        let notes = vec!["a note".to_owned()];
        let text = shown(|ui| {
            clear_plan(
                ui,
                &ClearPlanView {
                    correlation_id: "run-1",
                    data_product: "CYI",
                    table: "t",
                    environment: "dev",
                    region: "eu-west-2",
                    account: "123456789012",
                    assumed_role: None,
                    item: &e.item,
                    notes: &notes,
                    forced: Some("--force: x"),
                    archive: Path::new("/a/archive.jsonl"),
                },
            )
        });
        for needle in [
            "Row Correlation_Id \"run-1\", DataProduct \"CYI\" in table t (dev, eu-west-2, account 123456789012):",
            "a note",
            "--force: x",
            "instead of resuming from CurrentStep (hive).",
            "/a/archive.jsonl",
        ] {
            assert!(text.contains(needle), "{needle:?} not in\n{text}");
        }
    }
}
