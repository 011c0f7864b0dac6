//! What a change would do: scenarios of closed and added points ([`scenario`]), which points
//! are a lifeline ([`vulnerability`]) and where new points help most ([`suggest`]).

pub mod plan;
pub mod scenario;
pub mod suggest;
pub mod vulnerability;
