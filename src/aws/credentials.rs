//! Roles that demand MFA. The SDK's profile provider ignores `mfa_serial` (and so fails
//! to assume such a role where `aws --profile` works), so when the selected profile, or
//! the environment's `role_arn` with `mfa_serial`, needs a code, cyi assumes the role
//! itself: the session from the aws CLI's cache if one is fresh, otherwise a code from
//! `--mfa-code` / `CYI_MFA_CODE` or the terminal, one AssumeRole call with `SerialNumber`
//! and `TokenCode`, and the session cached for the next command (and for `aws`). Every
//! other case is left to the SDK's standard chain, unchanged.

use std::borrow::Cow;
use std::io::{IsTerminal, Write};
use std::time::SystemTime;

use aws_config::SdkConfig;
use aws_config::profile::{Profile, ProfileFileCredentialsProvider, ProfileSet};
use aws_config::provider_config::ProviderConfig;
use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use chrono::Utc;

use super::session_cache::{self, AssumeRoleArgs, Session};
use crate::aws::AwsSettings;
use crate::error::{Error, Result};
use crate::text::display_text;
/// Parsed where the settings are read, so that `settings` need not depend on `aws`.
pub use crate::types::MfaCode;

/// How many times the prompt asks again after something that is not 6 digits.
const PROMPT_TRIES: usize = 3;

/// The role the run's credentials are for, when one is assumed: for the plan header
/// (`as ops via cyi-prod`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AssumedRole {
    pub role_arn: String,
    /// The profile the role comes from (or whose credentials assume it).
    pub profile: Option<String>,
}

impl AssumedRole {
    /// The role's name: the last part of its ARN (`arn:aws:iam::1:role/team/ops` → `ops`).
    pub fn role_name(&self) -> &str {
        self.role_arn
            .rsplit(['/', ':'])
            .next()
            .unwrap_or(&self.role_arn)
    }
}

impl std::fmt::Display for AssumedRole {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "as {}", display_text(self.role_name()))?;
        if let Some(profile) = &self.profile {
            write!(f, " via {}", display_text(profile))?;
        }
        Ok(())
    }
}

/// A role cyi assumes itself because it needs an MFA code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MfaRole {
    /// Who asks for it, for messages: `profile 'cyi-prod'` or `the environment's role_arn`.
    pub owner: String,
    /// The profile whose credentials call AssumeRole; `None`: the standard chain's.
    pub source_profile: Option<String>,
    /// With `serial_number` set.
    pub args: AssumeRoleArgs,
}

/// How this run gets its credentials, decided from the settings and the profile files
/// before any AWS call.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CredentialPlan {
    pub mfa: Option<MfaRole>,
    pub assumed_role: Option<AssumedRole>,
}

/// The shared config and credentials files (`AWS_CONFIG_FILE`, `AWS_PROFILE`, ... as the
/// SDK reads them), with `--profile` / the environment's profile selected. Files that do
/// not parse are left for the SDK to report when it reads them itself.
pub async fn load_profiles(settings: &AwsSettings) -> ProfileSet {
    let fs = aws_types::os_shim_internal::Fs::real();
    let env = aws_types::os_shim_internal::Env::real();
    let files = aws_runtime::env_config::file::EnvConfigFiles::default();
    let selected = settings.profile.clone().map(Cow::Owned);
    aws_config::profile::load(&fs, &env, &files, selected)
        .await
        .unwrap_or_default()
}

/// Whether the environment holds credentials: the standard chain uses them before any
/// profile, so a role profile's MFA is not asked for (`aws-vault exec`, for instance).
pub fn environment_has_credentials() -> bool {
    std::env::var_os("AWS_ACCESS_KEY_ID").is_some_and(|v| !v.is_empty())
}

/// Decides, without I/O, which role is assumed and whether cyi must do it itself.
pub fn plan(
    settings: &AwsSettings,
    profiles: &ProfileSet,
    env_has_credentials: bool,
) -> Result<CredentialPlan> {
    if let Some(role_arn) = &settings.role_arn {
        let mfa = settings.mfa_serial.as_ref().map(|serial| MfaRole {
            owner: "the environment's role_arn".into(),
            source_profile: None,
            args: AssumeRoleArgs {
                role_arn: role_arn.clone(),
                session_name: None,
                external_id: None,
                serial_number: Some(serial.clone()),
                duration_seconds: None,
            },
        });
        return Ok(CredentialPlan {
            mfa,
            assumed_role: Some(AssumedRole {
                role_arn: role_arn.clone(),
                profile: settings.profile.clone(),
            }),
        });
    }
    if env_has_credentials {
        return Ok(CredentialPlan::default());
    }
    let name = profiles.selected_profile();
    let Some(profile) = profiles.get_profile(name) else {
        return Ok(CredentialPlan::default());
    };
    let Some(role_arn) = non_empty(profile, "role_arn") else {
        return Ok(CredentialPlan::default());
    };
    let assumed_role = Some(AssumedRole {
        role_arn: role_arn.to_owned(),
        profile: Some(name.to_owned()),
    });
    let Some(serial) = non_empty(profile, "mfa_serial") else {
        return Ok(CredentialPlan {
            mfa: None,
            assumed_role,
        });
    };
    let shown = display_text(name);
    let Some(source_profile) = non_empty(profile, "source_profile") else {
        return Err(Error::usage_hint(
            format!(
                "profile '{shown}' has mfa_serial but no source_profile, which cyi needs to assume its role"
            ),
            "name the profile holding the long-lived credentials in source_profile, or run with credentials already in the environment (e.g. `aws-vault exec`)",
        ));
    };
    let duration_seconds = match non_empty(profile, "duration_seconds") {
        Some(text) => Some(text.trim().parse::<i32>().map_err(|_| {
            Error::usage(format!(
                "profile '{shown}': duration_seconds '{}' is not a number of seconds",
                display_text(text)
            ))
        })?),
        None => None,
    };
    Ok(CredentialPlan {
        mfa: Some(MfaRole {
            owner: format!("profile '{shown}'"),
            source_profile: Some(source_profile.to_owned()),
            args: AssumeRoleArgs {
                role_arn: role_arn.to_owned(),
                session_name: non_empty(profile, "role_session_name").map(str::to_owned),
                external_id: non_empty(profile, "external_id").map(str::to_owned),
                serial_number: Some(serial.to_owned()),
                duration_seconds,
            },
        }),
        assumed_role,
    })
}

fn non_empty<'a>(profile: &'a Profile, key: &str) -> Option<&'a str> {
    profile.get(key).filter(|v| !v.trim().is_empty())
}

/// The credentials of an MFA role: a fresh cached session, or a new one for a code.
/// `base` is the run's configuration (region, endpoint, HTTP client, standard chain).
pub async fn mfa_credentials(
    role: &MfaRole,
    settings: &AwsSettings,
    base: &SdkConfig,
) -> Result<SharedCredentialsProvider> {
    let key = session_cache::cache_key(&role.args);
    let cache_dir = (!settings.no_cache)
        .then(session_cache::default_dir)
        .flatten();
    if let Some(dir) = &cache_dir
        && let Some(session) = session_cache::read(dir, &key, Utc::now())?
    {
        return Ok(provider(&session));
    }
    let serial = role.args.serial_number.as_deref().unwrap_or_default();
    let code = match &settings.mfa_code {
        Some(code) => code.clone(),
        None => ask_code(role, serial)?,
    };
    let session = assume_role(role, &code, base).await?;
    if let Some(dir) = &cache_dir
        && let Err(err) = session_cache::write(dir, &key, &session)
    {
        // The session is good for this run; only the next one will have to ask again.
        let _ = writeln!(
            std::io::stderr(),
            "warning: {}",
            crate::text::one_line(&crate::text::escape::escape(&format!(
                "cannot write the session cache in {}: {err}",
                dir.display()
            )))
        );
    }
    Ok(provider(&session))
}

fn provider(session: &Session) -> SharedCredentialsProvider {
    let expiry = SystemTime::from(session.expiration);
    SharedCredentialsProvider::new(Credentials::new(
        session.access_key_id.clone(),
        session.secret_access_key.clone(),
        Some(session.session_token.clone()),
        Some(expiry),
        "cyi-mfa-role",
    ))
}

/// Asks on the terminal (stderr, no echo), and only there: without one, fails before
/// any AWS call with the two ways out.
fn ask_code(role: &MfaRole, serial: &str) -> Result<MfaCode> {
    let serial = display_text(serial);
    if !std::io::stdin().is_terminal() {
        return Err(Error::usage_hint(
            format!(
                "{} needs an MFA code for {serial}, and there is no terminal to ask for it",
                role.owner
            ),
            "pass --mfa-code CODE or set CYI_MFA_CODE, or run with credentials already in the environment (e.g. `aws-vault exec PROFILE -- cyi ...`, or an SSO profile after `aws sso login`)",
        ));
    }
    let term = dialoguer::console::Term::stderr();
    for _ in 0..PROMPT_TRIES {
        term.write_str(&format!("Enter MFA code for {serial}: "))
            .map_err(|e| Error::io("cannot write the MFA prompt", e))?;
        let typed = term
            .read_secure_line()
            .map_err(|e| Error::io("cannot read the MFA code", e))?;
        match MfaCode::parse(&typed) {
            Ok(code) => return Ok(code),
            Err(problem) => {
                let _ = term.write_line(&format!("That {problem}."));
            }
        }
    }
    Err(Error::usage(format!(
        "no valid MFA code for {serial} after {PROMPT_TRIES} tries"
    )))
}

async fn assume_role(role: &MfaRole, code: &MfaCode, base: &SdkConfig) -> Result<Session> {
    let source = match &role.source_profile {
        Some(name) => {
            let mut conf = ProviderConfig::without_region().with_region(base.region().cloned());
            if let Some(client) = base.http_client() {
                conf = conf.with_http_client(client);
            }
            SharedCredentialsProvider::new(
                ProfileFileCredentialsProvider::builder()
                    .profile_name(name)
                    .configure(&conf)
                    .build(),
            )
        }
        None => base.credentials_provider().ok_or_else(|| {
            Error::Failed("no credentials provider to assume the role with".into())
        })?,
    };
    let sts = aws_sdk_sts::Client::from_conf(
        aws_sdk_sts::config::Builder::from(base)
            .credentials_provider(source)
            .build(),
    );
    let args = &role.args;
    let out = sts
        .assume_role()
        .role_arn(&args.role_arn)
        .role_session_name(
            args.session_name
                .clone()
                .unwrap_or_else(super::session_name),
        )
        .set_external_id(args.external_id.clone())
        .set_serial_number(args.serial_number.clone())
        .token_code(code.as_str())
        .set_duration_seconds(args.duration_seconds)
        .send()
        .await
        .map_err(|e| match super::aws_error("sts:AssumeRole", e) {
            Error::Aws {
                operation,
                message,
                hint: _,
            } if message.starts_with("AccessDenied") => Error::Aws {
                operation,
                message,
                hint: Some(
                    "check the MFA code (each code works once, and only for about 30 seconds) and that the role trusts the source profile".into(),
                ),
            },
            other => other,
        })?;
    let credentials = out
        .credentials
        .ok_or_else(|| Error::Failed("sts:AssumeRole answered without credentials".into()))?;
    let expiration = SystemTime::try_from(credentials.expiration)
        .map(chrono::DateTime::<Utc>::from)
        .map_err(|_| Error::Failed("sts:AssumeRole answered an unreadable expiry".into()))?;
    let arn = out.assumed_role_user.map(|user| user.arn);
    Ok(Session {
        account_id: arn.as_deref().and_then(account_of),
        access_key_id: credentials.access_key_id,
        secret_access_key: credentials.secret_access_key,
        session_token: credentials.session_token,
        expiration,
        arn,
    })
}

/// The account of an ARN (`arn:aws:sts::123456789012:assumed-role/ops/x`), as botocore
/// adds it to the cached response.
fn account_of(arn: &str) -> Option<String> {
    let account = arn.split(':').nth(4)?;
    (!account.is_empty()).then(|| account.to_owned())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use aws_types::os_shim_internal::{Env, Fs};

    const CONFIG: &str = "\
[profile cyi-prod]
role_arn = arn:aws:iam::555555555555:role/ops
source_profile = base
mfa_serial = arn:aws:iam::111111111111:mfa/jane
duration_seconds = 3600
role_session_name = jane
external_id = ext-1
region = eu-west-2

[profile plain-role]
role_arn = arn:aws:iam::555555555555:role/ci
source_profile = base

[profile no-source]
role_arn = arn:aws:iam::555555555555:role/ops
mfa_serial = arn:aws:iam::111111111111:mfa/jane

[profile bad-duration]
role_arn = arn:aws:iam::555555555555:role/ops
source_profile = base
mfa_serial = arn:aws:iam::111111111111:mfa/jane
duration_seconds = an hour

[profile base]
region = eu-west-2
";

    fn profiles(selected: Option<&str>) -> ProfileSet {
        let fs = Fs::from_slice(&[("/c/config", CONFIG)]);
        let env = Env::from_slice(&[("AWS_CONFIG_FILE", "/c/config"), ("HOME", "/c")]);
        let files = aws_runtime::env_config::file::EnvConfigFiles::default();
        let selected = selected.map(|s| Cow::Owned(s.to_owned()));
        futures_util::FutureExt::now_or_never(aws_config::profile::load(
            &fs, &env, &files, selected,
        ))
        .unwrap()
        .unwrap()
    }

    fn settings(profile: Option<&str>) -> AwsSettings {
        AwsSettings {
            profile: profile.map(str::to_owned),
            ..AwsSettings::default()
        }
    }

    #[test]
    fn an_mfa_profile_is_assumed_by_cyi_with_every_profile_argument() {
        let plan = plan(
            &settings(Some("cyi-prod")),
            &profiles(Some("cyi-prod")),
            false,
        )
        .unwrap();
        let mfa = plan.mfa.unwrap();
        assert_eq!(mfa.owner, "profile 'cyi-prod'");
        assert_eq!(mfa.source_profile.as_deref(), Some("base"));
        assert_eq!(
            mfa.args,
            AssumeRoleArgs {
                role_arn: "arn:aws:iam::555555555555:role/ops".into(),
                session_name: Some("jane".into()),
                external_id: Some("ext-1".into()),
                serial_number: Some("arn:aws:iam::111111111111:mfa/jane".into()),
                duration_seconds: Some(3600),
            }
        );
        assert_eq!(
            plan.assumed_role.unwrap().to_string(),
            "as ops via cyi-prod"
        );
    }

    #[test]
    fn other_profiles_and_environment_credentials_keep_the_standard_chain() {
        let plain = plan(
            &settings(Some("plain-role")),
            &profiles(Some("plain-role")),
            false,
        )
        .unwrap();
        assert_eq!(plain.mfa, None);
        assert_eq!(
            plain.assumed_role.unwrap().to_string(),
            "as ci via plain-role"
        );
        let base = plan(&settings(Some("base")), &profiles(Some("base")), false).unwrap();
        assert_eq!(base, CredentialPlan::default());
        // Credentials in the environment (aws-vault exec) come first, as in the SDK.
        let vault = plan(
            &settings(Some("cyi-prod")),
            &profiles(Some("cyi-prod")),
            true,
        )
        .unwrap();
        assert_eq!(vault, CredentialPlan::default());
        let missing = plan(&settings(Some("nope")), &profiles(Some("nope")), false).unwrap();
        assert_eq!(missing, CredentialPlan::default());
    }

    #[test]
    fn the_environment_role_with_mfa_serial_is_assumed_by_cyi() {
        let mut s = settings(Some("base"));
        s.role_arn = Some("arn:aws:iam::123456789012:role/ops".into());
        let without = plan(&s, &profiles(Some("base")), true).unwrap();
        assert_eq!(
            without.mfa, None,
            "no mfa_serial: the SDK's AssumeRoleProvider"
        );
        assert_eq!(without.assumed_role.unwrap().to_string(), "as ops via base");
        s.mfa_serial = Some("arn:aws:iam::123456789012:mfa/jane".into());
        let with = plan(&s, &profiles(Some("base")), true)
            .unwrap()
            .mfa
            .unwrap();
        assert_eq!(with.owner, "the environment's role_arn");
        assert_eq!(with.source_profile, None);
        assert_eq!(
            with.args.serial_number.as_deref(),
            Some("arn:aws:iam::123456789012:mfa/jane")
        );
        assert_eq!(with.args.session_name, None);
    }

    #[test]
    fn unusable_mfa_profiles_are_usage_errors() {
        for name in ["no-source", "bad-duration"] {
            let err = plan(&settings(Some(name)), &profiles(Some(name)), false).unwrap_err();
            assert_eq!(err.exit_code(), 2, "{name}");
            assert!(err.to_string().contains(name), "{err}");
        }
    }

    #[test]
    fn codes_are_six_digits_and_never_shown() {
        assert!(MfaCode::parse("123456").is_ok());
        assert!(MfaCode::parse(" 123456\n").is_ok());
        for bad in ["12345", "1234567", "12345a", "", "１２３４５６"] {
            let err = MfaCode::parse(bad).unwrap_err();
            assert!(bad.is_empty() || !err.contains(bad));
        }
        assert_eq!(
            format!("{:?}", MfaCode::parse("123456").unwrap()),
            "MfaCode(******)"
        );
    }

    /// The settings' side: `mfa_serial` in the environment, the code from the flag or
    /// `CYI_MFA_CODE` (checked, never repeated), `--no-cache` / `CYI_NO_CACHE`.
    #[test]
    fn settings_resolve_the_mfa_keys() {
        use crate::settings::Settings;
        use clap::Parser;
        use std::collections::BTreeMap;
        use std::path::Path;
        let resolve = |args: &[&str], vars: &[(&str, &str)], file: &str| {
            let argv = std::iter::once("cyi")
                .chain(args.iter().copied())
                .chain(["clusters"]);
            let global = crate::cli::Cli::try_parse_from(argv).unwrap().global;
            let vars: BTreeMap<&str, &str> = vars.iter().copied().collect();
            Settings::resolve(&global, &vars, Some((Path::new("cyi.toml"), file)), false)
        };
        let file = "[env.prod]\nrole_arn = \"arn:aws:iam::1:role/ops\"\nmfa_serial = \"arn:aws:iam::1:mfa/jane\"\n";
        let s = resolve(&["--env", "prod"], &[], file).unwrap().aws;
        assert_eq!(s.mfa_serial.as_deref(), Some("arn:aws:iam::1:mfa/jane"));
        assert_eq!((s.mfa_code, s.no_cache), (None, false));
        let s = resolve(
            &["--env", "prod", "--mfa-code", "123456", "--no-cache"],
            &[],
            file,
        )
        .unwrap()
        .aws;
        assert_eq!(s.mfa_code, Some(MfaCode::parse("123456").unwrap()));
        assert!(s.no_cache);
        let s = resolve(
            &["--env", "prod"],
            &[("CYI_MFA_CODE", "654321"), ("CYI_NO_CACHE", "1")],
            file,
        )
        .unwrap()
        .aws;
        assert_eq!(s.mfa_code, Some(MfaCode::parse("654321").unwrap()));
        assert!(s.no_cache);
        let err = resolve(&["--env", "prod", "--mfa-code", "98765x"], &[], file).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(!err.to_string().contains("98765x"), "{err}");
        let lonely = "[env.prod]\nmfa_serial = \"arn:aws:iam::1:mfa/jane\"\n";
        let err = resolve(&["--env", "prod"], &[], lonely).unwrap_err();
        assert!(
            err.to_string()
                .contains("env.prod.mfa_serial needs role_arn"),
            "{err}"
        );
    }

    #[test]
    fn role_names_and_accounts_come_from_arns() {
        let role = AssumedRole {
            role_arn: "arn:aws:iam::1:role/team/ops".into(),
            profile: None,
        };
        assert_eq!(role.to_string(), "as ops");
        assert_eq!(
            account_of("arn:aws:sts::123456789012:assumed-role/ops/x").as_deref(),
            Some("123456789012")
        );
        assert_eq!(account_of("nonsense"), None);
    }
}
