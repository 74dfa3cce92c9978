//! S3 reads: the input check lists a prefix, the cluster config source reads objects,
//! `cyi logs` streams a step log into a writer.

use std::io::Write;

use aws_sdk_s3::error::ProvideErrorMetadata;
use aws_sdk_s3::operation::get_object::GetObjectError;
use serde::Serialize;

use super::{Aws, aws_error};
use crate::error::{Error, Result};
use crate::text::display_text;

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

/// What a streamed GetObject found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fetched {
    /// The object's bytes went to the writer.
    Streamed { bytes: u64 },
    /// No such key (yet).
    Missing,
}

/// Streams an object's bytes into `sink` chunk by chunk, never holding the object in
/// memory. A missing key is an answer, not an error: a step's logs arrive late.
pub async fn stream_object(
    aws: &Aws,
    bucket: &str,
    key: &str,
    sink: &mut dyn Write,
) -> Result<Fetched> {
    let answer = aws.s3.get_object().bucket(bucket).key(key).send().await;
    let out = match answer {
        Ok(out) => out,
        Err(err) => {
            let status = err.raw_response().map(|r| r.status().as_u16());
            let code = err.as_service_error().and_then(|e| e.code());
            return match classify(code, status) {
                Problem::Missing => Ok(Fetched::Missing),
                Problem::NoBucket => Err(no_bucket(bucket)),
                Problem::Denied => Err(denied(bucket, key)),
                Problem::Other => Err(aws_error("s3:GetObject", err)),
            };
        }
    };
    let mut body = out.body;
    let mut bytes = 0u64;
    let place = || format!("s3://{}/{}", display_text(bucket), display_text(key));
    while let Some(chunk) = body.try_next().await.map_err(|e| Error::Aws {
        operation: "s3:GetObject",
        message: format!("reading {} broke off: {e}", place()),
        hint: Some("re-run the command; the object is read again from the start".into()),
    })? {
        sink.write_all(&chunk)
            .map_err(|e| Error::io(format!("while reading {}", place()), e))?;
        bytes += chunk.len() as u64;
    }
    Ok(Fetched::Streamed { bytes })
}

/// How a GetObject failure is told to the operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Problem {
    Missing,
    NoBucket,
    Denied,
    Other,
}

fn classify(code: Option<&str>, status: Option<u16>) -> Problem {
    match (code, status) {
        (Some("NoSuchKey"), _) => Problem::Missing,
        (Some("NoSuchBucket"), _) => Problem::NoBucket,
        (Some("AccessDenied" | "AllAccessDisabled"), _) | (None, Some(403)) => Problem::Denied,
        (None, Some(404)) => Problem::Missing,
        _ => Problem::Other,
    }
}

fn denied(bucket: &str, key: &str) -> Error {
    let bucket = display_text(bucket);
    Error::Aws {
        operation: "s3:GetObject",
        message: format!(
            "access denied to s3://{bucket}/{} (the cluster's log bucket)",
            display_text(key)
        ),
        hint: Some(format!(
            "the credentials need s3:GetObject on arn:aws:s3:::{bucket}/* (see docs/iam-policy.json)"
        )),
    }
}

fn no_bucket(bucket: &str) -> Error {
    Error::Aws {
        operation: "s3:GetObject",
        message: format!(
            "the log bucket '{}' does not exist (in this account and region)",
            display_text(bucket)
        ),
        hint: Some("check the cluster's LogUri in cluster.yaml".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn get_object_failures_are_told_apart() {
        assert_eq!(classify(Some("NoSuchKey"), Some(404)), Problem::Missing);
        assert_eq!(classify(None, Some(404)), Problem::Missing);
        assert_eq!(classify(Some("NoSuchBucket"), Some(404)), Problem::NoBucket);
        assert_eq!(classify(Some("AccessDenied"), Some(403)), Problem::Denied);
        assert_eq!(classify(None, Some(403)), Problem::Denied);
        assert_eq!(classify(Some("SlowDown"), Some(503)), Problem::Other);
        assert_eq!(classify(None, None), Problem::Other);
    }

    #[test]
    fn access_denied_names_the_bucket_and_the_permission() {
        let err = denied("cyi-logs", "emr/j-1/steps/s-1/stderr.gz");
        assert_eq!(err.exit_code(), 1);
        let text = err.to_string();
        assert!(
            text.starts_with("s3:GetObject failed: access denied"),
            "{text}"
        );
        assert!(
            text.contains("s3://cyi-logs/emr/j-1/steps/s-1/stderr.gz"),
            "{text}"
        );
        let hint = err.hint().unwrap();
        assert!(
            hint.contains("s3:GetObject on arn:aws:s3:::cyi-logs/*"),
            "{hint}"
        );
    }

    #[test]
    fn hostile_names_cannot_drive_the_terminal() {
        let text = denied("b\x1b[2J", "k").to_string();
        assert!(!text.contains('\x1b'), "{text:?}");
    }
}
