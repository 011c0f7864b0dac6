//! The `servicegap` command line: parses arguments, calls the library, prints, exits.

use clap::{Parser, Subcommand};
use servicegap::analysis::{self, AnalysisOptions, ThresholdSetting};
use servicegap::export;
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
    /// For every settlement: road km and car minutes to the nearest point of each kind, and
    /// which settlements are beyond the thresholds. Prints the summary; writes files on request.
    Analyze(AnalyzeArgs),
    /// Read an extract and report what it holds: road graph, service points, settlements.
    Inspect {
        /// The OpenStreetMap extract (.osm.pbf).
        file: PathBuf,
        /// Print one JSON object instead of a table.
        #[arg(long)]
        json: bool,
    },
}

#[derive(clap::Args)]
struct AnalyzeArgs {
    /// The OpenStreetMap extract (.osm.pbf).
    file: PathBuf,
    /// Write all five outputs into this folder under their usual names (settlements.geojson,
    /// settlements.csv, summary.json, network.geojson, services.geojson); the flags below
    /// override single names.
    #[arg(long, value_name = "DIR")]
    out_dir: Option<PathBuf>,
    /// Write the settlements as GeoJSON here.
    #[arg(short = 'o', long = "output", value_name = "settlements.geojson")]
    output: Option<PathBuf>,
    /// Write the settlements as CSV here.
    #[arg(long, value_name = "settlements.csv")]
    csv: Option<PathBuf>,
    /// Write the summary as JSON here.
    #[arg(long, value_name = "summary.json")]
    summary: Option<PathBuf>,
    /// Write the routable network (every edge) as GeoJSON here.
    #[arg(long, value_name = "network.geojson")]
    network_out: Option<PathBuf>,
    /// Write the service points with their snap distance as GeoJSON here.
    #[arg(long, value_name = "services.geojson")]
    services_out: Option<PathBuf>,
    /// Gap threshold per kind, e.g. `grocery=10min` or `payment=25km` (repeatable).
    /// Defaults: grocery 10km, fuel 20km, post 10km, pharmacy 20km, payment 25km.
    #[arg(long = "threshold", value_name = "KIND=VALUE{km|min}")]
    thresholds: Vec<String>,
    /// Settlements farther than this from a road (metres) get status no_road.
    #[arg(long, default_value_t = 5000.0)]
    max_snap_m: f64,
    /// Service points farther than this from a road (metres) are dropped.
    #[arg(long, default_value_t = 1000.0)]
    max_service_snap_m: f64,
    /// Road components with fewer nodes take no snaps (broken fragments).
    #[arg(long, default_value_t = 50)]
    min_component_nodes: u32,
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

fn analyze(mut args: AnalyzeArgs) -> Result<(), Failure> {
    if let Some(dir) = &args.out_dir {
        let named = |name: &str| Some(dir.join(name));
        args.output = args.output.or_else(|| named("settlements.geojson"));
        args.csv = args.csv.or_else(|| named("settlements.csv"));
        args.summary = args.summary.or_else(|| named("summary.json"));
        args.network_out = args.network_out.or_else(|| named("network.geojson"));
        args.services_out = args.services_out.or_else(|| named("services.geojson"));
    }
    let mut options = AnalysisOptions::default();
    let settings = args
        .thresholds
        .iter()
        .map(|t| t.parse::<ThresholdSetting>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(Failure::Error)?;
    options.set_thresholds(&settings);
    for (name, v) in [
        ("--max-snap-m", args.max_snap_m),
        ("--max-service-snap-m", args.max_service_snap_m),
    ] {
        if !(v.is_finite() && v >= 0.0) {
            return Err(Failure::Error(format!(
                "{name} must be a non-negative number of metres"
            )));
        }
    }
    options.max_snap_m = args.max_snap_m;
    options.max_service_snap_m = args.max_service_snap_m;
    options.snap.min_component_nodes = args.min_component_nodes;

    let region = Region::from_pbf(&args.file)?;
    let file = args.file.display().to_string();
    if region.settlements.is_empty() {
        return Err(Failure::Error(format!(
            "{file}: no settlements (place=city, town, village, hamlet or isolated_dwelling) in this extract; nothing to analyse"
        )));
    }
    let result = analysis::analyze(&region, &options);
    let mut outputs = export::OutputSet::new();
    if let Some(path) = &args.output {
        outputs.write(path, |w| export::settlements_geojson(w, &region, &result))?;
    }
    if let Some(path) = &args.csv {
        outputs.write(path, |w| export::settlements_csv(w, &region, &result))?;
    }
    if let Some(path) = &args.summary {
        outputs.write(path, |w| {
            export::summary_json_to(w, &file, &region, &result)
        })?;
    }
    if let Some(path) = &args.network_out {
        outputs.write(path, |w| export::network_geojson(w, &region))?;
    }
    if let Some(path) = &args.services_out {
        outputs.write(path, |w| export::services_geojson(w, &region, &result))?;
    }
    outputs.commit()?;
    let mut out = std::io::stdout().lock();
    write!(out, "{}", export::summary_table(&file, &region, &result))?;
    out.flush()?;
    Ok(())
}

fn run(cli: Cli) -> Result<(), Failure> {
    match cli.command {
        Command::Analyze(args) => analyze(args),
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
