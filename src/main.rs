use std::process::ExitCode;

use cyi::output::Watched;
use cyi::text::SharedWriter;

fn main() -> ExitCode {
    if let Some(code) = cyi::generation::answer_completion_request() {
        return code;
    }
    let args: Vec<_> = std::env::args_os().collect();
    let stdout = std::io::stdout();
    let mut out = Watched::new(stdout.lock());
    let cli = match cyi::cli::parse_from(args.iter().cloned()) {
        Ok(cli) => cli,
        Err(error) => {
            return cyi::finish_parse_error(error, cyi::cli::wants_json(&args), &mut out, &args);
        }
    };
    let format = cli.global.output;
    let err = SharedWriter::stderr();
    let result = cyi::run(cli, &mut out, &err);
    cyi::finish(result, format, &mut out, &mut err.clone())
}
