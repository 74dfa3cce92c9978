//! `cyi status --all-envs` against moto: every environment of the config file read
//! with its own settings; one that cannot be reached (a closed port) is shown with its
//! error, never hiding the others, and makes the exit code 1.

use serde_json::Value;

use crate::support::Sandbox;
use crate::support::rows::{row, s};

fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

#[test]
fn one_unreachable_environment_is_an_error_column_not_a_blackout() {
    let sandbox = Sandbox::start();
    sandbox.create_table();
    let live = sandbox.launch_cluster("cyi", &[("Correlation_Id", "running")]);
    let mut running = row("running", "CYI", "IN_PROGRESS");
    running.insert("Cluster_Id".into(), s(&live));
    sandbox.put_row(&running);
    sandbox.put_row(&row("stale", "CYI", "IN_PROGRESS"));
    sandbox.put_row(&row("failed", "CYI", "FAILED"));
    sandbox.put_row(&row("done", "CYI", "COMPLETED"));
    sandbox.write_config(&format!(
        r#"
[env.alpha]
region = "eu-west-2"

[env.broken]
region = "eu-west-2"
endpoint_url = "http://127.0.0.1:{}"

[env.misconfigured]
region = "eu-west-2"
role_arn = "ci"

[env.production]
region = "eu-west-2"
account = "123456789012"
protected = true
"#,
        closed_port()
    ));
    sandbox.clear_calls();

    let out = sandbox
        .cyi()
        .args(["status", "--all-envs", "--output", "json"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("2 of 4 environments could not be read: broken, misconfigured"),
        "{stderr}"
    );
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let envs = doc["environments"].as_array().unwrap();
    let names: Vec<&str> = envs
        .iter()
        .map(|e| e["environment"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["alpha", "broken", "misconfigured", "production"]);
    for env in [&envs[0], &envs[3]] {
        assert_eq!(env["account"], "123456789012", "{env}");
        assert_eq!(env["active_clusters"], 1, "{env}");
        assert_eq!(env["in_progress"], 2, "{env}");
        assert_eq!(env["failed"], 1, "{env}");
        assert_eq!(env["stale"], 1, "{env}");
        assert!(env["error"].is_null(), "{env}");
    }
    assert_eq!(envs[3]["protected"], true);
    let misconfigured = envs[2]["error"].as_str().unwrap();
    assert!(
        misconfigured.contains("env.misconfigured.role_arn"),
        "{misconfigured}"
    );
    let broken = &envs[1];
    assert!(broken["active_clusters"].is_null(), "{broken}");
    let error = broken["error"].as_str().unwrap();
    assert!(error.contains("cannot reach the AWS endpoint"), "{error}");
    // Read-only: nothing but reads reached the sandbox.
    for call in sandbox.calls() {
        assert!(
            [
                "GetCallerIdentity",
                "ListClusters",
                "DescribeCluster",
                "Scan"
            ]
            .contains(&call.operation.as_str()),
            "{call:?}"
        );
    }

    // The table: one line per environment, the error in its own column.
    let out = sandbox
        .cyi()
        .args(["status", "--all-envs"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("ERROR"), "{text}");
    assert!(text.contains("production (protected)"), "{text}");
    let broken_line = text
        .lines()
        .find(|l| l.trim_start().starts_with("broken"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(broken_line.contains("cannot reach"), "{text}");
}

#[test]
fn all_envs_needs_environments_and_refuses_a_single_place() {
    let sandbox = Sandbox::start();
    let out = sandbox
        .cyi()
        .args(["status", "--all-envs"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("needs a config file"));
    sandbox.write_config("[env.dev]\n");
    let out = sandbox
        .cyi()
        .args(["status", "--all-envs", "--env", "dev"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(sandbox.calls().is_empty(), "{:?}", sandbox.calls());
}
