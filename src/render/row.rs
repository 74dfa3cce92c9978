//! How the state-row commands show things: the clear plan, the restore plan, the
//! archive listing and the rows table, all from plain data into the [`Ui`].

use std::path::Path;

use comfy_table::Table;

use crate::aws::dynamodb::{self, Item};
use crate::error::Result;
use crate::render::{self, Ui, display_text};
use crate::row::archive::{Entry, Outcome};
use crate::row::clear::CLEARING_MEANS;
use crate::row::restore::Target;
use crate::row::{RowView, item_table};

/// Everything the clear plan shows.
#[derive(Debug)]
pub struct ClearPlanView<'a> {
    pub correlation_id: &'a str,
    pub data_product: &'a str,
    pub table: &'a str,
    pub environment: &'a str,
    pub region: &'a str,
    pub account: &'a str,
    pub item: &'a Item,
    pub notes: &'a [String],
    pub forced: Option<&'a str>,
    pub archive: &'a Path,
}

/// The row, the decision's notes, what clearing means and where the copy goes.
pub fn clear_plan(ui: &mut Ui<'_>, plan: &ClearPlanView<'_>) -> Result<()> {
    ui.say(&format!(
        "Row Correlation_Id {:?}, DataProduct {:?} in table {} ({}, {}, account {}):",
        plan.correlation_id,
        plan.data_product,
        plan.table,
        plan.environment,
        plan.region,
        plan.account
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
        "Before the delete, a copy is appended to the archive {}; `cyi restore-row` can put it back.",
        plan.archive.display()
    ))
}

/// Where an entry came from, as the restore plan names it.
pub fn origin_of(entry: &Entry) -> String {
    format!(
        "table {} ({}, {}, account {})",
        display_text(&entry.table),
        display_text(&entry.environment),
        display_text(&entry.region),
        display_text(&entry.account)
    )
}

/// Where a restore writes, as the restore plan names it.
pub fn target_text(target: &Target<'_>) -> String {
    format!(
        "table {} ({}, {}, account {})",
        target.table, target.environment, target.region, target.account
    )
}

/// The archived row a restore would put back, and where from.
pub fn restore_entry(ui: &mut Ui<'_>, entry: &Entry) -> Result<()> {
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
    ui.table(&item_table(&entry.item))
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
