//! The run-state row: how one row of `data_pipeline_metadata` is viewed, ordered and
//! displayed, wherever a command shows it; its status; clearing it (`clear`), the
//! local archive of cleared rows (`archive`) and putting one back (`restore`).

pub mod archive;
pub mod clear;
pub mod restore;
mod status;

pub use status::RowStatus;

use std::cmp::Ordering;

use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;

use crate::aws::dynamodb::{self, Item};
use crate::text::{display_text, time};

/// The attributes operators look at first, in this order; the rest follow by name.
pub const FIRST_ATTRIBUTES: [&str; 5] = ["Status", "CurrentStep", "Run_Id", "Date", "Cluster_Id"];

/// One row as `cyi rows` shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RowView {
    pub correlation_id: String,
    pub data_product: String,
    pub status: Option<String>,
    pub current_step: Option<String>,
    pub run_id: Option<serde_json::Number>,
    pub date: Option<String>,
    pub cluster_id: Option<String>,
    pub time_to_exist: Option<DateTime<Utc>>,
}

impl RowView {
    /// The cells operators read first, in table order: CORRELATION_ID, STATUS,
    /// CURRENT_STEP, RUN_ID, DATE, CLUSTER_ID.
    pub fn cells(&self) -> Vec<String> {
        let text = |v: &Option<String>| v.as_deref().map(display_text).unwrap_or_default();
        vec![
            display_text(&self.correlation_id),
            self.status_cell(),
            text(&self.current_step),
            self.run_id
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            text(&self.date),
            text(&self.cluster_id),
        ]
    }

    /// The status as data (any case); None when the row has no `Status`.
    pub fn row_status(&self) -> Option<RowStatus> {
        self.status.as_deref().map(RowStatus::parse)
    }

    /// The Status as written, or `unknown "value"` when the pipeline does not write it.
    pub fn status_cell(&self) -> String {
        match self.status.as_deref().map(RowStatus::parse) {
            Some(unknown @ RowStatus::Unknown(_)) => unknown.to_string(),
            Some(_) => self.status.as_deref().map(display_text).unwrap_or_default(),
            None => String::new(),
        }
    }

    pub fn of(item: &Item) -> RowView {
        let text = |name| dynamodb::string(item, name).map(str::to_owned);
        RowView {
            correlation_id: text(dynamodb::HASH_KEY).unwrap_or_default(),
            data_product: text(dynamodb::RANGE_KEY).unwrap_or_default(),
            status: text("Status"),
            current_step: text("CurrentStep"),
            run_id: dynamodb::number(item, "Run_Id").and_then(|n| n.parse().ok()),
            date: text("Date"),
            cluster_id: text("Cluster_Id"),
            time_to_exist: dynamodb::number(item, "TimeToExist").and_then(epoch_millis),
        }
    }
}

/// Newest first: by export Date, then Run_Id, then TimeToExist (all descending; a row
/// lacking one sorts after rows that have it), then correlation id for a stable order.
pub fn newest_first(a: &RowView, b: &RowView) -> Ordering {
    fn desc<T: PartialOrd>(a: Option<T>, b: Option<T>) -> Ordering {
        match (a, b) {
            (Some(a), Some(b)) => b.partial_cmp(&a).unwrap_or(Ordering::Equal),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        }
    }
    desc(a.date.as_deref(), b.date.as_deref())
        .then_with(|| {
            desc(
                a.run_id.as_ref().and_then(serde_json::Number::as_f64),
                b.run_id.as_ref().and_then(serde_json::Number::as_f64),
            )
        })
        .then_with(|| desc(a.time_to_exist, b.time_to_exist))
        .then_with(|| a.correlation_id.cmp(&b.correlation_id))
}

pub fn ordered(item: &Item) -> Vec<(&String, &AttributeValue)> {
    let rank = |name: &str| {
        FIRST_ATTRIBUTES
            .iter()
            .position(|f| *f == name)
            .unwrap_or(FIRST_ATTRIBUTES.len())
    };
    let mut attributes: Vec<_> = item.iter().collect();
    attributes.sort_by(|(a, _), (b, _)| rank(a).cmp(&rank(b)).then_with(|| a.cmp(b)));
    attributes
}

/// A value as an operator reads it; `TimeToExist` (epoch milliseconds) also as a date.
pub fn display_value(name: &str, value: &AttributeValue) -> String {
    match value {
        AttributeValue::S(s) => display_text(s),
        AttributeValue::N(n) if name == "TimeToExist" => match epoch_millis(n) {
            Some(at) => format!("{n} ({})", time(at)),
            None => n.clone(),
        },
        AttributeValue::N(n) => n.clone(),
        AttributeValue::Bool(b) => b.to_string(),
        AttributeValue::Null(_) => "null".to_owned(),
        other => {
            let json = dynamodb::to_json(other);
            json.as_object()
                .and_then(|o| o.values().next())
                .map(Value::to_string)
                .unwrap_or_default()
        }
    }
}

pub fn epoch_millis(n: &str) -> Option<DateTime<Utc>> {
    n.parse::<i64>()
        .ok()
        .and_then(DateTime::from_timestamp_millis)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn row(status: &str, cluster: Option<&str>) -> Item {
        let mut item = dynamodb::key("run-1", "CYI");
        item.insert("Status".into(), AttributeValue::S(status.into()));
        item.insert("Run_Id".into(), AttributeValue::N("2".into()));
        if let Some(id) = cluster {
            item.insert("Cluster_Id".into(), AttributeValue::S(id.into()));
        }
        item
    }

    #[test]
    fn attributes_are_shown_first_ones_first_then_by_name() {
        let mut item = row("FAILED", Some("j-ABC"));
        for (k, v) in [
            ("Date", "2021-04-01"),
            ("CurrentStep", "hive"),
            ("Aaa", "x"),
        ] {
            item.insert(k.into(), AttributeValue::S(v.into()));
        }
        let names: Vec<&str> = ordered(&item).iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            names,
            [
                "Status",
                "CurrentStep",
                "Run_Id",
                "Date",
                "Cluster_Id",
                "Aaa",
                "Correlation_Id",
                "DataProduct"
            ]
        );
    }

    #[test]
    fn values_display_for_people() {
        assert_eq!(
            display_value("TimeToExist", &AttributeValue::N("1700000000000".into())),
            "1700000000000 (2023-11-14 22:13:20 UTC)"
        );
        assert_eq!(display_value("Run_Id", &AttributeValue::N("2".into())), "2");
        assert_eq!(
            display_value("x", &AttributeValue::S("a\nb".into())),
            "\"a\\nb\""
        );
        assert_eq!(
            display_value("x", &AttributeValue::S("日本 'q'".into())),
            "日本 'q'"
        );
        assert_eq!(display_value("x", &AttributeValue::Null(true)), "null");
        assert_eq!(
            display_value("x", &AttributeValue::Ss(vec!["a".into()])),
            "[\"a\"]"
        );
        assert_eq!(
            display_value(
                "x",
                &AttributeValue::M(HashMap::from([("k".into(), AttributeValue::N("1".into()))]))
            ),
            "{\"k\":{\"N\":\"1\"}}"
        );
    }

    fn view(cid: &str, date: Option<&str>, run: Option<&str>, ttl: Option<&str>) -> RowView {
        let mut item = dynamodb::key(cid, "CYI");
        if let Some(d) = date {
            item.insert("Date".into(), AttributeValue::S(d.into()));
        }
        if let Some(r) = run {
            item.insert("Run_Id".into(), AttributeValue::N(r.into()));
        }
        if let Some(t) = ttl {
            item.insert("TimeToExist".into(), AttributeValue::N(t.into()));
        }
        RowView::of(&item)
    }

    #[test]
    fn newest_date_then_highest_run_then_latest_expiry() {
        let mut rows = [
            view("old", Some("2021-03-01"), Some("9"), None),
            view("none", None, None, None),
            view("run2", Some("2021-04-01"), Some("2"), None),
            view("run10", Some("2021-04-01"), Some("10"), None),
            view(
                "ttl-late",
                Some("2021-04-01"),
                Some("2"),
                Some("1700000000000"),
            ),
            view("no-date", None, Some("50"), None),
        ];
        rows.sort_by(newest_first);
        let order: Vec<&str> = rows.iter().map(|r| r.correlation_id.as_str()).collect();
        assert_eq!(
            order,
            ["run10", "ttl-late", "run2", "old", "no-date", "none"]
        );
    }

    #[test]
    fn an_unknown_status_is_shown_as_such_and_known_ones_as_written() {
        let cell = |status: &str| {
            let mut item = dynamodb::key("c", "CYI");
            item.insert("Status".into(), AttributeValue::S(status.into()));
            RowView::of(&item).status_cell()
        };
        assert_eq!(cell("FAILED"), "FAILED");
        assert_eq!(cell("in_progress"), "in_progress");
        assert_eq!(cell("DONE"), "unknown \"DONE\"");
        assert_eq!(cell("FAILED\u{1b}[2J"), "unknown \"FAILED\\u{1b}[2J\"");
        assert_eq!(RowView::of(&dynamodb::key("c", "CYI")).status_cell(), "");
    }

    #[test]
    fn view_reads_the_pipeline_attributes() {
        let mut item = dynamodb::key("c", "CYI");
        item.insert("Status".into(), AttributeValue::S("FAILED".into()));
        item.insert("Run_Id".into(), AttributeValue::N("3".into()));
        item.insert(
            "TimeToExist".into(),
            AttributeValue::N("1700000000000".into()),
        );
        let row = RowView::of(&item);
        assert_eq!(row.status.as_deref(), Some("FAILED"));
        let json = serde_json::to_value(&row).unwrap();
        assert_eq!(json["run_id"], 3);
        assert_eq!(json["time_to_exist"], "2023-11-14T22:13:20Z");
        assert_eq!(json["cluster_id"], serde_json::Value::Null);
    }
}
