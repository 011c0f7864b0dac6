//! One function per command: resolve the settings, open the region, run the library, write
//! the requested files (all or none) and print.

use super::args::{
    config_only, AnalyzeArgs, InputArgs, ReportArgs, ScenarioArgs, SuggestArgs, VulnerableArgs,
};
use super::error::CliError;
use super::show;
use servicegap::analysis;
use servicegap::base::progress::{self, Phase};
use servicegap::input::regions::Regions;
use servicegap::network::region::Region;
use servicegap::report;
use servicegap::report::gpkg::Styles;
use servicegap::report::inspect::InspectReport;
use servicegap::report::layer::Layer;
use servicegap::settings::{self, Flags, Settings};
use servicegap::store::output::{OutputSet, OutputWriter, ScratchFile};
use servicegap::whatif::plan::{Plan, PLAN_SUGGEST_K};
use servicegap::ServiceKind;
use std::io::Write;
use std::path::{Path, PathBuf};

type Result<T = ()> = std::result::Result<T, CliError>;

/// A region with planners' files applied, its settings and region polygons.
struct Loaded {
    region: Region,
    settings: Settings,
    polygons: Option<Regions>,
    file: String,
}

/// Resolves the settings, reads the planners' files and opens the extract, as every
/// analysing command does; `e2sfca` is the command's `--e2sfca` flag (false where it has
/// none).
fn load(args: &InputArgs, e2sfca: bool) -> Result<Loaded> {
    load_with(args, resolved(args, e2sfca)?)
}

/// The settings of a command: the settings file with the flags over it (`e2sfca` the
/// command's `--e2sfca` flag, false where it has none). A flag that names a kind the settings
/// do not have is refused as that flag's.
fn resolved(args: &InputArgs, e2sfca: bool) -> Result<Settings> {
    let flags = Flags {
        e2sfca,
        ..args.flags()
    };
    settings::resolve(flags).map_err(|e| match e {
        settings::SettingsError::Flag { flag, error } => CliError::Flag {
            flag: flag.into(),
            source: error.into(),
        },
        other => other.into(),
    })
}

/// The kind `--kind` names among the settings' kinds.
fn kind_flag(settings: &Settings, name: &str) -> Result<ServiceKind> {
    let kinds = settings.profile.kinds();
    kinds.resolve(name).map_err(|error| CliError::Flag {
        flag: "--kind".into(),
        source: error,
    })
}

/// [`load`] with the settings resolved already.
fn load_with(args: &InputArgs, settings: Settings) -> Result<Loaded> {
    // The settings file's list is checked when read: a problem here is the flags'.
    settings::check_groups(&settings.groups).map_err(|e| CliError::Flag {
        flag: "--group".into(),
        source: e.into(),
    })?;
    if !settings.groups.is_empty() && settings.settlements.is_none() {
        return Err(CliError::GroupsNeedSettlements {
            groups: settings.groups.join(", "),
        });
    }
    let crs = settings.crs.as_ref();
    // Planners' files are read before the extract, so their errors come without waiting.
    let service_files = settings
        .services
        .iter()
        .map(|p| servicegap::input::services::read_services_with(p, crs, settings.profile.kinds()))
        .collect::<std::result::Result<Vec<_>, _>>()?;
    let settlements = settings
        .settlements
        .as_deref()
        .map(|p| servicegap::input::settlements::read_settlements_with(p, crs, &settings.groups))
        .transpose()?;
    let polygons = settings
        .regions
        .as_deref()
        .map(|p| Regions::read(p, settings.region_field.as_deref()))
        .transpose()?;

    let mut region = servicegap::open::open(&args.file, &settings.profile)?;
    check_not_swapped(&region, &service_files, &settings, settlements.as_deref())?;
    if !service_files.is_empty() || !settings.osm_services {
        servicegap::open::use_service_files(&mut region, &service_files, settings.osm_services);
    }
    if let Some(settlements) = settlements {
        let groups = settings.groups.clone();
        servicegap::open::use_grouped_settlements(&mut region, settlements, groups);
    }
    let file_warnings = service_files.iter().flat_map(|f| &f.warnings);
    for warning in file_warnings.chain(&region.warnings) {
        show::warn(warning);
    }
    let file = args.file.display().to_string();
    if region.settlements.is_empty() {
        let places: Vec<&str> = settings.profile.places().iter().map(|p| p.name()).collect();
        return Err(CliError::NoSettlements {
            file,
            places: places.join(", "),
        });
    }
    // Said once the settlements are known to be there, so a refused run says only why.
    let options = &settings.options;
    if let Some(small) = analysis::SmallNetwork::of(&region.graph, options) {
        let fix = if small.largest > 0 {
            format!("; lower it with --min-component-nodes {}", small.largest)
        } else {
            String::new()
        };
        show::warn(format_args!("{}: {small}{fix}", args.file.display()));
    }
    for warning in analysis::extent_warnings(&analysis::Coverage::new(&region, options)) {
        show::warn(warning);
    }
    Ok(Loaded {
        region,
        settings,
        polygons,
        file,
    })
}

/// The analysis of a loaded region, and with region polygons its region groups.
fn analysed(loaded: &Loaded) -> (analysis::Analysis, Option<report::RegionGroups<'_>>) {
    let options = &loaded.settings.options;
    let result = analysis::analyze(&loaded.region, options);
    let groups = loaded
        .polygons
        .as_ref()
        .map(|p| report::RegionGroups::new(p, &loaded.region, &result, options));
    (result, groups)
}

/// Refuses a planner's file whose longitudes and latitudes are exchanged, judged against
/// where the extract's roads are.
fn check_not_swapped(
    region: &Region,
    services: &[servicegap::input::services::ServiceFile],
    settings: &Settings,
    settlements: Option<&[servicegap::base::feature::Settlement]>,
) -> Result {
    use servicegap::input::points::{check_not_swapped, LonLatBox};
    let graph = &region.graph;
    let nodes = (0..graph.node_count()).filter_map(|i| u32::try_from(i).ok());
    let coords = nodes.map(|i| graph.coord(servicegap::network::graph::NodeIdx(i)));
    let Some(roads) = LonLatBox::around(coords) else {
        return Ok(());
    };
    for file in services {
        let points: Vec<_> = file.points.iter().map(|p| p.coord).collect();
        check_not_swapped(&file.path, &points, &roads)?;
    }
    if let (Some(path), Some(settlements)) = (&settings.settlements, settlements) {
        let points: Vec<_> = settlements.iter().map(|s| s.coord).collect();
        check_not_swapped(path, &points, &roads)?;
    }
    Ok(())
}

/// `servicegap analyze`.
pub fn analyze(args: AnalyzeArgs) -> Result {
    let mut args = args;
    if let Some(dir) = &args.out_dir {
        let named = |name: &str| Some(dir.join(name));
        args.output = args.output.or_else(|| named("settlements.geojson"));
        args.csv = args.csv.or_else(|| named("settlements.csv"));
        args.summary = args.summary.or_else(|| named("summary.json"));
        args.network_out = args.network_out.or_else(|| named("network.geojson"));
        args.services_out = args.services_out.or_else(|| named("services.geojson"));
        args.catchments_out = args.catchments_out.or_else(|| named("catchments.geojson"));
        args.gpkg = args.gpkg.or_else(|| named("results.gpkg"));
    }
    if args.regions_out.is_some() && args.input.regions.is_none() {
        return Err(CliError::RegionsOutNeedsRegions);
    }
    let dash = one_stdout(&[
        ("--output", &args.output),
        ("--csv", &args.csv),
        ("--summary", &args.summary),
        ("--network-out", &args.network_out),
        ("--services-out", &args.services_out),
        ("--catchments-out", &args.catchments_out),
        ("--regions-out", &args.regions_out),
        ("--gpkg", &args.gpkg),
        ("--report", &args.report),
    ])?;
    json_alone(args.input.json, dash)?;
    let loaded = load(&args.input, args.e2sfca)?;
    let (result, groups) = analysed(&loaded);
    let Loaded {
        region,
        settings,
        polygons,
        file,
    } = &loaded;
    let options = &settings.options;
    let groups = groups.as_ref();
    let grocery = ServiceKind::GROCERY;
    let styles = Styles::for_run(&region.kinds, grocery, options.thresholds[grocery.index()]);
    let settlements = report::SettlementsLayer::new(region, &result, groups);
    let services = report::ServicesLayer::new(region, &result);
    let network = report::NetworkLayer::new(region);
    // Catchments cost a pass over every settlement: made only when asked for.
    let catchments = (args.catchments_out.is_some() || args.gpkg.is_some())
        .then(|| report::CatchmentsLayer::new(region, &result));
    let regions = groups.map(report::RegionsLayer::new);
    // The plan pages' searches run only for a report.
    let page = args.report.as_ref().map(|_| {
        let plan = Plan::compute(region, &result, options, polygons.as_ref(), PLAN_SUGGEST_K);
        report::html::report_data(&report::html::ReportInput {
            file,
            title: None,
            region,
            analysis: &result,
            options,
            groups,
            plan: Some(&plan),
            scenario: None,
        })
    });
    let mut outputs = Outputs::default();
    if let Some(path) = &args.output {
        outputs.layer(path, &settlements, &styles)?;
    }
    if let (Some(path), Some(page)) = (&args.report, &page) {
        outputs.write(path, |w| report::html::write_report(w, page))?;
    }
    if let Some(path) = &args.csv {
        outputs.write(path, |w| report::csv::write_layer(w, &settlements))?;
    }
    if let (Some(path), Some(layer)) = (&args.regions_out, &regions) {
        outputs.layer(path, layer, &styles)?;
    }
    if let Some(path) = &args.summary {
        outputs.write(path, |w| {
            report::summary_json_to(w, file, region, &result, groups)
        })?;
    }
    if let Some(path) = &args.network_out {
        outputs.layer(path, &network, &styles)?;
    }
    if let Some(path) = &args.services_out {
        outputs.layer(path, &services, &styles)?;
    }
    if let (Some(path), Some(layer)) = (&args.catchments_out, &catchments) {
        outputs.layer(path, layer, &styles)?;
    }
    if let Some(path) = &args.gpkg {
        let mut layers: Vec<&dyn Layer> = vec![&settlements, &services];
        layers.extend(catchments.as_ref().map(|l| l as &dyn Layer));
        layers.push(&network);
        layers.extend(regions.as_ref().map(|l| l as &dyn Layer));
        outputs.gpkg(path, layers, &styles)?;
    }
    let streamed = outputs.finish()?;
    if args.input.json {
        let summary = report::summary_json(file, region, &result, groups);
        return print_json(&report::json_document("analyze", summary));
    }
    say(
        streamed,
        &report::summary_table(file, region, &result, groups),
    )
}

/// `servicegap scenario`.
pub fn scenario(args: ScenarioArgs) -> Result {
    use servicegap::whatif::scenario::{evaluate, Network, State};
    // The scenario file is checked before the extract is read.
    let dash = one_stdout(&[
        ("--compare-out", &args.compare_out),
        ("--diff-out", &args.diff_out),
        ("--gpkg", &args.gpkg),
        ("--report", &args.report),
    ])?;
    json_alone(args.input.json, dash)?;
    let settings = resolved(&args.input, args.e2sfca)?;
    let kinds = settings.profile.kinds();
    let scenarios = servicegap::input::scenarios::read_scenarios_with(&args.scenarios, kinds)?;
    let Loaded {
        region,
        settings,
        file,
        ..
    } = load_with(&args.input, settings)?;
    let net = Network::new(&region, &settings.options);
    let baseline = State::new(&net, &region.services);
    let outcomes = evaluate(&net, &baseline, &scenarios).map_err(|error| CliError::Scenario {
        path: args.scenarios.clone(),
        error,
    })?;
    let base = baseline.analysis(&net);
    let services = baseline.services();
    let styles = Styles::new();
    let diff = report::DiffLayer::new(
        &region.kinds,
        &region.settlements,
        services,
        &base,
        &outcomes,
    );
    let page = args.report.as_ref().map(|_| {
        let scenario = report::html::ScenarioInput {
            services,
            outcomes: &outcomes,
        };
        report::html::report_data(&report::html::ReportInput {
            file: &file,
            title: None,
            region: &region,
            analysis: &base,
            options: &settings.options,
            groups: None,
            plan: None,
            scenario: Some(scenario),
        })
    });
    let mut outputs = Outputs::default();
    if let (Some(path), Some(page)) = (&args.report, &page) {
        outputs.write(path, |w| report::html::write_report(w, page))?;
    }
    if let Some(path) = &args.compare_out {
        outputs.write(path, |w| {
            report::compare_json_to(w, &file, &region.groups, services, &base, &outcomes)
        })?;
    }
    if let Some(path) = &args.diff_out {
        outputs.layer(path, &diff, &styles)?;
    }
    if let Some(path) = &args.gpkg {
        outputs.gpkg(path, vec![&diff], &styles)?;
    }
    let streamed = outputs.finish()?;
    if args.input.json {
        let compare = report::compare_json(&file, &region.groups, services, &base, &outcomes);
        return print_json(&report::json_document("scenario", compare));
    }
    say(
        streamed,
        &report::compare_table(&file, &region.settlements, services, &base, &outcomes),
    )
}

/// `servicegap vulnerable`.
pub fn vulnerable(args: VulnerableArgs) -> Result {
    let dash = one_stdout(&[
        ("--output", &args.output),
        ("--csv", &args.csv),
        ("--gpkg", &args.gpkg),
    ])?;
    json_alone(args.input.json, dash)?;
    let settings = resolved(&args.input, false)?;
    let kind = kind_flag(&settings, &args.kind)?;
    let loaded = load_with(&args.input, settings)?;
    let (region, polygons) = (&loaded.region, loaded.polygons.as_ref());
    let options = &loaded.settings.options;
    let result = servicegap::whatif::vulnerability::vulnerability(region, options, kind, polygons);
    let styles = Styles::new();
    let layer = report::VulnerableLayer::new(&result, region, polygons);
    let mut outputs = Outputs::default();
    if let Some(path) = &args.output {
        outputs.layer(path, &layer, &styles)?;
    }
    if let Some(path) = &args.csv {
        outputs.write(path, |w| report::vulnerable_csv(w, &layer))?;
    }
    if let Some(path) = &args.gpkg {
        outputs.gpkg(path, vec![&layer], &styles)?;
    }
    let streamed = outputs.finish()?;
    if args.input.json {
        return print_json(&report::vulnerable_json(
            &loaded.file,
            region,
            &result,
            polygons,
        ));
    }
    say(
        streamed,
        &format!(
            "{}: {}",
            loaded.file,
            report::vulnerable_table(&result, region, 20)
        ),
    )
}

/// `servicegap suggest`.
pub fn suggest(args: SuggestArgs) -> Result {
    use servicegap::whatif::suggest::{read_sites, Candidates};
    let dash = one_stdout(&[("--output", &args.output), ("--gpkg", &args.gpkg)])?;
    json_alone(args.input.json, dash)?;
    // Candidate sites are read before the settings file and the extract.
    let candidates = match &args.candidates {
        Some(path) => Candidates::Sites(read_sites(path, args.input.crs.as_ref())?),
        None => Candidates::MainNetworkNodes,
    };
    let in_region = args
        .in_region
        .as_deref()
        .map(|name| region_named(&args.input, name))
        .transpose()?;
    let settings = resolved(&args.input, false)?;
    let kind = kind_flag(&settings, &args.kind)?;
    let loaded = load_with(&args.input, settings)?;
    let region = &loaded.region;
    let options = &loaded.settings.options;
    let k = args.k;
    let result = match (in_region, &loaded.polygons) {
        (Some(r), Some(polygons)) => servicegap::whatif::suggest::suggest_in_region(
            region,
            options,
            kind,
            k,
            &candidates,
            (polygons, r),
        ),
        _ => Some(servicegap::whatif::suggest::suggest(
            region,
            options,
            kind,
            k,
            &candidates,
        )),
    };
    // The index was found in the same file just before.
    let result = result
        .ok_or_else(|| in_region_error("the regions file changed while it was read".into()))?;
    let styles = Styles::new();
    let layer = report::SuggestLayer::new(&result, region, &candidates);
    let mut outputs = Outputs::default();
    if let Some(path) = &args.output {
        outputs.layer(path, &layer, &styles)?;
    }
    if let Some(path) = &args.gpkg {
        outputs.gpkg(path, vec![&layer], &styles)?;
    }
    let streamed = outputs.finish()?;
    if args.input.json {
        let doc = report::suggest_json(&loaded.file, region, &result, &candidates, args.k);
        return print_json(&doc);
    }
    let within = match (in_region, &loaded.polygons) {
        (Some(r), Some(polygons)) => format!(" in {}", polygons.name(r)),
        _ => String::new(),
    };
    say(
        streamed,
        &format!(
            "{}{within}: {}",
            loaded.file,
            report::suggest_table(&result, region, &candidates, args.k)
        ),
    )
}

/// `servicegap report`.
pub fn report(args: ReportArgs) -> Result {
    if args.input.json {
        // The page holds its data as JSON (docs/report.md); there is no table to replace.
        return Err(CliError::Flag {
            flag: "--json".into(),
            source: "report prints no table: its data is the page's JSON element (docs/report.md)"
                .into(),
        });
    }
    let loaded = load(&args.input, args.e2sfca)?;
    let (result, groups) = analysed(&loaded);
    let Loaded {
        region,
        settings,
        polygons,
        file,
    } = &loaded;
    let options = &settings.options;
    let plan = Plan::compute(region, &result, options, polygons.as_ref(), PLAN_SUGGEST_K);
    let page = report::html::report_data(&report::html::ReportInput {
        file,
        title: args.title,
        region,
        analysis: &result,
        options,
        groups: groups.as_ref(),
        plan: Some(&plan),
        scenario: None,
    });
    let mut outputs = Outputs::default();
    outputs.write(&args.output, |w| report::html::write_report(w, &page))?;
    let streamed = outputs.finish()?;
    let sections = page["sections"].as_array().map_or(0, Vec::len);
    let to = if streamed {
        "standard output".to_owned()
    } else {
        args.output.display().to_string()
    };
    let plural = if sections == 1 { "" } else { "s" };
    say(
        streamed,
        &format!("{file}: report with {sections} plan page{plural} written to {to}\n"),
    )
}

/// The index of the region named `name` (exactly) among the region polygons the settings
/// give, read here so that a wrong name is refused before the extract is read.
fn region_named(input: &InputArgs, name: &str) -> Result<usize> {
    let settings = settings::resolve(input.flags())?;
    let Some(path) = settings.regions.as_deref() else {
        return Err(in_region_error(
            "needs region polygons: give --regions".into(),
        ));
    };
    let regions = Regions::read(path, settings.region_field.as_deref())?;
    if let Some(r) = regions.find(name) {
        return Ok(r);
    }
    // Names are compared in lower case for the hint, and offered as the file spells them.
    let lower: Vec<String> = regions.names().iter().map(|n| n.to_lowercase()).collect();
    let hint = analysis::closest_name(name, lower.iter().map(String::as_str))
        .and_then(|l| lower.iter().position(|n| n == l))
        .map(|i| format!(": did you mean `{}`?", regions.name(i)))
        .unwrap_or_default();
    Err(in_region_error(format!(
        "{}: no region named `{name}` (by its `{}` property){hint}",
        path.display(),
        regions.field()
    )))
}

/// A refused `--in-region`.
fn in_region_error(reason: String) -> CliError {
    CliError::Flag {
        flag: "--in-region".into(),
        source: reason.into(),
    }
}

/// `servicegap build`.
pub fn build(file: &Path, output: &Path, config: Option<PathBuf>) -> Result {
    let settings = settings::resolve(config_only(config))?;
    let profile = settings.profile;
    let clock = std::time::Instant::now();
    let mut region = servicegap::open::open(file, &profile)?;
    let read = clock.elapsed();
    let preparing = progress::phase("preparing", None, progress::Unit::Items);
    servicegap::route::prepare(&mut region, settings.options.snap);
    preparing.finish();
    let fingerprint = servicegap::store::cache::settings_fingerprint(&profile);
    let streamed = is_stdout(output);
    if streamed {
        let mut outputs = Outputs::default();
        outputs.write(output, |w| {
            servicegap::store::cache::write_to(&region, fingerprint, w)
        })?;
        outputs.finish()?;
    } else {
        // Streamed, the bytes go through the outputs' own writing phase.
        let writing = progress::phase("writing", None, progress::Unit::Items);
        servicegap::store::cache::write(output, &region, fingerprint)?;
        writing.finish();
    }
    let g = &region.graph;
    say(
        streamed,
        &format!(
        "{}: {} nodes, {} arcs, {} service points, {} settlements in {:.0} ms (read {:.0} ms)\n",
        output.display(),
        g.node_count(),
        g.arc_count(),
        region.services.len(),
        region.settlements.len(),
        clock.elapsed().as_secs_f64() * 1e3,
        read.as_secs_f64() * 1e3,
        ),
    )
}

/// `servicegap config`.
pub fn config() -> Result {
    print(settings::DEFAULT_CONFIG)
}

/// `servicegap inspect`.
pub fn inspect(file: &Path, json: bool, config: Option<PathBuf>) -> Result {
    let profile = settings::resolve(config_only(config))?.profile;
    let region = servicegap::open::open(file, &profile)?;
    let report = InspectReport::new(&file.display().to_string(), &region);
    if json {
        let value = serde_json::to_value(&report).map_err(CliError::Json)?;
        print_json(&report::json_document("inspect", value))
    } else {
        print(&report.to_table())
    }
}

/// Whether an output flag's value names standard output.
fn is_stdout(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// Refuses a command line where more than one output flag is `-`: standard output carries one
/// output, whole. The flag given as `-`, if one is.
fn one_stdout(flags: &[(&'static str, &Option<PathBuf>)]) -> Result<Option<&'static str>> {
    let mut streamed = flags
        .iter()
        .filter(|(_, path)| path.as_deref().is_some_and(is_stdout))
        .map(|(flag, _)| *flag);
    match (streamed.next(), streamed.next()) {
        (Some(first), Some(second)) => Err(CliError::TwoStdout { first, second }),
        (first, _) => Ok(first),
    }
}

/// Refuses `--json` beside an output flag given as `-` (`dash`): both would fill standard
/// output.
fn json_alone(json: bool, dash: Option<&'static str>) -> Result {
    match dash {
        Some(flag) if json => Err(CliError::JsonAndStdout { flag }),
        _ => Ok(()),
    }
}

/// Prints a `--json` document, pretty, with a final newline.
fn print_json(doc: &serde_json::Value) -> Result {
    let text = serde_json::to_string_pretty(doc).map_err(CliError::Json)?;
    print(&format!("{text}\n"))
}

/// A command's outputs: files through an [`OutputSet`], and at most one output (`-`) to
/// standard output, written after every file is complete and before they are moved into
/// place.
#[derive(Default)]
struct Outputs<'a> {
    files: OutputSet,
    stdout: Option<WriteOutput<'a>>,
    /// The writing phase, from the first output to the last.
    writing: Option<Phase>,
}

type WriteOutput<'a> = Box<dyn FnOnce(&mut OutputWriter) -> std::io::Result<()> + 'a>;

impl<'a> Outputs<'a> {
    /// Writes the output for `path` (a file now, standard output for `-` at [`Outputs::finish`]).
    fn write(
        &mut self,
        path: &Path,
        write: impl FnOnce(&mut OutputWriter) -> std::io::Result<()> + 'a,
    ) -> Result {
        self.count();
        if is_stdout(path) {
            self.stdout = Some(Box::new(write));
        } else {
            self.files.write(path, write)?;
        }
        Ok(())
    }

    /// Counts one more output in the writing phase, which starts with the first.
    fn count(&mut self) {
        let writing = self
            .writing
            .get_or_insert_with(|| progress::phase("writing", None, progress::Unit::Items));
        writing.advance(1);
    }

    /// Writes `layer` to `path` in the format its extension names: `.gpkg` a GeoPackage of
    /// this layer alone, `.fgb` FlatGeobuf, any other GeoJSON.
    fn layer(&mut self, path: &Path, layer: &'a dyn Layer, styles: &'a Styles) -> Result {
        let extension = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match extension.as_deref() {
            Some("gpkg") => self.gpkg(path, vec![layer], styles),
            Some("fgb") => self.write(path, move |w| report::fgb::write_fgb(w, layer)),
            _ => self.write(path, move |w| report::geojson::write_layer(w, layer)),
        }
    }

    /// Writes `layers` into one GeoPackage at `path`, each styled by `styles`. SQLite writes a
    /// file, so standard output gets a private temporary file's bytes.
    fn gpkg(&mut self, path: &Path, layers: Vec<&'a dyn Layer>, styles: &'a Styles) -> Result {
        if is_stdout(path) {
            return self.write(path, move |w| {
                let scratch = ScratchFile::new()?;
                report::gpkg::write_gpkg(scratch.path(), &layers, styles)?;
                std::io::copy(&mut std::fs::File::open(scratch.path())?, w)?;
                Ok(())
            });
        }
        self.count();
        self.files
            .write_path(path, |tmp| report::gpkg::write_gpkg(tmp, &layers, styles))?;
        Ok(())
    }

    /// Streams the standard-output output, if any, then moves the files into place; whether
    /// standard output carried an output. A reader of standard output that went away
    /// (`| head`) is no failure: the files are still moved into place.
    fn finish(mut self) -> Result<bool> {
        let streamed = self.stdout.is_some();
        if let Some(write) = self.stdout.take() {
            match self.files.write_stdout(write) {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                    return Err(CliError::Stdout(e))
                }
                _ => {}
            }
        }
        self.files.commit()?;
        drop(self.writing.take());
        Ok(streamed)
    }
}

/// Prints a command's closing text: on standard output, or on standard error when standard
/// output carries an output, so that it stays one clean file.
fn say(streamed: bool, text: &str) -> Result {
    if show::quiet() {
        Ok(())
    } else if streamed {
        eprint!("{text}");
        Ok(())
    } else {
        print(text)
    }
}

/// Writes `text` to standard output and flushes it.
fn print(text: &str) -> Result {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}
