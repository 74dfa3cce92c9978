//! The launcher YAML files treated as hostile input before the YAML parser sees them:
//! a local file must be a regular file (see [`crate::local_file`]), every file (local
//! or from S3) has a size cap and a nesting cap, and a UTF-8 byte order mark is
//! dropped. The YAML parser needs time that grows with the square of the nesting
//! (200 KB of `[` took 25 s), so the nesting is measured first by a linear scan.

use std::path::Path;

use crate::error::{Error, Result};
use crate::local_file::{self, ReadError};

/// The largest launcher file read. Real ones are a few KB; the cap keeps the parse of
/// the largest accepted file well under a second.
pub const MAX_FILE_BYTES: u64 = 256 * 1024;

/// The deepest nesting accepted (EMR's own request shape needs fewer than ten).
pub const MAX_DEPTH: usize = 32;

/// The text of one local launcher file, `None` when nothing is at the path.
pub fn local_file(path: &Path) -> Result<Option<String>> {
    match local_file::read_text(path, MAX_FILE_BYTES) {
        Ok(text) => Ok(Some(text)),
        Err(ReadError::NotFound) => Ok(None),
        Err(ReadError::Io(err)) => Err(Error::io(format!("cannot read {}", path.display()), err)),
        Err(err) => Err(Error::usage(format!("{}: {err}", path.display()))),
    }
}

/// Checks that the cluster config folder is one (links followed): a file, a FIFO or a
/// dangling link there is named as such.
pub fn local_folder(dir: &Path) -> Result<()> {
    const HINT: &str =
        "pass --cluster-config DIR|s3://BUCKET/PREFIX or set cluster_config in the environment";
    let problem = match std::fs::metadata(dir) {
        Ok(meta) if meta.is_dir() => return Ok(()),
        Ok(_) => "is not a folder".to_owned(),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => match std::fs::read_link(dir) {
            Ok(target) => format!(
                "is a symbolic link to {}, which does not exist",
                target.display()
            ),
            Err(_) => "does not exist".to_owned(),
        },
        Err(err) => return Err(Error::io(format!("cannot read {}", dir.display()), err)),
    };
    Err(Error::usage_hint(
        format!("the cluster config folder {} {problem}", dir.display()),
        HINT,
    ))
}

/// Parses one launcher file's text (from a folder or from S3) into a YAML value, after
/// the size and nesting checks.
pub fn parse_yaml(name: &str, text: &str) -> Result<serde_yaml_ng::Value> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.len() as u64 > MAX_FILE_BYTES {
        return Err(Error::usage(format!(
            "{name}: larger than the limit of {MAX_FILE_BYTES} bytes; refusing to parse it"
        )));
    }
    if let Some(line) = too_deep(text, MAX_DEPTH) {
        return Err(Error::usage(format!(
            "{name}: line {line}: nested more than {MAX_DEPTH} levels deep (the limit); refusing to parse it"
        )));
    }
    serde_yaml_ng::from_str(text).map_err(|e| Error::usage(format!("{name}: not valid YAML: {e}")))
}

/// The first line (1-based) where the nesting goes deeper than `max`, if any.
///
/// Counts what makes the parser slow: open flow collections (`[`, `{`) and compact
/// block collections on one line (`- - - x`). Conservative where YAML is ambiguous to
/// a scanner this simple: a bracket inside a quoted string or a comment is not
/// counted, one inside a block-context plain scalar (`a[0]`) is not either, but inside
/// a flow collection every bracket counts (there they always open a collection).
fn too_deep(text: &str, max: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut flow = 0usize;
    let mut line = 1usize;
    let mut i = 0usize;
    // The byte before `i` that was not part of a quoted string (b'\n' at a line start).
    let mut prev = b'\n';
    let mut compact = 0usize;
    // Inside a plain (unquoted) scalar, where quotes are ordinary characters.
    let mut plain = false;
    while i < bytes.len() {
        let byte = bytes[i];
        let token_start = matches!(prev, b'\n' | b' ' | b'\t' | b'[' | b'{' | b',');
        let before_space = bytes.get(i + 1).is_none_or(|b| b.is_ascii_whitespace());
        match byte {
            b'\n' => {
                line += 1;
                compact = 0;
                plain = false;
            }
            b' ' | b'\t' => {}
            b'#' if matches!(prev, b'\n' | b' ' | b'\t') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'\'' | b'"' if token_start && !plain => {
                i = skip_quoted(bytes, i, &mut line);
                prev = byte;
                continue;
            }
            b'[' | b'{' if flow > 0 || (token_start && !plain) => {
                flow += 1;
                plain = false;
            }
            b']' | b'}' | b',' if flow > 0 => {
                if byte != b',' {
                    flow -= 1;
                }
                plain = false;
            }
            b':' if before_space => plain = false,
            b'-' | b'?'
                if flow == 0
                    && matches!(prev, b'\n' | b' ')
                    && before_space
                    && at_line_indicators(bytes, i) =>
            {
                compact += 1;
            }
            _ => {
                if token_start {
                    plain = true;
                }
            }
        }
        if flow + compact > max {
            return Some(line);
        }
        prev = byte;
        i += 1;
    }
    None
}

/// Whether only spaces and block indicators (`- `, `? `, `: `) precede `i` on its line.
fn at_line_indicators(bytes: &[u8], i: usize) -> bool {
    bytes[..i]
        .iter()
        .rev()
        .take_while(|b| **b != b'\n')
        .all(|b| matches!(b, b' ' | b'-' | b'?' | b':'))
}

/// The index just past the quoted string that starts at `start` (or the end of the
/// text when it is never closed), counting the lines it spans.
fn skip_quoted(bytes: &[u8], start: usize, line: &mut usize) -> usize {
    let quote = bytes[start];
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => *line += 1,
            b'\\' if quote == b'"' => i += 1,
            b'\'' if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 1,
            b if b == quote => return i + 1,
            _ => {}
        }
        i += 1;
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::*;

    fn refused(text: &str) -> String {
        let err = parse_yaml("cluster.yaml", text).unwrap_err();
        assert_eq!(err.exit_code(), 2, "{err}");
        err.to_string()
    }

    #[test]
    fn deep_flow_nesting_is_refused_at_once_naming_file_and_limit() {
        for text in [
            "[".repeat(200_000),
            format!("Name: {}", "[".repeat(200_000)),
            "{a: ".repeat(50_000),
            format!("- x \"\n- {}", "[".repeat(200_000)),
            format!("- it's\n- {}", "[".repeat(200_000)),
            format!("Args: [{}", "[a, ".repeat(50_000)),
        ] {
            let started = Instant::now();
            let text = refused(&text);
            assert!(started.elapsed() < Duration::from_millis(500));
            assert!(text.starts_with("cluster.yaml: line "), "{text}");
            assert!(
                text.contains("more than 32 levels deep (the limit)"),
                "{text}"
            );
        }
    }

    #[test]
    fn deep_compact_block_nesting_is_refused() {
        let text = refused(&format!("x:\n{}a\n", "- ".repeat(40)));
        assert!(text.starts_with("cluster.yaml: line 2:"), "{text}");
    }

    #[test]
    fn nesting_up_to_the_limit_is_parsed() {
        let deep = format!("{}1{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        parse_yaml("a.yaml", &deep).unwrap();
        parse_yaml("a.yaml", &format!("{}a\n", "- ".repeat(MAX_DEPTH))).unwrap();
        let too = format!(
            "{}1{}",
            "[".repeat(MAX_DEPTH + 1),
            "]".repeat(MAX_DEPTH + 1)
        );
        assert!(parse_yaml("a.yaml", &too).is_err());
    }

    #[test]
    fn brackets_that_open_nothing_are_not_counted() {
        let many = "[".repeat(100);
        let text = format!(
            "A: 'x{many}'\nB: \"y{many}\\\"{many}\"\nC: a{many}\n# {many}\nD: [a, 'b{many}', \"c{many}\"]\nE: it's {many}\n"
        );
        let value = parse_yaml("a.yaml", &text).unwrap();
        assert_eq!(value["C"].as_str(), Some(format!("a{many}").as_str()));
        assert_eq!(too_deep("a: [1]\nb: [2]\n]]]]\n[[", 1), Some(4));
    }

    #[test]
    fn the_size_cap_holds_for_text_from_anywhere() {
        let big = format!("A: {}\n", "x".repeat(MAX_FILE_BYTES as usize));
        let text = refused(&big);
        assert!(
            text.contains("larger than the limit of 262144 bytes"),
            "{text}"
        );
    }

    #[test]
    fn a_byte_order_mark_is_dropped() {
        let value = parse_yaml("a.yaml", "\u{feff}Name: cyi\n").unwrap();
        assert_eq!(value["Name"].as_str(), Some("cyi"));
    }

    #[test]
    fn the_folder_must_be_one() {
        let dir = tempfile::tempdir().unwrap();
        local_folder(dir.path()).unwrap();
        let text = |p: &Path| local_folder(p).unwrap_err().to_string();
        assert!(text(&dir.path().join("none")).ends_with("none does not exist"));
        let file = dir.path().join("cluster.yaml");
        std::fs::write(&file, "Name: cyi\n").unwrap();
        assert!(text(&file).ends_with("cluster.yaml is not a folder"));
        let link = dir.path().join("link");
        std::os::unix::fs::symlink("/nowhere/cfg", &link).unwrap();
        assert!(
            text(&link).ends_with("link is a symbolic link to /nowhere/cfg, which does not exist"),
            "{}",
            text(&link)
        );
        assert_eq!(local_folder(&file).unwrap_err().exit_code(), 2);
    }

    #[test]
    fn local_files_are_named_and_a_missing_one_is_none() {
        let dir = tempfile::tempdir().unwrap();
        assert!(local_file(&dir.path().join("none.yaml")).unwrap().is_none());
        let err = local_file(dir.path()).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert_eq!(
            err.to_string(),
            format!("{}: is a directory, not a file", dir.path().display())
        );
        let path = dir.path().join("x.yaml");
        std::fs::write(&path, b"\xff\xfe").unwrap();
        let err = local_file(&path).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(
            err.to_string().ends_with("x.yaml: is not UTF-8 text"),
            "{err}"
        );
    }
}
