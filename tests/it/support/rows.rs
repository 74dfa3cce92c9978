//! The state table in the sandbox, created and inspected with the SDK (never with cyi's
//! own code), and the local archive as raw JSON lines.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, KeySchemaElement, KeyType,
    ScalarAttributeType,
};
use serde_json::Value;

use super::Sandbox;

pub const TABLE: &str = "data_pipeline_metadata";

pub type Item = HashMap<String, AttributeValue>;

pub fn s(v: &str) -> AttributeValue {
    AttributeValue::S(v.to_owned())
}

pub fn n(v: &str) -> AttributeValue {
    AttributeValue::N(v.to_owned())
}

/// A row as the pipeline writes it.
pub fn row(correlation_id: &str, data_product: &str, status: &str) -> Item {
    HashMap::from([
        ("Correlation_Id".to_owned(), s(correlation_id)),
        ("DataProduct".to_owned(), s(data_product)),
        ("Status".to_owned(), s(status)),
        ("CurrentStep".to_owned(), s("create-hive-tables")),
        ("Run_Id".to_owned(), n("2")),
        ("Date".to_owned(), s("2021-04-01")),
        ("Cluster_Id".to_owned(), s("j-NOTACLUSTER")),
        ("TimeToExist".to_owned(), n("1617840000000")),
        ("S3_Prefix_Snapshots".to_owned(), s("cyi/2021-04-01")),
    ])
}

impl Sandbox {
    pub fn create_table(&self) {
        let attribute = |name: &str| {
            AttributeDefinition::builder()
                .attribute_name(name)
                .attribute_type(ScalarAttributeType::S)
                .build()
                .unwrap()
        };
        let key = |name: &str, kind| {
            KeySchemaElement::builder()
                .attribute_name(name)
                .key_type(kind)
                .build()
                .unwrap()
        };
        self.block_on(
            self.dynamodb()
                .create_table()
                .table_name(TABLE)
                .attribute_definitions(attribute("Correlation_Id"))
                .attribute_definitions(attribute("DataProduct"))
                .key_schema(key("Correlation_Id", KeyType::Hash))
                .key_schema(key("DataProduct", KeyType::Range))
                .billing_mode(BillingMode::PayPerRequest)
                .send(),
        )
        .unwrap();
    }

    pub fn put_row(&self, item: &Item) {
        self.block_on(
            self.dynamodb()
                .put_item()
                .table_name(TABLE)
                .set_item(Some(item.clone()))
                .send(),
        )
        .unwrap();
    }

    pub fn get_row(&self, correlation_id: &str, data_product: &str) -> Option<Item> {
        self.block_on(
            self.dynamodb()
                .get_item()
                .table_name(TABLE)
                .key("Correlation_Id", s(correlation_id))
                .key("DataProduct", s(data_product))
                .consistent_read(true)
                .send(),
        )
        .unwrap()
        .item
    }

    /// Every (Correlation_Id, DataProduct) in the table, sorted.
    pub fn all_keys(&self) -> Vec<(String, String)> {
        let mut keys = Vec::new();
        let mut start = None;
        loop {
            let page = self
                .block_on(
                    self.dynamodb()
                        .scan()
                        .table_name(TABLE)
                        .set_exclusive_start_key(start)
                        .send(),
                )
                .unwrap();
            for item in page.items() {
                let text = |k: &str| item[k].as_s().unwrap().clone();
                keys.push((text("Correlation_Id"), text("DataProduct")));
            }
            start = page.last_evaluated_key;
            if start.is_none() {
                break;
            }
        }
        keys.sort();
        keys
    }

    /// Where cyi keeps its archive by default in this sandbox ($XDG_STATE_HOME).
    pub fn archive_path(&self) -> PathBuf {
        self.home().join("state/cyi/archive.jsonl")
    }

    /// How many calls of these operations were recorded.
    pub fn count_of(&self, operations: &[&str]) -> usize {
        self.calls()
            .iter()
            .filter(|c| operations.contains(&c.operation.as_str()))
            .count()
    }
}

/// The archive's lines, parsed; empty when the file does not exist.
pub fn archive_lines(path: &Path) -> Vec<Value> {
    match std::fs::read_to_string(path) {
        Ok(text) => text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect(),
        Err(_) => Vec::new(),
    }
}
