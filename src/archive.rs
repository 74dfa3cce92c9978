//! The local archive of cleared rows: an append-only JSON-lines file, so a clear can
//! always be undone with `cyi restore-row`.
//!
//! Each clear appends a `clear` record (the full item in DynamoDB JSON, with where it
//! came from and who cleared it) and syncs it to disk *before* the row is deleted; the
//! outcome of the delete is appended as an `outcome` record afterwards, and a restore as
//! a `restore` record. Lines are never rewritten: a crash can leave a clear without an
//! outcome (shown as "pending"), never a deletion without its copy.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::aws::dynamodb::{self, Item};
use crate::error::{Error, Result};

/// The archive's file name inside the state directory.
pub const FILE_NAME: &str = "archive.jsonl";

/// `$XDG_STATE_HOME/cyi/archive.jsonl`, else `$HOME/.local/state/cyi/archive.jsonl`.
pub fn default_path(var: impl Fn(&str) -> Option<String>) -> Result<PathBuf> {
    let state = var("XDG_STATE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            var("HOME")
                .filter(|v| !v.is_empty())
                .map(|home| Path::new(&home).join(".local").join("state"))
        })
        .ok_or_else(|| {
            Error::usage_hint(
                "cannot place the archive: neither XDG_STATE_HOME nor HOME is set",
                "pass --archive PATH",
            )
        })?;
    Ok(state.join("cyi").join(FILE_NAME))
}

/// The archive to use: `--archive`, else the default place.
pub fn resolve(explicit: Option<&Path>) -> Result<PathBuf> {
    match explicit {
        Some(path) => Ok(path.to_path_buf()),
        None => default_path(|name| std::env::var(name).ok()),
    }
}

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

/// Appends one record and syncs it to disk before returning, creating the directory
/// if needed.
pub fn append(path: &Path, record: &Record) -> Result<()> {
    let place = |e| Error::io(format!("cannot write the archive {}", path.display()), e);
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(place)?;
    }
    let mut line = serde_json::to_string(record)
        .map_err(|e| Error::Failed(format!("cannot encode an archive record: {e}")))?;
    line.push('\n');
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(place)?;
    file.write_all(line.as_bytes()).map_err(place)?;
    file.sync_all().map_err(place)
}

/// Reads the archive (a missing file is an empty archive). Lines that cannot be read
/// are skipped and described in the second value, so one damaged line does not make
/// every other entry unrestorable.
pub fn read(path: &Path) -> Result<(Vec<Entry>, Vec<String>)> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => {
            return Err(Error::io(
                format!("cannot read the archive {}", path.display()),
                e,
            ));
        }
    };
    Ok(parse(&text))
}

/// Folds the archive's lines into entries, in the order they were cleared.
pub fn parse(text: &str) -> (Vec<Entry>, Vec<String>) {
    let mut problems = Vec::new();
    let mut entries: Vec<Entry> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let record: Record = match serde_json::from_str(line) {
            Ok(record) => record,
            Err(e) => {
                problems.push(format!("line {}: {e}", n + 1));
                continue;
            }
        };
        match record.event {
            Event::Clear => match entry_of(record) {
                Ok(entry) => {
                    index.insert(entry.id.clone(), entries.len());
                    entries.push(entry);
                }
                Err(e) => problems.push(format!("line {}: {e}", n + 1)),
            },
            Event::Outcome | Event::Restore => {
                let Some(entry) = index.get(&record.id).map(|&i| &mut entries[i]) else {
                    problems.push(format!(
                        "line {}: {:?} record for unknown entry {}",
                        n + 1,
                        record.event,
                        record.id
                    ));
                    continue;
                };
                if record.event == Event::Restore {
                    entry.restored = Some(record.time);
                } else if record.applied == Some(true) {
                    entry.outcome = Outcome::Deleted;
                } else {
                    entry.outcome = Outcome::NotDeleted(record.reason.unwrap_or_default());
                }
            }
        }
    }
    (entries, problems)
}

fn entry_of(record: Record) -> std::result::Result<Entry, String> {
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
        let (entries, problems) = parse(&text);
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
    fn a_damaged_line_is_reported_and_skipped() {
        let (k, i) = row("a");
        let text = format!(
            "{}{{\"id\": \"trunc\n{}",
            lines(&[Record::clear("1", at(0), &origin(), &k, &i)]),
            lines(&[Record::outcome("1", at(1), true, None)])
        );
        let (entries, problems) = parse(&text);
        assert_eq!(entries.len(), 1);
        assert!(entries[0].applied());
        assert_eq!(problems.len(), 1);
        assert!(problems[0].starts_with("line 2:"), "{problems:?}");
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
    fn default_path_prefers_xdg_state_home() {
        let vars = |xdg: Option<&str>, home: Option<&str>| {
            let (xdg, home) = (xdg.map(str::to_owned), home.map(str::to_owned));
            default_path(move |name| match name {
                "XDG_STATE_HOME" => xdg.clone(),
                "HOME" => home.clone(),
                _ => None,
            })
        };
        assert_eq!(
            vars(Some("/s"), Some("/h")).unwrap(),
            Path::new("/s/cyi/archive.jsonl")
        );
        assert_eq!(
            vars(Some(""), Some("/h")).unwrap(),
            Path::new("/h/.local/state/cyi/archive.jsonl")
        );
        assert!(vars(None, None).is_err());
    }

    #[test]
    fn append_then_read_round_trips_and_creates_the_directory() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("deep/er/archive.jsonl");
        let (k, i) = row("x\ny \"z\" 日本");
        append(&path, &Record::clear("1", at(0), &origin(), &k, &i)).unwrap();
        append(&path, &Record::outcome("1", at(1), true, None)).unwrap();
        let (entries, problems) = read(&path).unwrap();
        assert!(problems.is_empty());
        assert_eq!(entries[0].key, k);
        assert_eq!(entries[0].correlation_id(), "x\ny \"z\" 日本");
        assert!(read(&dir.path().join("absent")).unwrap().0.is_empty());
        // A directory where the file should be cannot be appended to.
        assert!(append(dir.path(), &Record::outcome("1", at(1), true, None)).is_err());
    }

    #[test]
    fn ids_are_time_ordered_and_distinct() {
        let a = new_id(at(0));
        let b = new_id(at(0) + chrono::Duration::nanoseconds(1));
        assert!(a.starts_with("20231114T221320000Z-"), "{a}");
        assert_ne!(a, b);
    }
}
