//! STS: who the credentials belong to, and the account check every change makes first.

use super::{Aws, aws_error};
use crate::error::{Error, Result};

/// Who the credentials belong to (STS GetCallerIdentity).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Identity {
    pub account: String,
    pub arn: String,
}

impl Aws {
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
