//! Wire form of [`Op`] and of the `Update` message that carries a list of them.
//!
//! Payloads (palette indices, AV1 data) are `Bytes` slices of the received frame: parsing an
//! update copies no tile data.

use super::reader::{check_count, check_limit, put_rect, read_rect, Codec, Reader};
use super::{MAX_OPS_PER_UPDATE, MAX_PALETTE_COLOURS};
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

fn put_u32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_be_bytes());
}

/// Writes a u32 length and then `data`, after checking the length fits a message.
fn put_payload(out: &mut Vec<u8>, what: &'static str, data: &[u8]) -> Result<()> {
    check_limit(what, data.len() as u64, super::MAX_MESSAGE_LEN.into())?;
    put_u32(out, data.len() as u32);
    out.extend_from_slice(data);
    Ok(())
}

impl Codec for Op {
    fn encode(&self, out: &mut Vec<u8>) -> Result<()> {
        match self {
            Op::Fill { rect, colour } => {
                out.push(TAG_FILL);
                put_rect(out, "Fill", *rect)?;
                out.extend_from_slice(colour);
            }
            Op::Palette {
                rect,
                new_colours,
                data,
            } => {
                out.push(TAG_PALETTE);
                put_rect(out, "Palette", *rect)?;
                check_new_colours((*new_colours).into())?;
                out.extend_from_slice(&new_colours.to_be_bytes());
                check_data_len("Palette data length", data.len() as u64)?;
                put_payload(out, "Palette data length", data)?;
            }
            Op::Av1 {
                rect,
                quality,
                data,
            } => {
                out.push(TAG_AV1);
                put_rect(out, "Av1", *rect)?;
                out.push(*quality);
                check_data_len("Av1 data length", data.len() as u64)?;
                put_payload(out, "Av1 data length", data)?;
            }
            Op::CopyRect { src, dst_x, dst_y } => {
                out.push(TAG_COPY_RECT);
                put_rect(out, "CopyRect source", *src)?;
                check_copy_dst(*src, *dst_x, *dst_y)?;
                // In range (checked), both fit 16 bits.
                out.extend_from_slice(&(*dst_x as u16).to_be_bytes());
                out.extend_from_slice(&(*dst_y as u16).to_be_bytes());
            }
            Op::CacheHit {
                rect,
                first,
                stride,
                check,
            } => {
                out.push(TAG_CACHE_HIT);
                put_rect(out, "CacheHit", *rect)?;
                put_u32(out, *first);
                put_u32(out, *stride);
                put_u32(out, *check);
            }
        }
        Ok(())
    }

    fn read(r: &mut Reader<'_>) -> Result<Self> {
        let tag = r.u8("op tag")?;
        Ok(match tag {
            TAG_FILL => Op::Fill {
                rect: read_rect(r, "Fill")?,
                colour: r.array("Fill colour")?,
            },
            TAG_PALETTE => {
                let rect = read_rect(r, "Palette")?;
                let new_colours = r.u16("Palette new colour count")?;
                check_new_colours(new_colours.into())?;
                let len = r.u32("Palette data length")?;
                check_data_len("Palette data length", len.into())?;
                let data = r.take_bytes(len as usize, "Palette data")?;
                Op::Palette {
                    rect,
                    new_colours,
                    data,
                }
            }
            TAG_AV1 => {
                let rect = read_rect(r, "Av1")?;
                let quality = r.u8("Av1 quality")?;
                let len = r.u32("Av1 data length")?;
                check_data_len("Av1 data length", len.into())?;
                let data = r.take_bytes(len as usize, "Av1 data")?;
                Op::Av1 {
                    rect,
                    quality,
                    data,
                }
            }
            TAG_COPY_RECT => {
                let src = read_rect(r, "CopyRect source")?;
                let dst_x = r.u16("CopyRect destination")?.into();
                let dst_y = r.u16("CopyRect destination")?.into();
                check_copy_dst(src, dst_x, dst_y)?;
                Op::CopyRect { src, dst_x, dst_y }
            }
            TAG_CACHE_HIT => Op::CacheHit {
                rect: read_rect(r, "CacheHit")?,
                first: r.u32("CacheHit first id")?,
                stride: r.u32("CacheHit id stride")?,
                check: r.u32("CacheHit check")?,
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

impl Codec for UpdateMessage {
    fn encode(&self, out: &mut Vec<u8>) -> Result<()> {
        let ops = &self.update.ops;
        check_limit("op count", ops.len() as u64, MAX_OPS_PER_UPDATE.into())?;
        out.extend_from_slice(&self.sequence.to_be_bytes());
        out.extend_from_slice(&self.capture_us.to_be_bytes());
        out.push(u8::from(self.update.keyframe) * FLAG_KEYFRAME);
        put_u32(out, ops.len() as u32);
        ops.iter().try_for_each(|op| op.encode(out))
    }

    fn read(r: &mut Reader<'_>) -> Result<Self> {
        let sequence = r.u64("Update sequence")?;
        let capture_us = r.u64("Update capture time")?;
        let flags = r.u8("Update flags")?;
        if flags & !FLAG_KEYFRAME != 0 {
            return Err(Error::WireInvalid {
                what: "Update flags",
                value: flags.into(),
                expected: "0 or 1 (keyframe)",
            });
        }
        let count = r.u32("op count")?;
        check_limit("op count", count.into(), MAX_OPS_PER_UPDATE.into())?;
        // Every op takes at least MIN_OP_LEN bytes: a count the payload cannot hold is a
        // truncation, reported before reserving memory for it.
        let needed = count as usize * MIN_OP_LEN;
        if needed > r.left() {
            return Err(Error::WireTruncated {
                what: "Update ops",
                needed,
                available: r.left(),
            });
        }
        let mut ops = Vec::with_capacity(count as usize);
        for _ in 0..count {
            ops.push(Op::read(r)?);
        }
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
