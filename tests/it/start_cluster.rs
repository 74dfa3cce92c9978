//! `cyi start-cluster` against moto. What was *sent* is read from the RunJobFlow request
//! the harness recorded (moto drops fleets, subnets and ScaleDownBehavior); what EMR
//! kept is read back with the SDK. Every run checks that the metastore password
//! appears in neither stdout nor stderr.

use std::path::Path;

use crate::support::Sandbox;
use crate::support::start::*;
use serde_json::{Value, json};

/// The request the launcher would send for the config in `dir`, computed here from the
/// YAML files alone: merged in launcher order, step args appended, run tags added,
/// the metastore secret id replaced by `password`.
fn expected_request(dir: &Path, password: &str, start_date: Option<&str>) -> Value {
    let mut merged = serde_json::Map::new();
    for name in [
        "cluster.yaml",
        "configurations.yaml",
        "instances.yaml",
        "steps.yaml",
    ] {
        let Ok(text) = std::fs::read_to_string(dir.join(name)) else {
            continue;
        };
        let value: Value = serde_yaml_ng::from_str(&text).unwrap();
        merged.extend(value.as_object().unwrap().clone());
    }
    let mut request = Value::Object(merged);
    let mut args = vec![
        "--correlation_id",
        "run-1",
        "--s3_bucket_name",
        INPUT_BUCKET,
        "--s3_prefix",
        "cyi/2021-04-01",
        "--export_date",
        EXPORT_DATE,
    ];
    if let Some(start) = start_date {
        args.extend(["--start_date", start]);
    }
    for step in request["Steps"].as_array_mut().unwrap() {
        let jar = step["HadoopJarStep"].as_object_mut().unwrap();
        let list = jar.entry("Args").or_insert(json!([]));
        list.as_array_mut()
            .unwrap()
            .extend(args.iter().map(|a| json!(a)));
    }
    let mut run_tags = vec![("Correlation_Id", "run-1"), ("export_date", EXPORT_DATE)];
    if let Some(start) = start_date {
        run_tags.push(("start_date", start));
    }
    let tags = request["Tags"].as_array_mut().unwrap();
    tags.retain(|t| !run_tags.iter().any(|(k, _)| t["Key"] == *k));
    tags.extend(run_tags.iter().map(|(k, v)| json!({"Key": k, "Value": v})));
    replace_passwords(&mut request["Configurations"], password);
    request
}

fn replace_passwords(configs: &mut Value, password: &str) {
    for config in configs.as_array_mut().into_iter().flatten() {
        let hive = matches!(
            config["Classification"].as_str(),
            Some("hive-site" | "spark-hive-site")
        );
        if hive && config["Properties"]["javax.jdo.option.ConnectionPassword"].is_string() {
            config["Properties"]["javax.jdo.option.ConnectionPassword"] = json!(password);
        }
        if let Some(nested) = config.get_mut("Configurations") {
            replace_passwords(nested, password);
        }
    }
}

fn step_args(sandbox: &Sandbox, id: &str) -> Vec<(String, Vec<String>)> {
    let out = sandbox
        .block_on(sandbox.emr().list_steps().cluster_id(id).send())
        .unwrap();
    let mut steps: Vec<(String, Vec<String>)> = out
        .steps()
        .iter()
        .map(|s| {
            (
                s.name().unwrap().to_owned(),
                s.config().unwrap().args().to_vec(),
            )
        })
        .collect();
    // ListSteps answers newest first.
    steps.reverse();
    steps
}

pub(crate) fn cluster_id(run: &Run) -> String {
    let start = run
        .stdout
        .find("Launched cluster j-")
        .unwrap_or_else(|| panic!("no launch reported:\n{}\n{}", run.stdout, run.stderr))
        + "Launched cluster ".len();
    run.stdout[start..]
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned()
}

fn launches_the_fixture(start_date: Option<&str>) {
    let sandbox = Sandbox::start();
    let world = world(&sandbox);
    let extra: Vec<&str> = start_date.map_or(vec![], |s| vec!["--start-date", s]);
    let run = start(&sandbox, &[&world.password], &extra);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let id = cluster_id(&run);

    let sent = sent_request(&sandbox);
    let expected = expected_request(&fixture("cluster-config"), &world.password, start_date);
    assert_eq!(sent, expected);
    // The values moto itself would drop are in what was sent.
    assert_eq!(sent["ScaleDownBehavior"], "TERMINATE_AT_TASK_COMPLETION");
    assert_eq!(
        sent["Instances"]["InstanceFleets"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        sent["Instances"]["Ec2SubnetIds"],
        json!(["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"])
    );

    // What EMR kept.
    let cluster = sandbox
        .block_on(sandbox.emr().describe_cluster().cluster_id(&id).send())
        .unwrap()
        .cluster
        .unwrap();
    let tags: Vec<(String, String)> = cluster
        .tags()
        .iter()
        .map(|t| (t.key().unwrap().to_owned(), t.value().unwrap().to_owned()))
        .collect();
    let mut want = vec![
        ("Persistence", "Ignore"),
        ("AutoShutdown", "False"),
        ("Name", "aws-cyi-infrastructure"),
        ("Environment", "development"),
        ("Correlation_Id", "run-1"),
        ("export_date", EXPORT_DATE),
    ];
    if let Some(start) = start_date {
        want.push(("start_date", start));
    }
    let want: Vec<(String, String)> = want
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    assert_eq!(tags, want);
    assert_eq!(
        cluster.status().unwrap().state().unwrap().as_str(),
        "WAITING"
    );

    let mut tail = vec![
        "--correlation_id",
        "run-1",
        "--s3_bucket_name",
        INPUT_BUCKET,
        "--s3_prefix",
        "cyi/2021-04-01",
        "--export_date",
        EXPORT_DATE,
    ];
    if let Some(start) = start_date {
        tail.extend(["--start_date", start]);
    }
    let steps = step_args(&sandbox, &id);
    let names: Vec<&str> = steps.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["courtesy-flush", "run-cyi", "flush-pushgateway"]);
    for (name, args) in &steps {
        let mut want = vec![format!("file:/var/ci/{name}.sh")];
        want.extend(tail.iter().map(|s| (*s).to_owned()));
        assert_eq!(args, &want, "{name}");
    }

    let actions = sandbox
        .block_on(
            sandbox
                .emr()
                .list_bootstrap_actions()
                .cluster_id(&id)
                .send(),
        )
        .unwrap();
    let actions: Vec<(String, Vec<String>)> = actions
        .bootstrap_actions()
        .iter()
        .map(|a| (a.name().unwrap().to_owned(), a.args().to_vec()))
        .collect();
    assert_eq!(
        actions,
        [
            ("download_scripts".to_owned(), vec![]),
            ("metadata".to_owned(), vec![]),
            (
                "config_hcs".to_owned(),
                vec![
                    "development".into(),
                    "proxy.example.internal".into(),
                    "3128".into()
                ]
            ),
        ]
    );
}

#[test]
fn launches_the_fixture_from_a_local_folder_with_every_value() {
    launches_the_fixture(None);
}

#[test]
fn a_start_date_reaches_the_steps_and_the_tags() {
    launches_the_fixture(Some("2021-03-30"));
}

#[test]
fn s3_config_sends_the_same_request_as_the_folder() {
    let sandbox = Sandbox::start();
    let world = world(&sandbox);
    create_bucket(&sandbox, "cyi-config");
    for name in [
        "cluster.yaml",
        "configurations.yaml",
        "instances.yaml",
        "steps.yaml",
    ] {
        let body = std::fs::read(fixture("cluster-config").join(name)).unwrap();
        put(&sandbox, "cyi-config", &format!("emr/cyi/{name}"), &body);
    }
    put(
        &sandbox,
        "cyi-config",
        "partial/cluster.yaml",
        b"Name: cyi\n",
    );

    let local = start(&sandbox, &[&world.password], &[]);
    assert_eq!(local.code, 0, "{}", local.stderr);
    let from_folder = sent_request(&sandbox);
    sandbox.terminate_cluster(&cluster_id(&local));
    sandbox.clear_calls();

    let secrets = [world.password.as_str()];
    let args = [
        "start-cluster",
        "--export-date",
        EXPORT_DATE,
        "--correlation-id",
        "run-1",
        "--input-bucket",
        INPUT_BUCKET,
        "--cluster-config",
        "s3://cyi-config/emr/cyi/",
        "--yes",
    ];
    let remote = run(&sandbox, &secrets, &args);
    assert_eq!(remote.code, 0, "{}", remote.stderr);
    assert_eq!(sent_request(&sandbox), from_folder);
    let gets = sandbox.calls_of("GetObject");
    assert_eq!(gets.len(), 4, "one GetObject per file: {gets:?}");

    // A required file missing from the S3 folder is named; nothing is launched.
    sandbox.clear_calls();
    let mut partial = args;
    partial[8] = "s3://cyi-config/partial";
    let out = run(&sandbox, &secrets, &partial);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("instances.yaml is missing"),
        "{}",
        out.stderr
    );
    assert!(
        mutating_calls(&sandbox).is_empty(),
        "{:?}",
        mutating_calls(&sandbox)
    );
}

#[test]
fn golden_request_for_the_fixture() {
    let sandbox = Sandbox::start();
    let world = world(&sandbox);
    let run = start(
        &sandbox,
        &[&world.password],
        &["--dry-run", "--output", "json", "-v"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc = run.json();
    let golden =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/start-cluster-request.json");
    let actual = serde_json::to_string_pretty(&doc["request"]).unwrap() + "\n";
    if std::env::var_os("CYI_UPDATE_GOLDEN").is_some() {
        std::fs::write(&golden, &actual).unwrap();
    }
    let expected = std::fs::read_to_string(&golden).unwrap();
    assert_eq!(
        actual,
        expected,
        "set CYI_UPDATE_GOLDEN=1 to regenerate {}",
        golden.display()
    );
    assert!(actual.contains("\"javax.jdo.option.ConnectionPassword\": \"********\""));
    assert_eq!(doc["dry_run"], true);
    assert_eq!(doc["account"], "123456789012");
    assert_eq!(doc["input"], "s3://cyi-input/cyi/2021-04-01/");
    let outcomes: Vec<&str> = doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes, ["passed"; 4]);
    assert!(
        run.stderr.contains("aws → secretsmanager:GetSecretValue"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("dry run: nothing was changed"));
    assert!(
        mutating_calls(&sandbox).is_empty(),
        "{:?}",
        mutating_calls(&sandbox)
    );
}

#[test]
fn the_rest_of_the_runjobflow_shape_reaches_emr() {
    let sandbox = Sandbox::start();
    let world = world(&sandbox);
    let dir = fixture("full-shape");
    let kerberos = [
        "kdc-admin-pw-7734",
        "cross-realm-pw-7734",
        "ad-join-pw-7734",
    ];
    let mut secrets = vec![world.password.as_str()];
    secrets.extend(kerberos);
    let args = [
        "start-cluster",
        "--export-date",
        EXPORT_DATE,
        "--correlation-id",
        "run-1",
        "--input-bucket",
        INPUT_BUCKET,
        "--cluster-config",
        dir.to_str().unwrap(),
        "--yes",
    ];
    let mut dry = args.to_vec();
    dry.extend(["--dry-run", "--output", "json"]);
    let planned = run(&sandbox, &secrets, &dry);
    assert_eq!(planned.code, 0, "{}", planned.stderr);
    let mut redacted = expected_request(&dir, "********", None);
    for key in [
        "KdcAdminPassword",
        "CrossRealmTrustPrincipalPassword",
        "ADDomainJoinPassword",
    ] {
        redacted["KerberosAttributes"][key] = json!("********");
    }
    assert_eq!(planned.json()["request"], redacted);

    let launched = run(&sandbox, &secrets, &args);
    assert_eq!(launched.code, 0, "{}", launched.stderr);
    let sent = sent_request(&sandbox);
    assert_eq!(sent, expected_request(&dir, &world.password, None));
    assert_eq!(sent["KerberosAttributes"]["KdcAdminPassword"], kerberos[0]);

    let id = cluster_id(&launched);
    let cluster = sandbox
        .block_on(sandbox.emr().describe_cluster().cluster_id(&id).send())
        .unwrap()
        .cluster
        .unwrap();
    assert_eq!(cluster.step_concurrency_level(), Some(2));
    assert_eq!(
        cluster.auto_scaling_role(),
        Some("EMR_AutoScaling_DefaultRole")
    );
    let outer = cluster
        .configurations()
        .iter()
        .find(|c| c.classification() == Some("hadoop-env"))
        .unwrap();
    let deeper = &outer.configurations()[0].configurations()[0];
    assert_eq!(deeper.classification(), Some("deeper"));
    assert_eq!(deeper.properties().unwrap()["LEVEL"], "3");
    let groups = sandbox
        .block_on(sandbox.emr().list_instance_groups().cluster_id(&id).send())
        .unwrap();
    let mut roles: Vec<&str> = groups
        .instance_groups()
        .iter()
        .map(|g| g.name().unwrap())
        .collect();
    roles.sort();
    assert_eq!(roles, ["CORE", "MASTER", "TASK"]);
}

fn config_with(dir: &tempfile::TempDir, file: &str, from: &str, to: &str) -> String {
    for name in [
        "cluster.yaml",
        "configurations.yaml",
        "instances.yaml",
        "steps.yaml",
    ] {
        let text = std::fs::read_to_string(fixture("cluster-config").join(name)).unwrap();
        let text = if name == file {
            assert!(text.contains(from), "{from} not in {name}");
            text.replacen(from, to, 1)
        } else {
            text
        };
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir.path().to_str().unwrap().to_owned()
}

fn start_with_config(sandbox: &Sandbox, secrets: &[&str], config: &str) -> Run {
    run(
        sandbox,
        secrets,
        &[
            "start-cluster",
            "--export-date",
            EXPORT_DATE,
            "--correlation-id",
            "run-1",
            "--input-bucket",
            INPUT_BUCKET,
            "--cluster-config",
            config,
            "--yes",
        ],
    )
}

#[test]
fn an_unknown_key_is_named_and_nothing_is_launched() {
    let sandbox = Sandbox::start();
    let world = world(&sandbox);
    let dir = tempfile::tempdir().unwrap();
    let config = config_with(
        &dir,
        "instances.yaml",
        "  - InstanceFleetType: \"CORE\"\n",
        "  - InstanceFleetType: \"CORE\"\n    Foo: 1\n",
    );
    sandbox.clear_calls();
    let out = start_with_config(&sandbox, &[&world.password], &config);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("instances.yaml: Instances.InstanceFleets[1].Foo: unknown field `Foo`"),
        "{}",
        out.stderr
    );
    assert!(sandbox.calls().is_empty(), "{:?}", sandbox.calls());

    let config = config_with(&dir, "steps.yaml", "\"TERMINATE_CLUSTER\"", "\"EXPLODE\"");
    let out = start_with_config(&sandbox, &[&world.password], &config);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("steps.yaml: Steps[1].ActionOnFailure: 'EXPLODE'"),
        "{}",
        out.stderr
    );
    assert!(sandbox.calls().is_empty());
}

#[test]
fn a_missing_or_malformed_secret_stops_the_launch() {
    let sandbox = Sandbox::start();
    let world = world(&sandbox);
    let dir = tempfile::tempdir().unwrap();
    let config = config_with(
        &dir,
        "configurations.yaml",
        "\"javax.jdo.option.ConnectionPassword\": \"metadata-store-cyi-writer\"",
        "\"javax.jdo.option.ConnectionPassword\": \"no-such-secret\"",
    );
    let out = start_with_config(&sandbox, &[&world.password], &config);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains("'no-such-secret'") && out.stderr.contains("does not exist"),
        "{}",
        out.stderr
    );
    assert!(sandbox.calls_of("RunJobFlow").is_empty());

    create_secret(&sandbox, "not-json", "plain-text-password-42");
    let config = config_with(
        &dir,
        "configurations.yaml",
        "\"javax.jdo.option.ConnectionPassword\": \"metadata-store-cyi-writer\"",
        "\"javax.jdo.option.ConnectionPassword\": \"not-json\"",
    );
    let out = start_with_config(
        &sandbox,
        &[&world.password, "plain-text-password-42"],
        &config,
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("'not-json' is not a JSON object with a password field"),
        "{}",
        out.stderr
    );
    assert!(sandbox.calls_of("RunJobFlow").is_empty());
}
