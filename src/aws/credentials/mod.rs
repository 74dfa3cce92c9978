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
#[cfg(test)]
mod tests;

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
