//! Coordinates and distances on the WGS 84 ellipsoid.
//!
//! A [`Coord`] is (lon, lat) in units of 1e-7 degree, the precision OSM stores, so a node costs
//! 8 bytes and coordinates compare exactly. Lengths of road segments come from
//! [`distance_m`], an ellipsoidal local approximation that agrees with Karney's geodesic to well
//! under a millimetre for segments up to a few kilometres (checked in the tests below), and is
//! cheap enough to run on every segment of a national network.

/// WGS 84 semi-major axis in metres.
const WGS84_A: f64 = 6_378_137.0;
/// WGS 84 first eccentricity squared.
const WGS84_E2: f64 = 6.694_379_990_141_316e-3;

/// A point as (lon, lat) in 1e-7 degrees (OSM's fixed-point precision).
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Default,
    bytemuck::Pod,
    bytemuck::Zeroable,
)]
#[repr(C)]
pub struct Coord {
    /// Longitude in 1e-7 degrees.
    pub lon_e7: i32,
    /// Latitude in 1e-7 degrees.
    pub lat_e7: i32,
}

impl Coord {
    /// A coordinate from degrees, rounded to 1e-7 degree.
    pub fn from_degrees(lon: f64, lat: f64) -> Self {
        Coord {
            lon_e7: (lon * 1e7).round() as i32,
            lat_e7: (lat * 1e7).round() as i32,
        }
    }

    /// Longitude in degrees.
    pub fn lon(self) -> f64 {
        f64::from(self.lon_e7) / 1e7
    }

    /// Latitude in degrees.
    pub fn lat(self) -> f64 {
        f64::from(self.lat_e7) / 1e7
    }
}

/// Distance in metres between two nearby points on the WGS 84 ellipsoid.
///
/// Uses the meridional and prime-vertical radii of curvature at the mean latitude. The
/// relative error grows with the square of the distance: below 1e-6 up to about 20 km, so
/// below a millimetre for any OSM segment and a few centimetres for a long ferry leg.
pub fn distance_m(a: Coord, b: Coord) -> f64 {
    distance_m_f64((a.lon(), a.lat()), (b.lon(), b.lat()))
}

/// [`distance_m`] for points given as (lon, lat) in degrees, for points between OSM nodes
/// (projections onto a road).
pub fn distance_m_f64(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (a_lon, a_lat) = a;
    let (b_lon, b_lat) = b;
    let phi = ((a_lat + b_lat) * 0.5).to_radians();
    let dphi = (b_lat - a_lat).to_radians();
    let mut dlon = b_lon - a_lon;
    if dlon > 180.0 {
        dlon -= 360.0;
    } else if dlon < -180.0 {
        dlon += 360.0;
    }
    let dlambda = dlon.to_radians();
    let s = phi.sin();
    let w2 = 1.0 - WGS84_E2 * s * s;
    let w = w2.sqrt();
    let meridional = WGS84_A * (1.0 - WGS84_E2) / (w2 * w);
    let prime_vertical = WGS84_A / w;
    let north = meridional * dphi;
    let east = prime_vertical * phi.cos() * dlambda;
    hypot(north, east)
}

/// The two radii of curvature [`distance_m`] uses, at latitude `lat` (degrees): metres per
/// radian of latitude (meridional, `M`) and per radian of longitude (prime vertical times
/// `cos φ`, `N·cos φ`). A plane with these scales at `lat` is isotropic there on the ellipsoid.
pub fn radii_m(lat: f64) -> (f64, f64) {
    let phi = lat.to_radians();
    let s = phi.sin();
    let w2 = 1.0 - WGS84_E2 * s * s;
    let w = w2.sqrt();
    (
        WGS84_A * (1.0 - WGS84_E2) / (w2 * w),
        WGS84_A / w * phi.cos(),
    )
}

/// `sqrt(x² + y²)` without undue overflow or underflow: the algorithm of glibc's `hypot`
/// (2.35 and later, without FMA; C. F. Borges, "An improved algorithm for hypot(a, b)", 2019),
/// step for step, so it gives the same bits as the `f64::hypot` lengths were first computed
/// with (checked in the tests below), but inline: the library call, which saves and restores
/// the rounding mode, was the largest single cost of building a national graph.
fn hypot(x: f64, y: f64) -> f64 {
    // 2^-600, 2^511, 2^-511, 2^-54.
    const SCALE: f64 = f64::from_bits((1023 - 600) << 52);
    const LARGE: f64 = f64::from_bits((1023 + 511) << 52);
    const TINY: f64 = f64::from_bits((1023 - 511) << 52);
    const EPS: f64 = f64::from_bits((1023 - 54) << 52);
    if !x.is_finite() || !y.is_finite() {
        return x.hypot(y);
    }
    let (x, y) = (x.abs(), y.abs());
    let (ax, ay) = if x < y { (y, x) } else { (x, y) };
    if ax > LARGE {
        if ay <= ax * EPS {
            return ax + ay;
        }
        return hypot_kernel(ax * SCALE, ay * SCALE) / SCALE;
    }
    if ay < TINY {
        if ax >= ay / EPS {
            return ax + ay;
        }
        return hypot_kernel(ax / SCALE, ay / SCALE) * SCALE;
    }
    if ay <= ax * EPS {
        return ax + ay;
    }
    hypot_kernel(ax, ay)
}

/// The core of [`hypot`] for `ax ≥ ay ≥ 0` whose squares neither overflow nor underflow: the
/// rounded root, corrected by the rounding error of the sum of squares.
fn hypot_kernel(ax: f64, ay: f64) -> f64 {
    let h = (ax * ax + ay * ay).sqrt();
    let (t1, t2) = if h <= 2.0 * ay {
        let delta = h - ay;
        (ax * (2.0 * delta - ax), (delta - 2.0 * (ax - ay)) * delta)
    } else {
        let delta = h - ax;
        (
            2.0 * delta * (ax - 2.0 * ay),
            (4.0 * delta - ay) * ay + delta * delta,
        )
    };
    h - (t1 + t2) / (2.0 * h)
}

/// Earth-centred, earth-fixed coordinates (x, y, z) in metres of a point on the WGS 84
/// ellipsoid. The straight 3-D chord between two such points is never longer than
/// [`distance_m`] between them (checked in the tests below), which lets a 3-D R-tree find the
/// nearest point by [`distance_m`] exactly.
pub fn ecef_m(c: Coord) -> [f64; 3] {
    let (lon, lat) = (c.lon().to_radians(), c.lat().to_radians());
    let s = lat.sin();
    let n = WGS84_A / (1.0 - WGS84_E2 * s * s).sqrt();
    [
        n * lat.cos() * lon.cos(),
        n * lat.cos() * lon.sin(),
        n * (1.0 - WGS84_E2) * s,
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Distance, Geodesic, Point};
    use rand::{Rng, SeedableRng};

    #[test]
    fn matches_karney_geodesic() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        for _ in 0..5000 {
            let a = Coord::from_degrees(rng.gen_range(-20.0..30.0), rng.gen_range(-70.0..70.0));
            let b = Coord::from_degrees(
                a.lon() + rng.gen_range(-0.05..0.05),
                a.lat() + rng.gen_range(-0.03..0.03),
            );
            let ours = distance_m(a, b);
            let reference =
                Geodesic.distance(Point::new(a.lon(), a.lat()), Point::new(b.lon(), b.lat()));
            assert!(
                (ours - reference).abs() < 1e-3 + 1e-6 * reference,
                "{a:?} {b:?}: {ours} vs {reference}"
            );
        }
    }

    /// The inline `hypot` against the platform's, over the magnitudes a segment's north and east
    /// components take, and the extremes. Exact equality holds with glibc 2.35 or later (where
    /// the lengths were first computed); any libm is within one unit in the last place.
    #[test]
    fn hypot_matches_the_library() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        let exact = cfg!(all(target_os = "linux", target_env = "gnu"));
        let mut cases: Vec<(f64, f64)> = (0..200_000)
            .map(|i| {
                let scale = [1e-3, 1.0, 30.0, 1e3, 1e5][i % 5];
                let x: f64 = rng.gen_range(-1.0..1.0) * scale;
                let y: f64 = rng.gen_range(-1.0..1.0) * scale * [1.0, 1e-9, 0.0][i % 3];
                (x, y)
            })
            .collect();
        for v in [
            0.0,
            1e-310,
            1e-200,
            3.0,
            1e200,
            1e308,
            f64::INFINITY,
            f64::NAN,
        ] {
            cases.extend([(v, 1.0), (1.0, v), (v, v), (-v, 2e-300), (4e300, v)]);
        }
        for (x, y) in cases {
            let (ours, theirs) = (hypot(x, y), x.hypot(y));
            if ours.is_nan() || theirs.is_nan() {
                assert!(ours.is_nan() && theirs.is_nan(), "hypot({x:e}, {y:e})");
            } else if exact {
                assert_eq!(ours.to_bits(), theirs.to_bits(), "hypot({x:e}, {y:e})");
            } else {
                assert!(
                    ours.to_bits().abs_diff(theirs.to_bits()) <= 1,
                    "hypot({x:e}, {y:e})"
                );
            }
        }
    }

    #[test]
    fn chord_is_never_longer_than_distance() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
        let chord = |a: Coord, b: Coord| {
            let (p, q) = (ecef_m(a), ecef_m(b));
            ((p[0] - q[0]).powi(2) + (p[1] - q[1]).powi(2) + (p[2] - q[2]).powi(2)).sqrt()
        };
        let mut worst = f64::INFINITY;
        for i in 0..200_000 {
            let a = Coord::from_degrees(
                rng.gen_range(-180.0..180.0),
                rng.gen_range(-1.0f64..1.0).asin().to_degrees(),
            );
            let b = if i % 2 == 0 {
                Coord::from_degrees(
                    a.lon() + rng.gen_range(-3.0..3.0),
                    (a.lat() + rng.gen_range(-3.0..3.0)).clamp(-90.0, 90.0),
                )
            } else {
                Coord::from_degrees(
                    rng.gen_range(-180.0..180.0),
                    rng.gen_range(-1.0f64..1.0).asin().to_degrees(),
                )
            };
            let c = chord(a, b);
            if c > 1.0 {
                worst = worst.min(distance_m(a, b) / c);
            }
        }
        // crate::network::straight_line relies on distance ≥ 0.999 × chord.
        assert!(worst > 0.999_9, "distance / chord down to {worst}");
    }

    #[test]
    fn one_degree_of_latitude_in_sweden() {
        // 62°N: a degree of latitude is about 111.4 km on the ellipsoid.
        let d = distance_m(
            Coord::from_degrees(15.0, 61.5),
            Coord::from_degrees(15.0, 62.5),
        );
        let reference = Geodesic.distance(Point::new(15.0, 61.5), Point::new(15.0, 62.5));
        assert!((d - reference).abs() < 1.0, "{d} vs {reference}");
    }
}
