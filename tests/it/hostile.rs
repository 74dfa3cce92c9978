//! Hostile local files (issue 15, items 6 to 8): a launcher YAML file that is a FIFO,
//! a device, a folder or a dangling link; 200 KB of `[`; a byte order mark; bytes that
//! are not UTF-8. Each is answered at once with exit 2 naming the file (and the limit,
//! or the link's target), and no mutating AWS call; the harmless ones are accepted.

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::json;

use crate::support::Sandbox;
use crate::support::reliability::{finish, record_figure};
use crate::support::start::{EXPORT_DATE, INPUT_BUCKET, fixture, world};

/// What one case does to a copy of the fixture's cluster config folder.
type Setup = fn(&Path);

struct Case {
    what: &'static str,
    setup: Setup,
    /// Each must appear in stderr; `{dir}` stands for the folder.
    needles: &'static [&'static str],
}

fn fifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(status.success());
}

fn replace(dir: &Path, name: &str, with: impl FnOnce(&Path)) {
    let path = dir.join(name);
    std::fs::remove_file(&path).unwrap();
    with(&path);
}

const REFUSED: &[Case] = &[
    Case {
        what: "cluster.yaml is a FIFO",
        setup: |d| replace(d, "cluster.yaml", fifo),
        needles: &["{dir}/cluster.yaml: is not a regular file (a FIFO, socket or device)"],
    },
    Case {
        what: "steps.yaml links to a device",
        setup: |d| {
            replace(d, "steps.yaml", |p| {
                std::os::unix::fs::symlink("/dev/zero", p).unwrap()
            })
        },
        needles: &["{dir}/steps.yaml: is not a regular file"],
    },
    Case {
        what: "instances.yaml is a folder",
        setup: |d| replace(d, "instances.yaml", |p| std::fs::create_dir(p).unwrap()),
        needles: &["{dir}/instances.yaml: is a directory, not a file"],
    },
    Case {
        what: "configurations.yaml is a dangling link",
        setup: |d| {
            replace(d, "configurations.yaml", |p| {
                std::os::unix::fs::symlink("/nowhere/configurations.yaml", p).unwrap()
            })
        },
        needles: &[
            "{dir}/configurations.yaml: is a symbolic link to /nowhere/configurations.yaml, which does not exist",
        ],
    },
    Case {
        what: "200 KB of [ in cluster.yaml",
        setup: |d| std::fs::write(d.join("cluster.yaml"), "[".repeat(200_000)).unwrap(),
        needles: &["cluster.yaml: line 1: nested more than 32 levels deep (the limit)"],
    },
    Case {
        what: "a key holding 200 KB of [ in steps.yaml",
        setup: |d| {
            std::fs::write(
                d.join("steps.yaml"),
                format!("Steps: {}", "[".repeat(200_000)),
            )
            .unwrap()
        },
        needles: &["steps.yaml: line 1: nested more than 32 levels deep (the limit)"],
    },
    Case {
        what: "a 300 KB cluster.yaml",
        setup: |d| {
            let text = format!("Name: cyi\n#{}\n", "x".repeat(300_000));
            std::fs::write(d.join("cluster.yaml"), text).unwrap()
        },
        needles: &["{dir}/cluster.yaml: is larger than the limit of 262144 bytes"],
    },
    Case {
        what: "Latin-1 bytes in instances.yaml",
        setup: |d| {
            let mut bytes = std::fs::read(d.join("instances.yaml")).unwrap();
            bytes.extend_from_slice(b"# caf\xe9\n");
            std::fs::write(d.join("instances.yaml"), bytes).unwrap()
        },
        needles: &["{dir}/instances.yaml: is not UTF-8 text"],
    },
];

const ACCEPTED: &[Case] = &[
    Case {
        what: "a byte order mark at the start of every file",
        setup: |d| {
            for name in [
                "cluster.yaml",
                "configurations.yaml",
                "instances.yaml",
                "steps.yaml",
            ] {
                let text = std::fs::read_to_string(d.join(name)).unwrap();
                std::fs::write(d.join(name), format!("\u{feff}{text}")).unwrap();
            }
        },
        needles: &[],
    },
    Case {
        what: "cluster.yaml is a link to a regular file",
        setup: |d| {
            let real = d.join("real-cluster.yaml");
            std::fs::rename(d.join("cluster.yaml"), &real).unwrap();
            std::os::unix::fs::symlink(&real, d.join("cluster.yaml")).unwrap();
        },
        needles: &[],
    },
];

fn copy_fixture(dir: &Path) {
    let source = fixture("cluster-config");
    for entry in std::fs::read_dir(source).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.join(entry.file_name())).unwrap();
    }
}

fn start_dry_run(sandbox: &Sandbox, dir: &Path) -> (std::process::Output, Duration) {
    let mut cmd = sandbox.cyi_piped();
    cmd.args([
        "start-cluster",
        "--export-date",
        EXPORT_DATE,
        "--correlation-id",
        "run-1",
        "--input-bucket",
        INPUT_BUCKET,
        "--cluster-config",
    ])
    .arg(dir)
    .arg("--dry-run");
    let started = Instant::now();
    let out = finish(cmd.spawn().unwrap(), Duration::from_secs(20));
    (out, started.elapsed())
}

#[test]
fn hostile_launcher_files_are_refused_at_once_naming_the_file() {
    let sandbox = Sandbox::start();
    let _world = world(&sandbox);
    let mut failures = Vec::new();
    let mut slowest = Duration::ZERO;
    for case in REFUSED {
        let dir = tempfile::tempdir().unwrap();
        copy_fixture(dir.path());
        (case.setup)(dir.path());
        let (out, took) = start_dry_run(&sandbox, dir.path());
        slowest = slowest.max(took);
        let stderr = String::from_utf8_lossy(&out.stderr);
        let shown = dir.path().display().to_string();
        let missing: Vec<_> = case
            .needles
            .iter()
            .map(|n| n.replace("{dir}", &shown))
            .filter(|n| !stderr.contains(n.as_str()))
            .collect();
        if out.status.code() != Some(2) || !missing.is_empty() || took > Duration::from_secs(5) {
            failures.push(format!(
                "{}: exit {:?} in {took:?}, missing {missing:?}\n{stderr}",
                case.what,
                out.status.code()
            ));
        }
    }
    assert!(
        sandbox.mutating_calls().is_empty(),
        "{:?}",
        sandbox.mutating_calls()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    record_figure(
        "special-files",
        json!({ "refused": REFUSED.len(), "accepted": ACCEPTED.len(), "hangs": 0,
                "slowest_ms": slowest.as_millis() as u64 }),
    );
}

#[test]
fn harmless_oddities_of_launcher_files_are_accepted() {
    let sandbox = Sandbox::start();
    let _world = world(&sandbox);
    for case in ACCEPTED {
        let dir = tempfile::tempdir().unwrap();
        copy_fixture(dir.path());
        (case.setup)(dir.path());
        let (out, _) = start_dry_run(&sandbox, dir.path());
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}: {}",
            case.what,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert!(sandbox.mutating_calls().is_empty());
}

/// The archive and the config file are read through the same checks as the launcher
/// files: a FIFO is refused at once (exit 2, named), never waited on.
#[test]
fn an_archive_or_config_file_that_is_a_fifo_is_refused_at_once() {
    let sandbox = Sandbox::start();
    let fifo_path = sandbox.home().join("archive.fifo");
    fifo(&fifo_path);
    let mut cmd = sandbox.cyi_piped();
    cmd.args(["restore-row", "--list", "--archive"])
        .arg(&fifo_path);
    let out = finish(cmd.spawn().unwrap(), Duration::from_secs(20));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "cannot read the archive {}: is not a regular file",
            fifo_path.display()
        )),
        "{stderr}"
    );
    let mut cmd = sandbox.cyi_piped();
    cmd.arg("--config").arg(&fifo_path).arg("clusters");
    let out = finish(cmd.spawn().unwrap(), Duration::from_secs(20));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("archive.fifo: is not a regular file"),
        "{stderr}"
    );
}

/// A write never hangs either (issue 15 follow-up): an archive path that is a FIFO with
/// no reader is refused before the delete, at once, with exit 2 naming the path and
/// what it is; the row is still there.
#[test]
fn an_archive_to_write_that_is_a_fifo_is_refused_and_nothing_is_deleted() {
    let sandbox = Sandbox::start();
    sandbox.create_table();
    sandbox.put_row(&crate::support::rows::row("run-1", "CYI", "FAILED"));
    let fifo_path = sandbox.home().join("clears.fifo");
    fifo(&fifo_path);
    sandbox.clear_calls();
    let mut cmd = sandbox.cyi_piped();
    cmd.args([
        "clear-row",
        "--correlation-id",
        "run-1",
        "--yes",
        "--archive",
    ])
    .arg(&fifo_path);
    let started = Instant::now();
    let out = finish(cmd.spawn().unwrap(), Duration::from_secs(20));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(started.elapsed() < Duration::from_secs(10), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "cannot write the archive {}: is a FIFO (named pipe), not a regular file",
            fifo_path.display()
        )),
        "{stderr}"
    );
    // Refused before the plan: nothing read, nothing shown, nobody asked to confirm a
    // clear that could not be archived.
    assert!(
        out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(!stderr.contains("Clear "), "{stderr}");
    assert_eq!(sandbox.count_of(&["GetItem", "DeleteItem"]), 0);
    assert!(sandbox.get_row("run-1", "CYI").is_some());
    sandbox.clear_calls();

    // restart --fresh clears through the same archive: refused before anything too.
    let mut cmd = sandbox.cyi_piped();
    cmd.args([
        "restart",
        "--correlation-id",
        "run-1",
        "--fresh",
        "--yes",
        "--archive",
    ])
    .arg(&fifo_path);
    let out = finish(cmd.spawn().unwrap(), Duration::from_secs(20));
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        sandbox.count_of(&["GetItem", "DeleteItem", "RunJobFlow"]),
        0
    );
    assert!(sandbox.get_row("run-1", "CYI").is_some());

    // With --output json: one document, the error.
    let mut cmd = sandbox.cyi_piped();
    cmd.args([
        "clear-row",
        "--correlation-id",
        "run-1",
        "--yes",
        "--output",
        "json",
    ])
    .arg("--archive")
    .arg(&fifo_path);
    let out = finish(cmd.spawn().unwrap(), Duration::from_secs(20));
    assert_eq!(out.status.code(), Some(2));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["error"]["code"], "usage", "{doc}");
    assert!(
        doc["error"]["message"]
            .as_str()
            .unwrap()
            .contains("is a FIFO (named pipe)"),
        "{doc}"
    );
    assert!(sandbox.get_row("run-1", "CYI").is_some());
}
