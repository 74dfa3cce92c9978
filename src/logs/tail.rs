//! The end of a step log, read as a stream: gzip is decompressed chunk by chunk and
//! only the last N lines are kept, so a multi-GB log costs a few kilobytes of memory.

use std::collections::VecDeque;
use std::io::{self, Write};

use flate2::write::MultiGzDecoder;

/// A line longer than this is cut (a log without newlines must not fill the memory).
pub const MAX_LINE_BYTES: usize = 16 * 1024;

/// Where complete lines go.
pub trait LineSink {
    fn line(&mut self, line: &[u8]) -> io::Result<()>;
}

/// Keeps the last `max` lines.
#[derive(Debug)]
pub struct Ring {
    max: usize,
    lines: VecDeque<String>,
}

impl Ring {
    pub fn new(max: usize) -> Ring {
        Ring {
            max,
            lines: VecDeque::with_capacity(max.min(1024)),
        }
    }

    pub fn into_lines(self) -> Vec<String> {
        self.lines.into()
    }
}

impl LineSink for Ring {
    fn line(&mut self, line: &[u8]) -> io::Result<()> {
        if self.max == 0 {
            return Ok(());
        }
        if self.lines.len() == self.max {
            self.lines.pop_front();
        }
        self.lines
            .push_back(String::from_utf8_lossy(line).into_owned());
        Ok(())
    }
}

/// Splits the bytes written to it into lines for a [`LineSink`], cutting overlong ones.
#[derive(Debug)]
pub struct Lines<S> {
    sink: S,
    partial: Vec<u8>,
    /// The current line passed [`MAX_LINE_BYTES`]: its rest is dropped.
    cut: bool,
    /// Complete lines seen.
    pub count: u64,
}

impl<S: LineSink> Lines<S> {
    pub fn new(sink: S) -> Lines<S> {
        Lines {
            sink,
            partial: Vec::new(),
            cut: false,
            count: 0,
        }
    }

    fn emit(&mut self) -> io::Result<()> {
        if self.partial.last() == Some(&b'\r') {
            self.partial.pop();
        }
        if self.cut {
            self.partial.extend_from_slice(" [line cut]".as_bytes());
        }
        self.sink.line(&self.partial)?;
        self.partial.clear();
        self.cut = false;
        self.count += 1;
        Ok(())
    }

    /// Passes on a last line that has no newline, and gives the sink back.
    pub fn finish(mut self) -> io::Result<(S, u64)> {
        if !self.partial.is_empty() || self.cut {
            self.emit()?;
        }
        Ok((self.sink, self.count))
    }
}

impl<S: LineSink> Write for Lines<S> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut rest = buf;
        while !rest.is_empty() {
            let (piece, newline) = match rest.iter().position(|b| *b == b'\n') {
                Some(at) => (&rest[..at], true),
                None => (rest, false),
            };
            let room = MAX_LINE_BYTES.saturating_sub(self.partial.len());
            if piece.len() > room {
                self.cut = true;
            }
            self.partial
                .extend_from_slice(&piece[..piece.len().min(room)]);
            if newline {
                self.emit()?;
                rest = &rest[piece.len() + 1..];
            } else {
                rest = &[];
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A writer that takes gzip bytes (one or several members, as concatenated `.gz` files
/// are) and hands their decompressed lines to `sink`.
pub fn gunzip_lines<S: LineSink>(sink: S) -> MultiGzDecoder<Lines<S>> {
    MultiGzDecoder::new(Lines::new(sink))
}

/// Ends the stream: checks the gzip trailer, then passes on the last line.
pub fn finish<S: LineSink>(decoder: MultiGzDecoder<Lines<S>>) -> io::Result<(S, u64)> {
    decoder.finish()?.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::Compression;
    use flate2::write::GzEncoder;

    fn gzip(text: &[u8]) -> Vec<u8> {
        let mut enc = GzEncoder::new(Vec::new(), Compression::fast());
        enc.write_all(text).unwrap();
        enc.finish().unwrap()
    }

    fn tail(gz: &[u8], n: usize, chunk: usize) -> (Vec<String>, u64) {
        let mut dec = gunzip_lines(Ring::new(n));
        for piece in gz.chunks(chunk) {
            dec.write_all(piece).unwrap();
        }
        let (ring, count) = finish(dec).unwrap();
        (ring.into_lines(), count)
    }

    #[test]
    fn keeps_the_last_lines_whatever_the_chunking() {
        let text: String = (1..=1000).map(|i| format!("line {i}\n")).collect();
        let gz = gzip(text.as_bytes());
        for chunk in [1, 7, 4096, gz.len()] {
            let (lines, count) = tail(&gz, 3, chunk);
            assert_eq!(lines, ["line 998", "line 999", "line 1000"], "{chunk}");
            assert_eq!(count, 1000);
        }
    }

    #[test]
    fn a_last_line_without_newline_and_crlf() {
        let (lines, count) = tail(&gzip(b"a\r\nb\nlast"), 10, 3);
        assert_eq!(lines, ["a", "b", "last"]);
        assert_eq!(count, 3);
        let (lines, _) = tail(&gzip(b""), 10, 3);
        assert!(lines.is_empty());
    }

    #[test]
    fn concatenated_members_are_read_through() {
        let mut gz = gzip(b"one\n");
        gz.extend(gzip(b"two\n"));
        assert_eq!(tail(&gz, 10, 5).0, ["one", "two"]);
    }

    #[test]
    fn overlong_lines_are_cut_not_kept_whole() {
        let mut text = vec![b'x'; MAX_LINE_BYTES * 3];
        text.extend_from_slice(b"\nshort\n");
        let (lines, count) = tail(&gzip(&text), 10, 1000);
        assert_eq!(count, 2);
        assert!(lines[0].len() < MAX_LINE_BYTES + 20);
        assert!(lines[0].ends_with("[line cut]"));
        assert_eq!(lines[1], "short");
    }

    #[test]
    fn not_gzip_is_an_error() {
        let mut dec = gunzip_lines(Ring::new(5));
        let wrote = dec.write_all(b"plain text, not gzip\n");
        assert!(wrote.is_err() || finish(dec).is_err());
    }

    #[test]
    fn invalid_utf8_is_replaced() {
        let (lines, _) = tail(&gzip(b"ok \xff\xfe end\n"), 1, 64);
        assert_eq!(lines, ["ok \u{fffd}\u{fffd} end"]);
    }
}
