//! `cyi clusters` against a real moto server: which clusters it lists, in both formats,
//! with and without a config file, and how many calls it makes.

use crate::support::Sandbox;
use serde_json::Value;

fn listed_ids(json: &[u8]) -> Vec<String> {
    let doc: Value = serde_json::from_slice(json).unwrap();
    let mut ids: Vec<String> = doc["clusters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    ids
}

#[test]
fn lists_exactly_the_active_cyi_clusters() {
    let sandbox = Sandbox::start();
    let mut ours = vec![
        sandbox.launch_cluster("cyi", &[("Correlation_Id", "run-1")]),
        sandbox.launch_cluster("cyi", &[]),
    ];
    ours.sort();
    let finished = sandbox.launch_cluster("cyi", &[]);
    sandbox.terminate_cluster(&finished);
    let others = [
        sandbox.launch_cluster("legacyimport", &[]),
        sandbox.launch_cluster("cyi-test", &[]),
        sandbox.launch_cluster("aws-ucfs-claimant", &[]),
    ];

    let out = sandbox
        .cyi()
        .args(["clusters", "--output", "json"])
        .assert()
        .success();
    let output = out.get_output();
    assert_eq!(listed_ids(&output.stdout), ours);
    let doc: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(doc["environment"], "default");
    assert_eq!(doc["region"], "eu-west-2");
    assert_eq!(doc["cluster_name"], "cyi");
    assert!(doc["clusters"][0]["created"].is_string());
    assert!(doc["clusters"][0]["age_seconds"].is_i64());
    assert_eq!(doc["clusters"][0]["state"], "WAITING");

    let out = sandbox.cyi().arg("clusters").assert().success();
    let table = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    for id in &ours {
        assert!(table.contains(id.as_str()), "{id} missing from\n{table}");
    }
    for id in others.iter().chain([&finished]) {
        assert!(!table.contains(id.as_str()), "{id} listed in\n{table}");
    }
    assert!(table.contains("2 active 'cyi' clusters"), "{table}");
}

#[test]
fn follows_every_page_with_the_fewest_calls() {
    let sandbox = Sandbox::start();
    let mut ours: Vec<String> = (0..53)
        .map(|_| sandbox.launch_cluster("cyi", &[]))
        .collect();
    ours.sort();
    for _ in 0..5 {
        sandbox.launch_cluster("other", &[]);
    }
    sandbox.clear_calls();

    let out = sandbox
        .cyi()
        .args(["clusters", "--output", "json"])
        .assert()
        .success();
    assert_eq!(listed_ids(&out.get_output().stdout), ours);
    let calls = sandbox.calls();
    assert_eq!(calls.len(), 2, "58 active clusters are 2 pages: {calls:?}");
    assert!(calls.iter().all(|c| c.operation == "ListClusters"));
    assert!(
        calls[1].params["Marker"].is_string(),
        "second page asked with the marker"
    );
}

#[test]
fn one_cluster_is_counted_in_the_singular_and_only_active_states_are_asked_for() {
    let sandbox = Sandbox::start();
    sandbox.launch_cluster("cyi", &[]);
    sandbox.clear_calls();
    let out = sandbox.cyi().arg("clusters").assert().success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(
        text.contains("1 active 'cyi' cluster in default (eu-west-2)."),
        "{text}"
    );
    let calls = sandbox.calls_of("ListClusters");
    let mut states: Vec<&str> = calls[0].params["ClusterStates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    states.sort_unstable();
    assert_eq!(states, ["BOOTSTRAPPING", "RUNNING", "STARTING", "WAITING"]);
}

#[test]
fn nothing_to_list_is_success() {
    let sandbox = Sandbox::start();
    sandbox.launch_cluster("legacyimport", &[]);
    let out = sandbox.cyi().arg("clusters").assert().success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(
        text.contains("No active 'cyi' clusters in default (eu-west-2)."),
        "{text}"
    );
}

#[test]
fn environment_from_the_config_file_sets_endpoint_region_and_name() {
    let sandbox = Sandbox::start();
    let mine = sandbox.launch_cluster("cyi-dev", &[]);
    sandbox.launch_cluster("cyi", &[]);
    sandbox.write_config(&format!(
        "[env.dev]\nregion = \"eu-west-2\"\nendpoint_url = \"{}\"\ncluster_name = \"cyi-dev\"\n\n[env.qa]\nregion = \"eu-west-2\"\n",
        sandbox.endpoint()
    ));
    let out = sandbox
        .cyi()
        .env_remove("AWS_ENDPOINT_URL")
        .env_remove("AWS_REGION")
        .args(["--env", "dev", "clusters", "--output", "json"])
        .assert()
        .success();
    assert_eq!(listed_ids(&out.get_output().stdout), vec![mine]);
    let doc: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(doc["environment"], "dev");
}

#[test]
fn unknown_environment_lists_the_known_ones_and_calls_nothing() {
    let sandbox = Sandbox::start();
    sandbox.write_config("[env.dev]\n[env.production]\nprotected = true\n");
    let out = sandbox
        .cyi()
        .args(["--env", "prod", "clusters"])
        .assert()
        .code(2);
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(
        stderr.contains("unknown environment 'prod' in cyi.toml"),
        "{stderr}"
    );
    assert!(
        stderr.contains("known environments: dev, production"),
        "{stderr}"
    );
    assert!(sandbox.calls().is_empty());
}

#[test]
fn config_file_errors_name_the_key() {
    let sandbox = Sandbox::start();
    sandbox.write_config("[env.dev]\nrole_arn = \"ci\"\n");
    let out = sandbox
        .cyi()
        .args(["--env", "dev", "clusters"])
        .assert()
        .code(2);
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(stderr.contains("env.dev.role_arn"), "{stderr}");
    assert!(sandbox.calls().is_empty());
}

#[test]
fn verbose_shows_each_call_on_stderr_only() {
    let sandbox = Sandbox::start();
    let out = sandbox
        .cyi()
        .args(["clusters", "-v", "--output", "json"])
        .assert()
        .success();
    let output = out.get_output();
    let stderr = String::from_utf8(output.stderr.clone()).unwrap();
    assert!(stderr.contains("aws → emr:ListClusters"), "{stderr}");
    assert!(stderr.contains("aws ← emr:ListClusters 200"), "{stderr}");
    let doc: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(doc["clusters"].as_array().unwrap().is_empty());
}

#[test]
fn unreachable_endpoint_is_one_clear_line() {
    let sandbox = Sandbox::start();
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let out = sandbox
        .cyi()
        .args([
            "clusters",
            "--endpoint-url",
            &format!("http://127.0.0.1:{port}"),
        ])
        .assert()
        .code(1);
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(
        stderr.starts_with("error: emr:ListClusters failed: cannot reach the AWS endpoint"),
        "{stderr}"
    );
    assert!(stderr.contains("hint:"), "{stderr}");
    assert_eq!(stderr.lines().count(), 2, "{stderr}");
}

#[test]
fn missing_credentials_say_what_to_set() {
    let sandbox = Sandbox::start();
    let out = sandbox
        .cyi()
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .arg("clusters")
        .assert()
        .code(1);
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(
        stderr.contains("no usable AWS credentials were found"),
        "{stderr}"
    );
    assert!(stderr.contains("AWS_PROFILE"), "{stderr}");
    assert!(sandbox.calls().is_empty());
}

#[test]
fn missing_region_says_what_to_set() {
    let sandbox = Sandbox::start();
    let out = sandbox
        .cyi()
        .env_remove("AWS_REGION")
        .arg("clusters")
        .assert()
        .code(2);
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(stderr.contains("no AWS region is set"), "{stderr}");
    assert!(sandbox.calls().is_empty());
}
