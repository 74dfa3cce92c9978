//! The launch lock: one item in the state table, written with a conditional PutItem,
//! so that two `cyi start-cluster` runs for the same correlation id cannot both call
//! RunJobFlow. EMR has no idempotency token for RunJobFlow, and a check for a tagged
//! cluster just before launch still leaves a window between the check and the launch.
//!
//! The lock is taken after the confirmation, held across the last check and the
//! RunJobFlow call, and deleted afterwards. A run that dies holding it leaves an item
//! that stops counting after [`LOCK_TTL`]. The item's key uses its own DataProduct
//! (`<data product>#start-cluster-lock`), so the run's state row is never touched.

use std::time::Duration;

use aws_sdk_dynamodb::operation::put_item::PutItemError;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValuesOnConditionCheckFailure};
use chrono::{DateTime, Utc};

use crate::aws::{Aws, aws_error};
use crate::error::{Error, Result};

/// Long enough for the last check and RunJobFlow with all their retries.
pub const LOCK_TTL: Duration = Duration::from_secs(600);

pub fn lock_product(data_product: &str) -> String {
    format!("{data_product}#start-cluster-lock")
}

/// A held lock; [`Lock::release`] deletes it.
pub struct Lock {
    table: String,
    correlation_id: String,
    product: String,
    owner: String,
}

/// Takes the lock for `correlation_id`, or refuses when another run holds it.
pub async fn acquire(
    aws: &Aws,
    table: &str,
    data_product: &str,
    correlation_id: &str,
    now: DateTime<Utc>,
) -> Result<Lock> {
    let product = lock_product(data_product);
    let owner = format!(
        "{}-{}-{}",
        std::env::var("USER").unwrap_or_else(|_| "cyi".into()),
        std::process::id(),
        now.timestamp_nanos_opt().unwrap_or_default()
    );
    let ttl = chrono::Duration::from_std(LOCK_TTL).unwrap_or_default();
    let expires = now + ttl;
    let answer = aws
        .dynamodb
        .put_item()
        .table_name(table)
        .item(
            "Correlation_Id",
            AttributeValue::S(correlation_id.to_owned()),
        )
        .item("DataProduct", AttributeValue::S(product.clone()))
        .item("Owner", AttributeValue::S(owner.clone()))
        .item("Since", AttributeValue::S(now.to_rfc3339()))
        .item(
            "ExpiresAt",
            AttributeValue::N(expires.timestamp().to_string()),
        )
        // The platform's TTL attribute, in its unit (epoch milliseconds).
        .item(
            "TimeToExist",
            AttributeValue::N(expires.timestamp_millis().to_string()),
        )
        .condition_expression("attribute_not_exists(Correlation_Id) OR ExpiresAt < :now")
        .expression_attribute_values(":now", AttributeValue::N(now.timestamp().to_string()))
        .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
        .send()
        .await;
    match answer {
        Ok(_) => Ok(Lock {
            table: table.to_owned(),
            correlation_id: correlation_id.to_owned(),
            product,
            owner,
        }),
        Err(err) => {
            if let Some(PutItemError::ConditionalCheckFailedException(failed)) =
                err.as_service_error()
            {
                let item = failed.item();
                let field = |k: &str| {
                    item.and_then(|i| i.get(k))
                        .and_then(|v| v.as_s().ok())
                        .cloned()
                        .unwrap_or_else(|| "?".into())
                };
                // Our own earlier attempt: it was written, but its answer was lost and
                // the SDK tried again.
                if field("Owner") == owner {
                    return Ok(Lock {
                        table: table.to_owned(),
                        correlation_id: correlation_id.to_owned(),
                        product,
                        owner,
                    });
                }
                return Err(Error::refused(
                    format!(
                        "another `cyi start-cluster` for correlation id '{correlation_id}' is launching (lock held by {} since {}); nothing was launched",
                        field("Owner"),
                        field("Since")
                    ),
                    Some(format!(
                        "wait for it to finish (`cyi clusters`); a lock left by a crashed run stops counting {} minutes after it was taken",
                        LOCK_TTL.as_secs() / 60
                    )),
                ));
            }
            Err(aws_error("dynamodb:PutItem", err))
        }
    }
}

impl Lock {
    /// Deletes the lock if it is still ours. A failure here is reported but is not an
    /// error of the launch: the lock expires on its own.
    pub async fn release(self, aws: &Aws) -> Result<()> {
        let answer = aws
            .dynamodb
            .delete_item()
            .table_name(&self.table)
            .key("Correlation_Id", AttributeValue::S(self.correlation_id))
            .key("DataProduct", AttributeValue::S(self.product))
            .condition_expression("#o = :owner")
            .expression_attribute_names("#o", "Owner")
            .expression_attribute_values(":owner", AttributeValue::S(self.owner))
            .send()
            .await;
        match answer {
            Ok(_) => Ok(()),
            Err(err)
                if err
                    .as_service_error()
                    .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
            {
                Ok(())
            }
            Err(err) => Err(aws_error("dynamodb:DeleteItem", err)),
        }
    }
}
