//! Wire form of [`Op`] and of the `Update` message that carries a list of them.
//!
//! Payloads (palette indices, AV1 data) are `Bytes` slices of the received frame: parsing an
//! update copies no tile data.

use bytes::Bytes;

use super::reader::{check_count, check_limit, put_rect, read_rect, Reader};
use super::stream::{HostReader, UpdateWriter};
use super::{MAX_MESSAGE_LEN, MAX_OPS_PER_UPDATE, MAX_PALETTE_COLOURS};
use crate::{Error, Op, Rect, Result, Update};

const TAG_FILL: u8 = 0x01;
const TAG_PALETTE: u8 = 0x02;
const TAG_AV1: u8 = 0x03;
const TAG_COPY_RECT: u8 = 0x04;
const TAG_CACHE_HIT: u8 = 0x05;

/// Bytes of the smallest possible op (a `Fill`: tag, rect, colour). Bounds the op count by the
/// bytes actually present, so a tiny message cannot make the reader reserve a huge `Vec`.
const MIN_OP_LEN: usize = 1 + 8 + 4;

/// What the host sends for one captured frame: its sequence number, when it was captured, and the
/// ops that bring the viewer's framebuffer up to date.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UpdateMessage {
    /// Increases by one per update; the viewer echoes it in `Ack`.
    pub sequence: u64,
    /// Capture time in microseconds on the host's monotonic clock (for latency statistics).
    pub capture_us: u64,
    /// The drawing ops, in order.
    pub update: Update,
}

/// Update flags bit 0: the update is a keyframe (see [`Update::keyframe`]).
const FLAG_KEYFRAME: u8 = 1;

/// Update flags bit 1: the op table starts a new compression stream (see [`super::UpdateWriter`]).
const FLAG_RESTART: u8 = 2;

fn put_u32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_be_bytes());
}

impl Op {
    /// Appends the op's entry in the op table: everything but its payload, whose length it
    /// names (the payload follows the table, see [`UpdateMessage::write`]).
    fn write_entry(&self, table: &mut Vec<u8>) -> Result<()> {
        match self {
            Op::Fill { rect, colour } => {
                table.push(TAG_FILL);
                put_rect(table, "Fill", *rect)?;
                table.extend_from_slice(colour);
            }
            Op::Palette {
                rect,
                new_colours,
                data,
            } => {
                table.push(TAG_PALETTE);
                put_rect(table, "Palette", *rect)?;
                check_new_colours((*new_colours).into())?;
                table.extend_from_slice(&new_colours.to_be_bytes());
                put_data_len(table, "Palette data length", data)?;
            }
            Op::Av1 {
                rect,
                quality,
                data,
            } => {
                table.push(TAG_AV1);
                put_rect(table, "Av1", *rect)?;
                table.push(*quality);
                put_data_len(table, "Av1 data length", data)?;
            }
            Op::CopyRect { src, dst_x, dst_y } => {
                table.push(TAG_COPY_RECT);
                put_rect(table, "CopyRect source", *src)?;
                check_copy_dst(*src, *dst_x, *dst_y)?;
                // In range (checked), both fit 16 bits.
                table.extend_from_slice(&(*dst_x as u16).to_be_bytes());
                table.extend_from_slice(&(*dst_y as u16).to_be_bytes());
            }
            Op::CacheHit {
                rect,
                first,
                stride,
                check,
            } => {
                table.push(TAG_CACHE_HIT);
                put_rect(table, "CacheHit", *rect)?;
                put_u32(table, *first);
                put_u32(table, *stride);
                put_u32(table, *check);
            }
        }
        Ok(())
    }

    /// The bytes that follow the op table for this op, if any.
    fn payload(&self) -> Option<&Bytes> {
        match self {
            Op::Palette { data, .. } | Op::Av1 { data, .. } => Some(data),
            _ => None,
        }
    }

    /// Reads one op: its entry from `table`, its payload (if it has one) from `payloads`.
    fn read_entry(table: &mut Reader<'_>, payloads: &mut Reader<'_>) -> Result<Self> {
        let tag = table.u8("op tag")?;
        Ok(match tag {
            TAG_FILL => Op::Fill {
                rect: read_rect(table, "Fill")?,
                colour: table.array("Fill colour")?,
            },
            TAG_PALETTE => {
                let rect = read_rect(table, "Palette")?;
                let new_colours = table.u16("Palette new colour count")?;
                check_new_colours(new_colours.into())?;
                let data = read_payload(table, payloads, "Palette data length", "Palette data")?;
                Op::Palette {
                    rect,
                    new_colours,
                    data,
                }
            }
            TAG_AV1 => {
                let rect = read_rect(table, "Av1")?;
                let quality = table.u8("Av1 quality")?;
                let data = read_payload(table, payloads, "Av1 data length", "Av1 data")?;
                Op::Av1 {
                    rect,
                    quality,
                    data,
                }
            }
            TAG_COPY_RECT => {
                let src = read_rect(table, "CopyRect source")?;
                let dst_x = table.u16("CopyRect destination")?.into();
                let dst_y = table.u16("CopyRect destination")?.into();
                check_copy_dst(src, dst_x, dst_y)?;
                Op::CopyRect { src, dst_x, dst_y }
            }
            TAG_CACHE_HIT => Op::CacheHit {
                rect: read_rect(table, "CacheHit")?,
                first: table.u32("CacheHit first id")?,
                stride: table.u32("CacheHit id stride")?,
                check: table.u32("CacheHit check")?,
            },
            _ => {
                return Err(Error::WireInvalid {
                    what: "op tag",
                    value: tag.into(),
                    expected: "0x01 Fill, 0x02 Palette, 0x03 Av1, 0x04 CopyRect or 0x05 CacheHit",
                })
            }
        })
    }
}

/// Writes a payload's length (u32, at least 1).
fn put_data_len(table: &mut Vec<u8>, what: &'static str, data: &[u8]) -> Result<()> {
    check_data_len(what, data.len() as u64)?;
    check_limit(what, data.len() as u64, MAX_MESSAGE_LEN.into())?;
    put_u32(table, data.len() as u32);
    Ok(())
}

/// Reads a payload length from the table and takes that many bytes off the payloads.
fn read_payload(
    table: &mut Reader<'_>,
    payloads: &mut Reader<'_>,
    len_what: &'static str,
    what: &'static str,
) -> Result<Bytes> {
    let len = table.u32(len_what)?;
    check_data_len(len_what, len.into())?;
    payloads.take_bytes(len as usize, what)
}

/// An op adds at most one palette's worth of colours to the session table (none is fine).
fn check_new_colours(count: u64) -> Result<()> {
    check_limit(
        "Palette new colour count",
        count,
        MAX_PALETTE_COLOURS as u64,
    )
}

/// Palette data starts with its header byte and an AV1 temporal unit holds at least one OBU
/// header, so empty data cannot be decoded.
fn check_data_len(what: &'static str, len: u64) -> Result<()> {
    check_count(what, len, u64::MAX)
}

/// The destination of a copy must itself be a valid rect of the source's size.
fn check_copy_dst(src: Rect, dst_x: u32, dst_y: u32) -> Result<()> {
    super::reader::check_rect(
        "CopyRect destination",
        Rect::new(dst_x, dst_y, src.width, src.height),
    )
}

impl UpdateMessage {
    /// Appends the message payload: flags, the op table compressed by `writer` (a new stream
    /// when `restart`), then the ops' payloads in op order.
    pub(super) fn write(
        &self,
        writer: &mut UpdateWriter,
        restart: bool,
        out: &mut Vec<u8>,
    ) -> Result<()> {
        let ops = &self.update.ops;
        check_limit("op count", ops.len() as u64, MAX_OPS_PER_UPDATE.into())?;
        let mut flags = if self.update.keyframe {
            FLAG_KEYFRAME
        } else {
            0
        };
        if restart {
            flags |= FLAG_RESTART;
        }
        out.push(flags);
        let table = |table: &mut Vec<u8>| {
            table.extend_from_slice(&self.sequence.to_be_bytes());
            table.extend_from_slice(&self.capture_us.to_be_bytes());
            put_u32(table, ops.len() as u32);
            ops.iter().try_for_each(|op| op.write_entry(table))
        };
        writer.compress_table(restart, table, out)?;
        for data in ops.iter().filter_map(Op::payload) {
            out.extend_from_slice(data);
        }
        Ok(())
    }

    /// Reads the message payload written by [`UpdateMessage::write`], decompressing its op
    /// table with `reader`.
    pub(super) fn read(r: &mut Reader<'_>, reader: &mut HostReader) -> Result<Self> {
        let flags = r.u8("Update flags")?;
        if flags & !(FLAG_KEYFRAME | FLAG_RESTART) != 0 {
            return Err(Error::WireInvalid {
                what: "Update flags",
                value: flags.into(),
                expected: "0 to 3 (bit 0 keyframe, bit 1 new op-table stream)",
            });
        }
        let len = r.u32("Update op table length")?;
        check_count("Update op table length", len.into(), MAX_MESSAGE_LEN.into())?;
        let compressed = r.take(len as usize, "Update op table")?;
        let table = reader.decompress_table(flags & FLAG_RESTART != 0, compressed)?;
        let mut t = Reader::new(&table);
        let sequence = t.u64("Update sequence")?;
        let capture_us = t.u64("Update capture time")?;
        let count = t.u32("op count")?;
        check_limit("op count", count.into(), MAX_OPS_PER_UPDATE.into())?;
        // Every op takes at least MIN_OP_LEN bytes: a count the table cannot hold is a
        // truncation, reported before reserving memory for it.
        let needed = count as usize * MIN_OP_LEN;
        if needed > t.left() {
            return Err(Error::WireTruncated {
                what: "Update ops",
                needed,
                available: t.left(),
            });
        }
        let mut ops = Vec::with_capacity(count as usize);
        for _ in 0..count {
            ops.push(Op::read_entry(&mut t, r)?);
        }
        t.finish("Update op table")?;
        Ok(Self {
            sequence,
            capture_us,
            update: Update {
                ops,
                keyframe: flags & FLAG_KEYFRAME != 0,
            },
        })
    }
}
