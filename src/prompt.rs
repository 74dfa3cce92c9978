//! One line typed at the terminal, read so that a keypress cannot misfire:
//! anything typed before the question is shown is discarded (the tty's input queue is
//! flushed), the answer counts only once Enter is pressed, and Ctrl-C cancels instead
//! of killing the process with the terminal left as it was.

use std::io::Write;
use std::os::fd::AsFd;

use rustix::termios::{
    self, LocalModes, OptionalActions, QueueSelector, SpecialCodeIndex, Termios,
};

/// What the person did at the prompt.
#[derive(Debug, PartialEq, Eq)]
pub enum Reply {
    /// A line ended by Enter (or end of input), without its line ending.
    Line(String),
    /// Ctrl-C.
    Cancelled,
}

/// Shows `question` on `echo` (the terminal's stderr) and reads one line from stdin,
/// which must be a terminal.
pub fn ask(question: &str, echo: &mut dyn Write) -> std::io::Result<Reply> {
    read_line(question, echo, Shown::Typed)
}

/// [`ask`] for a secret (an MFA code): what is typed is not shown.
pub fn ask_secret(question: &str, echo: &mut dyn Write) -> std::io::Result<Reply> {
    read_line(question, echo, Shown::Nothing)
}

/// Whether the keys typed are echoed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shown {
    Typed,
    Nothing,
}

fn read_line(question: &str, echo: &mut dyn Write, shown: Shown) -> std::io::Result<Reply> {
    let stdin = std::io::stdin();
    let fd = stdin.as_fd();
    write!(echo, "{question}")?;
    echo.flush()?;
    // Keys pressed before the question was on screen were not an answer to it.
    termios::tcflush(fd, QueueSelector::IFlush)?;
    let saved = termios::tcgetattr(fd)?;
    let mut keys = saved.clone();
    // Byte by byte, no echo by the kernel, Ctrl-C as a byte rather than a signal.
    keys.local_modes
        .remove(LocalModes::ICANON | LocalModes::ECHO | LocalModes::ISIG);
    keys.special_codes[SpecialCodeIndex::VMIN] = 1;
    keys.special_codes[SpecialCodeIndex::VTIME] = 0;
    termios::tcsetattr(fd, OptionalActions::Now, &keys)?;
    let _restore = Restore { fd, saved };
    let mut editor = LineEditor::default();
    loop {
        let mut byte = [0u8; 1];
        let read = rustix::io::read(fd, &mut byte)?;
        let key = if read == 0 { None } else { Some(byte[0]) };
        match editor.key(key) {
            Step::Echo(text) if shown == Shown::Typed => {
                echo.write_all(&text)?;
                echo.flush()?;
            }
            Step::Echo(_) => {}
            Step::Done(reply) => {
                writeln!(echo)?;
                return Ok(reply);
            }
        }
    }
}

/// Puts the terminal back as it was, on every way out of [`ask`].
struct Restore<'fd> {
    fd: std::os::fd::BorrowedFd<'fd>,
    saved: Termios,
}

impl Drop for Restore<'_> {
    fn drop(&mut self) {
        let _ = termios::tcsetattr(self.fd, OptionalActions::Now, &self.saved);
    }
}

/// What one key does.
#[derive(Debug, PartialEq, Eq)]
enum Step {
    Echo(Vec<u8>),
    Done(Reply),
}

/// The minimal line editing a yes/no or a name needs: typing, Backspace, Ctrl-U,
/// Enter, Ctrl-C, Ctrl-D. Pure, so it is unit-tested.
#[derive(Debug, Default)]
struct LineEditor {
    line: Vec<u8>,
}

const CTRL_C: u8 = 0x03;
const CTRL_D: u8 = 0x04;
const CTRL_U: u8 = 0x15;
const BACKSPACE: u8 = 0x08;
const DELETE: u8 = 0x7f;
const ERASE: &[u8] = b"\x08 \x08";

impl LineEditor {
    /// `None`: end of input.
    fn key(&mut self, key: Option<u8>) -> Step {
        match key {
            None => Step::Done(self.finish()),
            Some(CTRL_C) => Step::Done(Reply::Cancelled),
            Some(b'\r' | b'\n') => Step::Done(self.finish()),
            Some(CTRL_D) if self.line.is_empty() => Step::Done(self.finish()),
            Some(BACKSPACE | DELETE) => {
                let before = self.chars();
                self.pop_char();
                Step::Echo(ERASE.repeat(before - self.chars()))
            }
            Some(CTRL_U) => {
                let erase = ERASE.repeat(self.chars());
                self.line.clear();
                Step::Echo(erase)
            }
            // Continuation bytes of UTF-8 and printable characters; other controls
            // (arrows, Tab) are ignored rather than kept invisibly in the answer.
            Some(byte) if byte >= 0x20 => {
                self.line.push(byte);
                Step::Echo(vec![byte])
            }
            Some(_) => Step::Echo(Vec::new()),
        }
    }

    fn chars(&self) -> usize {
        String::from_utf8_lossy(&self.line).chars().count()
    }

    fn pop_char(&mut self) {
        while let Some(byte) = self.line.pop() {
            // Stop at the first byte of a UTF-8 sequence.
            if byte & 0xC0 != 0x80 {
                break;
            }
        }
    }

    fn finish(&mut self) -> Reply {
        Reply::Line(String::from_utf8_lossy(&std::mem::take(&mut self.line)).into_owned())
    }
}

/// True for `y` or `yes` in any case, surrounding spaces ignored; anything else is no.
pub fn is_yes(answer: &str) -> bool {
    let answer = answer.trim();
    answer.eq_ignore_ascii_case("y") || answer.eq_ignore_ascii_case("yes")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(keys: &[u8]) -> (Vec<Step>, Option<Reply>) {
        let mut editor = LineEditor::default();
        let mut echoes = Vec::new();
        for key in keys {
            match editor.key(Some(*key)) {
                Step::Done(reply) => return (echoes, Some(reply)),
                step => echoes.push(step),
            }
        }
        (echoes, None)
    }

    fn line(text: &str) -> Option<Reply> {
        Some(Reply::Line(text.into()))
    }

    #[test]
    fn only_enter_ends_the_answer() {
        assert_eq!(typed(b"y").1, None);
        assert_eq!(typed(b"yes").1, None);
        assert_eq!(typed(b"y\r").1, line("y"));
        assert_eq!(typed(b"yes\n").1, line("yes"));
        assert_eq!(typed(b"\r").1, line(""));
    }

    #[test]
    fn ctrl_c_cancels_and_ctrl_d_on_an_empty_line_ends_it() {
        assert_eq!(typed(b"ye\x03").1, Some(Reply::Cancelled));
        assert_eq!(typed(b"\x04").1, line(""));
        assert_eq!(typed(b"n\x04\r").1, line("n"));
        let mut editor = LineEditor::default();
        editor.key(Some(b'y'));
        assert_eq!(editor.key(None), Step::Done(Reply::Line("y".into())));
    }

    #[test]
    fn backspace_and_ctrl_u_edit_the_line() {
        assert_eq!(typed(b"n\x7fy\r").1, line("y"));
        assert_eq!(typed(b"no\x15yes\r").1, line("yes"));
        assert_eq!(typed(b"\x08\x08y\r").1, line("y"));
        let (echoes, reply) = typed("é\x7f\r".as_bytes());
        assert_eq!(reply, line(""));
        assert_eq!(echoes.last(), Some(&Step::Echo(ERASE.to_vec())));
    }

    #[test]
    fn control_keys_are_not_kept_in_the_answer() {
        assert_eq!(typed(b"y\x1b[A\r").1, line("y[A"));
        assert_eq!(typed(b"\ty\r").1, line("y"));
    }

    #[test]
    fn yes_is_y_or_yes_in_any_case() {
        for yes in ["y", "Y", "yes", "YES", "Yes", " y "] {
            assert!(is_yes(yes), "{yes:?}");
        }
        for no in ["", "n", "no", "yess", "ye", "y y", "oui", "\u{1b}"] {
            assert!(!is_yes(no), "{no:?}");
        }
    }
}
