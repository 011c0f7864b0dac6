//! Tag rules as data: which OSM ways a car may use and how fast, which ferries carry cars, which
//! features are service points of which kind, and which places are settlements.
//!
//! Every rule lives in a table or a small function next to it, so a reviewer can read the whole
//! car profile on one screen. The tables are the contract the tests in `tests/fixtures/` check.
//!
//! # Supported
//! - `highway=*` classes in [`HIGHWAY_CLASSES`] with their default speeds; every other
//!   `highway` value (footway, cycleway, path, pedestrian, steps, construction, proposed,
//!   platform, busway, raceway, ...) is not a car road. `area=yes` highways are squares, not roads.
//! - `maxspeed` ([`parse_maxspeed`]; values are case-sensitive, as OSM's are):
//!   - a number, km/h: `70`; with a unit, with or without a space: `50 km/h`, `50 kmh`,
//!     `30 mph` (× [`MPH_KMH`]), `5 knots` (× [`KNOT_KMH`]);
//!   - a zone in [`MAXSPEED_ZONES`]: `SE:urban` 50, `SE:rural` 70, `SE:motorway` 110, and the
//!     `urban`/`rural`/`motorway` zones of NO, FI, DK, DE, AT, CH, FR, AD (and
//!     `DE:living_street` 7); `DE:motorway` has no limit (the class default applies); a zone
//!     not in the table (`SE:motorroad`, `XX:rural`) is unreadable;
//!   - `none`, `signals`, `variable`: no fixed limit, the class default applies;
//!   - `walk`: [`WALK_KMH`];
//!   - several values separated by `;` (`50;70`): the lowest limit; a `none` among them counts
//!     for nothing (`none;50` is 50), one unreadable value makes the whole tag unreadable;
//!   - a limit must be above 0 and at most [`MAXSPEED_MAX_KMH`]; zero, negative numbers, words
//!     (`fast`) and other units are unreadable, and an unreadable `maxspeed` is ignored: the
//!     class default applies.
//!
//!   A readable limit replaces the class default, times the profile's `maxspeed_factor` (1.0:
//!   car times are free-flow times at the posted limit).
//! - Car access: the first present of `motorcar`, `motor_vehicle`, `vehicle`, `access` decides
//!   (the most specific key wins, so `access=no motorcar=yes` is open to cars):
//!
//!   | value | road | `highway=track` | car ferry (`motorcar`, else `motor_vehicle`) |
//!   |---|---|---|---|
//!   | no tag | open | closed | not a car ferry |
//!   | `yes`, `designated`, `permissive`, `destination`, `customers` ([`GRANTED_ACCESS`]) | open | open | car ferry |
//!   | `no`, `private`, `agricultural`, `forestry`, `delivery`, `military`, `emergency`, `permit` ([`DENIED_ACCESS`]) | closed | closed | not a car ferry |
//!   | anything else (`unknown`, `discouraged`, ...) | open | closed | not a car ferry |
//!
//!   `destination` and `customers` are open because the people a planner counts drive there
//!   (to their home, to the shop); the search also uses such roads as through routes, which
//!   can make a distance slightly short. `delivery` is closed: it admits vans, not residents.
//! - `highway=track` is **out** unless car access is explicitly granted (a value in
//!   [`GRANTED_ACCESS`] under any of the four keys). Tracks are mostly forest and farm roads,
//!   often behind a barrier; routing over them invents shortcuts that no planner would accept,
//!   while a settlement at the end of a track still snaps to the nearest real road.
//! - `oneway`: `yes`/`true`/`1` forward, `-1`/`reverse` backward, `no`/`false`/`0` and
//!   `alternating` both ways; `reversible` excludes the way (its direction changes by the hour).
//!   `highway=motorway` and `junction=roundabout`/`circular` imply `oneway=yes`; an explicit
//!   `oneway` tag wins over the implied one.
//! - Car ferries: `route=ferry` ways whose `motorcar` (or, if absent, `motor_vehicle`) is a
//!   value in [`GRANTED_ACCESS`]. Only those two keys grant: `access=yes` or `vehicle=yes` on a
//!   ferry is as often about bicycles, so a ferry without a car key is taken to be for
//!   passengers only. A ferry tagged `tourism=*` is a cruise, never a car link. `route=ferry`
//!   wins over a `highway` tag on the same way: such a way is a ferry (or nothing), never a
//!   road, and its `highway` implies no oneway (`oneway` and `junction` tags apply). The crossing takes `duration` ([`parse_duration_s`]: `H:MM`, `HH:MM:SS`, ISO 8601
//!   `PT1H30M`, a whole number = minutes, a decimal number = hours, `1.5` = 1 h 30 min) or,
//!   without a readable one, the way's length at [`FERRY_FALLBACK_KMH`]; every ferry way adds
//!   [`FERRY_BOARDING_S`] for waiting and boarding. A ferry way cut into several edges shares
//!   its time among them by length.
//! - Service kinds from the rules in [`SERVICE_RULES`]; a feature may have several kinds.
//!   Nodes, closed ways (at least four refs, the first equal to the last) and `type=multipolygon`
//!   relations count; an area is placed at the middle of the widest stretch, inside it, of the
//!   horizontal line through the middle of its latitude range (the reader's `area` module
//!   gives the exact rule, multipolygons and holes included). A service point is seasonal
//!   (open in summer only) by its `opening_hours` or `seasonal` tag ([`crate::read::seasonal`]).
//! - Settlements from the `place` values in [`SETTLEMENT_PLACES`], with `population` parsed by
//!   [`parse_population`] (missing or unreadable is unknown, never zero).
//!
//! The tables are the defaults of a [`Profile`], the run-time form a project's settings file
//! (`[speeds]`, `[services]`, `[settlements]`, see [`crate::settings`]) changes: default speed per
//! class, a factor on tagged limits, the tag rules of each kind and the settlement places.
//!
//! # Omitted
//! - Turn restrictions (`type=restriction` relations): distances are slightly optimistic where
//!   a turn is banned.
//! - Barriers on nodes (`barrier=gate`, `bollard`, ...), time-conditional access
//!   (`*:conditional`), `maxspeed:forward`/`:backward`, `maxspeed:conditional`, traffic signals
//!   and other junction delays, `oneway:motorcar`.
//! - Ferry route relations (`type=route` + `route=ferry`): only ferry ways are read, which is how
//!   almost every car ferry in OSM is mapped. The `ferry=*` road-class key is not read.
//! - `place=*` on `type=boundary` relations: administrative areas are not settlements.

use crate::base::feature::Place;
use crate::base::kind::KindError;
use crate::{Kinds, ServiceKind, ServiceKinds};

/// A car-routable road class with its default speed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HighwayClass {
    /// The `highway=*` value.
    pub tag: &'static str,
    /// Speed used when the way has no usable `maxspeed`, in km/h.
    pub default_kmh: u16,
}

const fn class(tag: &'static str, default_kmh: u16) -> HighwayClass {
    HighwayClass { tag, default_kmh }
}

/// Car-routable `highway` values and their default speeds (km/h), roughly the Swedish default
/// limits for each kind of road (70 outside built-up areas, 50 inside, lower in housing areas).
pub const HIGHWAY_CLASSES: &[HighwayClass] = &[
    class("motorway", 110),
    class("motorway_link", 60),
    class("trunk", 90),
    class("trunk_link", 60),
    class("primary", 80),
    class("primary_link", 60),
    class("secondary", 70),
    class("secondary_link", 50),
    class("tertiary", 60),
    class("tertiary_link", 50),
    class("unclassified", 50),
    class("residential", 30),
    class("living_street", 10),
    class("service", 20),
    class("road", 40),
    class("track", 20),
];

/// `highway=track`, which needs explicit car access.
const TRACK: &str = "track";

/// Index of the pseudo class used for car ferries in [`RoadAttrs::class`].
pub const FERRY_CLASS: u8 = u8::MAX;

/// Zone values of `maxspeed` and their limits in km/h. `None` means "no limit": the class
/// default applies.
pub const MAXSPEED_ZONES: &[(&str, Option<u16>)] = &[
    ("SE:urban", Some(50)),
    ("SE:rural", Some(70)),
    ("SE:motorway", Some(110)),
    ("NO:urban", Some(50)),
    ("NO:rural", Some(80)),
    ("NO:motorway", Some(110)),
    ("FI:urban", Some(50)),
    ("FI:rural", Some(80)),
    ("FI:motorway", Some(120)),
    ("DK:urban", Some(50)),
    ("DK:rural", Some(80)),
    ("DK:motorway", Some(130)),
    ("DE:urban", Some(50)),
    ("DE:rural", Some(100)),
    ("DE:living_street", Some(7)),
    ("DE:motorway", None),
    ("AT:urban", Some(50)),
    ("AT:rural", Some(100)),
    ("AT:motorway", Some(130)),
    ("CH:urban", Some(50)),
    ("CH:rural", Some(80)),
    ("CH:motorway", Some(120)),
    ("FR:urban", Some(50)),
    ("FR:rural", Some(80)),
    ("FR:motorway", Some(130)),
    ("AD:urban", Some(50)),
    ("AD:rural", Some(90)),
];

/// `maxspeed=walk`, in km/h.
pub const WALK_KMH: u16 = 6;

/// One mile per hour in km/h (`maxspeed=30 mph`).
pub const MPH_KMH: f64 = 1.609_344;

/// One knot in km/h (`maxspeed=5 knots`, the other unit the OSM wiki lists for `maxspeed`).
pub const KNOT_KMH: f64 = 1.852;

/// The highest `maxspeed` read as a limit, km/h; a higher value is a tagging error.
pub const MAXSPEED_MAX_KMH: f64 = 300.0;

/// Access values that shut a way to the general public's cars: only the owner's, a farmer's,
/// a forester's, a delivery van, the army, emergency services or permit holders may drive it.
pub const DENIED_ACCESS: &[&str] = &[
    "no",
    "private",
    "agricultural",
    "forestry",
    "delivery",
    "military",
    "emergency",
    "permit",
];

/// Access values that count as an explicit grant (for tracks and ferries): the general
/// public's car may go there, perhaps only to a destination on it or as a customer.
pub const GRANTED_ACCESS: &[&str] = &[
    "yes",
    "designated",
    "permissive",
    "destination",
    "customers",
];

/// Speed of a car ferry without a usable `duration`, in km/h (a typical Swedish road ferry).
pub const FERRY_FALLBACK_KMH: u16 = 10;

/// Time added to every car ferry way for waiting and boarding, in seconds (half the usual
/// 20-minute headway of a Swedish road ferry).
pub const FERRY_BOARDING_S: u32 = 600;

/// Direction(s) in which a road may be driven, relative to the order of its OSM nodes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Both ways.
    Both,
    /// Only in the order of the way's nodes.
    Forward,
    /// Only against the order of the way's nodes (`oneway=-1`).
    Backward,
}

/// What the profile decided about one car-usable way.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RoadAttrs {
    /// Index into [`HIGHWAY_CLASSES`], or [`FERRY_CLASS`].
    pub class: u8,
    /// Travel speed in km/h (for ferries: the fallback speed, unused when `ferry_s` is set).
    pub speed_kmh: f64,
    /// Allowed direction(s).
    pub direction: Direction,
    /// For a ferry with a usable `duration`: the crossing time in seconds, without boarding.
    pub ferry_s: Option<u32>,
}

impl RoadAttrs {
    /// Whether this way is a car ferry.
    pub fn is_ferry(&self) -> bool {
        self.class == FERRY_CLASS
    }

    /// For a car ferry way of `way_length_m`: the time to cross on it, in seconds, boarding
    /// included: the tagged `duration`, or the length at the ferry speed, plus
    /// [`FERRY_BOARDING_S`].
    pub fn ferry_way_s(&self, way_length_m: f64) -> f64 {
        let crossing_s = self
            .ferry_s
            .map_or(way_length_m / (self.speed_kmh / 3.6), f64::from);
        crossing_s + f64::from(FERRY_BOARDING_S)
    }

    /// The `highway` value, or `"ferry"`.
    pub fn class_name(&self) -> &'static str {
        class_name(self.class)
    }
}

/// The `highway` value of a class index, or `"ferry"` for [`FERRY_CLASS`].
pub fn class_name(class: u8) -> &'static str {
    HIGHWAY_CLASSES
        .get(usize::from(class))
        .map_or("ferry", |c| c.tag)
}

/// The tags of one OSM way that the car profile reads. Built by scanning the tag list once.
#[derive(Clone, Copy, Debug, Default)]
pub struct WayTags<'a> {
    /// `highway`
    pub highway: Option<&'a str>,
    /// `route`
    pub route: Option<&'a str>,
    /// `area`
    pub area: Option<&'a str>,
    /// `maxspeed`
    pub maxspeed: Option<&'a str>,
    /// `oneway`
    pub oneway: Option<&'a str>,
    /// `junction`
    pub junction: Option<&'a str>,
    /// `access`
    pub access: Option<&'a str>,
    /// `vehicle`
    pub vehicle: Option<&'a str>,
    /// `motor_vehicle`
    pub motor_vehicle: Option<&'a str>,
    /// `motorcar`
    pub motorcar: Option<&'a str>,
    /// `duration`
    pub duration: Option<&'a str>,
    /// `tourism`
    pub tourism: Option<&'a str>,
}

impl<'a> WayTags<'a> {
    /// Collects the profile's tags from `(key, value)` pairs.
    pub fn from_pairs(tags: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut t = WayTags::default();
        for (k, v) in tags {
            let slot = match k {
                "highway" => &mut t.highway,
                "route" => &mut t.route,
                "area" => &mut t.area,
                "maxspeed" => &mut t.maxspeed,
                "oneway" => &mut t.oneway,
                "junction" => &mut t.junction,
                "access" => &mut t.access,
                "vehicle" => &mut t.vehicle,
                "motor_vehicle" => &mut t.motor_vehicle,
                "motorcar" => &mut t.motorcar,
                "duration" => &mut t.duration,
                "tourism" => &mut t.tourism,
                _ => continue,
            };
            *slot = Some(v);
        }
        t
    }

    /// The access value that applies to cars: the most specific tag present.
    fn car_access(&self) -> Option<&'a str> {
        self.motorcar
            .or(self.motor_vehicle)
            .or(self.vehicle)
            .or(self.access)
    }
}

/// Decides whether a way is usable by car and how. `None` means it is not part of the network.
fn road_attrs(profile: &Profile, tags: &WayTags<'_>) -> Option<RoadAttrs> {
    // A ferry line that also carries a `highway` tag (copied from the road it links, or added
    // for rendering) is still a boat: its time is the crossing's, and it must never take snaps.
    if tags.route == Some("ferry") {
        return ferry_attrs(tags);
    }
    let highway = tags.highway?;
    let class = HIGHWAY_CLASSES.iter().position(|c| c.tag == highway)?;
    if tags.area == Some("yes") {
        return None;
    }
    let access = tags.car_access();
    if access.is_some_and(|a| DENIED_ACCESS.contains(&a)) {
        return None;
    }
    if highway == TRACK && !access.is_some_and(|a| GRANTED_ACCESS.contains(&a)) {
        return None;
    }
    let direction = direction(tags)?;
    let default_kmh = profile.class_kmh[class];
    let speed_kmh = match tags.maxspeed.and_then(parse_maxspeed) {
        Some(Some(limit)) => limit * profile.maxspeed_factor,
        Some(None) | None => default_kmh,
    };
    Some(RoadAttrs {
        class: u8::try_from(class).ok()?,
        speed_kmh,
        direction,
        ferry_s: None,
    })
}

fn ferry_attrs(tags: &WayTags<'_>) -> Option<RoadAttrs> {
    if tags.tourism.is_some() {
        return None;
    }
    // Only the car-specific keys grant: `access=yes` or `vehicle=yes` on a ferry usually means
    // the passengers' bicycles, and a passenger boat taken for a car link invents a road.
    let car = tags.motorcar.or(tags.motor_vehicle)?;
    if !GRANTED_ACCESS.contains(&car) {
        return None;
    }
    Some(RoadAttrs {
        class: FERRY_CLASS,
        speed_kmh: f64::from(FERRY_FALLBACK_KMH),
        // A copied `highway=motorway` must not make the boat oneway; `oneway` tags still do.
        direction: direction(&WayTags {
            highway: None,
            ..*tags
        })?,
        ferry_s: tags.duration.and_then(parse_duration_s),
    })
}

/// The allowed direction, or `None` for `oneway=reversible`.
fn direction(tags: &WayTags<'_>) -> Option<Direction> {
    match tags.oneway {
        Some("yes" | "true" | "1") => Some(Direction::Forward),
        Some("-1" | "reverse") => Some(Direction::Backward),
        Some("reversible") => None,
        Some("no" | "false" | "0" | "alternating") => Some(Direction::Both),
        _ => {
            let implied = tags.highway == Some("motorway")
                || matches!(tags.junction, Some("roundabout" | "circular"));
            Some(if implied {
                Direction::Forward
            } else {
                Direction::Both
            })
        }
    }
}

/// Parses a `maxspeed` value. `Some(Some(kmh))` is a limit, `Some(None)` means "no limit" (the
/// class default applies), `None` means the value could not be read.
pub fn parse_maxspeed(value: &str) -> Option<Option<f64>> {
    value
        .split(';')
        .map(parse_one_maxspeed)
        .try_fold(None, |lowest: Option<Option<f64>>, next| {
            let next = next?;
            Some(Some(match (lowest.flatten(), next) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            }))
        })
        .flatten()
}

fn parse_one_maxspeed(value: &str) -> Option<Option<f64>> {
    let v = value.trim();
    if v == "none" || v == "signals" || v == "variable" {
        return Some(None);
    }
    if v == "walk" {
        return Some(Some(f64::from(WALK_KMH)));
    }
    if let Some(&(_, limit)) = MAXSPEED_ZONES.iter().find(|(zone, _)| *zone == v) {
        return Some(limit.map(f64::from));
    }
    let (number, factor) = if let Some(n) = v.strip_suffix("mph") {
        (n, MPH_KMH)
    } else if let Some(n) = v.strip_suffix("knots") {
        (n, KNOT_KMH)
    } else if let Some(n) = v.strip_suffix("km/h").or_else(|| v.strip_suffix("kmh")) {
        (n, 1.0)
    } else {
        (v, 1.0)
    };
    let kmh = number.trim().parse::<f64>().ok()? * factor;
    (kmh.is_finite() && kmh > 0.0 && kmh <= MAXSPEED_MAX_KMH).then_some(Some(kmh))
}

/// Parses an OSM `duration` into seconds: `H:MM`, `HH:MM:SS`, ISO 8601 `PT1H30M` / `PT45M` /
/// `PT20M30S` (also with a day part, `P1DT2H`), a whole number of minutes (`25`), or a decimal
/// number of hours (`1.5` or `1,5`: 1 h 30 min). Anything else, and zero, is `None`.
///
/// The OSM wiki recommends `hh:mm`; bare whole numbers are minutes for OSRM and GraphHopper
/// too. A decimal is read as hours because that is how people write a crossing time in
/// fractions ("1.5 hours"): a boat trip is never tagged in fractions of a minute.
pub fn parse_duration_s(value: &str) -> Option<u32> {
    let v = value.trim();
    let seconds = if let Some(iso) = v.strip_prefix('P') {
        parse_iso_duration(iso)?
    } else if v.contains(':') {
        let parts: Vec<&str> = v.split(':').collect();
        let nums = parts
            .iter()
            .map(|p| p.trim().parse::<u32>().ok())
            .collect::<Option<Vec<u32>>>()?;
        match nums.as_slice() {
            [h, m] if *m < 60 => h.checked_mul(3600)?.checked_add(m * 60)?,
            [h, m, s] if *m < 60 && *s < 60 => h.checked_mul(3600)?.checked_add(m * 60 + s)?,
            _ => return None,
        }
    } else if let Some((whole, fraction)) = v.split_once(['.', ',']) {
        parse_decimal_hours_s(whole, fraction)?
    } else {
        v.parse::<u32>().ok()?.checked_mul(60)?
    };
    (seconds > 0).then_some(seconds)
}

/// `whole.fraction` hours in whole seconds (rounded), digits only on both sides.
fn parse_decimal_hours_s(whole: &str, fraction: &str) -> Option<u32> {
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || !digits(fraction) || (whole.is_empty() && fraction.is_empty()) {
        return None;
    }
    let hours: f64 = format!("{whole}.{fraction}0").parse().ok()?;
    let seconds = (hours * 3600.0).round();
    (seconds <= f64::from(u32::MAX)).then_some(seconds as u32)
}

fn parse_iso_duration(iso: &str) -> Option<u32> {
    let mut total: u64 = 0;
    let mut in_time = false;
    let mut number = String::new();
    let mut any = false;
    for ch in iso.chars() {
        match ch {
            'T' if !in_time && number.is_empty() => in_time = true,
            '0'..='9' | '.' => number.push(ch),
            unit => {
                let n: f64 = number.parse().ok()?;
                number.clear();
                let factor = match (in_time, unit) {
                    (false, 'D') => 86_400.0,
                    (true, 'H') => 3_600.0,
                    (true, 'M') => 60.0,
                    (true, 'S') => 1.0,
                    _ => return None,
                };
                let part = (n * factor).round();
                if !(0.0..=f64::from(u32::MAX)).contains(&part) {
                    return None;
                }
                total = total.checked_add(part as u64)?;
                any = true;
            }
        }
    }
    if !number.is_empty() || !any {
        return None;
    }
    u32::try_from(total).ok()
}

/// One rule that gives a feature a service kind: a `key=value` tag.
#[derive(Clone, Copy, Debug)]
pub struct ServiceRule {
    /// Tag key.
    pub key: &'static str,
    /// Tag value.
    pub value: &'static str,
    /// The kind(s) the tag gives.
    pub kinds: ServiceKinds,
}

const fn rule(key: &'static str, value: &'static str, kinds: ServiceKinds) -> ServiceRule {
    ServiceRule { key, value, kinds }
}

/// Which tags make a feature a service point of which kind. `amenity=post_box` and
/// `shop=chemist` are deliberately absent: a letter box is no post service and a chemist sells
/// no medicines on prescription.
pub const SERVICE_RULES: &[ServiceRule] = &[
    rule("shop", "supermarket", ServiceKinds::GROCERY),
    rule("shop", "convenience", ServiceKinds::GROCERY),
    rule("shop", "general", ServiceKinds::GROCERY),
    rule("shop", "grocery", ServiceKinds::GROCERY),
    rule("amenity", "fuel", ServiceKinds::FUEL),
    rule("amenity", "post_office", ServiceKinds::POST),
    rule("post_office", "post_partner", ServiceKinds::POST),
    rule("post_office", "bureau", ServiceKinds::POST),
    rule("post_office", "post_annex", ServiceKinds::POST),
    rule("amenity", "parcel_locker", ServiceKinds::POST),
    rule("vending", "parcel_pickup", ServiceKinds::POST),
    rule("amenity", "pharmacy", ServiceKinds::PHARMACY),
    rule("healthcare", "pharmacy", ServiceKinds::PHARMACY),
    rule("amenity", "atm", ServiceKinds::PAYMENT),
    rule("amenity", "bank", ServiceKinds::PAYMENT),
    rule("amenity", "payment_centre", ServiceKinds::PAYMENT),
    rule("cash_withdrawal", "yes", ServiceKinds::PAYMENT),
    rule("atm", "yes", ServiceKinds::PAYMENT),
];

/// `place` values that are settlements unless a settings file says otherwise, largest first.
/// [`Place::ALL`] lists the further values a project may add (`suburb`, `farm`, ...).
pub const SETTLEMENT_PLACES: &[Place] = &[
    Place::City,
    Place::Town,
    Place::Village,
    Place::Hamlet,
    Place::IsolatedDwelling,
];

/// Parses `population`: digits with optional thousands separators (space, no-break or thin
/// space, comma, apostrophe, or a dot followed by exactly three digits). Anything else (ranges,
/// words, decimals, negative numbers) is unknown.
pub fn parse_population(value: &str) -> Option<u64> {
    let v = value.trim();
    if v.is_empty() {
        return None;
    }
    let groups: Vec<&str> = v
        .split([' ', '\u{a0}', '\u{2009}', '\u{202f}', ',', '\'', '.'])
        .collect();
    let digits_only = |g: &str| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit());
    if !groups.iter().all(|g| digits_only(g)) {
        return None;
    }
    if groups.len() > 1 && (groups[0].len() > 3 || groups[1..].iter().any(|g| g.len() != 3)) {
        return None;
    }
    // More people than live on Earth is a tagging error, not a population.
    groups
        .concat()
        .parse()
        .ok()
        .filter(|&p: &u64| p <= MAX_POPULATION)
}

/// The largest population accepted (about the world's).
pub const MAX_POPULATION: u64 = 10_000_000_000;

/// The rules a reader applies, as run-time data: the tables of this module by default
/// ([`Profile::default`]), changed per project by a settings file.
#[derive(Clone, Debug, PartialEq)]
pub struct Profile {
    /// Speed on roads without a usable `maxspeed`, km/h, indexed like [`HIGHWAY_CLASSES`].
    class_kmh: Vec<f64>,
    /// Factor applied to tagged limits (1.0: free flow at the posted limit).
    maxspeed_factor: f64,
    /// The kinds of service: the five built-in ones and the project's own.
    kinds: Kinds,
    /// `(key, value, kinds)` rules that make a feature a service point.
    service_rules: Vec<(String, String, ServiceKinds)>,
    /// `place` values that are settlements.
    places: Vec<Place>,
}

impl Default for Profile {
    fn default() -> Self {
        Profile {
            class_kmh: HIGHWAY_CLASSES
                .iter()
                .map(|c| f64::from(c.default_kmh))
                .collect(),
            maxspeed_factor: 1.0,
            kinds: Kinds::default(),
            service_rules: SERVICE_RULES
                .iter()
                .map(|r| (r.key.to_owned(), r.value.to_owned(), r.kinds))
                .collect(),
            places: SETTLEMENT_PLACES.to_vec(),
        }
    }
}

/// The fastest speed a profile accepts, km/h.
pub const MAX_KMH: f64 = 250.0;

/// Why a [`Profile`] setter refuses a value. The text names the class, kind or place it is
/// about, never the setting or flag that carried it: the settings layer names those.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ProfileError {
    /// A `highway` value that is no road class of the profile.
    #[error("unknown road class {class:?}; the classes are {}", class_names())]
    UnknownClass {
        /// The class as given.
        class: String,
    },
    /// A class speed that is not above 0 and at most [`MAX_KMH`].
    #[error(
        "speed of {class} must be above 0 and at most {} km/h, not {kmh}",
        MAX_KMH
    )]
    Speed {
        /// The road class.
        class: String,
        /// The speed as given, km/h.
        kmh: f64,
    },
    /// A `maxspeed` factor that is not in (0, 2].
    #[error("maxspeed_factor must be above 0 and at most 2, not {factor}")]
    MaxspeedFactor {
        /// The factor as given.
        factor: f64,
    },
    /// A tag rule of one kind that is not `key=value`.
    #[error("{kind}: {error}")]
    Tag {
        /// The kind whose rules were set.
        kind: ServiceKind,
        /// The rule.
        error: NotTag,
    },
    /// A project's own kind that cannot be added.
    #[error(transparent)]
    Kind(#[from] KindError),
    /// A project's own kind without a tag rule: no feature would ever be one.
    #[error("kind `{kind}` needs at least one tag, e.g. tags = [\"amenity=charging_station\"]")]
    NoTags {
        /// The kind.
        kind: ServiceKind,
    },
    /// A `place` value that is no settlement place.
    #[error("unknown place {value:?}; the places are {}", place_names())]
    UnknownPlace {
        /// The value as given.
        value: String,
    },
    /// A `place` value given twice.
    #[error("place {value:?} is listed twice")]
    RepeatedPlace {
        /// The value as given.
        value: String,
    },
}

/// A service tag rule that is not `key=value`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{tag:?} is not a tag; write it as \"key=value\", e.g. \"shop=supermarket\"")]
pub struct NotTag {
    /// The rule as given.
    pub tag: String,
}

/// The rules of `kind` from its `"key=value"` tags.
fn parse_rules(
    kind: ServiceKind,
    tags: &[String],
) -> Result<Vec<(String, String, ServiceKinds)>, ProfileError> {
    tags.iter()
        .map(|tag| {
            let parsed = tag
                .split_once('=')
                .map(|(k, v)| (k.trim(), v.trim()))
                .filter(|(k, v)| !k.is_empty() && !v.is_empty() && !v.contains('='));
            let Some((k, v)) = parsed else {
                return Err(ProfileError::Tag {
                    kind,
                    error: NotTag { tag: tag.clone() },
                });
            };
            Ok((k.to_owned(), v.to_owned(), ServiceKinds::of(kind)))
        })
        .collect()
}

/// The road classes, in table order, for messages.
fn class_names() -> String {
    let known: Vec<&str> = HIGHWAY_CLASSES.iter().map(|c| c.tag).collect();
    known.join(", ")
}

/// The settlement places, in [`Place::ALL`] order, for messages.
fn place_names() -> String {
    let known: Vec<&str> = Place::ALL.iter().map(|p| p.name()).collect();
    known.join(", ")
}

impl Profile {
    /// Decides whether a way is usable by car and how. `None` means it is not part of the
    /// network.
    pub fn road_attrs(&self, tags: &WayTags<'_>) -> Option<RoadAttrs> {
        road_attrs(self, tags)
    }

    /// The service kinds one tag gives (empty for most tags).
    pub fn service_kinds_of_tag(&self, key: &str, value: &str) -> ServiceKinds {
        self.service_rules
            .iter()
            .filter(|(k, v, _)| k == key && v == value)
            .fold(ServiceKinds::EMPTY, |acc, (_, _, kinds)| acc | *kinds)
    }

    /// The settlement place of a `place=*` value, if it is one of this profile's places.
    pub fn settlement_place(&self, value: &str) -> Option<Place> {
        Place::from_tag(value).filter(|p| self.places.contains(p))
    }

    /// The settlement places, in the order given.
    pub fn places(&self) -> &[Place] {
        &self.places
    }

    /// The speed on a class's roads without a usable `maxspeed`, km/h.
    pub fn class_kmh(&self, highway: &str) -> Option<f64> {
        let i = HIGHWAY_CLASSES.iter().position(|c| c.tag == highway)?;
        Some(self.class_kmh[i])
    }

    /// Sets the speed of a class's roads without a usable `maxspeed`.
    ///
    /// # Errors
    /// [`ProfileError::UnknownClass`] (listing the known classes) or [`ProfileError::Speed`]
    /// for a speed out of range.
    pub fn set_class_kmh(&mut self, highway: &str, kmh: f64) -> Result<(), ProfileError> {
        let Some(i) = HIGHWAY_CLASSES.iter().position(|c| c.tag == highway) else {
            return Err(ProfileError::UnknownClass {
                class: highway.to_owned(),
            });
        };
        if !(kmh.is_finite() && kmh > 0.0 && kmh <= MAX_KMH) {
            return Err(ProfileError::Speed {
                class: highway.to_owned(),
                kmh,
            });
        }
        self.class_kmh[i] = kmh;
        Ok(())
    }

    /// Sets the factor on tagged `maxspeed` limits (OSRM's car profile uses 0.8 to turn limits
    /// into typical speeds).
    ///
    /// # Errors
    /// [`ProfileError::MaxspeedFactor`] if the factor is not in (0, 2].
    pub fn set_maxspeed_factor(&mut self, factor: f64) -> Result<(), ProfileError> {
        if !(factor.is_finite() && factor > 0.0 && factor <= 2.0) {
            return Err(ProfileError::MaxspeedFactor { factor });
        }
        self.maxspeed_factor = factor;
        Ok(())
    }

    /// The kinds of service, built-in ones first.
    pub fn kinds(&self) -> &Kinds {
        &self.kinds
    }

    /// Adds a project's own kind after the others, with its tag rules (each `"key=value"`,
    /// at least one) and its label (see [`Kinds::add`]).
    ///
    /// # Errors
    /// [`ProfileError::Kind`] for a bad or repeated name or one kind too many,
    /// [`ProfileError::NoTags`] without a tag, [`ProfileError::Tag`] naming a rule that is not
    /// `key=value`.
    pub fn add_kind(
        &mut self,
        name: &str,
        label: Option<&str>,
        tags: &[String],
    ) -> Result<ServiceKind, ProfileError> {
        let mut kinds = self.kinds.clone();
        let kind = kinds.add(name, label)?;
        if tags.is_empty() {
            return Err(ProfileError::NoTags { kind });
        }
        let rules = parse_rules(kind, tags)?;
        self.kinds = kinds;
        self.service_rules.extend(rules);
        Ok(kind)
    }

    /// Replaces the tag rules of one kind by `tags`, each `"key=value"`.
    ///
    /// # Errors
    /// [`ProfileError::Tag`] naming a rule that is not `key=value`.
    pub fn set_kind_tags(
        &mut self,
        kind: ServiceKind,
        tags: &[String],
    ) -> Result<(), ProfileError> {
        let rules = parse_rules(kind, tags)?;
        let only = ServiceKinds::of(kind);
        for rule in &mut self.service_rules {
            rule.2 = rule.2.without(only);
        }
        self.service_rules.retain(|r| !r.2.is_empty());
        self.service_rules.extend(rules);
        Ok(())
    }

    /// Sets the `place` values that are settlements.
    ///
    /// # Errors
    /// [`ProfileError::UnknownPlace`] (listing the known places) or
    /// [`ProfileError::RepeatedPlace`].
    pub fn set_places(&mut self, values: &[String]) -> Result<(), ProfileError> {
        let mut places = Vec::with_capacity(values.len());
        for v in values {
            let Some(place) = Place::from_tag(v) else {
                return Err(ProfileError::UnknownPlace { value: v.clone() });
            };
            if places.contains(&place) {
                return Err(ProfileError::RepeatedPlace { value: v.clone() });
            }
            places.push(place);
        }
        self.places = places;
        Ok(())
    }

    /// A 64-bit fingerprint of every rule (FNV-1a over a canonical text), to tell whether a
    /// saved graph was built with these settings.
    pub fn fingerprint(&self) -> u64 {
        let mut text = String::new();
        for kmh in &self.class_kmh {
            text.push_str(&format!("{:x};", kmh.to_bits()));
        }
        text.push_str(&format!("{:x};", self.maxspeed_factor.to_bits()));
        let mut rules: Vec<String> = self
            .service_rules
            .iter()
            .map(|(k, v, kinds)| format!("{k}={v}:{kinds:?}"))
            .collect();
        rules.sort();
        text.push_str(&rules.join(","));
        // The project's own kinds: their names and order make the bits of the rules above.
        for kind in self.kinds.own() {
            text.push_str(kind.name());
            text.push(';');
        }
        for p in &self.places {
            text.push_str(p.name());
            text.push(',');
        }
        text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attrs(pairs: &[(&'static str, &'static str)]) -> Option<RoadAttrs> {
        Profile::default().road_attrs(&WayTags::from_pairs(pairs.iter().copied()))
    }

    #[test]
    fn maxspeed_forms() {
        assert_eq!(parse_maxspeed("70"), Some(Some(70.0)));
        assert_eq!(parse_maxspeed("50 km/h"), Some(Some(50.0)));
        let mph = parse_maxspeed("30 mph").flatten().unwrap_or_default();
        assert!((mph - 48.28032).abs() < 1e-9);
        assert_eq!(parse_maxspeed("SE:urban"), Some(Some(50.0)));
        assert_eq!(parse_maxspeed("SE:rural"), Some(Some(70.0)));
        assert_eq!(parse_maxspeed("SE:motorway"), Some(Some(110.0)));
        assert_eq!(parse_maxspeed("none"), Some(None));
        assert_eq!(parse_maxspeed("walk"), Some(Some(6.0)));
        assert_eq!(parse_maxspeed("50;30"), Some(Some(30.0)));
        assert_eq!(parse_maxspeed("50 kmh"), Some(Some(50.0)));
        assert_eq!(parse_maxspeed("50kmh"), Some(Some(50.0)));
        assert_eq!(parse_maxspeed("50km/h"), Some(Some(50.0)));
        assert_eq!(parse_maxspeed("10 knots"), Some(Some(18.52)));
        assert_eq!(parse_maxspeed("50;70"), Some(Some(50.0)));
        assert_eq!(parse_maxspeed("none;50"), Some(Some(50.0)));
        assert_eq!(parse_maxspeed("50;fast"), None);
        assert_eq!(parse_maxspeed("DE:motorway"), Some(None));
        assert_eq!(parse_maxspeed("SE:motorroad"), None);
        assert_eq!(parse_maxspeed("0"), None);
        assert_eq!(parse_maxspeed("301"), None);
        assert_eq!(parse_maxspeed("50 KMH"), None);
        assert_eq!(parse_maxspeed("fast"), None);
        assert_eq!(parse_maxspeed("-5"), None);
        assert_eq!(parse_maxspeed(""), None);
    }

    #[test]
    fn duration_forms() {
        assert_eq!(parse_duration_s("0:20"), Some(1200));
        assert_eq!(parse_duration_s("01:05:30"), Some(3930));
        assert_eq!(parse_duration_s("PT1H30M"), Some(5400));
        assert_eq!(parse_duration_s("PT45M"), Some(2700));
        assert_eq!(parse_duration_s("PT20M30S"), Some(1230));
        assert_eq!(parse_duration_s("P1DT1H"), Some(90_000));
        assert_eq!(parse_duration_s("25"), Some(1500));
        assert_eq!(parse_duration_s("1.5"), Some(5400));
        assert_eq!(parse_duration_s("1,5"), Some(5400));
        assert_eq!(parse_duration_s("0.25"), Some(900));
        assert_eq!(parse_duration_s(".5"), Some(1800));
        assert_eq!(parse_duration_s("2."), Some(7200));
        assert_eq!(parse_duration_s("0.0"), None);
        assert_eq!(parse_duration_s("."), None);
        assert_eq!(parse_duration_s("1.5.3"), None);
        assert_eq!(parse_duration_s("1e3"), None);
        assert_eq!(parse_duration_s("-1.5"), None);
        assert_eq!(parse_duration_s("inf"), None);
        assert_eq!(parse_duration_s("1:75"), None);
        assert_eq!(parse_duration_s("PT"), None);
        assert_eq!(parse_duration_s("soon"), None);
        assert_eq!(parse_duration_s("0:00"), None);
        assert_eq!(parse_duration_s("PT99999999999999999999H2S"), None);
    }

    #[test]
    fn population_forms() {
        assert_eq!(parse_population("1 234"), Some(1234));
        assert_eq!(parse_population("1,234"), Some(1234));
        assert_eq!(parse_population("12.345"), Some(12345));
        assert_eq!(parse_population("987"), Some(987));
        assert_eq!(parse_population("0"), Some(0));
        assert_eq!(parse_population(""), None);
        assert_eq!(parse_population("approx. 50"), None);
        assert_eq!(parse_population("12.5"), None);
        assert_eq!(parse_population("1234,5"), None);
        assert_eq!(parse_population("-3"), None);
        assert_eq!(parse_population("18446744073709551615"), None);
    }

    #[test]
    fn access_and_class() {
        assert!(attrs(&[("highway", "primary")]).is_some());
        assert!(attrs(&[("highway", "footway")]).is_none());
        assert!(attrs(&[("highway", "residential"), ("access", "private")]).is_none());
        assert!(attrs(&[
            ("highway", "residential"),
            ("access", "no"),
            ("motorcar", "yes")
        ])
        .is_some());
        assert!(attrs(&[("highway", "service"), ("motor_vehicle", "destination")]).is_some());
        assert!(attrs(&[("highway", "service"), ("vehicle", "no")]).is_none());
        assert!(attrs(&[("highway", "pedestrian"), ("area", "yes")]).is_none());
        assert!(attrs(&[("highway", "track")]).is_none());
        assert!(attrs(&[("highway", "track"), ("motor_vehicle", "yes")]).is_some());
    }

    #[test]
    fn oneway_rules() {
        let dir = |p: &[(&'static str, &'static str)]| attrs(p).map(|a| a.direction);
        assert_eq!(
            dir(&[("highway", "primary"), ("oneway", "yes")]),
            Some(Direction::Forward)
        );
        assert_eq!(
            dir(&[("highway", "primary"), ("oneway", "-1")]),
            Some(Direction::Backward)
        );
        assert_eq!(dir(&[("highway", "motorway")]), Some(Direction::Forward));
        assert_eq!(
            dir(&[("highway", "motorway"), ("oneway", "no")]),
            Some(Direction::Both)
        );
        assert_eq!(
            dir(&[("highway", "tertiary"), ("junction", "roundabout")]),
            Some(Direction::Forward)
        );
        assert_eq!(
            dir(&[("highway", "primary"), ("oneway", "reversible")]),
            None
        );
        assert_eq!(
            dir(&[("highway", "primary"), ("oneway", "alternating")]),
            Some(Direction::Both)
        );
    }

    #[test]
    fn ferry_rules() {
        let ferry = attrs(&[
            ("route", "ferry"),
            ("motor_vehicle", "yes"),
            ("duration", "0:20"),
        ]);
        assert_eq!(
            ferry.map(|f| (f.is_ferry(), f.ferry_s)),
            Some((true, Some(1200)))
        );
        assert!(attrs(&[("route", "ferry")]).is_none());
        // route=ferry wins over highway: a ferry, or nothing.
        let with_highway = attrs(&[
            ("route", "ferry"),
            ("highway", "primary"),
            ("motor_vehicle", "yes"),
        ]);
        assert_eq!(with_highway.map(|f| f.is_ferry()), Some(true));
        assert!(attrs(&[("route", "ferry"), ("highway", "primary")]).is_none());
        for granted in GRANTED_ACCESS {
            let f = attrs(&[("route", "ferry"), ("motorcar", granted)]);
            assert_eq!(f.map(|f| f.is_ferry()), Some(true), "{granted}");
        }
        for other in ["no", "private", "delivery", "unknown", "discouraged"] {
            assert!(attrs(&[("route", "ferry"), ("motor_vehicle", other)]).is_none());
        }
        assert!(attrs(&[("route", "ferry"), ("access", "yes")]).is_none());
        assert!(attrs(&[("route", "ferry"), ("vehicle", "yes")]).is_none());
        assert!(attrs(&[
            ("route", "ferry"),
            ("motor_vehicle", "yes"),
            ("motorcar", "no")
        ])
        .is_none());
        assert!(attrs(&[
            ("route", "ferry"),
            ("motorcar", "yes"),
            ("tourism", "attraction")
        ])
        .is_none());
    }

    #[test]
    fn service_tags() {
        let service_kinds_of_tag = |k, v| Profile::default().service_kinds_of_tag(k, v);
        assert_eq!(
            service_kinds_of_tag("shop", "general"),
            ServiceKinds::GROCERY
        );
        assert_eq!(
            service_kinds_of_tag("amenity", "post_box"),
            ServiceKinds::EMPTY
        );
        assert_eq!(service_kinds_of_tag("shop", "chemist"), ServiceKinds::EMPTY);
        assert_eq!(service_kinds_of_tag("atm", "yes"), ServiceKinds::PAYMENT);
    }
}
