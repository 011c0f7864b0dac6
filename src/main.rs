//! The `servicegap` command line: parses arguments, runs the command, decides the exit code.

mod cli;

use cli::CliError;
use std::process::ExitCode;

fn main() -> ExitCode {
    match cli::parse().and_then(cli::run) {
        Ok(()) => ExitCode::SUCCESS,
        // The reader of our output went away (`servicegap ... | head`): not an error.
        Err(err) if err.is_broken_pipe() => ExitCode::SUCCESS,
        // Usage errors, --help and --version: clap's text and exit code (2 for usage errors).
        Err(CliError::Clap(err)) => {
            let _ = err.print();
            ExitCode::from(u8::try_from(err.exit_code()).unwrap_or(2))
        }
        Err(err) => {
            eprintln!("servicegap: error: {}", err.chain());
            ExitCode::from(2)
        }
    }
}
