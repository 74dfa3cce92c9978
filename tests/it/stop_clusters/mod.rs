//! `cyi stop-clusters` against a real moto server: which clusters end TERMINATED (checked
//! through the EMR API), how the TerminateJobFlows calls are batched (checked in the
//! recorded requests, since moto does not enforce the limit of 10), and the confirmation
//! rules, including answers typed at a real pty.

mod confirmation;
mod execution;
mod targets;

use crate::support::Sandbox;
use serde_json::Value;

const MUTATING: [&str; 2] = ["TerminateJobFlows", "SetTerminationProtection"];

fn protect(sandbox: &Sandbox, id: &str) {
    sandbox
        .block_on(
            sandbox
                .emr()
                .set_termination_protection()
                .job_flow_ids(id)
                .termination_protected(true)
                .send(),
        )
        .unwrap();
}

fn is_protected(sandbox: &Sandbox, id: &str) -> bool {
    let out = sandbox
        .block_on(sandbox.emr().describe_cluster().cluster_id(id).send())
        .unwrap();
    out.cluster.unwrap().termination_protected.unwrap_or(false)
}

/// The ids sent in each recorded TerminateJobFlows call.
fn terminate_batches(sandbox: &Sandbox) -> Vec<Vec<String>> {
    sandbox
        .calls_of("TerminateJobFlows")
        .iter()
        .map(|c| {
            c.params["JobFlowIds"]
                .as_array()
                .unwrap()
                .iter()
                .map(|id| id.as_str().unwrap().to_owned())
                .collect()
        })
        .collect()
}

fn mutating_calls(sandbox: &Sandbox) -> Vec<String> {
    sandbox
        .calls()
        .into_iter()
        .filter(|c| MUTATING.contains(&c.operation.as_str()))
        .map(|c| format!("{} {}", c.operation, c.params))
        .collect()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

fn document(out: &assert_cmd::assert::Assert) -> Value {
    serde_json::from_slice(&out.get_output().stdout).unwrap()
}

/// Asserts each cluster's outcome in a stop's JSON document, in any order.
fn assert_outcomes(doc: &Value, want: &[(&str, &str)]) {
    let mut got = outcomes(doc);
    got.sort();
    let mut want: Vec<(String, String)> = want
        .iter()
        .map(|(id, outcome)| ((*id).to_owned(), (*outcome).to_owned()))
        .collect();
    want.sort();
    assert_eq!(got, want, "{doc}");
}

fn outcomes(doc: &Value) -> Vec<(String, String)> {
    doc["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap().to_owned(),
                r["outcome"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn protected_env(sandbox: &Sandbox) {
    sandbox.write_config(&format!(
        "[env.production]\nprotected = true\nregion = \"eu-west-2\"\nendpoint_url = \"{}\"\n",
        sandbox.endpoint()
    ));
}
