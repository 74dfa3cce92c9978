//! The launcher's four YAML files, read from a folder or from S3, checked one by one
//! (so an error names its file) and merged top-level key by key in the launcher's
//! order: cluster, configurations, instances, steps (a later file's key wins).

use std::path::Path;

use futures_util::future::try_join_all;
use serde_yaml_ng::{Mapping, Value};

use super::model::RunJobFlow;
use crate::aws::{Aws, s3};
use crate::error::{Error, Result};
use crate::settings::ClusterConfigSource;

/// The files, in merge order, and whether each must exist.
pub const FILES: [(&str, bool); 4] = [
    ("cluster.yaml", true),
    ("configurations.yaml", false),
    ("instances.yaml", true),
    ("steps.yaml", false),
];

/// One file's name and text (`None` when it does not exist).
#[derive(Debug, Clone)]
pub struct ConfigFile {
    pub name: &'static str,
    pub text: Option<String>,
}

/// Reads the four files from wherever `source` says.
pub async fn read(aws: &Aws, source: &ClusterConfigSource) -> Result<Vec<ConfigFile>> {
    match source {
        ClusterConfigSource::Local(dir) => read_local(dir),
        ClusterConfigSource::S3 { bucket, prefix } => {
            let reads = FILES.iter().map(|(name, _)| async move {
                let key = if prefix.is_empty() {
                    (*name).to_owned()
                } else {
                    format!("{prefix}/{name}")
                };
                let text = s3::get_text(aws, bucket, &key).await?;
                Ok::<_, Error>(ConfigFile { name, text })
            });
            try_join_all(reads).await
        }
    }
}

fn read_local(dir: &Path) -> Result<Vec<ConfigFile>> {
    super::read::local_folder(dir)?;
    FILES
        .iter()
        .map(|(name, _)| {
            let path = dir.join(name);
            let text = super::read::local_file(&path)?;
            Ok(ConfigFile { name, text })
        })
        .collect()
}

/// Checks each file against the RunJobFlow shape, then merges them into one request.
pub fn parse(files: &[ConfigFile], source: &str) -> Result<RunJobFlow> {
    let mut merged = Mapping::new();
    for (name, required) in FILES {
        let text = files
            .iter()
            .find(|f| f.name == name)
            .and_then(|f| f.text.as_deref());
        let Some(text) = text else {
            if required {
                return Err(Error::usage_hint(
                    format!("{source}: {name} is missing; it is required"),
                    "the cluster config needs cluster.yaml and instances.yaml (steps.yaml and configurations.yaml are optional)",
                ));
            }
            continue;
        };
        let value = super::read::parse_yaml(name, text)?;
        let mapping = match value {
            Value::Null => continue,
            Value::Mapping(mapping) => mapping,
            _ => {
                return Err(Error::usage(format!(
                    "{name}: expected a mapping of RunJobFlow keys (Name:, Instances:, ...)"
                )));
            }
        };
        check(name, Value::Mapping(mapping.clone()))?;
        for (key, value) in mapping {
            merged.insert(key, value);
        }
    }
    check("the merged config", Value::Mapping(merged))
}

fn check(name: &str, value: Value) -> Result<RunJobFlow> {
    serde_path_to_error::deserialize::<_, RunJobFlow>(value).map_err(|err| {
        // The path names the offending key itself, unknown ones included:
        // `Instances.InstanceFleets[1].Foo`.
        let path = err.path().to_string();
        let inner = err.into_inner().to_string();
        Error::usage_hint(
            format!("{name}: {path}: {inner}"),
            "the keys are those of the EMR RunJobFlow API, in PascalCase",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(items: &[(&'static str, &str)]) -> Vec<ConfigFile> {
        FILES
            .iter()
            .map(|(name, _)| ConfigFile {
                name,
                text: items
                    .iter()
                    .find(|(n, _)| n == name)
                    .map(|(_, t)| (*t).to_owned()),
            })
            .collect()
    }

    const CLUSTER: &str = "Name: cyi\nReleaseLabel: emr-6.3.0\nVisibleToAllUsers: True\n";
    const INSTANCES: &str = "Instances:\n  InstanceCount: 1\n  MasterInstanceType: m5.xlarge\n";

    fn err(items: &[(&'static str, &str)]) -> String {
        let err = parse(&files(items), "cfg").unwrap_err();
        assert_eq!(err.exit_code(), 2);
        err.to_string()
    }

    #[test]
    fn merges_in_launcher_order_later_file_wins() {
        let request = parse(
            &files(&[
                ("cluster.yaml", CLUSTER),
                ("instances.yaml", INSTANCES),
                (
                    "configurations.yaml",
                    "ReleaseLabel: emr-5.0.0\nConfigurations: []\n",
                ),
                ("steps.yaml", "ReleaseLabel: emr-7.0.0\nSteps: []\n"),
            ]),
            "cfg",
        )
        .unwrap();
        assert_eq!(request.name.as_deref(), Some("cyi"));
        assert_eq!(request.release_label.as_deref(), Some("emr-7.0.0"));
        assert_eq!(request.visible_to_all_users, Some(true));
        assert_eq!(request.instances.unwrap().instance_count, Some(1));
        assert_eq!(request.steps, Some(vec![]));
    }

    #[test]
    fn optional_files_may_be_missing_or_empty() {
        let request = parse(
            &files(&[
                ("cluster.yaml", CLUSTER),
                ("instances.yaml", INSTANCES),
                ("steps.yaml", "---\n"),
            ]),
            "cfg",
        )
        .unwrap();
        assert!(request.steps.is_none());
    }

    #[test]
    fn required_files_are_named_when_missing() {
        let text = err(&[("cluster.yaml", CLUSTER)]);
        assert!(text.contains("instances.yaml is missing"), "{text}");
        let text = err(&[("instances.yaml", INSTANCES)]);
        assert!(text.contains("cluster.yaml is missing"), "{text}");
    }

    #[test]
    fn unknown_keys_are_named_with_file_and_path() {
        let instances =
            "Instances:\n  InstanceFleets:\n  - Name: MASTER\n  - Name: CORE\n    Foo: 1\n";
        let text = err(&[("cluster.yaml", CLUSTER), ("instances.yaml", instances)]);
        assert!(
            text.starts_with(
                "instances.yaml: Instances.InstanceFleets[1].Foo: unknown field `Foo`"
            ),
            "{text}"
        );
        let text = err(&[
            ("cluster.yaml", "Nmae: cyi\n"),
            ("instances.yaml", INSTANCES),
        ]);
        assert!(
            text.starts_with("cluster.yaml: Nmae: unknown field"),
            "{text}"
        );
        let configs = "Configurations:\n- Classification: a\n  Configurations:\n  - Classification: b\n    Propertys: {}\n";
        let text = err(&[
            ("cluster.yaml", CLUSTER),
            ("instances.yaml", INSTANCES),
            ("configurations.yaml", configs),
        ]);
        assert!(
            text.starts_with("configurations.yaml: Configurations[0].Configurations[0].Propertys:"),
            "{text}"
        );
    }

    #[test]
    fn wrong_types_and_enum_values_are_named() {
        let text = err(&[
            ("cluster.yaml", "Name: cyi\nEbsRootVolumeSize: big\n"),
            ("instances.yaml", INSTANCES),
        ]);
        assert!(
            text.starts_with("cluster.yaml: EbsRootVolumeSize: invalid type"),
            "{text}"
        );
        let steps = "Steps:\n- Name: a\n  ActionOnFailure: EXPLODE\n";
        let text = err(&[
            ("cluster.yaml", CLUSTER),
            ("instances.yaml", INSTANCES),
            ("steps.yaml", steps),
        ]);
        assert!(
            text.starts_with(
                "steps.yaml: Steps[0].ActionOnFailure: 'EXPLODE' is not a valid ActionOnFailure"
            ),
            "{text}"
        );
        assert!(text.contains("TERMINATE_CLUSTER"), "{text}");
        let text = err(&[("cluster.yaml", "- a\n"), ("instances.yaml", INSTANCES)]);
        assert!(text.contains("cluster.yaml: expected a mapping"), "{text}");
        let text = err(&[("cluster.yaml", "Name: [\n"), ("instances.yaml", INSTANCES)]);
        assert!(text.contains("cluster.yaml: not valid YAML"), "{text}");
    }

    #[test]
    fn the_fixture_parses() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cluster-config");
        let request = parse(&read_local(&dir).unwrap(), "fixture").unwrap();
        let instances = request.instances.unwrap();
        assert_eq!(instances.instance_fleets.unwrap().len(), 2);
        assert_eq!(instances.ec2_subnet_ids.unwrap().len(), 2);
        assert_eq!(request.steps.unwrap().len(), 3);
        assert_eq!(request.configurations.unwrap().len(), 5);
        assert_eq!(
            request.scale_down_behavior.unwrap().as_str(),
            "TERMINATE_AT_TASK_COMPLETION"
        );
    }
}
