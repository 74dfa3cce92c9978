//! The config file: where it is, reading it safely, and its shape.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::Vars;
use super::paths::UserDirs;
use crate::error::{Error, Result};
use crate::local_file::ReadError;

/// The config file: `default_env` and one `[env.NAME]` table per environment.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ConfigFile {
    pub default_env: Option<String>,
    #[serde(default)]
    pub env: BTreeMap<String, EnvConfig>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct EnvConfig {
    pub region: Option<String>,
    pub profile: Option<String>,
    pub role_arn: Option<String>,
    pub endpoint_url: Option<String>,
    pub account: Option<String>,
    pub table: Option<String>,
    pub data_product: Option<String>,
    pub cluster_name: Option<String>,
    pub input_bucket: Option<String>,
    pub cluster_config: Option<String>,
    #[serde(default)]
    pub protected: bool,
    /// Seconds to open a connection to an AWS endpoint.
    pub connect_timeout: Option<u64>,
    /// Seconds one AWS call may take, all its retries included.
    pub call_timeout: Option<u64>,
    /// The MFA device the environment's `role_arn` demands.
    pub mfa_serial: Option<String>,
}

/// `--config`, then `$CYI_CONFIG`, then `./cyi.toml`, then the user's config file.
/// A file named explicitly must exist (reading it reports the error); the implicit
/// places are used when something is there, even a dangling link, so that [`read`]
/// can report it instead of silently falling back to the default environment.
pub(super) fn config_path(
    explicit: Option<&Path>,
    vars: &dyn Vars,
    dirs: &UserDirs,
    present: impl Fn(&Path) -> bool,
) -> Option<PathBuf> {
    if let Some(path) = explicit {
        return Some(path.to_path_buf());
    }
    if let Some(path) = vars.var("CYI_CONFIG") {
        return Some(PathBuf::from(path));
    }
    let local = PathBuf::from("cyi.toml");
    if present(&local) {
        return Some(local);
    }
    dirs.config_file().filter(|user| present(user))
}

/// Something is at `path` (a file, a folder, a special file or a link, dangling or not).
pub(super) fn is_present(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok()
}

/// Reads the config file, refusing anything but a regular file (after following links):
/// a FIFO would block forever, a device could be endless.
pub(super) fn read(path: &Path) -> Result<String> {
    let config_error = |message: String| Error::Config {
        path: path.to_path_buf(),
        message: crate::text::one_line(&message).into_owned(),
    };
    crate::local_file::read_text(path, MAX_CONFIG_BYTES).map_err(|err| match err {
        ReadError::NotFound => {
            config_error("cannot read the config file: it does not exist".into())
        }
        ReadError::Directory => config_error("is a directory, not a config file".into()),
        ReadError::Io(err) => config_error(format!("cannot read the config file: {err}")),
        other => config_error(other.to_string()),
    })
}

/// The largest config file read (real ones are a few KB).
const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

/// A TOML error is laid out on several lines (the place, the file's line, a caret):
/// the one error message printed as it is made (see `cyi::finish`).
pub(super) fn parse(path: &Path, text: &str) -> Result<ConfigFile> {
    toml::from_str(text).map_err(|err| Error::Config {
        path: path.to_path_buf(),
        message: err.to_string().trim_end().replace('\n', "\n  "),
    })
}

pub(super) fn known_envs(file: &ConfigFile) -> String {
    if file.env.is_empty() {
        return "none defined".to_owned();
    }
    file.env.keys().cloned().collect::<Vec<_>>().join(", ")
}

pub(super) fn unknown_env(name: &str, path: Option<&Path>, file: &ConfigFile) -> Error {
    let place = match path {
        Some(path) => format!("in {}", path.display()),
        None => "(no config file found; see --config)".to_owned(),
    };
    Error::usage_hint(
        format!("unknown environment '{name}' {place}"),
        format!("known environments: {}", known_envs(file)),
    )
}

/// The environment names a config file defines, for shell completion: empty when the
/// file is missing or unreadable (completion must never fail loudly).
pub(super) fn env_names(text: &str) -> Vec<String> {
    toml::from_str::<ConfigFile>(text)
        .map(|file| file.env.into_keys().collect())
        .unwrap_or_default()
}

/// The shape of an AWS region name (`eu-west-2`, `us-gov-west-1`, `cn-north-1`), so a
/// typo such as `eu-west2` fails here rather than as a DNS error later.
pub(super) fn check_region(region: &str) -> std::result::Result<(), String> {
    let parts: Vec<&str> = region.split('-').collect();
    let shaped = parts.len() >= 3
        && parts[0].len() == 2
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
        && parts
            .last()
            .is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()))
        && parts[..parts.len() - 1]
            .iter()
            .all(|p| p.bytes().all(|b| b.is_ascii_lowercase()));
    if shaped {
        Ok(())
    } else {
        Err(format!(
            "'{region}' is not an AWS region name (e.g. eu-west-2)"
        ))
    }
}

pub(super) fn check_endpoint(url: &str) -> std::result::Result<(), String> {
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"));
    match rest {
        Some(host) if !host.is_empty() && !host.starts_with('/') => Ok(()),
        _ => Err(format!(
            "'{url}' is not an http:// or https:// URL with a host"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(path: &Path) -> (u8, String) {
        let err = read(path).unwrap_err();
        (err.exit_code(), err.to_string())
    }

    #[test]
    fn a_regular_file_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cyi.toml");
        std::fs::write(&path, "default_env = \"dev\"\n").unwrap();
        assert_eq!(read(&path).unwrap(), "default_env = \"dev\"\n");
    }

    #[test]
    fn a_directory_is_refused_with_exit_2() {
        let dir = tempfile::tempdir().unwrap();
        let (code, text) = message(dir.path());
        assert_eq!(code, 2);
        assert!(text.contains("is a directory"), "{text}");
        assert!(
            text.starts_with(&dir.path().display().to_string()),
            "{text}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_or_a_device_is_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo.toml");
        rustix::fs::mkfifoat(
            rustix::fs::CWD,
            &fifo,
            rustix::fs::Mode::RUSR | rustix::fs::Mode::WUSR,
        )
        .unwrap();
        for path in [fifo.as_path(), Path::new("/dev/zero")] {
            let (code, text) = message(path);
            assert_eq!(code, 2, "{text}");
            assert!(text.contains("not a regular file"), "{text}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_dangling_link_names_its_target() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("cyi.toml");
        std::os::unix::fs::symlink("/nowhere/cyi.toml", &link).unwrap();
        assert!(is_present(&link));
        let (code, text) = message(&link);
        assert_eq!(code, 2);
        assert!(
            text.contains("symbolic link to /nowhere/cyi.toml, which does not exist"),
            "{text}"
        );
    }

    #[test]
    fn non_utf8_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cyi.toml");
        std::fs::write(&path, b"region = \"\xff\"").unwrap();
        let (code, text) = message(&path);
        assert_eq!(code, 2);
        assert!(text.contains("not UTF-8"), "{text}");
    }

    #[test]
    fn env_names_for_completion_never_fail() {
        assert_eq!(env_names("[env.dev]\n[env.prod]\n"), ["dev", "prod"]);
        assert!(env_names("not toml [").is_empty());
    }
}
