//! A run's inputs: what the operator asked for (dates, id, input place, config), with
//! the environment's defaults filled in and checked before any AWS call.

use chrono::NaiveDate;

use super::RunParams;
use crate::error::{Error, Result};
use crate::settings::{ClusterConfigSource, Settings};
use crate::types::{CorrelationId, Day};

/// What a command asks to launch; `None` takes the environment's value.
#[derive(Debug, Clone)]
pub struct LaunchArgs {
    pub correlation_id: CorrelationId,
    pub export_date: Day,
    pub start_date: Option<Day>,
    pub s3_prefix: Option<String>,
    pub input_bucket: Option<String>,
    pub cluster_config: Option<ClusterConfigSource>,
}

/// Everything the command line and the environment decide, validated.
#[derive(Debug, Clone)]
pub struct LaunchInputs {
    pub run: RunParams,
    pub config: ClusterConfigSource,
}

impl LaunchInputs {
    pub fn backfill_days(&self) -> Option<i64> {
        self.run
            .start_date
            .map(|s| (self.run.export_date.0 - s.0).num_days() + 1)
    }

    /// The input prefix as a listing prefix: always ends with one `/`.
    pub fn input_prefix(&self) -> String {
        format!("{}/", self.run.s3_prefix.trim_end_matches('/'))
    }

    /// The input place, as an S3 URL.
    pub fn input_url(&self) -> String {
        format!("s3://{}/{}", self.run.input_bucket, self.input_prefix())
    }

    /// With a start date: every day of the backfill, the start date to the export date.
    pub fn backfill(&self) -> Vec<Day> {
        match self.run.start_date {
            Some(start) => start
                .0
                .iter_days()
                .take_while(|d| *d <= self.run.export_date.0)
                .map(Day)
                .collect(),
            None => Vec::new(),
        }
    }
}

/// Arguments and environment to [`LaunchInputs`]; every failure is a usage error
/// (exit 2) raised before any AWS call.
pub fn resolve(settings: &Settings, args: &LaunchArgs, today: NaiveDate) -> Result<LaunchInputs> {
    let export = args.export_date;
    if export.0 > today {
        return Err(Error::usage(format!(
            "--export-date {export} is after today ({}); there is no data for it yet",
            Day(today)
        )));
    }
    if let Some(start) = args.start_date
        && start > export
    {
        return Err(Error::usage(format!(
            "--start-date {start} is after --export-date {export}; the backfill runs from the start date up to the export date"
        )));
    }
    let input_bucket = args
        .input_bucket
        .clone()
        .or_else(|| settings.input_bucket.clone())
        .ok_or_else(|| {
            Error::usage_hint(
                "no input bucket is known",
                format!(
                    "pass --input-bucket BUCKET or set input_bucket in the environment '{}'",
                    settings.env_name
                ),
            )
        })?;
    if input_bucket.is_empty() || input_bucket.contains('/') {
        return Err(Error::usage(format!(
            "--input-bucket '{input_bucket}' is not a bucket name"
        )));
    }
    let config = args
        .cluster_config
        .clone()
        .or_else(|| settings.cluster_config.clone())
        .ok_or_else(|| {
            Error::usage_hint(
                "no cluster config is known",
                format!(
                    "pass --cluster-config DIR|s3://BUCKET/PREFIX or set cluster_config in the environment '{}'",
                    settings.env_name
                ),
            )
        })?;
    let s3_prefix = match &args.s3_prefix {
        Some(prefix) if prefix.trim_matches('/').is_empty() => {
            return Err(Error::usage(
                "--s3-prefix is empty; give the folder of the day's files, e.g. cyi/2021-04-01",
            ));
        }
        Some(prefix) => prefix.clone(),
        None => format!("{}/{export}", settings.cluster_name),
    };
    Ok(LaunchInputs {
        run: RunParams {
            correlation_id: args.correlation_id.as_str().to_owned(),
            input_bucket,
            s3_prefix,
            export_date: export,
            start_date: args.start_date,
        },
        config,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::cli::Cli;
    use clap::Parser;
    use std::collections::BTreeMap;

    pub(crate) fn settings() -> Settings {
        let cli = Cli::try_parse_from(["cyi", "clusters"]).unwrap();
        let vars: BTreeMap<&str, &str> = BTreeMap::new();
        Settings::resolve(&cli.global, &vars, None, false).unwrap()
    }

    /// The arguments of `--export-date 2021-04-01 --correlation-id c1` plus `extra`
    /// (flag, value) pairs.
    fn args(extra: &[&str]) -> LaunchArgs {
        let mut args = LaunchArgs {
            correlation_id: "c1".parse().unwrap(),
            export_date: "2021-04-01".parse().unwrap(),
            start_date: None,
            s3_prefix: None,
            input_bucket: None,
            cluster_config: None,
        };
        for pair in extra.chunks(2) {
            let value = pair[1];
            match pair[0] {
                "--start-date" => args.start_date = Some(value.parse().unwrap()),
                "--s3-prefix" => args.s3_prefix = Some(value.into()),
                "--input-bucket" => args.input_bucket = Some(value.into()),
                "--cluster-config" => {
                    args.cluster_config = Some(ClusterConfigSource::parse(value).unwrap());
                }
                other => unreachable!("{other}"),
            }
        }
        args
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2021, 4, 2).unwrap()
    }

    const FULL: [&str; 4] = ["--input-bucket", "in", "--cluster-config", "./cfg"];

    pub(crate) fn inputs(extra: &[&str]) -> LaunchInputs {
        let mut all = FULL.to_vec();
        all.extend_from_slice(extra);
        resolve(&settings(), &args(&all), today()).unwrap()
    }

    #[test]
    fn resolves_defaults() {
        let i = inputs(&[]);
        assert_eq!(i.run.s3_prefix, "cyi/2021-04-01");
        assert_eq!(i.input_prefix(), "cyi/2021-04-01/");
        assert_eq!(i.backfill_days(), None);
        assert!(i.backfill().is_empty());
        let i = inputs(&["--start-date", "2021-03-30", "--s3-prefix", "x/y/"]);
        assert_eq!(i.backfill_days(), Some(3));
        assert_eq!(i.backfill().len(), 3);
        assert_eq!(i.input_prefix(), "x/y/");
    }

    #[test]
    fn usage_errors_name_the_fix() {
        let cases: [(&[&str], &str); 5] = [
            (&["--cluster-config", "./c"], "--input-bucket"),
            (&["--input-bucket", "b"], "--cluster-config"),
            (
                &[
                    FULL[0],
                    FULL[1],
                    FULL[2],
                    FULL[3],
                    "--start-date",
                    "2021-04-02",
                ],
                "--start-date 2021-04-02 is after --export-date",
            ),
            (
                &[FULL[0], FULL[1], FULL[2], FULL[3], "--s3-prefix", "/"],
                "--s3-prefix",
            ),
            (
                &["--input-bucket", "a/b", "--cluster-config", "c"],
                "--input-bucket",
            ),
        ];
        for (extra, needle) in cases {
            let err = resolve(&settings(), &args(extra), today()).unwrap_err();
            assert_eq!(err.exit_code(), 2);
            let text = format!("{err} {}", err.hint().unwrap_or(""));
            assert!(text.contains(needle), "{extra:?}: {text}");
        }
        let late = NaiveDate::from_ymd_opt(2021, 3, 31).unwrap();
        let err = resolve(&settings(), &args(&FULL), late).unwrap_err();
        assert!(err.to_string().contains("after today"), "{err}");
    }
}
