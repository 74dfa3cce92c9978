//! Newtypes for values typed on the command line, so bad input is rejected by the parser
//! with a message that names the rule.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;

/// DynamoDB's limit on a partition key value, in UTF-8 bytes.
const MAX_KEY_BYTES: usize = 2048;

/// A key value such as a correlation id or a data product, kept exactly as typed
/// (quotes, spaces, unicode and newlines included), but never empty.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Identifier(String);

impl Identifier {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for Identifier {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.is_empty() {
            return Err("must not be empty".into());
        }
        if s.len() > MAX_KEY_BYTES {
            return Err(format!(
                "is {} bytes long; DynamoDB keys are at most {MAX_KEY_BYTES} bytes",
                s.len()
            ));
        }
        Ok(Identifier(s.to_owned()))
    }
}

impl fmt::Display for Identifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An EMR cluster id: `j-` followed by upper-case letters and digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ClusterId(String);

impl ClusterId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for ClusterId {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let valid = s.strip_prefix("j-").is_some_and(|rest| {
            (1..=64).contains(&rest.len())
                && rest
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        });
        if valid {
            Ok(ClusterId(s.to_owned()))
        } else {
            Err("is not an EMR cluster id (expected j- then upper-case letters and digits, e.g. j-2AXXXXXXGAPLF)".into())
        }
    }
}

impl fmt::Display for ClusterId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A calendar date written exactly as `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(pub NaiveDate);

impl FromStr for Day {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let shaped = s.len() == 10
            && s.bytes().enumerate().all(|(i, b)| match i {
                4 | 7 => b == b'-',
                _ => b.is_ascii_digit(),
            });
        if !shaped {
            return Err(format!("'{s}' is not a date in the form YYYY-MM-DD"));
        }
        NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map(Day)
            .map_err(|_| format!("'{s}' is not a real calendar date"))
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%d"))
    }
}

/// A one-time code of an MFA device: 6 digits. Its Debug hides it.
#[derive(Clone, PartialEq, Eq)]
pub struct MfaCode(String);

impl MfaCode {
    /// The error does not repeat the text: it may be a code typed into the wrong place.
    pub fn parse(text: &str) -> std::result::Result<MfaCode, String> {
        let text = text.trim();
        if text.len() == 6 && text.bytes().all(|b| b.is_ascii_digit()) {
            Ok(MfaCode(text.to_owned()))
        } else {
            Err("is not a 6-digit code".into())
        }
    }

    /// The digits, for the AssumeRole request only.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `--mfa-code`, else `CYI_MFA_CODE`: checked, and a usage error that does not repeat it.
    pub fn from_flag_or_var(
        flag: Option<String>,
        var: Option<String>,
    ) -> crate::error::Result<Option<MfaCode>> {
        flag.or(var)
            .map(|text| {
                MfaCode::parse(&text).map_err(|problem| {
                    crate::error::Error::usage_hint(
                        format!("--mfa-code / CYI_MFA_CODE {problem}"),
                        "give the 6 digits the MFA device shows now",
                    )
                })
            })
            .transpose()
    }
}

impl std::fmt::Debug for MfaCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MfaCode(******)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifier_keeps_the_value_exactly() {
        for raw in [
            "a\"b",
            "it's",
            "$(rm -rf /)",
            "two words",
            "line\nbreak",
            "ünïcødé-日本",
        ] {
            assert_eq!(raw.parse::<Identifier>().unwrap().as_str(), raw);
        }
    }

    #[test]
    fn identifier_rejects_empty_and_overlong() {
        assert_eq!("".parse::<Identifier>().unwrap_err(), "must not be empty");
        assert!("x".repeat(2048).parse::<Identifier>().is_ok());
        let err = "x".repeat(2049).parse::<Identifier>().unwrap_err();
        assert!(err.contains("2049 bytes"), "{err}");
    }

    #[test]
    fn cluster_ids() {
        assert!("j-2AXXXXXXGAPLF".parse::<ClusterId>().is_ok());
        for bad in ["", "j-", "2AXXXXXXGAPLF", "j-abc", "j-ABC DEF", "J-ABC"] {
            assert!(bad.parse::<ClusterId>().is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn days_must_be_real_and_well_formed() {
        assert_eq!(
            "2021-04-01".parse::<Day>().unwrap().to_string(),
            "2021-04-01"
        );
        assert!("2024-02-29".parse::<Day>().is_ok());
        let err = "2021-02-30".parse::<Day>().unwrap_err();
        assert!(err.contains("not a real calendar date"), "{err}");
        for bad in [
            "2021-4-1",
            "01-04-2021",
            "2021/04/01",
            "20210401",
            "2021-04-01T00:00",
            "",
        ] {
            let err = bad.parse::<Day>().unwrap_err();
            assert!(err.contains("YYYY-MM-DD"), "{bad}: {err}");
        }
    }
}

/// A correlation id for a new run: it becomes an EMR tag value, so 1 to 256 characters
/// of those EMR allows in tag values (letters, digits, whitespace, `_ . : / = + - @`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CorrelationId(String);

impl CorrelationId {
    pub const MAX_CHARS: usize = 256;

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for CorrelationId {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let chars = s.chars().count();
        if chars == 0 {
            return Err("must not be empty".into());
        }
        if chars > Self::MAX_CHARS {
            return Err(format!(
                "is {chars} characters long; EMR tag values are at most {} characters",
                Self::MAX_CHARS
            ));
        }
        if let Some(bad) = s
            .chars()
            // Tabs and newlines are whitespace but EMR refuses them in tag values (its
            // pattern allows separators, \p{Z}, not control characters).
            .find(|c| {
                c.is_control()
                    || !(c.is_alphanumeric() || c.is_whitespace() || "_.:/=+-@".contains(*c))
            })
        {
            return Err(format!(
                "contains {bad:?}; EMR tag values allow only letters, digits, spaces and _ . : / = + - @"
            ));
        }
        if s.starts_with(char::is_whitespace) || s.ends_with(char::is_whitespace) {
            return Err(format!(
                "{:?} starts or ends with a space, which a paste often brings along; the run's \
                 row and tag would not match {:?}: leave the space out",
                s,
                s.trim()
            ));
        }
        Ok(CorrelationId(s.to_owned()))
    }
}

impl fmt::Display for CorrelationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod correlation_id_tests {
    use super::*;

    #[test]
    fn ids_display_exactly_as_given() {
        let id: Identifier = " run \"1\" ".parse().unwrap();
        assert_eq!(id.to_string(), " run \"1\" ");
        let id: CorrelationId = "run_2021-04-01 a".parse().unwrap();
        assert_eq!(id.to_string(), "run_2021-04-01 a");
        assert_eq!(format!("[{id}]"), "[run_2021-04-01 a]");
    }

    #[test]
    fn a_new_runs_id_has_no_space_at_either_end() {
        for padded in [" run-1", "run-1 ", "\u{a0}run-1", "run-1\u{3000}"] {
            let err = padded.parse::<CorrelationId>().unwrap_err();
            assert!(
                err.contains("starts or ends with a space"),
                "{padded:?}: {err}"
            );
            assert!(err.contains("\"run-1\""), "{padded:?}: {err}");
        }
        assert!("run 1".parse::<CorrelationId>().is_ok());
    }

    #[test]
    fn correlation_ids_follow_the_emr_tag_rules() {
        for good in [
            "a",
            "run_2021-04-01T00:00",
            "x y/z=+@.",
            "ünï",
            &"x".repeat(256),
        ] {
            assert!(good.parse::<CorrelationId>().is_ok(), "{good:?}");
        }
        assert_eq!(
            "".parse::<CorrelationId>().unwrap_err(),
            "must not be empty"
        );
        assert!(
            "x".repeat(257)
                .parse::<CorrelationId>()
                .unwrap_err()
                .contains("257 characters")
        );
        for bad in [
            "a\"b", "it's", "$(x)", "a;b", "a*b", "a\nb", "a\tb", "a\u{7}b",
        ] {
            let err = bad.parse::<CorrelationId>().unwrap_err();
            assert!(err.contains("EMR tag values allow"), "{bad}: {err}");
        }
    }
}

/// Where the launcher's four YAML files live: a local folder or an S3 prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClusterConfigSource {
    Local(std::path::PathBuf),
    S3 { bucket: String, prefix: String },
}

impl ClusterConfigSource {
    pub fn parse(value: &str) -> Result<Self, String> {
        let Some(rest) = value.strip_prefix("s3://") else {
            if value.is_empty() {
                return Err("is empty; give a folder or s3://BUCKET/PREFIX".into());
            }
            return Ok(ClusterConfigSource::Local(value.into()));
        };
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            return Err(format!(
                "'{value}' names no bucket; expected s3://BUCKET/PREFIX"
            ));
        }
        Ok(ClusterConfigSource::S3 {
            bucket: bucket.to_owned(),
            prefix: prefix.trim_end_matches('/').to_owned(),
        })
    }
}

impl fmt::Display for ClusterConfigSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClusterConfigSource::Local(path) => write!(f, "{}", path.display()),
            ClusterConfigSource::S3 { bucket, prefix } => write!(f, "s3://{bucket}/{prefix}"),
        }
    }
}

#[cfg(test)]
mod cluster_config_source_tests {
    use super::*;

    #[test]
    fn cluster_config_sources() {
        assert_eq!(
            ClusterConfigSource::parse("s3://b").unwrap(),
            ClusterConfigSource::S3 {
                bucket: "b".into(),
                prefix: "".into()
            }
        );
        assert_eq!(
            ClusterConfigSource::parse("s3://b/emr/cyi/")
                .unwrap()
                .to_string(),
            "s3://b/emr/cyi"
        );
        assert_eq!(
            ClusterConfigSource::parse("./emr/cyi").unwrap(),
            ClusterConfigSource::Local("./emr/cyi".into())
        );
        assert!(ClusterConfigSource::parse("s3://").is_err());
        assert!(ClusterConfigSource::parse("").is_err());
    }
}
