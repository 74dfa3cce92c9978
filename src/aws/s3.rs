//! S3 reads: the input check lists a prefix, the cluster config source reads objects.

use aws_sdk_s3::operation::get_object::GetObjectError;
use serde::Serialize;

use super::{Aws, aws_error};
use crate::error::{Error, Result};

/// How many objects lie under a prefix, and how many bytes they hold.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Listing {
    pub objects: u64,
    pub bytes: u64,
}

/// Every object under `prefix`, counted, following ListObjectsV2 to its last page.
pub async fn list_prefix(aws: &Aws, bucket: &str, prefix: &str) -> Result<Listing> {
    let mut listing = Listing::default();
    let mut token = None;
    loop {
        let page = aws
            .s3
            .list_objects_v2()
            .bucket(bucket)
            .prefix(prefix)
            .set_continuation_token(token)
            .send()
            .await
            .map_err(|e| aws_error("s3:ListObjectsV2", e))?;
        for object in page.contents() {
            listing.objects += 1;
            listing.bytes += u64::try_from(object.size().unwrap_or(0)).unwrap_or(0);
        }
        token = page.next_continuation_token;
        if token.is_none() {
            return Ok(listing);
        }
    }
}

/// Whether anything lies under `prefix` (one page of at most one key).
pub async fn any_object(aws: &Aws, bucket: &str, prefix: &str) -> Result<bool> {
    let page = aws
        .s3
        .list_objects_v2()
        .bucket(bucket)
        .prefix(prefix)
        .max_keys(1)
        .send()
        .await
        .map_err(|e| aws_error("s3:ListObjectsV2", e))?;
    Ok(!page.contents().is_empty())
}

/// An object's body as UTF-8 text; `None` when the key does not exist.
pub async fn get_text(aws: &Aws, bucket: &str, key: &str) -> Result<Option<String>> {
    let answer = aws.s3.get_object().bucket(bucket).key(key).send().await;
    let object = match answer {
        Ok(object) => object,
        Err(err)
            if err
                .as_service_error()
                .is_some_and(GetObjectError::is_no_such_key) =>
        {
            return Ok(None);
        }
        Err(err) => return Err(aws_error("s3:GetObject", err)),
    };
    let bytes = object
        .body
        .collect()
        .await
        .map_err(|e| Error::Failed(format!("s3://{bucket}/{key}: cannot read the body: {e}")))?
        .into_bytes();
    String::from_utf8(bytes.to_vec())
        .map(Some)
        .map_err(|_| Error::usage(format!("s3://{bucket}/{key} is not UTF-8 text")))
}
