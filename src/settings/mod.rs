//! Resolves the command line, the environment variables and the config file into one
//! validated [`Settings`] value. Pure apart from [`Settings::load`], which reads the
//! process environment and the file; nothing here touches the network.
//!
//! Precedence, per value: command-line flag, then `CYI_*` variable, then the selected
//! environment in the config file, then the default. The standard `AWS_*` variables
//! (`AWS_PROFILE`, `AWS_REGION`, `AWS_ENDPOINT_URL`, ...) fill in what neither a flag nor
//! the selected environment sets: an explicitly chosen environment is not redirected to
//! another account by a variable left over in the shell (a `note:` says so when one is
//! set and shadowed).

mod file;
pub mod paths;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::cli::{Cli, Command, GlobalArgs, OutputFormat};
use crate::error::{Error, Result};
use crate::types::MfaCode;
use file::EnvConfig;
use paths::UserDirs;

/// Defined beside the client it configures (so `aws` needs nothing from here);
/// resolved here, so it is named here too.
pub use crate::aws::AwsSettings;
/// Kept here too: command code names it as `settings::ClusterConfigSource`.
pub use crate::types::ClusterConfigSource;

mod every_env;
pub use every_env::{EnvSettings, load_all, resolve_all};

pub const DEFAULT_TABLE: &str = "data_pipeline_metadata";
pub const DEFAULT_DATA_PRODUCT: &str = "CYI";
pub const DEFAULT_CLUSTER_NAME: &str = "cyi";
/// The name shown when no environment is selected and the AWS defaults apply.
pub const UNNAMED_ENV: &str = "default";

/// Everything a command needs to know, resolved and validated.
#[derive(Debug, Clone)]
pub struct Settings {
    pub env_name: String,
    pub config_path: Option<PathBuf>,
    pub protected: bool,
    /// The AWS account the environment must be; checked before anything is changed.
    pub expected_account: Option<String>,
    pub aws: AwsSettings,
    pub table: String,
    /// The subcommand's `--data-product`, else the environment's, else `CYI`.
    pub data_product: String,
    pub cluster_name: String,
    /// The subcommand's `--input-bucket`, else the environment's.
    pub input_bucket: Option<String>,
    /// The subcommand's `--cluster-config`, else the environment's.
    pub cluster_config: Option<ClusterConfigSource>,
    /// The subcommand's `--archive`, else `<state dir>/cyi/archive.jsonl`; `None` when
    /// there is no home folder to put it in (see [`Settings::archive_path`]).
    pub archive: Option<PathBuf>,
    pub output: OutputFormat,
    pub yes: bool,
    pub dry_run: bool,
    pub confirm_env: Option<String>,
    pub color: bool,
    /// Lines to show as `note: …` on stderr before the command runs (a standard AWS
    /// variable shadowed by the environment's own value).
    pub notes: Vec<String>,
}

/// The per-environment values a subcommand's own flags may override.
#[derive(Debug, Clone, Default)]
pub struct CommandFlags {
    pub data_product: Option<String>,
    pub input_bucket: Option<String>,
    pub cluster_config: Option<ClusterConfigSource>,
    pub archive: Option<PathBuf>,
}

impl CommandFlags {
    pub fn of(command: &Command) -> CommandFlags {
        let text =
            |id: &Option<crate::types::Identifier>| id.as_ref().map(|d| d.as_str().to_owned());
        match command {
            Command::StartCluster(args) => CommandFlags {
                input_bucket: args.input_bucket.clone(),
                cluster_config: args.cluster_config.clone(),
                ..CommandFlags::default()
            },
            Command::Restart(args) => CommandFlags {
                input_bucket: args.input_bucket.clone(),
                cluster_config: args.cluster_config.clone(),
                archive: args.archive.clone(),
                ..CommandFlags::default()
            },
            Command::ClearRow(args) => CommandFlags {
                data_product: text(&args.data_product),
                archive: args.archive.clone(),
                ..CommandFlags::default()
            },
            Command::RestoreRow(args) => CommandFlags {
                data_product: text(&args.data_product),
                archive: args.archive.clone(),
                ..CommandFlags::default()
            },
            Command::Rows(args) => CommandFlags {
                data_product: text(&args.data_product),
                ..CommandFlags::default()
            },
            Command::Status(_)
            | Command::Logs(_)
            | Command::History(_)
            | Command::StopClusters(_)
            | Command::Clusters
            | Command::Completions(_) => CommandFlags::default(),
        }
    }
}

/// The process environment, as far as settings are concerned.
pub trait Vars {
    fn var(&self, name: &str) -> Option<String>;
}

/// The real process environment.
pub struct ProcessVars;

impl Vars for ProcessVars {
    fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok().filter(|v| !v.is_empty())
    }
}

impl Vars for BTreeMap<&str, &str> {
    fn var(&self, name: &str) -> Option<String> {
        self.get(name).map(|v| (*v).to_owned())
    }
}

impl Settings {
    /// Finds and reads the config file, then resolves. `stderr_is_tty` decides colour.
    pub fn load(cli: &Cli, stderr_is_tty: bool) -> Result<Settings> {
        let vars = ProcessVars;
        let dirs = UserDirs::detect();
        let path = file::config_path(cli.global.config.as_deref(), &vars, &dirs, file::is_present);
        let file = match path {
            Some(path) => {
                let text = file::read(&path)?;
                Some((path, text))
            }
            None => None,
        };
        Settings::resolve(
            &cli.global,
            &vars,
            file.as_ref().map(|(p, t)| (p.as_path(), t.as_str())),
            stderr_is_tty,
        )?
        .for_command(&CommandFlags::of(&cli.command), &dirs)
    }

    /// Pure resolution of the global flags, variables and the file's text.
    pub fn resolve(
        global: &GlobalArgs,
        vars: &dyn Vars,
        file: Option<(&Path, &str)>,
        stderr_is_tty: bool,
    ) -> Result<Settings> {
        let (config_path, parsed) = match file {
            Some((path, text)) => (Some(path.to_path_buf()), file::parse(path, text)?),
            None => (None, file::ConfigFile::default()),
        };
        let chosen = global
            .env
            .clone()
            .or_else(|| vars.var("CYI_ENV"))
            .or(parsed.default_env.clone());
        let (env_name, env) = match chosen {
            Some(name) => match parsed.env.get(&name) {
                Some(env) => (name, env.clone()),
                None => return Err(file::unknown_env(&name, config_path.as_deref(), &parsed)),
            },
            None if parsed.env.is_empty() => (UNNAMED_ENV.to_owned(), EnvConfig::default()),
            None => {
                return Err(Error::usage_hint(
                    "no environment selected: the config file defines environments but no default_env",
                    format!(
                        "pass --env NAME (known: {}) or set default_env in {}",
                        file::known_envs(&parsed),
                        config_path.as_deref().unwrap_or(Path::new("?")).display()
                    ),
                ));
            }
        };
        let in_file = |field: &str, message: String| Error::Config {
            path: config_path.clone().unwrap_or_default(),
            message: crate::text::one_line(&format!("env.{env_name}.{field} {message}"))
                .into_owned(),
        };

        if let Some(region) = &global.region {
            file::check_region(region).map_err(|m| Error::usage(format!("--region {m}")))?;
        }
        if let Some(region) = &env.region {
            file::check_region(region).map_err(|m| in_file("region", m))?;
        }
        let notes = shadowed_variables(global, vars, &env, &env_name);
        let region = global.region.clone().or(env.region);
        let endpoint_url = global.endpoint_url.clone().or(env.endpoint_url);
        if let Some(url) = &endpoint_url {
            file::check_endpoint(url).map_err(|m| match &global.endpoint_url {
                Some(_) => Error::usage(format!("--endpoint-url {m}")),
                None => in_file("endpoint_url", m),
            })?;
        }
        if let Some(arn) = &env.role_arn
            && !(arn.starts_with("arn:") && arn.contains(":role/"))
        {
            return Err(in_file(
                "role_arn",
                format!("'{arn}' is not a role ARN (arn:aws:iam::ACCOUNT:role/NAME)"),
            ));
        }
        if env.mfa_serial.is_some() && env.role_arn.is_none() {
            return Err(in_file(
                "mfa_serial",
                "needs role_arn: it names the MFA device of that role".into(),
            ));
        }
        let mfa_code =
            MfaCode::from_flag_or_var(global.mfa_code.clone(), vars.var("CYI_MFA_CODE"))?;
        if let Some(account) = &env.account
            && !(account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(in_file(
                "account",
                format!("'{account}' is not a 12-digit AWS account id"),
            ));
        }
        let cluster_config = env
            .cluster_config
            .as_deref()
            .map(ClusterConfigSource::parse)
            .transpose()
            .map_err(|m| in_file("cluster_config", m))?;
        for (field, value) in [
            ("connect_timeout", env.connect_timeout),
            ("call_timeout", env.call_timeout),
        ] {
            if value == Some(0) {
                return Err(in_file(
                    field,
                    "is 0; give a number of seconds, or remove it to use the default".into(),
                ));
            }
        }
        for (field, value) in [
            ("table", &env.table),
            ("data_product", &env.data_product),
            ("cluster_name", &env.cluster_name),
            ("input_bucket", &env.input_bucket),
        ] {
            if value.as_deref() == Some("") {
                return Err(in_file(
                    field,
                    "is empty; remove it to use the default".into(),
                ));
            }
        }

        if let Some(confirm) = &global.confirm_env
            && confirm != &env_name
        {
            return Err(Error::usage(format!(
                "--confirm-env {confirm} does not match the selected environment '{env_name}'"
            )));
        }

        let color = stderr_is_tty
            && vars.var("NO_COLOR").is_none()
            && vars.var("TERM").as_deref() != Some("dumb");

        Ok(Settings {
            env_name,
            config_path,
            protected: env.protected,
            expected_account: env.account,
            aws: AwsSettings {
                region,
                profile: global.profile.clone().or(env.profile),
                role_arn: env.role_arn,
                endpoint_url,
                verbose: global.verbose,
                connect_timeout: env.connect_timeout.map(std::time::Duration::from_secs),
                call_timeout: env.call_timeout.map(std::time::Duration::from_secs),
                mfa_serial: env.mfa_serial,
                mfa_code,
                no_cache: global.no_cache
                    || vars
                        .var("CYI_NO_CACHE")
                        .is_some_and(|v| v != "0" && v != "false"),
            },
            table: env.table.unwrap_or_else(|| DEFAULT_TABLE.to_owned()),
            data_product: env
                .data_product
                .unwrap_or_else(|| DEFAULT_DATA_PRODUCT.to_owned()),
            cluster_name: env
                .cluster_name
                .unwrap_or_else(|| DEFAULT_CLUSTER_NAME.to_owned()),
            input_bucket: env.input_bucket,
            cluster_config,
            archive: None,
            output: global.output,
            yes: global.yes,
            dry_run: global.dry_run,
            confirm_env: global.confirm_env.clone(),
            color,
            notes,
        })
    }

    /// Pure: the subcommand's own flags beat the environment's values; the archive is
    /// `--archive`, else the user's state folder.
    pub fn for_command(mut self, flags: &CommandFlags, dirs: &UserDirs) -> Result<Settings> {
        if let Some(data_product) = &flags.data_product {
            self.data_product = data_product.clone();
        }
        if let Some(bucket) = &flags.input_bucket {
            self.input_bucket = Some(bucket.clone());
        }
        if let Some(source) = &flags.cluster_config {
            self.cluster_config = Some(source.clone());
        }
        self.archive = flags.archive.clone().or_else(|| dirs.archive_file());
        Ok(self)
    }

    /// The archive file, or the reason there is none.
    pub fn archive_path(&self) -> Result<&Path> {
        self.archive.as_deref().ok_or_else(|| {
            Error::usage_hint(
                "cannot place the archive: no home folder was found (HOME is not set)",
                "pass --archive PATH",
            )
        })
    }
}

/// One note per standard AWS variable that is set but loses to the environment's own
/// value (a flag given on the command line is an explicit choice and needs no note).
fn shadowed_variables(
    global: &GlobalArgs,
    vars: &dyn Vars,
    env: &EnvConfig,
    env_name: &str,
) -> Vec<String> {
    let checks: [(&[&str], &str, Option<&String>, bool); 3] = [
        (
            &["AWS_ENDPOINT_URL"],
            "endpoint_url",
            env.endpoint_url.as_ref(),
            global.endpoint_url.is_some(),
        ),
        (
            &["AWS_REGION", "AWS_DEFAULT_REGION"],
            "region",
            env.region.as_ref(),
            global.region.is_some(),
        ),
        (
            &["AWS_PROFILE"],
            "profile",
            env.profile.as_ref(),
            global.profile.is_some(),
        ),
    ];
    let mut notes = Vec::new();
    for (names, field, own, flag_given) in checks {
        let (Some(own), false) = (own, flag_given) else {
            continue;
        };
        for name in names {
            if let Some(value) = vars.var(name)
                && &value != own
            {
                notes.push(format!(
                    "{name} is set but environment '{env_name}' sets {field}; using {}",
                    crate::text::display_text(own)
                ));
            }
        }
    }
    notes
}

/// The environment names of the config file `cyi` would read, for shell completion of
/// `--env`. Never fails: no file, or a broken one, completes nothing.
pub fn completion_env_names(config: Option<&Path>) -> Vec<String> {
    let dirs = UserDirs::detect();
    file::config_path(config, &ProcessVars, &dirs, file::is_present)
        .and_then(|path| file::read(&path).ok())
        .map(|text| file::env_names(&text))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests;
