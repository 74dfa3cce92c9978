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

use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, Utc};

use crate::aws::Aws;
use crate::aws::dynamodb;
use crate::aws::launch_lock::{self, LockPut};
use crate::error::{Error, Result};
use crate::text::{cyi_command, display_text};

/// Long enough for the last check and RunJobFlow with all their retries.
pub const LOCK_TTL: Duration = Duration::from_secs(600);

pub fn lock_product(data_product: &str) -> String {
    format!("{data_product}#start-cluster-lock")
}

/// A held lock; [`Lock::release`] deletes it.
pub struct Lock {
    table: String,
    key: dynamodb::Item,
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
    let mut item = dynamodb::key(correlation_id, &product);
    for (name, value) in [
        ("Owner", AttributeValue::S(owner.clone())),
        ("Since", AttributeValue::S(now.to_rfc3339())),
        (
            "ExpiresAt",
            AttributeValue::N(expires.timestamp().to_string()),
        ),
        // The platform's TTL attribute, in its unit (epoch milliseconds).
        (
            "TimeToExist",
            AttributeValue::N(expires.timestamp_millis().to_string()),
        ),
    ] {
        item.insert(name.to_owned(), value);
    }
    let lock = Lock {
        table: table.to_owned(),
        key: dynamodb::key(correlation_id, &product),
        owner: owner.clone(),
    };
    let held = match launch_lock::put_unless_live(aws, table, &item, now.timestamp()).await? {
        LockPut::Taken => return Ok(lock),
        LockPut::Held(held) => held,
    };
    let field = |k: &str| {
        dynamodb::string(&held, k)
            .map(str::to_owned)
            .unwrap_or_else(|| "?".into())
    };
    // Our own earlier attempt: it was written, but its answer was lost and the SDK
    // tried again.
    if field("Owner") == owner {
        return Ok(lock);
    }
    Err(Error::refused(
        format!(
            "another `cyi start-cluster` for correlation id '{correlation_id}' is launching (lock held by {} since {}); nothing was launched",
            display_text(&field("Owner")),
            display_text(&field("Since"))
        ),
        Some(format!(
            "wait for it to finish (`{}`); a lock left by a crashed run stops counting {} minutes after it was taken",
            cyi_command("clusters"),
            LOCK_TTL.as_secs() / 60
        )),
    ))
}

impl Lock {
    /// Deletes the lock if it is still ours. A failure here is reported but is not an
    /// error of the launch: the lock expires on its own.
    pub async fn release(self, aws: &Aws) -> Result<()> {
        launch_lock::delete_if_owner(aws, &self.table, &self.key, &self.owner).await
    }
}
