//! The local archive of cleared rows: an append-only JSON-lines file, so a clear can
//! always be undone with `cyi restore-row`.
//!
//! Each clear appends a `clear` record (the full item in DynamoDB JSON, with where it
//! came from and who cleared it) and syncs it to disk *before* the row is deleted; the
//! outcome of the delete is appended as an `outcome` record afterwards, and a restore as
//! a `restore` record. Lines are never rewritten: a crash can leave a clear without an
//! outcome (shown as "pending"), never a deletion without its copy. The outcome of an
//! applied delete carries the item as DynamoDB removed it, which completes the entry.
//!
//! Every record starts on a line of its own, so a torn tail (a full disk, a crash)
//! spoils only itself: it is reported as a problem with its line number, and a
//! restore by correlation id refuses rather than pass over it to an older entry.

mod file;

use std::collections::HashMap;
use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::aws::dynamodb::{self, Item};

pub use file::{
    FILE_NAME, append, check_place, default_path, read, resolve, resolve_with, restore_command,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    Clear,
    Outcome,
    Restore,
}

/// One line of the archive.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub id: String,
    pub event: Event,
    pub time: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table: Option<String>,
    /// The STS caller ARN of whoever wrote this record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item: Option<Value>,
    /// Whether the row was deleted. A `clear` record says false: it is written before
    /// the delete, and its `outcome` record says what happened.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applied: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Where a cleared row came from and who cleared it.
#[derive(Debug, Clone)]
pub struct Origin<'a> {
    pub environment: &'a str,
    pub region: &'a str,
    pub account: &'a str,
    pub table: &'a str,
    pub operator: &'a str,
}

impl Record {
    pub fn clear(
        id: &str,
        time: DateTime<Utc>,
        origin: &Origin<'_>,
        key: &Item,
        item: &Item,
    ) -> Self {
        Record {
            id: id.to_owned(),
            event: Event::Clear,
            time,
            environment: Some(origin.environment.to_owned()),
            region: Some(origin.region.to_owned()),
            account: Some(origin.account.to_owned()),
            table: Some(origin.table.to_owned()),
            operator: Some(origin.operator.to_owned()),
            key: Some(dynamodb::item_to_json(key)),
            item: Some(dynamodb::item_to_json(item)),
            applied: Some(false),
            reason: None,
        }
    }

    pub fn outcome(id: &str, time: DateTime<Utc>, applied: bool, reason: Option<&str>) -> Self {
        Record {
            id: id.to_owned(),
            event: Event::Outcome,
            time,
            environment: None,
            region: None,
            account: None,
            table: None,
            operator: None,
            key: None,
            item: None,
            applied: Some(applied),
            reason: reason.map(str::to_owned),
        }
    }

    /// The outcome of an applied delete, with the item as DynamoDB removed it (when it
    /// said).
    pub fn deleted(id: &str, time: DateTime<Utc>, removed: Option<&Item>) -> Self {
        Record {
            item: removed.map(dynamodb::item_to_json),
            ..Record::outcome(id, time, true, None)
        }
    }

    pub fn restore(id: &str, time: DateTime<Utc>, operator: &str) -> Self {
        Record {
            event: Event::Restore,
            operator: Some(operator.to_owned()),
            applied: None,
            ..Record::outcome(id, time, true, None)
        }
    }
}

/// What became of a clear.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Archived, but no outcome was recorded (interrupted, or the delete call failed).
    Pending,
    Deleted,
    NotDeleted(String),
}

impl Outcome {
    pub fn label(&self) -> &'static str {
        match self {
            Outcome::Pending => "pending",
            Outcome::Deleted => "deleted",
            Outcome::NotDeleted(_) => "not deleted",
        }
    }
}

/// One clear with everything recorded about it.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub id: String,
    pub time: DateTime<Utc>,
    pub environment: String,
    pub region: String,
    pub account: String,
    pub table: String,
    pub operator: String,
    pub key: Item,
    pub item: Item,
    pub outcome: Outcome,
    pub restored: Option<DateTime<Utc>>,
    /// The archive line of its `clear` record (1-based).
    pub line: usize,
}

impl Entry {
    pub fn applied(&self) -> bool {
        self.outcome == Outcome::Deleted
    }

    pub fn correlation_id(&self) -> &str {
        dynamodb::string(&self.key, dynamodb::HASH_KEY).unwrap_or_default()
    }

    pub fn data_product(&self) -> &str {
        dynamodb::string(&self.key, dynamodb::RANGE_KEY).unwrap_or_default()
    }
}

/// An archive line that could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// 1-based line number.
    pub line: usize,
    pub what: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `what` can quote the file (an id, an attribute name): shown escaped.
        write!(
            f,
            "line {}: {}",
            self.line,
            crate::text::display_text(&self.what)
        )
    }
}

/// The archive as read: its entries in the order they were cleared, and the lines
/// that could not be used.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Archive {
    pub entries: Vec<Entry>,
    pub problems: Vec<Problem>,
}

impl Archive {
    /// The problems on lines after `line`: any of them may be a newer record.
    pub fn problems_after(&self, line: usize) -> Vec<&Problem> {
        self.problems.iter().filter(|p| p.line > line).collect()
    }
}

/// Folds the archive's lines into entries, in the order they were cleared. Blank
/// lines are skipped; a line that cannot be used is a [`Problem`], and the lines after
/// it are read as usual.
pub fn parse(text: &str) -> Archive {
    let mut archive = Archive::default();
    let mut index: HashMap<String, usize> = HashMap::new();
    for (n, line) in text.lines().enumerate() {
        let line_no = n + 1;
        if line.trim().is_empty() {
            continue;
        }
        let mut problem = |what: String| {
            archive.problems.push(Problem {
                line: line_no,
                what,
            })
        };
        let record: Record = match serde_json::from_str(line) {
            Ok(record) => record,
            Err(e) => {
                problem(e.to_string());
                continue;
            }
        };
        match record.event {
            Event::Clear => match entry_of(record, line_no) {
                Ok(entry) => {
                    index.insert(entry.id.clone(), archive.entries.len());
                    archive.entries.push(entry);
                }
                Err(e) => problem(e),
            },
            Event::Outcome | Event::Restore => {
                let Some(&i) = index.get(&record.id) else {
                    problem(format!(
                        "{:?} record for unknown entry {}",
                        record.event, record.id
                    ));
                    continue;
                };
                let removed = match record.item.as_ref().map(dynamodb::item_from_json) {
                    Some(Err(e)) => {
                        problem(format!("outcome of entry {}: item: {e}", record.id));
                        continue;
                    }
                    Some(Ok(item)) => Some(item),
                    None => None,
                };
                let entry = &mut archive.entries[i];
                if record.event == Event::Restore {
                    entry.restored = Some(record.time);
                } else if record.applied == Some(true) {
                    entry.outcome = Outcome::Deleted;
                    // What DynamoDB removed is what the entry holds.
                    if let Some(removed) = removed {
                        entry.item = removed;
                    }
                } else {
                    entry.outcome = Outcome::NotDeleted(record.reason.unwrap_or_default());
                }
            }
        }
    }
    archive
}

fn entry_of(record: Record, line: usize) -> std::result::Result<Entry, String> {
    let item = |v: Option<Value>, what: &str| {
        v.ok_or_else(|| format!("entry {} has no {what}", record.id))
            .and_then(|v| dynamodb::item_from_json(&v).map_err(|e| format!("{what}: {e}")))
    };
    Ok(Entry {
        key: item(record.key.clone(), "key")?,
        item: item(record.item.clone(), "item")?,
        id: record.id,
        time: record.time,
        environment: record.environment.unwrap_or_default(),
        region: record.region.unwrap_or_default(),
        account: record.account.unwrap_or_default(),
        table: record.table.unwrap_or_default(),
        operator: record.operator.unwrap_or_default(),
        outcome: Outcome::Pending,
        restored: None,
        line,
    })
}

/// A new entry id: the UTC time to the millisecond, then a per-process suffix so two
/// clears in the same millisecond (two terminals) still differ.
pub fn new_id(now: DateTime<Utc>) -> String {
    let noise = u64::from(std::process::id()).wrapping_mul(0x9E37_79B9)
        ^ u64::from(now.timestamp_subsec_nanos());
    format!(
        "{}-{:06x}",
        now.format("%Y%m%dT%H%M%S%3fZ"),
        noise & 0xff_ffff
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_dynamodb::types::AttributeValue;
    use chrono::TimeZone;

    fn at(secs: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(1_700_000_000 + secs, 0).unwrap()
    }

    fn origin() -> Origin<'static> {
        Origin {
            environment: "dev",
            region: "eu-west-2",
            account: "123456789012",
            table: "data_pipeline_metadata",
            operator: "arn:aws:iam::123456789012:user/me",
        }
    }

    fn row(id: &str) -> (Item, Item) {
        let key = dynamodb::key(id, "CYI");
        let mut item = key.clone();
        item.insert("Run_Id".into(), AttributeValue::N("2".into()));
        (key, item)
    }

    fn lines(records: &[Record]) -> String {
        records
            .iter()
            .map(|r| serde_json::to_string(r).unwrap() + "\n")
            .collect()
    }

    #[test]
    fn outcomes_fold_into_their_entries() {
        let (k1, i1) = row("a");
        let (k2, i2) = row("b");
        let (k3, i3) = row("c");
        let text = lines(&[
            Record::clear("1", at(0), &origin(), &k1, &i1),
            Record::clear("2", at(1), &origin(), &k2, &i2),
            Record::outcome("1", at(2), true, None),
            Record::outcome("2", at(3), false, Some("the row changed")),
            Record::clear("3", at(4), &origin(), &k3, &i3),
            Record::restore("1", at(5), "arn:x"),
        ]);
        let Archive { entries, problems } = parse(&text);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(entries.len(), 3);
        assert_eq!(entries[0].outcome, Outcome::Deleted);
        assert!(entries[0].applied());
        assert_eq!(entries[0].restored, Some(at(5)));
        assert_eq!(entries[0].item, i1);
        assert_eq!(entries[0].correlation_id(), "a");
        assert_eq!(
            entries[1].outcome,
            Outcome::NotDeleted("the row changed".into())
        );
        assert!(!entries[1].applied());
        assert_eq!(entries[2].outcome, Outcome::Pending);
        assert_eq!(entries[2].operator, "arn:aws:iam::123456789012:user/me");
    }

    #[test]
    fn a_restore_record_names_its_operator_and_claims_no_deletion() {
        let record = Record::restore("1", at(5), "arn:x");
        assert_eq!(record.operator.as_deref(), Some("arn:x"));
        assert_eq!(record.applied, None);
        let json = serde_json::to_value(&record).unwrap();
        assert_eq!(json["operator"], "arn:x");
        assert!(json.get("applied").is_none(), "{json}");
    }

    #[test]
    fn a_damaged_line_is_reported_and_skipped() {
        let (k, i) = row("a");
        let text = format!(
            "{}{{\"id\": \"trunc\n{}",
            lines(&[Record::clear("1", at(0), &origin(), &k, &i)]),
            lines(&[Record::outcome("1", at(1), true, None)])
        );
        let Archive { entries, problems } = parse(&text);
        assert_eq!(entries.len(), 1);
        assert!(entries[0].applied());
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0].to_string().starts_with("line 2:"),
            "{problems:?}"
        );
    }

    #[test]
    fn the_clear_record_says_not_applied_until_its_outcome() {
        let (k, i) = row("a");
        let json = serde_json::to_value(Record::clear("1", at(0), &origin(), &k, &i)).unwrap();
        assert_eq!(json["applied"], false);
        assert_eq!(json["event"], "clear");
        assert_eq!(json["item"]["Run_Id"], serde_json::json!({"N": "2"}));
        assert_eq!(json["operator"], "arn:aws:iam::123456789012:user/me");
        let outcome = serde_json::to_value(Record::outcome("1", at(0), false, Some("x"))).unwrap();
        assert_eq!(
            outcome,
            serde_json::json!({"id": "1", "event": "outcome", "time": "2023-11-14T22:13:20Z", "applied": false, "reason": "x"})
        );
    }

    #[test]
    fn an_outcome_without_applied_is_not_a_deletion() {
        let (k, i) = row("a");
        let text = format!(
            "{}{}\n",
            lines(&[Record::clear("1", at(0), &origin(), &k, &i)]),
            r#"{"id":"1","event":"outcome","time":"2023-11-14T22:13:21Z"}"#
        );
        let archive = parse(&text);
        assert!(archive.problems.is_empty(), "{:?}", archive.problems);
        assert!(!archive.entries[0].applied());
        assert_eq!(
            archive.entries[0].outcome,
            Outcome::NotDeleted(String::new())
        );
    }

    #[test]
    fn blank_and_whitespace_only_lines_are_skipped_silently() {
        let (k, i) = row("a");
        let text = format!(
            "\n   \n\t\r\n{}  \n",
            lines(&[Record::clear("1", at(0), &origin(), &k, &i)])
        );
        let archive = parse(&text);
        assert!(archive.problems.is_empty(), "{:?}", archive.problems);
        assert_eq!(archive.entries.len(), 1);
        assert_eq!(archive.entries[0].line, 4);
    }

    #[test]
    fn the_deleted_item_completes_the_entry() {
        let (k, shown) = row("a");
        let mut removed = shown.clone();
        removed.insert("Late".into(), AttributeValue::S("added".into()));
        let text = lines(&[
            Record::clear("1", at(0), &origin(), &k, &shown),
            Record::deleted("1", at(1), Some(&removed)),
            Record::clear("2", at(2), &origin(), &k, &shown),
            Record::deleted("2", at(3), None),
        ]);
        let archive = parse(&text);
        assert!(archive.problems.is_empty(), "{:?}", archive.problems);
        assert_eq!(archive.entries[0].item, removed);
        assert!(archive.entries[0].applied());
        assert_eq!(archive.entries[1].item, shown);
        assert!(archive.entries[1].applied());
        let json = serde_json::to_value(Record::deleted("1", at(1), Some(&removed))).unwrap();
        assert_eq!(json["item"]["Late"], serde_json::json!({"S": "added"}));
        assert_eq!(json["applied"], true);
    }

    #[test]
    fn problems_after_a_line_are_the_ones_that_may_be_newer() {
        let (k, i) = row("a");
        let text = format!(
            "{{torn\n{}{{\"id\": \"trunc\n",
            lines(&[Record::clear("1", at(0), &origin(), &k, &i)])
        );
        let archive = parse(&text);
        assert_eq!(archive.entries[0].line, 2);
        let after: Vec<usize> = archive.problems_after(2).iter().map(|p| p.line).collect();
        assert_eq!(after, [3]);
        // Only lines after the given one: the problem on line 3 is not after line 3.
        assert!(archive.problems_after(3).is_empty());
        assert_eq!(
            archive.problems[0].to_string().split(':').next(),
            Some("line 1")
        );
    }

    #[test]
    fn ids_are_time_ordered_and_distinct() {
        let a = new_id(at(0));
        let b = new_id(at(0) + chrono::Duration::nanoseconds(1));
        assert!(a.starts_with("20231114T221320000Z-"), "{a}");
        assert_ne!(a, b);
    }
}
