//! `scripts/sandbox` never acts on a server it did not start: a port held by another
//! program is refused before anything is built, seeded or run, and `stop` never kills
//! a process that is not its own moto. Fast: neither path builds cyi or starts moto.

use std::io::Read;
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};

fn sandbox_script(dir: &Path, port: u16, mode: &[&str]) -> Output {
    Command::new("bash")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/sandbox"))
        .args(mode)
        .env("CYI_SANDBOX_DIR", dir)
        .env("CYI_SANDBOX_PORT", port.to_string())
        .env_remove("CYI_TEST_PYTHON")
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn a_port_held_by_another_server_is_refused_and_that_server_gets_no_request() {
    let foreign = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = foreign.local_addr().unwrap().port();
    let received = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&received);
    std::thread::spawn(move || {
        for stream in foreign.incoming() {
            let Ok(mut stream) = stream else { break };
            let mut bytes = Vec::new();
            let _ = stream.read_to_end(&mut bytes);
            sink.lock().unwrap().extend(bytes);
        }
    });
    let dir = tempfile::tempdir().unwrap();

    for mode in [&[][..], &["--check"][..]] {
        let out = sandbox_script(dir.path(), port, mode);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{mode:?}: {stderr}");
        assert!(
            stderr.contains(&format!(
                "port {port} is in use by a server this sandbox did not start"
            )),
            "{stderr}"
        );
        assert!(stderr.contains("CYI_SANDBOX_PORT"), "{stderr}");
        assert!(
            !text(&out.stdout).contains("ok   cyi"),
            "{}",
            text(&out.stdout)
        );
    }
    std::thread::sleep(std::time::Duration::from_millis(100));
    let received = received.lock().unwrap();
    assert!(
        received.is_empty(),
        "the foreign server was sent: {}",
        text(&received)
    );
    assert!(!dir.path().join("env.sh").exists(), "an env.sh was written");
    assert!(!dir.path().join("moto.pid").exists());
}

#[test]
fn stop_says_nothing_was_running_and_never_kills_another_process() {
    let dir = tempfile::tempdir().unwrap();
    let out = sandbox_script(dir.path(), 5055, &["stop"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        text(&out.stdout).contains("no sandbox was running"),
        "{}",
        text(&out.stdout)
    );

    // A pid file left behind, whose pid now belongs to some other program.
    let mut other = Command::new("sleep").arg("30").spawn().unwrap();
    std::fs::write(dir.path().join("moto.pid"), other.id().to_string()).unwrap();
    let out = sandbox_script(dir.path(), 5055, &["stop"]);
    assert!(
        text(&out.stdout).contains("no sandbox was running"),
        "{}",
        text(&out.stdout)
    );
    assert!(
        other.try_wait().unwrap().is_none(),
        "stop killed a process it did not start"
    );
    other.kill().unwrap();
    other.wait().unwrap();
}

/// The whole sandbox on a free port with the test's own cyi: it ends by printing the
/// exact stop command; its env.sh puts `cyi` on PATH (a script that sources it finds
/// it); that stop command stops it and says so, and the port is free again.
#[test]
fn the_sandbox_runs_on_its_own_server_and_its_closing_line_stops_it() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new("bash")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/sandbox"))
        .env("CYI_SANDBOX_DIR", dir.path())
        .env("CYI_SANDBOX_PORT", port.to_string())
        .env("CYI_SANDBOX_CYI", env!("CARGO_BIN_EXE_cyi"))
        .env("CYI_TEST_PYTHON", crate::support::python())
        .output()
        .unwrap();
    let stdout = text(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}\n{}",
        text(&out.stderr)
    );
    let stop = stdout
        .lines()
        .last()
        .and_then(|l| l.strip_prefix("Stop it with: "))
        .unwrap_or_else(|| panic!("no closing stop command:\n{stdout}"))
        .to_owned();
    assert!(
        stop.contains(&format!("CYI_SANDBOX_PORT={port}"))
            && stop.contains("CYI_SANDBOX_DIR=")
            && stop.ends_with("scripts/sandbox stop"),
        "{stop}"
    );

    let env_sh = dir.path().join("env.sh");
    assert!(!std::fs::read_to_string(&env_sh).unwrap().contains("alias"));
    // A non-interactive script: aliases would not reach it, PATH does.
    let script = format!(
        "source '{}' && command -v cyi && cyi rows",
        env_sh.display()
    );
    let rows = Command::new("bash")
        .args(["-c", &script])
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", dir.path())
        .output()
        .unwrap();
    assert!(rows.status.success(), "{}", text(&rows.stderr));
    assert!(
        text(&rows.stdout).contains("IN_PROGRESS"),
        "{}",
        text(&rows.stdout)
    );

    let stopped = Command::new("bash").args(["-c", &stop]).output().unwrap();
    let said = text(&stopped.stdout);
    assert!(said.contains("sandbox stopped: moto (pid"), "{said}");
    assert!(
        std::net::TcpStream::connect(("127.0.0.1", port)).is_err(),
        "the port still answers after stop"
    );
}
