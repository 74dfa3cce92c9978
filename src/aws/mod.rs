//! The one AWS layer: the SDK configuration is built once per run and every command gets
//! its typed clients from [`Aws`]. SDK errors become [`Error::Aws`] here, with the
//! service's error code and message and a hint where the fix is known.

pub mod credentials;
pub mod dynamodb;
pub mod emr;
pub mod launch_lock;
pub mod limit;
pub mod s3;
pub mod secrets;
mod session_cache;
mod sts;
mod tls;
mod trace;

pub use sts::Identity;

use std::error::Error as StdError;
use std::sync::Arc;
use std::time::Duration;

use aws_config::BehaviorVersion;
use aws_config::default_provider::credentials::DefaultCredentialsChain;
use aws_config::environment::region::EnvironmentVariableRegionProvider;
use aws_config::meta::region::RegionProviderChain;
use aws_config::profile::ProfileFileRegionProvider;
use aws_config::provider_config::ProviderConfig;
use aws_config::retry::RetryConfig;
use aws_config::sts::AssumeRoleProvider;
use aws_config::timeout::TimeoutConfig;
use aws_config::{Region, SdkConfig};
use aws_sdk_emr::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_emr::operation::describe_cluster::DescribeClusterError;
use aws_sdk_emr::operation::list_clusters::ListClustersError;
use aws_sdk_emr::operation::set_termination_protection::SetTerminationProtectionError;
use aws_sdk_emr::operation::terminate_job_flows::TerminateJobFlowsError;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use tokio::sync::OnceCell;

use self::limit::{Limiter, ThrottleSignal};
use crate::error::{Error, Result};
use crate::text::SharedWriter;
use crate::types::MfaCode;

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
    /// With `role_arn`: the MFA device that role demands.
    pub mfa_serial: Option<String>,
    /// `--mfa-code` / `CYI_MFA_CODE`, checked to be 6 digits.
    pub mfa_code: Option<MfaCode>,
    /// `--no-cache` / `CYI_NO_CACHE`: no role session cache.
    pub no_cache: bool,
}

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
    /// How long one call may take, its retries included (the environment's
    /// `call_timeout`, else [`OPERATION_TIMEOUT`]).
    call_timeout: Duration,
    /// Filled by the first [`Aws::identity`] call (aws/sts.rs).
    identity: OnceCell<Identity>,
    /// The role the credentials are for, when one is assumed (for the plan header).
    pub assumed_role: Option<credentials::AssumedRole>,
}

impl Aws {
    /// Builds the SDK configuration: region, profile, role assumption and endpoint
    /// override, with deliberate retry and timeout settings. Makes no network call
    /// unless a role must be assumed (and even then only when first used), except for a
    /// chain of roles one of which needs an MFA code: that one is assumed here, once
    /// (see `credentials`).
    /// With `--verbose`, each call is traced on `log`.
    pub async fn connect(settings: &AwsSettings, log: &SharedWriter) -> Result<Aws> {
        let region = resolve_region(settings).await?;
        let profiles = credentials::load_profiles(settings).await;
        let credential_plan = credentials::plan(
            settings,
            &profiles,
            credentials::environment_has_credentials(),
        )?;
        let ca_bundle = tls::ca_bundle(std::env::var("AWS_CA_BUNDLE").ok(), &profiles);
        let http_client = tls::http_client(ca_bundle.as_ref())?.unwrap_or_else(tls::default_client);
        let connect_timeout = settings.connect_timeout.unwrap_or(CONNECT_TIMEOUT);
        let call_timeout = settings.call_timeout.unwrap_or(OPERATION_TIMEOUT);
        let credentials = {
            // Every provider of the chain (SSO, web identity, containers...) gets the
            // run's HTTPS client: the SDK's default one is not built in.
            let conf = ProviderConfig::default().with_http_client(http_client.clone());
            let mut chain = DefaultCredentialsChain::builder()
                .configure(conf.clone())
                .region(region.clone())
                .imds_client(quick_imds_client(&conf));
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
        loader = loader.http_client(http_client);
        let mut config = loader.load().await;

        if let Some(chain) = &credential_plan.chain {
            let provider = credentials::chain_credentials(chain, settings, &config).await?;
            config = config.into_builder().credentials_provider(provider).build();
        } else if let Some(role_arn) = &settings.role_arn {
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
        let trace = settings.verbose.then_some(log);
        let mut aws = Aws::from_config(&config, trace, region.to_string(), call_timeout);
        aws.assumed_role = credential_plan.assumed_role;
        Ok(aws)
    }

    fn from_config(
        config: &SdkConfig,
        trace: Option<&SharedWriter>,
        region: String,
        call_timeout: Duration,
    ) -> Aws {
        // S3 on a custom endpoint (a sandbox) cannot use virtual-host bucket addressing.
        let path_style = config.endpoint_url().is_some();
        let emr_limit = Arc::new(Limiter::default());
        macro_rules! client {
            ($krate:ident $(, $extra:ident($arg:expr))*) => {{
                let mut builder = $krate::config::Builder::from(config);
                $(builder = builder.$extra($arg);)*
                if let Some(log) = trace {
                    builder = builder.interceptor(trace::Trace::new(stringify!($krate), log.clone()));
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
            call_timeout,
            identity: OnceCell::new(),
            assumed_role: None,
        }
    }

    pub fn region(&self) -> &str {
        &self.region
    }

    /// How long one call may take, its retries included.
    pub fn call_timeout(&self) -> Duration {
        self.call_timeout
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
fn quick_imds_client(conf: &ProviderConfig) -> aws_config::imds::Client {
    aws_config::imds::Client::builder()
        .configure(conf)
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
pub fn aws_error<E>(operation: &'static str, err: SdkError<E, HttpResponse>) -> Error
where
    E: ProvideErrorMetadata + StdError + Send + Sync + 'static,
{
    let (message, hint) = match &err {
        SdkError::ServiceError(service) => {
            let inner = service.err();
            match inner.code() {
                Some(code) => {
                    let text = inner.message().unwrap_or("no message");
                    (format!("{code}: {text}"), hint_for_code(code))
                }
                None => not_an_aws_answer(service.raw()),
            }
        }
        SdkError::ResponseError(response) => not_an_aws_answer(response.raw()),
        SdkError::TimeoutError(_) => (
            timeout_message(&root_cause(&err)),
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

/// An answer with no AWS error code in it: most likely not an AWS API at all (a web
/// server or a proxy's page at a wrong endpoint URL).
fn not_an_aws_answer(raw: &HttpResponse) -> (String, Option<String>) {
    let content_type = raw
        .headers()
        .get("content-type")
        .map(crate::text::display_text)
        .unwrap_or_else(|| "no content type".to_owned());
    (
        format!(
            "the endpoint answered HTTP {} ({content_type}) with no AWS error in it",
            raw.status().as_u16()
        ),
        Some("the endpoint may not be an AWS API: check --endpoint-url / the environment's endpoint_url / AWS_ENDPOINT_URL".into()),
    )
}

/// The SDK's timeout error says which timeout fired and after how long
/// ("operation timeout (all attempts including retries) occurred after 2s"); the
/// duration it names is the call timeout this [`Aws`] was built with.
fn timeout_message(cause: &str) -> String {
    match cause.rsplit_once("occurred after ") {
        Some((_, duration)) if !duration.is_empty() => {
            format!("no answer within {duration} (including retries)")
        }
        _ => "no answer within the call timeout (including retries)".to_owned(),
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

#[cfg(test)]
mod tests {
    use super::*;
    use aws_smithy_runtime_api::http::StatusCode;
    use aws_smithy_types::body::SdkBody;

    #[test]
    fn a_timeout_names_the_duration_the_sdk_waited() {
        assert_eq!(
            timeout_message("operation timeout (all attempts including retries) occurred after 2s"),
            "no answer within 2s (including retries)"
        );
        assert_eq!(
            timeout_message("something else"),
            "no answer within the call timeout (including retries)"
        );
    }

    #[test]
    fn an_html_page_is_named_as_not_an_aws_answer() {
        let mut raw =
            HttpResponse::new(StatusCode::try_from(404).unwrap(), SdkBody::from("<html>"));
        raw.headers_mut()
            .insert("content-type", "text/html; charset=utf-8");
        let (message, hint) = not_an_aws_answer(&raw);
        assert_eq!(
            message,
            "the endpoint answered HTTP 404 (text/html; charset=utf-8) with no AWS error in it"
        );
        assert!(hint.unwrap().contains("may not be an AWS API"));
        let raw = HttpResponse::new(StatusCode::try_from(200).unwrap(), SdkBody::empty());
        assert!(
            not_an_aws_answer(&raw)
                .0
                .contains("HTTP 200 (no content type)")
        );
    }
}
