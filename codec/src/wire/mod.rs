//! The wire protocol: versioned, length-prefixed binary messages between host and viewer.
//!
//! Start with [`HostMessage`] and [`ViewerMessage`]: `encode` appends one frame to a `Vec<u8>`,
//! `decode` parses exactly one frame. On a byte stream, [`take_frame`] (or [`frame_len`]) cuts
//! complete frames off a growing receive buffer and never asks for more than one bounded frame.
//! A session's updates go through one [`UpdateWriter`] on the host and one [`HostReader`] on
//! the viewer: their op tables share a compression stream (see [`UpdateWriter`]).
//!
//! Everything that crosses the network goes through this one strict codec: every length and count
//! is checked against a `MAX_*` limit before anything is allocated; truncation, trailing bytes,
//! unknown types and tags, empty or out-of-range rects, bad enum values and invalid UTF-8 are
//! errors that name the field and the accepted values. Each value has exactly one byte form
//! (`encode(decode(x)) == x`) except an update's compressed op table, and `encode` refuses
//! what `decode` would refuse.
//!
//! # Format
//!
//! Integers are big-endian. Rects (`x, y, width, height`) travel only inside an update's op
//! table (below); they must be non-empty and lie within `MAX_DIMENSION`² (the viewer checks
//! them against its real framebuffer).
//!
//! | part | bytes |
//! |---|---|
//! | frame header | magic `"MK"` (2), version `11` (u8), type (u8), payload length (u32, ≤ [`MAX_MESSAGE_LEN`]) |
//! | `0x01` Hello | protocol version (u16 ≥ 1), width, height (u32, 1..=`MAX_DIMENSION`), chroma (u8: 0 = 4:4:4, 1 = 4:2:0), max message length (u32), max in flight (u16, ≤ [`MAX_IN_FLIGHT`]), tile cache bytes (u32, ≤ [`MAX_TILE_CACHE_BYTES`]) |
//! | `0x02` Update | flags (u8: bit 0 keyframe, bit 1 the op table starts a new stream, others 0), op table length (u32, ≥ 1), op table (zstd, flushed in the session's stream), then the data of every Palette and Av1 op in op order |
//! | `0x03` Cursor | x, y (u32), shape flag (u8): 0 the shape stays; 1 a new shape: width, height (u16, ≤ [`MAX_CURSOR_SIZE`]), hotspot x, y (u16, inside), `w*h*4` premultiplied BGRA bytes (all transparent: hidden); 2 a kept shape: its place (u8, < [`MAX_CURSOR_SHAPES`], 0 the newest of the new shapes sent) |
//! | `0x04` ControlState | granted (u8 0/1) |
//! | `0x05` / `0x85` Bye | reason (u8, 0..=5, see [`ByeReason`]), text length (u16, ≤ [`MAX_TEXT_LEN`]), UTF-8 text |
//! | `0x81` Ack | sequence (u64) |
//! | `0x82` Input | kind (u8): `1` move x, y (u32); `2`/`3` button down/up (u8: 1, 2, 3, 8, 9); `4` wheel dx, dy (i16); `5`/`6` key down/up keysym (u32, 1..=[`MAX_KEYSYM`]) |
//! | `0x83` ControlRequest, `0x84` RefreshRequest | empty |
//!
//! An Update's op table, decompressed. Numbers are LEB128 varints in their shortest form;
//! positions are zigzag varint differences, so that what repeats from frame to frame repeats
//! as bytes for the stream to find. Head: sequence and capture time µs (differences from the
//! previous table of the stream; from 0 after a restart), op count (≤ [`MAX_OPS_PER_UPDATE`]).
//! Then one entry per op: tag (u8), rect (x, y as differences from the previous entry's rect,
//! from 0, 0 for the first; width, height), then:
//!
//! | op | after the rect |
//! |---|---|
//! | `0x01` Fill | BGRA (4) |
//! | `0x02` Palette | new colour count (0..=[`MAX_PALETTE_COLOURS`]), data length (≥ 1; the data is a header byte, then new colours and indices, compressed) |
//! | `0x03` Av1 | quality (u8), data length (≥ 1) |
//! | `0x04` CopyRect | (the rect is the source) destination x, y as differences from the source's; the destination rect must be in range too |
//! | `0x05` CacheHit | first id, id stride (varints ≤ u32), check (u32; see [`Op::CacheHit`](crate::Op::CacheHit)) |
//! | `0x06` Recall | first row id (varint), check (u32; see [`Op::Recall`](crate::Op::Recall)) |
//! | `0x07` CachePart | as CacheHit (see [`Op::CachePart`](crate::Op::CachePart)) |
//! | `0x08` Remap | map flag (u8): 0 = the map of the update's previous Remap, 1 = a map follows: blue, green, red tables of 256 values, each value written as its difference from the one before (from 0), wrapping; at most [`MAX_REMAP_MAPS`] maps an update (see [`Op::Remap`](crate::Op::Remap)) |

mod bye;
mod framing;
pub mod fuzz;
mod host;
mod ops;
mod reader;
mod stream;
mod table;
mod viewer;

#[cfg(test)]
mod tests;

pub use bye::{Bye, ByeReason};
pub use framing::{frame_len, take_frame};
pub use host::{Cursor, CursorLook, CursorShape, Hello, HostMessage, SessionLimits};
pub use ops::UpdateMessage;
pub use stream::{HostReader, UpdateWriter};
pub use viewer::{InputEvent, PointerButton, ViewerMessage};

/// First two bytes of every frame.
pub const MAGIC: [u8; 2] = *b"MK";

/// The wire-format version this build reads and writes (byte 2 of every frame).
pub const VERSION: u8 = 11;

/// Bytes of the frame header: magic (2), version (1), type (1), payload length (4).
pub const HEADER_LEN: usize = 8;

/// Largest payload of one message (32 MiB): a full-screen lossless update of a busy 4K screen
/// fits; a receiver never buffers more than this plus [`HEADER_LEN`] for one frame.
pub const MAX_MESSAGE_LEN: u32 = 32 << 20;

/// Most ops in one update: one per 64×64 block of the largest screen.
pub const MAX_OPS_PER_UPDATE: u32 = 65_536;

/// Most colours one palette op may add to the session table: the tile codec's bound.
pub const MAX_PALETTE_COLOURS: usize = crate::tile::MAX_PALETTE;

/// Most colour maps one update may carry: the host sends one a frame, and its other `Remap`
/// ops name the map of the one before.
pub const MAX_REMAP_MAPS: usize = 16;

/// Largest cursor width and height in pixels.
pub const MAX_CURSOR_SIZE: u16 = 256;

/// Pointer shapes a viewer keeps, the newest first (see [`CursorLook::Kept`]): an animated
/// busy cursor comes back after its cycle (Adwaita's `watch` has 60 images). At most 16 MiB
/// of 256×256 shapes, ~150 KB of usual 24×24 ones.
pub const MAX_CURSOR_SHAPES: usize = 64;

/// Largest `Bye` text in bytes of UTF-8.
pub const MAX_TEXT_LEN: usize = 256;

/// Most updates a host may promise to send ahead of acknowledgements.
pub const MAX_IN_FLIGHT: u16 = 64;

/// Largest tile cache (1 GiB) a host may ask the viewer to keep.
pub const MAX_TILE_CACHE_BYTES: u32 = 1 << 30;

/// Largest X11 keysym (keysyms use 29 bits); 0 is `NoSymbol` and also rejected.
pub const MAX_KEYSYM: u32 = 0x1FFF_FFFF;

// Text lengths are written as u16.
const _: () = assert!(MAX_TEXT_LEN <= u16::MAX as usize);
