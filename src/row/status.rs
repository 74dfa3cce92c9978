//! A row's `Status` as data: the pipeline writes four words, but the table holds
//! whatever anyone wrote, so every decision goes through this parse (any case, spaces
//! around it ignored) and anything else stays visible as unknown.

use std::fmt;

use crate::aws::dynamodb::{self, Item};

/// The status of a run row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowStatus {
    InProgress,
    Completed,
    Failed,
    Cancelled,
    /// A value the pipeline does not write, kept exactly as found.
    Unknown(String),
}

impl RowStatus {
    /// Parses a `Status` value, ignoring case and surrounding whitespace.
    pub fn parse(value: &str) -> RowStatus {
        let known = [
            ("IN_PROGRESS", RowStatus::InProgress),
            ("COMPLETED", RowStatus::Completed),
            ("FAILED", RowStatus::Failed),
            ("CANCELLED", RowStatus::Cancelled),
        ];
        known
            .into_iter()
            .find(|(name, _)| value.trim().eq_ignore_ascii_case(name))
            .map_or_else(|| RowStatus::Unknown(value.to_owned()), |(_, s)| s)
    }

    /// The row's status; None when it has no string `Status`.
    pub fn of(item: &Item) -> Option<RowStatus> {
        dynamodb::string(item, "Status").map(RowStatus::parse)
    }

    /// The pipeline's name for a known status.
    pub fn name(&self) -> Option<&'static str> {
        match self {
            RowStatus::InProgress => Some("IN_PROGRESS"),
            RowStatus::Completed => Some("COMPLETED"),
            RowStatus::Failed => Some("FAILED"),
            RowStatus::Cancelled => Some("CANCELLED"),
            RowStatus::Unknown(_) => None,
        }
    }

    /// The run may still be working: IN_PROGRESS, or a status nobody can vouch for.
    pub fn may_be_running(&self) -> bool {
        matches!(self, RowStatus::InProgress | RowStatus::Unknown(_))
    }
}

/// For people: the pipeline's name, or `unknown "value"` (quoted and escaped: it is data).
impl fmt::Display for RowStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // Debug quoting: spaces stay visible and control characters escaped.
            RowStatus::Unknown(value) => write!(f, "unknown {value:?}"),
            known => f.write_str(known.name().unwrap_or_default()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_case_and_padding_is_the_same_status() {
        for value in [
            "IN_PROGRESS",
            "in_progress",
            "In_Progress",
            " IN_PROGRESS\n",
        ] {
            assert_eq!(RowStatus::parse(value), RowStatus::InProgress, "{value:?}");
        }
        assert_eq!(RowStatus::parse("failed"), RowStatus::Failed);
        assert_eq!(RowStatus::parse("Completed"), RowStatus::Completed);
        assert_eq!(RowStatus::parse("cancelled"), RowStatus::Cancelled);
    }

    #[test]
    fn anything_else_is_unknown_and_shown_as_such() {
        let odd = RowStatus::parse("IN PROGRESS");
        assert_eq!(odd, RowStatus::Unknown("IN PROGRESS".into()));
        assert!(odd.may_be_running());
        assert_eq!(odd.to_string(), "unknown \"IN PROGRESS\"");
        assert_eq!(
            RowStatus::parse("FAILED\u{1b}[2J").to_string(),
            "unknown \"FAILED\\u{1b}[2J\""
        );
        assert_eq!(RowStatus::InProgress.to_string(), "IN_PROGRESS");
        assert!(RowStatus::InProgress.may_be_running());
        for done in [
            RowStatus::Failed,
            RowStatus::Completed,
            RowStatus::Cancelled,
        ] {
            assert!(!done.may_be_running(), "{done}");
        }
    }
}
