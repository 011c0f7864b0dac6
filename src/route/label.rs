//! The `(cost, source)` label every search of the crate keeps per node, packed in one integer.

/// A `(cost, source)` pair packed as `cost << 32 | source`, so that comparing labels is one
/// integer comparison (cost first, then the lower source wins) and reading or writing one is
/// one memory access. [`Label::NONE`], above every other label, marks a node that reaches no
/// source.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(transparent)]
pub struct Label(u64);

impl Label {
    /// No label: the node reaches no source.
    pub const NONE: Label = Label(u64::MAX);

    /// The label of `source` at `cost`.
    pub const fn new(cost: u32, source: u32) -> Label {
        Label(((cost as u64) << 32) | source as u64)
    }

    /// The label of packed bits (as [`Label::bits`] gives them).
    pub const fn from_bits(bits: u64) -> Label {
        Label(bits)
    }

    /// The packed bits.
    pub const fn bits(self) -> u64 {
        self.0
    }

    /// `(cost, source)`, `None` for [`Label::NONE`].
    pub fn get(self) -> Option<(u32, u32)> {
        (self != Label::NONE).then_some((self.cost(), self.source()))
    }

    /// The cost part.
    pub const fn cost(self) -> u32 {
        (self.0 >> 32) as u32
    }

    /// The source part.
    pub const fn source(self) -> u32 {
        self.0 as u32
    }

    /// The label carried over one arc of weight `w` (cost saturating): [`Label::NONE`] stays
    /// none.
    pub fn plus(self, w: u32) -> Label {
        if self == Label::NONE {
            self
        } else {
            Label::new(self.cost().saturating_add(w), self.source())
        }
    }
}

impl From<Option<(u32, u32)>> for Label {
    fn from(l: Option<(u32, u32)>) -> Label {
        l.map_or(Label::NONE, |(c, s)| Label::new(c, s))
    }
}
