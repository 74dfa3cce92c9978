//! Tables and JSON, rendered from plain data into writers so output can be tested.
//!
//! stdout carries the result (a table, or one JSON document with `--output json`);
//! stderr carries messages, plans shown before a JSON result, and prompts.

pub mod all_envs;
pub mod clusters;
pub mod history;
pub mod launch;
pub mod logs;
pub mod row;
pub mod status;
pub mod stop;

use std::io::Write;

use chrono::{DateTime, Utc};
use comfy_table::{ContentArrangement, Table, presets};
use serde::Serialize;

use crate::aws::credentials::AssumedRole;
use crate::cli::OutputFormat;
use crate::error::{Error, Result};
pub use crate::text::{SharedWriter, count, display_text, escape, shell_word};

/// Where a command writes, and how.
pub struct Ui<'a> {
    pub out: &'a mut dyn Write,
    pub err: &'a mut dyn Write,
    pub format: OutputFormat,
}

impl Ui<'_> {
    pub fn json(&self) -> bool {
        self.format == OutputFormat::Json
    }

    /// A line for people: stdout in table mode, stderr when stdout is a JSON document.
    pub fn say(&mut self, line: &str) -> Result<()> {
        let target: &mut dyn Write = if self.json() { self.err } else { self.out };
        writeln!(target, "{line}").map_err(write_error)
    }

    /// A message that is never part of the result (progress, notes).
    pub fn note(&mut self, line: &str) -> Result<()> {
        writeln!(self.err, "{line}").map_err(write_error)
    }

    /// A table: on stdout in table mode, on stderr when stdout is a JSON document.
    pub fn table(&mut self, table: &Table) -> Result<()> {
        let text = table.to_string();
        let trimmed: Vec<&str> = text.lines().map(str::trim_end).collect();
        self.say(&trimmed.join("\n"))
    }

    /// The JSON document (only in JSON mode).
    pub fn document<T: Serialize>(&mut self, value: &T) -> Result<()> {
        if self.json() {
            write_document(self.out, value)?;
        }
        Ok(())
    }
}

/// One JSON document and a newline. Serialised first, so that a failure to write
/// (a closed pipe) is an I/O error like any other, not a serialisation error.
pub fn write_document<T: Serialize>(out: &mut dyn Write, value: &T) -> Result<()> {
    let mut text = serde_json::to_vec_pretty(value)
        .map_err(|e| Error::Failed(format!("cannot write JSON: {e}")))?;
    text.push(b'\n');
    out.write_all(&text).map_err(write_error)?;
    out.flush().map_err(write_error)
}

/// stdout, remembering whether anything was written to it: with `--output json`, a
/// failure after a command already printed its document (a refused plan) must not add
/// a second one.
pub struct Watched<W> {
    inner: W,
    used: bool,
}

impl<W: Write> Watched<W> {
    pub fn new(inner: W) -> Watched<W> {
        Watched { inner, used: false }
    }

    pub fn used(&self) -> bool {
        self.used
    }

    #[cfg(test)]
    pub fn inner_for_test(self) -> W {
        self.inner
    }
}

impl<W: Write> Write for Watched<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.used |= !buf.is_empty();
        self.inner.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

fn write_error(err: std::io::Error) -> Error {
    Error::io("cannot write the output", err)
}

/// Below this many columns a terminal's reported width is not believed (a pty that
/// reports 0 would squeeze every column to one character): the table keeps its width.
const MIN_BELIEVABLE_WIDTH: u16 = 40;

/// A table with a header row, wrapped to the terminal's width when there is a terminal
/// that reports a believable one.
pub fn table<const N: usize>(header: [&str; N]) -> Table {
    let mut table = Table::new();
    table.load_preset(presets::NOTHING).set_header(header);
    match table.width() {
        Some(width) if width >= MIN_BELIEVABLE_WIDTH => {
            table.set_content_arrangement(ContentArrangement::Dynamic);
        }
        _ => {
            table.set_content_arrangement(ContentArrangement::Disabled);
        }
    }
    table
}

/// A compact age such as `3d 4h`, `2h 13m`, `5m 2s` or `40s`.
pub fn age(since: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let secs = (now - since).num_seconds().max(0);
    let (d, h, m, s) = (
        secs / 86_400,
        secs % 86_400 / 3600,
        secs % 3600 / 60,
        secs % 60,
    );
    match (d, h, m) {
        (0, 0, 0) => format!("{s}s"),
        (0, 0, _) => format!("{m}m {s}s"),
        (0, _, _) => format!("{h}h {m}m"),
        _ => format!("{d}d {h}h"),
    }
}

/// Whose account a plan acts in: `account 123456789012`, followed by the role when one
/// was assumed (`account 123456789012 as ops via cyi-prod`).
pub fn account(account: &str, role: Option<&AssumedRole>) -> String {
    match role {
        Some(role) => format!("account {account} {role}"),
        None => format!("account {account}"),
    }
}

/// A timestamp as operators read it: UTC, to the second.
pub fn time(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_account_names_the_assumed_role() {
        assert_eq!(account("123456789012", None), "account 123456789012");
        let role = AssumedRole {
            role_arn: "arn:aws:iam::123456789012:role/ops".into(),
            profile: Some("cyi-prod".into()),
        };
        assert_eq!(
            account("123456789012", Some(&role)),
            "account 123456789012 as ops via cyi-prod"
        );
    }

    #[test]
    fn ages() {
        let now = Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).unwrap();
        let at = |secs: i64| now - chrono::Duration::seconds(secs);
        assert_eq!(age(at(40), now), "40s");
        assert_eq!(age(at(302), now), "5m 2s");
        assert_eq!(age(at(2 * 3600 + 13 * 60), now), "2h 13m");
        assert_eq!(age(at(3 * 86_400 + 4 * 3600 + 59), now), "3d 4h");
        assert_eq!(age(now + chrono::Duration::seconds(5), now), "0s");
    }

    #[test]
    fn json_goes_to_stdout_and_messages_to_stderr() {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let mut ui = Ui {
            out: &mut out,
            err: &mut err,
            format: OutputFormat::Json,
        };
        ui.say("a message").unwrap();
        ui.document(&serde_json::json!({"k": 1})).unwrap();
        assert_eq!(String::from_utf8(err).unwrap(), "a message\n");
        let doc: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(doc["k"], 1);
    }

    #[test]
    fn table_mode_prints_no_document() {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let mut ui = Ui {
            out: &mut out,
            err: &mut err,
            format: OutputFormat::Table,
        };
        ui.say("a line").unwrap();
        ui.document(&serde_json::json!({"k": 1})).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "a line\n");
        assert!(err.is_empty());
    }

    #[test]
    fn a_closed_pipe_is_an_io_error_not_a_json_error() {
        struct Closed;
        impl Write for Closed {
            fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
                Err(std::io::ErrorKind::BrokenPipe.into())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let err = write_document(&mut Closed, &serde_json::json!({"k": 1})).unwrap_err();
        assert!(err.is_broken_pipe(), "{err:?}");
    }
}
