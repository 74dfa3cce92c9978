//! Corporate TLS: behind a TLS-inspecting proxy the aws CLI trusts the company CA through
//! `AWS_CA_BUNDLE` or the profile's `ca_bundle`. With either set, cyi builds the SDK's
//! default HTTPS client again (rustls with aws-lc, proxies from `HTTPS_PROXY` /
//! `NO_PROXY`) with the bundle's certificates added to the system roots. Without one the
//! SDK's own default client is used, untouched.

use std::path::PathBuf;

use aws_config::profile::ProfileSet;
use aws_smithy_http_client::proxy::ProxyConfig;
use aws_smithy_http_client::tls::{self, TlsContext, TrustStore};
use aws_smithy_http_client::{Builder, ConnectorBuilder};
use aws_smithy_runtime_api::client::http::SharedHttpClient;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;

use crate::error::{Error, Result};
use crate::render::display_text;

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

/// The HTTPS client for a CA bundle; `None` when there is no bundle (the SDK default).
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
    // What aws-smithy-runtime's `default_https_client` builds, plus the trust store: its
    // public `build_https` would leave out the proxy settings from the environment.
    let client = Builder::new().build_with_connector_fn(move |settings, components| {
        let mut builder = ConnectorBuilder::default()
            .tls_provider(tls::Provider::Rustls(
                tls::rustls_provider::CryptoMode::AwsLc,
            ))
            .tls_context(context.clone());
        builder.set_connector_settings(settings.cloned());
        if let Some(components) = components {
            builder.set_sleep_impl(components.sleep_impl());
        }
        builder.set_proxy_config(Some(ProxyConfig::from_env()));
        builder.build()
    });
    Ok(Some(client))
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

    #[test]
    fn no_bundle_keeps_the_default_client() {
        assert!(http_client(None).unwrap().is_none());
    }
}
