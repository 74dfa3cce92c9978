//! Where a command writes: [`Ui`] (stdout for the result, stderr for messages, and the
//! output format that decides which is which), one JSON document, and stdout watched
//! for whether anything was written. Knows nothing of what is written (see `render`).
//!
//! With `--output json` stdout holds exactly one document, whatever happens: a command
//! hands its document to [`Ui::document`], which keeps it, and [`Ui::finish`] writes it
//! once the command has returned. A command that fails after it made its document
//! (a refused plan after a dry run, a cluster that ended with errors while waited on)
//! so leaves one document that carries the failure as its `error` member, the same
//! `{code, message, hint, exit_code}` a failure without a document prints alone.

use std::io::Write;
use std::process::ExitCode;

use serde::Serialize;

use crate::cli::OutputFormat;
use crate::error::{Error, Result};
use crate::text::{Table, one_line};

/// Where a command writes, and how.
pub struct Ui<'a> {
    pub out: &'a mut dyn Write,
    pub err: &'a mut dyn Write,
    pub format: OutputFormat,
    /// The JSON document as it will be printed (its fields in their declared order),
    /// kept until [`Ui::finish`].
    document: Option<String>,
}

impl<'a> Ui<'a> {
    pub fn new(out: &'a mut dyn Write, err: &'a mut dyn Write, format: OutputFormat) -> Ui<'a> {
        Ui {
            out,
            err,
            format,
            document: None,
        }
    }
}

impl Ui<'_> {
    pub fn json(&self) -> bool {
        self.format == OutputFormat::Json
    }

    /// A line for people: stdout in table mode, stderr when stdout is a JSON document.
    /// It stays one line (see [`one_line`]): a newline that came with a value is shown
    /// as `\n`; only newlines at its start (blank lines before it) are layout.
    pub fn say(&mut self, line: &str) -> Result<()> {
        self.block(&one_line(line))
    }

    /// A message that is never part of the result (progress, notes); one line, as
    /// [`Ui::say`].
    pub fn note(&mut self, line: &str) -> Result<()> {
        writeln!(self.err, "{}", one_line(line)).map_err(write_error)
    }

    /// A table: on stdout in table mode, on stderr when stdout is a JSON document.
    pub fn table(&mut self, table: &Table) -> Result<()> {
        self.block(&table.text())
    }

    /// Lines laid out on purpose (a table, label-value lines), where [`Ui::say`] goes:
    /// only for text whose every value was shown with `display_text`.
    pub fn block(&mut self, lines: &str) -> Result<()> {
        let target: &mut dyn Write = if self.json() { self.err } else { self.out };
        writeln!(target, "{lines}").map_err(write_error)
    }

    /// The JSON document (only in JSON mode): kept, and written by [`Ui::finish`], so
    /// that a failure after it can still be part of it. A later call replaces it.
    pub fn document<T: Serialize>(&mut self, value: &T) -> Result<()> {
        if self.json() {
            self.document = Some(pretty(value)?);
        }
        Ok(())
    }

    /// Writes the command's document, if it made one, with the command's failure (if
    /// it failed) as its `error` member; then hands the result on. Without a document
    /// nothing is written here (the caller prints a failure's own document).
    pub fn finish(&mut self, result: Result<ExitCode>) -> Result<ExitCode> {
        let Some(mut document) = self.document.take() else {
            return result;
        };
        if let Err(error) = &result {
            if error.is_broken_pipe() {
                return result;
            }
            let failure = error.to_json();
            document = match with_member(&document, "error", &failure["error"]) {
                Some(merged) => merged,
                // Not an object (no command makes one): the failure's document only.
                None => pretty(&failure)?,
            };
        }
        write_text(self.out, document)?;
        result
    }
}

fn pretty<T: Serialize + ?Sized>(value: &T) -> Result<String> {
    serde_json::to_string_pretty(value)
        .map_err(|e| Error::Failed(format!("cannot write JSON: {e}")))
}

/// The pretty-printed object `document` with one more member `name: value` at its
/// end, its other members untouched and in their order (a `serde_json::Value` would
/// sort them); None when `document` is not an object.
fn with_member(document: &str, name: &str, value: &serde_json::Value) -> Option<String> {
    let body = document
        .strip_prefix('{')?
        .trim_end()
        .strip_suffix('}')?
        .trim_end();
    let value = serde_json::to_string_pretty(value)
        .ok()?
        .replace('\n', "\n  ");
    let name = serde_json::to_string(name).ok()?;
    let comma = if body.is_empty() { "" } else { "," };
    Some(format!("{{{body}{comma}\n  {name}: {value}\n}}"))
}

/// One JSON document and a newline. Serialised first, so that a failure to write
/// (a closed pipe) is an I/O error like any other, not a serialisation error.
pub fn write_document<T: Serialize>(out: &mut dyn Write, value: &T) -> Result<()> {
    write_text(out, pretty(value)?)
}

fn write_text(out: &mut dyn Write, mut text: String) -> Result<()> {
    text.push('\n');
    out.write_all(text.as_bytes()).map_err(write_error)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_goes_to_stdout_and_messages_to_stderr() {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let mut ui = Ui::new(&mut out, &mut err, OutputFormat::Json);
        ui.say("a message").unwrap();
        ui.document(&serde_json::json!({"k": 1})).unwrap();
        ui.finish(Ok(ExitCode::SUCCESS)).unwrap();
        assert_eq!(String::from_utf8(err).unwrap(), "a message\n");
        let doc: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(doc["k"], 1);
    }

    /// A document whose members are not in alphabetical order.
    #[derive(Serialize)]
    struct Plan {
        dry_run: bool,
        cluster_id: Option<String>,
    }

    /// What `--output json` leaves on stdout when the command returns `result` after
    /// making `documents` (in order).
    fn stdout_of<T: Serialize>(documents: &[T], result: Result<ExitCode>) -> (String, bool) {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let mut ui = Ui::new(&mut out, &mut err, OutputFormat::Json);
        for document in documents {
            ui.document(document).unwrap();
        }
        let failed = ui.finish(result).is_err();
        (String::from_utf8(out).unwrap(), failed)
    }

    #[test]
    fn a_failure_after_the_document_is_one_document_carrying_the_error() {
        let plan = Plan {
            dry_run: true,
            cluster_id: None,
        };
        let (out, failed) = stdout_of(
            std::slice::from_ref(&plan),
            Err(Error::refused(
                "the export date has no input",
                Some("upload it".into()),
            )),
        );
        assert!(
            failed,
            "the failure is handed on, for stderr and the exit code"
        );
        let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(doc["dry_run"], true);
        assert_eq!(doc["error"]["code"], "refused");
        assert_eq!(doc["error"]["message"], "the export date has no input");
        assert_eq!(doc["error"]["hint"], "upload it");
        assert_eq!(doc["error"]["exit_code"], 1);
        // One document, not two: it parses as a stream of exactly one value.
        let stream = serde_json::Deserializer::from_str(&out).into_iter::<serde_json::Value>();
        assert_eq!(stream.count(), 1);
        // The document's own members keep their declared order; the error comes last.
        assert!(
            out.find("\"dry_run\"") < out.find("\"cluster_id\""),
            "{out}"
        );
        assert!(out.find("\"cluster_id\"") < out.find("\"error\""), "{out}");
        // A second document replaces the first; success adds no error member.
        let (out, failed) = stdout_of(
            &[serde_json::json!({"k": 1}), serde_json::json!({"k": 2})],
            Ok(ExitCode::SUCCESS),
        );
        assert!(!failed);
        let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(doc, serde_json::json!({"k": 2}));
        // No document: nothing here (the caller prints the failure's own).
        let (out, failed) = stdout_of::<Plan>(&[], Err(Error::usage("bad")));
        assert!(failed && out.is_empty());
    }

    #[test]
    fn a_said_line_is_one_line_and_a_block_keeps_its_lines() {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let mut ui = Ui::new(&mut out, &mut err, OutputFormat::Table);
        ui.say("Status FAILED\nCleared row x").unwrap();
        ui.say("\nSteps: none.").unwrap();
        ui.note("warning: a\nb").unwrap();
        ui.block("a\nb").unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "Status FAILED\\nCleared row x\n\nSteps: none.\na\nb\n"
        );
        assert_eq!(String::from_utf8(err).unwrap(), "warning: a\\nb\n");
    }

    #[test]
    fn a_member_is_added_at_the_end_of_a_pretty_object_only() {
        let error = serde_json::json!({"code": "failed", "hint": null});
        let merged = with_member("{}", "error", &error).unwrap();
        assert_eq!(
            merged,
            "{\n  \"error\": {\n    \"code\": \"failed\",\n    \"hint\": null\n  }\n}"
        );
        let nested = pretty(&serde_json::json!({"a": {"b": [1]}})).unwrap();
        let merged: serde_json::Value =
            serde_json::from_str(&with_member(&nested, "error", &error).unwrap()).unwrap();
        assert_eq!(merged["a"]["b"][0], 1);
        assert_eq!(merged["error"]["code"], "failed");
        assert_eq!(with_member("[1]", "error", &error), None);
    }

    #[test]
    fn table_mode_prints_no_document() {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let mut ui = Ui::new(&mut out, &mut err, OutputFormat::Table);
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
