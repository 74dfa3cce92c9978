//! The metastore password. In the `hive-site` and `spark-hive-site` classifications,
//! `javax.jdo.option.ConnectionPassword` names a Secrets Manager secret whose
//! SecretString is `{"password": "..."}`; the password replaces the name before launch.
//! A missing or malformed secret stops the launch (the old launcher sent no password).

use std::collections::{BTreeMap, BTreeSet};

use futures_util::future::try_join_all;

use super::model::{Configuration, Property, RunJobFlow, Secret};
use crate::aws::{Aws, secrets};
use crate::error::{Error, Result};

pub const PASSWORD_KEY: &str = "javax.jdo.option.ConnectionPassword";
pub const CLASSIFICATIONS: [&str; 2] = ["hive-site", "spark-hive-site"];

fn password_properties(configs: &mut [Configuration], visit: &mut dyn FnMut(&mut Property)) {
    for config in configs {
        let wanted = config
            .classification
            .as_deref()
            .is_some_and(|c| CLASSIFICATIONS.contains(&c));
        if wanted
            && let Some(property) = config
                .properties
                .as_mut()
                .and_then(|p| p.get_mut(PASSWORD_KEY))
        {
            visit(property);
        }
        if let Some(nested) = config.configurations.as_mut() {
            password_properties(nested, visit);
        }
    }
}

/// The distinct secret ids the request names, in order.
pub fn secret_ids(request: &RunJobFlow) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    let mut copy = request.configurations.clone().unwrap_or_default();
    password_properties(&mut copy, &mut |p| {
        if let Property::Plain(id) = p {
            ids.insert(id.clone());
        }
    });
    ids
}

/// Puts each fetched password in place of the secret id that named it.
pub fn substitute(request: &mut RunJobFlow, passwords: &BTreeMap<String, Secret>) {
    if let Some(configs) = request.configurations.as_mut() {
        password_properties(configs, &mut |p| {
            if let Property::Plain(id) = p
                && let Some(value) = passwords.get(id.as_str())
            {
                *p = Property::Password {
                    secret_id: id.clone(),
                    value: value.clone(),
                };
            }
        });
    }
}

/// Fetches each secret once, concurrently.
pub async fn fetch(aws: &Aws, ids: &BTreeSet<String>) -> Result<BTreeMap<String, Secret>> {
    let reads = ids.iter().map(|id| async move {
        let Some(value) = secrets::get_secret_value(aws, id).await? else {
            return Err(Error::Failed(format!(
                "the metastore secret '{id}' (named by {PASSWORD_KEY}) does not exist; nothing was launched"
            )));
        };
        let password = password_of(value.secret_string()).map_err(|why| {
            Error::Failed(format!(
                "the metastore secret '{id}' {why}; nothing was launched"
            ))
        })?;
        Ok((id.clone(), password))
    });
    Ok(try_join_all(reads).await?.into_iter().collect())
}

/// The `password` field of a SecretString. The messages never quote the string.
pub fn password_of(secret_string: Option<&str>) -> std::result::Result<Secret, &'static str> {
    let text = secret_string.ok_or("has no SecretString")?;
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|_| "is not a JSON object with a password field")?;
    match value.get("password") {
        Some(serde_json::Value::String(p)) if !p.is_empty() => Ok(Secret::new(p.clone())),
        Some(serde_json::Value::String(_)) => Err("has an empty password"),
        Some(_) => Err("has a password field that is not a string"),
        None => Err("has no password field"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> RunJobFlow {
        let yaml = r#"
Configurations:
- Classification: hive-site
  Properties: {"javax.jdo.option.ConnectionPassword": "s1", "other": "x"}
- Classification: spark-hive-site
  Properties: {"javax.jdo.option.ConnectionPassword": "s1"}
- Classification: core-site
  Properties: {"javax.jdo.option.ConnectionPassword": "not-a-secret"}
- Classification: outer
  Configurations:
  - Classification: hive-site
    Properties: {"javax.jdo.option.ConnectionPassword": "s2"}
"#;
        serde_yaml_ng::from_str(yaml).unwrap()
    }

    #[test]
    fn finds_each_secret_once_in_the_hive_classifications_only() {
        let ids: Vec<_> = secret_ids(&request()).into_iter().collect();
        assert_eq!(ids, ["s1", "s2"]);
    }

    #[test]
    fn substitutes_and_never_prints_the_password() {
        let mut request = request();
        let passwords: BTreeMap<_, _> = [
            ("s1".to_owned(), Secret::new("hunter2".into())),
            ("s2".to_owned(), Secret::new("swordfish".into())),
        ]
        .into_iter()
        .collect();
        substitute(&mut request, &passwords);
        let json = serde_json::to_string(&request).unwrap();
        let debug = format!("{request:?}");
        for text in [&json, &debug] {
            assert!(
                !text.contains("hunter2") && !text.contains("swordfish"),
                "{text}"
            );
            assert!(text.contains("********"), "{text}");
        }
        assert!(json.contains("not-a-secret"));
        let sdk = super::super::to_sdk::configuration(&request.configurations.unwrap()[0]);
        assert_eq!(sdk.properties().unwrap()[PASSWORD_KEY], "hunter2");
    }

    #[test]
    fn secret_strings() {
        assert_eq!(
            password_of(Some(r#"{"password":"p"}"#)).unwrap().expose(),
            "p"
        );
        assert_eq!(password_of(None).unwrap_err(), "has no SecretString");
        assert_eq!(
            password_of(Some("plain-text-pw")).unwrap_err(),
            "is not a JSON object with a password field"
        );
        assert_eq!(
            password_of(Some(r#"{"pass":"p"}"#)).unwrap_err(),
            "has no password field"
        );
        assert_eq!(
            password_of(Some(r#"{"password":5}"#)).unwrap_err(),
            "has a password field that is not a string"
        );
        assert_eq!(
            password_of(Some(r#"{"password":""}"#)).unwrap_err(),
            "has an empty password"
        );
    }
}
