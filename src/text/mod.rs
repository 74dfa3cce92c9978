//! Small text helpers every layer needs, with nothing of the domain in them: how a
//! value from outside is shown (escaped), how a suggested command quotes a word, how a
//! count is written, and the shared stderr writer. A leaf: it imports nothing from the
//! crate, so domain and AWS modules can use it without depending on `render`.

pub mod escape;
mod table;

pub use table::Table;

use std::borrow::Cow;
use std::io::Write;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};

/// `1 cluster`, `2 clusters`: the one way a count is written, never `cluster(s)`.
pub fn count<N: std::fmt::Display + PartialEq + From<u8>>(n: N, one: &str, many: &str) -> String {
    let word = if n == N::from(1) { one } else { many };
    format!("{n} {word}")
}

/// A string shown as it is, unless it holds control characters (a newline in a
/// correlation id), which are shown escaped so one value cannot look like two; a
/// bidirectional override is shown escaped too (see [`escape::escape`]).
pub fn display_text(s: &str) -> String {
    if s.chars().any(char::is_control) {
        escape::escape(&format!("{s:?}")).into_owned()
    } else {
        escape::escape(s).into_owned()
    }
}

/// A line of human output that stays one line: blank lines asked for in front of it
/// are kept, and any newline after them (one that came with a value, as in a Status of
/// `FAILED\nCleared row x`) is shown as `\n`, so no value can print a line of its own.
pub fn one_line(text: &str) -> Cow<'_, str> {
    let body = text.trim_start_matches('\n');
    if !body.contains('\n') {
        return Cow::Borrowed(text);
    }
    let lead = &text[..text.len() - body.len()];
    Cow::Owned(format!("{lead}{}", body.replace('\n', "\\n")))
}

/// A value quoted for a POSIX shell (by `shlex`), so a suggested command can be pasted
/// as is. A value no shell word can hold (a NUL byte) is shown escaped instead.
pub fn shell_word(s: &str) -> String {
    match shlex::try_quote(s) {
        Ok(quoted) => quoted.into_owned(),
        Err(_) => format!("{s:?}"),
    }
}

/// The global options that chose where this run acts (`--env production`, `--profile
/// ops`...), already quoted, set once when the command line has been read.
static TARGET: std::sync::RwLock<String> = std::sync::RwLock::new(String::new());

/// Records the options every suggested command must carry so that, pasted as it is, it
/// acts on the same environment, account and region as the command that suggested it.
pub fn set_target_options(options: &[(&str, &str)]) {
    let words: Vec<String> = options
        .iter()
        .map(|(flag, value)| format!("{flag} {}", shell_word(value)))
        .collect();
    let mut target = TARGET
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    *target = words.join(" ");
}

/// A `cyi` command line to suggest: `rest` (the subcommand and its arguments, already
/// quoted) after the options of [`set_target_options`]. Every suggestion is built here,
/// never as a literal `cyi ...`, so none can point at another environment.
pub fn cyi_command(rest: &str) -> String {
    let target = TARGET
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if target.is_empty() {
        format!("cyi {rest}")
    } else {
        format!("cyi {target} {rest}")
    }
}

/// A timestamp as operators read it: UTC, to the second.
pub fn time(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

/// The process's stderr, shared between the messages of a command and the
/// `--verbose` trace that the AWS SDK calls from inside its clients, so that both go
/// through one writer (and, in tests, into one buffer).
#[derive(Clone)]
pub struct SharedWriter(Arc<Mutex<dyn Write + Send>>);

impl SharedWriter {
    pub fn new(inner: impl Write + Send + 'static) -> SharedWriter {
        SharedWriter(Arc::new(Mutex::new(inner)))
    }

    pub fn stderr() -> SharedWriter {
        SharedWriter::new(std::io::stderr())
    }
}

impl Write for SharedWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self.0.lock() {
            Ok(mut inner) => inner.write(buf),
            Err(poisoned) => poisoned.into_inner().write(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self.0.lock() {
            Ok(mut inner) => inner.flush(),
            Err(poisoned) => poisoned.into_inner().flush(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_say_one_or_many() {
        assert_eq!(count(1_usize, "cluster", "clusters"), "1 cluster");
        assert_eq!(count(0_usize, "cluster", "clusters"), "0 clusters");
        assert_eq!(count(2_u64, "object", "objects"), "2 objects");
    }

    #[test]
    fn a_line_stays_one_line_whatever_its_values_hold() {
        assert!(matches!(one_line("plain"), Cow::Borrowed("plain")));
        assert_eq!(one_line("\nSteps: none."), "\nSteps: none.");
        assert_eq!(
            one_line("Row x is FAILED\nCleared row x"),
            "Row x is FAILED\\nCleared row x"
        );
        assert_eq!(one_line("\n\na\nb\n"), "\n\na\\nb\\n");
        assert_eq!(one_line("a\tb"), "a\tb");
    }

    #[test]
    fn suggested_commands_quote_for_the_shell() {
        assert_eq!(shell_word("run-1"), "run-1");
        assert_eq!(shell_word(""), "''");
        assert_eq!(shell_word("a b"), "'a b'");
        // Whatever the quoting style, the shell must read back the same word.
        for word in [
            "it's $(x)",
            "a\"b`c`",
            "new\nline",
            "*?[x]",
            "~user",
            "#x",
            "é ü",
        ] {
            let quoted = shell_word(word);
            assert_eq!(
                shlex::split(&quoted),
                Some(vec![word.to_owned()]),
                "{quoted}"
            );
        }
        assert_eq!(shell_word("a\0b"), "\"a\\0b\"");
    }

    #[test]
    fn the_shared_writer_is_one_buffer_for_every_clone() {
        let buffer = Arc::new(Mutex::new(Vec::new()));
        struct Into(Arc<Mutex<Vec<u8>>>);
        impl Write for Into {
            fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
                self.0.lock().unwrap().extend_from_slice(buf);
                Ok(buf.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let mut one = SharedWriter::new(Into(buffer.clone()));
        let mut two = one.clone();
        write!(one, "a").unwrap();
        write!(two, "b").unwrap();
        assert_eq!(buffer.lock().unwrap().as_slice(), b"ab");
    }
}
