//! The archive file: where it is, appending a record so that it is durable and
//! readable before anyone relies on it, and reading it back.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use super::{Archive, Record, parse};
use crate::error::{Error, Result};
use crate::local_file::ReadError;
use crate::text::{cyi_command, shell_word};

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

/// The archive to use: `--archive`, else the default place from `var`.
pub fn resolve_with(
    explicit: Option<&Path>,
    var: impl Fn(&str) -> Option<String>,
) -> Result<PathBuf> {
    match explicit {
        Some(path) => Ok(path.to_path_buf()),
        None => default_path(var),
    }
}

/// The archive to use: `--archive`, else the default place.
pub fn resolve(explicit: Option<&Path>) -> Result<PathBuf> {
    resolve_with(explicit, |name| std::env::var(name).ok())
}

/// The command that puts archive entry `entry_id` back: `--archive` is named unless the
/// archive is the default one, so the command finds the entry as it is pasted.
pub fn restore_command(entry_id: &str, archive: &Path) -> String {
    let mut rest = format!("restore-row --id {}", shell_word(entry_id));
    if resolve(None).ok().as_deref() != Some(archive) {
        rest.push_str(" --archive ");
        rest.push_str(&shell_word(&archive.display().to_string()));
    }
    cyi_command(&rest)
}

/// Appends one record so that it can be relied on when this returns: on a line of its
/// own (a newline first if the file ends in a torn line), synced to disk, then read
/// back and parsed. A failed write is cut back off the file, so no partial record of
/// this call is left behind. Concurrent `cyi` runs take turns through a file lock.
/// Checked before a clear's plan is shown: the archive can take a record (nothing there
/// yet, or a regular file). A FIFO, socket or device is refused as [`append`] would
/// refuse it, before anyone is asked to confirm; `outcome` says what was left undone.
pub fn check_place(path: &Path, outcome: &str) -> Result<()> {
    crate::local_file::check_writable(path).map_err(|e| match unwritable(path, e) {
        Error::Usage { message, hint } => Error::Usage {
            message: format!("{message}; {outcome}"),
            hint,
        },
        other => other.with_outcome(outcome, None),
    })
}

/// Why a record cannot go to `path`: a FIFO, socket or device is a usage error (exit
/// 2, naming what it is); a folder stays what it always was, a write that failed.
fn unwritable(path: &Path, e: ReadError) -> Error {
    let place = |e| Error::io(format!("cannot write the archive {}", path.display()), e);
    match e {
        ReadError::Io(e) => place(e),
        ReadError::Directory => place(std::io::Error::from_raw_os_error(
            rustix::io::Errno::ISDIR.raw_os_error(),
        )),
        other => Error::usage(format!(
            "cannot write the archive {}: {other}",
            path.display()
        )),
    }
}

pub fn append(path: &Path, record: &Record) -> Result<()> {
    let place = |e| Error::io(format!("cannot write the archive {}", path.display()), e);
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(place)?;
    }
    let mut line = serde_json::to_string(record)
        .map_err(|e| Error::Failed(format!("cannot encode an archive record: {e}")))?;
    line.push('\n');
    // Through local_file: a FIFO, socket or device at the path is refused (exit 2,
    // naming what it is) instead of blocking or swallowing the record.
    let mut file = crate::local_file::open_for_write(
        path,
        std::fs::OpenOptions::new()
            .create(true)
            .read(true)
            .append(true),
    )
    .map_err(|e| unwritable(path, e))?;
    // Where the file system has no locks (some network mounts) the record is still
    // written on a line of its own; only the clean-up of a failed write needs the lock.
    let locked = file.lock().is_ok();
    let start = file.metadata().map_err(place)?.len();
    if start > 0 && !ends_in_newline(&mut file, start).map_err(place)? {
        line.insert(0, '\n');
    }
    if let Err(e) = file
        .write_all(line.as_bytes())
        .and_then(|()| file.sync_all())
    {
        // Best effort: the lock keeps other cyi runs out, so everything past `start`
        // is this call's partial line. Without it, the partial line stays, alone on
        // its line, and reads as one damaged line.
        if locked {
            let _ = file.set_len(start).and_then(|()| file.sync_all());
        }
        return Err(place(e));
    }
    if start == 0
        && let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
    {
        // A new file's name must be durable too. Not every platform can sync a
        // directory; the record itself is already on disk.
        let _ = File::open(dir).and_then(|d| d.sync_all());
    }
    let back = read_back(&mut file, start).map_err(place)?;
    if back.as_ref() != Some(record) {
        return Err(Error::Failed(format!(
            "the record just written to the archive {} does not read back as written",
            path.display()
        )));
    }
    Ok(())
}

fn ends_in_newline(file: &mut File, len: u64) -> std::io::Result<bool> {
    let mut last = [0u8; 1];
    file.seek(SeekFrom::Start(len - 1))?;
    file.read_exact(&mut last)?;
    Ok(last[0] == b'\n')
}

/// The first record on a line of its own at or after `start`, if it parses.
fn read_back(file: &mut File, start: u64) -> std::io::Result<Option<Record>> {
    let mut bytes = Vec::new();
    file.seek(SeekFrom::Start(start))?;
    file.read_to_end(&mut bytes)?;
    let text = String::from_utf8_lossy(&bytes);
    Ok(text
        .lines()
        .find(|l| !l.trim().is_empty())
        .and_then(|l| serde_json::from_str(l).ok()))
}

/// Reads the archive. Only a file that does not exist is an empty archive: any other
/// failure to read it is an error, never "no entries". Lines that cannot be used are
/// skipped and listed in [`Archive::problems`], so one damaged line does not make every
/// other entry unrestorable.
pub fn read(path: &Path) -> Result<Archive> {
    let context = || format!("cannot read the archive {}", path.display());
    // Like every local file: a FIFO or device at the path is refused, never waited on.
    match crate::local_file::read_bytes(path, MAX_ARCHIVE_BYTES) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => Ok(parse(&text)),
            Err(e) => Err(Error::io(
                context(),
                std::io::Error::new(std::io::ErrorKind::InvalidData, e.utf8_error()),
            )),
        },
        Err(ReadError::NotFound) => Ok(Archive::default()),
        Err(ReadError::Io(e)) => Err(Error::io(context(), e)),
        Err(other) => Err(Error::usage(format!("{}: {other}", context()))),
    }
}

/// The largest archive read: years of clears are a few MB.
const MAX_ARCHIVE_BYTES: u64 = 256 * 1024 * 1024;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::dynamodb::{self, Item};
    use crate::row::archive::{Origin, Outcome};
    use aws_sdk_dynamodb::types::AttributeValue;
    use chrono::{DateTime, TimeZone, Utc};

    fn at(secs: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(1_700_000_000 + secs, 0).unwrap()
    }

    fn clear(id: &str, cid: &str) -> Record {
        let key: Item = dynamodb::key(cid, "CYI");
        let mut item = key.clone();
        item.insert("Run_Id".into(), AttributeValue::N("2".into()));
        let origin = Origin {
            environment: "dev",
            region: "eu-west-2",
            account: "123456789012",
            table: "t",
            operator: "arn:op",
        };
        Record::clear(id, at(0), &origin, &key, &item)
    }

    fn vars(xdg: Option<&str>, home: Option<&str>) -> impl Fn(&str) -> Option<String> {
        let (xdg, home) = (xdg.map(str::to_owned), home.map(str::to_owned));
        move |name| match name {
            "XDG_STATE_HOME" => xdg.clone(),
            "HOME" => home.clone(),
            _ => None,
        }
    }

    #[test]
    fn default_path_prefers_xdg_state_home() {
        assert_eq!(
            default_path(vars(Some("/s"), Some("/h"))).unwrap(),
            Path::new("/s/cyi/archive.jsonl")
        );
        assert_eq!(
            default_path(vars(Some(""), Some("/h"))).unwrap(),
            Path::new("/h/.local/state/cyi/archive.jsonl")
        );
        assert!(default_path(vars(None, None)).is_err());
    }

    #[test]
    fn resolve_uses_an_explicit_archive_as_given() {
        let path = resolve(Some(Path::new("/x/archive.jsonl"))).unwrap();
        assert_eq!(path, PathBuf::from("/x/archive.jsonl"));
    }

    #[test]
    fn an_explicit_archive_wins_over_the_default_place() {
        let explicit = Path::new("/x/mine.jsonl");
        assert_eq!(
            resolve_with(Some(explicit), vars(Some("/s"), Some("/h"))).unwrap(),
            explicit
        );
        // Even where no default could be placed.
        assert_eq!(
            resolve_with(Some(explicit), vars(None, None)).unwrap(),
            explicit
        );
        assert_eq!(
            resolve_with(None, vars(Some("/s"), None)).unwrap(),
            Path::new("/s/cyi/archive.jsonl")
        );
        assert!(resolve_with(None, vars(None, None)).is_err());
    }

    #[test]
    fn append_then_read_round_trips_and_creates_the_directory() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("deep/er/archive.jsonl");
        let record = clear("1", "x\ny \"z\" 日本");
        append(&path, &record).unwrap();
        append(&path, &Record::outcome("1", at(1), true, None)).unwrap();
        let archive = read(&path).unwrap();
        assert!(archive.problems.is_empty());
        assert_eq!(archive.entries[0].correlation_id(), "x\ny \"z\" 日本");
        // One line per record, each ending in a newline, no blank lines between.
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.matches('\n').count(), 2, "{text:?}");
        assert!(text.ends_with("}\n") && !text.contains("\n\n"), "{text:?}");
        assert!(read(&dir.path().join("absent")).unwrap().entries.is_empty());
        // A directory where the file should be cannot be appended to.
        assert!(append(dir.path(), &Record::outcome("1", at(1), true, None)).is_err());
    }

    #[test]
    fn a_fifo_or_device_is_refused_as_usage_naming_what_it_is() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("archive.jsonl");
        rustix::fs::mkfifoat(
            rustix::fs::CWD,
            &fifo,
            rustix::fs::Mode::RUSR | rustix::fs::Mode::WUSR,
        )
        .unwrap();
        let err = append(&fifo, &clear("1", "a")).unwrap_err();
        assert_eq!(err.exit_code(), crate::error::EXIT_USAGE);
        assert!(
            err.to_string()
                .contains(&format!("{}: is a FIFO", fifo.display())),
            "{err}"
        );
        let err = append(Path::new("/dev/null"), &clear("1", "a")).unwrap_err();
        assert!(err.to_string().contains("a character device"), "{err}");
        // The check before a plan refuses the same places the same way...
        let err = check_place(&fifo, "nothing was deleted").unwrap_err();
        assert_eq!(err.exit_code(), crate::error::EXIT_USAGE);
        assert!(err.to_string().contains("is a FIFO"), "{err}");
        assert!(err.to_string().ends_with("; nothing was deleted"), "{err}");
        assert!(check_place(Path::new("/dev/null"), "x").is_err());
        assert!(check_place(dir.path(), "x").is_err());
        // ...and lets through a regular file or a file yet to be made.
        let file = dir.path().join("kept.jsonl");
        check_place(&file, "x").unwrap();
        std::fs::write(&file, "").unwrap();
        check_place(&file, "x").unwrap();
    }

    #[test]
    fn a_record_after_a_torn_tail_starts_on_its_own_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("archive.jsonl");
        append(&path, &clear("1", "a")).unwrap();
        // A full disk cut the next record short: no newline at the end.
        let mut torn = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap();
        torn.write_all(br#"{"id":"2","event":"clear","ti"#).unwrap();
        drop(torn);
        append(&path, &clear("3", "a")).unwrap();
        append(&path, &Record::outcome("3", at(1), true, None)).unwrap();
        let archive = read(&path).unwrap();
        let ids: Vec<&str> = archive.entries.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["1", "3"]);
        assert_eq!(archive.entries[1].outcome, Outcome::Deleted);
        assert_eq!(archive.problems.len(), 1, "{:?}", archive.problems);
        assert_eq!(archive.problems[0].line, 2);
        assert_eq!(archive.entries[1].line, 3);
    }

    /// A full disk refuses the write: the error comes back, so no delete is sent.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_full_disk_is_an_error() {
        let full = Path::new("/dev/full");
        if full.exists() {
            let err = append(full, &clear("1", "a")).unwrap_err();
            assert!(
                err.to_string().contains("cannot write the archive"),
                "{err}"
            );
        }
    }

    #[test]
    fn a_read_error_is_an_error_not_an_empty_archive() {
        let dir = tempfile::tempdir().unwrap();
        // A directory cannot be read as a file.
        let err = read(dir.path()).unwrap_err();
        assert!(err.to_string().contains("cannot read the archive"), "{err}");
        // Neither can bytes that are not UTF-8.
        let path = dir.path().join("archive.jsonl");
        std::fs::write(&path, b"\xff\xfe{}\n").unwrap();
        assert!(read(&path).is_err());
        // Only a missing file is empty.
        let missing = read(&dir.path().join("none.jsonl")).unwrap();
        assert_eq!(missing, Archive::default());
    }
}
