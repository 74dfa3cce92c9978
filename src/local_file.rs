//! Reading a local text file the operator pointed us at (a config file, a launcher
//! YAML file, the archive) without trusting what is at the path: only a regular file
//! after following links is read (a FIFO would block forever, a device could be
//! endless), a dangling link is named with its target, a size cap is enforced while
//! reading, a UTF-8 byte order mark is dropped and anything else must be UTF-8.
//!
//! Writing goes through one function too, [`open_for_write`]: the path is opened
//! without blocking and the *opened* descriptor is checked (no stat-then-open race), so
//! a FIFO with no reader, a socket or a device at the archive's or a cache file's path
//! is refused by name instead of hanging the command.

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The UTF-8 byte order mark some editors put at the start of a file.
const BOM: char = '\u{feff}';

/// Why a local file was not read. The text never includes the path: callers put it
/// in front (or in their own error), so every message names the file once.
#[derive(Debug)]
pub enum ReadError {
    /// Nothing at the path (callers decide whether that is fine).
    NotFound,
    /// A symbolic link whose target does not exist.
    Dangling { target: PathBuf },
    /// A folder where a file was expected.
    Directory,
    /// A FIFO, socket or device.
    Special,
    /// A FIFO, socket or device found where a file was to be written: what it is.
    NotWritable { what: &'static str },
    /// Larger than the caller's limit (in bytes).
    TooLarge { limit: u64 },
    /// Bytes that are not UTF-8 text.
    NotUtf8,
    /// Any other failure to open or read it.
    Io(std::io::Error),
}

impl ReadError {
    /// Exit 2 (the input is wrong) for everything but a failed read of a proper file.
    pub fn is_usage(&self) -> bool {
        !matches!(self, ReadError::Io(_))
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::NotFound => write!(f, "does not exist"),
            ReadError::Dangling { target } => write!(
                f,
                "is a symbolic link to {}, which does not exist",
                target.display()
            ),
            ReadError::Directory => write!(f, "is a directory, not a file"),
            ReadError::Special => write!(
                f,
                "is not a regular file (a FIFO, socket or device); refusing to read it"
            ),
            ReadError::TooLarge { limit } => {
                write!(
                    f,
                    "is larger than the limit of {limit} bytes; refusing to read it"
                )
            }
            ReadError::NotWritable { what } => {
                write!(f, "is {what}, not a regular file; refusing to write to it")
            }
            ReadError::NotUtf8 => write!(f, "is not UTF-8 text"),
            ReadError::Io(err) => write!(f, "cannot be read: {err}"),
        }
    }
}

/// Reads the text of the regular file at `path` (links followed), at most `limit` bytes.
pub fn read_text(path: &Path, limit: u64) -> Result<String, ReadError> {
    let bytes = read_bytes(path, limit)?;
    let text = String::from_utf8(bytes).map_err(|_| ReadError::NotUtf8)?;
    Ok(without_bom(text))
}

/// Reads the bytes of the regular file at `path` (links followed), at most `limit`.
pub fn read_bytes(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    match std::fs::metadata(path) {
        Ok(meta) => check_kind(&meta)?,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            return Err(match std::fs::read_link(path) {
                Ok(target) => ReadError::Dangling { target },
                Err(_) => ReadError::NotFound,
            });
        }
        Err(err) => return Err(ReadError::Io(err)),
    }
    let file = open_without_blocking(path).map_err(ReadError::Io)?;
    // Checked again on the open file: the path may have been swapped in between.
    check_kind(&file.metadata().map_err(ReadError::Io)?)?;
    let mut bytes = Vec::new();
    // One byte past the limit tells a file of exactly `limit` bytes from a larger one,
    // without reading a huge file whole.
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge { limit });
    }
    Ok(bytes)
}

/// Opens `path` for writing with `options` (which say how: append, create, mode), and
/// hands back the file only if it is a regular file (links followed). The open never
/// blocks: a FIFO without a reader, a socket or a device is refused as
/// [`ReadError::NotWritable`] naming what it is, a folder as [`ReadError::Directory`].
/// The kind is checked on the opened descriptor, so nothing can be swapped in between.
pub fn open_for_write(
    path: &Path,
    options: &mut std::fs::OpenOptions,
) -> Result<std::fs::File, ReadError> {
    let file = match open_nonblocking_with(path, options) {
        Ok(file) => file,
        Err(err) if err.kind() == std::io::ErrorKind::IsADirectory => {
            return Err(ReadError::Directory);
        }
        // ENXIO: a FIFO opened write-only with no reader, or a socket.
        Err(err) if err.raw_os_error() == Some(rustix::io::Errno::NXIO.raw_os_error()) => {
            let what = std::fs::metadata(path).map_or("a FIFO or socket", |m| special_kind(&m));
            return Err(ReadError::NotWritable { what });
        }
        Err(err) => return Err(ReadError::Io(err)),
    };
    let meta = file.metadata().map_err(ReadError::Io)?;
    if meta.is_dir() {
        return Err(ReadError::Directory);
    }
    if !meta.is_file() {
        return Err(ReadError::NotWritable {
            what: special_kind(&meta),
        });
    }
    // Writes to a regular file then behave as usual (O_NONBLOCK means nothing for
    // one, but the flag is not left behind).
    blocking_again(&file).map_err(ReadError::Io)?;
    Ok(file)
}

/// Whether `path` could be opened by [`open_for_write`], asked before a plan is shown so
/// that no one confirms a change that cannot be recorded: nothing there yet, or a
/// regular file. The open itself checks again, on its descriptor.
pub fn check_writable(path: &Path) -> Result<(), ReadError> {
    match std::fs::metadata(path) {
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(err) => Err(ReadError::Io(err)),
        Ok(meta) if meta.is_file() => Ok(()),
        Ok(meta) if meta.is_dir() => Err(ReadError::Directory),
        Ok(meta) => Err(ReadError::NotWritable {
            what: special_kind(&meta),
        }),
    }
}

/// What a file that is not a regular file or folder is, as an error names it.
fn special_kind(meta: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let kind = meta.file_type();
        if kind.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if kind.is_socket() {
            return "a socket";
        }
        if kind.is_char_device() {
            return "a character device";
        }
        if kind.is_block_device() {
            return "a block device";
        }
    }
    if meta.is_dir() {
        "a directory"
    } else {
        "not a regular file"
    }
}

#[cfg(unix)]
fn open_nonblocking_with(
    path: &Path,
    options: &mut std::fs::OpenOptions,
) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    // NONBLOCK: a FIFO must not block the open. NOCTTY: a terminal device at the path
    // never becomes the process's controlling terminal.
    let flags = rustix::fs::OFlags::NONBLOCK | rustix::fs::OFlags::NOCTTY;
    options.custom_flags(flags.bits() as i32).open(path)
}

#[cfg(not(unix))]
fn open_nonblocking_with(
    path: &Path,
    options: &mut std::fs::OpenOptions,
) -> std::io::Result<std::fs::File> {
    options.open(path)
}

#[cfg(unix)]
fn blocking_again(file: &std::fs::File) -> std::io::Result<()> {
    let flags = rustix::fs::fcntl_getfl(file)?;
    rustix::fs::fcntl_setfl(file, flags.difference(rustix::fs::OFlags::NONBLOCK))?;
    Ok(())
}

#[cfg(not(unix))]
fn blocking_again(_: &std::fs::File) -> std::io::Result<()> {
    Ok(())
}

/// The text without a leading UTF-8 byte order mark.
pub fn without_bom(text: String) -> String {
    match text.strip_prefix(BOM) {
        Some(rest) => rest.to_owned(),
        None => text,
    }
}

fn check_kind(meta: &std::fs::Metadata) -> Result<(), ReadError> {
    if meta.is_file() {
        Ok(())
    } else if meta.is_dir() {
        Err(ReadError::Directory)
    } else {
        Err(ReadError::Special)
    }
}

#[cfg(unix)]
fn open_without_blocking(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    // A FIFO swapped in after the check must not block the open.
    let nonblock = rustix::fs::OFlags::NONBLOCK.bits();
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(nonblock as i32)
        .open(path)
}

#[cfg(not(unix))]
fn open_without_blocking(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir() -> tempfile::TempDir {
        tempfile::tempdir().unwrap()
    }

    #[test]
    fn a_regular_file_is_read_and_its_bom_dropped() {
        let d = dir();
        let path = d.path().join("a.yaml");
        std::fs::write(&path, "\u{feff}Name: cyi\n").unwrap();
        assert_eq!(read_text(&path, 100).unwrap(), "Name: cyi\n");
        std::fs::write(&path, "Name: \u{feff}\n").unwrap();
        assert_eq!(read_text(&path, 100).unwrap(), "Name: \u{feff}\n");
    }

    #[test]
    fn a_link_is_followed_and_a_dangling_one_named_with_its_target() {
        let d = dir();
        let target = d.path().join("real.yaml");
        std::fs::write(&target, "x: 1\n").unwrap();
        let link = d.path().join("link.yaml");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        assert_eq!(read_text(&link, 100).unwrap(), "x: 1\n");
        std::fs::remove_file(&target).unwrap();
        let err = read_text(&link, 100).unwrap_err();
        assert!(err.is_usage());
        assert_eq!(
            err.to_string(),
            format!(
                "is a symbolic link to {}, which does not exist",
                target.display()
            )
        );
    }

    #[test]
    fn nothing_there_is_not_found() {
        let d = dir();
        let err = read_text(&d.path().join("none"), 100).unwrap_err();
        assert!(matches!(err, ReadError::NotFound), "{err:?}");
    }

    #[test]
    fn folders_fifos_and_devices_are_refused_without_blocking() {
        let d = dir();
        let err = read_text(d.path(), 100).unwrap_err();
        assert!(matches!(err, ReadError::Directory), "{err:?}");
        assert!(err.to_string().contains("is a directory"));
        let fifo = d.path().join("fifo");
        rustix::fs::mknodat(
            rustix::fs::CWD,
            &fifo,
            rustix::fs::FileType::Fifo,
            rustix::fs::Mode::RUSR | rustix::fs::Mode::WUSR,
            0,
        )
        .unwrap();
        let err = read_text(&fifo, 100).unwrap_err();
        assert!(matches!(err, ReadError::Special), "{err:?}");
        let err = read_text(Path::new("/dev/zero"), 100).unwrap_err();
        assert!(matches!(err, ReadError::Special), "{err:?}");
        assert!(err.is_usage());
    }

    fn append() -> std::fs::OpenOptions {
        let mut options = std::fs::OpenOptions::new();
        options.create(true).read(true).append(true);
        options
    }

    #[test]
    fn a_write_opens_a_regular_file_and_refuses_anything_else_without_blocking() {
        use std::io::Write;
        let d = dir();
        let path = d.path().join("archive.jsonl");
        let mut file = open_for_write(&path, &mut append()).unwrap();
        file.write_all(b"x\n").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "x\n");
        let err = open_for_write(d.path(), &mut append()).unwrap_err();
        assert!(matches!(err, ReadError::Directory), "{err:?}");
        let fifo = d.path().join("fifo");
        rustix::fs::mknodat(
            rustix::fs::CWD,
            &fifo,
            rustix::fs::FileType::Fifo,
            rustix::fs::Mode::RUSR | rustix::fs::Mode::WUSR,
            0,
        )
        .unwrap();
        // Read-write (as the archive opens it) and write-only (no reader: ENXIO).
        let err = open_for_write(&fifo, &mut append()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "is a FIFO (named pipe), not a regular file; refusing to write to it"
        );
        assert!(err.is_usage());
        let mut write_only = std::fs::OpenOptions::new();
        write_only.append(true);
        let err = open_for_write(&fifo, &mut write_only).unwrap_err();
        assert!(err.to_string().contains("is a FIFO"), "{err}");
        let err = open_for_write(Path::new("/dev/null"), &mut append()).unwrap_err();
        assert!(err.to_string().contains("a character device"), "{err}");
        let socket = d.path().join("socket");
        let _listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
        let err = open_for_write(&socket, &mut write_only).unwrap_err();
        assert!(err.to_string().contains("is a socket"), "{err}");
    }

    #[test]
    fn the_limit_is_inclusive_and_named() {
        let d = dir();
        let path = d.path().join("big");
        std::fs::write(&path, "x".repeat(10)).unwrap();
        assert_eq!(read_text(&path, 10).unwrap().len(), 10);
        let err = read_text(&path, 9).unwrap_err();
        assert!(matches!(err, ReadError::TooLarge { limit: 9 }), "{err:?}");
        assert!(err.to_string().contains("limit of 9 bytes"), "{err}");
    }

    #[test]
    fn bytes_that_are_not_utf8_are_refused() {
        let d = dir();
        let path = d.path().join("latin1");
        std::fs::write(&path, b"Name: caf\xe9\n").unwrap();
        let err = read_text(&path, 100).unwrap_err();
        assert!(matches!(err, ReadError::NotUtf8), "{err:?}");
        assert!(err.is_usage());
        assert!(!ReadError::Io(std::io::Error::other("x")).is_usage());
    }
}
