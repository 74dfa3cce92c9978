//! MFA the way the aws CLI does it (botocore's AssumeRoleProvider), against moto's STS
//! through the recording harness: a role whose source profile is itself a role that
//! needs MFA (one prompt, each hop cached under botocore's key), `credential_source =
//! Environment`, Ctrl-C at the MFA prompt, and a code STS refuses.

use std::time::Duration;

use serde_json::{Value, json};

use crate::support::profiles::{assume_role_calls, cache_file, cyi, cyi_pty, tool};
use crate::support::{Sandbox, pty};

const BASE_ROLE: &str = "arn:aws:iam::123456789012:role/base";
const OPS_ROLE: &str = "arn:aws:iam::123456789012:role/ops";
const SERIAL: &str = "arn:aws:iam::123456789012:mfa/jane";
const PROMPT: &str = "Enter MFA code for arn:aws:iam::123456789012:mfa/jane:";

/// `ops` is assumed with the session of `base-mfa`, which needs MFA and is assumed with
/// the keys of `keys` (in the credentials file); `env-mfa` and `ecs-mfa` take their
/// source from `credential_source`.
fn write_profiles(sandbox: &Sandbox) {
    let aws = sandbox.home().join(".aws");
    std::fs::create_dir_all(&aws).unwrap();
    std::fs::write(
        aws.join("config"),
        format!(
            "[profile ops]\nrole_arn = {OPS_ROLE}\nsource_profile = base-mfa\nregion = eu-west-2\n\n\
             [profile base-mfa]\nrole_arn = {BASE_ROLE}\nmfa_serial = {SERIAL}\nsource_profile = keys\n\n\
             [profile keys]\nregion = eu-west-2\n\n\
             [profile env-mfa]\nrole_arn = {OPS_ROLE}\nmfa_serial = {SERIAL}\ncredential_source = Environment\nregion = eu-west-2\n\n\
             [profile ecs-mfa]\nrole_arn = {OPS_ROLE}\nmfa_serial = {SERIAL}\ncredential_source = EcsContainer\nregion = eu-west-2\n"
        ),
    )
    .unwrap();
    std::fs::write(
        aws.join("credentials"),
        "[keys]\naws_access_key_id = AKIAKEYSEXAMPLE\naws_secret_access_key = keys-secret\n",
    )
    .unwrap();
}

/// botocore's cache key for AssumeRole with these arguments.
fn botocore_key(sandbox: &Sandbox, args: Value) -> String {
    tool(sandbox, &["botocore-key", &args.to_string()])
}

/// The access key id of the session cached under `key`.
fn cached_key_id(sandbox: &Sandbox, key: &str) -> String {
    let text = std::fs::read_to_string(cache_file(sandbox, key)).unwrap();
    let cached: Value = serde_json::from_str(&text).unwrap();
    cached["Credentials"]["AccessKeyId"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn signers(sandbox: &Sandbox, operation: &str) -> Vec<String> {
    sandbox
        .calls_of(operation)
        .into_iter()
        .map(|call| call.signer.unwrap_or_default())
        .collect()
}

#[test]
fn a_chain_asks_once_for_the_mfa_hop_and_caches_each_hop_as_botocore_does() {
    let sandbox = Sandbox::start();
    write_profiles(&sandbox);
    let mut session = cyi_pty(&sandbox, &["--profile", "ops", "clusters"]);
    session.exp_string(PROMPT).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    session.send_line("654321").unwrap();
    let after = session.exp_string("No active 'cyi' clusters").unwrap();
    assert!(!after.contains("Enter MFA code"), "asked twice: {after:?}");
    assert_eq!(pty::exit_code(session), 0);

    // The MFA hop first, with the source profile's keys; then ops with its session.
    let calls = assume_role_calls(&sandbox);
    assert_eq!(calls.len(), 2, "{calls:?}");
    assert_eq!(calls[0]["RoleArn"], BASE_ROLE);
    assert_eq!(calls[0]["SerialNumber"], SERIAL);
    assert_eq!(calls[0]["TokenCode"], "654321");
    assert_eq!(calls[1]["RoleArn"], OPS_ROLE);
    assert!(calls[1].get("SerialNumber").is_none(), "{:?}", calls[1]);
    assert!(calls[1].get("TokenCode").is_none(), "{:?}", calls[1]);

    // Each hop's session is cached under botocore's key for that hop.
    let base_key = botocore_key(
        &sandbox,
        json!({ "RoleArn": BASE_ROLE, "SerialNumber": SERIAL }),
    );
    let ops_key = botocore_key(&sandbox, json!({ "RoleArn": OPS_ROLE }));
    let base_id = cached_key_id(&sandbox, &base_key);
    let ops_id = cached_key_id(&sandbox, &ops_key);
    assert_eq!(
        signers(&sandbox, "AssumeRole"),
        ["AKIAKEYSEXAMPLE", base_id.as_str()]
    );
    assert_eq!(signers(&sandbox, "ListClusters"), [ops_id.as_str()]);

    // The aws CLI takes cyi's sessions as its own: no prompt, no call.
    sandbox.clear_calls();
    let botocore_id = tool(&sandbox, &["botocore-assume", r#"{"profile": "ops"}"#]);
    assert_eq!(botocore_id, ops_id);
    assert!(assume_role_calls(&sandbox).is_empty());

    // With the outer session gone, the cached MFA hop serves: one call, no code needed.
    std::fs::remove_file(cache_file(&sandbox, &ops_key)).unwrap();
    cyi(&sandbox)
        .args(["--profile", "ops", "clusters"])
        .assert()
        .success();
    let calls = assume_role_calls(&sandbox);
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert_eq!(calls[0]["RoleArn"], OPS_ROLE);
    assert!(calls[0].get("TokenCode").is_none());
    assert_eq!(signers(&sandbox, "AssumeRole"), [base_id.as_str()]);

    // And the next run calls no STS at all.
    sandbox.clear_calls();
    cyi(&sandbox)
        .args(["--profile", "ops", "clusters"])
        .assert()
        .success();
    assert!(assume_role_calls(&sandbox).is_empty());
    assert_eq!(sandbox.calls_of("ListClusters").len(), 1);
}

#[test]
fn a_chain_the_aws_cli_assumed_is_used_without_a_prompt() {
    let sandbox = Sandbox::start();
    write_profiles(&sandbox);
    let botocore_id = tool(
        &sandbox,
        &["botocore-assume", r#"{"profile": "ops", "code": "135790"}"#],
    );
    let calls = assume_role_calls(&sandbox);
    assert_eq!(calls.len(), 2, "botocore assumed both hops: {calls:?}");
    assert_eq!(calls[0]["TokenCode"], "135790");
    sandbox.clear_calls();

    cyi(&sandbox)
        .args(["--profile", "ops", "clusters"])
        .assert()
        .success();
    assert!(assume_role_calls(&sandbox).is_empty());
    assert_eq!(signers(&sandbox, "ListClusters"), [botocore_id]);
}

#[test]
fn credential_source_environment_assumes_with_the_environments_keys() {
    let sandbox = Sandbox::start();
    write_profiles(&sandbox);
    cyi(&sandbox)
        .env("AWS_ACCESS_KEY_ID", "AKIAENVEXAMPLE")
        .env("AWS_SECRET_ACCESS_KEY", "env-secret")
        .env("CYI_MFA_CODE", "112233")
        .args(["--profile", "env-mfa", "clusters"])
        .assert()
        .success();
    let calls = assume_role_calls(&sandbox);
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert_eq!(calls[0]["RoleArn"], OPS_ROLE);
    assert_eq!(calls[0]["SerialNumber"], SERIAL);
    assert_eq!(calls[0]["TokenCode"], "112233");
    assert_eq!(signers(&sandbox, "AssumeRole"), ["AKIAENVEXAMPLE"]);
    let key = botocore_key(
        &sandbox,
        json!({ "RoleArn": OPS_ROLE, "SerialNumber": SERIAL }),
    );
    assert_eq!(
        signers(&sandbox, "ListClusters"),
        [cached_key_id(&sandbox, &key)]
    );

    // Without the keys it names the setting, before any prompt or call.
    sandbox.clear_calls();
    let out = cyi(&sandbox)
        .env("CYI_MFA_CODE", "112233")
        .args(["--profile", "env-mfa", "--no-cache", "clusters"])
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.contains("profile 'env-mfa' takes its credentials from the environment (credential_source = Environment)"),
        "{stderr}"
    );
    // A source cyi cannot reach for an MFA role is refused, naming the setting.
    let out = cyi(&sandbox)
        .env("CYI_MFA_CODE", "112233")
        .args(["--profile", "ecs-mfa", "clusters"])
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.contains("credential_source = EcsContainer"),
        "{stderr}"
    );
    assert!(sandbox.calls().is_empty(), "{:?}", sandbox.calls());
}

#[test]
fn ctrl_c_at_the_mfa_prompt_cancels_with_one_line_and_exit_130() {
    let sandbox = Sandbox::start();
    write_profiles(&sandbox);
    let mut session = cyi_pty(&sandbox, &["--profile", "ops", "stop-clusters"]);
    session.exp_string(PROMPT).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    session.send("12").unwrap();
    session.send_control('c').unwrap();
    let (before, line) = session
        .exp_regex("cancelled; nothing was changed\r?\n")
        .unwrap();
    assert!(line.starts_with("cancelled"), "{line:?}");
    // Nothing typed is shown, and the cursor is shown again.
    assert!(!before.contains("12"), "{before:?}");
    assert!(before.contains("\x1b[?25h"), "{before:?}");
    let rest = session.exp_eof().unwrap();
    assert!(!rest.contains("error"), "{rest:?}");
    match session.process().wait().unwrap() {
        rexpect::process::WaitStatus::Exited(_, code) => assert_eq!(code, 130),
        other => panic!("cyi did not exit normally: {other:?}"),
    }
    assert!(sandbox.calls().is_empty(), "{:?}", sandbox.calls());
    assert!(!sandbox.home().join(".aws/cli").exists());
}

#[test]
fn a_refused_code_is_one_line_naming_the_profile_and_device() {
    let sandbox = Sandbox::start();
    write_profiles(&sandbox);
    sandbox.set_faults(json!([{ "operation": "AssumeRole", "kind": "mfa_denied" }]));
    let out = cyi(&sandbox)
        .env("CYI_MFA_CODE", "975310")
        .args(["--profile", "ops", "clusters"])
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(
        lines.first().copied(),
        Some(
            "error: profile 'base-mfa': the MFA code for mfa_serial arn:aws:iam::123456789012:mfa/jane was refused (AccessDenied); retry with a fresh code"
        ),
        "{stderr}"
    );
    assert_eq!(lines.len(), 2, "one error line and its hint: {stderr}");
    assert!(
        lines[1].starts_with("hint: each code works once"),
        "{stderr}"
    );
    assert!(!stderr.contains("MultiFactorAuthentication"), "{stderr}");
    assert!(!stderr.contains("975310"), "{stderr}");
    assert_eq!(assume_role_calls(&sandbox).len(), 1);
    assert!(sandbox.calls_of("ListClusters").is_empty());
    assert!(!sandbox.home().join(".aws/cli").exists());

    // A code that is not 6 digits never reaches STS.
    sandbox.clear_calls();
    let out = cyi(&sandbox)
        .args(["--profile", "ops", "--mfa-code", "12345", "clusters"])
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(stderr.contains("is not a 6-digit code"), "{stderr}");
    assert!(sandbox.calls().is_empty(), "{:?}", sandbox.calls());
}

/// Two environments reached through the same MFA chain, for `status --all-envs`.
fn two_envs_through_ops(sandbox: &Sandbox) {
    sandbox.create_table();
    sandbox.write_config(
        "[env.alpha]\nprofile = \"ops\"\nregion = \"eu-west-2\"\n\n[env.beta]\nprofile = \"ops\"\nregion = \"eu-west-2\"\n",
    );
    sandbox.clear_calls();
}

#[test]
fn all_envs_through_one_mfa_chain_use_one_code_once() {
    let sandbox = Sandbox::start();
    write_profiles(&sandbox);
    two_envs_through_ops(&sandbox);
    // Without the cache, only this run's memory of the session avoids a second use of
    // the code (which STS would refuse).
    let out = cyi(&sandbox)
        .env("CYI_MFA_CODE", "246802")
        .args(["--no-cache", "status", "--all-envs"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let calls = assume_role_calls(&sandbox);
    let roles: Vec<&str> = calls
        .iter()
        .map(|call| call["RoleArn"].as_str().unwrap())
        .collect();
    assert_eq!(roles, [BASE_ROLE, OPS_ROLE], "{calls:?}");
    assert_eq!(calls[0]["TokenCode"], "246802");
    assert_eq!(sandbox.calls_of("ListClusters").len(), 2);
}

#[test]
fn ctrl_c_at_the_mfa_prompt_of_all_envs_ends_the_run() {
    let sandbox = Sandbox::start();
    write_profiles(&sandbox);
    two_envs_through_ops(&sandbox);
    let mut session = cyi_pty(&sandbox, &["status", "--all-envs"]);
    session.exp_string(PROMPT).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    session.send_control('c').unwrap();
    session
        .exp_regex("cancelled; nothing was changed\r?\n")
        .unwrap();
    let rest = session.exp_eof().unwrap();
    assert!(!rest.contains("Enter MFA code"), "asked again: {rest:?}");
    assert!(!rest.contains("alpha"), "{rest:?}");
    match session.process().wait().unwrap() {
        rexpect::process::WaitStatus::Exited(_, code) => assert_eq!(code, 130),
        other => panic!("cyi did not exit normally: {other:?}"),
    }
    assert!(sandbox.calls().is_empty(), "{:?}", sandbox.calls());
}
