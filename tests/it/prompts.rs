//! The confirmation prompt on a real pty: a keypress typed early cannot confirm, an
//! answer needs Enter, and Ctrl-C cancels cleanly.

use std::time::Duration;

use crate::support::{Sandbox, pty};

const PROMPT: &str = "Terminate 1 cluster in default? [y/N]";

#[test]
fn type_ahead_before_the_prompt_is_discarded() {
    let sandbox = Sandbox::start();
    let id = sandbox.launch_cluster("cyi", &[]);
    let mut session = pty::spawn(&sandbox, &["stop-clusters"]);
    // Typed at once, long before the plan is drawn.
    session.send_line("y").unwrap();
    session.exp_string(PROMPT).unwrap();
    std::thread::sleep(Duration::from_millis(500));
    assert!(sandbox.calls_of("TerminateJobFlows").is_empty());
    session.send_line("").unwrap();
    session.exp_string("nothing was changed").unwrap();
    assert_eq!(pty::exit_code(session), 1);
    assert!(sandbox.calls_of("TerminateJobFlows").is_empty());
    assert_eq!(sandbox.cluster_state(&id), "WAITING");
}

#[test]
fn y_without_enter_does_nothing_and_yes_with_enter_confirms() {
    let sandbox = Sandbox::start();
    let id = sandbox.launch_cluster("cyi", &[]);
    let mut session = pty::spawn(&sandbox, &["stop-clusters"]);
    session.exp_string(PROMPT).unwrap();
    session.send("Y").unwrap();
    session.flush().unwrap();
    std::thread::sleep(Duration::from_millis(800));
    assert!(sandbox.calls_of("TerminateJobFlows").is_empty());
    assert_eq!(sandbox.cluster_state(&id), "WAITING");
    session.send("ES").unwrap();
    session.send_line("").unwrap();
    session.exp_string("1 of 1 cluster terminating.").unwrap();
    assert_eq!(pty::exit_code(session), 0);
    assert_eq!(sandbox.cluster_state(&id), "TERMINATED");
}

#[test]
fn ctrl_c_at_the_prompt_cancels_with_one_line_and_exit_130() {
    let sandbox = Sandbox::start();
    let id = sandbox.launch_cluster("cyi", &[]);
    let mut session = pty::spawn(&sandbox, &["stop-clusters"]);
    session.exp_string(PROMPT).unwrap();
    session.send_control('c').unwrap();
    let (_, after) = session
        .exp_regex("cancelled; nothing was changed\r?\n")
        .unwrap();
    assert!(after.starts_with("cancelled"), "{after:?}");
    let rest = session.exp_eof().unwrap();
    assert!(!rest.contains("error"), "{rest:?}");
    match session.process().wait().unwrap() {
        rexpect::process::WaitStatus::Exited(_, code) => assert_eq!(code, 130),
        other => panic!("cyi did not exit normally: {other:?}"),
    }
    assert!(sandbox.calls_of("TerminateJobFlows").is_empty());
    assert_eq!(sandbox.cluster_state(&id), "WAITING");
}

#[test]
fn a_protected_environment_name_typed_ahead_is_discarded() {
    let sandbox = Sandbox::start();
    sandbox.write_config(&format!(
        "[env.production]\nprotected = true\nendpoint_url = \"{}\"\n",
        sandbox.endpoint()
    ));
    let id = sandbox.launch_cluster("cyi", &[]);
    let mut session = pty::spawn(&sandbox, &["--env", "production", "stop-clusters"]);
    session.send_line("production").unwrap();
    session
        .exp_string(
            "'production' is a protected environment. To terminate 1 cluster, type its name",
        )
        .unwrap();
    std::thread::sleep(Duration::from_millis(500));
    assert!(sandbox.calls_of("TerminateJobFlows").is_empty());
    session.send_line("").unwrap();
    session.exp_string("'' is not 'production'").unwrap();
    assert_eq!(pty::exit_code(session), 1);
    assert_eq!(sandbox.cluster_state(&id), "WAITING");
}
