//! Launching a run: its inputs ([`inputs`]), the cluster config (the launcher's four
//! files in [`source`], the RunJobFlow [`model`] they fill, the metastore password in
//! [`secrets`], the run's own arguments and tags here), the pre-flight checks
//! ([`checks`], gathered by [`prepare`]), the launch with its lock and its own
//! RunJobFlow retry ([`run`], [`lock`]), `--wait` ([`wait`]) and the document
//! ([`report`]). [`restart`] decides how a run starts again; [`status`] where one is;
//! [`last_cluster`] why it failed.

pub mod checks;
pub mod execute;
pub mod inputs;
pub mod last_cluster;
pub mod lock;
pub mod model;
pub mod prepare;
pub mod read;
pub mod report;
pub mod restart;
pub mod run;
pub mod secrets;
pub mod source;
pub mod status;
pub mod to_sdk;
pub mod values;
pub mod wait;

use crate::aws::emr::{TAG_CORRELATION_ID, TAG_EXPORT_DATE, TAG_START_DATE};
use crate::types::Day;
use model::{RunJobFlow, Tag};

/// What one run adds to the config: the step arguments and the tags.
#[derive(Debug, Clone)]
pub struct RunParams {
    pub correlation_id: String,
    pub input_bucket: String,
    pub s3_prefix: String,
    pub export_date: Day,
    pub start_date: Option<Day>,
}

impl RunParams {
    /// Appended to every step that runs a jar, in the order the step script reads
    /// them positionally (`$2 $4 $6 $8`, and `$10` for the start date).
    pub fn step_args(&self) -> Vec<String> {
        let mut args = vec![
            "--correlation_id".to_owned(),
            self.correlation_id.clone(),
            "--s3_bucket_name".to_owned(),
            self.input_bucket.clone(),
            "--s3_prefix".to_owned(),
            self.s3_prefix.clone(),
            "--export_date".to_owned(),
            self.export_date.to_string(),
        ];
        if let Some(start) = self.start_date {
            args.extend(["--start_date".to_owned(), start.to_string()]);
        }
        args
    }

    /// The run's tags, put in the request itself so the cluster is never untagged.
    pub fn tags(&self) -> Vec<(&'static str, String)> {
        let mut tags = vec![
            (TAG_CORRELATION_ID, self.correlation_id.clone()),
            (TAG_EXPORT_DATE, self.export_date.to_string()),
        ];
        if let Some(start) = self.start_date {
            tags.push((TAG_START_DATE, start.to_string()));
        }
        tags
    }
}

/// The config plus the run: step arguments appended, the run's tags replacing any
/// config tag of the same key.
pub fn apply_run(request: &mut RunJobFlow, run: &RunParams) {
    for step in request.steps.iter_mut().flatten() {
        if let Some(jar) = step.hadoop_jar_step.as_mut() {
            jar.args
                .get_or_insert_with(Vec::new)
                .extend(run.step_args());
        }
    }
    let ours = run.tags();
    let tags = request.tags.get_or_insert_with(Vec::new);
    tags.retain(|t| !ours.iter().any(|(k, _)| t.key.as_deref() == Some(*k)));
    tags.extend(ours.into_iter().map(|(key, value)| Tag {
        key: Some(key.to_owned()),
        value: Some(value),
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(start: Option<&str>) -> RunParams {
        RunParams {
            correlation_id: "corr-1".into(),
            input_bucket: "in".into(),
            s3_prefix: "cyi/2021-04-01".into(),
            export_date: "2021-04-01".parse().unwrap(),
            start_date: start.map(|s| s.parse().unwrap()),
        }
    }

    fn request() -> RunJobFlow {
        serde_yaml_ng::from_str(
            r#"
Tags: [{Key: Correlation_Id, Value: stale}, {Key: Name, Value: n}]
Steps:
- Name: a
  HadoopJarStep: {Jar: j, Args: [x]}
- Name: b
  HadoopJarStep: {Jar: j}
"#,
        )
        .unwrap()
    }

    #[test]
    fn appends_args_in_order_to_every_jar_step() {
        let mut r = request();
        apply_run(&mut r, &run(Some("2021-03-30")));
        let steps = r.steps.unwrap();
        assert_eq!(
            steps[0]
                .hadoop_jar_step
                .as_ref()
                .unwrap()
                .args
                .as_ref()
                .unwrap(),
            &[
                "x",
                "--correlation_id",
                "corr-1",
                "--s3_bucket_name",
                "in",
                "--s3_prefix",
                "cyi/2021-04-01",
                "--export_date",
                "2021-04-01",
                "--start_date",
                "2021-03-30"
            ]
        );
        assert_eq!(
            steps[1]
                .hadoop_jar_step
                .as_ref()
                .unwrap()
                .args
                .as_ref()
                .unwrap()
                .len(),
            10
        );
    }

    #[test]
    fn run_tags_override_config_tags() {
        let mut r = request();
        apply_run(&mut r, &run(None));
        let tags: Vec<_> = r
            .tags
            .unwrap()
            .into_iter()
            .map(|t| (t.key.unwrap(), t.value.unwrap()))
            .collect();
        assert_eq!(
            tags,
            [
                ("Name".to_owned(), "n".to_owned()),
                ("Correlation_Id".to_owned(), "corr-1".to_owned()),
                ("export_date".to_owned(), "2021-04-01".to_owned()),
            ]
        );
    }
}
