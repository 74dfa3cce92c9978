//! The integration tests: one binary (so the AWS SDK is linked once), one module per
//! command or concern, one `support` module. Each test drives the real `cyi` binary
//! against a private moto server behind the recording layer (`support/moto_harness.py`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

mod all_envs;
mod api_calls;
mod assumed_role;
mod bad_input;
mod clear_row;
mod cli;
mod clusters;
mod credentials;
mod endpoints;
mod escapes;
mod faults;
mod history;
mod hostile;
mod iam_policy;
mod layout;
mod lifecycle;
mod logs;
mod mfa_chain;
mod output;
mod prompts;
mod races;
mod readme;
mod restart;
mod restart_insight;
mod sandbox_script;
mod secrets;
mod snapshots;
mod start_cluster;
mod start_cluster_checks;
mod start_cluster_launch;
mod status;
mod stop_clusters;
