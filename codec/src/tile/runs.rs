//! One band of palette indices as runs of ink: the columns between blank ones, each run cut
//! to the rows its pixels span, so a glyph packs to the same bytes wherever a band starts.
//!
//! Column by column (see `bands`), a glyph's columns include the band's rows above and below
//! it. Those depend on how the rect was cut and on the other glyphs of the line (a descender
//! makes the band taller), so the same word packed to other bytes in the next update and
//! the session stream missed it. A blank column is all the band's background (its most
//! common index); the columns between two blank ones are a run, sent with only the rows
//! from its first pixel that is not background to its last. Each run's top is written as
//! the difference from the run before, so the glyphs of a word repeat as one byte string.
//! Measured with `meekijk bench` against whole band columns (session 24, kbit/s):
//! terminal-scroll after its first frame 63.8 → 56.0; the real recordings docs-wheel-scroll
//! 224.2 → 203.5, shell-typing 26.6 → 23.4, code-editor 149.1 → 138.8; window-drag
//! 177.4 → 183.9 and page-scroll 194.0 → 195.7, where whole columns of slivers matched
//! better.
//!
//! A band without a blank column whose pixels that are not background reach its first and
//! last rows (a sliver of a photo or of a window's edge) would be one run of every column
//! and row: it goes whole, without the run's header (window-drag 185.1 → 183.9).
//!
//! # Layout of a band
//! A kind byte. [`WHOLE`]: the band's columns, each packed like a row of the band's height.
//! [`RUNS`]: the background index (u16 little-endian), then, from column 0 on: the blank columns
//! before the next run (varint; the band ends where they reach its width), the run's width
//! (varint, at least 1), its top (zigzag varint, the difference from the previous run's
//! top in the band, from 0), its height (varint, at least 1, within the band), and its
//! columns, each packed like a row of that height (see `pack`). The band ends when its
//! columns are used up. Varints are LEB128 of at most three bytes, shortest form.

use super::pack::{pack, row_bytes, unpack};
use crate::{Error, Result};

/// Kind byte of a band sent whole.
const WHOLE: u8 = 0;

/// Kind byte of a band sent as its background and runs.
const RUNS: u8 = 1;

/// Largest value a varint here may hold: widths, heights and tops are below 2^16.
const MAX_VARINT: u32 = u16::MAX as u32;

/// Bytes of a varint at most.
const MAX_VARINT_LEN: usize = 3;

/// Most bytes a band of `width` × `height` packs to: background, every other column a run
/// with the longest header, every column whole, and the closing gap.
pub(crate) fn max_band_len(width: u32, height: u32, bits: u8) -> usize {
    let runs = (width as usize).div_ceil(2);
    3 + runs * 4 * MAX_VARINT_LEN + MAX_VARINT_LEN + width as usize * row_bytes(height, bits)
}

/// Scratch space of the band writer, kept across bands and ops.
#[derive(Debug, Default)]
pub(crate) struct RunScratch {
    /// Pixels per op colour in the band.
    counts: Vec<u32>,
    /// Per column: the first and one past the last row that is not background
    /// (`u32::MAX, 0` when blank).
    spans: Vec<(u32, u32)>,
    /// The band's columns, as session indices.
    columns: Vec<u16>,
    /// One run's columns, cut to its rows.
    run: Vec<u16>,
}

/// Appends `band` (rows of `width` op indices, `height` rows) to `out` in the run layout,
/// each index replaced by `remap[index]`. Indices must be below `remap.len()`.
pub(crate) fn pack_band(
    band: &[u16],
    width: u32,
    height: u32,
    remap: &[u16],
    bits: u8,
    scratch: &mut RunScratch,
    out: &mut Vec<u8>,
) {
    let width = width as usize;
    let background = most_common(band, remap, &mut scratch.counts);
    let spans = &mut scratch.spans;
    spans.clear();
    spans.resize(width, (u32::MAX, 0));
    for (y, row) in (0..height).zip(band.chunks_exact(width)) {
        for (span, &index) in spans.iter_mut().zip(row) {
            if index != background {
                *span = (span.0.min(y), y + 1);
            }
        }
    }
    let blank = |span: &(u32, u32)| span.1 == 0;
    let top = spans.iter().map(|s| s.0).min().unwrap_or(0);
    let bottom = spans.iter().map(|s| s.1).max().unwrap_or(0);
    let columns = &mut scratch.columns;
    columns.resize(band.len(), 0);
    let rows = height as usize;
    transpose(band, width, rows, columns, |i| remap[usize::from(i)]);
    if !spans.iter().any(blank) && top == 0 && bottom == height {
        out.push(WHOLE);
        pack(columns, height, bits, out);
        return;
    }
    out.push(RUNS);
    out.extend_from_slice(&remap[usize::from(background)].to_le_bytes());
    let (mut x, mut previous_top) = (0, 0i64);
    loop {
        let gap = spans[x..].iter().take_while(|s| blank(s)).count();
        put_varint(out, gap as u32);
        x += gap;
        if x == width {
            return;
        }
        let run = spans[x..].iter().take_while(|s| !blank(s)).count();
        let covered = &spans[x..x + run];
        let top = covered.iter().map(|s| s.0).min().unwrap_or(0);
        let bottom = covered.iter().map(|s| s.1).max().unwrap_or(height);
        put_varint(out, run as u32);
        put_zigzag(out, i64::from(top) - previous_top);
        put_varint(out, bottom - top);
        previous_top = i64::from(top);
        let cut = &mut scratch.run;
        cut.clear();
        for column in columns[x * rows..(x + run) * rows].chunks_exact(rows) {
            cut.extend_from_slice(&column[top as usize..bottom as usize]);
        }
        pack(cut, bottom - top, bits, out);
        x += run;
    }
}

/// The op index most of `band`'s pixels have; between equals, the one of the lowest session
/// index (so the same pixels choose the same background in any op).
fn most_common(band: &[u16], remap: &[u16], counts: &mut Vec<u32>) -> u16 {
    counts.resize(remap.len(), 0);
    for &index in band {
        counts[usize::from(index)] += 1;
    }
    let key = |i: u16| {
        (
            counts[usize::from(i)],
            std::cmp::Reverse(remap[usize::from(i)]),
        )
    };
    // Over the band or over the palette, whichever is shorter; then only the counts touched
    // go back to zero.
    let best = if band.len() < remap.len() {
        band.iter().copied().max_by_key(|&i| key(i))
    } else {
        (0..remap.len() as u16).max_by_key(|&i| key(i))
    };
    if band.len() < remap.len() {
        band.iter().for_each(|&i| counts[usize::from(i)] = 0);
    } else {
        counts.fill(0);
    }
    best.unwrap_or(0)
}

/// Reads one band written by [`pack_band`] off the front of `data` into `band` (rows of
/// `width`, `height` rows), checking every index against `colours`.
///
/// # Errors
/// [`Error::PaletteLength`] when `data` ends inside the band, [`Error::PaletteRun`] for a
/// run outside the band or a malformed varint, [`Error::PaletteIndex`] for an index that
/// names no colour.
pub(crate) fn unpack_band(
    data: &mut &[u8],
    width: u32,
    height: u32,
    bits: u8,
    colours: usize,
    columns: &mut Vec<u16>,
    band: &mut [u16],
) -> Result<()> {
    match take(data, 1)?[0] {
        WHOLE => {
            let packed = take(data, width as usize * row_bytes(height, bits))?;
            columns.resize(band.len(), 0);
            unpack(packed, height, bits, colours, columns)?;
            transpose(columns, height as usize, width as usize, band, |i| i);
            return Ok(());
        }
        RUNS => {}
        _ => {
            return Err(Error::PaletteRun {
                what: "a band of an unknown kind",
            })
        }
    }
    let background = u16::from_le_bytes(take(data, 2)?.try_into().unwrap_or_default());
    if usize::from(background) >= colours {
        return Err(Error::PaletteIndex {
            index: background,
            colours,
        });
    }
    band.fill(background);
    let (mut x, mut previous_top) = (0u32, 0i64);
    loop {
        let gap = take_varint(data)?;
        x = x
            .checked_add(gap)
            .filter(|&x| x <= width)
            .ok_or(Error::PaletteRun {
                what: "blank columns past the band",
            })?;
        if x == width {
            return Ok(());
        }
        let run = take_varint(data)?;
        if run == 0 || run > width - x {
            return Err(Error::PaletteRun {
                what: "a run of no column or past the band",
            });
        }
        let top = previous_top + take_zigzag(data)?;
        if !(0..i64::from(height)).contains(&top) {
            return Err(Error::PaletteRun {
                what: "a run's top outside the band",
            });
        }
        let (top, rows) = (top as u32, take_varint(data)?);
        if rows == 0 || rows > height - top {
            return Err(Error::PaletteRun {
                what: "a run's rows outside the band",
            });
        }
        previous_top = i64::from(top);
        let packed = take(data, run as usize * row_bytes(rows, bits))?;
        columns.resize(run as usize * rows as usize, 0);
        unpack(packed, rows, bits, colours, columns)?;
        let width = width as usize;
        for (c, column) in columns.chunks_exact(rows as usize).enumerate() {
            for (y, &index) in column.iter().enumerate() {
                band[(top as usize + y) * width + x as usize + c] = index;
            }
        }
        x += run;
    }
}

/// Writes `rows` rows of `width` values (`from`) column by column into `to`, each value
/// through `map`. In strips of [`STRIP`] columns, so the writes of a strip stay within a few
/// cache lines whatever the height.
fn transpose(from: &[u16], width: usize, rows: usize, to: &mut [u16], map: impl Fn(u16) -> u16) {
    for x0 in (0..width).step_by(STRIP) {
        let strip = &mut to[x0 * rows..(x0 + STRIP).min(width) * rows];
        for (y, row) in from.chunks_exact(width).enumerate() {
            for (column, &value) in strip.chunks_exact_mut(rows).zip(&row[x0..]) {
                column[y] = map(value);
            }
        }
    }
}

/// Columns per strip of [`transpose`].
const STRIP: usize = 16;

/// The first `n` bytes of `data`, taken off it.
fn take<'a>(data: &mut &'a [u8], n: usize) -> Result<&'a [u8]> {
    if data.len() < n {
        return Err(Error::PaletteLength {
            got: data.len(),
            expected: n,
        });
    }
    let (head, rest) = data.split_at(n);
    *data = rest;
    Ok(head)
}

fn put_varint(out: &mut Vec<u8>, mut value: u32) {
    while value >= 0x80 {
        out.push(value as u8 | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

fn put_zigzag(out: &mut Vec<u8>, value: i64) {
    put_varint(out, ((value << 1) ^ (value >> 63)) as u32);
}

/// A varint of at most [`MAX_VARINT_LEN`] bytes in its shortest form, at most
/// [`MAX_VARINT`].
fn take_varint(data: &mut &[u8]) -> Result<u32> {
    let malformed = Error::PaletteRun {
        what: "a malformed number",
    };
    let mut value = 0u32;
    for i in 0..MAX_VARINT_LEN {
        let byte = take(data, 1)?[0];
        value |= u32::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            // Shortest form: a last byte of zero after the first adds nothing.
            if byte == 0 && i > 0 || value > MAX_VARINT {
                return Err(malformed);
            }
            return Ok(value);
        }
    }
    Err(malformed)
}

fn take_zigzag(data: &mut &[u8]) -> Result<i64> {
    let raw = i64::from(take_varint(data)?);
    Ok((raw >> 1) ^ -(raw & 1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tile::pack::DEPTHS;

    /// A 12×6 band on background 0: a two-column glyph in rows 1–3, a blank column, a
    /// one-column glyph in rows 2–5, and two blank columns at the end.
    fn glyphs(ink: u16) -> Vec<u16> {
        let mut band = vec![0u16; 12 * 6];
        for y in 1..4 {
            band[y * 12 + 3] = ink;
            band[y * 12 + 4] = 1;
        }
        for y in 2..6 {
            band[y * 12 + 9] = ink;
        }
        band
    }

    fn round_trip(band: &[u16], width: u32, bits: u8, colours: usize) -> (Vec<u8>, Vec<u16>) {
        let remap: Vec<u16> = (0..colours as u16).collect();
        let mut packed = Vec::new();
        let height = (band.len() / width as usize) as u32;
        pack_band(
            band,
            width,
            height,
            &remap,
            bits,
            &mut RunScratch::default(),
            &mut packed,
        );
        assert!(packed.len() <= max_band_len(width, height, bits));
        let mut out = vec![7; band.len()];
        let mut data = &packed[..];
        unpack_band(
            &mut data,
            width,
            height,
            bits,
            colours,
            &mut Vec::new(),
            &mut out,
        )
        .unwrap();
        assert!(data.is_empty(), "the band left {} bytes", data.len());
        (packed, out)
    }

    #[test]
    fn runs_round_trip_at_every_depth() {
        for bits in DEPTHS {
            let colours = (1usize << bits).min(300);
            let band = glyphs(colours as u16 - 1);
            let (_, out) = round_trip(&band, 12, bits, colours);
            assert_eq!(out, band, "bits {bits}");
            let noise: Vec<u16> = (0..7 * 5).map(|i| (i * 7 % colours) as u16).collect();
            assert_eq!(round_trip(&noise, 7, bits, colours).1, noise, "bits {bits}");
        }
    }

    #[test]
    fn a_glyph_packs_to_the_same_bytes_in_a_taller_band() {
        let band = glyphs(2);
        let (short, _) = round_trip(&band, 12, 8, 3);
        // The same glyphs two rows lower in a band of nine rows.
        let mut taller = vec![0u16; 12 * 2];
        taller.extend_from_slice(&band);
        taller.extend_from_slice(&[0; 12]);
        let (tall, _) = round_trip(&taller, 12, 8, 3);
        // Kind, background and gap, then only the first run's top differs (1 → 3).
        assert_eq!(
            (short[0], short[3]),
            (RUNS, 3),
            "the kind and the first gap"
        );
        assert_eq!((short[4], tall[4]), (2, 2), "the first run's width");
        assert_eq!((short[5], tall[5]), (2, 6), "the first run's top, zigzag");
        assert_eq!(short[6..], tall[6..]);
    }

    #[test]
    fn a_band_without_blank_columns_or_rows_goes_whole() {
        let band: Vec<u16> = (0..4 * 3).map(|i| i % 3).collect();
        let (packed, out) = round_trip(&band, 4, 8, 3);
        assert_eq!(out, band);
        assert_eq!(packed, [WHOLE, 0, 1, 2, 1, 2, 0, 2, 0, 1, 0, 1, 2]);
    }

    #[test]
    fn hostile_bands_are_refused() {
        let run = |bytes: &[u8]| {
            let mut data = bytes;
            let mut out = vec![0; 4 * 3];
            unpack_band(&mut data, 4, 3, 8, 4, &mut Vec::new(), &mut out)
        };
        let cases: [(&[u8], &str); 12] = [
            (&[], "no kind"),
            (&[7, 0, 0, 4], "unknown kind"),
            (&[WHOLE, 0, 1, 2], "a whole band cut short"),
            (&[RUNS, 0], "truncated background"),
            (&[RUNS, 9, 0, 4], "background past the palette"),
            (&[RUNS, 0, 0, 5], "gap past the band"),
            (&[RUNS, 0, 0, 0, 0], "empty run"),
            (&[RUNS, 0, 0, 2, 3], "run past the band"),
            (&[RUNS, 0, 0, 0, 1, 6, 1, 1], "top below the band"),
            (&[RUNS, 0, 0, 0, 1, 2, 3, 1, 1, 1], "rows past the band"),
            (&[RUNS, 0, 0, 0x80, 0], "overlong varint"),
            (&[RUNS, 0, 0, 0, 1, 0, 1], "truncated run"),
        ];
        for (bytes, case) in cases {
            assert!(run(bytes).is_err(), "{case} was accepted");
        }
        let one_pixel = [RUNS, 0, 0, 0, 1, 0, 1, 3, 3];
        assert!(run(&one_pixel).is_ok(), "a run of one pixel then a gap");
    }
}
