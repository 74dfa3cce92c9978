//! Scripting the harness's EMR behaviour layer (`emr_behaviour.py`) and its network
//! (latency, throttling), and reading the calls with their timing.
//!
//! moto alone never leaves WAITING, never fails a step, never ends in
//! TERMINATED_WITH_ERRORS, never shows TERMINATING and never refuses a protected batch.
//! An [`EmrWorld`] posted to the sandbox makes its EMR answer as real EMR would; a
//! sandbox with no script posted is plain moto.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use serde_json::{Map, Value, json};

use super::Sandbox;

/// One state of a cluster's life, held for `seconds` (the last one for ever).
#[derive(Debug, Clone)]
pub struct Phase {
    state: &'static str,
    seconds: f64,
    reason: Option<(&'static str, String)>,
}

impl Phase {
    pub fn new(state: &'static str, seconds: f64) -> Phase {
        Phase {
            state,
            seconds,
            reason: None,
        }
    }

    /// With the StateChangeReason EMR gives for it (`Code`, `Message`).
    pub fn because(mut self, code: &'static str, message: &str) -> Phase {
        self.reason = Some((code, message.to_owned()));
        self
    }

    fn to_json(&self) -> Value {
        let mut phase = json!({"state": self.state, "seconds": self.seconds});
        if let Some((code, message)) = &self.reason {
            phase["reason"] = json!({"Code": code, "Message": message});
        }
        phase
    }
}

/// STARTING, BOOTSTRAPPING, RUNNING for `each` seconds, then `last` for ever.
pub fn starting_then(each: f64, last: Phase) -> Vec<Phase> {
    vec![
        Phase::new("STARTING", each),
        Phase::new("BOOTSTRAPPING", each),
        Phase::new("RUNNING", each),
        last,
    ]
}

fn phases(list: &[Phase]) -> Value {
    Value::Array(list.iter().map(Phase::to_json).collect())
}

/// A script for the EMR behaviour layer; [`EmrWorld::apply`] replaces the sandbox's.
#[derive(Debug, Default, Clone)]
pub struct EmrWorld {
    script: Map<String, Value>,
}

impl EmrWorld {
    pub fn new() -> EmrWorld {
        EmrWorld::default()
    }

    /// Every cluster RunJobFlow creates from now on lives through `life`.
    pub fn new_clusters(mut self, life: &[Phase]) -> EmrWorld {
        self.script.insert("new_clusters".into(), phases(life));
        self
    }

    /// An existing cluster lives through `life`, timed from [`EmrWorld::apply`].
    pub fn cluster(mut self, id: &str, life: &[Phase]) -> EmrWorld {
        self.script
            .entry("clusters")
            .or_insert_with(|| json!({}))
            .as_object_mut()
            .unwrap()
            .insert(id.into(), phases(life));
        self
    }

    /// Terminated clusters show TERMINATING for this long, then TERMINATED.
    pub fn terminating_for(mut self, seconds: f64) -> EmrWorld {
        self.script
            .insert("terminating_seconds".into(), json!(seconds));
        self
    }

    /// Terminated clusters stay TERMINATING for as long as the test runs.
    pub fn terminating_for_ever(self) -> EmrWorld {
        self.terminating_for(-1.0)
    }

    /// A TerminateJobFlows naming a protected cluster is refused as a whole
    /// (ValidationException, nothing terminated), as real EMR does.
    pub fn refuse_protected_batches(mut self) -> EmrWorld {
        self.script.insert("refuse_protected".into(), json!(true));
        self
    }

    /// ListClusters also returns TERMINATING clusters whatever ClusterStates asked for,
    /// as a list read from a lagging replica may: the caller must re-check the state.
    pub fn stale_lists(mut self) -> EmrWorld {
        self.script.insert("stale_lists".into(), json!(true));
        self
    }

    /// The step named (or with the id) `step` of `cluster` ("*": any cluster) is FAILED
    /// with these FailureDetails in ListSteps and DescribeStep.
    pub fn failed_step(
        self,
        cluster: &str,
        step: &str,
        reason: &str,
        message: &str,
        log_file: &str,
    ) -> EmrWorld {
        let details = json!({"Reason": reason, "Message": message, "LogFile": log_file});
        self.step(cluster, step, "FAILED", Some(details))
    }

    /// The step is shown in `state` (e.g. COMPLETED, CANCELLED).
    pub fn step(
        mut self,
        cluster: &str,
        step: &str,
        state: &str,
        failure: Option<Value>,
    ) -> EmrWorld {
        let mut rule = json!({"cluster": cluster, "step": step, "state": state});
        if let Some(details) = failure {
            rule["FailureDetails"] = details;
        }
        self.script
            .entry("steps")
            .or_insert_with(|| json!([]))
            .as_array_mut()
            .unwrap()
            .push(rule);
        self
    }

    /// DescribeCluster calls above `per_second` (after a burst of `burst`) answer
    /// ThrottlingException in EMR's JSON error format.
    pub fn describe_cluster_rate(mut self, per_second: f64, burst: f64) -> EmrWorld {
        self.script.insert(
            "describe_cluster_rate".into(),
            json!({"per_second": per_second, "burst": burst}),
        );
        self
    }

    pub fn apply(self, sandbox: &Sandbox) {
        let script = Value::Object(self.script).to_string();
        sandbox.control("POST", "/_harness/emr", &script);
    }
}

/// Every AWS call from now on takes `latency_ms` longer (one simulated round trip), and
/// every `throttle_every`-th call (0: none) answers with the service's throttling error.
pub fn set_network(sandbox: &Sandbox, latency_ms: u64, throttle_every: u32) {
    let body = json!({"latency_ms": latency_ms, "throttle_every": throttle_every});
    sandbox.control("POST", "/_harness/network", &body.to_string());
}

/// One recorded call with its timing: seconds on the harness's monotonic clock.
#[derive(Debug, Clone)]
pub struct TimedCall {
    pub operation: String,
    pub params: Value,
    /// When the request reached the harness (the client had sent it).
    pub arrived: f64,
    /// When its whole answer was ready to go back, after any injected latency; None
    /// for a call never answered.
    pub completed: Option<f64>,
    pub status: Option<u16>,
    /// The injected fault, if any ("throttle", "rate", "500", ...).
    pub fault: Option<String>,
}

/// Every call recorded so far, in arrival order, with its timing.
pub fn timed_calls(sandbox: &Sandbox) -> Vec<TimedCall> {
    let body = sandbox.control("GET", "/_harness/calls", "");
    let list: Vec<Value> = serde_json::from_str(&body).unwrap();
    list.into_iter()
        .map(|c| TimedCall {
            operation: c["operation"].as_str().unwrap_or_default().to_owned(),
            params: c["params"].clone(),
            arrived: c["arrived"].as_f64().unwrap(),
            completed: c["completed"].as_f64(),
            status: c["status"].as_u64().and_then(|s| u16::try_from(s).ok()),
            fault: c["fault"].as_str().map(str::to_owned),
        })
        .collect()
}

/// `count` clusters named `name`, alive (WAITING in moto); their ids.
pub fn launch_many(sandbox: &Sandbox, name: &str, count: usize) -> Vec<String> {
    (0..count)
        .map(|_| sandbox.launch_cluster(name, &[]))
        .collect()
}

/// A cluster named `name` with one HadoopJarStep per name in `steps`; its id.
pub fn launch_with_steps(
    sandbox: &Sandbox,
    name: &str,
    tags: &[(&str, &str)],
    steps: &[&str],
) -> String {
    use aws_sdk_emr::types::{
        ActionOnFailure, HadoopJarStepConfig, JobFlowInstancesConfig, StepConfig, Tag,
    };
    let tags: Vec<Tag> = tags
        .iter()
        .map(|(k, v)| Tag::builder().key(*k).value(*v).build())
        .collect();
    let steps: Vec<StepConfig> = steps
        .iter()
        .map(|step| {
            StepConfig::builder()
                .name(*step)
                .action_on_failure(ActionOnFailure::TerminateCluster)
                .hadoop_jar_step(
                    HadoopJarStepConfig::builder()
                        .jar("command-runner.jar")
                        .args(format!("/var/ci/{step}.sh"))
                        .build(),
                )
                .build()
        })
        .collect();
    let out = sandbox
        .block_on(
            sandbox
                .emr()
                .run_job_flow()
                .name(name)
                .release_label("emr-6.3.0")
                .instances(
                    JobFlowInstancesConfig::builder()
                        .instance_count(1)
                        .master_instance_type("m5.xlarge")
                        .keep_job_flow_alive_when_no_steps(true)
                        .build(),
                )
                .set_tags(Some(tags))
                .set_steps(Some(steps))
                .send(),
        )
        .unwrap();
    out.job_flow_id.unwrap()
}
