//! An update's op table before compression: what each op is and where, and how long its
//! payload is, as varints and differences (the layout is in the `wire` module's docs).

use std::sync::Arc;

use bytes::Bytes;

use super::reader::{check_count, check_limit, check_rect, Reader};
use super::{MAX_MESSAGE_LEN, MAX_OPS_PER_UPDATE, MAX_PALETTE_COLOURS, MAX_REMAP_MAPS};
use crate::{ColourMap, Error, Op, Rect, Result, MAX_DIMENSION};

const TAG_FILL: u8 = 0x01;
const TAG_PALETTE: u8 = 0x02;
const TAG_AV1: u8 = 0x03;
const TAG_COPY_RECT: u8 = 0x04;
const TAG_CACHE_HIT: u8 = 0x05;
const TAG_RECALL: u8 = 0x06;
const TAG_CACHE_PART: u8 = 0x07;
const TAG_REMAP: u8 = 0x08;

/// Bytes of a colour map in a `Remap` entry: three tables of 256 values.
const MAP_LEN: usize = 3 * 256;

/// Bytes of the smallest entry (tag, a rect of one-byte varints, a `Remap`'s flag): bounds the
/// op count by the bytes present, so a tiny table cannot make the reader reserve a huge `Vec`.
const MIN_ENTRY_LEN: usize = 1 + 4 + 1;

/// Largest table: the head (two 10-byte varints, a 3-byte count) and the largest entry (a
/// `CacheHit` or `CachePart`: tag, a rect of 3-byte varints, two 5-byte varints and a u32)
/// per op, and the colour maps.
pub(super) const MAX_TABLE_LEN: usize =
    23 + MAX_OPS_PER_UPDATE as usize * (1 + 12 + 10 + 4) + MAX_REMAP_MAPS * MAP_LEN;

/// The sequence and capture time of the stream's previous table, which the next one is
/// written against.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Previous {
    pub(super) sequence: u64,
    pub(super) capture_us: u64,
}

/// Where the entries written or read so far leave the next one: the previous entry's corner,
/// the last colour map and how many maps the table carried.
#[derive(Default)]
struct Position {
    at: (u32, u32),
    map: Option<Arc<ColourMap>>,
    maps: usize,
}

/// One update's table contents.
pub(super) struct Table {
    pub(super) sequence: u64,
    pub(super) capture_us: u64,
    pub(super) ops: Vec<Op>,
}

/// Appends the table of `ops` to `out`.
///
/// # Errors
/// For an op the peer would refuse (empty or out-of-range rect, empty payload, ...).
pub(super) fn write(
    sequence: u64,
    capture_us: u64,
    ops: &[Op],
    previous: Previous,
    out: &mut Vec<u8>,
) -> Result<()> {
    check_limit("op count", ops.len() as u64, MAX_OPS_PER_UPDATE.into())?;
    put_delta(out, previous.sequence, sequence);
    put_delta(out, previous.capture_us, capture_us);
    put_varint(out, ops.len() as u64);
    let mut position = Position::default();
    for op in ops {
        write_entry(op, &mut position, out)?;
    }
    Ok(())
}

/// Reads a table, taking each op's payload off `payloads` in op order.
///
/// # Errors
/// Truncation, trailing bytes, and any value the encoder would refuse.
pub(super) fn read(table: &Bytes, payloads: &mut Reader<'_>, previous: Previous) -> Result<Table> {
    let mut t = Reader::new(table);
    let sequence = read_delta(&mut t, "Update sequence", previous.sequence)?;
    let capture_us = read_delta(&mut t, "Update capture time", previous.capture_us)?;
    let count = t.varint("op count")?;
    check_limit("op count", count, MAX_OPS_PER_UPDATE.into())?;
    // A count the table cannot hold is a truncation, reported before reserving memory for it.
    let needed = count as usize * MIN_ENTRY_LEN;
    if needed > t.left() {
        return Err(Error::WireTruncated {
            what: "Update ops",
            needed,
            available: t.left(),
        });
    }
    let mut position = Position::default();
    let ops = (0..count)
        .map(|_| read_entry(&mut t, payloads, &mut position))
        .collect::<Result<Vec<_>>>()?;
    t.finish("Update op table")?;
    Ok(Table {
        sequence,
        capture_us,
        ops,
    })
}

fn write_entry(op: &Op, position: &mut Position, out: &mut Vec<u8>) -> Result<()> {
    let at = &mut position.at;
    match op {
        Op::Fill { rect, colour } => {
            out.push(TAG_FILL);
            put_rect(out, "Fill", *rect, at)?;
            out.extend_from_slice(colour);
        }
        Op::Palette {
            rect,
            new_colours,
            data,
        } => {
            out.push(TAG_PALETTE);
            put_rect(out, "Palette", *rect, at)?;
            check_new_colours((*new_colours).into())?;
            put_varint(out, (*new_colours).into());
            put_data_len(out, "Palette data length", data)?;
        }
        Op::Av1 {
            rect,
            quality,
            data,
        } => {
            out.push(TAG_AV1);
            put_rect(out, "Av1", *rect, at)?;
            out.push(*quality);
            put_data_len(out, "Av1 data length", data)?;
        }
        Op::CopyRect { src, dst_x, dst_y } => {
            out.push(TAG_COPY_RECT);
            put_rect(out, "CopyRect source", *src, at)?;
            check_copy_dst(*src, *dst_x, *dst_y)?;
            put_delta(out, src.x.into(), (*dst_x).into());
            put_delta(out, src.y.into(), (*dst_y).into());
        }
        Op::CacheHit {
            rect,
            first,
            stride,
            check,
        } => {
            out.push(TAG_CACHE_HIT);
            put_rect(out, "CacheHit", *rect, at)?;
            put_ids(out, *first, *stride, *check);
        }
        Op::CachePart {
            rect,
            first,
            stride,
            check,
        } => {
            out.push(TAG_CACHE_PART);
            put_rect(out, "CachePart", *rect, at)?;
            put_ids(out, *first, *stride, *check);
        }
        Op::Recall { rect, first, check } => {
            out.push(TAG_RECALL);
            put_rect(out, "Recall", *rect, at)?;
            put_varint(out, *first);
            out.extend_from_slice(&check.to_be_bytes());
        }
        Op::Remap { rect, map } => {
            out.push(TAG_REMAP);
            put_rect(out, "Remap", *rect, at)?;
            // The same map (not an equal one) as the entry before: decoding and encoding
            // again gives the same bytes.
            if position
                .map
                .as_ref()
                .is_some_and(|last| Arc::ptr_eq(last, map))
            {
                out.push(0);
            } else {
                count_map(position)?;
                out.push(1);
                put_map(out, map);
                position.map = Some(Arc::clone(map));
            }
        }
    }
    Ok(())
}

fn read_entry(
    t: &mut Reader<'_>,
    payloads: &mut Reader<'_>,
    position: &mut Position,
) -> Result<Op> {
    let at = &mut position.at;
    let tag = t.u8("op tag")?;
    Ok(match tag {
        TAG_FILL => Op::Fill {
            rect: read_rect(t, "Fill", at)?,
            colour: t.array("Fill colour")?,
        },
        TAG_PALETTE => {
            let rect = read_rect(t, "Palette", at)?;
            let new_colours = t.varint("Palette new colour count")?;
            check_new_colours(new_colours)?;
            Op::Palette {
                rect,
                // Checked against MAX_PALETTE_COLOURS, which fits 16 bits.
                new_colours: new_colours as u16,
                data: read_payload(t, payloads, "Palette data length", "Palette data")?,
            }
        }
        TAG_AV1 => Op::Av1 {
            rect: read_rect(t, "Av1", at)?,
            quality: t.u8("Av1 quality")?,
            data: read_payload(t, payloads, "Av1 data length", "Av1 data")?,
        },
        TAG_COPY_RECT => {
            let src = read_rect(t, "CopyRect source", at)?;
            let what = "CopyRect destination";
            let dst_x = read_coordinate(t, what, src.x)?;
            let dst_y = read_coordinate(t, what, src.y)?;
            check_copy_dst(src, dst_x, dst_y)?;
            Op::CopyRect { src, dst_x, dst_y }
        }
        TAG_CACHE_HIT => Op::CacheHit {
            rect: read_rect(t, "CacheHit", at)?,
            first: read_u32(t, "CacheHit first id")?,
            stride: read_u32(t, "CacheHit id stride")?,
            check: t.u32("CacheHit check")?,
        },
        TAG_CACHE_PART => Op::CachePart {
            rect: read_rect(t, "CachePart", at)?,
            first: read_u32(t, "CachePart first id")?,
            stride: read_u32(t, "CachePart id stride")?,
            check: t.u32("CachePart check")?,
        },
        TAG_RECALL => Op::Recall {
            rect: read_rect(t, "Recall", at)?,
            first: t.varint("Recall first row id")?,
            check: t.u32("Recall check")?,
        },
        TAG_REMAP => {
            let rect = read_rect(t, "Remap", at)?;
            let map = match t.u8("Remap map flag")? {
                0 => position.map.clone().ok_or(Error::WireInvalid {
                    what: "Remap map flag",
                    value: 0,
                    expected: "1 (a map follows) in the update's first Remap",
                })?,
                1 => {
                    count_map(position)?;
                    let map = Arc::new(read_map(t)?);
                    position.map = Some(Arc::clone(&map));
                    map
                }
                flag => {
                    return Err(Error::WireInvalid {
                        what: "Remap map flag",
                        value: flag.into(),
                        expected: "0 (the previous map) or 1 (a map follows)",
                    })
                }
            };
            Op::Remap { rect, map }
        }
        _ => {
            return Err(Error::WireInvalid {
                what: "op tag",
                value: tag.into(),
                expected: "0x01 Fill, 0x02 Palette, 0x03 Av1, 0x04 CopyRect, 0x05 CacheHit, \
                           0x06 Recall, 0x07 CachePart or 0x08 Remap",
            })
        }
    })
}

/// Checks and writes a rect as differences from `at`, the previous entry's corner, which it
/// then becomes.
fn put_rect(out: &mut Vec<u8>, what: &'static str, rect: Rect, at: &mut (u32, u32)) -> Result<()> {
    check_rect(what, rect)?;
    put_delta(out, at.0.into(), rect.x.into());
    put_delta(out, at.1.into(), rect.y.into());
    put_varint(out, rect.width.into());
    put_varint(out, rect.height.into());
    *at = (rect.x, rect.y);
    Ok(())
}

/// Reads a rect written by [`put_rect`] and checks it.
fn read_rect(t: &mut Reader<'_>, what: &'static str, at: &mut (u32, u32)) -> Result<Rect> {
    let x = read_coordinate(t, what, at.0)?;
    let y = read_coordinate(t, what, at.1)?;
    let width = read_u32(t, what)?;
    let height = read_u32(t, what)?;
    let rect = Rect::new(x, y, width, height);
    check_rect(what, rect)?;
    *at = (x, y);
    Ok(rect)
}

/// A coordinate written as a difference from `from`; it must lie on the largest screen.
fn read_coordinate(t: &mut Reader<'_>, what: &'static str, from: u32) -> Result<u32> {
    let value = read_delta(t, what, from.into())?;
    if value > MAX_DIMENSION.into() {
        return Err(Error::WireInvalid {
            what,
            value,
            expected: "a position (x or y) within the 16384x16384 limit",
        });
    }
    // At most MAX_DIMENSION, so it fits.
    Ok(value as u32)
}

fn read_u32(t: &mut Reader<'_>, what: &'static str) -> Result<u32> {
    let value = t.varint(what)?;
    check_limit(what, value, u32::MAX.into())?;
    Ok(value as u32)
}

/// Writes a payload's length (at least 1, at most a message).
fn put_data_len(out: &mut Vec<u8>, what: &'static str, data: &[u8]) -> Result<()> {
    check_data_len(what, data.len() as u64)?;
    put_varint(out, data.len() as u64);
    Ok(())
}

/// Reads a payload length and takes that many bytes off the payloads.
fn read_payload(
    t: &mut Reader<'_>,
    payloads: &mut Reader<'_>,
    len_what: &'static str,
    what: &'static str,
) -> Result<Bytes> {
    let len = t.varint(len_what)?;
    check_data_len(len_what, len)?;
    payloads.take_bytes(len as usize, what)
}

/// Palette data starts with its header byte and an AV1 temporal unit holds at least one OBU
/// header, so empty data cannot be decoded; no payload is larger than a message.
fn check_data_len(what: &'static str, len: u64) -> Result<()> {
    check_count(what, len, MAX_MESSAGE_LEN.into())
}

/// An op adds at most one palette's worth of colours to the session table (none is fine).
fn check_new_colours(count: u64) -> Result<()> {
    check_limit(
        "Palette new colour count",
        count,
        MAX_PALETTE_COLOURS as u64,
    )
}

/// The destination of a copy must itself be a valid rect of the source's size.
fn check_copy_dst(src: Rect, dst_x: u32, dst_y: u32) -> Result<()> {
    check_rect(
        "CopyRect destination",
        Rect::new(dst_x, dst_y, src.width, src.height),
    )
}

/// One more colour map in the table, within [`MAX_REMAP_MAPS`].
fn count_map(position: &mut Position) -> Result<()> {
    position.maps += 1;
    check_limit(
        "Remap maps in one update",
        position.maps as u64,
        MAX_REMAP_MAPS as u64,
    )
}

/// A colour map as each table's differences from its previous entry (from 0 for the first),
/// wrapping: the smooth ramps of a dim or fade become few distinct bytes for the stream.
fn put_map(out: &mut Vec<u8>, map: &ColourMap) {
    for table in map.tables() {
        let mut previous = 0u8;
        for &value in table {
            out.push(value.wrapping_sub(previous));
            previous = value;
        }
    }
}

/// The colour map written by [`put_map`]; every byte string is one.
fn read_map(t: &mut Reader<'_>) -> Result<ColourMap> {
    let bytes: [u8; MAP_LEN] = t.array("Remap map")?;
    let mut tables = [[0u8; 256]; 3];
    for (table, steps) in tables.iter_mut().zip(bytes.chunks_exact(256)) {
        let mut value = 0u8;
        for (entry, &step) in table.iter_mut().zip(steps) {
            value = value.wrapping_add(step);
            *entry = value;
        }
    }
    Ok(ColourMap::new(tables))
}

/// LEB128: seven bits per byte, low bits first, the top bit set on all but the last byte.
/// The ids and check of a `CacheHit` or `CachePart`.
fn put_ids(out: &mut Vec<u8>, first: u32, stride: u32, check: u32) {
    put_varint(out, first.into());
    put_varint(out, stride.into());
    out.extend_from_slice(&check.to_be_bytes());
}

fn put_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push(value as u8 | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// `to - from` (wrapping) as a zigzag varint, so small steps either way take one byte.
fn put_delta(out: &mut Vec<u8>, from: u64, to: u64) {
    let delta = to.wrapping_sub(from) as i64;
    put_varint(out, ((delta << 1) ^ (delta >> 63)) as u64);
}

/// The value written by [`put_delta`] against `from`.
fn read_delta(t: &mut Reader<'_>, what: &'static str, from: u64) -> Result<u64> {
    let zigzag = t.varint(what)?;
    let delta = (zigzag >> 1) as i64 ^ -((zigzag & 1) as i64);
    Ok(from.wrapping_add(delta as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn varint_bytes(value: u64) -> Vec<u8> {
        let mut out = Vec::new();
        put_varint(&mut out, value);
        out
    }

    #[test]
    fn varints_and_deltas_round_trip_at_their_edges() {
        for value in [0, 1, 127, 128, 16_383, 16_384, u32::MAX.into(), u64::MAX] {
            let bytes = Bytes::from(varint_bytes(value));
            assert_eq!(Reader::new(&bytes).varint("v"), Ok(value), "{value}");
        }
        assert_eq!(varint_bytes(300), [0xac, 0x02]);
        for (from, to) in [
            (0, 0),
            (5, 4),
            (4, 5),
            (0, u64::MAX),
            (u64::MAX, 0),
            (1000, 1),
        ] {
            let mut out = Vec::new();
            put_delta(&mut out, from, to);
            let bytes = Bytes::from(out);
            assert_eq!(read_delta(&mut Reader::new(&bytes), "d", from), Ok(to));
        }
        // One step either way is one byte.
        let mut out = Vec::new();
        put_delta(&mut out, 10, 9);
        put_delta(&mut out, 10, 11);
        assert_eq!(out, [1, 2]);
    }

    #[test]
    fn overlong_and_oversized_varints_are_refused() {
        for bytes in [
            &[0x80, 0x00][..],
            &[0xff; 10][..],
            &[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02][..],
            &[0x80][..],
        ] {
            let bytes = Bytes::copy_from_slice(bytes);
            assert!(Reader::new(&bytes).varint("v").is_err(), "{bytes:?}");
        }
    }

    #[test]
    fn positions_off_the_screen_are_refused() {
        // A fill one pixel left of the screen's edge: x is 0 - 1 (zigzag 1).
        let table = Bytes::from_static(&[0, 0, 1, TAG_FILL, 1, 0, 1, 1, 0, 0, 0, 0]);
        let payloads = Bytes::new();
        let err = read(&table, &mut Reader::new(&payloads), Previous::default());
        assert_eq!(
            err.err().map(|e| e.to_string()).as_deref(),
            Some(
                "wire: invalid Fill 18446744073709551615; \
                 expected a position (x or y) within the 16384x16384 limit"
            )
        );
    }

    #[test]
    fn repeated_ops_write_repeated_bytes() {
        let ops = [
            Op::CopyRect {
                src: Rect::new(100, 132, 800, 600),
                dst_x: 100,
                dst_y: 100,
            },
            Op::Palette {
                rect: Rect::new(100, 700, 800, 32),
                new_colours: 3,
                data: Bytes::from_static(b"xyz"),
            },
        ];
        let (mut first, mut second) = (Vec::new(), Vec::new());
        let previous = Previous::default();
        write(7, 1_000, &ops, previous, &mut first).unwrap();
        let next = Previous {
            sequence: 7,
            capture_us: 1_000,
        };
        write(8, 34_333, &ops, next, &mut second).unwrap();
        // Only the heads differ (sequence 7 → 14, capture 1000 → 2000 and count: 4 bytes;
        // steps 1 → 2 and 33,333 → 66,666 and count: 5 bytes); the entries are the same.
        assert_eq!(first[4..], second[5..]);
        let payloads = Bytes::from_static(b"xyz");
        let table = read(&Bytes::from(second), &mut Reader::new(&payloads), next).unwrap();
        assert_eq!((table.sequence, table.capture_us), (8, 34_333));
        assert_eq!(table.ops, ops);
    }
}
