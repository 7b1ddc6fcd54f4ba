//! Frame header (magic, version, type, length) and the streaming helpers that cut frames off a
//! growing receive buffer without ever reading more than one bounded frame.

use bytes::{Bytes, BytesMut};

use super::reader::{check_limit, Reader};
use super::{HEADER_LEN, MAGIC, MAX_MESSAGE_LEN, VERSION};
use crate::{Error, Result};

/// The fixed 8-byte header in front of every message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Header {
    /// Message type byte.
    pub(crate) tag: u8,
    /// Payload bytes after the header.
    pub(crate) len: u32,
}

impl Header {
    /// Parses and checks the header at the start of `buf` (which must hold [`HEADER_LEN`] bytes).
    fn parse(buf: &[u8; HEADER_LEN]) -> Result<Self> {
        let found = [buf[0], buf[1]];
        if found != MAGIC {
            return Err(Error::WireBadMagic { found });
        }
        if buf[2] != VERSION {
            return Err(Error::WireVersion {
                found: buf[2],
                expected: VERSION,
            });
        }
        let len = u32::from_be_bytes([buf[4], buf[5], buf[6], buf[7]]);
        check_limit("message length", len.into(), MAX_MESSAGE_LEN.into())?;
        Ok(Self { tag: buf[3], len })
    }
}

/// Size of the first frame in `buf` (header + payload), once its header has arrived.
///
/// `Ok(None)`: fewer than [`HEADER_LEN`] bytes so far; read more. `Ok(Some(n))`: the frame is
/// `n` bytes long (at most `HEADER_LEN + MAX_MESSAGE_LEN`), so a reader never needs to buffer
/// more than that; once `buf.len() >= n`, `buf[..n]` is the complete frame.
///
/// # Errors
/// [`Error::WireBadMagic`], [`Error::WireVersion`] or [`Error::WireLimit`] when the header is not
/// one this build accepts; the stream cannot be resynchronised and should be closed.
pub fn frame_len(buf: &[u8]) -> Result<Option<usize>> {
    let Some(head) = buf.first_chunk::<HEADER_LEN>() else {
        return Ok(None);
    };
    let header = Header::parse(head)?;
    Ok(Some(HEADER_LEN + header.len as usize))
}

/// Splits the first complete frame off the front of `buf`, without copying it.
///
/// Returns `Ok(None)` (leaving `buf` untouched) until the whole frame has arrived. Feed the
/// result to [`super::HostMessage::decode`] or [`super::ViewerMessage::decode`].
///
/// # Errors
/// As [`frame_len`], as soon as the header is readable, even before the payload has arrived.
pub fn take_frame(buf: &mut BytesMut) -> Result<Option<Bytes>> {
    match frame_len(buf)? {
        Some(len) if buf.len() >= len => Ok(Some(buf.split_to(len).freeze())),
        _ => Ok(None),
    }
}

/// Checks the header of one complete frame and returns its type byte and payload.
///
/// # Errors
/// Header errors as in [`frame_len`]; [`Error::WireTruncated`] when the frame is shorter than
/// its header says, [`Error::WireTrailingBytes`] when it is longer.
pub(crate) fn open_frame(frame: &Bytes) -> Result<(u8, Bytes)> {
    let mut r = Reader::new(frame);
    let head = r.array::<HEADER_LEN>("frame header")?;
    let header = Header::parse(&head)?;
    let payload = r.take_bytes(header.len as usize, "message payload")?;
    r.finish("frame")?;
    Ok((header.tag, payload))
}

/// Appends a frame: header, then whatever `payload` writes, then patches the length in.
///
/// On error `out` is left as it was, so a failed message never leaves half a frame behind.
///
/// # Errors
/// Whatever `payload` returns, or [`Error::WireLimit`] when the payload exceeds
/// [`MAX_MESSAGE_LEN`].
pub(crate) fn write_frame(
    out: &mut Vec<u8>,
    tag: u8,
    payload: impl FnOnce(&mut Vec<u8>) -> Result<()>,
) -> Result<()> {
    let start = out.len();
    out.extend_from_slice(&MAGIC);
    out.extend_from_slice(&[VERSION, tag, 0, 0, 0, 0]);
    let written = payload(out).and_then(|()| {
        let len = out.len() - start - HEADER_LEN;
        check_limit("message length", len as u64, MAX_MESSAGE_LEN.into())?;
        Ok(len as u32)
    });
    match written {
        Ok(len) => {
            out[start + 4..start + HEADER_LEN].copy_from_slice(&len.to_be_bytes());
            Ok(())
        }
        Err(e) => {
            out.truncate(start);
            Err(e)
        }
    }
}
