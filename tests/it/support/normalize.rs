//! Output made comparable across runs: the sandbox's temporary paths and port, moto's
//! random cluster and step ids, clock times and archive entry ids become placeholders.

use regex_lite::Regex;

use super::Sandbox;

/// Replaces what differs between two runs of the same command with placeholders.
pub fn normalize(sandbox: &Sandbox, text: &str) -> String {
    let home = sandbox.home().to_string_lossy().into_owned();
    let text = text
        .replace(&home, "[HOME]")
        .replace(&format!("127.0.0.1:{}", sandbox.port), "127.0.0.1:[PORT]");
    let rules = [
        // moto's cluster ids: `j-` and 13 upper-case letters and digits
        (r"\bj-[A-Z0-9]{13}\b", "j-[CLUSTER]"),
        // and its step ids: `s-` and 13 of the same
        (r"\bs-[A-Z0-9]{13}\b", "s-[STEP]"),
        // archive entries: 20261124T162810256Z-9f98fc
        (r"\b\d{8}T\d{9}Z-[0-9a-f]{6}\b", "[ENTRY]"),
        (r"\b\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC\b", "[TIME]"),
        (
            r"\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z\b",
            "[TIME]",
        ),
        // a cluster's age, which follows its creation time in the tables
        (r"(\[TIME\]\s+)\d+[dhms]( \d+[dhms])?\b", "${1}[AGE]"),
    ];
    let mut text = text;
    for (pattern, placeholder) in rules {
        let re = Regex::new(pattern).unwrap();
        text = re.replace_all(&text, placeholder).into_owned();
    }
    text
}
