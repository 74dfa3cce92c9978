use std::process::ExitCode;

use clap::Parser;

use cyi::render::SharedWriter;

fn main() -> ExitCode {
    let cli = cyi::cli::Cli::parse();
    let format = cli.global.output;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let err = SharedWriter::stderr();
    let result = cyi::run(cli, &mut out, &err);
    cyi::finish(result, format, &mut out, &mut err.clone())
}
