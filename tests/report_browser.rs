//! The report page in a real browser: the binary writes the report of a shipped region and
//! headless Chromium renders it. The map is drawn (the screenshot's map area holds the
//! settlement palette of `assets/report/report.js`), the URL fragment switches the kind and
//! the scenario, the browser logs no error and the page loads nothing (its own count of
//! resource entries and load errors, and the console lines of the log), the HTML names no
//! network resource, the plan pages are built for printing and print to PDF.
//!
//! Without Chromium the tests say why they skip; with `SERVICEGAP_REQUIRE_CHROMIUM=1` (as in
//! CI) they fail instead. They run one at a time: each browser takes both cores for a while.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

use crate::util::{assert_success, bayreuth, bin, data, extract, run, tempdir};

/// One browser at a time.
static CHROMIUM: Mutex<()> = Mutex::new(());

/// The browser window (CSS pixels; the headless device pixel ratio is 1).
const WINDOW: (u32, u32) = (1400, 1000);

/// Whether Chromium is here; a test that needs it says why it skips, and fails where
/// `SERVICEGAP_REQUIRE_CHROMIUM=1`.
fn chromium(test: &str) -> bool {
    crate::util::tool(test, "chromium", "chromium", "SERVICEGAP_REQUIRE_CHROMIUM")
}

/// What one browser run gave: standard output (the DOM for `--dump-dom`) and the log.
struct Browsed {
    stdout: String,
    log: String,
}

/// Runs headless Chromium on `page` (with `fragment`, e.g. `#kind=fuel`) with `mode` (the
/// flags that say what to produce), offline: every host name fails to resolve.
fn browse(page: &Path, fragment: &str, mode: &[String]) -> Browsed {
    let profile = tempdir();
    let url = format!("file://{}{fragment}", page.display());
    let out = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=15000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--window-size={},{}", WINDOW.0, WINDOW.1))
        .args(mode)
        .arg(&url)
        .output()
        .unwrap_or_else(|e| panic!("cannot run chromium: {e}"));
    assert!(out.status.success(), "chromium on {url}: {:?}", out.status);
    Browsed {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        log: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The DOM of `page` after its scripts ran.
fn dump_dom(page: &Path, fragment: &str) -> Browsed {
    browse(page, fragment, &["--dump-dom".into()])
}

/// A screenshot of `page`: its pixels as RGB rows and the browser's log.
fn screenshot(page: &Path, fragment: &str) -> (Image, String) {
    let dir = tempdir();
    let png = dir.path().join("shot.png");
    let b = browse(page, fragment, &[format!("--screenshot={}", png.display())]);
    (decode(&png), b.log)
}

/// An RGB image.
struct Image {
    width: usize,
    height: usize,
    rgb: Vec<[u8; 3]>,
}

fn decode(path: &Path) -> Image {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut decoder = png::Decoder::new(std::io::BufReader::new(file));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    assert!(
        channels >= 3,
        "a colour screenshot, got {:?}",
        info.color_type
    );
    let rgb = buf[..info.buffer_size()]
        .chunks(channels)
        .map(|p| [p[0], p[1], p[2]])
        .collect();
    Image {
        width: info.width as usize,
        height: info.height as usize,
        rgb,
    }
}

/// A rectangle of the screenshot, in pixels: x, y, width, height.
type Rect = (usize, usize, usize, usize);

impl Image {
    /// Pixels of `rect` within `tolerance` of `colour` on every channel.
    fn count(&self, rect: Rect, colour: [u8; 3], tolerance: u8) -> usize {
        let mut n = 0;
        for y in rect.1..(rect.1 + rect.3).min(self.height) {
            for x in rect.0..(rect.0 + rect.2).min(self.width) {
                let p = self.rgb[y * self.width + x];
                if (0..3).all(|c| p[c].abs_diff(colour[c]) <= tolerance) {
                    n += 1;
                }
            }
        }
        n
    }

    /// Pixels of `rect` that differ between two screenshots.
    fn differing(&self, other: &Image, rect: Rect) -> usize {
        let mut n = 0;
        for y in rect.1..(rect.1 + rect.3).min(self.height).min(other.height) {
            for x in rect.0..(rect.0 + rect.2).min(self.width).min(other.width) {
                if self.rgb[y * self.width + x] != other.rgb[y * other.width + x] {
                    n += 1;
                }
            }
        }
        n
    }

    /// The part of `rect` inside the image, in pixels.
    fn area(&self, rect: Rect) -> usize {
        (rect.0 + rect.2).min(self.width).saturating_sub(rect.0)
            * (rect.1 + rect.3).min(self.height).saturating_sub(rect.1)
    }
}

/// The colour constant `name` (a `const NAME = "#rrggbb"` or a list of them) of the page's
/// script, read from the file the binary embeds.
fn script_colours(name: &str) -> Vec<[u8; 3]> {
    let js = std::fs::read_to_string(data("assets/report/report.js")).unwrap();
    let start = js
        .find(&format!("const {name} = "))
        .unwrap_or_else(|| panic!("report.js defines {name}"));
    let line = js[start..].lines().next().unwrap();
    let colours: Vec<[u8; 3]> = line
        .split('"')
        .filter(|s| s.len() == 7 && s.starts_with('#'))
        .map(|s| {
            let v = |i: usize| u8::from_str_radix(&s[i..i + 2], 16).unwrap();
            [v(1), v(3), v(5)]
        })
        .collect();
    assert!(!colours.is_empty(), "{name} holds colours: {line}");
    colours
}

/// The ready marker the page sets when it has drawn its map: its `data-*` attributes.
fn ready_marker(dom: &str) -> std::collections::BTreeMap<String, String> {
    assert!(
        dom.contains("data-ready=\"1\""),
        "the page set no ready flag: {}",
        &dom[..dom.len().min(400)]
    );
    let start = dom
        .find("id=\"servicegap-ready\"")
        .expect("the ready element");
    let tag_start = dom[..start].rfind('<').unwrap();
    let tag = &dom[tag_start..tag_start + dom[tag_start..].find('>').unwrap()];
    let mut attrs = std::collections::BTreeMap::new();
    for part in tag.split("\" ") {
        if let Some((k, v)) = part.trim_start_matches("<div ").split_once("=\"") {
            if let Some(k) = k.trim().strip_prefix("data-") {
                attrs.insert(k.to_string(), v.trim_end_matches('"').to_string());
            }
        }
    }
    attrs
}

/// The map's rectangle from the ready marker (`x,y,width,height` in CSS pixels).
fn map_rect(marker: &std::collections::BTreeMap<String, String>) -> Rect {
    let v: Vec<usize> = marker["map"]
        .split(',')
        .map(|x| x.parse::<f64>().unwrap().max(0.0) as usize)
        .collect();
    assert_eq!(v.len(), 4, "{marker:?}");
    // Inside the map's border.
    (
        v[0] + 3,
        v[1] + 3,
        v[2].saturating_sub(6),
        v[3].saturating_sub(6),
    )
}

/// The data element of a report page.
fn page_data(page: &Path) -> Value {
    let html = std::fs::read_to_string(page).unwrap();
    let open = "id=\"servicegap-data\">";
    let start = html.find(open).expect("the data element") + open.len();
    let end = start + html[start..].find("</script>").unwrap();
    serde_json::from_str(&html[start..end]).unwrap()
}

/// The lines of a browser log that are problems of the page: console messages (errors,
/// uncaught exceptions; the page itself logs nothing) and failed network loads.
fn page_problems(log: &str) -> Vec<&str> {
    log.lines()
        .filter(|l| {
            l.contains(":CONSOLE") || l.contains("net::ERR") || l.contains("Failed to load")
        })
        .collect()
}

/// Asserts the browser saw no problem: nothing in the log, and the page's own count of
/// resources fetched (every script, style and image is inside the file) and of load errors.
fn assert_clean(what: &str, log: &str, marker: &std::collections::BTreeMap<String, String>) {
    let problems = page_problems(log);
    assert!(problems.is_empty(), "{what}: {problems:#?}");
    assert_eq!(
        marker.get("errors").map(String::as_str),
        Some("0"),
        "{what}: {marker:?}"
    );
    assert_eq!(
        marker.get("resources").map(String::as_str),
        Some("0"),
        "{what}: {marker:?}"
    );
}

/// Writes the report of `args` to `dir/name` and returns its path.
fn report(dir: &Path, name: &str, args: &[&std::ffi::OsStr]) -> PathBuf {
    let page = dir.join(name);
    let out = run(bin()
        .arg("-q")
        .arg("report")
        .args(args)
        .arg("-o")
        .arg(&page));
    assert_success(&out, "report");
    page
}

#[test]
fn the_map_is_drawn_in_the_palette_and_the_fragment_switches_the_kind() {
    if !chromium("the_map_is_drawn_in_the_palette_and_the_fragment_switches_the_kind") {
        return;
    }
    let _one = CHROMIUM.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempdir();
    let page = report(dir.path(), "bay.html", &[bayreuth().as_os_str()]);
    let d = page_data(&page);
    let analysed = d["summary"]["settlements"].as_u64().unwrap()
        - d["summary"]["settlements_outside"].as_u64().unwrap();
    let palette = script_colours("PALETTE");
    assert_eq!(palette.len(), 5);

    let grocery = dump_dom(&page, "");
    let marker = ready_marker(&grocery.stdout);
    assert_eq!(marker["kind"], "grocery");
    assert_eq!(marker["unit"], "km");
    // The map opens on every analysed settlement.
    assert_eq!(marker["drawn"], analysed.to_string(), "{marker:?}");
    assert_clean("grocery", &grocery.log, &marker);
    let ms: f64 = marker["ms"].parse().unwrap();
    assert!(ms > 0.0, "{marker:?}");

    let fuel = dump_dom(&page, "#kind=fuel&unit=min");
    let fuel_marker = ready_marker(&fuel.stdout);
    assert_eq!(fuel_marker["kind"], "fuel");
    assert_eq!(fuel_marker["unit"], "min");
    assert_clean("fuel", &fuel.log, &fuel_marker);

    let rect = map_rect(&marker);
    let (shot, log) = screenshot(&page, "");
    assert!(page_problems(&log).is_empty(), "{:#?}", page_problems(&log));
    let area = shot.area(rect);
    let counts: Vec<usize> = palette.iter().map(|&c| shot.count(rect, c, 8)).collect();
    let total: usize = counts.iter().sum();
    // 71 dots of a few pixels' radius: well over half a percent of the map; the settlements
    // of the demo region lie in at least three classes for grocery (the summary's median
    // 6.7 km and maximum 19.1 km against the threshold of 10 km).
    assert!(
        total * 200 > area,
        "palette pixels {counts:?} of {area} in the map {rect:?}"
    );
    assert!(
        counts.iter().filter(|&&n| n > 20).count() >= 3,
        "{counts:?}"
    );
    let (fuel_shot, _) = screenshot(&page, "#kind=fuel");
    let changed = shot.differing(&fuel_shot, rect);
    assert!(changed > 500, "fuel changes {changed} pixels of the map");
    let fuel_counts: Vec<usize> = palette
        .iter()
        .map(|&c| fuel_shot.count(rect, c, 8))
        .collect();
    assert_ne!(counts, fuel_counts);
}

#[test]
fn the_page_names_no_network_resource() {
    // Needs no browser: the file itself.
    let dir = tempdir();
    let page = report(dir.path(), "bay.html", &[bayreuth().as_os_str()]);
    let html = std::fs::read_to_string(&page).unwrap().to_lowercase();
    // A resource is what `src=`, `url(` or `@import` loads; a link's `href` loads nothing, and
    // Leaflet's default attribution link is replaced by the page (the DOM test below). The SVG
    // namespace in Leaflet's script is a name, not a resource.
    let squeezed: String = html.split_whitespace().collect();
    for opener in [
        "src=\"",
        "src='",
        "src=",
        "url(\"",
        "url('",
        "url(",
        "@import\"",
        "@import'",
        "@importurl(",
    ] {
        for scheme in ["http:", "https:", "//"] {
            let bad = format!("{opener}{scheme}");
            assert!(!squeezed.contains(&bad), "the page holds {bad}");
        }
    }
    assert!(!html.contains("<link"), "no external style sheet");
    assert!(!squeezed.contains("<scriptsrc"), "no external script");
}

#[test]
fn the_dom_holds_no_link_to_the_network() {
    if !chromium("the_dom_holds_no_link_to_the_network") {
        return;
    }
    let _one = CHROMIUM.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempdir();
    let page = report(dir.path(), "bay.html", &[bayreuth().as_os_str()]);
    let dom = dump_dom(&page, "#print=1").stdout.to_lowercase();
    ready_marker(&dom);
    // The elements, without the scripts' text (Leaflet's source holds its default link).
    let dom = without_script_text(&dom);
    for attr in ["href=\"http", "src=\"http", "href=\"//", "src=\"//"] {
        assert!(!dom.contains(attr), "the DOM holds {attr}");
    }
    // The attribution is the data's, without Leaflet's link.
    let d = page_data(&page);
    let credit = d["attribution"][0].as_str().unwrap().to_lowercase();
    assert!(dom.contains(&credit), "attribution {credit}");
    assert!(!dom.contains("leafletjs.com"));
}

/// `html` with the text of every script element left out.
fn without_script_text(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(open) = rest.find("<script") {
        out.push_str(&rest[..open]);
        let after = &rest[open..];
        match after.find("</script>") {
            Some(end) => rest = &after[end + "</script>".len()..],
            None => {
                rest = "";
                break;
            }
        }
    }
    out.push_str(rest);
    out
}

#[test]
fn the_log_check_sees_a_console_error() {
    // The control of the log check above: a page with an error is caught.
    if !chromium("the_log_check_sees_a_console_error") {
        return;
    }
    let _one = CHROMIUM.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempdir();
    let page = dir.path().join("bad.html");
    std::fs::write(
        &page,
        "<!DOCTYPE html><html><body><script>console.error('broken'); nowhere();</script></body></html>",
    )
    .unwrap();
    let b = dump_dom(&page, "");
    let problems = page_problems(&b.log);
    assert_eq!(problems.len(), 2, "{problems:#?}");
    assert!(problems[1].contains("nowhere"), "{problems:#?}");
}

#[test]
fn the_regions_report_builds_its_kommun_pages_and_prints() {
    if !chromium("the_regions_report_builds_its_kommun_pages_and_prints") {
        return;
    }
    let _one = CHROMIUM.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempdir();
    let grid = data("data/sweden/scb_befolkning_1km_2024_populated.csv.gz");
    let regions = data("data/sweden/swedish_municipalities.geojson");
    let sodermalm = extract("se-stockholm-sodermalm");
    let page = report(
        dir.path(),
        "sod.html",
        &[
            sodermalm.as_os_str(),
            "--settlements".as_ref(),
            grid.as_os_str(),
            "--regions".as_ref(),
            regions.as_os_str(),
            "--min-component-nodes".as_ref(),
            "5".as_ref(),
        ],
    );
    let d = page_data(&page);
    // The regions with analysed settlements get a page; the others are listed once.
    let with: Vec<(usize, &str)> = d["summary"]["regions"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .filter(|(_, r)| r["settlements"].as_u64().unwrap() > 0)
        .map(|(i, r)| (i, r["name"].as_str().unwrap()))
        .collect();
    assert!(!with.is_empty());
    let b = dump_dom(&page, "#print=1");
    let marker = ready_marker(&b.stdout);
    assert_clean("regions", &b.log, &marker);
    let pages = b.stdout.matches("<article class=\"plan\"").count();
    assert_eq!(pages, with.len());
    for (i, name) in &with {
        let start = b
            .stdout
            .find(&format!("id=\"plan-{i}\""))
            .unwrap_or_else(|| panic!("the page of {name}"));
        let body = &b.stdout[start..];
        let body = &body[..body[1..].find("<article").map_or(body.len(), |e| e + 1)];
        assert!(body.contains(&format!("<h2>{name}</h2>")), "{name}");
        for part in [
            "Places and their service",
            "Sårbar service",
            "Best new sites",
            "canvas class=\"mini\"",
        ] {
            assert!(body.contains(part), "{name}: {part}");
        }
        // The kommun's grocery gap as summary.json states it, formatted as the page does.
        let gap = d["summary"]["regions"][*i]["kinds"]["grocery"]["gap_population"]
            .as_u64()
            .unwrap();
        let formatted = group(gap);
        assert!(body.contains(&formatted), "{name}: gap {formatted}");
    }
    // Print media: the PDF is written and holds pages.
    let pdf = dir.path().join("sod.pdf");
    let printed = browse(
        &page,
        "",
        &[
            "--no-pdf-header-footer".into(),
            format!("--print-to-pdf={}", pdf.display()),
        ],
    );
    assert!(
        page_problems(&printed.log).is_empty(),
        "{:#?}",
        page_problems(&printed.log)
    );
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF"), "a PDF");
    let page_objects = bytes.windows(10).filter(|w| w == b"/Type /Pag").count()
        + bytes.windows(9).filter(|w| w == b"/Type/Pag").count();
    assert!(page_objects > with.len(), "{page_objects} page objects");
}

/// An integer with the page's digit grouping (narrow no-break spaces).
fn group(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push('\u{202f}');
        }
        out.push(c);
    }
    out
}

#[test]
fn the_scenario_report_shows_the_settlements_that_enter_and_leave_a_gap() {
    if !chromium("the_scenario_report_shows_the_settlements_that_enter_and_leave_a_gap") {
        return;
    }
    let _one = CHROMIUM.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempdir();
    let page = dir.path().join("sc.html");
    let out = run(bin()
        .args(["-q", "scenario"])
        .arg(bayreuth())
        .arg("--scenarios")
        .arg(data("data/scenarios/bayreuth-plan.toml"))
        .arg("--report")
        .arg(&page));
    assert_success(&out, "scenario --report");
    let d = page_data(&page);
    let compare = &d["scenario"]["compare"]["scenarios"];
    // The second scenario closes both supermarkets and adds a van: settlements enter and leave
    // the grocery gap (compare.json's counts).
    let change = &compare[1]["kinds"]["grocery"]["change"];
    let entered = change["entered_gap"]["settlements"].as_u64().unwrap();
    let left = change["left_gap"]["settlements"].as_u64().unwrap();
    assert!(entered > 0 && left > 0, "{change}");
    let b = dump_dom(&page, "#scenario=2&kind=grocery");
    let marker = ready_marker(&b.stdout);
    assert_clean("scenario", &b.log, &marker);
    assert_eq!(marker["scenario"], "2");
    assert_eq!(marker["entered"], entered.to_string());
    assert_eq!(marker["left"], left.to_string());
    // The comparison table names every scenario.
    for s in compare.as_array().unwrap() {
        assert!(b.stdout.contains(s["name"].as_str().unwrap()));
    }
    let rect = map_rect(&marker);
    let (shot, _) = screenshot(&page, "#scenario=2&kind=grocery");
    let entered_colour = script_colours("ENTERED")[0];
    let left_colour = script_colours("LEFT")[0];
    assert!(shot.count(rect, entered_colour, 8) > 100);
    assert!(shot.count(rect, left_colour, 8) > 100);
    // Today's map has neither.
    let (today, _) = screenshot(&page, "#scenario=0&kind=grocery");
    assert!(today.count(rect, entered_colour, 8) < 10);
}

#[test]
fn a_project_s_own_kind_has_its_view_label_and_symbol() {
    if !chromium("a_project_s_own_kind_has_its_view_label_and_symbol") {
        return;
    }
    let _one = CHROMIUM.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempdir();
    let config = crate::util::write(
        dir.path(),
        "own.toml",
        "[kinds.ev_charging]\ntags = [\"amenity=charging_station\"]\nthreshold = \"8km\"\n\
         label = \"EV charging\"\n",
    );
    let extract = crate::util::extract("li-liechtenstein-2021");
    let page = report(
        dir.path(),
        "li.html",
        &[
            extract.as_os_str(),
            std::ffi::OsStr::new("--config"),
            config.as_os_str(),
        ],
    );
    let ev = dump_dom(&page, "#kind=ev_charging");
    let marker = ready_marker(&ev.stdout);
    assert_eq!(marker["kind"], "ev_charging", "{marker:?}");
    assert_clean("ev_charging", &ev.log, &marker);
    // Its label is the view's button and the legend's service point row.
    assert!(ev.stdout.matches("EV charging").count() >= 2, "no label");
    let rect = map_rect(&marker);
    let (grocery_shot, _) = screenshot(&page, "");
    let (ev_shot, log) = screenshot(&page, "#kind=ev_charging");
    assert!(page_problems(&log).is_empty(), "{:#?}", page_problems(&log));
    // Three charging stations against twenty shops: the distance classes change.
    let changed = grocery_shot.differing(&ev_shot, rect);
    assert!(
        changed > 500,
        "ev_charging changes {changed} pixels of the map"
    );
}
