use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
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
            let _ = writeln!(err, "{} {error}", style("error:").red().bold().for_stderr());
            if let Some(hint) = error.hint() {
                let _ = writeln!(err, "{} {hint}", style("hint:").yellow().for_stderr());
            }
            error.to_exit_code()
        }
    }
}
