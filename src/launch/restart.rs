//! How a run starts again (`cyi restart`): the export date its state row records and
//! the step it resumes from, or a fresh start from the first step.

use crate::aws::dynamodb::{self, Item};
use crate::error::{Error, Result};
use crate::row::RowStatus;
use crate::text::{cyi_command, shell_word};
use crate::types::Day;

/// What the row says about the restart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestartDecision {
    pub export_date: Day,
    pub row_status: Option<String>,
    /// The step a resumed run starts from; None for a fresh start.
    pub resumes_from: Option<String>,
    pub run_id: Option<String>,
}

/// Pure: the export date and the starting step, from the row; a row without a usable
/// Date is refused.
pub fn decide(item: &Item, correlation_id: &str, fresh: bool) -> Result<RestartDecision> {
    let hint = || {
        Some(format!(
            "start the run with an explicit date: {}",
            cyi_command(&format!(
                "start-cluster --export-date YYYY-MM-DD --correlation-id {}",
                shell_word(correlation_id)
            ))
        ))
    };
    let export_date = match item.get("Date") {
        None => {
            return Err(Error::refused(
                "the row has no Date, so its export date is unknown; nothing was changed",
                hint(),
            ));
        }
        Some(value) => value
            .as_s()
            .ok()
            .and_then(|d| d.parse::<Day>().ok())
            .ok_or_else(|| {
                Error::refused(
                    format!(
                        "the row's Date {} is not a YYYY-MM-DD date; nothing was changed",
                        crate::row::display_value("Date", value)
                    ),
                    hint(),
                )
            })?,
    };
    let row_status = dynamodb::string(item, "Status").map(str::to_owned);
    let resumes_from = if fresh {
        None
    } else {
        dynamodb::string(item, "CurrentStep").map(str::to_owned)
    };
    Ok(RestartDecision {
        export_date,
        row_status,
        resumes_from,
        run_id: dynamodb::number(item, "Run_Id").map(str::to_owned),
    })
}

/// The line that says what the restart will do.
pub fn summary(plan: &RestartDecision, fresh: bool) -> String {
    // As data: the pipeline's name in any case, anything else quoted and escaped.
    let status = plan
        .row_status
        .as_deref()
        .map_or("without a Status".to_owned(), |s| {
            RowStatus::parse(s).to_string()
        });
    if fresh {
        format!(
            "Fresh restart: the row ({status}) is cleared (archived first), then the cluster is launched for export date {} (the row's Date) and runs from the first step.",
            plan.export_date
        )
    } else {
        format!(
            "Resume: the row is {status}{}; the cluster is launched for export date {} (the row's Date) and resumes from step {}.",
            plan.run_id
                .as_deref()
                .map_or(String::new(), |n| format!(" after run {n}")),
            plan.export_date,
            plan.resumes_from.as_deref().map_or(
                "(none recorded: the first)".to_owned(),
                crate::text::display_text
            )
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_dynamodb::types::AttributeValue;

    fn item(date: Option<AttributeValue>) -> Item {
        let mut item = dynamodb::key("r", "CYI");
        item.insert("Status".into(), AttributeValue::S("FAILED".into()));
        item.insert("CurrentStep".into(), AttributeValue::S("run-cyi".into()));
        item.insert("Run_Id".into(), AttributeValue::N("2".into()));
        if let Some(d) = date {
            item.insert("Date".into(), d);
        }
        item
    }

    #[test]
    fn resume_takes_the_rows_date_and_step() {
        let p = decide(
            &item(Some(AttributeValue::S("2021-04-01".into()))),
            "r",
            false,
        )
        .unwrap();
        assert_eq!(p.export_date.to_string(), "2021-04-01");
        assert_eq!(p.resumes_from.as_deref(), Some("run-cyi"));
        assert_eq!(
            summary(&p, false),
            "Resume: the row is FAILED after run 2; the cluster is launched for export date 2021-04-01 (the row's Date) and resumes from step run-cyi."
        );
        let p = decide(
            &item(Some(AttributeValue::S("2021-04-01".into()))),
            "r",
            true,
        )
        .unwrap();
        assert_eq!(p.resumes_from, None);
        assert!(summary(&p, true).starts_with("Fresh restart: the row (FAILED) is cleared"));
    }

    #[test]
    fn the_status_is_named_as_data_in_any_case() {
        let mut it = item(Some(AttributeValue::S("2021-04-01".into())));
        it.insert("Status".into(), AttributeValue::S("failed".into()));
        let p = decide(&it, "r", false).unwrap();
        assert!(
            summary(&p, false).starts_with("Resume: the row is FAILED after run 2;"),
            "{}",
            summary(&p, false)
        );
        it.insert("Status".into(), AttributeValue::S("DONE\u{1b}[2J".into()));
        let p = decide(&it, "r", true).unwrap();
        assert!(
            summary(&p, true).starts_with("Fresh restart: the row (unknown \"DONE\\u{1b}[2J\") is"),
            "{}",
            summary(&p, true)
        );
    }

    #[test]
    fn a_row_without_a_usable_date_is_refused_with_the_way_out() {
        for date in [
            None,
            Some(AttributeValue::S("01/04/2021".into())),
            Some(AttributeValue::N("20210401".into())),
        ] {
            let err = decide(&item(date.clone()), "run 1", false).unwrap_err();
            assert_eq!(err.exit_code(), 1, "{date:?}");
            assert!(err.to_string().contains("Date"), "{err}");
            assert!(
                err.hint().unwrap().contains("--correlation-id 'run 1'"),
                "{:?}",
                err.hint()
            );
        }
    }
}
