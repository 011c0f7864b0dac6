//! The command line's flags: clap definitions with typed value parsers, so that a bad value
//! is refused while parsing, in one line that names the flag; and the flags of an analysing
//! command handed to the library as [`Flags`].

use clap::{Parser, Subcommand};

/// The `Examples:` section closing a command's help: one command line a line, each run as
/// written by the tests, from a folder holding the repository's `data/` and an extract of
/// Sweden as `sweden-latest.osm.pbf`. `data:` and `sweden:` add a line saying what those are.
macro_rules! examples {
    (sweden: $($line:literal),+ $(,)?) => {
        examples!(@ $($line),+; "\n\n(data/ is the servicegap repository's data folder; \
            sweden-latest.osm.pbf stands for any OpenStreetMap extract of Sweden)")
    };
    (data: $($line:literal),+ $(,)?) => {
        examples!(@ $($line),+; "\n\n(data/ is the servicegap repository's data folder)")
    };
    ($($line:literal),+ $(,)?) => {
        examples!(@ $($line),+; "")
    };
    (@ $($line:literal),+; $note:literal) => {
        concat!("Examples:", $("\n  ", $line,)+ $note)
    };
}

use servicegap::analysis::ThresholdSetting;
use servicegap::input::crs::Crs;
use servicegap::settings::{Flags, Km, Metres, NearestCount};
use std::path::PathBuf;

/// Road distance and car time from every settlement to the nearest basic service.
#[derive(Parser)]
#[command(
    name = "servicegap",
    version,
    about,
    disable_help_subcommand = true,
    after_help = examples!(sweden:
        "servicegap analyze data/osm/de-north-bayreuth-rural.osm.pbf --out-dir results",
        "servicegap analyze sweden-latest.osm.pbf --settlements data/sweden/scb_befolkning_1km_2024_populated.csv.gz --services data/sweden/pipos_apoteksvaror_2025-11-12.xlsx --regions data/sweden/swedish_municipalities.geojson --out-dir results",
        "servicegap help analyze",
    )
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Print nothing but errors: no summary, no warnings, no progress. Outputs (files, and
    /// `-` for standard output) are written as usual, and so is what inspect, config,
    /// completions, man and help print.
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
    #[command(after_help = examples!(sweden:
        "servicegap analyze data/osm/de-north-bayreuth-rural.osm.pbf --out-dir results",
        "servicegap analyze data/osm/de-north-bayreuth-rural.osm.pbf --threshold grocery=15min --csv gaps.csv",
        "servicegap analyze sweden-latest.osm.pbf --settlements data/sweden/scb_befolkning_1km_2024_populated.csv.gz --services data/sweden/pipos_apoteksvaror_2025-11-12.xlsx --regions data/sweden/swedish_municipalities.geojson --regions-out regions.geojson --summary summary.json",
    ))]
    Analyze(Box<AnalyzeArgs>),
    /// Read an extract once and save its road graph, service points and settlements as a graph
    /// cache, which `analyze` and `inspect` load in a fraction of the time.
    #[command(after_help = examples!(data:
        "servicegap build data/osm/de-north-bayreuth-rural.osm.pbf -o bayreuth.sgraph",
        "servicegap analyze bayreuth.sgraph --summary summary.json",
        "servicegap inspect bayreuth.sgraph",
    ))]
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
    #[command(after_help = examples!(data:
        "servicegap config > servicegap.toml",
        "servicegap analyze data/osm/de-north-bayreuth-rural.osm.pbf --config servicegap.toml",
    ))]
    Config,
    /// Compare what-if scenarios (service points closed or added) with the baseline: prints
    /// a side-by-side table; writes the comparison and the per-settlement changes on request.
    #[command(after_help = examples!(data:
        "servicegap scenario data/osm/de-north-bayreuth-rural.osm.pbf --scenarios data/scenarios/bayreuth-plan.toml",
        "servicegap scenario data/osm/de-north-bayreuth-rural.osm.pbf --scenarios data/scenarios/bayreuth-plan.toml --compare-out compare.json --diff-out diff.geojson",
    ))]
    Scenario(Box<ScenarioArgs>),
    /// For every service point of one kind: the settlements and population it serves, and
    /// who would end up beyond the threshold if it alone closed. Prints the top 20.
    #[command(after_help = examples!(sweden:
        "servicegap vulnerable data/osm/de-north-bayreuth-rural.osm.pbf --kind grocery",
        "servicegap vulnerable data/osm/de-north-bayreuth-rural.osm.pbf --kind post --threshold post=15min -o post.geojson",
        "servicegap vulnerable sweden-latest.osm.pbf --kind pharmacy --services data/sweden/pipos_apoteksvaror_2025-11-12.xlsx --settlements data/sweden/scb_befolkning_1km_2024_populated.csv.gz --regions data/sweden/swedish_municipalities.geojson --csv pharmacies.csv",
    ))]
    Vulnerable(Box<VulnerableArgs>),
    /// Where up to k new service points of one kind would bring the most people within the
    /// threshold (greedy maximal coverage). Prints the picks.
    #[command(after_help = examples!(sweden:
        "servicegap suggest data/osm/de-north-bayreuth-rural.osm.pbf --kind grocery -k 2 -o sites.geojson",
        "servicegap suggest data/osm/de-north-bayreuth-rural.osm.pbf --kind post --threshold post=8km",
        "servicegap suggest sweden-latest.osm.pbf --kind pharmacy --services data/sweden/pipos_apoteksvaror_2025-11-12.xlsx --settlements data/sweden/scb_befolkning_1km_2024_populated.csv.gz --regions data/sweden/swedish_municipalities.geojson --in-region Stockholm -k 5",
    ))]
    Suggest(Box<SuggestArgs>),
    /// Write the planner's report: one self-contained HTML page with the map, the figures per
    /// kind and distance band, the cash law check, and with --regions one printable page per
    /// region (kommun) with the draft of its service plan's situation chapter.
    #[command(after_help = examples!(sweden:
        "servicegap report data/osm/de-north-bayreuth-rural.osm.pbf -o report.html",
        "servicegap report data/osm/de-north-bayreuth-rural.osm.pbf --threshold grocery=15min --title 'Bayreuth: grocery within 15 minutes' -o bayreuth.html",
        "servicegap report sweden-latest.osm.pbf --settlements data/sweden/scb_befolkning_1km_2024_populated.csv.gz --services data/sweden/pipos_apoteksvaror_2025-11-12.xlsx --regions data/sweden/swedish_municipalities.geojson -o sweden.html",
    ))]
    Report(Box<ReportArgs>),
    /// Read an extract and report what it holds: road graph, service points, settlements.
    #[command(after_help = examples!(data:
        "servicegap inspect data/osm/de-north-bayreuth-rural.osm.pbf",
        "servicegap inspect data/osm/de-north-bayreuth-rural.osm.pbf --json > inspect.json",
    ))]
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
    /// Print a completion script for a shell, to install where the shell looks for them
    /// (see the README).
    #[command(after_help = examples!(
        "servicegap completions bash > servicegap.bash",
        "servicegap completions zsh > _servicegap",
        "servicegap completions fish > servicegap.fish",
    ))]
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) of servicegap, or of one command, made from this help.
    #[command(after_help = examples!(
        "servicegap man > servicegap.1",
        "servicegap man analyze > servicegap-analyze.1",
    ))]
    Man {
        /// The command whose page to print (default: the main page, listing the commands).
        #[arg(value_name = "COMMAND", value_parser = clap::builder::PossibleValuesParser::new(COMMANDS))]
        command: Option<String>,
    },
    /// Print the help of servicegap or of one of its commands.
    #[command(after_help = examples!(
        "servicegap help",
        "servicegap help analyze",
    ))]
    Help {
        /// The command whose help to print.
        #[arg(value_name = "COMMAND", value_parser = clap::builder::PossibleValuesParser::new(COMMANDS))]
        command: Option<String>,
    },
}

/// The commands by name, for `man COMMAND` and `help COMMAND` (a test checks the list against
/// the commands clap knows).
pub const COMMANDS: [&str; 11] = [
    "analyze",
    "build",
    "config",
    "scenario",
    "vulnerable",
    "suggest",
    "report",
    "inspect",
    "completions",
    "man",
    "help",
];

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
    /// Also compute capacity-aware access (E2SFCA, Luo & Qi 2009) per settlement and kind:
    /// the K_e2sfca columns and summary figures (as `[e2sfca] enabled = true` in the settings
    /// file; one bounded search per service point, slow on a national extract).
    #[arg(long)]
    pub e2sfca: bool,
    /// Write all seven outputs into this folder under their usual names (settlements.geojson,
    /// settlements.csv, summary.json, network.geojson, services.geojson, catchments.geojson,
    /// results.gpkg); the flags below override single names.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
    /// Write the settlements here: GeoJSON, or by the extension a GeoPackage (.gpkg) or
    /// FlatGeobuf (.fgb); the other layer outputs below choose their format the same way.
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
    /// Write every layer of the run into one GeoPackage here (QGIS's own format: typed
    /// columns, a spatial index and a default style per layer).
    #[arg(long, value_name = "results.gpkg")]
    pub gpkg: Option<PathBuf>,
    /// Write the planner's report (one self-contained HTML page, as `servicegap report`)
    /// here.
    #[arg(long, value_name = "report.html")]
    pub report: Option<PathBuf>,
}

#[derive(clap::Args)]
pub struct ScenarioArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Also compute capacity-aware access (E2SFCA, Luo & Qi 2009) per settlement and kind:
    /// the K_e2sfca columns and summary figures (as `[e2sfca] enabled = true` in the settings
    /// file; one bounded search per service point, slow on a national extract).
    #[arg(long)]
    pub e2sfca: bool,
    /// The scenario file (TOML): [[scenario]] tables with a name, `remove` (service ids or
    /// names) and [[scenario.add]] points (lon/lat or x/y + crs, kinds, mobile, seasonal).
    #[arg(long, value_name = "plan.toml")]
    pub scenarios: PathBuf,
    /// Write the baseline and every scenario's per-kind figures as JSON here.
    #[arg(long, value_name = "compare.json")]
    pub compare_out: Option<PathBuf>,
    /// Write every settlement whose figures change in a scenario, per kind, here: GeoJSON, or
    /// by the extension .gpkg or .fgb.
    #[arg(long, value_name = "diff.geojson")]
    pub diff_out: Option<PathBuf>,
    /// Write every layer of the run into one GeoPackage here (QGIS's own format: typed
    /// columns, a spatial index and a default style per layer).
    #[arg(long, value_name = "results.gpkg")]
    pub gpkg: Option<PathBuf>,
    /// Write the scenario report here: one self-contained HTML page with the side-by-side
    /// comparison and a map of the settlements that enter or leave a gap.
    #[arg(long, value_name = "report.html")]
    pub report: Option<PathBuf>,
}

#[derive(clap::Args)]
pub struct VulnerableArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// The kind of service: grocery, fuel, post, pharmacy, payment or one of the settings
    /// file's own kinds.
    #[arg(long, value_name = "KIND")]
    pub kind: String,
    /// Write the ranked points here: GeoJSON, or by the extension .gpkg or .fgb.
    #[arg(short = 'o', long = "output", value_name = "vulnerable.geojson")]
    pub output: Option<PathBuf>,
    /// Write the ranked points as CSV here.
    #[arg(long, value_name = "vulnerable.csv")]
    pub csv: Option<PathBuf>,
    /// Write every layer of the run into one GeoPackage here (QGIS's own format: typed
    /// columns, a spatial index and a default style per layer).
    #[arg(long, value_name = "results.gpkg")]
    pub gpkg: Option<PathBuf>,
}

#[derive(clap::Args)]
pub struct SuggestArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// The kind of service: grocery, fuel, post, pharmacy, payment or one of the settings
    /// file's own kinds.
    #[arg(long, value_name = "KIND")]
    pub kind: String,
    /// How many new sites to pick (at least 1).
    #[arg(short = 'k', value_name = "K", default_value = "3", value_parser = parse_sites)]
    pub k: usize,
    /// Candidate sites (CSV with lon/lat or x/y and --crs, or GeoJSON points; optional id
    /// and name) instead of every node of the main road network.
    #[arg(long, value_name = "FILE")]
    pub candidates: Option<PathBuf>,
    /// Pick within this one region of --regions (by its name, e.g. a kommun): only its
    /// candidates (nodes, or --candidates sites, lying in it) and its settlements count, and
    /// the figures are the region's.
    #[arg(long, value_name = "NAME")]
    pub in_region: Option<String>,
    /// Write the picks here: GeoJSON, or by the extension .gpkg or .fgb.
    #[arg(short = 'o', long = "output", value_name = "suggest.geojson")]
    pub output: Option<PathBuf>,
    /// Write every layer of the run into one GeoPackage here (QGIS's own format: typed
    /// columns, a spatial index and a default style per layer).
    #[arg(long, value_name = "results.gpkg")]
    pub gpkg: Option<PathBuf>,
}

#[derive(clap::Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Also compute capacity-aware access (E2SFCA, Luo & Qi 2009) per settlement and kind:
    /// the K_e2sfca columns and summary figures (as `[e2sfca] enabled = true` in the settings
    /// file; one bounded search per service point, slow on a national extract).
    #[arg(long)]
    pub e2sfca: bool,
    /// Write the report here (HTML; `-` for standard output).
    #[arg(short = 'o', long = "output", value_name = "report.html")]
    pub output: PathBuf,
    /// The page's title (default: from the extract's file name).
    #[arg(long, value_name = "TEXT")]
    pub title: Option<String>,
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
    /// A population group: an extra population column of the --settlements file (e.g.
    /// `pop_70plus`, people aged 70+), given every gap figure of its own and the far
    /// indicator (repeatable; replaces the settings file's `groups`).
    #[arg(long = "group", value_name = "COLUMN", value_parser = parse_group)]
    pub groups: Vec<String>,
    /// The groups' far indicator: people of a group this many road km or more from the
    /// nearest point of a kind, and their total one-way km [default: 5, as Pipos for 70+].
    #[arg(long, value_name = "KM", value_parser = str::parse::<Km>)]
    pub group_far_km: Option<Km>,
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
    /// The N of K_min_meanN in the settlements outputs and summary: the mean car minutes to
    /// the N nearest points of each kind, from 1 to 10 [default: 3].
    #[arg(long, value_name = "N", value_parser = str::parse::<NearestCount>)]
    pub k_nearest: Option<NearestCount>,
    /// Settings file (see `servicegap config`); flags given on the command line win.
    #[arg(long, value_name = "servicegap.toml")]
    pub config: Option<PathBuf>,
    /// Print one JSON document (schema in docs/json.md) instead of the table.
    #[arg(long)]
    pub json: bool,
}

/// A `--group` value: a column name that can be a column of the outputs.
fn parse_group(name: &str) -> Result<String, servicegap::settings::ValueError> {
    servicegap::settings::check_group(name).map(|()| name.trim().to_owned())
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
            groups: self.groups.clone(),
            group_far_km: self.group_far_km,
            k_nearest: self.k_nearest,
            e2sfca: false,
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
