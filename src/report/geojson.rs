//! GeoJSON: any [`Layer`] as a FeatureCollection, one feature per line, and the files written
//! from the layers (settlements, network, services, catchments, regions, a scenario's diff).
//!
//! The text is what `serde_json` prints for the same feature, byte for byte, without building
//! one: keys in column order, a real as `zmij` prints it (`5.0`, `1e-7`; not finite: `null`), an
//! integer as an integer, strings escaped as `serde_json` escapes them (`"`, `\`, and control
//! characters; `\u00XX` in lowercase hex for those without a short form; everything else as
//! it is). Ranges of rows are formatted on several threads and written in order
//! ([`super::layer::write_chunks`]), so the bytes do not depend on the thread count.

use super::layer::{write_chunks, Column, Geometry, Layer, Row, Value};
use std::io::{self, Write};

/// Writes `layer` to `w` as a FeatureCollection, one feature per line.
///
/// # Errors
/// Any error of `w`.
pub fn write_layer(w: &mut (impl Write + ?Sized), layer: &dyn Layer) -> io::Result<()> {
    let keys = keys(layer.columns());
    w.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[\n")?;
    write_chunks(w, layer.len(), |range, out| {
        let mut i = range.start;
        layer.rows(range, &mut |row| {
            if i > 0 {
                out.extend_from_slice(b",\n");
            }
            i += 1;
            feature(out, &keys, row);
            Ok(())
        })
    })?;
    w.write_all(b"\n]}\n")
}

/// Per column, the text before its value: `"name":`, after a comma but for the first.
fn keys(columns: &[Column]) -> Vec<Vec<u8>> {
    columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let mut key = Vec::with_capacity(c.name.len() + 4);
            if i > 0 {
                key.push(b',');
            }
            string(&mut key, &c.name);
            key.push(b':');
            key
        })
        .collect()
}

/// One feature.
fn feature(out: &mut Vec<u8>, keys: &[Vec<u8>], row: Row<'_, '_>) {
    out.extend_from_slice(b"{\"type\":\"Feature\",\"geometry\":");
    geometry(out, &row.geometry);
    out.extend_from_slice(b",\"properties\":{");
    for (key, value) in keys.iter().zip(row.values) {
        out.extend_from_slice(key);
        match value {
            Value::Null => out.extend_from_slice(b"null"),
            Value::Real(x) => real(out, *x),
            Value::Integer(n) => out.extend_from_slice(itoa::Buffer::new().format(*n).as_bytes()),
            Value::Text(s) => string(out, s),
            Value::Boolean(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
            Value::TextList(items) => {
                out.push(b'[');
                for (n, item) in items.iter().enumerate() {
                    if n > 0 {
                        out.push(b',');
                    }
                    string(out, item);
                }
                out.push(b']');
            }
        }
    }
    out.extend_from_slice(b"}}");
}

/// A geometry object: `type`, then `coordinates`.
fn geometry(out: &mut Vec<u8>, g: &Geometry<'_>) {
    match g {
        Geometry::Point(p) => {
            out.extend_from_slice(b"{\"type\":\"Point\",\"coordinates\":");
            position(out, *p);
            out.push(b'}');
        }
        Geometry::LineString(cs) => {
            out.extend_from_slice(b"{\"type\":\"LineString\",\"coordinates\":");
            positions(out, cs.iter().copied());
            out.push(b'}');
        }
        Geometry::MultiPolygon(mp) => {
            out.extend_from_slice(b"{\"type\":\"MultiPolygon\",\"coordinates\":[");
            for (n, polygon) in mp.0.iter().enumerate() {
                if n > 0 {
                    out.push(b',');
                }
                out.push(b'[');
                // As the geojson crate converts a polygon: no rings at all when the exterior is
                // empty, else the exterior then the interiors, each closed as stored.
                if !polygon.exterior().0.is_empty() {
                    let rings = std::iter::once(polygon.exterior()).chain(polygon.interiors());
                    for (r, ring) in rings.enumerate() {
                        if r > 0 {
                            out.push(b',');
                        }
                        positions(out, ring.0.iter().map(|c| [c.x, c.y]));
                    }
                }
                out.push(b']');
            }
            out.extend_from_slice(b"]}");
        }
    }
}

/// `[x,y]`.
fn position(out: &mut Vec<u8>, [x, y]: [f64; 2]) {
    out.push(b'[');
    real(out, x);
    out.push(b',');
    real(out, y);
    out.push(b']');
}

/// `[[x,y],...]`.
fn positions(out: &mut Vec<u8>, cs: impl Iterator<Item = [f64; 2]>) {
    out.push(b'[');
    for (n, p) in cs.enumerate() {
        if n > 0 {
            out.push(b',');
        }
        position(out, p);
    }
    out.push(b']');
}

/// A real as `serde_json` prints an `f64`: `zmij`'s shortest text, `null` when not finite.
pub(crate) fn real(out: &mut Vec<u8>, x: f64) {
    if !shortest(out, x, Style::Ryu) {
        out.extend_from_slice(b"null");
    }
}

/// How [`shortest`] writes a whole number: `zmij`'s `5.0` (as `serde_json`), or Rust's
/// `Display` for `f64`, `5` (and never an exponent).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    /// `zmij`, as `serde_json` prints a number.
    Ryu,
    /// Rust's `{}` for `f64`.
    Display,
}

/// Writes the shortest text that reads back to `x`, in `style`; in the `Ryu` style nothing,
/// and `false`, when `x` is not finite (`Display` writes `NaN`, `inf`).
///
/// Most reals written are multiples of 1e-7 (coordinates, stored in 1e-7 degrees) or of 0.01
/// (rounded km, minutes, metres), and for those the digits are known without a search: when
/// `x` is the double nearest to `k / 1e7` and `1e-5 <= |x| < 1e6`, the shortest decimal that
/// reads back to `x` is `k * 1e-7` without its trailing zeros (any other decimal with as few
/// digits lies at least 1e-7 away, far outside the half-ulp around `x`), which both `zmij` and
/// `Display` print in plain positional notation. Every other value goes to `zmij` or `Display`.
pub(crate) fn shortest(out: &mut Vec<u8>, x: f64, style: Style) -> bool {
    let scaled = x * 1e7;
    if (100.0..1e13).contains(&scaled.abs()) {
        // Rounded by hand: `f64::round` is a libm call on the baseline target. A wrong `k`
        // (a tie one off) only fails the check below and takes the slow path.
        let half = if scaled < 0.0 { -0.5 } else { 0.5 };
        let k = (scaled + half) as i64;
        if k as f64 / 1e7 == x {
            seven_decimals(out, k, style);
            return true;
        }
    }
    match style {
        Style::Ryu if x.is_finite() => {
            out.extend_from_slice(zmij::Buffer::new().format_finite(x).as_bytes());
        }
        Style::Ryu => return false,
        Style::Display => {
            // Infallible: writing into a Vec.
            let _ = write!(out, "{x}");
        }
    }
    true
}

/// `k * 1e-7` in positional notation without trailing zeros: `15.0` (or `15`), `-0.5`.
fn seven_decimals(out: &mut Vec<u8>, k: i64, style: Style) {
    if k < 0 {
        out.push(b'-');
    }
    let a = k.unsigned_abs();
    let (whole, frac) = (a / 10_000_000, a % 10_000_000);
    out.extend_from_slice(itoa::Buffer::new().format(whole).as_bytes());
    if frac == 0 {
        if style == Style::Ryu {
            out.extend_from_slice(b".0");
        }
        return;
    }
    // The seven fraction digits with their leading zeros: those of 1fffffff after the 1.
    let mut buffer = itoa::Buffer::new();
    let digits = &buffer.format(frac + 10_000_000).as_bytes()[1..];
    let mut end = digits.len();
    // frac is not zero, so some digit is not '0'.
    while digits[end - 1] == b'0' {
        end -= 1;
    }
    out.push(b'.');
    out.extend_from_slice(&digits[..end]);
}

/// A JSON string as `serde_json` escapes it.
pub(crate) fn string(out: &mut Vec<u8>, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let short: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0c => b"\\f",
            0x00..=0x1f => b"",
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..i]);
        if short.is_empty() {
            out.extend_from_slice(b"\\u00");
            out.push(HEX[usize::from(b >> 4)]);
            out.push(HEX[usize::from(b & 0xf)]);
        } else {
            out.extend_from_slice(short);
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every ASCII character, and some beyond, escaped as `serde_json` escapes it.
    #[test]
    fn strings_as_serde_json() -> serde_json::Result<()> {
        let mut all: String = (0u8..0x80).map(char::from).collect();
        all.push_str("Åre ö 東京 \u{2028} \u{7f} 🚗");
        for s in [all.as_str(), "", "plain", "\"", "\\\\", "a\u{1}b"] {
            let mut out = Vec::new();
            string(&mut out, s);
            assert_eq!(out, serde_json::to_vec(s)?, "{s:?}");
        }
        Ok(())
    }

    /// `x` written in both styles against `serde_json` and `Display`.
    fn check(x: f64) -> serde_json::Result<()> {
        let mut out = Vec::new();
        real(&mut out, x);
        assert_eq!(out, serde_json::to_vec(&serde_json::json!(x))?, "{x:e}");
        out.clear();
        assert!(shortest(&mut out, x, Style::Display));
        assert_eq!(out, x.to_string().into_bytes(), "{x:e}");
        Ok(())
    }

    /// Reals as `serde_json` prints them (non-finite ones as `null`) and as `Display` does:
    /// chosen edge cases, then seeded random coordinates, rounded values and raw doubles.
    #[test]
    fn reals_as_serde_json_and_display() -> serde_json::Result<()> {
        use rand::{Rng, SeedableRng};
        let cases = [
            0.0,
            -0.0,
            5.0,
            0.01,
            12.34,
            1e-7,
            1e-5,
            9.9e-6,
            1e-4,
            -1e-5,
            1.5e300,
            -3.25,
            1e16,
            123_456_789.125,
            999_999.999_999_9,
            1e6,
            180.0,
            -180.0,
            0.1 + 0.2,
            f64::MIN_POSITIVE,
            f64::MAX,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ];
        for x in cases {
            check(x)?;
        }
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        for _ in 0..200_000 {
            let k: i32 = rng.gen();
            check(f64::from(k) / 1e7)?;
            let j: i64 = rng.gen_range(-100_000_000..100_000_000);
            check(j as f64 / 100.0)?;
            check(f64::from_bits(rng.gen()))?;
            check(rng.gen_range(-1e7..1e7))?;
            let small: i32 = rng.gen_range(-2000..2000);
            check(f64::from(small) / 1e7)?;
        }
        Ok(())
    }
}
