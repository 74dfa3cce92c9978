use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use cyi::render::escape::escape;
use dialoguer::console::style;

fn main() -> ExitCode {
    let cli = cyi::cli::Cli::parse();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut err = std::io::stderr();
    match cyi::run(cli, &mut out, &mut err) {
        Ok(code) => code,
        Err(cyi::error::Error::Io { source, .. })
            if source.kind() == std::io::ErrorKind::BrokenPipe =>
        {
            ExitCode::SUCCESS
        }
        Err(error) => {
            let _ = out.flush();
            // The message may quote input or AWS: escaped, unlike our own styling.
            let message = escape(&error.to_string()).into_owned();
            let _ = writeln!(
                err,
                "{} {message}",
                style("error:").red().bold().for_stderr()
            );
            if let Some(hint) = error.hint() {
                let hint = escape(hint);
                let _ = writeln!(err, "{} {hint}", style("hint:").yellow().for_stderr());
            }
            error.to_exit_code()
        }
    }
}
