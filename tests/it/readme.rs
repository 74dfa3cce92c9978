//! README.md's console examples are checked: each ```console block runs, command by
//! command, against a fresh sandbox seeded with the shared CYI world as of a fixed day
//! (2026-11-24, the dates the README shows), and its output must match the block.
//!
//! Compared after normalising both sides (cluster ids, clock times, ages, archive
//! entries, step ids, the home directory as `~`; runs of spaces count as one, so table widths may differ). A line `...` in
//! the README stands for any number of lines. A block may be preceded by
//! `<!-- readme-check: no-credentials -->` to run without AWS credentials.

use std::fs::File;
use std::path::Path;
use std::process::Stdio;

use crate::support::Sandbox;
use crate::support::normalize::normalize;

/// The day the README's examples were taken on (the seed's "today").
const README_TODAY: &str = "2026-11-24";

struct Example {
    /// The line in README.md of the `$ cyi ...` command.
    line: usize,
    args: Vec<String>,
    expected: Vec<String>,
}

struct Block {
    no_credentials: bool,
    examples: Vec<Example>,
}

fn blocks(readme: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut current: Option<Block> = None;
    let mut previous = "";
    for (index, line) in readme.lines().enumerate() {
        match current.as_mut() {
            None if line == "```console" => {
                current = Some(Block {
                    no_credentials: previous.contains("readme-check: no-credentials"),
                    examples: Vec::new(),
                });
            }
            None => {}
            Some(_) if line == "```" => blocks.extend(current.take()),
            Some(block) => {
                if let Some(command) = line.strip_prefix("$ cyi ") {
                    assert!(
                        !command.contains(['"', '\'', '\\', '$']),
                        "README.md:{}: keep example commands free of shell quoting",
                        index + 1
                    );
                    block.examples.push(Example {
                        line: index + 1,
                        args: command.split_whitespace().map(str::to_owned).collect(),
                        expected: Vec::new(),
                    });
                } else {
                    let example = block.examples.last_mut().unwrap_or_else(|| {
                        panic!(
                            "README.md:{}: a console block starts with `$ cyi`",
                            index + 1
                        )
                    });
                    example.expected.push(line.to_owned());
                }
            }
        }
        previous = line;
    }
    blocks
}

/// A line as compared: normalised, trailing spaces dropped, runs of spaces made one.
fn comparable(sandbox: &Sandbox, text: &str) -> Vec<String> {
    // The README writes the home directory as `~`.
    normalize(sandbox, text)
        .replace("[HOME]/", "~/")
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
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

/// Runs one block's commands in order on a fresh seeded sandbox; what drifted.
fn check_block(block: Block) -> Vec<String> {
    let sandbox = Sandbox::start();
    sandbox.seed_world(README_TODAY);
    let mut drifted = Vec::new();
    for example in block.examples {
        let output = run(&sandbox, &example.args, block.no_credentials);
        let actual = comparable(&sandbox, &output);
        let expected = comparable(&sandbox, &example.expected.join("\n"));
        if !matches(&expected, &actual) {
            drifted.push(format!(
                "README.md:{}: `cyi {}` printed (normalised):\n{}\n",
                example.line,
                example.args.join(" "),
                actual.join("\n")
            ));
        }
    }
    drifted
}

#[test]
fn readme_console_examples_are_real_output() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let blocks = blocks(&readme);
    assert!(blocks.len() >= 5, "README.md lost its console examples");
    // One sandbox per block, all at once: each block starts from the seeded world.
    let drifted: Vec<String> = std::thread::scope(|scope| {
        let runs: Vec<_> = blocks
            .into_iter()
            .map(|block| scope.spawn(move || check_block(block)))
            .collect();
        runs.into_iter()
            .flat_map(|run| run.join().unwrap())
            .collect()
    });
    assert!(
        drifted.is_empty(),
        "README examples differ from the real output:\n{}",
        drifted.join("\n")
    );
}

#[test]
fn an_ellipsis_matches_any_lines() {
    let lines = |s: &str| s.lines().map(str::to_owned).collect::<Vec<_>>();
    assert!(matches(&lines("a\n...\nd"), &lines("a\nb\nc\nd")));
    assert!(matches(&lines("a\n...\nb"), &lines("a\nb")));
    assert!(!matches(&lines("a\n...\nd"), &lines("a\nb\nc")));
    assert!(!matches(&lines("a\nb"), &lines("a\nb\nc")));
}
