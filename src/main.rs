use std::process::ExitCode;

use cyi::render::SharedWriter;

fn main() -> ExitCode {
    if let Some(code) = cyi::generation::answer_completion_request() {
        return code;
    }
    let cli = cyi::cli::parse();
    let format = cli.global.output;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let err = SharedWriter::stderr();
    let result = cyi::run(cli, &mut out, &err);
    cyi::finish(result, format, &mut out, &mut err.clone())
}
