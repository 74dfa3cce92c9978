//! The state table: typed reads and conditional writes, and the DynamoDB JSON form of
//! items (`{"Run_Id":{"N":"2"}}`) used by the local archive.
//!
//! Keys, conditions and filters are built only from typed [`AttributeValue`] maps and
//! expression placeholders (`#n0`, `:v0`): a value is never spliced into an expression,
//! so any correlation id (quotes, `$(...)`, newlines, unicode) is sent exactly as typed.

use std::collections::{BTreeMap, HashMap};

use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue, ReturnValuesOnConditionCheckFailure};
use aws_smithy_types::Blob;
use serde_json::{Map, Value};

use super::{Aws, aws_error};
use crate::error::Result;

/// One item, as the SDK gives it.
pub type Item = HashMap<String, AttributeValue>;

/// The table's hash key.
pub const HASH_KEY: &str = "Correlation_Id";
/// The table's range key.
pub const RANGE_KEY: &str = "DataProduct";

/// The key of one run's row.
pub fn key(correlation_id: &str, data_product: &str) -> Item {
    HashMap::from([
        (
            HASH_KEY.to_owned(),
            AttributeValue::S(correlation_id.to_owned()),
        ),
        (
            RANGE_KEY.to_owned(),
            AttributeValue::S(data_product.to_owned()),
        ),
    ])
}

/// A condition or filter expression with its placeholder maps.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Expression {
    pub text: String,
    pub names: HashMap<String, String>,
    pub values: HashMap<String, AttributeValue>,
}

impl Expression {
    fn name(&mut self, attribute: &str) -> String {
        let placeholder = format!("#n{}", self.names.len());
        self.names.insert(placeholder.clone(), attribute.to_owned());
        placeholder
    }

    fn value(&mut self, value: AttributeValue) -> String {
        let placeholder = format!(":v{}", self.values.len());
        self.values.insert(placeholder.clone(), value);
        placeholder
    }

    fn and(&mut self, clause: String) {
        if !self.text.is_empty() {
            self.text.push_str(" AND ");
        }
        self.text.push_str(&clause);
    }

    fn values_or_none(&self) -> Option<HashMap<String, AttributeValue>> {
        (!self.values.is_empty()).then(|| self.values.clone())
    }
}

/// "Every attribute of `item` still has exactly this value." An attribute added to the
/// row after it was read is not detected: DynamoDB has no "no other attributes"
/// condition, and the writers of this table only ever change the attributes a run row
/// already has (Status, CurrentStep, Run_Id, Cluster_Id, ...), which this covers.
pub fn unchanged_condition(item: &Item) -> Expression {
    let mut expr = Expression::default();
    let mut names: Vec<&String> = item.keys().collect();
    names.sort();
    for name in names {
        let placeholder = expr.name(name);
        let clause = match &item[name] {
            // NULL has one value; what matters is that the attribute is still NULL.
            AttributeValue::Null(_) => {
                let kind = expr.value(AttributeValue::S("NULL".to_owned()));
                format!("attribute_type({placeholder}, {kind})")
            }
            value => {
                let value = expr.value(value.clone());
                format!("{placeholder} = {value}")
            }
        };
        expr.and(clause);
    }
    expr
}

/// "No row with this key exists."
pub fn absent_condition() -> Expression {
    let mut expr = Expression::default();
    let placeholder = expr.name(HASH_KEY);
    expr.and(format!("attribute_not_exists({placeholder})"));
    expr
}

/// The filter of `cyi rows`: this data product, and optionally this status.
pub fn rows_filter(data_product: &str, status: Option<&str>) -> Expression {
    let mut expr = Expression::default();
    let name = expr.name(RANGE_KEY);
    let value = expr.value(AttributeValue::S(data_product.to_owned()));
    expr.and(format!("{name} = {value}"));
    if let Some(status) = status {
        // `Status` is a DynamoDB reserved word: it can only be named through a placeholder.
        let name = expr.name("Status");
        let value = expr.value(AttributeValue::S(status.to_owned()));
        expr.and(format!("{name} = {value}"));
    }
    expr
}

/// GetItem with a consistent read: the row as it is now, not as a replica last saw it.
pub async fn get(aws: &Aws, table: &str, key: &Item) -> Result<Option<Item>> {
    let out = aws
        .dynamodb
        .get_item()
        .table_name(table)
        .set_key(Some(key.clone()))
        .consistent_read(true)
        .send()
        .await
        .map_err(|e| aws_error("dynamodb:GetItem", e))?;
    Ok(out.item.filter(|item| !item.is_empty()))
}

/// The run-state row of one correlation id and data product, read consistently;
/// None when there is no such row.
pub async fn state_row(
    aws: &Aws,
    table: &str,
    correlation_id: &str,
    data_product: &str,
) -> Result<Option<Item>> {
    get(aws, table, &key(correlation_id, data_product)).await
}

/// What a conditional write did.
#[derive(Debug, Clone, PartialEq)]
pub enum Written {
    /// Done; for a delete, the item as it was removed.
    Done(Option<Item>),
    /// The condition did not hold; nothing was written.
    ConditionFailed,
    /// A delete's condition did not hold because the row is gone: someone else deleted
    /// it at the same moment, or an earlier attempt of this very call did and its
    /// answer was lost (the SDK retries a call that got no answer).
    Gone,
}

/// DeleteItem on the condition that the row is still exactly `shown`.
pub async fn delete_if_unchanged(
    aws: &Aws,
    table: &str,
    key: &Item,
    shown: &Item,
) -> Result<Written> {
    let condition = unchanged_condition(shown);
    let answer = aws
        .dynamodb
        .delete_item()
        .table_name(table)
        .set_key(Some(key.clone()))
        .condition_expression(&condition.text)
        .set_expression_attribute_names(Some(condition.names.clone()))
        .set_expression_attribute_values(condition.values_or_none())
        .return_values(ReturnValue::AllOld)
        .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
        .send()
        .await;
    match answer {
        Ok(out) => Ok(Written::Done(out.attributes)),
        Err(err) => match err.as_service_error() {
            Some(
                aws_sdk_dynamodb::operation::delete_item::DeleteItemError::ConditionalCheckFailedException(
                    failed,
                ),
            ) => Ok(if failed.item().is_none_or(HashMap::is_empty) {
                Written::Gone
            } else {
                Written::ConditionFailed
            }),
            _ => Err(aws_error("dynamodb:DeleteItem", err)),
        },
    }
}

/// PutItem on the condition that no row with the item's key exists.
pub async fn put_if_absent(aws: &Aws, table: &str, item: &Item) -> Result<Written> {
    let condition = absent_condition();
    let answer = aws
        .dynamodb
        .put_item()
        .table_name(table)
        .set_item(Some(item.clone()))
        .condition_expression(&condition.text)
        .set_expression_attribute_names(Some(condition.names.clone()))
        .set_expression_attribute_values(condition.values_or_none())
        .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
        .send()
        .await;
    match answer {
        Ok(_) => Ok(Written::Done(None)),
        Err(err) => match err.as_service_error() {
            // The row there now is exactly the one being put: an earlier attempt of
            // this call wrote it and its answer was lost. The end state is the one
            // asked for.
            Some(
                aws_sdk_dynamodb::operation::put_item::PutItemError::ConditionalCheckFailedException(
                    failed,
                ),
            ) if failed.item() == Some(item) => Ok(Written::Done(None)),
            Some(
                aws_sdk_dynamodb::operation::put_item::PutItemError::ConditionalCheckFailedException(
                    _,
                ),
            ) => Ok(Written::ConditionFailed),
            _ => Err(aws_error("dynamodb:PutItem", err)),
        },
    }
}

/// Scan with a filter, following `LastEvaluatedKey` to the last page. (Listing a data
/// product's rows cannot be a Query: the hash key is the correlation id.)
pub async fn scan_all(aws: &Aws, table: &str, filter: &Expression) -> Result<Vec<Item>> {
    let mut items = Vec::new();
    let mut start = None;
    loop {
        let page = aws
            .dynamodb
            .scan()
            .table_name(table)
            .filter_expression(&filter.text)
            .set_expression_attribute_names(Some(filter.names.clone()))
            .set_expression_attribute_values(filter.values_or_none())
            .set_exclusive_start_key(start)
            .send()
            .await
            .map_err(|e| aws_error("dynamodb:Scan", e))?;
        items.extend(page.items.unwrap_or_default());
        start = page.last_evaluated_key.filter(|k| !k.is_empty());
        if start.is_none() {
            return Ok(items);
        }
    }
}

/// A string attribute's value.
pub fn string<'a>(item: &'a Item, name: &str) -> Option<&'a str> {
    match item.get(name) {
        Some(AttributeValue::S(s)) => Some(s),
        _ => None,
    }
}

/// A number attribute's value, as DynamoDB sends it (a decimal string).
pub fn number<'a>(item: &'a Item, name: &str) -> Option<&'a str> {
    match item.get(name) {
        Some(AttributeValue::N(n)) => Some(n),
        _ => None,
    }
}

/// One attribute value in DynamoDB JSON: `{"S":"x"}`, `{"N":"2"}`, `{"B":"<base64>"}`...
pub fn to_json(value: &AttributeValue) -> Value {
    let blob = |b: &Blob| Value::String(aws_smithy_types::base64::encode(b.as_ref()));
    let strings = |v: &[String]| Value::Array(v.iter().cloned().map(Value::String).collect());
    let (tag, inner) = match value {
        AttributeValue::S(s) => ("S", Value::String(s.clone())),
        AttributeValue::N(n) => ("N", Value::String(n.clone())),
        AttributeValue::B(b) => ("B", blob(b)),
        AttributeValue::Bool(b) => ("BOOL", Value::Bool(*b)),
        AttributeValue::Null(b) => ("NULL", Value::Bool(*b)),
        AttributeValue::M(m) => ("M", item_to_json(m)),
        AttributeValue::L(l) => ("L", Value::Array(l.iter().map(to_json).collect())),
        AttributeValue::Ss(v) => ("SS", strings(v)),
        AttributeValue::Ns(v) => ("NS", strings(v)),
        AttributeValue::Bs(v) => ("BS", Value::Array(v.iter().map(blob).collect())),
        // A type newer than this SDK: keep the fact rather than invent a value.
        _ => ("UNKNOWN", Value::Null),
    };
    Value::Object(Map::from_iter([(tag.to_owned(), inner)]))
}

/// An item in DynamoDB JSON, attributes in name order.
pub fn item_to_json(item: &HashMap<String, AttributeValue>) -> Value {
    let sorted: BTreeMap<&String, Value> = item.iter().map(|(k, v)| (k, to_json(v))).collect();
    Value::Object(sorted.into_iter().map(|(k, v)| (k.clone(), v)).collect())
}

/// The inverse of [`to_json`]; the error names what is wrong.
pub fn from_json(value: &Value) -> std::result::Result<AttributeValue, String> {
    let Some((tag, inner)) = value
        .as_object()
        .filter(|o| o.len() == 1)
        .and_then(|o| o.iter().next())
    else {
        return Err(format!(
            "expected one {{\"TYPE\": value}} pair, found {value}"
        ));
    };
    let text = |v: &Value| {
        v.as_str()
            .map(str::to_owned)
            .ok_or_else(|| format!("{tag} needs a string, found {v}"))
    };
    let texts = |v: &Value| -> std::result::Result<Vec<String>, String> {
        v.as_array()
            .ok_or_else(|| format!("{tag} needs a list, found {v}"))?
            .iter()
            .map(text)
            .collect()
    };
    let blob = |v: &Value| -> std::result::Result<Blob, String> {
        let encoded = text(v)?;
        aws_smithy_types::base64::decode(&encoded)
            .map(Blob::new)
            .map_err(|e| format!("{tag} is not base64 ({e})"))
    };
    let flag = |v: &Value| {
        v.as_bool()
            .ok_or_else(|| format!("{tag} needs true or false, found {v}"))
    };
    Ok(match tag.as_str() {
        "S" => AttributeValue::S(text(inner)?),
        "N" => AttributeValue::N(text(inner)?),
        "B" => AttributeValue::B(blob(inner)?),
        "BOOL" => AttributeValue::Bool(flag(inner)?),
        "NULL" => AttributeValue::Null(flag(inner)?),
        "M" => AttributeValue::M(item_from_json(inner)?),
        "L" => AttributeValue::L(
            inner
                .as_array()
                .ok_or_else(|| format!("L needs a list, found {inner}"))?
                .iter()
                .map(from_json)
                .collect::<std::result::Result<_, _>>()?,
        ),
        "SS" => AttributeValue::Ss(texts(inner)?),
        "NS" => AttributeValue::Ns(texts(inner)?),
        "BS" => AttributeValue::Bs(
            inner
                .as_array()
                .ok_or_else(|| format!("BS needs a list, found {inner}"))?
                .iter()
                .map(blob)
                .collect::<std::result::Result<_, _>>()?,
        ),
        other => return Err(format!("unknown DynamoDB type '{other}'")),
    })
}

/// The inverse of [`item_to_json`].
pub fn item_from_json(value: &Value) -> std::result::Result<Item, String> {
    value
        .as_object()
        .ok_or_else(|| format!("an item must be a JSON object, found {value}"))?
        .iter()
        .map(|(name, v)| {
            from_json(v)
                .map(|av| (name.clone(), av))
                .map_err(|e| format!("attribute '{name}': {e}"))
        })
        .collect()
}

/// The type tag of a value (`S`, `N`, `M`...), for display.
pub fn type_tag(value: &AttributeValue) -> &'static str {
    match value {
        AttributeValue::S(_) => "S",
        AttributeValue::N(_) => "N",
        AttributeValue::B(_) => "B",
        AttributeValue::Bool(_) => "BOOL",
        AttributeValue::Null(_) => "NULL",
        AttributeValue::M(_) => "M",
        AttributeValue::L(_) => "L",
        AttributeValue::Ss(_) => "SS",
        AttributeValue::Ns(_) => "NS",
        AttributeValue::Bs(_) => "BS",
        _ => "UNKNOWN",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn every_type() -> Item {
        HashMap::from([
            (
                "s".to_owned(),
                AttributeValue::S("a \"q\" $(x)\n日本".into()),
            ),
            ("n".to_owned(), AttributeValue::N("2".into())),
            ("big".to_owned(), AttributeValue::N("1700000000000".into())),
            (
                "b".to_owned(),
                AttributeValue::B(Blob::new(vec![0u8, 255, 10])),
            ),
            ("t".to_owned(), AttributeValue::Bool(true)),
            ("f".to_owned(), AttributeValue::Bool(false)),
            ("z".to_owned(), AttributeValue::Null(true)),
            (
                "m".to_owned(),
                AttributeValue::M(HashMap::from([
                    ("inner".to_owned(), AttributeValue::N("1.5".into())),
                    (
                        "deep".to_owned(),
                        AttributeValue::L(vec![AttributeValue::S("x".into())]),
                    ),
                ])),
            ),
            (
                "l".to_owned(),
                AttributeValue::L(vec![
                    AttributeValue::N("3".into()),
                    AttributeValue::S("3".into()),
                    AttributeValue::Null(true),
                ]),
            ),
            (
                "ss".to_owned(),
                AttributeValue::Ss(vec!["a".into(), "b".into()]),
            ),
            (
                "ns".to_owned(),
                AttributeValue::Ns(vec!["1".into(), "2.5".into()]),
            ),
            (
                "bs".to_owned(),
                AttributeValue::Bs(vec![Blob::new(b"x".to_vec()), Blob::new(vec![])]),
            ),
            ("empty_m".to_owned(), AttributeValue::M(HashMap::new())),
            ("empty_l".to_owned(), AttributeValue::L(vec![])),
        ])
    }

    #[test]
    fn every_type_round_trips_through_json() {
        let item = every_type();
        let json = item_to_json(&item);
        // Through text as well, as the archive stores it.
        let reread: Value = serde_json::from_str(&json.to_string()).unwrap();
        assert_eq!(item_from_json(&reread).unwrap(), item);
    }

    #[test]
    fn json_form_is_dynamodbs() {
        let json = item_to_json(&every_type());
        assert_eq!(json["n"], json!({"N": "2"}));
        assert_eq!(json["s"], json!({"S": "a \"q\" $(x)\n日本"}));
        assert_eq!(json["b"], json!({"B": "AP8K"}));
        assert_eq!(json["t"], json!({"BOOL": true}));
        assert_eq!(json["z"], json!({"NULL": true}));
        assert_eq!(json["m"]["M"]["inner"], json!({"N": "1.5"}));
        assert_eq!(json["l"]["L"][1], json!({"S": "3"}));
        assert_eq!(json["ss"], json!({"SS": ["a", "b"]}));
        assert_eq!(json["ns"], json!({"NS": ["1", "2.5"]}));
        assert_eq!(json["bs"], json!({"BS": ["eA==", ""]}));
    }

    #[test]
    fn bad_json_is_named() {
        let err = item_from_json(&json!({"Run_Id": {"N": 2}})).unwrap_err();
        assert!(
            err.contains("Run_Id") && err.contains("N needs a string"),
            "{err}"
        );
        let err = item_from_json(&json!({"x": {"Q": "1"}})).unwrap_err();
        assert!(err.contains("unknown DynamoDB type 'Q'"), "{err}");
        let err = item_from_json(&json!({"x": {"S": "1", "N": "1"}})).unwrap_err();
        assert!(err.contains("one {\"TYPE\": value} pair"), "{err}");
        assert!(item_from_json(&json!({"x": {"B": "not base64!"}})).is_err());
        assert!(item_from_json(&json!([])).is_err());
    }

    #[test]
    fn unchanged_condition_names_every_attribute_through_placeholders() {
        let item = HashMap::from([
            ("Status".to_owned(), AttributeValue::S("FAILED".into())),
            ("Run_Id".to_owned(), AttributeValue::N("2".into())),
            ("Gone".to_owned(), AttributeValue::Null(true)),
            (
                "Correlation_Id".to_owned(),
                AttributeValue::S("it's \"x\"".into()),
            ),
        ]);
        let expr = unchanged_condition(&item);
        assert_eq!(
            expr.text,
            "#n0 = :v0 AND attribute_type(#n1, :v1) AND #n2 = :v2 AND #n3 = :v3"
        );
        assert_eq!(expr.names["#n0"], "Correlation_Id");
        assert_eq!(expr.names["#n1"], "Gone");
        assert_eq!(expr.names["#n2"], "Run_Id");
        assert_eq!(expr.names["#n3"], "Status");
        assert_eq!(expr.values[":v0"], AttributeValue::S("it's \"x\"".into()));
        assert_eq!(expr.values[":v1"], AttributeValue::S("NULL".into()));
        assert_eq!(expr.values[":v2"], AttributeValue::N("2".into()));
        assert!(!expr.text.contains("it's"), "values never enter the text");
    }

    #[test]
    fn rows_filter_uses_a_placeholder_for_the_reserved_word() {
        let expr = rows_filter("CYI", Some("FAILED"));
        assert_eq!(expr.text, "#n0 = :v0 AND #n1 = :v1");
        assert_eq!(expr.names["#n1"], "Status");
        assert_eq!(expr.values[":v1"], AttributeValue::S("FAILED".into()));
        let expr = rows_filter("CYI", None);
        assert_eq!(expr.text, "#n0 = :v0");
        assert_eq!(expr.names.len(), 1);
    }

    #[test]
    fn absent_condition_is_on_the_hash_key() {
        let expr = absent_condition();
        assert_eq!(expr.text, "attribute_not_exists(#n0)");
        assert_eq!(expr.names["#n0"], HASH_KEY);
        assert!(expr.values_or_none().is_none());
    }

    #[test]
    fn key_is_typed() {
        let k = key("a'b", "CYI");
        assert_eq!(k[HASH_KEY], AttributeValue::S("a'b".into()));
        assert_eq!(k[RANGE_KEY], AttributeValue::S("CYI".into()));
    }
}
