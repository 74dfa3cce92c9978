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
    futures_util::FutureExt::now_or_never(aws_config::profile::load(&fs, &env, &files, selected))
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
