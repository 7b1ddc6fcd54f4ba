//! The session rules of `meekijk share`, as a state machine without I/O (see [`HostSession`]).
//!
//! The tokio driver in `share` only moves bytes and lines; every decision — consent, one viewer,
//! a burned code, timeouts, control grants, flow control — is made here and unit-tested here.

mod machine;
#[cfg(test)]
mod tests;
mod types;

#[cfg(test)]
pub(crate) use machine::is_yes;
pub(crate) use machine::{Control, HostSession, State};
pub(crate) use types::{
    Action, ConnId, EndReason, Event, Limits, Question, ReceiptEntry, Refusal, ViewerEvent,
};
