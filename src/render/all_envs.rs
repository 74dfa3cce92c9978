//! `cyi status --all-envs` output: one line per environment, an error column for the
//! ones that could not be read.

use serde::Serialize;

use super::{Ui, display_text};
use crate::error::Result;

/// One environment's overview, or why it could not be read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct EnvLine {
    pub environment: String,
    pub protected: bool,
    pub account: Option<String>,
    pub region: Option<String>,
    pub active_clusters: Option<usize>,
    pub in_progress: Option<usize>,
    pub failed: Option<usize>,
    pub stale: Option<usize>,
    pub error: Option<String>,
}

#[derive(Debug, Serialize)]
struct AllEnvsReport<'a> {
    environments: &'a [EnvLine],
}

pub fn show(ui: &mut Ui<'_>, lines: &[EnvLine]) -> Result<()> {
    if ui.json() {
        return ui.document(&AllEnvsReport {
            environments: lines,
        });
    }
    let mut table = super::table([
        "ENVIRONMENT",
        "ACCOUNT",
        "REGION",
        "ACTIVE",
        "IN_PROGRESS",
        "FAILED",
        "STALE",
        "ERROR",
    ]);
    let count = |n: Option<usize>| n.map_or("-".into(), |n| n.to_string());
    for line in lines {
        let name = if line.protected {
            format!("{} (protected)", display_text(&line.environment))
        } else {
            display_text(&line.environment)
        };
        table.add_row([
            name,
            line.account.as_deref().map_or("-".into(), display_text),
            line.region.as_deref().map_or("-".into(), display_text),
            count(line.active_clusters),
            count(line.in_progress),
            count(line.failed),
            count(line.stale),
            line.error.as_deref().map_or(String::new(), display_text),
        ]);
    }
    ui.table(&table)
}
