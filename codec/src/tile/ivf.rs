//! A minimal IVF writer: wraps AV1 temporal units so standard tools (dav1d, ffmpeg) read them.
//!
//! IVF is a 32-byte file header followed by one 12-byte header per frame; all fields are
//! little-endian. Used to check tiles with an independent decoder and to dump tiles for
//! inspection.

use crate::{Error, Result};

/// Bytes of the IVF file header.
pub const FILE_HEADER_LEN: usize = 32;
/// Bytes of each IVF frame header.
pub const FRAME_HEADER_LEN: usize = 12;

/// Appends an IVF file header for an AV1 stream of `frames` frames of `width`×`height`
/// at 30 frames per second.
///
/// # Errors
/// [`Error::TooLarge`] when a dimension does not fit IVF's 16-bit fields.
pub fn write_file_header(out: &mut Vec<u8>, width: u32, height: u32, frames: u32) -> Result<()> {
    let (Ok(w), Ok(h)) = (u16::try_from(width), u16::try_from(height)) else {
        return Err(Error::TooLarge {
            width,
            height,
            max: u16::MAX as u32,
        });
    };
    out.extend_from_slice(b"DKIF");
    out.extend_from_slice(&0u16.to_le_bytes()); // version
    out.extend_from_slice(&(FILE_HEADER_LEN as u16).to_le_bytes());
    out.extend_from_slice(b"AV01");
    out.extend_from_slice(&w.to_le_bytes());
    out.extend_from_slice(&h.to_le_bytes());
    out.extend_from_slice(&30u32.to_le_bytes()); // time base denominator (rate)
    out.extend_from_slice(&1u32.to_le_bytes()); // time base numerator (scale)
    out.extend_from_slice(&frames.to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes()); // unused
    Ok(())
}

/// Appends one frame (an AV1 temporal unit) with presentation time `pts`.
///
/// # Errors
/// [`Error::TooLarge`] when the frame is longer than IVF's 32-bit size field.
pub fn write_frame(out: &mut Vec<u8>, pts: u64, frame: &[u8]) -> Result<()> {
    let len = u32::try_from(frame.len()).map_err(|_| Error::TooLarge {
        width: u32::MAX,
        height: 1,
        max: u32::MAX,
    })?;
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(&pts.to_le_bytes());
    out.extend_from_slice(frame);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_have_the_documented_layout() {
        let mut out = Vec::new();
        write_file_header(&mut out, 320, 200, 1).unwrap();
        assert_eq!(out.len(), FILE_HEADER_LEN);
        assert_eq!(&out[..4], b"DKIF");
        assert_eq!(&out[8..12], b"AV01");
        assert_eq!(u16::from_le_bytes([out[12], out[13]]), 320);
        assert_eq!(u16::from_le_bytes([out[14], out[15]]), 200);
        write_frame(&mut out, 7, &[1, 2, 3]).unwrap();
        assert_eq!(out.len(), FILE_HEADER_LEN + FRAME_HEADER_LEN + 3);
        assert_eq!(&out[32..36], &3u32.to_le_bytes());
        assert_eq!(&out[36..44], &7u64.to_le_bytes());
        assert!(write_file_header(&mut Vec::new(), 70_000, 1, 1).is_err());
    }
}
