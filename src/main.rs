//! The `servicegap` command line: parses arguments, calls the library, prints, exits.

use clap::{Parser, Subcommand};
use servicegap::inspect::InspectReport;
use servicegap::region::Region;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Road distance and car time from every settlement to the nearest basic service.
#[derive(Parser)]
#[command(name = "servicegap", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Read an extract and report what it holds: road graph, service points, settlements.
    Inspect {
        /// The OpenStreetMap extract (.osm.pbf).
        file: PathBuf,
        /// Print one JSON object instead of a table.
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::BrokenPipe) => ExitCode::SUCCESS,
        Err(Failure::Error(message)) => {
            eprintln!("servicegap: error: {message}");
            ExitCode::from(2)
        }
    }
}

enum Failure {
    /// The reader of our output went away (`servicegap ... | head`): not an error.
    BrokenPipe,
    Error(String),
}

impl From<servicegap::Error> for Failure {
    fn from(e: servicegap::Error) -> Self {
        Failure::Error(e.to_string())
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            Failure::BrokenPipe
        } else {
            Failure::Error(format!("cannot write output: {e}"))
        }
    }
}

fn run(cli: Cli) -> Result<(), Failure> {
    match cli.command {
        Command::Inspect { file, json } => {
            let region = Region::from_pbf(&file)?;
            let report = InspectReport::new(&file.display().to_string(), &region);
            let mut out = std::io::stdout().lock();
            if json {
                let text = serde_json::to_string_pretty(&report)
                    .map_err(|e| Failure::Error(format!("cannot encode report: {e}")))?;
                writeln!(out, "{text}")?;
            } else {
                write!(out, "{}", report.to_table())?;
            }
            out.flush()?;
            Ok(())
        }
    }
}
