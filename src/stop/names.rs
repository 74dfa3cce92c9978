//! How cluster names are matched: the environment's exact name unless `--name-regex`
//! asks for a pattern.

use regex_lite::Regex;

use crate::error::{Error, Result};
use crate::text::display_text;

/// How cluster names are matched: the exact name unless a pattern is asked for.
#[derive(Debug, Clone)]
pub enum NameMatch {
    Exact(String),
    Pattern(Regex),
}

impl NameMatch {
    /// `--name-regex` wins over the environment's cluster name. An empty pattern would
    /// match every cluster in the account, so it is refused rather than obeyed.
    pub fn new(cluster_name: &str, name_regex: Option<&str>) -> Result<NameMatch> {
        let Some(raw) = name_regex else {
            return Ok(NameMatch::Exact(cluster_name.to_owned()));
        };
        if raw.is_empty() {
            return Err(Error::usage_hint(
                "--name-regex is empty, which would match every cluster",
                format!(
                    "give a pattern such as '^{cluster_name}$', or leave --name-regex out to match the name '{cluster_name}' exactly"
                ),
            ));
        }
        Regex::new(raw).map(NameMatch::Pattern).map_err(|e| {
            Error::usage_hint(
                format!("--name-regex '{raw}' is not a valid regular expression: {e}"),
                "check the pattern's syntax; anchor it with ^...$ to match whole names",
            )
        })
    }

    pub fn matches(&self, name: &str) -> bool {
        match self {
            NameMatch::Exact(exact) => name == exact,
            NameMatch::Pattern(re) => re.is_match(name),
        }
    }

    /// The `--name-regex` pattern, when one was given.
    pub fn pattern(&self) -> Option<&str> {
        match self {
            NameMatch::Exact(_) => None,
            NameMatch::Pattern(re) => Some(re.as_str()),
        }
    }

    /// The match in words, e.g. "named exactly 'cyi'".
    pub fn describe(&self) -> String {
        match self {
            NameMatch::Exact(name) => format!("named exactly '{}'", display_text(name)),
            NameMatch::Pattern(re) => format!(
                "whose name matches the pattern /{}/ (--name-regex, not anchored)",
                display_text(re.as_str())
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_is_the_default_and_substrings_do_not_match() {
        let names = NameMatch::new("cyi", None).unwrap();
        assert!(names.matches("cyi"));
        for other in ["legacyimport", "cyi-test", "CYI", "cyi ", ""] {
            assert!(!names.matches(other), "{other:?}");
        }
        assert_eq!(names.pattern(), None);
        assert_eq!(names.describe(), "named exactly 'cyi'");
    }

    #[test]
    fn name_regex_is_an_explicit_pattern() {
        let names = NameMatch::new("cyi", Some("^cyi")).unwrap();
        assert_eq!(names.pattern(), Some("^cyi"));
        assert!(names.describe().contains("/^cyi/"));
        assert!(names.matches("cyi-test") && !names.matches("legacyimport"));
    }

    #[test]
    fn bad_name_regex_is_a_usage_error_naming_the_flag() {
        for bad in ["(", "[a-", ""] {
            let err = NameMatch::new("cyi", Some(bad)).unwrap_err();
            assert_eq!(err.exit_code(), 2, "{bad:?}");
            assert!(err.to_string().starts_with("--name-regex"), "{err}");
        }
    }
}
