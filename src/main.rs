//! The `servicegap` command line: parses arguments, calls the library, prints, exits.

use clap::{Parser, Subcommand};
use servicegap::analysis::{self, AnalysisOptions, ThresholdSetting};
use servicegap::network::region::Region;
use servicegap::read::profile::Profile;
use servicegap::report;
use servicegap::report::inspect::InspectReport;
use servicegap::store::output::OutputSet;
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
    Analyze(Box<AnalyzeArgs>),
    /// Read an extract once and save its road graph, service points and settlements as a graph
    /// cache, which `analyze` and `inspect` load in a fraction of the time.
    Build {
        /// The OpenStreetMap extract (.osm.pbf).
        file: PathBuf,
        /// The graph cache to write (e.g. REGION.sgraph).
        #[arg(short = 'o', long = "output", value_name = "REGION.sgraph")]
        output: PathBuf,
        /// Settings file (see `servicegap config`): the cache keeps its speeds, service tags
        /// and places, and is used only with the same settings.
        #[arg(long, value_name = "servicegap.toml")]
        config: Option<PathBuf>,
    },
    /// Print the default settings file, commented, to start a project's servicegap.toml from.
    Config,
    /// Compare what-if scenarios (service points closed or added) with the baseline: prints
    /// a side-by-side table; writes the comparison and the per-settlement changes on request.
    Scenario(Box<ScenarioArgs>),
    /// For every service point of one kind: the settlements and population it serves, and
    /// who would end up beyond the threshold if it alone closed. Prints the top 20.
    Vulnerable(Box<VulnerableArgs>),
    /// Where up to k new service points of one kind would bring the most people within the
    /// threshold (greedy maximal coverage). Prints the picks.
    Suggest(Box<SuggestArgs>),
    /// Read an extract and report what it holds: road graph, service points, settlements.
    Inspect {
        /// The OpenStreetMap extract (.osm.pbf) or a graph cache from `servicegap build`.
        file: PathBuf,
        /// Print one JSON object instead of a table.
        #[arg(long)]
        json: bool,
        /// Settings file (see `servicegap config`): its speeds, service tags and places apply.
        #[arg(long, value_name = "servicegap.toml")]
        config: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum OnOff {
    On,
    Off,
}

#[derive(clap::Args)]
struct AnalyzeArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Write all six outputs into this folder under their usual names (settlements.geojson,
    /// settlements.csv, summary.json, network.geojson, services.geojson, catchments.geojson);
    /// the flags below override single names.
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
    /// Write each service point's catchment as GeoJSON here: per kind, the settlements and
    /// population whose nearest point (by km, and by minutes) it is.
    #[arg(long, value_name = "catchments.geojson")]
    catchments_out: Option<PathBuf>,
    /// Write the region polygons with their gap figures as GeoJSON here (needs --regions).
    #[arg(long, value_name = "regions.geojson")]
    regions_out: Option<PathBuf>,
}

#[derive(clap::Args)]
struct ScenarioArgs {
    #[command(flatten)]
    input: InputArgs,
    /// The scenario file (TOML): [[scenario]] tables with a name, `remove` (service ids or
    /// names) and [[scenario.add]] points (lon/lat or x/y + crs, kinds, mobile).
    #[arg(long, value_name = "plan.toml")]
    scenarios: PathBuf,
    /// Write the baseline and every scenario's per-kind figures as JSON here.
    #[arg(long, value_name = "compare.json")]
    compare_out: Option<PathBuf>,
    /// Write every settlement whose figures change in a scenario, per kind, as GeoJSON here.
    #[arg(long, value_name = "diff.geojson")]
    diff_out: Option<PathBuf>,
}

#[derive(clap::Args)]
struct VulnerableArgs {
    #[command(flatten)]
    input: InputArgs,
    /// The kind of service: grocery, fuel, post, pharmacy or payment.
    #[arg(long, value_name = "KIND")]
    kind: String,
    /// Write the ranked points as GeoJSON here.
    #[arg(short = 'o', long = "output", value_name = "vulnerable.geojson")]
    output: Option<PathBuf>,
    /// Write the ranked points as CSV here.
    #[arg(long, value_name = "vulnerable.csv")]
    csv: Option<PathBuf>,
}

#[derive(clap::Args)]
struct SuggestArgs {
    #[command(flatten)]
    input: InputArgs,
    /// The kind of service: grocery, fuel, post, pharmacy or payment.
    #[arg(long, value_name = "KIND")]
    kind: String,
    /// How many new sites to pick (at least 1).
    #[arg(short = 'k', value_name = "K", default_value = "3")]
    k: String,
    /// Candidate sites (CSV with lon/lat or x/y and --crs, or GeoJSON points; optional id
    /// and name) instead of every node of the main road network.
    #[arg(long, value_name = "FILE")]
    candidates: Option<PathBuf>,
    /// Write the picks as GeoJSON here.
    #[arg(short = 'o', long = "output", value_name = "suggest.geojson")]
    output: Option<PathBuf>,
}

/// What every analysing command reads: the extract, planners' files and settings.
#[derive(clap::Args)]
struct InputArgs {
    /// The OpenStreetMap extract (.osm.pbf) or a graph cache from `servicegap build`.
    file: PathBuf,
    /// Service points from a planner's file: Pipos export (xlsx/CSV), CSV or GeoJSON
    /// (repeatable). Per kind, the files replace OSM: a kind present in any file comes only
    /// from the files.
    #[arg(long = "services", value_name = "FILE")]
    services: Vec<PathBuf>,
    /// Whether service points of kinds not in any --services file still come from OSM.
    #[arg(long, value_name = "on|off", default_value = "on")]
    osm_services: OnOff,
    /// Settlements from a file instead of OSM places: an SCB population grid CSV (squares
    /// recognised by their rutid/Ruta code; each square's centre carries its population), or
    /// points with population as CSV or GeoJSON.
    #[arg(long, value_name = "FILE")]
    settlements: Option<PathBuf>,
    /// Coordinate system of x/y columns in --services and --settlements files: EPSG:4326,
    /// EPSG:3006 (SWEREF 99 TM), EPSG:3857 or a PROJ string.
    #[arg(long, value_name = "CRS")]
    crs: Option<String>,
    /// Region polygons (GeoJSON, WGS 84), e.g. kommuner: each settlement gets a `region`, and
    /// summary.json per-region rows.
    #[arg(long, value_name = "FILE")]
    regions: Option<PathBuf>,
    /// The property holding the region name (default: name, kom_namn, NAME or namn).
    #[arg(long, value_name = "NAME")]
    region_field: Option<String>,
    /// Gap threshold per kind, e.g. `grocery=10min` or `payment=25km` (repeatable).
    /// Defaults: grocery 10km, fuel 20km, post 10km, pharmacy 20km, payment 25km.
    #[arg(long = "threshold", value_name = "KIND=VALUE{km|min}")]
    thresholds: Vec<String>,
    /// Settlements farther than this from a road (metres) get status no_road [default: 5000].
    #[arg(long)]
    max_snap_m: Option<f64>,
    /// Service points farther than this from a road (metres) are dropped [default: 1000].
    #[arg(long)]
    max_service_snap_m: Option<f64>,
    /// Road components with fewer nodes take no snaps (broken fragments) [default: 50].
    #[arg(long)]
    min_component_nodes: Option<u32>,
    /// Settings file (see `servicegap config`); flags given on the command line win.
    #[arg(long, value_name = "servicegap.toml")]
    config: Option<PathBuf>,
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

/// A region with planners' files applied, its options and region polygons.
struct Loaded {
    region: Region,
    options: AnalysisOptions,
    polygons: Option<servicegap::input::regions::Regions>,
    file: String,
}

/// Reads settings, planners' files and the extract, as `analyze` and `scenario` do.
fn load(args: &InputArgs) -> Result<Loaded, Failure> {
    let mut options = AnalysisOptions::default();
    let mut profile = Profile::default();
    if let Some(path) = &args.config {
        let config = servicegap::settings::Config::read(path)?;
        let in_file = |e: String| Failure::Error(format!("{}: {e}", path.display()));
        config.apply(&mut options).map_err(in_file)?;
        profile = config.profile().map_err(in_file)?;
    }
    let settings = args
        .thresholds
        .iter()
        .map(|t| t.parse::<ThresholdSetting>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(Failure::Error)?;
    options.set_thresholds(&settings);
    for (name, v, into) in [
        ("--max-snap-m", args.max_snap_m, &mut options.max_snap_m),
        (
            "--max-service-snap-m",
            args.max_service_snap_m,
            &mut options.max_service_snap_m,
        ),
    ] {
        if let Some(v) = v {
            if !(v.is_finite() && v >= 0.0) {
                return Err(Failure::Error(format!(
                    "{name} must be a non-negative number of metres"
                )));
            }
            *into = v;
        }
    }
    if let Some(n) = args.min_component_nodes {
        options.snap.min_component_nodes = n;
    }

    let crs = args
        .crs
        .as_deref()
        .map(servicegap::input::crs::Crs::parse)
        .transpose()
        .map_err(|e| Failure::Error(format!("--crs: {e}")))?;
    // Planners' files are read before the extract, so their errors come without waiting.
    let service_files = args
        .services
        .iter()
        .map(|p| servicegap::input::services::read_services(p, crs.as_ref()))
        .collect::<Result<Vec<_>, _>>()?;
    let settlements = args
        .settlements
        .as_deref()
        .map(|p| servicegap::input::settlements::read_settlements(p, crs.as_ref()))
        .transpose()?;
    let polygons = args
        .regions
        .as_deref()
        .map(|p| servicegap::input::regions::Regions::read(p, args.region_field.as_deref()))
        .transpose()?;

    let mut region = servicegap::open::open(&args.file, &profile)?;
    if !service_files.is_empty() || args.osm_services == OnOff::Off {
        servicegap::open::use_service_files(
            &mut region,
            &service_files,
            args.osm_services == OnOff::On,
        );
    }
    if let Some(settlements) = settlements {
        servicegap::open::use_settlements(&mut region, settlements);
    }
    let file = args.file.display().to_string();
    if region.settlements.is_empty() {
        let places: Vec<&str> = profile.places().iter().map(|p| p.name()).collect();
        return Err(Failure::Error(format!(
            "{file}: no settlements (place={}) in this extract; nothing to analyse",
            places.join(", ")
        )));
    }
    Ok(Loaded {
        region,
        options,
        polygons,
        file,
    })
}

/// A `--kind` value, or an error listing the kinds.
fn parse_kind(name: &str) -> Result<servicegap::ServiceKind, Failure> {
    servicegap::ServiceKind::from_name(name).ok_or_else(|| {
        let kinds: Vec<&str> = servicegap::ServiceKind::ALL
            .iter()
            .map(|k| k.name())
            .collect();
        Failure::Error(format!(
            "--kind: unknown kind `{name}` (kinds: {})",
            kinds.join(", ")
        ))
    })
}

impl InputArgs {
    fn crs(&self) -> Result<Option<servicegap::input::crs::Crs>, Failure> {
        self.crs
            .as_deref()
            .map(servicegap::input::crs::Crs::parse)
            .transpose()
            .map_err(|e| Failure::Error(format!("--crs: {e}")))
    }
}

fn vulnerable(args: Box<VulnerableArgs>) -> Result<(), Failure> {
    let kind = parse_kind(&args.kind)?;
    let loaded = load(&args.input)?;
    let (region, polygons) = (&loaded.region, loaded.polygons.as_ref());
    let result =
        servicegap::whatif::vulnerability::vulnerability(region, &loaded.options, kind, polygons);
    let mut outputs = OutputSet::new();
    if let Some(path) = &args.output {
        outputs.write(path, |w| result.write_geojson(w, region, polygons))?;
    }
    if let Some(path) = &args.csv {
        outputs.write(path, |w| result.write_csv(w, region, polygons))?;
    }
    outputs.commit()?;
    let mut out = std::io::stdout().lock();
    write!(out, "{}: {}", loaded.file, result.table(region, 20))?;
    out.flush()?;
    Ok(())
}

fn suggest(args: Box<SuggestArgs>) -> Result<(), Failure> {
    use servicegap::whatif::suggest::Candidates;
    let kind = parse_kind(&args.kind)?;
    let k: usize = args
        .k
        .trim()
        .parse()
        .ok()
        .filter(|&k| k > 0)
        .ok_or_else(|| {
            Failure::Error(format!(
                "-k must be a whole number of sites, at least 1 (got `{}`)",
                args.k
            ))
        })?;
    let candidates = match &args.candidates {
        Some(path) => Candidates::Sites(servicegap::whatif::suggest::read_sites(
            path,
            args.input.crs()?.as_ref(),
        )?),
        None => Candidates::MainNetworkNodes,
    };
    let loaded = load(&args.input)?;
    let region = &loaded.region;
    let result =
        servicegap::whatif::suggest::suggest(region, &loaded.options, kind, k, &candidates);
    let mut outputs = OutputSet::new();
    if let Some(path) = &args.output {
        outputs.write(path, |w| result.write_geojson(w, region, &candidates))?;
    }
    outputs.commit()?;
    let mut out = std::io::stdout().lock();
    write!(
        out,
        "{}: {}",
        loaded.file,
        result.table(region, &candidates)
    )?;
    out.flush()?;
    Ok(())
}

fn analyze(args: Box<AnalyzeArgs>) -> Result<(), Failure> {
    let mut args = *args;
    if let Some(dir) = &args.out_dir {
        let named = |name: &str| Some(dir.join(name));
        args.output = args.output.or_else(|| named("settlements.geojson"));
        args.csv = args.csv.or_else(|| named("settlements.csv"));
        args.summary = args.summary.or_else(|| named("summary.json"));
        args.network_out = args.network_out.or_else(|| named("network.geojson"));
        args.services_out = args.services_out.or_else(|| named("services.geojson"));
        args.catchments_out = args.catchments_out.or_else(|| named("catchments.geojson"));
    }
    if args.regions_out.is_some() && args.input.regions.is_none() {
        return Err(Failure::Error("--regions-out needs --regions".into()));
    }
    let Loaded {
        region,
        options,
        polygons,
        file,
    } = load(&args.input)?;
    let result = analysis::analyze(&region, &options);
    let groups = polygons
        .as_ref()
        .map(|p| report::RegionGroups::new(p, &region, &result, &options));
    let groups = groups.as_ref();
    let mut outputs = OutputSet::new();
    if let Some(path) = &args.output {
        outputs.write(path, |w| {
            report::settlements_geojson(w, &region, &result, groups)
        })?;
    }
    if let Some(path) = &args.csv {
        outputs.write(path, |w| {
            report::settlements_csv(w, &region, &result, groups)
        })?;
    }
    if let (Some(path), Some(g)) = (&args.regions_out, groups) {
        outputs.write(path, |w| report::regions_geojson(w, g))?;
    }
    if let Some(path) = &args.summary {
        outputs.write(path, |w| {
            report::summary_json_to(w, &file, &region, &result, groups)
        })?;
    }
    if let Some(path) = &args.network_out {
        outputs.write(path, |w| report::network_geojson(w, &region))?;
    }
    if let Some(path) = &args.services_out {
        outputs.write(path, |w| report::services_geojson(w, &region, &result))?;
    }
    if let Some(path) = &args.catchments_out {
        outputs.write(path, |w| report::catchments_geojson(w, &region, &result))?;
    }
    outputs.commit()?;
    let mut out = std::io::stdout().lock();
    write!(out, "{}", report::summary_table(&file, &region, &result))?;
    out.flush()?;
    Ok(())
}

fn scenario(args: ScenarioArgs) -> Result<(), Failure> {
    use servicegap::whatif::scenario::{evaluate, Network, State};
    // The scenario file is checked before the extract is read.
    let scenarios = servicegap::input::scenarios::read_scenarios(&args.scenarios)?;
    let Loaded {
        region,
        options,
        file,
        ..
    } = load(&args.input)?;
    let net = Network::new(&region, &options);
    let baseline = State::new(&net, &region.services);
    let outcomes = evaluate(&net, &baseline, &scenarios).map_err(|e| {
        Failure::Error(format!(
            "{}: scenario {:?}: {}",
            args.scenarios.display(),
            e.scenario,
            e.message
        ))
    })?;
    let base = baseline.analysis(&net);
    let services = baseline.services();
    let mut outputs = OutputSet::new();
    if let Some(path) = &args.compare_out {
        outputs.write(path, |w| {
            report::compare_json_to(w, &file, services, &base, &outcomes)
        })?;
    }
    if let Some(path) = &args.diff_out {
        outputs.write(path, |w| {
            report::diff_geojson(w, &region.settlements, services, &base, &outcomes)
        })?;
    }
    outputs.commit()?;
    let mut out = std::io::stdout().lock();
    write!(
        out,
        "{}",
        report::compare_table(&file, services, &base, &outcomes)
    )?;
    out.flush()?;
    Ok(())
}

/// The reading rules of a settings file, or the defaults.
fn read_profile(config: Option<&std::path::Path>) -> Result<Profile, Failure> {
    let Some(path) = config else {
        return Ok(Profile::default());
    };
    servicegap::settings::Config::read(path)?
        .profile()
        .map_err(|e| Failure::Error(format!("{}: {e}", path.display())))
}

fn build(
    file: &std::path::Path,
    output: &std::path::Path,
    config: Option<&std::path::Path>,
) -> Result<(), Failure> {
    let profile = read_profile(config)?;
    let clock = std::time::Instant::now();
    let region = servicegap::open::open(file, &profile)?;
    let read = clock.elapsed();
    let fingerprint = servicegap::store::cache::settings_fingerprint(&profile);
    servicegap::store::cache::write(output, &region, fingerprint)?;
    let g = &region.graph;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{}: {} nodes, {} arcs, {} service points, {} settlements in {:.0} ms (read {:.0} ms)",
        output.display(),
        g.node_count(),
        g.arc_count(),
        region.services.len(),
        region.settlements.len(),
        clock.elapsed().as_secs_f64() * 1e3,
        read.as_secs_f64() * 1e3,
    )?;
    out.flush()?;
    Ok(())
}

fn run(cli: Cli) -> Result<(), Failure> {
    match cli.command {
        Command::Analyze(args) => analyze(args),
        Command::Build {
            file,
            output,
            config,
        } => build(&file, &output, config.as_deref()),
        Command::Scenario(args) => scenario(*args),
        Command::Vulnerable(args) => vulnerable(args),
        Command::Suggest(args) => suggest(args),
        Command::Config => {
            let mut out = std::io::stdout().lock();
            write!(out, "{}", servicegap::settings::DEFAULT_CONFIG)?;
            out.flush()?;
            Ok(())
        }
        Command::Inspect { file, json, config } => {
            let profile = read_profile(config.as_deref())?;
            let region = servicegap::open::open(&file, &profile)?;
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
