//! Shell completions and the man page, generated from the clap definition. The copies
//! committed under `completions/` and `docs/` are checked against it by a test.

use std::io::Write;

use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::Cli;
use crate::error::{Error, Result};

/// The committed files: (path relative to the crate root, generator).
pub const COMPLETION_FILES: [(&str, Shell); 5] = [
    ("completions/cyi.bash", Shell::Bash),
    ("completions/_cyi", Shell::Zsh),
    ("completions/cyi.fish", Shell::Fish),
    ("completions/cyi.elv", Shell::Elvish),
    ("completions/_cyi.ps1", Shell::PowerShell),
];
pub const MAN_PAGE: &str = "docs/cyi.1";

/// Generated into memory first: clap_complete panics when its writer fails (a closed
/// pipe), and a failed write here must be an ordinary I/O error.
pub fn completions(shell: Shell, out: &mut dyn Write) -> Result<()> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "cyi", &mut script);
    out.write_all(&script)
        .and_then(|()| out.flush())
        .map_err(|e| Error::io("cannot write the completions", e))
}

pub fn man_page(out: &mut dyn Write) -> std::io::Result<()> {
    clap_mangen::Man::new(Cli::command()).render(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// Fails when a committed file differs from what the CLI definition generates.
    /// `CYI_UPDATE_GENERATED=1 cargo test generated_files` rewrites them.
    #[test]
    fn generated_files_match_the_cli() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let update = std::env::var_os("CYI_UPDATE_GENERATED").is_some();
        let mut expected: Vec<(&str, Vec<u8>)> = COMPLETION_FILES
            .iter()
            .map(|(path, shell)| {
                let mut buf = Vec::new();
                completions(*shell, &mut buf).unwrap();
                (*path, buf)
            })
            .collect();
        let mut man = Vec::new();
        man_page(&mut man).unwrap();
        expected.push((MAN_PAGE, man));

        let mut stale = Vec::new();
        for (path, content) in expected {
            let file = root.join(path);
            if update {
                std::fs::create_dir_all(file.parent().unwrap()).unwrap();
                std::fs::write(&file, &content).unwrap();
            } else if std::fs::read(&file).ok().as_deref() != Some(content.as_slice()) {
                stale.push(path);
            }
        }
        assert!(
            stale.is_empty(),
            "{stale:?} differ from the CLI definition; run `CYI_UPDATE_GENERATED=1 cargo test generated_files` and commit"
        );
    }
}
