//! Bit packing of palette indices: 1, 2, 4, 8 or 16 (little-endian) bits per index, each row
//! starting on a byte.
//!
//! Rows start on a byte so that a glyph repeated on another line packs to the same bytes
//! when it starts at the same column phase, and so that decoding can check every row length.

use crate::{Error, Result};

/// The index widths the format knows.
pub(crate) const DEPTHS: [u8; 5] = [1, 2, 4, 8, 16];

/// Bits per index for a palette of `colours` colours: the fewest of [`DEPTHS`] that can name
/// them all.
pub(crate) fn bits_for(colours: usize) -> u8 {
    match colours {
        0..=2 => 1,
        3..=4 => 2,
        5..=16 => 4,
        17..=256 => 8,
        _ => 16,
    }
}

/// Bytes of one packed row of `width` indices.
pub(crate) fn row_bytes(width: u32, bits: u8) -> usize {
    (width as usize * bits as usize).div_ceil(8)
}

/// Appends `indices` (`width` per row) packed at `bits` per index to `out`. Indices must fit
/// in `bits`; the palette builder guarantees that.
pub(crate) fn pack(indices: &[u16], width: u32, bits: u8, out: &mut Vec<u8>) {
    match bits {
        16 => {
            out.extend(indices.iter().flat_map(|i| i.to_le_bytes()));
            return;
        }
        8 => {
            out.extend(indices.iter().map(|&i| i as u8));
            return;
        }
        _ => {}
    }
    let per_byte = 8 / bits as usize;
    for row in indices.chunks_exact(width as usize) {
        for group in row.chunks(per_byte) {
            // MSB first: the leftmost pixel sits in the high bits, as in PNG.
            let mut byte = 0u8;
            for (i, &index) in group.iter().enumerate() {
                byte |= (index as u8) << (8 - bits as usize * (i + 1));
            }
            out.push(byte);
        }
    }
}

/// Unpacks `packed` (exactly `height` rows of [`row_bytes`]) into `out` (`width * height`
/// indices), checking that every index is below `colours`.
///
/// # Errors
/// [`Error::PaletteLength`] when `packed` or `out` has the wrong length,
/// [`Error::PaletteIndex`] for the first index that names no colour.
pub(crate) fn unpack(
    packed: &[u8],
    width: u32,
    bits: u8,
    colours: usize,
    out: &mut [u16],
) -> Result<()> {
    let row_len = row_bytes(width, bits);
    let rows = out.len() / width as usize;
    if packed.len() != row_len * rows || out.len() != rows * width as usize {
        return Err(Error::PaletteLength {
            got: packed.len(),
            expected: row_len * rows,
        });
    }
    if bits == 16 {
        for (index, bytes) in out.iter_mut().zip(packed.chunks_exact(2)) {
            *index = u16::from_le_bytes([bytes[0], bytes[1]]);
        }
    } else if bits == 8 {
        for (index, &byte) in out.iter_mut().zip(packed) {
            *index = byte as u16;
        }
    } else {
        let per_byte = 8 / bits as usize;
        let mask = (1u8 << bits) - 1;
        for (src, dst) in packed
            .chunks_exact(row_len)
            .zip(out.chunks_exact_mut(width as usize))
        {
            for (&byte, group) in src.iter().zip(dst.chunks_mut(per_byte)) {
                for (i, index) in group.iter_mut().enumerate() {
                    *index = ((byte >> (8 - bits as usize * (i + 1))) & mask) as u16;
                }
            }
        }
    }
    // Indices that `bits` can hold but the palette lacks: one max over the buffer (which
    // vectorises) instead of a branch per pixel; only a palette smaller than 2^bits needs it.
    if colours < 1usize << bits {
        let max = out.iter().copied().max().unwrap_or(0);
        if max as usize >= colours {
            return Err(Error::PaletteIndex {
                index: max,
                colours,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pack_round_trips_at_every_depth_and_odd_width() {
        for bits in DEPTHS {
            for width in [1u32, 3, 7, 9, 17] {
                let colours = 1usize << bits;
                let indices: Vec<u16> = (0..width as usize * 3)
                    .map(|i| ((i * 7919 + 3) % colours) as u16)
                    .collect();
                let mut packed = Vec::new();
                pack(&indices, width, bits, &mut packed);
                assert_eq!(packed.len(), row_bytes(width, bits) * 3);
                let mut out = vec![0; indices.len()];
                unpack(&packed, width, bits, colours, &mut out).unwrap();
                assert_eq!(out, indices, "bits {bits}, width {width}");
            }
        }
    }

    #[test]
    fn unpack_rejects_indices_past_the_palette_and_bad_lengths() {
        let mut out = vec![0; 8];
        // 2 bits, 3 colours: index 3 (0b11) is out of range.
        let err = unpack(&[0b0001_1000, 0b1100_0000], 4, 2, 3, &mut out).unwrap_err();
        assert_eq!(
            err,
            Error::PaletteIndex {
                index: 3,
                colours: 3
            }
        );
        assert!(matches!(
            unpack(&[0], 4, 2, 3, &mut out),
            Err(Error::PaletteLength {
                got: 1,
                expected: 2
            })
        ));
        assert_eq!(bits_for(1), 1);
        assert_eq!(bits_for(5), 4);
        assert_eq!(bits_for(17), 8);
        assert_eq!(bits_for(256), 8);
        assert_eq!(bits_for(257), 16);
        // 16 bits, 300 colours: index 0x0400 is out of range.
        let mut out = vec![0; 2];
        let err = unpack(&[1, 0, 0, 4], 2, 16, 300, &mut out).unwrap_err();
        assert_eq!(
            err,
            Error::PaletteIndex {
                index: 1024,
                colours: 300
            }
        );
    }
}
