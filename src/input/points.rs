//! GeoJSON point files, shared by the service and settlement readers: every feature must be a
//! Point in WGS 84; its properties are read by the caller. Also the check, shared by every
//! point file, that a file's longitudes and latitudes are not exchanged.

use crate::base::coord::Coord;
use crate::base::error::{Error, Result};
use crate::input::crs::Crs;
use std::path::Path;

/// One Point feature: its 1-based record number, location and properties.
pub struct PointFeature {
    /// 1-based position in the FeatureCollection.
    pub record: u64,
    /// The point.
    pub coord: Coord,
    /// The feature, for its properties and id.
    pub feature: geojson::Feature,
}

impl PointFeature {
    /// A text property (numbers are written out), `None` if absent or empty.
    pub fn text(&self, name: &str) -> Option<String> {
        match self.feature.property(name) {
            Some(serde_json::Value::String(s)) if !s.is_empty() => Some(s.clone()),
            Some(serde_json::Value::Number(n)) => Some(n.to_string()),
            _ => None,
        }
    }

    /// An [`Error::Input`] for this feature.
    pub fn error(&self, path: &Path, message: impl std::fmt::Display) -> Error {
        Error::input(
            path,
            Some(self.record),
            format!("feature {}: {message}", self.record),
        )
    }
}

/// Reads a FeatureCollection of Points.
///
/// # Errors
/// [`Error::Input`] naming the file and feature of anything that is not a WGS 84 Point.
pub fn read_point_features(path: &Path) -> Result<Vec<PointFeature>> {
    use geojson::{GeoJson, GeometryValue};
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let geojson: GeoJson = text
        .parse()
        .map_err(|e| Error::input(path, None, format!("not valid GeoJSON: {e}")))?;
    let GeoJson::FeatureCollection(collection) = geojson else {
        return Err(Error::input(path, None, "expected a FeatureCollection"));
    };
    let wgs84 = Crs::wgs84();
    collection
        .features
        .into_iter()
        .enumerate()
        .map(|(i, feature)| {
            let record = i as u64 + 1;
            let at = |m: String| Error::input(path, Some(record), format!("feature {record}: {m}"));
            let Some(GeometryValue::Point { coordinates: p }) =
                feature.geometry.as_ref().map(|g| &g.value)
            else {
                return Err(at("not a Point".into()));
            };
            let (x, y) = match p.as_slice() {
                [x, y, ..] => (*x, *y),
                _ => return Err(at("a Point needs two coordinates".into())),
            };
            // GeoJSON is WGS 84 by definition, so no setting can fix this: it stays a record error.
            wgs84.check_plausible(x, y).map_err(|e| at(e.to_string()))?;
            Ok(PointFeature {
                record,
                coord: Coord::from_degrees(x, y),
                feature,
            })
        })
        .collect()
}

/// A longitude/latitude box, in degrees: where an extract's roads are.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LonLatBox {
    /// Least and greatest longitude.
    pub lon: (f64, f64),
    /// Least and greatest latitude.
    pub lat: (f64, f64),
}

/// How far beyond the roads' box, in degrees (about 10 km), a point still counts as near the
/// extract for [`check_not_swapped`]: that check looks for files with no point near it at all.
const SWAP_MARGIN_DEG: f64 = 0.1;

impl LonLatBox {
    /// The smallest box holding every point; `None` for no points.
    pub fn around(points: impl IntoIterator<Item = Coord>) -> Option<LonLatBox> {
        points.into_iter().fold(None, |acc, c| {
            let (lon, lat) = (c.lon(), c.lat());
            Some(match acc {
                None => LonLatBox {
                    lon: (lon, lon),
                    lat: (lat, lat),
                },
                Some(b) => LonLatBox {
                    lon: (b.lon.0.min(lon), b.lon.1.max(lon)),
                    lat: (b.lat.0.min(lat), b.lat.1.max(lat)),
                },
            })
        })
    }

    /// Whether (lon, lat) lies within the box widened by `margin` degrees.
    fn holds(&self, lon: f64, lat: f64, margin: f64) -> bool {
        lon >= self.lon.0 - margin
            && lon <= self.lon.1 + margin
            && lat >= self.lat.0 - margin
            && lat <= self.lat.1 + margin
    }
}

/// Refuses a file whose points all lie away from the extract's roads (`roads`) but of which
/// at least half would lie near them with longitude and latitude exchanged: the columns (or a
/// GeoJSON writer) swapped them, and every point would otherwise be silently out of reach.
///
/// # Errors
/// [`Error::Input`] naming the file, asking "did you swap lon and lat?".
pub fn check_not_swapped(path: &Path, points: &[Coord], roads: &LonLatBox) -> Result<()> {
    let near = |lon, lat| roads.holds(lon, lat, SWAP_MARGIN_DEG);
    if points.is_empty() || points.iter().any(|c| near(c.lon(), c.lat())) {
        return Ok(());
    }
    let swapped = points.iter().filter(|c| near(c.lat(), c.lon())).count();
    if swapped * 2 < points.len() {
        return Ok(());
    }
    let area = format!(
        "longitude {:.3} to {:.3}, latitude {:.3} to {:.3}",
        roads.lon.0, roads.lon.1, roads.lat.0, roads.lat.1
    );
    let what = match points.len() {
        1 => format!(
            "its one point lies away from the extract's roads ({area}), but would lie near \
             them with longitude and latitude exchanged"
        ),
        n => format!(
            "none of its {n} points lies near the extract's roads ({area}), but {swapped} \
             would with longitude and latitude exchanged"
        ),
    };
    Err(Error::input(
        path,
        None,
        format!("{what}: did you swap lon and lat?"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swapped_files_are_refused_only_when_swapping_fits() {
        let roads = LonLatBox::around([
            Coord::from_degrees(18.0, 59.2),
            Coord::from_degrees(18.2, 59.4),
        ])
        .unwrap_or_else(|| panic!("two points make a box"));
        let path = Path::new("s.csv");
        let right = [Coord::from_degrees(18.1, 59.3)];
        let swapped = [
            Coord::from_degrees(59.3, 18.1),
            Coord::from_degrees(59.25, 18.05),
        ];
        assert!(check_not_swapped(path, &right, &roads).is_ok());
        let e = check_not_swapped(path, &swapped, &roads).map_err(|e| e.to_string());
        assert!(
            e.as_ref().is_err_and(|e| e.ends_with(
                "but 2 would with longitude and latitude exchanged: did you swap lon and lat?"
            )),
            "{e:?}"
        );
        // One point near the roads: the file is taken as it is.
        let mixed = [swapped[0], right[0]];
        assert!(check_not_swapped(path, &mixed, &roads).is_ok());
        // Far away either way: not a swap (the points are just elsewhere).
        let elsewhere = [Coord::from_degrees(11.5, 50.0)];
        assert!(check_not_swapped(path, &elsewhere, &roads).is_ok());
        assert!(check_not_swapped(path, &[], &roads).is_ok());
    }
}
