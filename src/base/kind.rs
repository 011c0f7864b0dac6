//! Kinds of service as data. The five built-in kinds (grocery, fuel, post, pharmacy, payment)
//! are always there, first and in that order; a project's settings may add its own (EV
//! charging, a Systembolag agent, full-range grocery apart from kiosks, ...), each with its
//! tags, threshold and label. A run's kinds are one [`Kinds`] catalogue, carried by the
//! reading profile and the region; a [`ServiceKind`] is a position in it, with its name.
//!
//! A kind's name is its column prefix (`ev_charging_km`, `ev_charging_min`, ...), so it is
//! lower-case ASCII letters, digits and `_`, starting with a letter ([`check_kind_name`]).
//! Names are interned for the life of the process (a handful per settings file, each kept
//! once), so a kind stays `Copy` and names itself without its catalogue.

use std::collections::BTreeSet;
use std::fmt;
use std::sync::{Mutex, OnceLock, PoisonError};

/// The most kinds a run may have, built-in ones included (one bit each in [`ServiceKinds`]).
pub const MAX_KINDS: usize = 32;

/// The longest kind name accepted, in bytes.
pub const MAX_KIND_NAME: usize = 40;

/// One kind of basic service: its position in the run's [`Kinds`] and its name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ServiceKind {
    index: u8,
    name: &'static str,
}

impl ServiceKind {
    /// Grocery (dagligvaror).
    pub const GROCERY: ServiceKind = ServiceKind::built_in(0, "grocery");
    /// Fuel (drivmedel).
    pub const FUEL: ServiceKind = ServiceKind::built_in(1, "fuel");
    /// Post and parcel agents.
    pub const POST: ServiceKind = ServiceKind::built_in(2, "post");
    /// Pharmacy and pharmacy agents.
    pub const PHARMACY: ServiceKind = ServiceKind::built_in(3, "pharmacy");
    /// Cash withdrawal and payment services (betaltjänster).
    pub const PAYMENT: ServiceKind = ServiceKind::built_in(4, "payment");

    /// The five built-in kinds, in output order: the first five of every [`Kinds`].
    pub const BUILT_IN: [ServiceKind; 5] = [
        ServiceKind::GROCERY,
        ServiceKind::FUEL,
        ServiceKind::POST,
        ServiceKind::PHARMACY,
        ServiceKind::PAYMENT,
    ];

    const fn built_in(index: u8, name: &'static str) -> Self {
        ServiceKind { index, name }
    }

    /// The kind's position in its run's [`Kinds`] (0 for grocery, ..., 4 for payment, then
    /// the project's own kinds): the index of its entry in every per-kind list.
    pub fn index(self) -> usize {
        usize::from(self.index)
    }

    /// The kind's name in outputs (`grocery`, `fuel`, ..., `ev_charging`).
    pub fn name(self) -> &'static str {
        self.name
    }

    /// Whether it is one of the five built-in kinds.
    pub fn is_built_in(self) -> bool {
        self.index() < Self::BUILT_IN.len()
    }

    /// The built-in kind with this name.
    pub fn built_in_named(name: &str) -> Option<Self> {
        Self::BUILT_IN.into_iter().find(|k| k.name == name)
    }
}

impl fmt::Display for ServiceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

/// A set of kinds, one bit per [`ServiceKind::index`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct ServiceKinds(u32);

impl ServiceKinds {
    /// No kind.
    pub const EMPTY: Self = ServiceKinds(0);
    /// Grocery only.
    pub const GROCERY: Self = ServiceKinds(1);
    /// Fuel only.
    pub const FUEL: Self = ServiceKinds(2);
    /// Post only.
    pub const POST: Self = ServiceKinds(4);
    /// Pharmacy only.
    pub const PHARMACY: Self = ServiceKinds(8);
    /// Payment only.
    pub const PAYMENT: Self = ServiceKinds(16);

    /// The set holding just `kind`.
    pub fn of(kind: ServiceKind) -> Self {
        ServiceKinds(1 << kind.index)
    }

    /// The set whose bits are `bits` (bit `k` for the kind of index `k`).
    pub fn from_bits(bits: u32) -> Self {
        ServiceKinds(bits)
    }

    /// The set's bits (bit `k` for the kind of index `k`).
    pub fn bits(self) -> u32 {
        self.0
    }

    /// Whether `kind` is in the set.
    pub fn contains(self, kind: ServiceKind) -> bool {
        self.0 & Self::of(kind).0 != 0
    }

    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// How many kinds the set holds.
    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    /// The indices of the kinds in the set, in increasing order.
    pub fn indices(self) -> impl Iterator<Item = usize> {
        (0..32).filter(move |k| self.0 & (1 << k) != 0)
    }

    /// The kinds of `self` that are not in `other`.
    pub fn without(self, other: Self) -> Self {
        ServiceKinds(self.0 & !other.0)
    }

    /// The kinds of `self` that are also in `other`.
    pub fn and(self, other: Self) -> Self {
        ServiceKinds(self.0 & other.0)
    }
}

impl std::ops::BitOr for ServiceKinds {
    type Output = Self;
    fn bitor(self, rhs: Self) -> Self {
        ServiceKinds(self.0 | rhs.0)
    }
}

impl std::ops::BitOrAssign for ServiceKinds {
    fn bitor_assign(&mut self, rhs: Self) {
        self.0 |= rhs.0;
    }
}

/// Why a kind cannot be added to a [`Kinds`] catalogue.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum KindError {
    /// A name that cannot be a column prefix.
    #[error(
        "{name:?} cannot name a kind: use lower-case letters, digits and `_`, starting with a \
         letter, at most {MAX_KIND_NAME} characters (e.g. `ev_charging`)"
    )]
    BadName {
        /// The name as given.
        name: String,
    },
    /// A name the catalogue has already.
    #[error("kind `{name}` is defined already{}", if ServiceKind::built_in_named(name).is_some() {
        " (a built-in kind: change its tags in [services] and its threshold in [thresholds])"
    } else { "" })]
    Repeated {
        /// The name.
        name: String,
    },
    /// One kind more than [`MAX_KINDS`].
    #[error("at most {MAX_KINDS} kinds in all (the five built-in ones included)")]
    TooMany,
}

/// A name that is none of a catalogue's kinds: the message offers the closest kind, or lists
/// the kinds when none is close.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", match closest {
    Some(k) => format!("unknown kind `{name}`: did you mean `{k}`?"),
    None => format!("unknown kind `{name}` (kinds: {known})"),
})]
pub struct UnknownKind {
    /// The name as given.
    pub name: String,
    /// The kind whose name is closest to it, if one is close.
    pub closest: Option<ServiceKind>,
    /// The catalogue's kind names, comma-separated.
    pub known: String,
}

/// Checks that `name` can name a kind: `[a-z][a-z0-9_]*`, at most [`MAX_KIND_NAME`] bytes.
///
/// # Errors
/// [`KindError::BadName`] otherwise.
pub fn check_kind_name(name: &str) -> Result<(), KindError> {
    let mut bytes = name.bytes();
    let first_ok = bytes.next().is_some_and(|b| b.is_ascii_lowercase());
    let rest_ok = bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if first_ok && rest_ok && name.len() <= MAX_KIND_NAME {
        Ok(())
    } else {
        Err(KindError::BadName {
            name: name.to_owned(),
        })
    }
}

/// The one `&'static str` for a kind name, kept for the life of the process.
fn intern(name: &str) -> &'static str {
    if let Some(kind) = ServiceKind::built_in_named(name) {
        return kind.name;
    }
    static NAMES: OnceLock<Mutex<BTreeSet<&'static str>>> = OnceLock::new();
    let mut names = NAMES
        .get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    if let Some(known) = names.get(name) {
        return known;
    }
    let kept: &'static str = Box::leak(name.to_owned().into_boxed_str());
    names.insert(kept);
    kept
}

/// A run's kinds, in output order: the five built-in kinds, then the project's own in the
/// order added, each with the label the report and tables show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Kinds {
    kinds: Vec<ServiceKind>,
    labels: Vec<String>,
}

impl Default for Kinds {
    /// The five built-in kinds.
    fn default() -> Self {
        let labels = [
            "Grocery",
            "Fuel",
            "Post and parcels",
            "Pharmacy",
            "Cash and payment",
        ];
        Kinds {
            kinds: ServiceKind::BUILT_IN.to_vec(),
            labels: labels.map(str::to_owned).to_vec(),
        }
    }
}

impl Kinds {
    /// Adds a kind after the others; its label is `label` or, without one, its name with
    /// spaces for `_` and a capital first letter (`ev_charging` → `Ev charging`).
    ///
    /// # Errors
    /// [`KindError`] for a bad or repeated name or one kind too many.
    pub fn add(&mut self, name: &str, label: Option<&str>) -> Result<ServiceKind, KindError> {
        check_kind_name(name)?;
        if self.named(name).is_some() {
            return Err(KindError::Repeated {
                name: name.to_owned(),
            });
        }
        if self.kinds.len() >= MAX_KINDS {
            return Err(KindError::TooMany);
        }
        let kind = ServiceKind {
            index: self.kinds.len() as u8,
            name: intern(name),
        };
        let label = label
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map_or_else(|| label_of_name(name), str::to_owned);
        self.kinds.push(kind);
        self.labels.push(label);
        Ok(kind)
    }

    /// The kinds, in output order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = ServiceKind> + '_ {
        self.kinds.iter().copied()
    }

    /// The kinds as a slice, in output order.
    pub fn as_slice(&self) -> &[ServiceKind] {
        &self.kinds
    }

    /// How many kinds there are (at least the five built-in ones).
    pub fn len(&self) -> usize {
        self.kinds.len()
    }

    /// Always `false`: a catalogue holds the five built-in kinds at least.
    pub fn is_empty(&self) -> bool {
        self.kinds.is_empty()
    }

    /// The kind at `index`.
    pub fn get(&self, index: usize) -> Option<ServiceKind> {
        self.kinds.get(index).copied()
    }

    /// The kind named `name` (exactly).
    pub fn named(&self, name: &str) -> Option<ServiceKind> {
        self.kinds.iter().copied().find(|k| k.name == name)
    }

    /// The kind named `name`, case and surrounding spaces aside, or (as the error) the kind
    /// closest to it in spelling, if one is close.
    ///
    /// # Errors
    /// `Err(Some(kind))` with the closest kind, `Err(None)` when none is close.
    pub fn find(&self, name: &str) -> Result<ServiceKind, Option<ServiceKind>> {
        self.named(&name.trim().to_lowercase()).ok_or_else(|| {
            crate::base::name::closest_name(name, self.kinds.iter().map(|k| k.name))
                .and_then(|n| self.named(n))
        })
    }

    /// The kind named `name`, case and surrounding spaces aside.
    ///
    /// # Errors
    /// [`UnknownKind`] (boxed: errors stay small) with the closest kind or the list of kinds.
    pub fn resolve(&self, name: &str) -> Result<ServiceKind, Box<UnknownKind>> {
        self.find(name).map_err(|closest| {
            Box::new(UnknownKind {
                name: name.to_owned(),
                closest,
                known: self.names(),
            })
        })
    }

    /// The kinds' names, in output order, comma-separated (for messages).
    pub fn names(&self) -> String {
        let names: Vec<&str> = self.kinds.iter().map(|k| k.name).collect();
        names.join(", ")
    }

    /// The label of `kind`, or its name for a kind of another catalogue.
    pub fn label(&self, kind: ServiceKind) -> &str {
        self.labels
            .get(kind.index())
            .map_or(kind.name, String::as_str)
    }

    /// Every kind of the catalogue, as a set.
    pub fn all(&self) -> ServiceKinds {
        self.kinds
            .iter()
            .fold(ServiceKinds::EMPTY, |s, &k| s | ServiceKinds::of(k))
    }

    /// The kinds of `set`, in output order.
    pub fn of(&self, set: ServiceKinds) -> impl Iterator<Item = ServiceKind> + '_ {
        self.iter().filter(move |k| set.contains(*k))
    }

    /// The project's own kinds (after the five built-in ones).
    pub fn own(&self) -> &[ServiceKind] {
        &self.kinds[ServiceKind::BUILT_IN.len().min(self.kinds.len())..]
    }
}

impl std::ops::Index<usize> for Kinds {
    type Output = ServiceKind;
    fn index(&self, index: usize) -> &ServiceKind {
        &self.kinds[index]
    }
}

/// `ev_charging` → `Ev charging`.
fn label_of_name(name: &str) -> String {
    let spaced = name.replace('_', " ");
    let mut chars = spaced.chars();
    chars.next().map_or_else(String::new, |c| {
        c.to_ascii_uppercase().to_string() + chars.as_str()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_kinds_come_first_in_order() {
        let kinds = Kinds::default();
        assert_eq!(kinds.as_slice(), ServiceKind::BUILT_IN);
        for (i, k) in kinds.iter().enumerate() {
            assert_eq!(k.index(), i);
            assert!(k.is_built_in());
            assert_eq!(kinds.named(k.name()), Some(k));
        }
        assert_eq!(kinds.label(ServiceKind::POST), "Post and parcels");
        assert_eq!(kinds.all().len(), 5);
    }

    #[test]
    fn added_kinds_follow_with_their_names_and_labels() {
        let mut kinds = Kinds::default();
        let ev = kinds
            .add("ev_charging", None)
            .unwrap_or_else(|e| panic!("{e}"));
        let sb = kinds
            .add("systembolag", Some(" Systembolaget agent "))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((ev.index(), sb.index()), (5, 6));
        assert!(!ev.is_built_in());
        assert_eq!(kinds.label(ev), "Ev charging");
        assert_eq!(kinds.label(sb), "Systembolaget agent");
        assert_eq!(kinds.own(), [ev, sb]);
        assert_eq!(kinds.find(" EV_Charging"), Ok(ev));
        assert_eq!(kinds.find("ev_chargng"), Err(Some(ev)));
        assert_eq!(kinds.find("library"), Err(None));
        // The same name in another catalogue is the same string, kept once.
        let mut other = Kinds::default();
        let again = other
            .add("ev_charging", None)
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(std::ptr::eq(ev.name(), again.name()));
        let set = ServiceKinds::of(sb) | ServiceKinds::GROCERY;
        assert_eq!(
            kinds.of(set).collect::<Vec<_>>(),
            [ServiceKind::GROCERY, sb]
        );
    }

    #[test]
    fn bad_repeated_and_too_many_kinds_are_refused() {
        let mut kinds = Kinds::default();
        for bad in [
            "",
            "EV",
            "1st",
            "ev-charging",
            "ev charging",
            "å",
            &"a".repeat(41),
        ] {
            assert!(
                matches!(kinds.add(bad, None), Err(KindError::BadName { .. })),
                "{bad:?}"
            );
        }
        assert!(matches!(
            kinds.add("grocery", None),
            Err(KindError::Repeated { .. })
        ));
        let message = match kinds.add("grocery", None) {
            Ok(_) => panic!("grocery added twice"),
            Err(e) => e.to_string(),
        };
        assert!(message.contains("[services]"), "{message}");
        for i in 5..MAX_KINDS {
            kinds
                .add(&format!("k{i}"), None)
                .unwrap_or_else(|e| panic!("{e}"));
        }
        assert_eq!(kinds.add("one_more", None), Err(KindError::TooMany));
        assert_eq!(kinds.all().bits(), u32::MAX);
    }
}
