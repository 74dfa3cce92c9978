//! Which archive entry a restore puts back, and whether it may go where it would go:
//! a pure choice over the archive as read.

use std::path::Path;

use crate::error::{Error, Result};
use crate::row::archive::{Archive, Entry, Outcome};
use crate::text::{cyi_command, display_text, shell_word};

/// How the operator picked the entry.
#[derive(Debug, Clone, Copy)]
pub enum Selector<'a> {
    Id(&'a str),
    /// The newest clear of this key that deleted the row, or may have (pending).
    Latest {
        correlation_id: &'a str,
        data_product: &'a str,
    },
}

/// Where the restore would write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target<'a> {
    pub environment: &'a str,
    pub account: &'a str,
    pub region: &'a str,
    pub table: &'a str,
}

impl Target<'_> {
    /// The form `--into` takes: ENV/ACCOUNT/REGION/TABLE.
    pub fn spec(&self) -> String {
        format!(
            "{}/{}/{}/{}",
            self.environment, self.account, self.region, self.table
        )
    }
}

/// Where an entry came from, as a target.
pub fn origin(entry: &Entry) -> Target<'_> {
    Target {
        environment: &entry.environment,
        account: &entry.account,
        region: &entry.region,
        table: &entry.table,
    }
}

/// Pure: which archive entry to restore, or why none may be. `into` is the `--into`
/// value: restoring anywhere but where the entry came from needs it to name the target.
pub fn choose<'a>(
    archive: &'a Archive,
    selector: Selector<'_>,
    target: Target<'_>,
    into: Option<&str>,
    path: &Path,
) -> Result<&'a Entry> {
    let unreadable = |lines: &[&crate::row::archive::Problem]| {
        let numbers: Vec<String> = lines.iter().map(|p| p.line.to_string()).collect();
        format!(
            "line{} {} of the archive cannot be read",
            if numbers.len() == 1 { "" } else { "s" },
            numbers.join(", ")
        )
    };
    let entry = match selector {
        Selector::Id(id) => archive.entries.iter().find(|e| e.id == id).ok_or_else(|| {
            let also = if archive.problems.is_empty() {
                String::new()
            } else {
                let all: Vec<_> = archive.problems.iter().collect();
                format!(" ({}; it may be one of them)", unreadable(&all))
            };
            Error::usage_hint(
                format!(
                    "--id {id}: no such entry in the archive {}{also}",
                    path.display()
                ),
                format!("`{}` shows the entries", cyi_command("restore-row --list")),
            )
        })?,
        Selector::Latest {
            correlation_id,
            data_product,
        } => {
            let of_key: Vec<&Entry> = archive
                .entries
                .iter()
                .filter(|e| {
                    e.correlation_id() == correlation_id
                        && e.data_product() == data_product
                        && e.environment == target.environment
                        && e.table == target.table
                })
                .collect();
            let Some(entry) = of_key
                .iter()
                .rev()
                .find(|e| !matches!(e.outcome, Outcome::NotDeleted(_)))
                .copied()
            else {
                let states: Vec<String> = of_key
                    .iter()
                    .map(|e| format!("entry {} {}", display_text(&e.id), e.outcome.label()))
                    .collect();
                let mut found = String::new();
                if !states.is_empty() {
                    found = format!(" (its entries: {})", states.join(", "));
                }
                if !archive.problems.is_empty() {
                    let all: Vec<_> = archive.problems.iter().collect();
                    found.push_str(&format!("; {}", unreadable(&all)));
                }
                return Err(Error::refused(
                    format!(
                        "the archive {} holds no deletion of Correlation_Id {correlation_id:?}, DataProduct {data_product:?} from table {} in {}{found}; nothing restored",
                        path.display(),
                        target.table,
                        target.environment
                    ),
                    Some(format!(
                        "`{}` shows the entries; choose one with --id",
                        cyi_command("restore-row --list")
                    )),
                ));
            };
            // A line that cannot be read may be a newer clear of this very key: the
            // entry found may then be an older version of the row.
            let later = archive.problems_after(entry.line);
            if !later.is_empty() {
                return Err(Error::refused(
                    format!(
                        "the newest readable entry for Correlation_Id {correlation_id:?} is {} (line {}), but {} after it, and may be a newer clear of this row; nothing restored",
                        display_text(&entry.id),
                        entry.line,
                        unreadable(&later)
                    ),
                    Some(format!(
                        "look at those lines of {}; to restore entry {} all the same: {}",
                        path.display(),
                        display_text(&entry.id),
                        display_text(&cyi_command(&format!(
                            "restore-row --id {}",
                            shell_word(&entry.id)
                        )))
                    )),
                ));
            }
            entry
        }
    };
    let from = origin(entry);
    if from != target && into != Some(target.spec().as_str()) {
        let place = if entry.environment != target.environment || entry.table != target.table {
            format!(
                "select its environment: --env {}",
                display_text(&shell_word(&entry.environment))
            )
        } else if entry.account != target.account {
            "check --profile / AWS_PROFILE and the environment's role_arn".to_owned()
        } else {
            format!(
                "select its region: --region {}",
                display_text(&shell_word(&entry.region))
            )
        };
        return Err(Error::refused(
            format!(
                "entry {} was cleared from {}, not {}; nothing restored (to restore it there all the same, pass --into {})",
                display_text(&entry.id),
                display_text(&from.spec()),
                display_text(&target.spec()),
                shell_word(&target.spec())
            ),
            Some(place),
        ));
    }
    if let Outcome::NotDeleted(reason) = &entry.outcome {
        return Err(Error::refused(
            format!(
                "entry {} was never applied (the row was not deleted: {}); there is nothing to restore",
                display_text(&entry.id),
                display_text(reason)
            ),
            None,
        ));
    }
    Ok(entry)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::dynamodb::{self, Item};
    use crate::row::archive::Problem;
    use aws_sdk_dynamodb::types::AttributeValue;
    use chrono::{TimeZone, Utc};

    fn entry(id: &str, cid: &str, outcome: Outcome, env: &str) -> Entry {
        let key = dynamodb::key(cid, "CYI");
        let mut item: Item = key.clone();
        item.insert("Run_Id".into(), AttributeValue::N(id.into()));
        Entry {
            id: id.into(),
            time: Utc.timestamp_opt(1_700_000_000, 0).unwrap(),
            environment: env.into(),
            region: "eu-west-2".into(),
            account: "123456789012".into(),
            table: "t".into(),
            operator: "arn:op".into(),
            key,
            item,
            outcome,
            restored: None,
            line: id.parse().unwrap_or(0),
        }
    }

    fn archive(entries: Vec<Entry>) -> Archive {
        Archive {
            entries,
            problems: vec![],
        }
    }

    fn target() -> Target<'static> {
        Target {
            environment: "dev",
            account: "123456789012",
            region: "eu-west-2",
            table: "t",
        }
    }

    fn latest(cid: &str) -> Selector<'_> {
        Selector::Latest {
            correlation_id: cid,
            data_product: "CYI",
        }
    }

    fn pick<'a>(a: &'a Archive, s: Selector<'_>, t: Target<'_>) -> Result<&'a Entry> {
        choose(a, s, t, None, Path::new("x"))
    }

    #[test]
    fn latest_deletion_or_pending_clear_of_the_key_in_this_environment() {
        let mut entries = vec![
            entry("1", "a", Outcome::Deleted, "dev"),
            entry("2", "a", Outcome::Deleted, "dev"),
            entry("3", "a", Outcome::NotDeleted("changed".into()), "dev"),
            entry("5", "a", Outcome::Deleted, "qa"),
            entry("6", "b", Outcome::Deleted, "dev"),
        ];
        let a = archive(entries.clone());
        assert_eq!(pick(&a, latest("a"), target()).unwrap().id, "2");
        // An interrupted clear newer than the deletion is the newest copy of the row.
        entries.insert(3, entry("4", "a", Outcome::Pending, "dev"));
        let a = archive(entries);
        assert_eq!(pick(&a, latest("a"), target()).unwrap().id, "4");
        let err = pick(&a, latest("c"), target()).unwrap_err();
        assert_eq!(err.exit_code(), 1);
        assert!(
            err.to_string()
                .contains("no deletion of Correlation_Id \"c\""),
            "{err}"
        );
    }

    #[test]
    fn a_key_without_a_deletion_says_what_its_entries_are() {
        let a = archive(vec![entry(
            "3",
            "a",
            Outcome::NotDeleted("changed".into()),
            "dev",
        )]);
        let err = pick(&a, latest("a"), target()).unwrap_err();
        assert!(err.to_string().contains("holds no deletion"), "{err}");
        assert!(err.to_string().contains("entry 3 not deleted"), "{err}");
    }

    #[test]
    fn an_unreadable_line_after_the_newest_entry_refuses_by_correlation_id() {
        let mut a = archive(vec![entry("2", "a", Outcome::Deleted, "dev")]);
        a.problems.push(Problem {
            line: 1,
            what: "older damage".into(),
        });
        assert_eq!(pick(&a, latest("a"), target()).unwrap().id, "2");
        a.problems.push(Problem {
            line: 7,
            what: "EOF while parsing".into(),
        });
        let err = pick(&a, latest("a"), target()).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("line 7 of the archive cannot be read"),
            "{text}"
        );
        assert!(text.contains("nothing restored"), "{text}");
        assert!(err.hint().unwrap().contains("--id 2"), "{err:?}");
        // By id the operator has chosen: it is allowed.
        assert_eq!(pick(&a, Selector::Id("2"), target()).unwrap().id, "2");
        // And a missing id mentions the unreadable lines.
        let err = pick(&a, Selector::Id("9"), target()).unwrap_err();
        assert!(err.to_string().contains("lines 1, 7"), "{err}");
    }

    #[test]
    fn by_id_checks_where_it_came_from_and_that_it_was_applied() {
        let a = archive(vec![
            entry("1", "a", Outcome::Deleted, "qa"),
            entry(
                "2",
                "a",
                Outcome::NotDeleted("the row changed".into()),
                "dev",
            ),
            entry("3", "a", Outcome::Pending, "dev"),
        ]);
        let err = pick(&a, Selector::Id("9"), target()).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(err.to_string().contains("--id 9"), "{err}");
        let err = pick(&a, Selector::Id("1"), target()).unwrap_err();
        assert_eq!(err.exit_code(), 1);
        assert_eq!(err.hint(), Some("select its environment: --env qa"));
        let err = pick(&a, Selector::Id("2"), target()).unwrap_err();
        assert!(err.to_string().contains("never applied"), "{err}");
        assert_eq!(pick(&a, Selector::Id("3"), target()).unwrap().id, "3");
        let other_account = Target {
            account: "210987654321",
            ..target()
        };
        let err = pick(&a, Selector::Id("3"), other_account).unwrap_err();
        assert!(err.to_string().contains("123456789012"), "{err}");
        assert!(err.hint().unwrap().contains("--profile"), "{err:?}");
    }

    #[test]
    fn another_region_is_refused_unless_into_names_it() {
        let a = archive(vec![entry("3", "a", Outcome::Deleted, "dev")]);
        let elsewhere = Target {
            region: "us-east-1",
            ..target()
        };
        let err = pick(&a, Selector::Id("3"), elsewhere).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains(
                "cleared from dev/123456789012/eu-west-2/t, not dev/123456789012/us-east-1/t"
            ),
            "{text}"
        );
        assert!(
            text.contains("--into dev/123456789012/us-east-1/t"),
            "{text}"
        );
        assert_eq!(err.hint(), Some("select its region: --region eu-west-2"));
        let err = pick(&a, latest("a"), elsewhere).unwrap_err();
        assert!(err.to_string().contains("eu-west-2"), "{err}");
        // A flag naming another target does not do.
        let wrong = choose(
            &a,
            Selector::Id("3"),
            elsewhere,
            Some("dev/123456789012/eu-west-2/t"),
            Path::new("x"),
        );
        assert!(wrong.is_err());
        let chosen = choose(
            &a,
            Selector::Id("3"),
            elsewhere,
            Some("dev/123456789012/us-east-1/t"),
            Path::new("x"),
        )
        .unwrap();
        assert_eq!(chosen.id, "3");
        // At home, --into is not needed.
        assert!(pick(&a, Selector::Id("3"), target()).is_ok());
    }
}
