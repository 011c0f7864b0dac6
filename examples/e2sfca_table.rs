//! Writes the travel-time table behind the capacity-aware access (E2SFCA) values and the
//! values themselves, unrounded, for checking them against another implementation
//! (`benches/e2sfca_pysal.py` runs PySAL `access` on the table):
//!
//! ```sh
//! cargo run --release --example e2sfca_table -- EXTRACT OUTDIR [--settlements FILE] \
//!     [--services FILE]... [--config FILE]
//! ```
//!
//! The inputs are read as `servicegap analyze` reads them. Per kind K it writes
//! `OUTDIR/K_times.csv` (`settlement,point,minutes`: every settlement within the last step's
//! limit of every snapped point of K, by index in the settlements output and the region's
//! service points, car minutes as the shortest text that reads back to the same number),
//! `OUTDIR/K_values.csv` (`settlement,population,status,e2sfca`: capacity per person,
//! unrounded, empty for none), and once `OUTDIR/points.csv` (`point,capacity`) and
//! `OUTDIR/steps.csv` (`max_min,weight`).
use servicegap::analysis::{analyze, e2sfca, Status};
use servicegap::settings::{resolve, Flags};
use servicegap::ServiceKind;
use std::error::Error;
use std::fmt::Write as _;
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: e2sfca_table EXTRACT OUTDIR [--settlements FILE] [--services FILE]... \
                 [--config FILE]";
    let extract = PathBuf::from(args.next().ok_or(usage)?);
    let out = PathBuf::from(args.next().ok_or(usage)?);
    let mut flags = Flags {
        e2sfca: true,
        ..Flags::default()
    };
    while let Some(flag) = args.next() {
        let value = PathBuf::from(args.next().ok_or(usage)?);
        match flag.as_str() {
            "--settlements" => flags.settlements = Some(value),
            "--services" => flags.services.push(value),
            "--config" => flags.config = Some(value),
            _ => return Err(usage.into()),
        }
    }
    let settings = resolve(flags)?;
    let crs = settings.crs.as_ref();
    let files = settings
        .services
        .iter()
        .map(|p| servicegap::input::services::read_services(p, crs))
        .collect::<Result<Vec<_>, _>>()?;
    let mut region = servicegap::open::open(&extract, &settings.profile)?;
    if !files.is_empty() {
        servicegap::open::use_service_files(&mut region, &files, settings.osm_services);
    }
    if let Some(p) = &settings.settlements {
        let s = servicegap::input::settlements::read_settlements(p, crs)?;
        servicegap::open::use_settlements(&mut region, s);
    }
    let options = &settings.options;
    let Some(e2sfca_steps) = &options.e2sfca else {
        return Err("capacity-aware access is not switched on".into());
    };
    std::fs::create_dir_all(&out)?;
    let analysis = analyze(&region, options);

    let mut steps = String::from("max_min,weight\n");
    for s in e2sfca_steps.steps() {
        writeln!(steps, "{:?},{:?}", s.max_min, s.weight)?;
    }
    std::fs::write(out.join("steps.csv"), steps)?;
    let mut points = String::from("point,capacity\n");
    for (j, p) in region.services.iter().enumerate() {
        writeln!(points, "{j},{:?}", p.capacity.unwrap_or(1.0))?;
    }
    std::fs::write(out.join("points.csv"), points)?;

    for kind in ServiceKind::BUILT_IN {
        let k = kind.index();
        let mut times = String::from("settlement,point,minutes\n");
        for (j, catchment) in e2sfca::travel_times(&region, options, e2sfca_steps, kind) {
            for (i, ds) in catchment {
                writeln!(times, "{i},{j},{:?}", f64::from(ds) / 600.0)?;
            }
        }
        std::fs::write(out.join(format!("{kind}_times.csv")), times)?;
        let mut values = String::from("settlement,population,status,e2sfca\n");
        for (i, (s, r)) in region
            .settlements
            .iter()
            .zip(&analysis.settlements)
            .enumerate()
        {
            let status = match r.status {
                Status::Ok => "ok",
                Status::NoRoad => "no_road",
                Status::Outside => "outside",
            };
            let pop = s.population.map(|p| p.to_string()).unwrap_or_default();
            let v = r.e2sfca[k].map(|v| format!("{v:?}")).unwrap_or_default();
            writeln!(values, "{i},{pop},{status},{v}")?;
        }
        std::fs::write(out.join(format!("{kind}_values.csv")), values)?;
    }
    Ok(())
}
