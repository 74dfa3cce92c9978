//! Secrets Manager: the one read the launch needs (the metastore password).

use aws_sdk_secretsmanager::operation::get_secret_value::GetSecretValueError;

use super::{Aws, aws_error};
use crate::error::Result;

/// A secret's SecretString as GetSecretValue returned it. Its `Debug` never shows
/// the value, so it cannot leak through a log line or an error.
pub struct SecretValue(Option<String>);

impl SecretValue {
    /// The SecretString, when the secret has one (a binary secret has none).
    pub fn secret_string(&self) -> Option<&str> {
        self.0.as_deref()
    }
}

impl std::fmt::Debug for SecretValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretValue(********)")
    }
}

/// GetSecretValue for one id; `None` when no such secret exists.
pub async fn get_secret_value(aws: &Aws, id: &str) -> Result<Option<SecretValue>> {
    let answer = aws.secrets.get_secret_value().secret_id(id).send().await;
    match answer {
        Ok(out) => Ok(Some(SecretValue(out.secret_string))),
        Err(err)
            if err
                .as_service_error()
                .is_some_and(GetSecretValueError::is_resource_not_found_exception) =>
        {
            Ok(None)
        }
        Err(err) => Err(aws_error("secretsmanager:GetSecretValue", err)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_secret() {
        let value = SecretValue(Some("hunter2".into()));
        assert!(!format!("{value:?}").contains("hunter2"));
        assert_eq!(value.secret_string(), Some("hunter2"));
    }
}
