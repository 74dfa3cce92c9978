//! Resolves the command line, the environment variables and the config file into one
//! validated [`Settings`] value. Pure apart from [`Settings::load`], which reads the
//! process environment and the file; nothing here touches the network.
//!
//! Precedence, per value: command-line flag, then `CYI_*` variable, then the selected
//! environment in the config file, then the default. The standard `AWS_*` variables
//! (`AWS_PROFILE`, `AWS_REGION`, `AWS_ENDPOINT_URL`, ...) fill in what neither a flag nor
//! the selected environment sets: an explicitly chosen environment is not redirected to
//! another account by a variable left over in the shell.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::cli::{GlobalArgs, OutputFormat};
use crate::error::{Error, Result};

mod every_env;
pub use every_env::{EnvSettings, load_all, resolve_all};

pub const DEFAULT_TABLE: &str = "data_pipeline_metadata";
pub const DEFAULT_DATA_PRODUCT: &str = "CYI";
pub const DEFAULT_CLUSTER_NAME: &str = "cyi";
/// The name shown when no environment is selected and the AWS defaults apply.
pub const UNNAMED_ENV: &str = "default";

/// The config file: `default_env` and one `[env.NAME]` table per environment.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    default_env: Option<String>,
    #[serde(default)]
    env: BTreeMap<String, EnvConfig>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct EnvConfig {
    region: Option<String>,
    profile: Option<String>,
    role_arn: Option<String>,
    endpoint_url: Option<String>,
    account: Option<String>,
    table: Option<String>,
    data_product: Option<String>,
    cluster_name: Option<String>,
    input_bucket: Option<String>,
    cluster_config: Option<String>,
    #[serde(default)]
    protected: bool,
    /// Seconds to open a connection to an AWS endpoint.
    connect_timeout: Option<u64>,
    /// Seconds one AWS call may take, all its retries included.
    call_timeout: Option<u64>,
}

/// Where the launcher's four YAML files live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClusterConfigSource {
    Local(PathBuf),
    S3 { bucket: String, prefix: String },
}

impl ClusterConfigSource {
    pub fn parse(value: &str) -> std::result::Result<Self, String> {
        let Some(rest) = value.strip_prefix("s3://") else {
            if value.is_empty() {
                return Err("is empty; give a folder or s3://BUCKET/PREFIX".into());
            }
            return Ok(ClusterConfigSource::Local(PathBuf::from(value)));
        };
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            return Err(format!(
                "'{value}' names no bucket; expected s3://BUCKET/PREFIX"
            ));
        }
        Ok(ClusterConfigSource::S3 {
            bucket: bucket.to_owned(),
            prefix: prefix.trim_end_matches('/').to_owned(),
        })
    }
}

impl std::fmt::Display for ClusterConfigSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ClusterConfigSource::Local(path) => write!(f, "{}", path.display()),
            ClusterConfigSource::S3 { bucket, prefix } => write!(f, "s3://{bucket}/{prefix}"),
        }
    }
}

/// How to reach AWS. `None` means: leave it to the SDK's standard resolution.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AwsSettings {
    pub region: Option<String>,
    pub profile: Option<String>,
    pub role_arn: Option<String>,
    pub endpoint_url: Option<String>,
    pub verbose: bool,
    /// `None`: the defaults in aws/mod.rs.
    pub connect_timeout: Option<std::time::Duration>,
    pub call_timeout: Option<std::time::Duration>,
}

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
    pub data_product: String,
    pub cluster_name: String,
    pub input_bucket: Option<String>,
    pub cluster_config: Option<ClusterConfigSource>,
    pub output: OutputFormat,
    pub yes: bool,
    pub dry_run: bool,
    pub confirm_env: Option<String>,
    pub color: bool,
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
    pub fn load(global: &GlobalArgs, stderr_is_tty: bool) -> Result<Settings> {
        let vars = ProcessVars;
        let path = config_path(global, &vars, Path::exists);
        let text = match &path {
            Some(path) => Some(std::fs::read_to_string(path).map_err(|err| Error::Config {
                path: path.clone(),
                message: format!("cannot read the config file: {err}"),
            })?),
            None => None,
        };
        let file = path.zip(text);
        Settings::resolve(
            global,
            &vars,
            file.as_ref().map(|(p, t)| (p.as_path(), t.as_str())),
            stderr_is_tty,
        )
    }

    /// Pure resolution of flags, variables and the file's text.
    pub fn resolve(
        global: &GlobalArgs,
        vars: &dyn Vars,
        file: Option<(&Path, &str)>,
        stderr_is_tty: bool,
    ) -> Result<Settings> {
        let (config_path, parsed) = match file {
            Some((path, text)) => (Some(path.to_path_buf()), parse_file(path, text)?),
            None => (None, ConfigFile::default()),
        };
        let chosen = global
            .env
            .clone()
            .or_else(|| vars.var("CYI_ENV"))
            .or(parsed.default_env.clone());
        let (env_name, env) = match chosen {
            Some(name) => match parsed.env.get(&name) {
                Some(env) => (name, env.clone()),
                None => return Err(unknown_env(&name, config_path.as_deref(), &parsed)),
            },
            None if parsed.env.is_empty() => (UNNAMED_ENV.to_owned(), EnvConfig::default()),
            None => {
                return Err(Error::usage_hint(
                    "no environment selected: the config file defines environments but no default_env",
                    format!(
                        "pass --env NAME (known: {}) or set default_env in {}",
                        known_envs(&parsed),
                        config_path.as_deref().unwrap_or(Path::new("?")).display()
                    ),
                ));
            }
        };
        let in_file = |field: &str, message: String| Error::Config {
            path: config_path.clone().unwrap_or_default(),
            message: format!("env.{env_name}.{field} {message}"),
        };

        if let Some(region) = &global.region {
            check_region(region).map_err(|m| Error::usage(format!("--region {m}")))?;
        }
        if let Some(region) = &env.region {
            check_region(region).map_err(|m| in_file("region", m))?;
        }
        let region = global.region.clone().or(env.region);
        let endpoint_url = global.endpoint_url.clone().or(env.endpoint_url);
        if let Some(url) = &endpoint_url {
            check_endpoint(url).map_err(|m| match &global.endpoint_url {
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
            output: global.output,
            yes: global.yes,
            dry_run: global.dry_run,
            confirm_env: global.confirm_env.clone(),
            color,
        })
    }
}

/// `--config`, then `$CYI_CONFIG`, then `./cyi.toml`, then the XDG config file.
/// A file named explicitly must exist (reading it reports the error); the implicit
/// places are used only when present.
fn config_path(
    global: &GlobalArgs,
    vars: &dyn Vars,
    exists: impl Fn(&Path) -> bool,
) -> Option<PathBuf> {
    if let Some(path) = global.config.clone() {
        return Some(path);
    }
    if let Some(path) = vars.var("CYI_CONFIG") {
        return Some(PathBuf::from(path));
    }
    let local = PathBuf::from("cyi.toml");
    if exists(&local) {
        return Some(local);
    }
    let xdg = vars.var("XDG_CONFIG_HOME").map(PathBuf::from).or_else(|| {
        vars.var("HOME")
            .map(|home| Path::new(&home).join(".config"))
    })?;
    let user = xdg.join("cyi").join("config.toml");
    exists(&user).then_some(user)
}

fn parse_file(path: &Path, text: &str) -> Result<ConfigFile> {
    toml::from_str(text).map_err(|err| Error::Config {
        path: path.to_path_buf(),
        message: err.to_string().trim_end().replace('\n', "\n  "),
    })
}

fn known_envs(file: &ConfigFile) -> String {
    if file.env.is_empty() {
        return "none defined".to_owned();
    }
    file.env.keys().cloned().collect::<Vec<_>>().join(", ")
}

fn unknown_env(name: &str, path: Option<&Path>, file: &ConfigFile) -> Error {
    let place = match path {
        Some(path) => format!("in {}", path.display()),
        None => "(no config file found; see --config)".to_owned(),
    };
    Error::usage_hint(
        format!("unknown environment '{name}' {place}"),
        format!("known environments: {}", known_envs(file)),
    )
}

/// The shape of an AWS region name (`eu-west-2`, `us-gov-west-1`, `cn-north-1`), so a
/// typo such as `eu-west2` fails here rather than as a DNS error later.
fn check_region(region: &str) -> std::result::Result<(), String> {
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

fn check_endpoint(url: &str) -> std::result::Result<(), String> {
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
    use crate::cli::Cli;
    use clap::Parser;

    const FILE: &str = r#"
        [env.dev]
        region = "eu-west-2"
        role_arn = "arn:aws:iam::111111111111:role/ci"
        input_bucket = "dev-input"
        cluster_config = "s3://dev-config/emr/cyi/"

        [env.production]
        region = "eu-west-2"
        profile = "prod"
        account = "222222222222"
        protected = true
    "#;

    fn global(args: &[&str]) -> GlobalArgs {
        let argv = std::iter::once("cyi")
            .chain(args.iter().copied())
            .chain(["clusters"]);
        Cli::try_parse_from(argv).unwrap().global
    }

    fn resolve(
        args: &[&str],
        vars: &[(&'static str, &'static str)],
        file: Option<&str>,
    ) -> Result<Settings> {
        let vars: BTreeMap<&str, &str> = vars.iter().copied().collect();
        Settings::resolve(
            &global(args),
            &vars,
            file.map(|text| (Path::new("cyi.toml"), text)),
            false,
        )
    }

    #[test]
    fn no_file_means_defaults_and_the_aws_environment() {
        let s = resolve(&[], &[], None).unwrap();
        assert_eq!(s.env_name, UNNAMED_ENV);
        assert_eq!(s.table, "data_pipeline_metadata");
        assert_eq!(s.data_product, "CYI");
        assert_eq!(s.cluster_name, "cyi");
        assert_eq!(s.aws, AwsSettings::default());
        assert!(!s.protected);
    }

    #[test]
    fn timeouts_are_seconds_and_never_zero() {
        let file = "[env.dev]\nconnect_timeout = 2\ncall_timeout = 7\n";
        let s = resolve(&["--env", "dev"], &[], Some(file)).unwrap();
        assert_eq!(
            s.aws.connect_timeout,
            Some(std::time::Duration::from_secs(2))
        );
        assert_eq!(s.aws.call_timeout, Some(std::time::Duration::from_secs(7)));
        let err = resolve(
            &["--env", "dev"],
            &[],
            Some("[env.dev]\ncall_timeout = 0\n"),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("env.dev.call_timeout is 0"), "{err}");
        assert!(
            resolve(
                &["--env", "dev"],
                &[],
                Some("[env.dev]\ncall_timeout = \"5s\"\n")
            )
            .is_err()
        );
    }

    #[test]
    fn environment_values_are_used() {
        let s = resolve(&["--env", "dev"], &[], Some(FILE)).unwrap();
        assert_eq!(s.aws.region.as_deref(), Some("eu-west-2"));
        assert_eq!(
            s.aws.role_arn.as_deref(),
            Some("arn:aws:iam::111111111111:role/ci")
        );
        assert_eq!(s.input_bucket.as_deref(), Some("dev-input"));
        assert_eq!(
            s.cluster_config,
            Some(ClusterConfigSource::S3 {
                bucket: "dev-config".into(),
                prefix: "emr/cyi".into()
            })
        );
    }

    #[test]
    fn flags_beat_variables_beat_the_file() {
        let s = resolve(
            &[
                "--env",
                "production",
                "--region",
                "us-east-1",
                "--profile",
                "other",
            ],
            &[("CYI_ENV", "dev")],
            Some(FILE),
        )
        .unwrap();
        assert_eq!(s.env_name, "production");
        assert_eq!(s.aws.region.as_deref(), Some("us-east-1"));
        assert_eq!(s.aws.profile.as_deref(), Some("other"));
        assert!(s.protected);
        assert_eq!(s.expected_account.as_deref(), Some("222222222222"));

        let s = resolve(&[], &[("CYI_ENV", "dev")], Some(FILE)).unwrap();
        assert_eq!(s.env_name, "dev");
    }

    #[test]
    fn default_env_in_the_file_applies_when_none_is_chosen() {
        let file = format!("default_env = \"dev\"\n{FILE}");
        let vars = BTreeMap::new();
        let s = Settings::resolve(
            &global(&[]),
            &vars,
            Some((Path::new("c.toml"), &file)),
            false,
        )
        .unwrap();
        assert_eq!(s.env_name, "dev");
    }

    #[test]
    fn several_environments_and_none_chosen_is_an_error() {
        let err = resolve(&[], &[], Some(FILE)).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(err.hint().unwrap().contains("dev, production"), "{err:?}");
    }

    #[test]
    fn unknown_env_lists_the_known_ones() {
        let err = resolve(&["--env", "prod"], &[], Some(FILE)).unwrap_err();
        assert_eq!(err.to_string(), "unknown environment 'prod' in cyi.toml");
        assert_eq!(err.hint(), Some("known environments: dev, production"));
        assert_eq!(err.exit_code(), 2);
    }

    #[test]
    fn unknown_key_is_named() {
        let err = resolve(&["--env", "dev"], &[], Some("[env.dev]\nregoin = \"x\"\n")).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("unknown field `regoin`"), "{text}");
        assert_eq!(err.exit_code(), 2);
    }

    #[test]
    fn wrong_type_is_named() {
        let err = resolve(
            &["--env", "dev"],
            &[],
            Some("[env.dev]\nprotected = \"yes\"\n"),
        )
        .unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("protected") && text.contains("bool"),
            "{text}"
        );
    }

    #[test]
    fn bad_values_name_their_key() {
        let cases = [
            ("role_arn = \"ci\"", "env.dev.role_arn"),
            ("account = \"12\"", "env.dev.account"),
            ("endpoint_url = \"localhost:5000\"", "env.dev.endpoint_url"),
            ("cluster_config = \"s3:///emr\"", "env.dev.cluster_config"),
            ("table = \"\"", "env.dev.table"),
        ];
        for (line, key) in cases {
            let file = format!("[env.dev]\n{line}\n");
            let err = resolve(&["--env", "dev"], &[], Some(&file)).unwrap_err();
            assert!(err.to_string().contains(key), "{line}: {err}");
            assert_eq!(err.exit_code(), 2);
        }
    }

    #[test]
    fn region_names_are_checked() {
        for good in ["eu-west-2", "us-gov-west-1", "cn-north-1", "ap-southeast-3"] {
            assert!(check_region(good).is_ok(), "{good}");
        }
        for bad in [
            "eu-west2",
            "EU-WEST-2",
            "euwest2",
            "eu-west-",
            "eu west 2",
            "e-west-2",
        ] {
            assert!(check_region(bad).is_err(), "{bad}");
        }
        let err = resolve(&["--region", "eu-west2"], &[], None).unwrap_err();
        assert!(err.to_string().starts_with("--region 'eu-west2'"), "{err}");
        let err = resolve(
            &["--env", "dev"],
            &[],
            Some("[env.dev]\nregion = \"london\"\n"),
        )
        .unwrap_err();
        assert!(err.to_string().contains("env.dev.region"), "{err}");
    }

    #[test]
    fn bad_endpoint_flag_names_the_flag() {
        let err = resolve(&["--endpoint-url", "127.0.0.1:5000"], &[], None).unwrap_err();
        assert!(err.to_string().starts_with("--endpoint-url"), "{err}");
    }

    #[test]
    fn confirm_env_must_match() {
        let err = resolve(
            &["--env", "production", "--confirm-env", "dev"],
            &[],
            Some(FILE),
        )
        .unwrap_err();
        assert!(err.to_string().contains("does not match"), "{err}");
        assert!(
            resolve(
                &["--env", "production", "--confirm-env", "production"],
                &[],
                Some(FILE)
            )
            .is_ok()
        );
    }

    #[test]
    fn config_path_precedence() {
        let vars: BTreeMap<&str, &str> = [("CYI_CONFIG", "/etc/cyi.toml"), ("HOME", "/home/op")]
            .into_iter()
            .collect();
        let all = |_: &Path| true;
        assert_eq!(
            config_path(&global(&["--config", "x.toml"]), &vars, all),
            Some(PathBuf::from("x.toml"))
        );
        assert_eq!(
            config_path(&global(&[]), &vars, all),
            Some(PathBuf::from("/etc/cyi.toml"))
        );
        let vars: BTreeMap<&str, &str> = [("HOME", "/home/op")].into_iter().collect();
        assert_eq!(
            config_path(&global(&[]), &vars, all),
            Some(PathBuf::from("cyi.toml"))
        );
        let only_user = |p: &Path| p != Path::new("cyi.toml");
        assert_eq!(
            config_path(&global(&[]), &vars, only_user),
            Some(PathBuf::from("/home/op/.config/cyi/config.toml"))
        );
        assert_eq!(config_path(&global(&[]), &vars, |_: &Path| false), None);
    }

    #[test]
    fn colour_is_off_without_a_tty_or_with_no_color() {
        let vars = BTreeMap::new();
        let on = Settings::resolve(&global(&[]), &vars, None, true).unwrap();
        assert!(on.color);
        let vars: BTreeMap<&str, &str> = [("NO_COLOR", "1")].into_iter().collect();
        assert!(
            !Settings::resolve(&global(&[]), &vars, None, true)
                .unwrap()
                .color
        );
    }

    #[test]
    fn cluster_config_sources() {
        assert_eq!(
            ClusterConfigSource::parse("s3://b").unwrap(),
            ClusterConfigSource::S3 {
                bucket: "b".into(),
                prefix: "".into()
            }
        );
        assert_eq!(
            ClusterConfigSource::parse("./emr/cyi").unwrap(),
            ClusterConfigSource::Local(PathBuf::from("./emr/cyi"))
        );
        assert!(ClusterConfigSource::parse("s3://").is_err());
        assert!(ClusterConfigSource::parse("").is_err());
    }
}

#[cfg(test)]
mod example_file {
    use super::*;
    use crate::cli::Cli;
    use clap::Parser;

    /// The shipped example must stay valid and keep production protected.
    #[test]
    fn docs_example_parses_and_protects_production() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/cyi.example.toml");
        let text = std::fs::read_to_string(&path).unwrap();
        let vars = BTreeMap::new();
        for env in ["dev", "qa", "integration", "preprod", "production"] {
            let global = Cli::try_parse_from(["cyi", "--env", env, "clusters"])
                .unwrap()
                .global;
            let s = Settings::resolve(&global, &vars, Some((&path, &text)), false).unwrap();
            assert_eq!(s.protected, env == "production", "{env}");
            assert!(
                s.aws.role_arn.is_some() && s.expected_account.is_some(),
                "{env}"
            );
            assert!(
                s.input_bucket.is_some() && s.cluster_config.is_some(),
                "{env}"
            );
        }
    }
}
