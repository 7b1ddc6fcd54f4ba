//! Session security: TLS 1.3 with an ephemeral certificate, and the channel-bound code proof.
//!
//! Start from [`OneTimeCode`], [`tls::server_config`] / [`tls::client_config`] and
//! [`pake::prove_as_host`] / [`pake::prove_as_viewer`]. `SECURITY.md` explains the design.

mod code;
pub(crate) mod pake;
pub(crate) mod tls;

pub(crate) use code::OneTimeCode;

/// Everything that can go wrong while securing or authenticating a connection.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub(crate) enum AuthError {
    /// The two sides used different codes (or a man in the middle sat between them).
    #[error("the code did not match")]
    WrongCode,
    /// The host answered with a confirmation that does not match: not the host that made the
    /// code, or someone between the two.
    #[error("the host could not prove it knows the code; the connection may be intercepted")]
    HostNotProven,
    /// The host already has a viewer.
    #[error("the session already has a viewer; only one may watch")]
    Busy,
    /// The host's session is over.
    #[error("the session has ended; ask the customer to start a new one")]
    Ended,
    /// A code that is not nine digits.
    #[error("invalid code: {0}")]
    BadCode(String),
    /// A viewer name that cannot be shown safely.
    #[error("invalid viewer name: {0}")]
    BadName(String),
    /// Bytes that do not follow the proof protocol.
    #[error("protocol error during the code proof: {0}")]
    Protocol(String),
    /// The OS random generator failed; there is no fallback.
    #[error("the OS random generator failed: {0}")]
    Random(String),
    /// The ephemeral certificate could not be made.
    #[error("could not make the session certificate: {0}")]
    Certificate(String),
    /// rustls refused a configuration or the handshake.
    #[error("TLS: {0}")]
    Tls(#[from] rustls::Error),
    /// The connection failed.
    #[error("{0}")]
    Io(#[from] std::io::Error),
}
