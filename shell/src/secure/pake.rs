//! The code proof: SPAKE2 on the one-time code, bound to the TLS channel, with key confirmation.
//!
//! Messages, in order (all inside TLS 1.3):
//!
//! ```text
//! viewer → host   "MKJ1"  name_len:u8  name  spake2_A[33]
//! host → viewer   verdict:u8 (0 go on, 1 busy, 2 ended)  spake2_B[33] (only after 0)
//! viewer → host   mac_viewer[32]
//! host → viewer   verdict:u8 (0 proven, 3 wrong code)    mac_host[32] (only after 0)
//! ```
//!
//! `K` is the SPAKE2 key (Ed25519 group, identities `meekijk-viewer` = A, `meekijk-host` = B).
//! `T = SHA-256("meekijk-pake-v1" ‖ exporter ‖ name_len ‖ name ‖ spake2_A ‖ spake2_B)` where
//! `exporter` is 32 bytes of the TLS exporter with [`super::tls::EXPORTER_LABEL`].
//! `mac_role = HMAC-SHA256(K, role ‖ T)`. The viewer proves first, so the host never reveals
//! anything derived from `K` to a peer that has not proven the code. A man in the middle has
//! two TLS channels with different exporters, so honest MACs never verify across him; and the
//! SPAKE2 messages give an eavesdropper or a guesser nothing to test codes against offline.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use spake2::{Ed25519Group, Identity, Password, Spake2};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use super::{AuthError, OneTimeCode};

const MAGIC: &[u8; 4] = b"MKJ1";
/// Longest viewer name, in bytes of UTF-8.
pub(crate) const MAX_NAME_LEN: usize = 64;
const PAKE_MESSAGE_LEN: usize = 33;
const MAC_LEN: usize = 32;
const ID_VIEWER: &[u8] = b"meekijk-viewer";
const ID_HOST: &[u8] = b"meekijk-host";
const ROLE_VIEWER: &[u8] = b"meekijk viewer confirms";
const ROLE_HOST: &[u8] = b"meekijk host confirms";

const GO_ON: u8 = 0;
const BUSY: u8 = 1;
const ENDED: u8 = 2;
const WRONG_CODE: u8 = 3;

/// Why the host refuses a connection without running the proof.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refuse {
    /// Another viewer is connecting or connected.
    Busy,
    /// The session is over.
    Ended,
}

/// Checks a viewer name before it is sent or shown to the customer: 1 to 64 bytes, no control
/// characters (they could rewrite the customer's terminal) and no bidirectional overrides
/// (they could make one name look like another).
///
/// # Errors
/// [`AuthError::BadName`] saying which rule the name breaks.
pub(crate) fn check_viewer_name(name: &str) -> Result<(), AuthError> {
    if name.trim().is_empty() || name.len() > MAX_NAME_LEN {
        return Err(AuthError::BadName(format!(
            "{} bytes; expected 1 to {MAX_NAME_LEN} bytes of visible text",
            name.len()
        )));
    }
    let bidi = |c: char| matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
    if let Some(bad) = name.chars().find(|&c| c.is_control() || bidi(c)) {
        return Err(AuthError::BadName(format!(
            "contains {bad:?}; expected printable characters only"
        )));
    }
    Ok(())
}

fn transcript(exporter: &[u8; 32], name: &str, viewer_msg: &[u8], host_msg: &[u8]) -> [u8; 32] {
    let mut hash = Sha256::new();
    hash.update(b"meekijk-pake-v1");
    hash.update(exporter);
    hash.update([name.len() as u8]);
    hash.update(name.as_bytes());
    hash.update(viewer_msg);
    hash.update(host_msg);
    hash.finalize().into()
}

fn confirmation(key: &[u8], role: &[u8], transcript: &[u8; 32]) -> Hmac<Sha256> {
    // HMAC accepts keys of any length; this cannot fail.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(role);
    mac.update(transcript);
    mac
}

async fn read_array<const N: usize, S: AsyncRead + Unpin>(
    stream: &mut S,
) -> Result<[u8; N], AuthError> {
    let mut buf = [0u8; N];
    stream.read_exact(&mut buf).await?;
    Ok(buf)
}

/// The host's side of the proof on an established TLS stream; returns the viewer's name.
///
/// # Errors
/// [`AuthError::WrongCode`] when the viewer's confirmation does not match (the viewer is told
/// before this returns); [`AuthError::Protocol`] / [`AuthError::BadName`] / [`AuthError::Io`]
/// for a peer that does not follow the protocol.
pub(crate) async fn prove_as_host<S>(
    stream: &mut S,
    exporter: &[u8; 32],
    code: &OneTimeCode,
) -> Result<String, AuthError>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let magic: [u8; 4] = read_array(stream).await?;
    if &magic != MAGIC {
        return Err(AuthError::Protocol(format!(
            "greeting {magic:02x?}; expected {MAGIC:02x?} (\"MKJ1\")"
        )));
    }
    let [name_len] = read_array::<1, _>(stream).await?;
    let name_len = usize::from(name_len);
    if name_len == 0 || name_len > MAX_NAME_LEN {
        return Err(AuthError::BadName(format!(
            "{name_len} bytes; expected 1 to {MAX_NAME_LEN}"
        )));
    }
    let mut name = vec![0u8; name_len];
    stream.read_exact(&mut name).await?;
    let name = String::from_utf8(name)
        .map_err(|_| AuthError::BadName("not UTF-8; expected printable text".into()))?;
    check_viewer_name(&name)?;
    let viewer_msg: [u8; PAKE_MESSAGE_LEN] = read_array(stream).await?;

    let (spake, host_msg) = Spake2::<Ed25519Group>::start_b(
        &Password::new(code.password()),
        &Identity::new(ID_VIEWER),
        &Identity::new(ID_HOST),
    );
    let mut reply = Vec::with_capacity(1 + host_msg.len());
    reply.push(GO_ON);
    reply.extend_from_slice(&host_msg);
    stream.write_all(&reply).await?;
    stream.flush().await?;

    let key = spake
        .finish(&viewer_msg)
        .map_err(|e| AuthError::Protocol(format!("viewer's SPAKE2 message rejected: {e:?}")))?;
    let t = transcript(exporter, &name, &viewer_msg, &host_msg);
    let viewer_mac: [u8; MAC_LEN] = read_array(stream).await?;
    if confirmation(&key, ROLE_VIEWER, &t)
        .verify_slice(&viewer_mac)
        .is_err()
    {
        stream.write_all(&[WRONG_CODE]).await?;
        stream.flush().await?;
        return Err(AuthError::WrongCode);
    }
    let host_mac = confirmation(&key, ROLE_HOST, &t).finalize().into_bytes();
    let mut proven = Vec::with_capacity(1 + MAC_LEN);
    proven.push(GO_ON);
    proven.extend_from_slice(&host_mac);
    stream.write_all(&proven).await?;
    stream.flush().await?;
    Ok(name)
}

/// The viewer's side of the proof on an established TLS stream.
///
/// # Errors
/// [`AuthError::Busy`] / [`AuthError::Ended`] when the host refuses; [`AuthError::WrongCode`]
/// when the host says the code was wrong; [`AuthError::HostNotProven`] when the host's
/// confirmation does not match (an interceptor, or a host with a different code).
pub(crate) async fn prove_as_viewer<S>(
    stream: &mut S,
    exporter: &[u8; 32],
    code: &OneTimeCode,
    name: &str,
) -> Result<(), AuthError>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    check_viewer_name(name)?;
    let (spake, viewer_msg) = Spake2::<Ed25519Group>::start_a(
        &Password::new(code.password()),
        &Identity::new(ID_VIEWER),
        &Identity::new(ID_HOST),
    );
    let mut hello = Vec::with_capacity(5 + name.len() + viewer_msg.len());
    hello.extend_from_slice(MAGIC);
    hello.push(name.len() as u8);
    hello.extend_from_slice(name.as_bytes());
    hello.extend_from_slice(&viewer_msg);
    stream.write_all(&hello).await?;
    stream.flush().await?;

    match read_array::<1, _>(stream).await? {
        [GO_ON] => {}
        [BUSY] => return Err(AuthError::Busy),
        [ENDED] => return Err(AuthError::Ended),
        [other] => {
            return Err(AuthError::Protocol(format!(
                "host verdict {other}; expected 0, 1 or 2"
            )))
        }
    }
    let host_msg: [u8; PAKE_MESSAGE_LEN] = read_array(stream).await?;
    let key = spake
        .finish(&host_msg)
        .map_err(|e| AuthError::Protocol(format!("host's SPAKE2 message rejected: {e:?}")))?;
    let t = transcript(exporter, name, &viewer_msg, &host_msg);
    let viewer_mac = confirmation(&key, ROLE_VIEWER, &t).finalize().into_bytes();
    stream.write_all(&viewer_mac).await?;
    stream.flush().await?;

    match read_array::<1, _>(stream).await? {
        [GO_ON] => {}
        [WRONG_CODE] => return Err(AuthError::WrongCode),
        [other] => {
            return Err(AuthError::Protocol(format!(
                "host verdict {other}; expected 0 or 3"
            )))
        }
    }
    let host_mac: [u8; MAC_LEN] = read_array(stream).await?;
    confirmation(&key, ROLE_HOST, &t)
        .verify_slice(&host_mac)
        .map_err(|_| AuthError::HostNotProven)
}

/// Refuses a connection politely: reads the viewer's greeting (so closing does not reset the
/// connection before the verdict arrives), sends the verdict and closes.
///
/// # Errors
/// [`AuthError::Io`] if the peer is gone.
pub(crate) async fn refuse<S>(stream: &mut S, why: Refuse) -> Result<(), AuthError>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let mut greeting = [0u8; 4 + 1 + MAX_NAME_LEN + PAKE_MESSAGE_LEN];
    let _ = stream.read(&mut greeting).await?;
    let verdict = match why {
        Refuse::Busy => BUSY,
        Refuse::Ended => ENDED,
    };
    stream.write_all(&[verdict]).await?;
    stream.shutdown().await?;
    Ok(())
}

#[cfg(test)]
mod tests;
