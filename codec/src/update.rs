//! `Update`: what the host sends per captured frame, an ordered list of drawing ops.

use std::sync::Arc;

use bytes::Bytes;

use crate::{ColourMap, Rect};

/// One drawing instruction for the viewer. Ops apply in order; each names the pixels it writes.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Op {
    /// Paint `rect` with one BGRA colour.
    Fill {
        /// Target pixels.
        rect: Rect,
        /// The colour, BGRA.
        colour: [u8; 4],
    },
    /// A lossless few-colour tile: indices into the session colour table, compressed (see
    /// `tile::palette`).
    Palette {
        /// Target pixels.
        rect: Rect,
        /// Colours this op adds to the session colour table (0..=4096).
        new_colours: u16,
        /// The compressed new colours and indices.
        data: Bytes,
    },
    /// An independent AV1 still frame covering `rect` exactly.
    Av1 {
        /// Target pixels.
        rect: Rect,
        /// The rav1e base quantizer it was coded at (0 best .. 255 coarsest).
        quality: u8,
        /// One AV1 temporal unit (OBUs, low-overhead format).
        data: Bytes,
    },
    /// Copy pixels the viewer already has (scroll, moved window): `src` to the same-sized rect at
    /// (`dst_x`, `dst_y`). Source and destination may overlap; the copy behaves like `memmove`.
    CopyRect {
        /// Source pixels, in the framebuffer as it is before this op.
        src: Rect,
        /// Left edge of the destination.
        dst_x: u32,
        /// Top edge of the destination.
        dst_y: u32,
    },
    /// Paint `rect` from the viewer's tile cache. The rect is cut into 32-pixel cells from its
    /// top-left corner (narrower at its right and bottom edges); the cell in row `r`, column
    /// `c` is entry `first + r * stride + c`, which must have the cell's size.
    CacheHit {
        /// Target pixels.
        rect: Rect,
        /// Cache id of the top-left cell.
        first: u32,
        /// Id step from one row of cells to the next.
        stride: u32,
        /// Low 32 bits of xxh3-64 over the content keys of the named entries, in cell order:
        /// a viewer whose cache went out of step finds out instead of painting wrong pixels.
        check: u32,
    },
    /// Paint `rect` from the viewer's tile cache, each part from the block that lay at the same
    /// place (what a moved window uncovers again). The rect is cut along the screen's 32-pixel
    /// grid; the part in the grid block `r` rows and `c` columns from the one holding the
    /// rect's top-left pixel is painted from entry `first + r * stride + c`, at the part's
    /// offset within its grid block, which the entry must cover.
    CachePart {
        /// Target pixels.
        rect: Rect,
        /// Cache id of the top-left part.
        first: u32,
        /// Id step from one row of parts to the next.
        stride: u32,
        /// As [`Op::CacheHit`]'s, over the named entries in part order.
        check: u32,
    },
    /// Paint `rect` from the scroll history (rows that vertical copies pushed out of view,
    /// see `history`) as it was before this update: row `r` of the rect from stored row
    /// `first + r`, which must span the rect's columns.
    Recall {
        /// Target pixels.
        rect: Rect,
        /// Row id of the rect's top row.
        first: u64,
        /// Low 32 bits of xxh3-64 over the recalled pixels, row by row: a viewer whose
        /// history went out of step finds out instead of painting wrong pixels.
        check: u32,
    },
    /// Map the pixels of `rect` the viewer holds through `map`, one table per colour channel
    /// (what dims a page behind a modal dialog).
    Remap {
        /// Target pixels, read and written in place.
        rect: Rect,
        /// The tables; the ops of one update usually share one.
        map: Arc<ColourMap>,
    },
}

impl Op {
    /// The pixels this op writes.
    pub fn rect(&self) -> Rect {
        match self {
            Op::Fill { rect, .. }
            | Op::Palette { rect, .. }
            | Op::Av1 { rect, .. }
            | Op::CacheHit { rect, .. }
            | Op::CachePart { rect, .. }
            | Op::Recall { rect, .. }
            | Op::Remap { rect, .. } => *rect,
            Op::CopyRect { src, dst_x, dst_y } => Rect::new(*dst_x, *dst_y, src.width, src.height),
        }
    }

    /// The coded data of a palette or AV1 op: the bytes that follow the update's op table on
    /// the wire.
    pub fn data(&self) -> Option<&Bytes> {
        match self {
            Op::Palette { data, .. } | Op::Av1 { data, .. } => Some(data),
            _ => None,
        }
    }

    /// Payload bytes this op carries (what it costs on the wire, headers aside).
    pub fn payload_len(&self) -> usize {
        match self {
            Op::Fill { .. } => 4,
            Op::Palette { data, .. } => data.len(),
            Op::Av1 { data, .. } => data.len(),
            Op::CopyRect { .. }
            | Op::CacheHit { .. }
            | Op::CachePart { .. }
            | Op::Recall { .. }
            | Op::Remap { .. } => 0,
        }
    }
}

/// Everything the viewer needs to bring its framebuffer from the previous frame to this one.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Update {
    /// Ops in the order they must be applied.
    pub ops: Vec<Op>,
    /// A fresh start (first update, or after a refresh request): the ops cover the whole
    /// screen and refer to nothing sent before; host and viewer empty their tile caches first.
    pub keyframe: bool,
}

impl Update {
    /// An update of `ops` that builds on the previous ones.
    pub fn new(ops: Vec<Op>) -> Self {
        Self {
            ops,
            keyframe: false,
        }
    }

    /// True when nothing changed.
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    /// Sum of the ops' payload bytes.
    pub fn payload_len(&self) -> usize {
        self.ops.iter().map(Op::payload_len).sum()
    }
}
