//! Where a command writes: [`Ui`] (stdout for the result, stderr for messages, and the
//! output format that decides which is which), one JSON document, and stdout watched
//! for whether anything was written. Knows nothing of what is written (see `render`).

use std::io::Write;

use comfy_table::Table;
use serde::Serialize;

use crate::cli::OutputFormat;
use crate::error::{Error, Result};

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

#[cfg(test)]
mod tests {
    use super::*;

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
