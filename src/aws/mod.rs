//! The one AWS layer: the SDK configuration is built once per run and every command gets
//! its typed clients from [`Aws`]. SDK errors become [`Error::Aws`] here, with the
//! service's error code and message and a hint where the fix is known.

pub mod dynamodb;
pub mod emr;
pub mod limit;
mod trace;

use std::error::Error as StdError;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use aws_config::BehaviorVersion;
use aws_config::default_provider::credentials::DefaultCredentialsChain;
use aws_config::environment::region::EnvironmentVariableRegionProvider;
use aws_config::meta::region::RegionProviderChain;
use aws_config::profile::ProfileFileRegionProvider;
use aws_config::retry::RetryConfig;
use aws_config::sts::AssumeRoleProvider;
use aws_config::timeout::TimeoutConfig;
use aws_config::{Region, SdkConfig};
use aws_sdk_emr::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_emr::operation::describe_cluster::DescribeClusterError;
use aws_sdk_emr::operation::list_clusters::ListClustersError;
use aws_sdk_emr::operation::set_termination_protection::SetTerminationProtectionError;
use aws_sdk_emr::operation::terminate_job_flows::TerminateJobFlowsError;
use tokio::sync::OnceCell;

use self::limit::{Limiter, ThrottleSignal};
use crate::error::{Error, Result};
use crate::settings::AwsSettings;

/// Retries: the SDK's standard mode (exponential backoff with jitter, throttling and
/// 5xx answers and dropped connections retried), with more attempts than its default
/// of 3 so that a short burst of throttling during an incident does not fail a command.
pub const MAX_ATTEMPTS: u32 = 5;
const INITIAL_BACKOFF: Duration = Duration::from_millis(200);
const MAX_BACKOFF: Duration = Duration::from_secs(5);
/// Connecting must be quick: an unreachable endpoint is reported, not waited for.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// One attempt of one call; a black-holed endpoint fails the attempt after this.
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);
/// One call including its retries: the bound on how long any single call can take.
pub const OPERATION_TIMEOUT: Duration = Duration::from_secs(30);

/// The call timeout in force (an environment's `call_timeout` replaces the default), so
/// that [`aws_error`], which sees only the SDK error, can say how long it waited.
static CALL_TIMEOUT_SECS: AtomicU64 = AtomicU64::new(OPERATION_TIMEOUT.as_secs());

/// Who the credentials belong to (STS GetCallerIdentity).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Identity {
    pub account: String,
    pub arn: String,
}

/// The typed clients of one run, all built from one [`SdkConfig`].
pub struct Aws {
    pub emr: aws_sdk_emr::Client,
    pub dynamodb: aws_sdk_dynamodb::Client,
    pub s3: aws_sdk_s3::Client,
    pub secrets: aws_sdk_secretsmanager::Client,
    pub sts: aws_sdk_sts::Client,
    /// The EMR calls in flight (DescribeCluster, TerminateJobFlows...), shared by the
    /// whole run and halved when EMR throttles.
    pub emr_limit: Arc<Limiter>,
    region: String,
    identity: OnceCell<Identity>,
}

impl Aws {
    /// Builds the SDK configuration: region, profile, role assumption and endpoint
    /// override, with deliberate retry and timeout settings. Makes no network call
    /// unless a role must be assumed (and even then only when first used).
    pub async fn connect(settings: &AwsSettings) -> Result<Aws> {
        let region = resolve_region(settings).await?;
        let connect_timeout = settings.connect_timeout.unwrap_or(CONNECT_TIMEOUT);
        let call_timeout = settings.call_timeout.unwrap_or(OPERATION_TIMEOUT);
        CALL_TIMEOUT_SECS.store(call_timeout.as_secs(), Ordering::Relaxed);
        let credentials = {
            let mut chain = DefaultCredentialsChain::builder()
                .region(region.clone())
                .imds_client(quick_imds_client());
            if let Some(profile) = &settings.profile {
                chain = chain.profile_name(profile);
            }
            chain.build().await
        };
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .region(region.clone())
            .credentials_provider(credentials)
            .retry_config(
                RetryConfig::standard()
                    .with_max_attempts(MAX_ATTEMPTS)
                    .with_initial_backoff(INITIAL_BACKOFF)
                    .with_max_backoff(MAX_BACKOFF),
            )
            .timeout_config(
                TimeoutConfig::builder()
                    .connect_timeout(connect_timeout)
                    .operation_attempt_timeout(ATTEMPT_TIMEOUT.min(call_timeout))
                    .operation_timeout(call_timeout)
                    .build(),
            );
        if let Some(profile) = &settings.profile {
            loader = loader.profile_name(profile);
        }
        if let Some(url) = &settings.endpoint_url {
            loader = loader.endpoint_url(url);
        }
        let mut config = loader.load().await;

        if let Some(role_arn) = &settings.role_arn {
            let provider = AssumeRoleProvider::builder(role_arn)
                .session_name(session_name())
                .configure(&config)
                .build()
                .await;
            config = config
                .into_builder()
                .credentials_provider(
                    aws_credential_types::provider::SharedCredentialsProvider::new(provider),
                )
                .build();
        }
        Ok(Aws::from_config(
            &config,
            settings.verbose,
            region.to_string(),
        ))
    }

    fn from_config(config: &SdkConfig, verbose: bool, region: String) -> Aws {
        // S3 on a custom endpoint (a sandbox) cannot use virtual-host bucket addressing.
        let path_style = config.endpoint_url().is_some();
        let emr_limit = Arc::new(Limiter::default());
        macro_rules! client {
            ($krate:ident $(, $extra:ident($arg:expr))*) => {{
                let mut builder = $krate::config::Builder::from(config);
                $(builder = builder.$extra($arg);)*
                if verbose {
                    builder = builder.interceptor(trace::Trace::new(stringify!($krate)));
                }
                $krate::Client::from_conf(builder.build())
            }};
        }
        Aws {
            emr: client!(
                aws_sdk_emr,
                retry_classifier(emr_throttle::<DescribeClusterError>(&emr_limit)),
                retry_classifier(emr_throttle::<TerminateJobFlowsError>(&emr_limit)),
                retry_classifier(emr_throttle::<SetTerminationProtectionError>(&emr_limit)),
                retry_classifier(emr_throttle::<ListClustersError>(&emr_limit))
            ),
            dynamodb: client!(aws_sdk_dynamodb),
            s3: client!(aws_sdk_s3, force_path_style(path_style)),
            secrets: client!(aws_sdk_secretsmanager),
            sts: client!(aws_sdk_sts),
            emr_limit,
            region,
            identity: OnceCell::new(),
        }
    }

    pub fn region(&self) -> &str {
        &self.region
    }

    /// The caller's account and ARN, fetched once per run.
    pub async fn identity(&self) -> Result<&Identity> {
        self.identity
            .get_or_try_init(|| async {
                let out = self
                    .sts
                    .get_caller_identity()
                    .send()
                    .await
                    .map_err(|e| aws_error("sts:GetCallerIdentity", e))?;
                Ok(Identity {
                    account: out.account.unwrap_or_default(),
                    arn: out.arn.unwrap_or_default(),
                })
            })
            .await
    }

    /// Refuses to go on when the credentials belong to another account than the
    /// environment names: the one check that stops a command aimed at production from
    /// landing in dev (or the reverse) because of a stale profile.
    pub async fn check_account(&self, expected: Option<&str>, env_name: &str) -> Result<&Identity> {
        let identity = self.identity().await?;
        if let Some(expected) = expected
            && identity.account != expected
        {
            return Err(Error::refused(
                format!(
                    "the credentials are for account {} ({}), but environment '{env_name}' is account {expected}",
                    identity.account, identity.arn
                ),
                Some("check --profile / AWS_PROFILE and the environment's role_arn".into()),
            ));
        }
        Ok(identity)
    }
}

fn emr_throttle<E>(limiter: &Arc<Limiter>) -> ThrottleSignal<E> {
    ThrottleSignal::new(Arc::clone(limiter))
}

/// Region: flag or environment, then `AWS_REGION`, then the profile. Never the instance
/// metadata service (slow to time out off EC2), never a silent default.
async fn resolve_region(settings: &AwsSettings) -> Result<Region> {
    if let Some(region) = &settings.region {
        return Ok(Region::new(region.clone()));
    }
    let mut profile = ProfileFileRegionProvider::builder();
    if let Some(name) = &settings.profile {
        profile = profile.profile_name(name);
    }
    let chain = RegionProviderChain::first_try(EnvironmentVariableRegionProvider::new())
        .or_else(profile.build());
    chain.region().await.ok_or_else(|| {
        Error::usage_hint(
            "no AWS region is set",
            "pass --region, set region in the environment's config, or export AWS_REGION",
        )
    })
}

/// Off EC2, the metadata service never answers; give up at once instead of after
/// several seconds of retries, so missing credentials are reported promptly.
fn quick_imds_client() -> aws_config::imds::Client {
    aws_config::imds::Client::builder()
        .max_attempts(1)
        .connect_timeout(Duration::from_millis(300))
        .read_timeout(Duration::from_millis(500))
        .operation_timeout(Duration::from_secs(1))
        .build()
}

fn session_name() -> String {
    let user = std::env::var("USER").unwrap_or_default();
    let clean: String = user
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || "=,.@-_".contains(*c))
        .take(40)
        .collect();
    if clean.is_empty() {
        "cyi".to_owned()
    } else {
        format!("cyi-{clean}")
    }
}

/// Turns an SDK error into one line: what failed, the service's code and message, and
/// what to do about it.
pub fn aws_error<E, R>(operation: &'static str, err: SdkError<E, R>) -> Error
where
    E: ProvideErrorMetadata + StdError + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    let (message, hint) = match &err {
        SdkError::ServiceError(service) => {
            let inner = service.err();
            let code = inner.code().unwrap_or("UnknownError");
            let text = inner.message().unwrap_or("no message");
            (format!("{code}: {text}"), hint_for_code(code))
        }
        SdkError::TimeoutError(_) => (
            format!(
                "no answer within {}s (including retries)",
                CALL_TIMEOUT_SECS.load(Ordering::Relaxed)
            ),
            Some("check the endpoint and the network; --endpoint-url / AWS_ENDPOINT_URL if you use a sandbox".into()),
        ),
        SdkError::DispatchFailure(failure) => {
            let context = DisplayErrorContext(&err).to_string();
            if let Some(problem) = credential_problem(&context) {
                problem
            } else if failure.is_timeout() {
                (
                    "timed out connecting to the AWS endpoint".into(),
                    Some("check the endpoint and the network; --endpoint-url / AWS_ENDPOINT_URL if you use a sandbox".into()),
                )
            } else if failure.is_io() && root_cause(&err).contains("lookup address") {
                (
                    format!("cannot resolve the AWS endpoint's host name ({})", root_cause(&err)),
                    Some("check --region (it decides the host name), the endpoint URL and DNS".into()),
                )
            } else if failure.is_io() {
                (
                    format!("cannot reach the AWS endpoint ({})", root_cause(&err)),
                    Some("check the endpoint and the network; --endpoint-url / AWS_ENDPOINT_URL if you use a sandbox".into()),
                )
            } else {
                (root_cause(&err), None)
            }
        }
        _ => {
            let context = DisplayErrorContext(&err).to_string();
            credential_problem(&context).unwrap_or_else(|| (root_cause(&err), None))
        }
    };
    Error::Aws {
        operation,
        message,
        hint,
    }
}

fn credential_problem(context: &str) -> Option<(String, Option<String>)> {
    let lower = context.to_lowercase();
    let about_credentials = [
        "loading credentials",
        "no credentials",
        "provided credentials",
        "credentials provider",
    ]
    .iter()
    .any(|needle| lower.contains(needle));
    if about_credentials {
        return Some((
            "no usable AWS credentials were found".into(),
            Some("set --profile / AWS_PROFILE (run `aws sso login` for SSO profiles), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY".into()),
        ));
    }
    None
}

fn hint_for_code(code: &str) -> Option<String> {
    let hint = match code {
        "ExpiredToken" | "ExpiredTokenException" | "RequestExpired" => {
            "the credentials have expired: refresh them (e.g. `aws sso login`) and re-run"
        }
        "UnrecognizedClientException"
        | "InvalidClientTokenId"
        | "InvalidSignatureException"
        | "SignatureDoesNotMatch" => {
            "the credentials are not valid here: check --profile / AWS_PROFILE and the environment's account"
        }
        "AccessDenied" | "AccessDeniedException" => {
            "the credentials lack a permission this command needs: check the role's IAM policy"
        }
        "ThrottlingException" | "Throttling" | "RequestLimitExceeded" => {
            "AWS kept throttling after retries: wait a minute and re-run"
        }
        _ => return None,
    };
    Some(hint.into())
}

/// The innermost cause: for connection errors this is the useful part.
fn root_cause(err: &(dyn StdError + 'static)) -> String {
    let mut current = err;
    while let Some(next) = current.source() {
        current = next;
    }
    current.to_string()
}
