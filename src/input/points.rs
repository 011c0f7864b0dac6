//! GeoJSON point files, shared by the service and settlement readers: every feature must be a
//! Point in WGS 84; its properties are read by the caller.

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
