//! `status --all-envs`: every environment of the config file resolved into its own
//! [`Settings`], with the same rules as one chosen with `--env`.

use std::collections::BTreeMap;
use std::path::Path;

use super::paths::UserDirs;
use super::{ProcessVars, Settings, Vars, file};
use crate::cli::GlobalArgs;
use crate::error::{Error, Result};

/// One environment of `--all-envs`: its name, and its settings or why they are wrong.
pub type EnvSettings = (String, Result<Settings>);

/// Finds and reads the config file as [`Settings::load`] does, then [`resolve_all`].
pub fn load_all(global: &GlobalArgs, stderr_is_tty: bool) -> Result<Vec<EnvSettings>> {
    let path = file::config_path(
        global.config.as_deref(),
        &ProcessVars,
        &UserDirs::detect(),
        file::is_present,
    );
    let text = match &path {
        Some(path) => Some(file::read(path)?),
        None => None,
    };
    let file = path.as_deref().zip(text.as_deref());
    resolve_all(global, &ProcessVars, file, stderr_is_tty)
}

/// `status --all-envs`: every environment of the config file, each resolved as if it
/// had been chosen with `--env` and with its own region, profile and endpoint (a flag
/// that would send every environment to one place is refused). One environment with a
/// wrong value does not stop the others: its error is returned in its place. Pure.
pub fn resolve_all(
    global: &GlobalArgs,
    vars: &dyn Vars,
    file: Option<(&Path, &str)>,
    stderr_is_tty: bool,
) -> Result<Vec<EnvSettings>> {
    let flags = [
        ("--env", global.env.is_some()),
        ("--region", global.region.is_some()),
        ("--profile", global.profile.is_some()),
        ("--endpoint-url", global.endpoint_url.is_some()),
    ];
    if let Some((flag, _)) = flags.iter().find(|(_, set)| *set) {
        return Err(Error::usage_hint(
            format!("{flag} cannot be combined with --all-envs"),
            "--all-envs reads every environment of the config file with its own settings",
        ));
    }
    let envs = match file {
        Some((path, text)) => file::parse(path, text)?.env,
        None => BTreeMap::new(),
    };
    if envs.is_empty() {
        return Err(Error::usage_hint(
            "--all-envs needs a config file that defines environments",
            "add [env.NAME] tables to the config file (see docs/cyi.example.toml), or pass --config",
        ));
    }
    let mut one = global.clone();
    one.confirm_env = None;
    Ok(envs
        .keys()
        .map(|name| {
            one.env = Some(name.clone());
            (
                name.clone(),
                Settings::resolve(&one, vars, file, stderr_is_tty),
            )
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::Cli;
    use clap::Parser;

    fn resolve(args: &[&str], file: Option<&str>) -> Result<Vec<Settings>> {
        let argv = std::iter::once("cyi")
            .chain(args.iter().copied())
            .chain(["status", "--all-envs"]);
        let global = Cli::try_parse_from(argv).unwrap().global;
        let vars: BTreeMap<&str, &str> = [("CYI_ENV", "dev")].into_iter().collect();
        resolve_all(
            &global,
            &vars,
            file.map(|t| (Path::new("c.toml"), t)),
            false,
        )?
        .into_iter()
        .map(|(_, settings)| settings)
        .collect()
    }

    #[test]
    fn every_environment_with_its_own_settings() {
        let file = "[env.dev]\nregion = \"eu-west-1\"\n[env.prod]\nregion = \"eu-west-2\"\nprotected = true\naccount = \"222222222222\"\n";
        let all = resolve(&[], Some(file)).unwrap();
        let names: Vec<(&str, Option<&str>, bool)> = all
            .iter()
            .map(|s| (s.env_name.as_str(), s.aws.region.as_deref(), s.protected))
            .collect();
        assert_eq!(
            names,
            [
                ("dev", Some("eu-west-1"), false),
                ("prod", Some("eu-west-2"), true)
            ]
        );
        assert_eq!(all[1].expected_account.as_deref(), Some("222222222222"));
        assert!(resolve(&["--confirm-env", "prod"], Some(file)).is_ok());
    }

    #[test]
    fn flags_that_pick_one_place_and_no_environments_are_refused() {
        let file = "[env.dev]\n";
        for flag in ["--env", "--region", "--profile", "--endpoint-url"] {
            let value = if flag == "--endpoint-url" {
                "http://x"
            } else {
                "eu-west-2"
            };
            let err = resolve(&[flag, value], Some(file)).unwrap_err();
            assert!(err.to_string().starts_with(flag), "{err}");
            assert_eq!(err.exit_code(), 2);
        }
        assert_eq!(resolve(&[], None).unwrap_err().exit_code(), 2);
        assert_eq!(resolve(&[], Some("")).unwrap_err().exit_code(), 2);
        assert!(resolve(&[], Some("[env.dev]\nregoin = 1\n")).is_err());
    }

    #[test]
    fn one_wrong_environment_does_not_stop_the_others() {
        let global = Cli::try_parse_from(["cyi", "status", "--all-envs"])
            .unwrap()
            .global;
        let file = "[env.dev]\nregion = \"x\"\n[env.qa]\nregion = \"eu-west-2\"\n";
        let vars = BTreeMap::new();
        let all = resolve_all(&global, &vars, Some((Path::new("c.toml"), file)), false).unwrap();
        assert_eq!(all.len(), 2);
        let err = all[0].1.as_ref().unwrap_err();
        assert!(err.to_string().contains("env.dev.region"), "{err}");
        assert_eq!(all[1].1.as_ref().unwrap().env_name, "qa");
    }
}
