//! Roles that demand MFA. The SDK's profile provider ignores `mfa_serial` (and so fails
//! to assume such a role where `aws --profile` works), so when the selected profile's
//! chain of roles, or the environment's `role_arn` with `mfa_serial`, needs a code, cyi
//! assumes the whole chain itself, hop by hop as the aws CLI does (`chain`): a session
//! from the aws CLI's cache when one is fresh, otherwise a code from `--mfa-code` /
//! `CYI_MFA_CODE` or the terminal for the hop that names `mfa_serial`, AssumeRole calls
//! with `SerialNumber` and `TokenCode` there, and every new session cached for the next
//! command (and for `aws`) (`resolve`). Every other case is left to the SDK's standard
//! chain, unchanged.

mod chain;
mod resolve;

use std::borrow::Cow;

use aws_config::profile::ProfileSet;

pub use self::chain::{Hop, RoleChain, Source};
pub use self::resolve::chain_credentials;
use super::session_cache::AssumeRoleArgs;
use crate::aws::AwsSettings;
use crate::error::{Error, Result};
use crate::text::display_text;
/// Parsed where the settings are read, so that `settings` need not depend on `aws`.
pub use crate::types::MfaCode;

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

/// How this run gets its credentials, decided from the settings and the profile files
/// before any AWS call.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CredentialPlan {
    /// The roles cyi assumes itself, because one of them needs an MFA code.
    pub chain: Option<RoleChain>,
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
    let name = profiles.selected_profile();
    // Credentials in the environment come before any profile, as in the SDK's standard
    // chain, except for a profile that takes them as the source of its role.
    let walk = chain::walk(profiles, name)
        .filter(|walk| !env_has_credentials || matches!(walk.end, Ok(Source::Environment)));
    if let Some(role_arn) = &settings.role_arn {
        let (mut hops, source) = match walk {
            Some(walk) => (walk.hops, walk.end),
            None => (Vec::new(), Ok(Source::Standard)),
        };
        hops.push(Hop {
            owner: "the environment's role_arn".into(),
            args: AssumeRoleArgs {
                role_arn: role_arn.clone(),
                session_name: None,
                external_id: None,
                serial_number: settings.mfa_serial.clone(),
                duration_seconds: None,
            },
        });
        return Ok(CredentialPlan {
            chain: mfa_chain(hops, source, env_has_credentials)?,
            assumed_role: Some(AssumedRole {
                role_arn: role_arn.clone(),
                profile: settings.profile.clone(),
            }),
        });
    }
    let Some(walk) = walk else {
        return Ok(CredentialPlan::default());
    };
    let assumed_role = walk.hops.last().map(|hop| AssumedRole {
        role_arn: hop.args.role_arn.clone(),
        profile: Some(name.to_owned()),
    });
    Ok(CredentialPlan {
        chain: mfa_chain(walk.hops, walk.end, env_has_credentials)?,
        assumed_role,
    })
}

/// The chain cyi assumes itself when one of its hops needs MFA; `None` leaves the
/// credentials to the SDK as they are. A chain cyi cannot assume is an error now,
/// before any prompt or AWS call.
fn mfa_chain(
    hops: Vec<Hop>,
    source: Result<Source>,
    env_has_credentials: bool,
) -> Result<Option<RoleChain>> {
    let mfa: Vec<&Hop> = hops.iter().filter(|hop| hop.needs_mfa()).collect();
    let Some(first) = mfa.first() else {
        return Ok(None);
    };
    let source = source?;
    if let [_, second, ..] = mfa.as_slice() {
        return Err(Error::usage_hint(
            format!(
                "{} and {} both name an mfa_serial, and cyi asks for one MFA code per run",
                first.owner, second.owner
            ),
            "keep mfa_serial on one role of the chain (the one whose trust policy demands MFA)",
        ));
    }
    if source == Source::Environment && !env_has_credentials {
        let owner = hops.first().map_or("the profile", |hop| hop.owner.as_str());
        return Err(Error::usage_hint(
            format!(
                "{owner} takes its credentials from the environment (credential_source = Environment), and AWS_ACCESS_KEY_ID is not set"
            ),
            "export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN), or use a source_profile",
        ));
    }
    Ok(Some(RoleChain { source, hops }))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::resolve::account_of;
    use super::*;
    use crate::aws::AwsSettings;
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

[profile ops]
role_arn = arn:aws:iam::555555555555:role/ops
source_profile = base-mfa

[profile base-mfa]
role_arn = arn:aws:iam::555555555555:role/base
mfa_serial = arn:aws:iam::111111111111:mfa/jane
source_profile = keys

[profile keys]
aws_access_key_id = AKIAKEYS
aws_secret_access_key = keys-secret

[profile plain-chain]
role_arn = arn:aws:iam::555555555555:role/ops
source_profile = plain-role

[profile env-mfa]
role_arn = arn:aws:iam::555555555555:role/ops
credential_source = Environment
mfa_serial = arn:aws:iam::111111111111:mfa/jane

[profile ecs-mfa]
role_arn = arn:aws:iam::555555555555:role/ops
credential_source = EcsContainer
mfa_serial = arn:aws:iam::111111111111:mfa/jane

[profile ecs-plain]
role_arn = arn:aws:iam::555555555555:role/ops
credential_source = EcsContainer

[profile twice]
role_arn = arn:aws:iam::555555555555:role/top
mfa_serial = arn:aws:iam::111111111111:mfa/jane
source_profile = base-mfa

[profile loop-a]
role_arn = arn:aws:iam::555555555555:role/a
mfa_serial = arn:aws:iam::111111111111:mfa/jane
source_profile = loop-b

[profile loop-b]
role_arn = arn:aws:iam::555555555555:role/b
source_profile = loop-a

[profile itself]
role_arn = arn:aws:iam::555555555555:role/ops
mfa_serial = arn:aws:iam::111111111111:mfa/jane
source_profile = itself
aws_access_key_id = AKIASELF
aws_secret_access_key = self-secret
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

    fn plan_of(profile: &str, env_has_credentials: bool) -> Result<CredentialPlan> {
        plan(
            &settings(Some(profile)),
            &profiles(Some(profile)),
            env_has_credentials,
        )
    }

    fn chain_of(profile: &str, env_has_credentials: bool) -> RoleChain {
        plan_of(profile, env_has_credentials)
            .unwrap()
            .chain
            .unwrap()
    }

    const JANE: &str = "arn:aws:iam::111111111111:mfa/jane";

    fn role(arn: &str, serial: Option<&str>) -> AssumeRoleArgs {
        AssumeRoleArgs {
            role_arn: arn.into(),
            session_name: None,
            external_id: None,
            serial_number: serial.map(str::to_owned),
            duration_seconds: None,
        }
    }

    #[test]
    fn an_mfa_profile_is_assumed_by_cyi_with_every_profile_argument() {
        let plan = plan_of("cyi-prod", false).unwrap();
        let chain = plan.chain.unwrap();
        assert_eq!(chain.source, Source::Profile("base".into()));
        assert_eq!(chain.hops.len(), 1);
        assert_eq!(chain.hops[0].owner, "profile 'cyi-prod'");
        assert_eq!(
            chain.hops[0].args,
            AssumeRoleArgs {
                role_arn: "arn:aws:iam::555555555555:role/ops".into(),
                session_name: Some("jane".into()),
                external_id: Some("ext-1".into()),
                serial_number: Some(JANE.into()),
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
        let plain = plan_of("plain-role", false).unwrap();
        assert_eq!(plain.chain, None);
        assert_eq!(
            plain.assumed_role.unwrap().to_string(),
            "as ci via plain-role"
        );
        // A chain without MFA is the SDK's too.
        let chained = plan_of("plain-chain", false).unwrap();
        assert_eq!(chained.chain, None);
        assert_eq!(
            chained.assumed_role.unwrap().to_string(),
            "as ops via plain-chain"
        );
        assert_eq!(plan_of("base", false).unwrap(), CredentialPlan::default());
        assert_eq!(plan_of("keys", false).unwrap(), CredentialPlan::default());
        // Credentials in the environment (aws-vault exec) come first, as in the SDK.
        assert_eq!(
            plan_of("cyi-prod", true).unwrap(),
            CredentialPlan::default()
        );
        assert_eq!(plan_of("ops", true).unwrap(), CredentialPlan::default());
        assert_eq!(plan_of("nope", false).unwrap(), CredentialPlan::default());
        // An ECS or instance role without MFA: the SDK assumes it, as before.
        let ecs = plan_of("ecs-plain", false).unwrap();
        assert_eq!(ecs.chain, None);
        assert!(ecs.assumed_role.is_some());
    }

    #[test]
    fn a_role_whose_source_profile_needs_mfa_is_assumed_hop_by_hop() {
        let plan = plan_of("ops", false).unwrap();
        assert_eq!(
            plan.assumed_role.unwrap().to_string(),
            "as ops via ops",
            "the header names the outermost role"
        );
        let chain = plan.chain.unwrap();
        match &chain.source {
            Source::Keys(keys) => assert_eq!(keys.access_key_id(), "AKIAKEYS"),
            other => panic!("{other:?}"),
        }
        let hops: Vec<(&str, &AssumeRoleArgs)> = chain
            .hops
            .iter()
            .map(|hop| (hop.owner.as_str(), &hop.args))
            .collect();
        assert_eq!(
            hops,
            [
                (
                    "profile 'base-mfa'",
                    &role("arn:aws:iam::555555555555:role/base", Some(JANE))
                ),
                (
                    "profile 'ops'",
                    &role("arn:aws:iam::555555555555:role/ops", None)
                ),
            ]
        );
        // The source's secret is never in a message or a log line.
        assert!(!format!("{chain:?}").contains("keys-secret"));
        // A profile may hold the keys of its own role, as botocore allows.
        match chain_of("itself", false).source {
            Source::Keys(keys) => assert_eq!(keys.access_key_id(), "AKIASELF"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn credential_source_environment_takes_the_environments_keys() {
        // The keys in the environment are the profile's source, not a way around it.
        let chain = chain_of("env-mfa", true);
        assert_eq!(chain.source, Source::Environment);
        assert_eq!(
            chain.hops[0].args,
            role("arn:aws:iam::555555555555:role/ops", Some(JANE))
        );
        let err = plan_of("env-mfa", false).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        let text = err.to_string();
        assert!(
            text.contains("profile 'env-mfa'") && text.contains("credential_source = Environment"),
            "{text}"
        );
    }

    #[test]
    fn chains_cyi_cannot_assume_are_refused_naming_the_setting() {
        for (name, needle) in [
            ("ecs-mfa", "credential_source = EcsContainer"),
            (
                "twice",
                "profile 'base-mfa' and profile 'twice' both name an mfa_serial",
            ),
            ("loop-a", "loops back to 'loop-a'"),
            ("no-source", "profile 'no-source' has role_arn but neither"),
            ("bad-duration", "profile 'bad-duration': duration_seconds"),
        ] {
            let err = plan_of(name, false).unwrap_err();
            assert_eq!(err.exit_code(), 2, "{name}");
            assert!(err.to_string().contains(needle), "{name}: {err}");
        }
    }

    #[test]
    fn the_environment_role_with_mfa_serial_is_assumed_by_cyi() {
        let mut s = settings(Some("base"));
        s.role_arn = Some("arn:aws:iam::123456789012:role/ops".into());
        let without = plan(&s, &profiles(Some("base")), true).unwrap();
        assert_eq!(
            without.chain, None,
            "no mfa_serial: the SDK's AssumeRoleProvider"
        );
        assert_eq!(without.assumed_role.unwrap().to_string(), "as ops via base");
        s.mfa_serial = Some("arn:aws:iam::123456789012:mfa/jane".into());
        let with = plan(&s, &profiles(Some("base")), true)
            .unwrap()
            .chain
            .unwrap();
        assert_eq!(with.source, Source::Standard);
        assert_eq!(with.hops.len(), 1);
        assert_eq!(with.hops[0].owner, "the environment's role_arn");
        assert_eq!(
            with.hops[0].args,
            role(
                "arn:aws:iam::123456789012:role/ops",
                Some("arn:aws:iam::123456789012:mfa/jane")
            )
        );
    }

    #[test]
    fn the_environment_role_on_top_of_an_mfa_profile_is_one_chain() {
        let mut s = settings(Some("ops"));
        s.role_arn = Some("arn:aws:iam::123456789012:role/cyi".into());
        let planned = plan(&s, &profiles(Some("ops")), false).unwrap();
        assert_eq!(planned.assumed_role.unwrap().to_string(), "as cyi via ops");
        let chain = planned.chain.unwrap();
        let roles: Vec<&str> = chain
            .hops
            .iter()
            .map(|hop| hop.args.role_arn.as_str())
            .collect();
        assert_eq!(
            roles,
            [
                "arn:aws:iam::555555555555:role/base",
                "arn:aws:iam::555555555555:role/ops",
                "arn:aws:iam::123456789012:role/cyi"
            ]
        );
        assert_eq!(chain.mfa_hops().count(), 1);
        // With keys in the environment the profile is not used at all, as before.
        let vault = plan(&s, &profiles(Some("ops")), true).unwrap();
        assert_eq!(vault.chain, None);
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
