//! Human output can never drive the terminal. Values that came from outside (row
//! attributes, cluster names, tag values, step names, S3 keys, paths, AWS error
//! messages) may hold control characters: `\e[2J` clears the screen, `\e]52;c;…\a`
//! writes the clipboard, `\u{9b}` is a one-byte CSI, U+202E reverses what follows.
//!
//! Rather than escaping each value where it is formatted (and forgetting one), every
//! byte of human output passes through [`Escaped`], a writer that shows such characters
//! as visible escapes (`\x1b`, `\u{9b}`, `\u{202e}`); stdout in table mode and stderr
//! are wrapped once, where the command's writers are made. A JSON document is not: JSON
//! escaping already covers C0 controls and its values must stay exact.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::{self, Write};

/// Whether `c` must not reach a terminal as it is. Newline and tab are layout.
pub fn is_unsafe(c: char) -> bool {
    match c {
        '\n' | '\t' => false,
        // C0 controls, DEL and C1 controls (U+0080 to U+009F, e.g. U+009B, a CSI).
        c if c.is_control() => true,
        // Bidirectional embeddings, overrides and isolates reorder what is shown.
        '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => true,
        _ => false,
    }
}

/// `text` with every unsafe character shown as a visible escape: `\x1b` below U+0080,
/// `\u{9b}` above (borrowed unchanged when there is none).
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut shown = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        push_char(&mut shown, c);
    }
    Cow::Owned(shown)
}

fn push_char(shown: &mut String, c: char) {
    if !is_unsafe(c) {
        shown.push(c);
    } else if (c as u32) < 0x80 {
        let _ = write!(shown, "\\x{:02x}", c as u32);
    } else {
        let _ = write!(shown, "\\u{{{:x}}}", c as u32);
    }
}

/// A writer for human output that escapes what passes through: unsafe characters as
/// [`escape`] shows them, and bytes that are not UTF-8 as `\xNN`.
///
/// Every write is taken whole (text is never split inside a character by our own
/// writes, which come from whole `str`s).
pub struct Escaped<W> {
    inner: W,
}

impl<W: Write> Escaped<W> {
    pub fn new(inner: W) -> Escaped<W> {
        Escaped { inner }
    }

    pub fn into_inner(self) -> W {
        self.inner
    }
}

impl<W: Write> Write for Escaped<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut shown = String::new();
        for chunk in buf.utf8_chunks() {
            shown.push_str(&escape(chunk.valid()));
            for byte in chunk.invalid() {
                let _ = write!(shown, "\\x{byte:02x}");
            }
        }
        self.inner.write_all(shown.as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_shown_not_sent() {
        assert_eq!(escape("FAILED\u{1b}[2J\u{1b}[H"), "FAILED\\x1b[2J\\x1b[H");
        assert_eq!(escape("a\u{1b}]52;c;aGk=\u{7}b"), "a\\x1b]52;c;aGk=\\x07b");
        assert_eq!(escape("cyi\u{9b}31m"), "cyi\\u{9b}31m");
        assert_eq!(escape("x\u{7f}\r\u{0}"), "x\\x7f\\x0d\\x00");
        assert_eq!(escape("\u{85}\u{80}\u{9f}"), "\\u{85}\\u{80}\\u{9f}");
        assert_eq!(
            escape("a\u{202e}b\u{202a}\u{2066}\u{2069}"),
            "a\\u{202e}b\\u{202a}\\u{2066}\\u{2069}"
        );
    }

    #[test]
    fn layout_and_ordinary_text_pass_unchanged() {
        let text = "a\tb\nc é ü 日本 \u{a0} \u{200b} \u{202f} \u{2070} ✓";
        assert!(matches!(escape(text), Cow::Borrowed(t) if t == text));
        assert!(!is_unsafe('\u{a0}'));
        assert!(!is_unsafe('\u{2029}'));
        assert!(!is_unsafe('\u{206a}'));
        assert!(is_unsafe('\u{202b}'));
        assert!(is_unsafe('\u{2067}'));
    }

    #[test]
    fn the_writer_escapes_what_passes_and_invalid_bytes() {
        let mut w = Escaped::new(Vec::new());
        let status = "FAILED\u{1b}[2J";
        writeln!(w, "status {status}").unwrap();
        w.write_all(b"bad \xff\xfe end\n").unwrap();
        w.write_all("tag \u{9b}x\n".as_bytes()).unwrap();
        let written = String::from_utf8(w.into_inner()).unwrap();
        assert_eq!(
            written,
            "status FAILED\\x1b[2J\nbad \\xff\\xfe end\ntag \\u{9b}x\n"
        );
        assert!(!written.chars().any(is_unsafe));
    }

    #[test]
    fn a_write_is_taken_whole() {
        let mut w = Escaped::new(Vec::new());
        assert_eq!(w.write(b"\x1b\x1b").unwrap(), 2);
        assert_eq!(w.into_inner(), b"\\x1b\\x1b");
    }
}
