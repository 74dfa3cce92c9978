//! Assuming a [`RoleChain`] as botocore does: the outermost hop with a fresh session
//! (this run's, or the aws CLI's cache) ends the search, only the hops above it are
//! assumed, each with the session of the one below, and every new session is cached
//! under that hop's own key. The one MFA code is asked for before the first call, once.

use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::sync::OnceLock;
use std::time::SystemTime;

use aws_config::SdkConfig;
use aws_config::environment::credentials::EnvironmentVariableCredentialsProvider;
use aws_config::profile::ProfileFileCredentialsProvider;
use aws_config::provider_config::ProviderConfig;
use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_sdk_sts::error::ProvideErrorMetadata;
use chrono::{DateTime, Utc};
use tokio::sync::Mutex;

use super::super::session_cache::{self, EXPIRY_WINDOW, Session};
use super::{Hop, MfaCode, RoleChain, Source};
use crate::aws::AwsSettings;
use crate::error::{Error, Result};
use crate::prompt::{self, Reply};
use crate::text::display_text;

/// How many times the prompt asks again after something that is not 6 digits.
const PROMPT_TRIES: usize = 3;

/// The sessions this run has assumed or read, by cache key. `status --all-envs` connects
/// once per environment, concurrently: environments sharing a role share its session,
/// so the code is asked for (and a `--mfa-code` spent) once per run, cache or not.
fn this_run() -> &'static Mutex<HashMap<String, Session>> {
    static SESSIONS: OnceLock<Mutex<HashMap<String, Session>>> = OnceLock::new();
    SESSIONS.get_or_init(|| Mutex::new(HashMap::new()))
}

/// The credentials of the chain's last role. `base` is the run's configuration (region,
/// endpoint, HTTP client, standard chain).
pub async fn chain_credentials(
    chain: &RoleChain,
    settings: &AwsSettings,
    base: &SdkConfig,
) -> Result<SharedCredentialsProvider> {
    // Held to the end, so a second environment waits for this one's prompt and session.
    let mut sessions = this_run().lock().await;
    let cache_dir = (!settings.no_cache)
        .then(session_cache::default_dir)
        .flatten();
    let keys: Vec<String> = chain
        .hops
        .iter()
        .map(|hop| session_cache::cache_key(&hop.args))
        .collect();
    let now = Utc::now();
    let mut from = 0;
    let mut current = None;
    for (index, key) in keys.iter().enumerate().rev() {
        if let Some(session) = fresh(&sessions, cache_dir.as_deref(), key, now)? {
            from = index + 1;
            current = Some(session);
            break;
        }
    }
    // Asked before the first call: a code lives about 30 seconds.
    let code = match chain.hops[from..].iter().find(|hop| hop.needs_mfa()) {
        Some(hop) => Some(code_for(hop, settings)?),
        None => None,
    };
    let mut credentials = match &current {
        Some(session) => provider(session),
        None => source_provider(&chain.source, base)?,
    };
    for (hop, key) in chain.hops[from..].iter().zip(&keys[from..]) {
        let hop_code = code.as_ref().filter(|_| hop.needs_mfa());
        let session = assume_role(hop, hop_code, credentials, base).await?;
        if let Some(dir) = &cache_dir {
            store(dir, key, &session);
        }
        sessions.insert(key.clone(), session.clone());
        credentials = provider(&session);
    }
    Ok(credentials)
}

/// A session for `key` that lasts beyond botocore's expiry window: this run's, else the
/// cache's.
fn fresh(
    sessions: &HashMap<String, Session>,
    cache_dir: Option<&Path>,
    key: &str,
    now: DateTime<Utc>,
) -> Result<Option<Session>> {
    if let Some(session) = sessions.get(key)
        && session.expiration - now >= EXPIRY_WINDOW
    {
        return Ok(Some(session.clone()));
    }
    match cache_dir {
        Some(dir) => session_cache::read(dir, key, now),
        None => Ok(None),
    }
}

fn store(dir: &Path, key: &str, session: &Session) {
    if let Err(err) = session_cache::write(dir, key, session) {
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

/// The credentials the first hop is assumed with.
fn source_provider(source: &Source, base: &SdkConfig) -> Result<SharedCredentialsProvider> {
    Ok(match source {
        Source::Standard => base.credentials_provider().ok_or_else(|| {
            Error::Failed("no credentials provider to assume the role with".into())
        })?,
        Source::Keys(credentials) => SharedCredentialsProvider::new(credentials.clone()),
        Source::Environment => {
            SharedCredentialsProvider::new(EnvironmentVariableCredentialsProvider::new())
        }
        Source::Profile(name) => {
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
    })
}

/// The code from `--mfa-code` / `CYI_MFA_CODE`, else from the terminal.
fn code_for(hop: &Hop, settings: &AwsSettings) -> Result<MfaCode> {
    match &settings.mfa_code {
        Some(code) => Ok(code.clone()),
        None => ask_code(hop),
    }
}

/// Asks on the terminal (stderr, no echo), and only there: without one, fails before
/// any AWS call with the two ways out. Ctrl-C cancels as at every other prompt.
fn ask_code(hop: &Hop) -> Result<MfaCode> {
    let serial = display_text(hop.args.serial_number.as_deref().unwrap_or_default());
    if !std::io::stdin().is_terminal() {
        return Err(Error::usage_hint(
            format!(
                "{} needs an MFA code for {serial}, and there is no terminal to ask for it",
                hop.owner
            ),
            "pass --mfa-code CODE or set CYI_MFA_CODE, or run with credentials already in the environment (e.g. `aws-vault exec PROFILE -- cyi ...`, or an SSO profile after `aws sso login`)",
        ));
    }
    let mut tty = std::io::stderr();
    for _ in 0..PROMPT_TRIES {
        let typed = match prompt::ask_secret(&format!("Enter MFA code for {serial}: "), &mut tty) {
            Ok(Reply::Line(typed)) => typed,
            Ok(Reply::Cancelled) => return Err(Error::Cancelled),
            Err(err) => return Err(Error::io("cannot read the MFA code", err)),
        };
        match MfaCode::parse(&typed) {
            Ok(code) => return Ok(code),
            Err(problem) => {
                let _ = writeln!(tty, "That {problem}.");
            }
        }
    }
    Err(Error::usage(format!(
        "no valid MFA code for {serial} after {PROMPT_TRIES} tries"
    )))
}

/// STS refused the code (wrong, already used, or too old): one line naming who asked
/// for it and the device, and no SDK text.
fn code_refused(hop: &Hop) -> Error {
    let serial = display_text(hop.args.serial_number.as_deref().unwrap_or_default());
    Error::usage_hint(
        format!(
            "{}: the MFA code for mfa_serial {serial} was refused (AccessDenied); retry with a fresh code",
            hop.owner
        ),
        "each code works once, and only for about 30 seconds: wait for the device's next code. If fresh codes are refused too, check that mfa_serial names your device and that the role trusts its source",
    )
}

async fn assume_role(
    hop: &Hop,
    code: Option<&MfaCode>,
    source: SharedCredentialsProvider,
    base: &SdkConfig,
) -> Result<Session> {
    let sts = aws_sdk_sts::Client::from_conf(
        aws_sdk_sts::config::Builder::from(base)
            .credentials_provider(source)
            .build(),
    );
    let args = &hop.args;
    let out = sts
        .assume_role()
        .role_arn(&args.role_arn)
        .role_session_name(
            args.session_name
                .clone()
                .unwrap_or_else(crate::aws::session_name),
        )
        .set_external_id(args.external_id.clone())
        .set_serial_number(args.serial_number.clone())
        .set_token_code(code.map(|code| code.as_str().to_owned()))
        .set_duration_seconds(args.duration_seconds)
        .send()
        .await
        .map_err(|e| {
            if code.is_some() && e.code() == Some("AccessDenied") {
                code_refused(hop)
            } else {
                crate::aws::aws_error("sts:AssumeRole", e)
            }
        })?;
    let credentials = out
        .credentials
        .ok_or_else(|| Error::Failed("sts:AssumeRole answered without credentials".into()))?;
    let expiration = SystemTime::try_from(credentials.expiration)
        .map(DateTime::<Utc>::from)
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
pub(super) fn account_of(arn: &str) -> Option<String> {
    let account = arn.split(':').nth(4)?;
    (!account.is_empty()).then(|| account.to_owned())
}
