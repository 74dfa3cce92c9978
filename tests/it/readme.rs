//! The console examples of README.md and docs/RUNBOOK.md are checked: each ```console
//! block runs, command by command, against a sandbox reset and seeded with the shared
//! CYI world as of a fixed day (2026-11-24, the dates the documents show), and its
//! output must match the block. A few sandboxes per document take the blocks in turn.
//!
//! Compared after normalising both sides (cluster ids, clock times, ages, archive
//! entries, step ids, the home directory as `~`; runs of spaces count as one, so table
//! widths may differ). A line `...` stands for any number of lines. A block may be
//! indented (inside a list item): its fence's indentation is taken off every line. The
//! line before a block may hold `<!-- docs-check: ... -->` directives:
//! `no-credentials` runs it without AWS credentials; `fault OPERATION KIND` makes the
//! harness answer every OPERATION call with that fault (see `Rule` in moto_harness.py).

use std::fs::File;
use std::path::Path;
use std::process::Stdio;
use std::sync::Mutex;

use regex_lite::Regex;
use serde_json::json;

use crate::support::Sandbox;
use crate::support::normalize::normalize;

/// The day the documents' examples were taken on (the seed's "today").
const README_TODAY: &str = "2026-11-24";

struct Example {
    /// Where the `$ cyi ...` command is: `README.md:LINE`.
    place: String,
    args: Vec<String>,
    expected: Vec<String>,
}

struct Block {
    no_credentials: bool,
    /// `(operation, kind)` fault rules set before the block runs.
    faults: Vec<(String, String)>,
    examples: Vec<Example>,
}

/// The directives of a `<!-- docs-check: ... -->` line before a block.
fn directives(line: &str) -> (bool, Vec<(String, String)>) {
    let Some(rest) = line.trim().strip_prefix("<!-- docs-check:") else {
        return (false, Vec::new());
    };
    let rest = rest.trim_end_matches("-->");
    let mut no_credentials = false;
    let mut faults = Vec::new();
    for directive in rest.split(';') {
        match directive.split_whitespace().collect::<Vec<_>>()[..] {
            ["no-credentials"] => no_credentials = true,
            ["fault", operation, kind] => faults.push((operation.to_owned(), kind.to_owned())),
            [] => {}
            _ => panic!("unknown docs-check directive {directive:?} in {line:?}"),
        }
    }
    (no_credentials, faults)
}

fn blocks(name: &str, text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    // The block being read, and its fence's indentation.
    let mut current: Option<(Block, &str)> = None;
    let mut previous = "";
    for (index, line) in text.lines().enumerate() {
        let place = format!("{name}:{}", index + 1);
        match current.as_mut() {
            None if line.trim_start() == "```console" => {
                let (no_credentials, faults) = directives(previous);
                let indent = &line[..line.len() - line.trim_start().len()];
                current = Some((
                    Block {
                        no_credentials,
                        faults,
                        examples: Vec::new(),
                    },
                    indent,
                ));
            }
            None => {}
            Some(_) if line.trim() == "```" => blocks.extend(current.take().map(|(b, _)| b)),
            Some((block, indent)) => {
                let line = line.strip_prefix(*indent).unwrap_or(line);
                if let Some(command) = line.strip_prefix("$ cyi ") {
                    assert!(
                        !command.contains(['"', '\'', '\\', '$']),
                        "{place}: keep example commands free of shell quoting"
                    );
                    block.examples.push(Example {
                        place,
                        args: command.split_whitespace().map(str::to_owned).collect(),
                        expected: Vec::new(),
                    });
                } else {
                    let example = block
                        .examples
                        .last_mut()
                        .unwrap_or_else(|| panic!("{place}: a console block starts with `$ cyi`"));
                    example.expected.push(line.to_owned());
                }
            }
        }
        previous = line;
    }
    assert!(current.is_none(), "{name}: a console block is not closed");
    blocks
}

/// A line as compared: normalised, trailing spaces dropped, runs of spaces made one.
fn comparable(sandbox: &Sandbox, text: &str) -> Vec<String> {
    // The README writes the home directory as `~`.
    normalize(sandbox, text)
        .replace("[HOME]/", "~/")
        .lines()
        // An age that follows a state rather than a time (`cyi status`).
        .map(|l| age_after_state().replace_all(l, "${1}[AGE]").into_owned())
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

fn age_after_state() -> &'static Regex {
    static AGE: std::sync::OnceLock<Regex> = std::sync::OnceLock::new();
    AGE.get_or_init(|| {
        Regex::new(r"\b((?:STARTING|BOOTSTRAPPING|RUNNING|WAITING)\s+)\d+[dhms]( \d+[dhms])?\b")
            .unwrap()
    })
}

/// Whether `actual` matches `expected`, where an expected `...` matches any lines.
fn matches(expected: &[String], actual: &[String]) -> bool {
    match expected.split_first() {
        None => actual.is_empty(),
        Some((first, rest)) if first == "..." => {
            (0..=actual.len()).any(|skip| matches(rest, &actual[skip..]))
        }
        Some((first, rest)) => actual
            .split_first()
            .is_some_and(|(line, others)| line == first && matches(rest, others)),
    }
}

/// `cyi ARGS` with stdout and stderr into one file, in the order they were written.
fn run(sandbox: &Sandbox, args: &[String], no_credentials: bool) -> String {
    let log = sandbox.home().join("readme-example.out");
    let file = File::create(&log).unwrap();
    let mut cmd = sandbox.cyi_std();
    // The default archive (~/.local/state/cyi/archive.jsonl), as the README shows it.
    cmd.env_remove("XDG_STATE_HOME")
        .stdin(Stdio::null())
        .stdout(file.try_clone().unwrap())
        .stderr(file)
        .args(args);
    if no_credentials {
        cmd.env_remove("AWS_ACCESS_KEY_ID")
            .env_remove("AWS_SECRET_ACCESS_KEY");
    }
    cmd.status().unwrap();
    std::fs::read_to_string(&log).unwrap()
}

/// How many sandboxes the blocks of one document share, each running its blocks one
/// after the other: starting a server costs seconds, a reset and a new seed a fraction.
const SANDBOXES: usize = 3;

/// Runs one block's commands in order on `sandbox`, reset and seeded first; what drifted.
fn check_block(sandbox: &Sandbox, block: Block) -> Vec<String> {
    sandbox.reset();
    sandbox.seed_world(README_TODAY);
    if !block.faults.is_empty() {
        let rules: Vec<_> = block
            .faults
            .iter()
            .map(|(operation, kind)| json!({"operation": operation, "kind": kind, "times": -1}))
            .collect();
        sandbox.set_faults(json!(rules));
    }
    let mut drifted = Vec::new();
    for example in block.examples {
        let output = run(sandbox, &example.args, block.no_credentials);
        let actual = comparable(sandbox, &output);
        let expected = comparable(sandbox, &example.expected.join("\n"));
        if !matches(&expected, &actual) {
            drifted.push(format!(
                "{}: `cyi {}` printed (normalised):\n{}\n",
                example.place,
                example.args.join(" "),
                actual.join("\n")
            ));
        }
    }
    drifted
}

/// Checks every console block of the document at `path` (from the crate root); each
/// block starts from the seeded world.
fn check_document(path: &str, at_least: usize) {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap();
    let blocks = blocks(path, &text);
    assert!(blocks.len() >= at_least, "{path} lost its console examples");
    let workers = SANDBOXES.min(blocks.len());
    let queue = Mutex::new(blocks);
    let next = || queue.lock().unwrap().pop();
    let drifted: Vec<String> = std::thread::scope(|scope| {
        let runs: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let sandbox = Sandbox::start();
                    let mut drifted = Vec::new();
                    while let Some(block) = next() {
                        drifted.extend(check_block(&sandbox, block));
                    }
                    drifted
                })
            })
            .collect();
        runs.into_iter()
            .flat_map(|run| run.join().unwrap())
            .collect()
    });
    assert!(
        drifted.is_empty(),
        "{path}: examples differ from the real output:\n{}",
        drifted.join("\n")
    );
}

#[test]
fn readme_console_examples_are_real_output() {
    check_document("README.md", 5);
}

#[test]
fn runbook_console_examples_are_real_output() {
    check_document("docs/RUNBOOK.md", 10);
}

#[test]
fn an_ellipsis_matches_any_lines() {
    let lines = |s: &str| s.lines().map(str::to_owned).collect::<Vec<_>>();
    assert!(matches(&lines("a\n...\nd"), &lines("a\nb\nc\nd")));
    assert!(matches(&lines("a\n...\nb"), &lines("a\nb")));
    assert!(!matches(&lines("a\n...\nd"), &lines("a\nb\nc")));
    assert!(!matches(&lines("a\nb"), &lines("a\nb\nc")));
}

#[test]
fn indented_blocks_and_directives_are_read() {
    let text = "1. Item:\n\n   <!-- docs-check: no-credentials; fault RunJobFlow 500 -->\n   ```console\n   $ cyi status\n   a\n     b\n   ```\n```\n$ cyi not-console\n```\n";
    let found = blocks("T.md", text);
    assert_eq!(found.len(), 1);
    let block = &found[0];
    assert!(block.no_credentials);
    assert_eq!(block.faults, [("RunJobFlow".to_owned(), "500".to_owned())]);
    assert_eq!(block.examples[0].place, "T.md:5");
    assert_eq!(block.examples[0].args, ["status"]);
    assert_eq!(block.examples[0].expected, ["a", "  b"]);
}
