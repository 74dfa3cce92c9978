//! The aws CLI's cache of assumed-role sessions, `~/.aws/cli/cache/<key>.json`, read and
//! written the way botocore does (`AssumeRoleCredentialFetcher` and `JSONFileCache`), so
//! that a session started by `aws` serves `cyi` and the other way round: one MFA prompt
//! an hour, whichever tool asks first.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use sha1::{Digest, Sha1};

use crate::local_file::ReadError;

/// botocore treats a cached session as expired this long before its end (its
/// `DEFAULT_EXPIRY_WINDOW_SECONDS`); so do we, so that neither tool hands out a session
/// that dies in the middle of a command.
pub const EXPIRY_WINDOW: chrono::TimeDelta = chrono::TimeDelta::minutes(15);

/// The arguments of one AssumeRole call, as botocore's `AssumeRoleProvider` takes them
/// from a profile: they, and nothing else, make the cache key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssumeRoleArgs {
    pub role_arn: String,
    /// The profile's `role_session_name`. Without one, botocore makes up a name and
    /// leaves it out of the key; cyi uses its own name (`cyi-<user>`) and does the same.
    pub session_name: Option<String>,
    pub external_id: Option<String>,
    pub serial_number: Option<String>,
    pub duration_seconds: Option<i32>,
}

/// botocore's `_create_cache_key`: the SHA-1 of `json.dumps(args, sort_keys=True)`.
pub fn cache_key(args: &AssumeRoleArgs) -> String {
    // The keys in sorted order, as Python writes them: ", " and ": " between items.
    let mut fields: Vec<(&str, String)> = Vec::new();
    if let Some(seconds) = args.duration_seconds {
        fields.push(("DurationSeconds", seconds.to_string()));
    }
    if let Some(id) = &args.external_id {
        fields.push(("ExternalId", python_json_string(id)));
    }
    fields.push(("RoleArn", python_json_string(&args.role_arn)));
    if let Some(name) = &args.session_name {
        fields.push(("RoleSessionName", python_json_string(name)));
    }
    if let Some(serial) = &args.serial_number {
        fields.push(("SerialNumber", python_json_string(serial)));
    }
    let body: Vec<String> = fields
        .iter()
        .map(|(key, value)| format!("\"{key}\": {value}"))
        .collect();
    let text = format!("{{{}}}", body.join(", "));
    let digest = Sha1::digest(text.as_bytes());
    let mut hex = String::with_capacity(40);
    for byte in digest {
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}

/// A string as Python's `json.dumps` writes it (`ensure_ascii=True`): everything outside
/// printable ASCII as `\uXXXX`, characters beyond the BMP as surrogate pairs.
fn python_json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            ' '..='~' => out.push(c),
            _ => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
        }
    }
    out.push('"');
    out
}

/// The cache directory the aws CLI uses, under the user's home.
pub fn default_dir() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .filter(|home| !home.is_empty())
        .map(|home| Path::new(&home).join(".aws").join("cli").join("cache"))
}

/// One assumed-role session. Never printed: its Debug shows the key id only.
#[derive(Clone)]
pub struct Session {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: String,
    pub expiration: DateTime<Utc>,
    pub account_id: Option<String>,
    /// The assumed-role user's ARN (`arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`).
    pub arn: Option<String>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("access_key_id", &self.access_key_id)
            .field("expiration", &self.expiration)
            .finish_non_exhaustive()
    }
}

/// The file's shape: the AssumeRole response as botocore stores it. Other fields
/// (`ResponseMetadata`) are ignored.
#[derive(Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
struct Entry {
    credentials: EntryCredentials,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    assumed_role_user: Option<EntryUser>,
}

#[derive(Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
struct EntryCredentials {
    access_key_id: String,
    secret_access_key: String,
    session_token: String,
    expiration: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    account_id: Option<String>,
}

#[derive(Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
struct EntryUser {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    assumed_role_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    arn: Option<String>,
}

fn entry_path(dir: &Path, key: &str) -> PathBuf {
    dir.join(format!("{key}.json"))
}

/// The largest cache entry read: botocore's are well under 2 KB.
const MAX_ENTRY_BYTES: u64 = 64 * 1024;

/// The cached session under `key`, when there is one that lasts beyond the expiry
/// window. A missing, unreadable, malformed or expiring entry is simply no entry; a
/// FIFO, socket or device at the entry's path is an error naming it (read through
/// `local_file`, so it is never waited on).
pub fn read(
    dir: &Path,
    key: &str,
    now: DateTime<Utc>,
) -> Result<Option<Session>, crate::error::Error> {
    let path = entry_path(dir, key);
    match crate::local_file::read_text(&path, MAX_ENTRY_BYTES) {
        Ok(text) => Ok(parse_entry(&text, now)),
        Err(err @ ReadError::Special) => Err(crate::error::Error::usage_hint(
            format!("the session cache file {}: {err}", path.display()),
            "remove it, or pass --no-cache",
        )),
        Err(_) => Ok(None),
    }
}

fn parse_entry(text: &str, now: DateTime<Utc>) -> Option<Session> {
    let entry: Entry = serde_json::from_str(text).ok()?;
    let expiration = parse_expiration(&entry.credentials.expiration)?;
    if expiration - now < EXPIRY_WINDOW {
        return None;
    }
    let c = entry.credentials;
    if c.access_key_id.is_empty() || c.secret_access_key.is_empty() {
        return None;
    }
    Some(Session {
        access_key_id: c.access_key_id,
        secret_access_key: c.secret_access_key,
        session_token: c.session_token,
        expiration,
        account_id: c.account_id,
        arn: entry.assumed_role_user.and_then(|user| user.arn),
    })
}

/// Stores a session under `key`: a file only its owner can read (0600), written whole
/// to a temporary name and renamed, so a concurrent reader never sees half of it.
pub fn write(dir: &Path, key: &str, session: &Session) -> std::io::Result<()> {
    let entry = Entry {
        credentials: EntryCredentials {
            access_key_id: session.access_key_id.clone(),
            secret_access_key: session.secret_access_key.clone(),
            session_token: session.session_token.clone(),
            expiration: session.expiration.to_rfc3339(),
            account_id: session.account_id.clone(),
        },
        assumed_role_user: session.arn.as_ref().map(|arn| EntryUser {
            assumed_role_id: None,
            arn: Some(arn.clone()),
        }),
    };
    let text = serde_json::to_string(&entry).map_err(std::io::Error::other)?;
    create_private_dir(dir)?;
    let temp = dir.join(format!("{key}.{}.tmp", std::process::id()));
    let written = (|| {
        let mut file = private_file(&temp)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        std::fs::rename(&temp, entry_path(dir, key))
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written
}

#[cfg(unix)]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)
}

/// A new file only its owner can read, opened like every local write (see
/// `local_file::open_for_write`).
fn private_file(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    crate::local_file::open_for_write(path, &mut options).map_err(|e| match e {
        ReadError::Io(e) => e,
        other => std::io::Error::other(other.to_string()),
    })
}

/// The expiry as botocore may have written it: ISO 8601 with an offset or `Z`
/// (`2026-11-25T10:00:00+00:00`), or its `JSONFileCache` form `2026-11-25T10:00:00UTC`.
fn parse_expiration(text: &str) -> Option<DateTime<Utc>> {
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Some(at.with_timezone(&Utc));
    }
    let naive = text
        .strip_suffix("UTC")
        .or_else(|| text.strip_suffix("GMT"))
        .or_else(|| text.strip_suffix('Z'))?;
    NaiveDateTime::parse_from_str(naive.trim(), "%Y-%m-%dT%H:%M:%S%.f")
        .ok()
        .map(|at| at.and_utc())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn args(role: &str) -> AssumeRoleArgs {
        AssumeRoleArgs {
            role_arn: role.into(),
            session_name: None,
            external_id: None,
            serial_number: None,
            duration_seconds: None,
        }
    }

    /// The expected keys were computed with botocore 1.43
    /// (`AssumeRoleCredentialFetcher(...)._create_cache_key()`).
    #[test]
    fn keys_match_botocore() {
        assert_eq!(
            cache_key(&args("arn:aws:iam::123456789012:role/ops")),
            "22683b67d5bd46b0335d9327094666b8be5b5cd5"
        );
        let full = AssumeRoleArgs {
            role_arn: "arn:aws:iam::555555555555:role/ops".into(),
            session_name: Some("jane".into()),
            external_id: Some("ext-1".into()),
            serial_number: Some("arn:aws:iam::111111111111:mfa/jane".into()),
            duration_seconds: Some(3600),
        };
        assert_eq!(cache_key(&full), "2855d9bd65cdcdbd8322745b59b5ffac2d63bdc7");
        let odd = AssumeRoleArgs {
            session_name: Some("j\u{e9}\"\\\u{1f600}\n".into()),
            ..args("arn:aws:iam::123456789012:role/ops")
        };
        assert_eq!(cache_key(&odd), "1bec9c44fb7b136c770742d418c2fc603fc865f7");
    }

    #[test]
    fn python_strings_escape_like_json_dumps() {
        assert_eq!(python_json_string("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(
            python_json_string("\u{e9}\u{7f}\u{1}"),
            r#""\u00e9\u007f\u0001""#
        );
        assert_eq!(python_json_string("\u{1f600}"), r#""\ud83d\ude00""#);
    }

    fn session(expiration: DateTime<Utc>) -> Session {
        Session {
            access_key_id: "ASIAEXAMPLE".into(),
            secret_access_key: "secret".into(),
            session_token: "token".into(),
            expiration,
            account_id: Some("123456789012".into()),
            arn: Some("arn:aws:sts::123456789012:assumed-role/ops/cyi".into()),
        }
    }

    #[test]
    fn a_written_session_is_read_back_until_the_expiry_window() {
        let dir = tempfile::tempdir().unwrap();
        let cache = dir.path().join("cli/cache");
        let now = Utc::now();
        let end = now + chrono::TimeDelta::hours(1);
        write(&cache, "k", &session(end)).unwrap();
        let back = read(&cache, "k", now).unwrap().unwrap();
        assert_eq!(back.access_key_id, "ASIAEXAMPLE");
        assert_eq!(back.secret_access_key, "secret");
        assert_eq!(back.expiration.timestamp(), end.timestamp());
        assert_eq!(
            back.arn.as_deref(),
            Some("arn:aws:sts::123456789012:assumed-role/ops/cyi")
        );
        // Within botocore's window of the end it counts as expired.
        assert!(
            read(&cache, "k", end - chrono::TimeDelta::minutes(14))
                .unwrap()
                .is_none()
        );
        assert!(read(&cache, "other", now).unwrap().is_none());
        let leftovers: Vec<_> = std::fs::read_dir(&cache).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temporary file is left behind");
    }

    #[cfg(unix)]
    #[test]
    fn the_file_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "k", &session(Utc::now())).unwrap();
        let mode = std::fs::metadata(dir.path().join("k.json"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    #[test]
    fn malformed_entries_are_no_entries() {
        let dir = tempfile::tempdir().unwrap();
        let now = Utc::now();
        for (key, text) in [
            ("notjson", "{"),
            ("nocreds", r#"{"AssumedRoleUser": {}}"#),
            (
                "baddate",
                r#"{"Credentials": {"AccessKeyId": "A", "SecretAccessKey": "S", "SessionToken": "T", "Expiration": "soon"}}"#,
            ),
        ] {
            std::fs::write(dir.path().join(format!("{key}.json")), text).unwrap();
            assert!(read(dir.path(), key, now).unwrap().is_none(), "{key}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_in_the_cache_is_refused_by_name_not_waited_on() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k.json");
        rustix::fs::mkfifoat(
            rustix::fs::CWD,
            &path,
            rustix::fs::Mode::RUSR | rustix::fs::Mode::WUSR,
        )
        .unwrap();
        let err = read(dir.path(), "k", Utc::now()).unwrap_err();
        assert_eq!(err.exit_code(), crate::error::EXIT_USAGE);
        assert!(
            err.to_string()
                .contains(&format!("{}: is not a regular file", path.display())),
            "{err}"
        );
    }

    #[test]
    fn expirations_in_the_forms_botocore_writes() {
        for text in [
            "2030-01-02T03:04:05+00:00",
            "2030-01-02T03:04:05Z",
            "2030-01-02T03:04:05UTC",
            "2030-01-02T04:04:05+01:00",
            "2030-01-02T03:04:05.000Z",
        ] {
            let parsed = parse_expiration(text).unwrap();
            assert_eq!(parsed.to_rfc3339(), "2030-01-02T03:04:05+00:00", "{text}");
        }
        assert!(parse_expiration("tomorrow").is_none());
    }
}
