//! `cyi logs` against moto: the tail of a step's gzip log at EMR's path under the
//! cluster's LogUri, the step's choice (moto never fails a step, so the row's
//! CurrentStep or `--step` picks it), and the errors an operator meets at 2 a.m.

use std::io::Write;

use aws_sdk_emr::types::{HadoopJarStepConfig, JobFlowInstancesConfig, StepConfig, Tag};
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{BucketLocationConstraint, CreateBucketConfiguration};
use serde_json::Value;

use crate::support::rows::{row, s};
use crate::support::{REGION, Sandbox};

const BUCKET: &str = "cyi-logs";
const STEPS: [&str; 3] = ["setup", "run-cyi", "flush"];

/// A WAITING `cyi` cluster with three steps, tagged with `correlation_id`; its id.
fn launch(sandbox: &Sandbox, log_uri: Option<&str>, correlation_id: &str) -> String {
    let steps = STEPS.map(|name| {
        StepConfig::builder()
            .name(name)
            .hadoop_jar_step(
                HadoopJarStepConfig::builder()
                    .jar("command-runner.jar")
                    .args("true")
                    .build(),
            )
            .build()
    });
    let out = sandbox
        .block_on(
            sandbox
                .emr()
                .run_job_flow()
                .name("cyi")
                .release_label("emr-6.3.0")
                .set_log_uri(log_uri.map(str::to_owned))
                .instances(
                    JobFlowInstancesConfig::builder()
                        .instance_count(1)
                        .master_instance_type("m5.xlarge")
                        .keep_job_flow_alive_when_no_steps(true)
                        .build(),
                )
                .set_steps(Some(steps.to_vec()))
                .tags(
                    Tag::builder()
                        .key("Correlation_Id")
                        .value(correlation_id)
                        .build(),
                )
                .send(),
        )
        .unwrap();
    out.job_flow_id.unwrap()
}

fn step_id(sandbox: &Sandbox, cluster: &str, name: &str) -> String {
    let out = sandbox
        .block_on(sandbox.emr().list_steps().cluster_id(cluster).send())
        .unwrap();
    out.steps()
        .iter()
        .find(|s| s.name() == Some(name))
        .and_then(|s| s.id())
        .unwrap()
        .to_owned()
}

fn bucket(sandbox: &Sandbox) {
    sandbox
        .block_on(
            sandbox
                .s3()
                .create_bucket()
                .bucket(BUCKET)
                .create_bucket_configuration(
                    CreateBucketConfiguration::builder()
                        .location_constraint(BucketLocationConstraint::from(REGION))
                        .build(),
                )
                .send(),
        )
        .unwrap();
}

fn put_gzip(sandbox: &Sandbox, key: &str, text: &str) {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(text.as_bytes()).unwrap();
    let body = enc.finish().unwrap();
    sandbox
        .block_on(
            sandbox
                .s3()
                .put_object()
                .bucket(BUCKET)
                .key(key)
                .body(ByteStream::from(body))
                .send(),
        )
        .unwrap();
}

fn failed_row(sandbox: &Sandbox, correlation_id: &str, cluster: &str) {
    sandbox.create_table();
    let mut item = row(correlation_id, "CYI", "FAILED");
    item.insert("CurrentStep".into(), s("run-cyi"));
    item.insert("Cluster_Id".into(), s(cluster));
    sandbox.put_row(&item);
}

#[test]
fn the_failed_steps_stderr_tail_with_controls_escaped() {
    let sandbox = Sandbox::start();
    bucket(&sandbox);
    let cluster = launch(&sandbox, Some("s3n://cyi-logs/emr/cyi/"), "run-1");
    let step = step_id(&sandbox, &cluster, "run-cyi");
    let mut text: String = (1..=500).map(|i| format!("line {i}\n")).collect();
    text.push_str("\x1b[2J\x1b]0;owned\x07Exception in thread main\n");
    let key = format!("emr/cyi/{cluster}/steps/{step}/stderr.gz");
    put_gzip(&sandbox, &key, &text);
    failed_row(&sandbox, "run-1", &cluster);
    sandbox.clear_calls();

    let out = sandbox
        .cyi()
        .args(["logs", "--correlation-id", "run-1", "--lines", "3"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !stdout.contains('\x1b') && !stdout.contains('\x07'),
        "{stdout:?}"
    );
    assert!(
        stdout
            .ends_with("line 499\nline 500\n\\x1b[2J\\x1b]0;owned\\x07Exception in thread main\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("step run-cyi ({step})")),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("s3://{BUCKET}/{key} (last 3 of 501 lines)")),
        "{stdout}"
    );
    let gets = sandbox.calls_of("GetObject");
    assert_eq!(gets.len(), 1);
    assert_eq!(gets[0].params["Key"], key.as_str());

    let out = sandbox
        .cyi()
        .args(["logs", "--correlation-id", "run-1", "--output", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["cluster_id"], cluster.as_str());
    assert_eq!(doc["step"]["id"], step.as_str());
    assert_eq!(doc["step"]["name"], "run-cyi");
    assert_eq!(doc["file"], "stderr");
    assert_eq!(doc["s3_uri"], format!("s3://{BUCKET}/{key}"));
    assert_eq!(doc["line_count"], 501);
    let lines = doc["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 100);
    assert_eq!(lines[0], "line 402");
}

#[test]
fn a_chosen_step_and_file_of_a_tagged_cluster_whole() {
    let sandbox = Sandbox::start();
    bucket(&sandbox);
    sandbox.create_table();
    let older = launch(&sandbox, Some("s3://cyi-logs"), "run-2");
    let newer = launch(&sandbox, Some("s3://cyi-logs"), "run-2");
    launch(&sandbox, Some("s3://cyi-logs"), "another-run");
    for cluster in [&older, &newer] {
        let step = step_id(&sandbox, cluster, "setup");
        let key = format!("{cluster}/steps/{step}/controller.gz");
        put_gzip(
            &sandbox,
            &key,
            &format!("controller of {cluster}\nsecond line\n"),
        );
    }

    // No row: the newest cluster tagged with the id.
    let out = sandbox
        .cyi()
        .args(["logs", "--correlation-id", "run-2", "--step", "setup"])
        .args(["--file", "controller", "--all"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("(whole file)"), "{stdout}");
    assert!(
        stdout.ends_with(&format!("controller of {newer}\nsecond line\n")),
        "{stdout}"
    );

    // By cluster id and step id.
    let step = step_id(&sandbox, &older, "setup");
    let out = sandbox
        .cyi()
        .args([
            "logs",
            "--cluster-id",
            &older,
            "--step",
            &step,
            "--file",
            "controller",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains(&format!("controller of {older}")),
        "{stdout}"
    );
}

#[test]
fn no_log_uri_not_delivered_and_no_such_run_exit_1() {
    let sandbox = Sandbox::start();
    bucket(&sandbox);
    let unlogged = launch(&sandbox, None, "run-a");
    let logged = launch(&sandbox, Some("s3://cyi-logs/emr"), "run-b");
    sandbox.create_table();

    let run = |args: &[&str]| {
        let out = sandbox.cyi().arg("logs").args(args).output().unwrap();
        (out.status.code(), String::from_utf8(out.stderr).unwrap())
    };
    let (code, stderr) = run(&["--cluster-id", &unlogged]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("cluster {unlogged} has no LogUri")),
        "{stderr}"
    );
    assert!(stderr.contains("cluster.yaml"), "{stderr}");

    let (code, stderr) = run(&["--correlation-id", "run-b", "--step", "setup"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("not delivered yet"), "{stderr}");
    assert!(
        stderr.contains(&format!("s3://cyi-logs/emr/{logged}/steps/")),
        "{stderr}"
    );
    assert!(stderr.contains("five minutes"), "{stderr}");

    // A step that has not run will never have logs: that is said instead.
    let (code, stderr) = run(&["--cluster-id", &logged, "--step", "flush"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("has not run, so it has no logs"),
        "{stderr}"
    );

    let (code, stderr) = run(&["--correlation-id", "never-ran"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("no run never-ran"), "{stderr}");
    sandbox.put_row(&row("ghost", "CYI", "FAILED"));
    let (code, stderr) = run(&["--correlation-id", "ghost"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("its row names cluster j-NOTACLUSTER, which EMR does not know"),
        "{stderr}"
    );

    let (code, stderr) = run(&["--cluster-id", "j-NOSUCHCLUSTER1"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("no cluster j-NOSUCHCLUSTER1"), "{stderr}");

    let (code, stderr) = run(&["--cluster-id", &logged, "--step", "nope"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("steps: setup ("), "{stderr}");
}
