//! `cyi history` against moto: more clusters than one ListClusters page (50), in
//! several end states, of the product and of another name; tags fetched only for the
//! clusters shown.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::support::Sandbox;

fn history(sandbox: &Sandbox, args: &[&str]) -> Value {
    let out = sandbox
        .cyi()
        .arg("history")
        .args(args)
        .args(["--output", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn every_page_every_state_exact_name_and_tags_only_for_shown_runs() {
    let sandbox = Sandbox::start();
    let mut ours = Vec::new();
    for i in 0..53 {
        let id = format!("run-{i:02}");
        let date = format!("2026-11-{:02}", i % 28 + 1);
        ours.push(
            sandbox.launch_cluster("cyi", &[("Correlation_Id", &id), ("export_date", &date)]),
        );
    }
    for _ in 0..2 {
        sandbox.launch_cluster("legacyimport", &[]);
    }
    for id in &ours[..5] {
        sandbox.terminate_cluster(id);
    }
    sandbox.clear_calls();

    let doc = history(&sandbox, &[]);
    let runs = doc["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 53, "{doc}");
    let lists = sandbox.calls_of("ListClusters");
    assert!(lists.len() >= 2, "one page only: {lists:?}");
    assert!(
        lists[0].params.to_string().contains("CreatedAfter"),
        "{:?}",
        lists[0]
    );
    assert!(
        lists[0]
            .params
            .to_string()
            .contains("TERMINATED_WITH_ERRORS"),
        "{:?}",
        lists[0]
    );
    assert_eq!(sandbox.calls_of("DescribeCluster").len(), 53);

    let by_id: BTreeMap<&str, &Value> = runs
        .iter()
        .map(|r| (r["cluster_id"].as_str().unwrap(), r))
        .collect();
    let first = by_id[ours[0].as_str()];
    assert_eq!(first["correlation_id"], "run-00");
    assert_eq!(first["export_date"], "2026-11-01");
    assert_eq!(first["state"], "TERMINATED");
    assert!(first["duration_seconds"].is_i64(), "{first}");
    let live = by_id[ours[52].as_str()];
    assert_eq!(live["state"], "WAITING");
    assert_eq!(live["outcome"], "running");
    let footer = &doc["footer"];
    assert_eq!(footer["runs"], 53);
    assert_eq!(footer["outcomes"]["running"], 48, "{footer}");
    assert!(footer["total_normalized_instance_hours"].is_i64());

    // --limit: the newest runs only, and DescribeCluster only for them.
    sandbox.clear_calls();
    let doc = history(&sandbox, &["--limit", "4", "--since", "1d"]);
    assert_eq!(doc["runs"].as_array().unwrap().len(), 4);
    assert_eq!(sandbox.calls_of("DescribeCluster").len(), 4);

    // --failed: none of these failed.
    let doc = history(&sandbox, &["--failed"]);
    assert_eq!(doc["runs"].as_array().unwrap().len(), 0);
    assert_eq!(doc["footer"]["runs"], 0);

    // The table ends with the footer.
    let out = sandbox
        .cyi()
        .args(["history", "--limit", "3"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("CORRELATION_ID"), "{text}");
    assert!(text.contains("run-52"), "{text}");
    assert!(
        text.trim_end()
            .ends_with("normalized instance hours in all."),
        "{text}"
    );
}
