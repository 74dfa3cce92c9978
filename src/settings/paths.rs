//! The per-user places of `cyi`'s files, from one function backed by `etcetera`
//! (the XDG base directories on Linux and macOS, the known folders on Windows).

use std::path::{Path, PathBuf};

use etcetera::BaseStrategy;

/// The folder name under the base directories.
const APP: &str = "cyi";
/// The config file inside the config folder.
const CONFIG_FILE: &str = "config.toml";
/// The archive of cleared rows inside the state folder.
const ARCHIVE_FILE: &str = "archive.jsonl";

/// The base directories of the user running `cyi`. Built once by [`UserDirs::detect`];
/// tests build it by hand, so resolution stays pure.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserDirs {
    /// `$XDG_CONFIG_HOME`, else `~/.config`.
    pub config: Option<PathBuf>,
    /// `$XDG_STATE_HOME`, else `~/.local/state`.
    pub state: Option<PathBuf>,
}

impl UserDirs {
    /// The one place that asks the process environment where the user's folders are.
    /// `None` fields when no home folder can be found at all.
    pub fn detect() -> UserDirs {
        match etcetera::choose_base_strategy() {
            Ok(base) => UserDirs {
                config: Some(base.config_dir()),
                state: base.state_dir().or_else(|| Some(base.data_dir())),
            },
            Err(_) => UserDirs::default(),
        }
    }

    /// Both folders under one home, as the XDG defaults place them (for tests).
    pub fn under_home(home: &Path) -> UserDirs {
        UserDirs {
            config: Some(home.join(".config")),
            state: Some(home.join(".local").join("state")),
        }
    }

    /// `<config>/cyi/config.toml`.
    pub fn config_file(&self) -> Option<PathBuf> {
        self.config
            .as_ref()
            .map(|dir| dir.join(APP).join(CONFIG_FILE))
    }

    /// `<state>/cyi/archive.jsonl`.
    pub fn archive_file(&self) -> Option<PathBuf> {
        self.state
            .as_ref()
            .map(|dir| dir.join(APP).join(ARCHIVE_FILE))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_sit_in_a_cyi_folder_of_each_base() {
        let dirs = UserDirs::under_home(Path::new("/home/op"));
        assert_eq!(
            dirs.config_file(),
            Some(PathBuf::from("/home/op/.config/cyi/config.toml"))
        );
        assert_eq!(
            dirs.archive_file(),
            Some(PathBuf::from("/home/op/.local/state/cyi/archive.jsonl"))
        );
        assert_eq!(UserDirs::default().archive_file(), None);
    }

    #[test]
    fn detect_finds_a_home_here() {
        // The test process has a home folder; the crate must find the same bases.
        let dirs = UserDirs::detect();
        assert!(dirs.config.is_some() && dirs.state.is_some(), "{dirs:?}");
    }
}
