//! The planner's report: one self-contained HTML file with the overview map, the per-kind
//! figures and charts, and one printable page per region (kommun) holding the draft of a
//! service plan's situation chapter.
//!
//! The page is the data of one run as JSON ([`report_data`], documented key by key in
//! `docs/report.md`) inside a `<script type="application/json">` element, and the code that
//! draws it: Leaflet for the map, uPlot for the charts and the report's own script and style,
//! all embedded from `assets/report/` with `include_str!`. Nothing is fetched when the page
//! is viewed: no tiles, fonts or scripts from the network. Every figure on the page is
//! computed here, by the same code as `summary.json`, `vulnerable` and `suggest`; the script
//! only draws and formats them.

mod data;
mod plan;
mod shapes;

pub use self::data::{report_data, ReportInput, ScenarioInput, BAND_EDGES_KM, CASH_KM, CASH_LIMIT};

use serde_json::Value;
use std::io::{self, Write};

/// Leaflet 1.9.4 (`assets/report/vendor/`, BSD-2-Clause).
const LEAFLET_JS: &str = include_str!("../../../assets/report/vendor/leaflet-1.9.4/leaflet.js");
/// Leaflet's stylesheet.
const LEAFLET_CSS: &str = include_str!("../../../assets/report/vendor/leaflet-1.9.4/leaflet.css");
/// uPlot 1.6.32 (`assets/report/vendor/`, MIT).
const UPLOT_JS: &str = include_str!("../../../assets/report/vendor/uplot-1.6.32/uPlot.iife.min.js");
/// uPlot's stylesheet.
const UPLOT_CSS: &str = include_str!("../../../assets/report/vendor/uplot-1.6.32/uPlot.min.css");
/// The report's own script: builds the page from the data element.
const REPORT_JS: &str = include_str!("../../../assets/report/report.js");
/// The report's own style, print pages included.
const REPORT_CSS: &str = include_str!("../../../assets/report/report.css");

/// The id of the element that holds the data.
pub const DATA_ELEMENT_ID: &str = "servicegap-data";

/// Writes the report page for `data` (from [`report_data`]).
///
/// # Errors
/// Any error of `w`.
pub fn write_report(w: &mut impl Write, data: &Value) -> io::Result<()> {
    let title = data
        .get("title")
        .and_then(Value::as_str)
        .unwrap_or("servicegap report");
    w.write_all(b"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")?;
    w.write_all(b"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")?;
    writeln!(w, "<title>{}</title>", escape_text(title))?;
    for css in [LEAFLET_CSS, UPLOT_CSS, REPORT_CSS] {
        w.write_all(b"<style>\n")?;
        w.write_all(escape_style(css).as_bytes())?;
        w.write_all(b"\n</style>\n")?;
    }
    w.write_all(b"</head>\n<body>\n")?;
    write!(
        w,
        "<script type=\"application/json\" id=\"{DATA_ELEMENT_ID}\">"
    )?;
    let json = serde_json::to_string(data).map_err(io::Error::other)?;
    w.write_all(escape_script(&json).as_bytes())?;
    w.write_all(b"</script>\n")?;
    for js in [LEAFLET_JS, UPLOT_JS, REPORT_JS] {
        w.write_all(b"<script>\n")?;
        w.write_all(escape_script(js).as_bytes())?;
        w.write_all(b"\n</script>\n")?;
    }
    w.write_all(b"</body>\n</html>\n")
}

/// Text for an HTML element's content.
fn escape_text(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Script text that cannot end its element early: every `</` becomes `<\/`, which means the
/// same inside JSON strings and JavaScript strings, regular expressions and comments.
fn escape_script(s: &str) -> std::borrow::Cow<'_, str> {
    if s.contains("</") || s.contains("<!--") {
        std::borrow::Cow::Owned(s.replace("</", "<\\/").replace("<!--", "<\\!--"))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// Style text that cannot end its element early.
fn escape_style(s: &str) -> std::borrow::Cow<'_, str> {
    if s.contains("</") {
        std::borrow::Cow::Owned(s.replace("</", "<\\/"))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_with_a_closing_tag_stays_inside_the_data() {
        let data = serde_json::json!({"title": "a</script><b>", "x": "</script>"});
        let mut out = Vec::new();
        write_report(&mut out, &data).expect("a Vec takes every write");
        let page = String::from_utf8(out).expect("the page is UTF-8");
        let open = "id=\"servicegap-data\">";
        let start = page.find(open).expect("the data element") + open.len();
        let end = start + page[start..].find("</script>").expect("its end");
        // JSON reads `<\/` as `</`: the escaped text is the same data.
        let back: Value = serde_json::from_str(&page[start..end]).expect("the data parse");
        assert_eq!(back, data);
        assert!(page.contains("<title>a&lt;/script&gt;&lt;b&gt;</title>"));
    }
}
