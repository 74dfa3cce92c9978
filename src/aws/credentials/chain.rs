//! The chain of roles a profile stands for, read from the profile files the way
//! botocore's `AssumeRoleProvider` reads it: each `role_arn` is one AssumeRole (a hop),
//! its credentials come from `source_profile` (static keys end the chain, another role
//! profile is one more hop, anything else is left to the SDK) or from
//! `credential_source`. Pure: no I/O, so every shape of chain is unit-tested.

use aws_config::profile::{Profile, ProfileSet};
use aws_credential_types::Credentials;

use super::super::session_cache::AssumeRoleArgs;
use crate::error::Error;
use crate::text::display_text;

/// Where the first AssumeRole of a chain gets its credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The run's standard chain (environment variables, a profile without a role, SSO...).
    Standard,
    /// The static keys of a profile (`aws_access_key_id`...). Debug hides the secret.
    Keys(Credentials),
    /// A profile the SDK resolves itself (SSO, `credential_process`, web identity...).
    Profile(String),
    /// `credential_source = Environment`: `AWS_ACCESS_KEY_ID` and friends.
    Environment,
}

/// One AssumeRole of a chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hop {
    /// Who asks for it, for messages: `profile 'cyi-prod'` or `the environment's role_arn`.
    pub owner: String,
    pub args: AssumeRoleArgs,
}

impl Hop {
    pub fn needs_mfa(&self) -> bool {
        self.args.serial_number.is_some()
    }
}

/// The roles to assume in order: `hops[0]` with the source's credentials, each next one
/// with the session of the one before; the last one's session is the run's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleChain {
    pub source: Source,
    pub hops: Vec<Hop>,
}

impl RoleChain {
    /// The hops that name `mfa_serial`.
    pub fn mfa_hops(&self) -> impl Iterator<Item = &Hop> {
        self.hops.iter().filter(|hop| hop.needs_mfa())
    }
}

/// What walking a profile's chain found. A configuration problem is kept rather than
/// raised: the SDK reports it itself unless cyi has to assume the chain (for MFA).
#[derive(Debug)]
pub struct Walk {
    /// In the order they are assumed.
    pub hops: Vec<Hop>,
    pub end: Result<Source, Error>,
}

/// The chain of profile `name`, or `None` when it assumes no role (static keys, SSO, a
/// missing profile...): then the SDK's standard chain is all there is to it.
pub fn walk(profiles: &ProfileSet, name: &str) -> Option<Walk> {
    let profile = profiles.get_profile(name)?;
    if !is_role(profile) {
        return None;
    }
    let mut hops = Vec::new();
    let mut visited = vec![name.to_owned()];
    let mut name = name.to_owned();
    let mut profile = profile;
    let end = loop {
        let (hop, problem) = hop_of(&name, profile);
        hops.push(hop);
        if let Some(problem) = problem {
            break Err(problem);
        }
        let next = match source_of(&name, profile) {
            Ok(SourceSetting::Credential(source)) => break Ok(source),
            Ok(SourceSetting::Profile(next)) => next,
            Err(problem) => break Err(problem),
        };
        let Some(source) = profiles.get_profile(next) else {
            break Err(Error::usage(format!(
                "the source_profile '{}' of profile '{}' does not exist",
                display_text(next),
                display_text(&name)
            )));
        };
        if visited.iter().any(|seen| seen == next) {
            // botocore lets a profile be its own source for the keys it holds.
            if next == name && has_keys(source) {
                break keys(next, source);
            }
            break Err(Error::usage(format!(
                "the source_profile chain of profile '{}' loops back to '{}'",
                display_text(&visited[0]),
                display_text(next)
            )));
        }
        visited.push(next.to_owned());
        if has_keys(source) {
            break keys(next, source);
        }
        if !is_role(source) {
            break Ok(Source::Profile(next.to_owned()));
        }
        name = next.to_owned();
        profile = source;
    };
    hops.reverse();
    Some(Walk { hops, end })
}

/// A profile that botocore's AssumeRoleProvider handles: `role_arn`, and not the web
/// identity form (which the SDK handles itself).
fn is_role(profile: &Profile) -> bool {
    non_empty(profile, "role_arn").is_some() && profile.get("web_identity_token_file").is_none()
}

fn has_keys(profile: &Profile) -> bool {
    ["aws_access_key_id", "aws_secret_access_key"]
        .iter()
        .any(|key| profile.get(key).is_some())
}

fn keys(name: &str, profile: &Profile) -> Result<Source, Error> {
    match (
        non_empty(profile, "aws_access_key_id"),
        non_empty(profile, "aws_secret_access_key"),
    ) {
        (Some(id), Some(secret)) => Ok(Source::Keys(Credentials::new(
            id,
            secret,
            non_empty(profile, "aws_session_token").map(str::to_owned),
            None,
            "cyi-source-profile",
        ))),
        _ => Err(Error::usage(format!(
            "profile '{}' has only one of aws_access_key_id and aws_secret_access_key",
            display_text(name)
        ))),
    }
}

enum SourceSetting<'a> {
    Credential(Source),
    Profile(&'a str),
}

/// `source_profile` or `credential_source`: exactly one of them, as botocore insists.
fn source_of<'a>(name: &str, profile: &'a Profile) -> Result<SourceSetting<'a>, Error> {
    let shown = display_text(name);
    match (
        non_empty(profile, "source_profile"),
        non_empty(profile, "credential_source"),
    ) {
        (Some(_), Some(_)) => Err(Error::usage(format!(
            "profile '{shown}' has both source_profile and credential_source; keep one"
        ))),
        (None, None) => Err(Error::usage_hint(
            format!(
                "profile '{shown}' has role_arn but neither source_profile nor credential_source, which cyi needs to assume its role"
            ),
            "name the profile holding the long-lived credentials in source_profile, or run with credentials already in the environment (e.g. `aws-vault exec`)",
        )),
        (Some(next), None) => Ok(SourceSetting::Profile(next)),
        (None, Some(source)) => match source.trim() {
            "Environment" => Ok(SourceSetting::Credential(Source::Environment)),
            other @ ("EcsContainer" | "Ec2InstanceMetadata") => Err(Error::usage_hint(
                format!(
                    "profile '{shown}': cyi cannot assume a role that needs an MFA code with credential_source = {other}"
                ),
                "STS takes an MFA code only from the IAM user that owns the device, and a container or instance role is not one: use the user's keys (source_profile, or credential_source = Environment), or run with the role's credentials already in the environment",
            )),
            other => Err(Error::usage(format!(
                "profile '{shown}': credential_source '{}' is not one of Environment, EcsContainer, Ec2InstanceMetadata",
                display_text(other)
            ))),
        },
    }
}

/// The AssumeRole arguments of a role profile, as botocore takes them, and what is
/// wrong with them (the hop is kept: whether it needs MFA decides who reports it).
fn hop_of(name: &str, profile: &Profile) -> (Hop, Option<Error>) {
    let shown = display_text(name);
    let mut problem = None;
    let duration_seconds = non_empty(profile, "duration_seconds").and_then(|text| {
        let parsed = text.trim().parse::<i32>().ok();
        if parsed.is_none() {
            problem = Some(Error::usage(format!(
                "profile '{shown}': duration_seconds '{}' is not a number of seconds",
                display_text(text)
            )));
        }
        parsed
    });
    let hop = Hop {
        owner: format!("profile '{shown}'"),
        args: AssumeRoleArgs {
            role_arn: non_empty(profile, "role_arn")
                .unwrap_or_default()
                .to_owned(),
            session_name: non_empty(profile, "role_session_name").map(str::to_owned),
            external_id: non_empty(profile, "external_id").map(str::to_owned),
            serial_number: non_empty(profile, "mfa_serial").map(str::to_owned),
            duration_seconds,
        },
    };
    (hop, problem)
}

pub(super) fn non_empty<'a>(profile: &'a Profile, key: &str) -> Option<&'a str> {
    profile.get(key).filter(|v| !v.trim().is_empty())
}
