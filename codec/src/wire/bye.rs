//! `Bye`, the last message of a session; both sides send the same form.

use super::reader::{put_text, read_text, Codec, Reader};
use super::MAX_TEXT_LEN;
use crate::{Error, Result};

/// Why a session ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ByeReason {
    /// A person ended it (the customer pressed `q`, the viewer closed the window).
    Ended = 0,
    /// The session reached its maximum length, or the code expired.
    Expired = 1,
    /// The customer refused (to be watched, or a control request).
    Refused = 2,
    /// The peer sent something this side could not accept.
    ProtocolError = 3,
    /// Authentication of the session code failed.
    AuthFailed = 4,
    /// This side hit an internal failure (capture, encoder…).
    Internal = 5,
}

impl ByeReason {
    fn from_code(code: u8) -> Result<Self> {
        Ok(match code {
            0 => ByeReason::Ended,
            1 => ByeReason::Expired,
            2 => ByeReason::Refused,
            3 => ByeReason::ProtocolError,
            4 => ByeReason::AuthFailed,
            5 => ByeReason::Internal,
            _ => {
                return Err(Error::WireInvalid {
                    what: "Bye reason",
                    value: code.into(),
                    expected: "0 Ended, 1 Expired, 2 Refused, 3 ProtocolError, 4 AuthFailed or \
                               5 Internal",
                })
            }
        })
    }
}

/// The end of a session: a machine-readable reason and a short human-readable text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bye {
    /// Why.
    pub reason: ByeReason,
    /// Details for the person on the other side, at most [`MAX_TEXT_LEN`] bytes of UTF-8.
    pub text: String,
}

impl Codec for Bye {
    fn encode(&self, out: &mut Vec<u8>) -> Result<()> {
        out.push(self.reason as u8);
        put_text(out, "Bye text", &self.text, MAX_TEXT_LEN)
    }

    fn read(r: &mut Reader<'_>) -> Result<Self> {
        let reason = ByeReason::from_code(r.u8("Bye reason")?)?;
        let text = read_text(r, "Bye text", MAX_TEXT_LEN)?;
        Ok(Bye { reason, text })
    }
}
