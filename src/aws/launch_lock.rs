//! The two writes of the launch lock (see `launch::lock` for why it exists): a PutItem
//! that succeeds only when no live lock is there, and a DeleteItem that removes only
//! the lock its owner wrote.

use aws_sdk_dynamodb::operation::put_item::PutItemError;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValuesOnConditionCheckFailure};

use super::dynamodb::{HASH_KEY, Item};
use super::{Aws, aws_error};
use crate::error::Result;

/// What the conditional put of a lock did.
#[derive(Debug, Clone, PartialEq)]
pub enum LockPut {
    Taken,
    /// A live lock is there; the item as DynamoDB holds it.
    Held(Item),
}

/// Puts `item` unless an item with its key exists whose `ExpiresAt` (epoch seconds) is
/// not before `now_secs`.
pub async fn put_unless_live(
    aws: &Aws,
    table: &str,
    item: &Item,
    now_secs: i64,
) -> Result<LockPut> {
    let answer = aws
        .dynamodb
        .put_item()
        .table_name(table)
        .set_item(Some(item.clone()))
        .condition_expression("attribute_not_exists(#k) OR #e < :now")
        .expression_attribute_names("#k", HASH_KEY)
        .expression_attribute_names("#e", "ExpiresAt")
        .expression_attribute_values(":now", AttributeValue::N(now_secs.to_string()))
        .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
        .send()
        .await;
    match answer {
        Ok(_) => Ok(LockPut::Taken),
        Err(err) => match err.as_service_error() {
            Some(PutItemError::ConditionalCheckFailedException(failed)) => {
                Ok(LockPut::Held(failed.item().cloned().unwrap_or_default()))
            }
            _ => Err(aws_error("dynamodb:PutItem", err)),
        },
    }
}

/// Deletes the item at `key` if its `Owner` is `owner`; a lock that is gone or was
/// taken over is left alone (not an error).
pub async fn delete_if_owner(aws: &Aws, table: &str, key: &Item, owner: &str) -> Result<()> {
    let answer = aws
        .dynamodb
        .delete_item()
        .table_name(table)
        .set_key(Some(key.clone()))
        .condition_expression("#o = :owner")
        .expression_attribute_names("#o", "Owner")
        .expression_attribute_values(":owner", AttributeValue::S(owner.to_owned()))
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
