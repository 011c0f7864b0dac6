//! The QGIS style of each GeoPackage layer, as QML (QGIS's own style format) for the
//! `layer_styles` table, so that QGIS opens a layer already drawn:
//! - settlements in classes of distance to the first kind, with breaks at half, one, one and a
//!   half and two times its gap threshold, on the viridis ramp (readable with every common
//!   colour-vision deficiency and in grey), settlements without a value in grey;
//! - services by their first kind, in the Okabe–Ito palette (told apart with every common
//!   colour-vision deficiency);
//! - every other layer in one plain symbol.
//!
//! The classes are rules (a rule-based renderer), not QGIS's graduated renderer, because a
//! graduated renderer draws nothing for a null value, and a settlement without a road route is
//! the one a planner must see. The QML is written by hand, escaped, and always the same for
//! the same layer.

use crate::analysis::Threshold;
use crate::base::feature::{Kinds, ServiceKind};
use crate::report::layer::{GeometryType, Layer};
use std::fmt::Write as _;

/// Viridis in five steps, from far (dark purple) to near (yellow), as `r,g,b`.
const VIRIDIS_FAR_TO_NEAR: [&str; 5] = [
    "68,1,84",
    "59,82,139",
    "33,145,140",
    "94,201,98",
    "253,231,37",
];

/// The Okabe–Ito colours used for the five built-in kinds, in their order: orange,
/// sky blue, bluish green, blue, vermillion (yellow is left out: it vanishes on a light map).
const OKABE_ITO: [&str; 5] = [
    "230,159,0",
    "86,180,233",
    "0,158,115",
    "0,114,178",
    "213,94,0",
];

/// The colours of a project's own kinds, in their order (repeating after six): Okabe–Ito's
/// reddish purple and black, then Paul Tol's wine, olive, indigo and teal, all apart from the
/// five above.
const OWN_KINDS: [&str; 6] = [
    "204,121,167",
    "0,0,0",
    "136,34,85",
    "153,153,51",
    "51,34,136",
    "68,170,153",
];

/// The colour of the `i`-th category of kinds.
fn kind_colour(i: usize) -> &'static str {
    OKABE_ITO
        .get(i)
        .copied()
        .unwrap_or_else(|| OWN_KINDS[(i - OKABE_ITO.len()) % OWN_KINDS.len()])
}

/// Grey, for values that are missing and for plain layers.
const GREY: &str = "150,150,150";

/// How one layer is drawn.
#[derive(Clone, Debug, PartialEq)]
pub enum Style {
    /// Classes of a numeric column: under half the threshold, under the threshold, under one
    /// and a half times, under twice, and beyond; null in grey.
    Graduated {
        /// The column (`grocery_km`).
        column: String,
        /// The gap threshold, in the column's unit.
        threshold: f64,
        /// The column's unit, for the legend (`km`, `min`).
        unit: String,
    },
    /// One colour per category of the first entry of a text or list column.
    Categorised {
        /// The column (`kinds`).
        column: String,
        /// The categories, in legend order.
        categories: Vec<String>,
    },
    /// One plain symbol.
    Plain,
}

/// The style of each layer, by layer name; a layer without one is [`Style::Plain`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Styles {
    by_layer: Vec<(String, Style)>,
}

impl Styles {
    /// Every layer plain.
    pub fn new() -> Self {
        Self::default()
    }

    /// The styles of a run whose first kind is `kind` with gap threshold `threshold`: the
    /// `settlements` layer graduated by `<kind>_km` (or `<kind>_min` for a threshold in
    /// minutes), the `services` layer categorised by the first of its `kinds`.
    pub fn for_run(kinds: &Kinds, kind: ServiceKind, threshold: Threshold) -> Self {
        let unit = threshold.unit.name();
        Styles::new()
            .with(
                "settlements",
                Style::Graduated {
                    column: format!("{}_{unit}", kind.name()),
                    threshold: threshold.value,
                    unit: unit.into(),
                },
            )
            .with(
                "services",
                Style::Categorised {
                    column: "kinds".into(),
                    categories: kinds.iter().map(|k| k.name().into()).collect(),
                },
            )
    }

    /// These styles with `layer` drawn as `style`.
    pub fn with(mut self, layer: &str, style: Style) -> Self {
        self.by_layer.retain(|(name, _)| name != layer);
        self.by_layer.push((layer.into(), style));
        self
    }

    /// The style of `layer`: plain where none is set or where its column is not in the layer.
    pub fn style_of(&self, layer: &dyn Layer) -> &Style {
        let style = self
            .by_layer
            .iter()
            .find(|(name, _)| name == layer.name())
            .map_or(&Style::Plain, |(_, s)| s);
        let has = |column: &str| layer.columns().iter().any(|c| c.name == column);
        match style {
            Style::Graduated { column, .. } | Style::Categorised { column, .. } if !has(column) => {
                &Style::Plain
            }
            s => s,
        }
    }

    /// A line for `layer_styles.description`.
    pub fn description(&self, layer: &dyn Layer) -> String {
        match self.style_of(layer) {
            Style::Graduated { column, .. } => format!("{column} in classes of the gap threshold"),
            Style::Categorised { column, .. } => format!("by the first of {column}"),
            Style::Plain => "one symbol".into(),
        }
    }

    /// The QML document for `layer`.
    pub fn qml(&self, layer: &dyn Layer) -> String {
        let geometry = layer.geometry_type();
        let mut symbols = String::new();
        let renderer = match self.style_of(layer) {
            Style::Graduated {
                column,
                threshold,
                unit,
            } => {
                let field = format!("\"{}\"", column.replace('"', "\"\""));
                let t = *threshold;
                let breaks = [0.0, t * 0.5, t, t * 1.5, t * 2.0];
                let mut rules = String::new();
                for (i, lower) in breaks.iter().enumerate() {
                    let (filter, label) = match breaks.get(i + 1) {
                        Some(upper) => (
                            format!("{field} >= {lower} AND {field} < {upper}"),
                            format!("{} – {} {unit}", number(*lower), number(*upper)),
                        ),
                        None => (
                            format!("{field} >= {lower}"),
                            format!("{} {unit} and more", number(*lower)),
                        ),
                    };
                    let colour = VIRIDIS_FAR_TO_NEAR[breaks.len() - 1 - i];
                    rule(&mut rules, i, &filter, &label);
                    symbol(&mut symbols, i, geometry, colour);
                }
                let i = breaks.len();
                rule(&mut rules, i, &format!("{field} IS NULL"), "no value");
                symbol(&mut symbols, i, geometry, GREY);
                format!(
                    "<renderer-v2 type=\"RuleRenderer\" symbollevels=\"0\" enableorderby=\"0\" \
                     forceraster=\"0\"><rules key=\"{{root}}\">{rules}</rules>"
                )
            }
            Style::Categorised { column, categories } => {
                // The first entry of a list joined with `;`.
                let attr = format!(
                    "regexp_substr(\"{}\", '^[^;]+')",
                    column.replace('"', "\"\"")
                );
                let mut cats = String::new();
                for (i, category) in categories.iter().enumerate() {
                    let _ = write!(
                        cats,
                        "<category value=\"{v}\" symbol=\"{i}\" label=\"{v}\" render=\"true\"/>",
                        v = escape(category)
                    );
                    symbol(&mut symbols, i, geometry, kind_colour(i));
                }
                let i = categories.len();
                let _ = write!(
                    cats,
                    "<category value=\"\" symbol=\"{i}\" label=\"other\" render=\"true\"/>"
                );
                symbol(&mut symbols, i, geometry, GREY);
                format!(
                    "<renderer-v2 type=\"categorizedSymbol\" attr=\"{}\" symbollevels=\"0\" \
                     enableorderby=\"0\" forceraster=\"0\"><categories>{cats}</categories>",
                    escape(&attr)
                )
            }
            Style::Plain => {
                symbol(&mut symbols, 0, geometry, plain_colour(geometry));
                "<renderer-v2 type=\"singleSymbol\" symbollevels=\"0\" enableorderby=\"0\" \
                 forceraster=\"0\">"
                    .into()
            }
        };
        format!(
            "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n\
             <qgis version=\"3.22.0\" styleCategories=\"Symbology\">\n\
             {renderer}<symbols>{symbols}</symbols></renderer-v2>\n\
             </qgis>\n"
        )
    }
}

/// A plain layer's colour: network lines dark grey, other geometries grey.
fn plain_colour(geometry: GeometryType) -> &'static str {
    match geometry {
        GeometryType::LineString => "90,90,90",
        _ => GREY,
    }
}

/// A class boundary as the legend shows it: at most two decimals, no trailing zeros.
fn number(x: f64) -> String {
    let s = format!("{:.2}", x);
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Appends one rule of a rule-based renderer.
fn rule(out: &mut String, i: usize, filter: &str, label: &str) {
    let _ = write!(
        out,
        "<rule key=\"{{rule-{i}}}\" symbol=\"{i}\" filter=\"{}\" label=\"{}\"/>",
        escape(filter),
        escape(label)
    );
}

/// Appends symbol `i` for `geometry` in `rgb` (`r,g,b`): a circle, a line or a filled area.
fn symbol(out: &mut String, i: usize, geometry: GeometryType, rgb: &str) {
    let option =
        |k: &str, v: &str| format!("<Option name=\"{k}\" type=\"QString\" value=\"{v}\"/>");
    let (kind, class, options) = match geometry {
        GeometryType::Point => (
            "marker",
            "SimpleMarker",
            [
                option("name", "circle"),
                option("color", &format!("{rgb},255")),
                option("outline_color", "35,35,35,255"),
                option("outline_width", "0.2"),
                option("size", "2.4"),
                option("size_unit", "MM"),
            ]
            .concat(),
        ),
        GeometryType::LineString => (
            "line",
            "SimpleLine",
            [
                option("line_color", &format!("{rgb},255")),
                option("line_width", "0.3"),
                option("line_width_unit", "MM"),
                option("line_style", "solid"),
            ]
            .concat(),
        ),
        GeometryType::MultiPolygon => (
            "fill",
            "SimpleFill",
            [
                option("color", &format!("{rgb},90")),
                option("style", "solid"),
                option("outline_color", &format!("{rgb},255")),
                option("outline_width", "0.4"),
                option("outline_width_unit", "MM"),
                option("outline_style", "solid"),
            ]
            .concat(),
        ),
    };
    let _ = write!(
        out,
        "<symbol type=\"{kind}\" name=\"{i}\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\">\
         <layer class=\"{class}\" enabled=\"1\" locked=\"0\" pass=\"0\">\
         <Option type=\"Map\">{options}</Option></layer></symbol>"
    );
}

/// `s` with the five XML special characters escaped, for an attribute value.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn class_bounds_are_short() {
        assert_eq!(number(5.0), "5");
        assert_eq!(number(7.5), "7.5");
        assert_eq!(number(0.126), "0.13");
        assert_eq!(number(20.0), "20");
    }

    #[test]
    fn special_characters_are_escaped() {
        assert_eq!(escape("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
    }
}
