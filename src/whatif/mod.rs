//! What a change would do: scenarios of closed and added points ([`scenario`]), which points
//! are a lifeline ([`vulnerability`]), how far each point is from the next of its kind
//! ([`screening`]) and where new points help most ([`suggest`]); [`plan`] gathers them for the
//! report's kommun pages, on one [`crate::analysis::fields::Snapped`] region.

pub mod plan;
pub mod scenario;
pub mod screening;
pub mod suggest;
pub mod vulnerability;
