//! Tables and JSON, rendered from plain data into writers so output can be tested.
//!
//! stdout carries the result (a table, or one JSON document with `--output json`);
//! stderr carries messages, plans shown before a JSON result, and prompts.

pub mod all_envs;
pub mod clusters;
pub mod history;
pub mod launch;
pub mod logs;
pub mod row;
pub mod status;
pub mod stop;

use chrono::{DateTime, Utc};

use crate::aws::credentials::AssumedRole;
pub use crate::output::{Ui, Watched, write_document};
pub use crate::text::{SharedWriter, Table, count, display_text, escape, shell_word, time};

/// A table with a header row (see [`Table`]: every cell is shown escaped before layout).
pub fn table<const N: usize>(header: [&str; N]) -> Table {
    Table::new(header)
}

/// A compact age such as `3d 4h`, `2h 13m`, `5m 2s` or `40s`.
pub fn age(since: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let secs = (now - since).num_seconds().max(0);
    let (d, h, m, s) = (
        secs / 86_400,
        secs % 86_400 / 3600,
        secs % 3600 / 60,
        secs % 60,
    );
    match (d, h, m) {
        (0, 0, 0) => format!("{s}s"),
        (0, 0, _) => format!("{m}m {s}s"),
        (0, _, _) => format!("{h}h {m}m"),
        _ => format!("{d}d {h}h"),
    }
}

/// Whose account a plan acts in: `account 123456789012`, followed by the role when one
/// was assumed (`account 123456789012 as ops via cyi-prod`).
pub fn account(account: &str, role: Option<&AssumedRole>) -> String {
    match role {
        Some(role) => format!("account {account} {role}"),
        None => format!("account {account}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_account_names_the_assumed_role() {
        assert_eq!(account("123456789012", None), "account 123456789012");
        let role = AssumedRole {
            role_arn: "arn:aws:iam::123456789012:role/ops".into(),
            profile: Some("cyi-prod".into()),
        };
        assert_eq!(
            account("123456789012", Some(&role)),
            "account 123456789012 as ops via cyi-prod"
        );
    }

    #[test]
    fn ages() {
        let now = Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).unwrap();
        let at = |secs: i64| now - chrono::Duration::seconds(secs);
        assert_eq!(age(at(40), now), "40s");
        assert_eq!(age(at(302), now), "5m 2s");
        assert_eq!(age(at(2 * 3600 + 13 * 60), now), "2h 13m");
        assert_eq!(age(at(3 * 86_400 + 4 * 3600 + 59), now), "3d 4h");
        assert_eq!(age(now + chrono::Duration::seconds(5), now), "0s");
    }
}
