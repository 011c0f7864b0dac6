//! Region polygons (kommuner, län) and point-in-region lookup.
//!
//! [`Regions::read`] reads a GeoJSON FeatureCollection whose features are Polygons or
//! MultiPolygons in WGS 84 (lon, lat) degrees, each with a name property:
//! - given a field name, that property;
//! - otherwise the first of [`NAME_FIELDS`] (`name`, `kom_namn`, `NAME`, `namn`, compared
//!   exactly) that the *first* feature carries; the same field is then read from every feature.
//!
//! A feature without the field (or with `null`), without a geometry, with another geometry
//! type, or with a coordinate outside −180…180 / −90…90 (a file still in a projected system
//! such as SWEREF 99 TM) is an [`Error::Input`] naming the file and the feature (counted from 0,
//! which is also its region index). String names are taken as they are; number or boolean
//! names as their JSON text.
//!
//! ## Lookup
//! [`Regions::locate`] finds the region of a point with an R-tree over the bounding boxes of
//! every polygon part and an exact point-in-polygon test (holes excluded, every part of a
//! MultiPolygon included). A point inside a region's interior belongs to it; a point exactly
//! on a boundary (a shared border, a hole's edge) belongs to the region of lowest index that
//! it touches, but only if no region has it in its interior. Where regions overlap, the lowest
//! index wins. The answer depends only on the point and the file, never on threads.

use std::path::Path;

use geo::{BoundingRect, Contains, Coord, Intersects, LineString, MultiPolygon, Point, Polygon};
use rayon::prelude::*;
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{RTree, AABB};

use crate::base::error::Error;

/// Name properties tried, in order, when no field is given.
pub const NAME_FIELDS: [&str; 4] = ["name", "kom_namn", "NAME", "namn"];

/// One bounding box in the index: (region index, part index within its MultiPolygon).
type PartBox = GeomWithData<Rectangle<[f64; 2]>, (u32, u32)>;

/// Named region polygons with a spatial index for point lookup.
#[derive(Debug, Clone)]
pub struct Regions {
    names: Vec<String>,
    polygons: Vec<MultiPolygon<f64>>,
    field: String,
    tree: RTree<PartBox>,
}

impl Regions {
    /// Reads the regions in the GeoJSON file `path`, naming them by `field` (or by the first
    /// of [`NAME_FIELDS`] the first feature has). See the [module documentation](self).
    pub fn read(path: &Path, field: Option<&str>) -> Result<Regions, Error> {
        let text = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let collection: geojson::FeatureCollection =
            serde_json::from_slice(&text).map_err(|e| {
                let line = u64::try_from(e.line()).ok().filter(|&l| l > 0);
                Error::input(path, line, format!("not a GeoJSON FeatureCollection: {e}"))
            })?;
        if collection.features.is_empty() {
            // Every settlement would fall in no region, and every per-region figure be empty.
            return Err(Error::input(
                path,
                None,
                "no regions: the FeatureCollection has no features",
            ));
        }
        Self::from_features(path, &collection.features, field)
    }

    /// Builds regions from already parsed features; `path` is only used in errors.
    pub fn from_features(
        path: &Path,
        features: &[geojson::Feature],
        field: Option<&str>,
    ) -> Result<Regions, Error> {
        let field = match field {
            Some(f) => f.to_owned(),
            None => default_field(path, features)?,
        };
        let mut names = Vec::with_capacity(features.len());
        let mut polygons = Vec::with_capacity(features.len());
        for (i, feature) in features.iter().enumerate() {
            let at = |m: RegionError| Error::input(path, None, format!("feature {i}: {m}"));
            names.push(feature_name(feature, &field).map_err(at)?);
            polygons.push(feature_polygons(feature).map_err(at)?);
        }
        Self::new(names, polygons, field).map_err(|m| Error::input(path, None, m))
    }

    /// Builds regions from names and polygons in WGS 84 (lon, lat); `field` is recorded as
    /// the name field.
    ///
    /// # Errors
    /// [`RegionError::Lengths`] if the lengths differ, [`RegionError::TooMany`] if there are
    /// more than `u32::MAX` regions or parts of one.
    pub fn from_parts(
        names: Vec<String>,
        polygons: Vec<MultiPolygon<f64>>,
        field: &str,
    ) -> Result<Regions, RegionError> {
        Self::new(names, polygons, field.to_owned())
    }

    fn new(
        names: Vec<String>,
        polygons: Vec<MultiPolygon<f64>>,
        field: String,
    ) -> Result<Regions, RegionError> {
        if names.len() != polygons.len() {
            return Err(RegionError::Lengths {
                names: names.len(),
                polygons: polygons.len(),
            });
        }
        let mut boxes = Vec::new();
        for (r, mp) in polygons.iter().enumerate() {
            let r = u32::try_from(r).map_err(|_| RegionError::TooMany { what: "regions" })?;
            for (p, poly) in mp.0.iter().enumerate() {
                let p = u32::try_from(p).map_err(|_| RegionError::TooMany { what: "parts" })?;
                if let Some(rect) = poly.bounding_rect() {
                    let (lo, hi) = (rect.min(), rect.max());
                    let rect = Rectangle::from_corners([lo.x, lo.y], [hi.x, hi.y]);
                    boxes.push(GeomWithData::new(rect, (r, p)));
                }
            }
        }
        Ok(Regions {
            names,
            polygons,
            field,
            tree: RTree::bulk_load(boxes),
        })
    }

    /// Number of regions.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether there are no regions.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// Region names, by region index (file order).
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The name of region `i`. Panics if `i >= self.len()`.
    pub fn name(&self, i: usize) -> &str {
        &self.names[i]
    }

    /// The property the names were read from.
    pub fn field(&self) -> &str {
        &self.field
    }

    /// The polygons of region `i`, in WGS 84 (lon, lat). Panics if `i >= self.len()`.
    pub fn polygon(&self, i: usize) -> &MultiPolygon<f64> {
        &self.polygons[i]
    }

    /// All regions' polygons, by region index.
    pub fn polygons(&self) -> &[MultiPolygon<f64>] {
        &self.polygons
    }

    /// The index of the first region named `name` (exact comparison).
    pub fn find(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }

    /// The region containing the point (`lon`, `lat`), or `None` outside every region (and
    /// for non-finite input). Border points: see the [module documentation](self).
    pub fn locate(&self, lon: f64, lat: f64) -> Option<usize> {
        if !(lon.is_finite() && lat.is_finite()) {
            return None;
        }
        let point = Point::new(lon, lat);
        let mut candidates: Vec<(u32, u32)> = self
            .tree
            .locate_in_envelope_intersecting(&AABB::from_point([lon, lat]))
            .map(|b| b.data)
            .collect();
        if candidates.is_empty() {
            return None;
        }
        candidates.sort_unstable();
        let part = |&(r, p): &(u32, u32)| &self.polygons[r as usize].0[p as usize];
        candidates
            .iter()
            .find(|c| part(c).contains(&point))
            .or_else(|| candidates.iter().find(|c| part(c).intersects(&point)))
            .map(|&(r, _)| r as usize)
    }

    /// [`Regions::locate`] for every (lon, lat) point, in parallel; the result is in the order
    /// of `points` and the same on any number of threads.
    pub fn locate_all(&self, points: &[(f64, f64)]) -> Vec<Option<usize>> {
        points
            .par_iter()
            .map(|&(lon, lat)| self.locate(lon, lat))
            .collect()
    }
}

/// The first of [`NAME_FIELDS`] on the first feature.
fn default_field(path: &Path, features: &[geojson::Feature]) -> Result<String, Error> {
    let Some(first) = features.first() else {
        // No features: nothing to name, any field will do.
        return Ok(NAME_FIELDS[0].to_owned());
    };
    NAME_FIELDS
        .iter()
        .find(|f| first.property(f).is_some_and(|v| !v.is_null()))
        .map(|f| (*f).to_owned())
        .ok_or_else(|| {
            let mut have: Vec<&str> = first.properties_iter().map(|(k, _)| k.as_str()).collect();
            have.sort_unstable();
            Error::input(
                path,
                None,
                format!(
                    "feature 0: no name property (looked for {}; it has: {}); give the field name",
                    NAME_FIELDS.join(", "),
                    have.join(", ")
                ),
            )
        })
}

/// Why region polygons or one region feature are refused. The text names no file: the reader
/// adds the file and feature.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum RegionError {
    /// Names and polygons of different lengths.
    #[error("{names} names for {polygons} polygons")]
    Lengths {
        /// Number of names.
        names: usize,
        /// Number of polygons.
        polygons: usize,
    },
    /// More regions, or parts of one, than a `u32` counts.
    #[error("more than u32::MAX {what}")]
    TooMany {
        /// `regions` or `parts`.
        what: &'static str,
    },
    /// The feature lacks the name property.
    #[error("no name property `{field}`")]
    NoName {
        /// The name property.
        field: String,
    },
    /// The name property is an array or object.
    #[error("name property `{field}` is not text: {value}")]
    NameNotText {
        /// The name property.
        field: String,
        /// Its value as JSON.
        value: String,
    },
    /// The feature has no geometry.
    #[error("no geometry")]
    NoGeometry,
    /// The geometry is no (multi)polygon.
    #[error("geometry is a {kind}, not a Polygon or MultiPolygon")]
    NotPolygon {
        /// The geometry's type.
        kind: String,
    },
    /// A polygon without an exterior ring.
    #[error("polygon without rings")]
    NoRings,
    /// A ring too short to close.
    #[error("polygon ring with {positions} positions (at least 4 needed)")]
    ShortRing {
        /// Positions in the ring.
        positions: usize,
    },
    /// A position out of longitude/latitude range.
    #[error("coordinate ({lon}, {lat}) is not WGS 84 lon/lat degrees")]
    NotLonLat {
        /// First coordinate.
        lon: f64,
        /// Second coordinate.
        lat: f64,
    },
    /// A position with fewer than two numbers.
    #[error("position with fewer than 2 coordinates")]
    ShortPosition,
}

fn feature_name(feature: &geojson::Feature, field: &str) -> Result<String, RegionError> {
    match feature.property(field) {
        None | Some(serde_json::Value::Null) => Err(RegionError::NoName {
            field: field.to_owned(),
        }),
        Some(serde_json::Value::String(s)) => Ok(s.clone()),
        Some(v @ (serde_json::Value::Number(_) | serde_json::Value::Bool(_))) => Ok(v.to_string()),
        Some(v) => Err(RegionError::NameNotText {
            field: field.to_owned(),
            value: v.to_string(),
        }),
    }
}

fn feature_polygons(feature: &geojson::Feature) -> Result<MultiPolygon<f64>, RegionError> {
    let geometry = feature.geometry.as_ref().ok_or(RegionError::NoGeometry)?;
    match &geometry.value {
        geojson::GeometryValue::Polygon { coordinates } => {
            Ok(MultiPolygon::new(vec![polygon(coordinates)?]))
        }
        geojson::GeometryValue::MultiPolygon { coordinates } => Ok(MultiPolygon::new(
            coordinates
                .iter()
                .map(|p| polygon(p))
                .collect::<Result<_, _>>()?,
        )),
        other => Err(RegionError::NotPolygon {
            kind: other.type_name().to_owned(),
        }),
    }
}

fn polygon(rings: &[Vec<geojson::Position>]) -> Result<Polygon<f64>, RegionError> {
    let mut rings = rings.iter().map(|r| ring(r));
    let exterior = rings.next().ok_or(RegionError::NoRings)??;
    let interiors = rings.collect::<Result<Vec<_>, _>>()?;
    Ok(Polygon::new(exterior, interiors))
}

fn ring(positions: &[geojson::Position]) -> Result<LineString<f64>, RegionError> {
    if positions.len() < 4 {
        return Err(RegionError::ShortRing {
            positions: positions.len(),
        });
    }
    positions
        .iter()
        .map(|p| match p.as_slice() {
            [lon, lat, ..] if (-180.0..=180.0).contains(lon) && (-90.0..=90.0).contains(lat) => {
                Ok(Coord { x: *lon, y: *lat })
            }
            [lon, lat, ..] => Err(RegionError::NotLonLat {
                lon: *lon,
                lat: *lat,
            }),
            _ => Err(RegionError::ShortPosition),
        })
        .collect::<Result<Vec<_>, _>>()
        .map(LineString::new)
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::polygon;

    fn square(x0: f64, y0: f64, x1: f64, y1: f64) -> Polygon<f64> {
        polygon![(x: x0, y: y0), (x: x1, y: y0), (x: x1, y: y1), (x: x0, y: y1), (x: x0, y: y0)]
    }

    #[test]
    fn shared_border_goes_to_lowest_index_and_interior_wins() {
        // B (index 0) and A (index 1) share the border x = 1.
        let b = MultiPolygon::new(vec![square(1.0, 0.0, 2.0, 1.0)]);
        let a = MultiPolygon::new(vec![square(0.0, 0.0, 1.0, 1.0)]);
        let r = Regions::from_parts(vec!["B".into(), "A".into()], vec![b, a], "name")
            .expect("should succeed");
        assert_eq!(r.locate(1.0, 0.5), Some(0));
        assert_eq!(r.locate(0.5, 0.5), Some(1));
        assert_eq!(r.locate(1.5, 0.5), Some(0));
        assert_eq!(r.locate(3.0, 0.5), None);
        assert_eq!(r.locate(f64::NAN, 0.5), None);
        // Corner of A only.
        assert_eq!(r.locate(0.0, 0.0), Some(1));
    }

    #[test]
    fn coordinates_must_be_degrees() {
        let ring: Vec<geojson::Position> = [[0.0, 0.0], [500_000.0, 0.0], [0.0, 1.0], [0.0, 0.0]]
            .into_iter()
            .map(geojson::Position::from)
            .collect();
        assert!(polygon(&[ring])
            .expect_err("should fail")
            .to_string()
            .contains("not WGS 84"));
        let short: Vec<geojson::Position> = [[0.0, 0.0], [1.0, 0.0], [0.0, 0.0]]
            .into_iter()
            .map(geojson::Position::from)
            .collect();
        assert!(polygon(&[short])
            .expect_err("should fail")
            .to_string()
            .contains("3 positions"));
    }
}
