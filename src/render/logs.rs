//! `cyi logs` output: the step and its failure, then the log lines, escaped so that a
//! log cannot drive the terminal.

use std::fmt::Write as _;
use std::io::{self, Write};

use serde::Serialize;

use super::{Ui, display_text};
use crate::aws::emr::StepFailure;
use crate::error::Result;
use crate::logs::LogFile;
use crate::logs::tail::LineSink;

/// The step a log belongs to.
#[derive(Debug, Clone, Serialize)]
pub struct StepReport {
    pub id: String,
    pub name: String,
    pub state: String,
    pub failure: Option<StepFailure>,
}

/// The JSON document of `cyi logs --output json`.
#[derive(Debug, Clone, Serialize)]
pub struct LogsReport {
    pub cluster_id: String,
    pub step: StepReport,
    pub file: LogFile,
    pub s3_uri: String,
    /// Lines in the whole file.
    pub line_count: u64,
    pub lines: Vec<String>,
}

/// A log line safe to print: C0 and C1 control characters (ESC above all) and the
/// bidirectional overrides are shown as `\x1b` / `\u{202e}`; tabs stay tabs.
pub fn terminal_line(line: &str) -> String {
    let mut safe = String::with_capacity(line.len());
    for c in line.chars() {
        let bidi = matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
        if c == '\t' || !(c.is_control() || bidi) {
            safe.push(c);
        } else if (c as u32) < 0x100 {
            let _ = write!(safe, "\\x{:02x}", c as u32);
        } else {
            let _ = write!(safe, "\\u{{{:x}}}", c as u32);
        }
    }
    safe
}

/// EMR's failure details of a step, a line each (above a log, and in restart's plan).
pub fn failure_lines(failure: &StepFailure) -> Vec<String> {
    let text = |v: &Option<String>| v.as_deref().map(display_text);
    [
        ("Failure reason", text(&failure.reason)),
        ("Failure message", text(&failure.message)),
        ("EMR's log file", text(&failure.log_file)),
    ]
    .into_iter()
    .filter_map(|(label, value)| value.map(|v| format!("{label}: {v}")))
    .collect()
}

/// The lines above the log: which cluster, step and file, and EMR's failure details.
pub fn header(ui: &mut Ui<'_>, report: &LogsReport, what: &str) -> Result<()> {
    let step = &report.step;
    ui.say(&format!(
        "Cluster {}, step {} ({}), {}",
        display_text(&report.cluster_id),
        display_text(&step.name),
        display_text(&step.id),
        display_text(&step.state)
    ))?;
    for line in step.failure.iter().flat_map(failure_lines) {
        ui.say(&line)?;
    }
    ui.say(&format!(
        "--- {} ({what}) ---",
        display_text(&report.s3_uri)
    ))
}

/// The kept lines, each escaped.
pub fn lines(ui: &mut Ui<'_>, lines: &[String]) -> Result<()> {
    for line in lines {
        ui.say(&terminal_line(line))?;
    }
    Ok(())
}

/// Prints each line as it is decompressed (`--all`), escaped.
pub struct Printer<'a> {
    pub out: &'a mut dyn Write,
}

impl LineSink for Printer<'_> {
    fn line(&mut self, line: &[u8]) -> io::Result<()> {
        writeln!(
            self.out,
            "{}",
            terminal_line(&String::from_utf8_lossy(line))
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_c0_c1_controls_are_shown_not_sent() {
        assert_eq!(terminal_line("plain\ttabbed"), "plain\ttabbed");
        assert_eq!(terminal_line("\x1b[31mred\x1b[0m"), "\\x1b[31mred\\x1b[0m");
        assert_eq!(terminal_line("a\rb\x07\x7f"), "a\\x0db\\x07\\x7f");
        assert_eq!(terminal_line("c1 \u{9b}2J"), "c1 \\x9b2J");
        assert_eq!(terminal_line("rtl \u{202e}gnp.exe"), "rtl \\u{202e}gnp.exe");
        assert_eq!(terminal_line("ünïcode ✓"), "ünïcode ✓");
    }

    #[test]
    fn the_printer_escapes_too() {
        let mut out = Vec::new();
        Printer { out: &mut out }.line(b"\x1b]0;title\x07").unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "\\x1b]0;title\\x07\n");
    }
}
