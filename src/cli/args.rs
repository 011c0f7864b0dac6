//! The command line's flags: clap definitions with typed value parsers, so that a bad value
//! is refused while parsing, in one line that names the flag; and the flags of an analysing
//! command handed to the library as [`Flags`].

use clap::{Parser, Subcommand};
use servicegap::analysis::ThresholdSetting;
use servicegap::input::crs::Crs;
use servicegap::settings::{Flags, Metres};
use servicegap::ServiceKind;
use std::path::PathBuf;

/// Road distance and car time from every settlement to the nearest basic service.
#[derive(Parser)]
#[command(name = "servicegap", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Print nothing but errors: no summary, no warnings, no progress. Outputs (files, and
    /// `-` for standard output) are written as usual.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print each phase (reading, building, snapping, routing, ..., writing) on standard
    /// error as it ends, with its time and the process's peak memory.
    #[arg(short, long, global = true)]
    pub verbose: bool,
}

#[derive(Subcommand)]
pub enum Command {
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

/// `on` or `off`.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OnOff {
    On,
    Off,
}

#[derive(clap::Args)]
pub struct AnalyzeArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Write all six outputs into this folder under their usual names (settlements.geojson,
    /// settlements.csv, summary.json, network.geojson, services.geojson, catchments.geojson);
    /// the flags below override single names.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
    /// Write the settlements as GeoJSON here.
    #[arg(short = 'o', long = "output", value_name = "settlements.geojson")]
    pub output: Option<PathBuf>,
    /// Write the settlements as CSV here.
    #[arg(long, value_name = "settlements.csv")]
    pub csv: Option<PathBuf>,
    /// Write the summary as JSON here.
    #[arg(long, value_name = "summary.json")]
    pub summary: Option<PathBuf>,
    /// Write the routable network (every edge) as GeoJSON here.
    #[arg(long, value_name = "network.geojson")]
    pub network_out: Option<PathBuf>,
    /// Write the service points with their snap distance as GeoJSON here.
    #[arg(long, value_name = "services.geojson")]
    pub services_out: Option<PathBuf>,
    /// Write each service point's catchment as GeoJSON here: per kind, the settlements and
    /// population whose nearest point (by km, and by minutes) it is.
    #[arg(long, value_name = "catchments.geojson")]
    pub catchments_out: Option<PathBuf>,
    /// Write the region polygons with their gap figures as GeoJSON here (needs --regions).
    #[arg(long, value_name = "regions.geojson")]
    pub regions_out: Option<PathBuf>,
}

#[derive(clap::Args)]
pub struct ScenarioArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// The scenario file (TOML): [[scenario]] tables with a name, `remove` (service ids or
    /// names) and [[scenario.add]] points (lon/lat or x/y + crs, kinds, mobile).
    #[arg(long, value_name = "plan.toml")]
    pub scenarios: PathBuf,
    /// Write the baseline and every scenario's per-kind figures as JSON here.
    #[arg(long, value_name = "compare.json")]
    pub compare_out: Option<PathBuf>,
    /// Write every settlement whose figures change in a scenario, per kind, as GeoJSON here.
    #[arg(long, value_name = "diff.geojson")]
    pub diff_out: Option<PathBuf>,
}

#[derive(clap::Args)]
pub struct VulnerableArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// The kind of service: grocery, fuel, post, pharmacy or payment.
    #[arg(long, value_name = "KIND", value_parser = parse_kind)]
    pub kind: ServiceKind,
    /// Write the ranked points as GeoJSON here.
    #[arg(short = 'o', long = "output", value_name = "vulnerable.geojson")]
    pub output: Option<PathBuf>,
    /// Write the ranked points as CSV here.
    #[arg(long, value_name = "vulnerable.csv")]
    pub csv: Option<PathBuf>,
}

#[derive(clap::Args)]
pub struct SuggestArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// The kind of service: grocery, fuel, post, pharmacy or payment.
    #[arg(long, value_name = "KIND", value_parser = parse_kind)]
    pub kind: ServiceKind,
    /// How many new sites to pick (at least 1).
    #[arg(short = 'k', value_name = "K", default_value = "3", value_parser = parse_sites)]
    pub k: usize,
    /// Candidate sites (CSV with lon/lat or x/y and --crs, or GeoJSON points; optional id
    /// and name) instead of every node of the main road network.
    #[arg(long, value_name = "FILE")]
    pub candidates: Option<PathBuf>,
    /// Write the picks as GeoJSON here.
    #[arg(short = 'o', long = "output", value_name = "suggest.geojson")]
    pub output: Option<PathBuf>,
}

/// What every analysing command reads: the extract, planners' files and settings.
#[derive(clap::Args)]
pub struct InputArgs {
    /// The OpenStreetMap extract (.osm.pbf) or a graph cache from `servicegap build`.
    pub file: PathBuf,
    /// Service points from a planner's file: Pipos export (xlsx/CSV), CSV or GeoJSON
    /// (repeatable). Per kind, the files replace OSM: a kind present in any file comes only
    /// from the files.
    #[arg(long = "services", value_name = "FILE")]
    pub services: Vec<PathBuf>,
    /// Whether service points of kinds not in any --services file still come from OSM.
    #[arg(long, value_name = "on|off", default_value = "on")]
    pub osm_services: OnOff,
    /// Settlements from a file instead of OSM places: an SCB population grid CSV (squares
    /// recognised by their rutid/Ruta code; each square's centre carries its population), or
    /// points with population as CSV or GeoJSON.
    #[arg(long, value_name = "FILE")]
    pub settlements: Option<PathBuf>,
    /// Coordinate system of x/y columns in --services and --settlements files: EPSG:4326,
    /// EPSG:3006 (SWEREF 99 TM), EPSG:3857 or a PROJ string.
    #[arg(long, value_name = "CRS", value_parser = Crs::parse)]
    pub crs: Option<Crs>,
    /// Region polygons (GeoJSON, WGS 84), e.g. kommuner: each settlement gets a `region`, and
    /// summary.json per-region rows.
    #[arg(long, value_name = "FILE")]
    pub regions: Option<PathBuf>,
    /// The property holding the region name (default: name, kom_namn, NAME or namn).
    #[arg(long, value_name = "NAME")]
    pub region_field: Option<String>,
    /// Gap threshold per kind, e.g. `grocery=10min` or `payment=25km` (repeatable).
    /// Defaults: grocery 10km, fuel 20km, post 10km, pharmacy 20km, payment 25km.
    #[arg(long = "threshold", value_name = "KIND=VALUE{km|min}", value_parser = str::parse::<ThresholdSetting>)]
    pub thresholds: Vec<ThresholdSetting>,
    /// Settlements farther than this from a road (metres) get status no_road [default: 5000].
    #[arg(long, value_parser = str::parse::<Metres>)]
    pub max_snap_m: Option<Metres>,
    /// Service points farther than this from a road (metres) are dropped [default: 1000].
    #[arg(long, value_parser = str::parse::<Metres>)]
    pub max_service_snap_m: Option<Metres>,
    /// Road components with fewer nodes take no snaps (broken fragments) [default: 50].
    #[arg(long)]
    pub min_component_nodes: Option<u32>,
    /// Settings file (see `servicegap config`); flags given on the command line win.
    #[arg(long, value_name = "servicegap.toml")]
    pub config: Option<PathBuf>,
}

/// A `--kind` value; the error lists the kinds.
fn parse_kind(name: &str) -> Result<ServiceKind, UnknownKind> {
    ServiceKind::from_name(name).ok_or_else(|| UnknownKind(name.to_owned()))
}

/// A kind name that is none of [`ServiceKind::ALL`].
#[derive(Debug, thiserror::Error)]
#[error("unknown kind `{0}` (kinds: {kinds})", kinds = kind_names())]
pub struct UnknownKind(String);

fn kind_names() -> String {
    let names: Vec<&str> = ServiceKind::ALL.iter().map(|k| k.name()).collect();
    names.join(", ")
}

/// A `-k` value: a whole number of sites, at least 1.
fn parse_sites(text: &str) -> Result<usize, NotSites> {
    text.trim()
        .parse()
        .ok()
        .filter(|&k| k > 0)
        .ok_or_else(|| NotSites(text.to_owned()))
}

/// A `-k` value that is no whole number at least 1.
#[derive(Debug, thiserror::Error)]
#[error("must be a whole number of sites, at least 1 (got `{0}`)")]
pub struct NotSites(String);

impl InputArgs {
    /// The settings flags, for [`servicegap::settings::resolve`].
    pub fn flags(&self) -> Flags {
        Flags {
            config: self.config.clone(),
            thresholds: self.thresholds.clone(),
            max_snap_m: self.max_snap_m,
            max_service_snap_m: self.max_service_snap_m,
            min_component_nodes: self.min_component_nodes,
            crs: self.crs.clone(),
            services: self.services.clone(),
            osm_services: self.osm_services == OnOff::On,
            settlements: self.settlements.clone(),
            regions: self.regions.clone(),
            region_field: self.region_field.clone(),
        }
    }
}

/// Only the settings file, for the commands that take no other settings flag.
pub fn config_only(config: Option<PathBuf>) -> Flags {
    Flags {
        config,
        ..Flags::default()
    }
}
