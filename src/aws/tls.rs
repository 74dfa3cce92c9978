//! The one HTTPS client: what the SDK's default client is (rustls, the system roots,
//! proxies from `HTTPS_PROXY` / `NO_PROXY`), but with rustls on ring rather than aws-lc,
//! which builds several times faster (Cargo.toml turns the SDK's default client off).
//!
//! Corporate TLS: behind a TLS-inspecting proxy the aws CLI trusts the company CA through
//! `AWS_CA_BUNDLE` or the profile's `ca_bundle`. With either set, the client trusts the
//! bundle's certificates as well as the system roots.

use std::path::PathBuf;

use aws_config::profile::ProfileSet;
use aws_smithy_http_client::proxy::ProxyConfig;
use aws_smithy_http_client::tls::{self, TlsContext, TrustStore};
use aws_smithy_http_client::{Builder, ConnectorBuilder};
use aws_smithy_runtime_api::client::http::SharedHttpClient;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;

use crate::error::{Error, Result};
use crate::text::display_text;

/// Where the CA bundle is named, for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaBundle {
    pub path: PathBuf,
    /// `AWS_CA_BUNDLE` or `ca_bundle in profile 'NAME'`.
    pub origin: String,
}

/// `AWS_CA_BUNDLE`, then the selected profile's `ca_bundle` (the aws CLI's order).
pub fn ca_bundle(env_value: Option<String>, profiles: &ProfileSet) -> Option<CaBundle> {
    if let Some(path) = env_value.filter(|v| !v.is_empty()) {
        return Some(CaBundle {
            path: PathBuf::from(path),
            origin: "AWS_CA_BUNDLE".into(),
        });
    }
    let name = profiles.selected_profile();
    let path = profiles.get_profile(name)?.get("ca_bundle")?.trim();
    (!path.is_empty()).then(|| CaBundle {
        path: PathBuf::from(path),
        origin: format!("ca_bundle in profile '{}'", display_text(name)),
    })
}

/// The crypto under rustls. Every cipher suite AWS endpoints offer is in ring too.
const CRYPTO: tls::rustls_provider::CryptoMode = tls::rustls_provider::CryptoMode::Ring;

/// The HTTPS client for a CA bundle; `None` when there is no bundle ([`default_client`]).
pub fn http_client(bundle: Option<&CaBundle>) -> Result<Option<SharedHttpClient>> {
    let Some(bundle) = bundle else {
        return Ok(None);
    };
    let pem = read_bundle(bundle)?;
    let trust = TrustStore::default().with_pem_certificate(pem);
    let context = TlsContext::builder()
        .with_trust_store(trust)
        .build()
        .map_err(|e| bad_bundle(bundle, &e.to_string()))?;
    Ok(Some(build(Some(context))))
}

/// The HTTPS client without a CA bundle: the system roots only.
pub fn default_client() -> SharedHttpClient {
    build(None)
}

fn build(context: Option<TlsContext>) -> SharedHttpClient {
    // What aws-smithy-runtime's `default_https_client` builds (with ring), plus the trust
    // store: its public `build_https` would leave out the proxy settings from the
    // environment.
    Builder::new().build_with_connector_fn(move |settings, components| {
        let mut builder = ConnectorBuilder::default().tls_provider(tls::Provider::Rustls(CRYPTO));
        if let Some(context) = &context {
            builder = builder.tls_context(context.clone());
        }
        builder.set_connector_settings(settings.cloned());
        if let Some(components) = components {
            builder.set_sleep_impl(components.sleep_impl());
        }
        builder.set_proxy_config(Some(ProxyConfig::from_env()));
        builder.build()
    })
}

/// The bundle's certificates as PEM, checked: the HTTPS client would panic on one it
/// cannot parse. As with the system roots, an unusable certificate among good ones is
/// left out; a bundle without any usable one is surely the wrong file.
/// The largest CA bundle read (the whole Mozilla set is about 250 KB).
const MAX_BUNDLE_BYTES: u64 = 16 * 1024 * 1024;

fn read_bundle(bundle: &CaBundle) -> Result<Vec<u8>> {
    let pem = crate::local_file::read_bytes(&bundle.path, MAX_BUNDLE_BYTES)
        .map_err(|e| bad_bundle(bundle, &e.to_string()))?;
    let certs = CertificateDer::pem_slice_iter(&pem)
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| bad_bundle(bundle, &format!("not a PEM file ({e})")))?;
    if certs.is_empty() {
        return Err(bad_bundle(bundle, "holds no PEM certificate"));
    }
    let mut usable = String::new();
    for cert in certs {
        if rustls::RootCertStore::empty().add(cert.clone()).is_ok() {
            usable.push_str("-----BEGIN CERTIFICATE-----\n");
            let encoded = aws_smithy_types::base64::encode(cert.as_ref());
            for line in encoded.as_bytes().chunks(64) {
                usable.push_str(&String::from_utf8_lossy(line));
                usable.push('\n');
            }
            usable.push_str("-----END CERTIFICATE-----\n");
        }
    }
    if usable.is_empty() {
        return Err(bad_bundle(bundle, "none of its certificates can be used"));
    }
    Ok(usable.into_bytes())
}

fn bad_bundle(bundle: &CaBundle, problem: &str) -> Error {
    Error::usage_hint(
        format!(
            "the CA bundle {} ({}) cannot be used: {problem}",
            display_text(&bundle.path.display().to_string()),
            bundle.origin
        ),
        "point it at a PEM file of the CA certificates to trust, or unset it",
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::borrow::Cow;
    use std::path::Path;

    use super::*;
    use aws_types::os_shim_internal::{Env, Fs};

    fn profiles(config: &str, selected: &str) -> ProfileSet {
        let fs = Fs::from_slice(&[("/c/config", config)]);
        let env = Env::from_slice(&[("AWS_CONFIG_FILE", "/c/config"), ("HOME", "/c")]);
        let files = aws_runtime::env_config::file::EnvConfigFiles::default();
        let selected = Some(Cow::Owned(selected.to_owned()));
        futures_util::FutureExt::now_or_never(aws_config::profile::load(
            &fs, &env, &files, selected,
        ))
        .unwrap()
        .unwrap()
    }

    #[test]
    fn the_environment_comes_before_the_profile() {
        let set = profiles("[profile corp]\nca_bundle = /etc/corp.pem\n", "corp");
        let from_env = ca_bundle(Some("/tmp/env.pem".into()), &set).unwrap();
        assert_eq!(from_env.path, PathBuf::from("/tmp/env.pem"));
        assert_eq!(from_env.origin, "AWS_CA_BUNDLE");
        let from_profile = ca_bundle(None, &set).unwrap();
        assert_eq!(from_profile.path, PathBuf::from("/etc/corp.pem"));
        assert_eq!(from_profile.origin, "ca_bundle in profile 'corp'");
        assert_eq!(
            ca_bundle(Some(String::new()), &profiles("[default]\n", "default")),
            None
        );
    }

    #[test]
    fn unusable_bundles_are_usage_errors_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let empty = dir.path().join("empty.pem");
        std::fs::write(&empty, "no certificates here\n").unwrap();
        let garbage = dir.path().join("garbage.pem");
        std::fs::write(
            &garbage,
            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
        )
        .unwrap();
        for path in [dir.path().join("missing.pem"), empty, garbage] {
            let bundle = CaBundle {
                path: path.clone(),
                origin: "AWS_CA_BUNDLE".into(),
            };
            let err = http_client(Some(&bundle)).err().unwrap();
            assert_eq!(err.exit_code(), 2);
            let text = err.to_string();
            assert!(text.contains(&path.display().to_string()), "{text}");
            assert!(text.contains("AWS_CA_BUNDLE"), "{text}");
        }
    }

    #[test]
    fn the_system_bundle_is_usable() {
        let system = Path::new("/etc/ssl/certs/ca-certificates.crt");
        if !system.exists() {
            return;
        }
        let bundle = CaBundle {
            path: system.to_path_buf(),
            origin: "AWS_CA_BUNDLE".into(),
        };
        let pem = read_bundle(&bundle).unwrap();
        let count = CertificateDer::pem_slice_iter(&pem).count();
        assert!(count > 10, "{count} certificates");
    }

    /// The first bytes `client` sends to an `https://` endpoint (a bare TCP listener
    /// that answers nothing).
    async fn first_bytes(client: SharedHttpClient) -> [u8; 3] {
        use std::io::Read;
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = std::thread::spawn(move || {
            let (mut conn, _) = listener.accept().unwrap();
            let mut head = [0u8; 3];
            conn.read_exact(&mut head).unwrap();
            head
        });
        let conf = aws_sdk_sts::Config::builder()
            .behavior_version(aws_config::BehaviorVersion::latest())
            .region(aws_config::Region::new("eu-west-2"))
            .credentials_provider(aws_credential_types::Credentials::new(
                "AKIDTEST", "secret", None, None, "test",
            ))
            .endpoint_url(format!("https://127.0.0.1:{port}"))
            .http_client(client)
            .retry_config(aws_config::retry::RetryConfig::disabled())
            .timeout_config(
                aws_config::timeout::TimeoutConfig::builder()
                    .operation_timeout(std::time::Duration::from_secs(5))
                    .build(),
            )
            .build();
        let answer = aws_sdk_sts::Client::from_conf(conf)
            .get_caller_identity()
            .send()
            .await;
        assert!(answer.is_err(), "nothing answers TLS there");
        server.join().unwrap()
    }

    #[tokio::test]
    async fn the_client_speaks_tls_to_an_https_endpoint() {
        // 0x16 0x03: a TLS handshake record (the ClientHello), so the connector is an
        // HTTPS one and its crypto provider (ring) is in the build.
        let head = first_bytes(default_client()).await;
        assert_eq!(&head[..2], &[0x16, 0x03], "{head:?}");
        let system = Path::new("/etc/ssl/certs/ca-certificates.crt");
        if system.exists() {
            let bundle = CaBundle {
                path: system.to_path_buf(),
                origin: "AWS_CA_BUNDLE".into(),
            };
            let client = http_client(Some(&bundle)).unwrap().unwrap();
            assert_eq!(&first_bytes(client).await[..2], &[0x16, 0x03]);
        }
    }

    #[test]
    fn no_bundle_keeps_the_default_client() {
        assert!(http_client(None).unwrap().is_none());
    }
}
