//! The wire's primitive layer: a bounds-checked [`Reader`] over a `Bytes` buffer, the [`Codec`]
//! trait every message part implements, and the shared limit checks.
//!
//! Modelled on rustls' `msgs/codec.rs`: every read names what it reads so a short buffer becomes
//! an error that says which field was cut off; payloads come out as `Bytes` slices of the input
//! (no copy). All integers are big-endian (network order).

use bytes::Bytes;

use crate::{Error, Rect, Result, MAX_DIMENSION};

/// Reads fields off a message payload, front to back, never past its end.
pub(crate) struct Reader<'a> {
    buf: &'a Bytes,
    pos: usize,
}

impl<'a> Reader<'a> {
    /// A reader at the start of `buf`.
    pub(crate) fn new(buf: &'a Bytes) -> Self {
        Self { buf, pos: 0 }
    }

    /// Bytes not read yet.
    pub(crate) fn left(&self) -> usize {
        self.buf.len() - self.pos
    }

    /// The next `len` bytes, borrowed.
    pub(crate) fn take(&mut self, len: usize, what: &'static str) -> Result<&'a [u8]> {
        let available = self.left();
        if len > available {
            return Err(Error::WireTruncated {
                what,
                needed: len,
                available,
            });
        }
        let start = self.pos;
        self.pos += len;
        Ok(&self.buf[start..self.pos])
    }

    /// The next `len` bytes as a zero-copy slice of the input buffer.
    pub(crate) fn take_bytes(&mut self, len: usize, what: &'static str) -> Result<Bytes> {
        let start = self.pos;
        self.take(len, what)?;
        Ok(self.buf.slice(start..self.pos))
    }

    /// The next `N` bytes as an array.
    pub(crate) fn array<const N: usize>(&mut self, what: &'static str) -> Result<[u8; N]> {
        let mut out = [0; N];
        out.copy_from_slice(self.take(N, what)?);
        Ok(out)
    }

    pub(crate) fn u8(&mut self, what: &'static str) -> Result<u8> {
        Ok(self.array::<1>(what)?[0])
    }

    pub(crate) fn u16(&mut self, what: &'static str) -> Result<u16> {
        self.array(what).map(u16::from_be_bytes)
    }

    pub(crate) fn i16(&mut self, what: &'static str) -> Result<i16> {
        self.array(what).map(i16::from_be_bytes)
    }

    pub(crate) fn u32(&mut self, what: &'static str) -> Result<u32> {
        self.array(what).map(u32::from_be_bytes)
    }

    pub(crate) fn u64(&mut self, what: &'static str) -> Result<u64> {
        self.array(what).map(u64::from_be_bytes)
    }

    /// A LEB128 varint (seven bits per byte, low first) in its one shortest form: at most ten
    /// bytes, no zero high byte, nothing past 64 bits.
    pub(crate) fn varint(&mut self, what: &'static str) -> Result<u64> {
        let (mut value, mut shift) = (0u64, 0);
        loop {
            let byte = self.u8(what)?;
            // A zero byte after the first adds nothing (a longer form of a shorter varint);
            // the tenth byte holds bit 63 only, so it must be 0 or 1 and ends the varint.
            if (shift > 0 && byte == 0) || (shift == 63 && byte > 1) {
                return Err(Error::WireInvalid {
                    what,
                    value: byte.into(),
                    expected: "a varint in its shortest form, at most 64 bits",
                });
            }
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
            shift += 7;
        }
    }

    /// Errors unless every byte was read: trailing garbage is never silently ignored.
    pub(crate) fn finish(&self, what: &'static str) -> Result<()> {
        match self.left() {
            0 => Ok(()),
            extra => Err(Error::WireTrailingBytes { what, extra }),
        }
    }
}

/// One part of a message with a single canonical byte form.
///
/// `encode` checks the same invariants as `read`, so anything that encodes also decodes, and
/// `read` accepts exactly one byte form per value (`encode(read(x)) == x`).
pub(crate) trait Codec: Sized {
    /// Appends the canonical bytes of `self`.
    ///
    /// # Errors
    /// When the value breaks a wire limit (it would be rejected by the peer).
    fn encode(&self, out: &mut Vec<u8>) -> Result<()>;

    /// Reads one value.
    ///
    /// # Errors
    /// On truncation, impossible values or values past the limits.
    fn read(r: &mut Reader<'_>) -> Result<Self>;
}

/// Errors when `len` is above `max`.
pub(crate) fn check_limit(what: &'static str, len: u64, max: u64) -> Result<()> {
    if len > max {
        return Err(Error::WireLimit { what, len, max });
    }
    Ok(())
}

/// Errors when `value` is not in `1..=max`: zero is [`Error::WireInvalid`], above `max`
/// [`Error::WireLimit`] (whose message names `max`).
pub(crate) fn check_count(what: &'static str, value: u64, max: u64) -> Result<()> {
    if value == 0 {
        return Err(Error::WireInvalid {
            what,
            value,
            expected: "at least 1",
        });
    }
    check_limit(what, value, max)
}

/// A rect must hold pixels and lie within the largest possible screen.
pub(crate) fn check_rect(what: &'static str, rect: Rect) -> Result<()> {
    if rect.is_empty() {
        return Err(Error::WireEmptyRect { what, rect });
    }
    if !rect.fits_in(MAX_DIMENSION, MAX_DIMENSION) {
        return Err(Error::WireRectOutOfRange {
            what,
            rect,
            max: MAX_DIMENSION,
        });
    }
    Ok(())
}

/// A point must lie on the largest possible screen.
pub(crate) fn check_point(what: &'static str, x: u32, y: u32) -> Result<()> {
    check_rect(what, Rect::new(x, y, 1, 1))
}

/// Reads a length-prefixed (u16) UTF-8 text of at most `max` bytes.
pub(crate) fn read_text(r: &mut Reader<'_>, what: &'static str, max: usize) -> Result<String> {
    let len = r.u16(what)? as usize;
    check_limit(what, len as u64, max as u64)?;
    let raw = r.take(len, what)?;
    match std::str::from_utf8(raw) {
        Ok(text) => Ok(text.to_owned()),
        Err(e) => Err(Error::WireUtf8 {
            what,
            valid_up_to: e.valid_up_to(),
        }),
    }
}

/// Checks and writes a length-prefixed (u16) text of at most `max` bytes.
pub(crate) fn put_text(
    out: &mut Vec<u8>,
    what: &'static str,
    text: &str,
    max: usize,
) -> Result<()> {
    check_limit(what, text.len() as u64, max as u64)?;
    // `max` is below u16::MAX (checked where the limits are defined), so this cannot truncate.
    out.extend_from_slice(&(text.len() as u16).to_be_bytes());
    out.extend_from_slice(text.as_bytes());
    Ok(())
}
