//! Blocks that moved in parts: the leading rows (or columns) of a changed block explained by
//! one vector (or unchanged), its trailing ones by another, and only those in between left
//! to encode.
//!
//! Scrolls and drags rarely line up with the 32-pixel grid. Where a pane's exposed strip
//! begins, where a scrolling pane meets a fixed header, and along a dragged window's edges, a
//! block holds both moved and new (or fixed) pixels; coding it whole costs up to a block row
//! of text per frame. Split, only the lines that are really new are coded.

use super::{row_moved, Vector};
use crate::{FrameView, Op, Rect};

/// The vector of pixels that did not move.
pub(super) const STILL: Vector = (0, 0);

/// Which lines of a block a split cuts it into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Axis {
    /// Rows, top to bottom (edges of vertical motion).
    Rows,
    /// Columns, left to right (edges of horizontal motion).
    Columns,
}

/// A changed block explained in parts: the first `top` lines from `top_vector`, the last
/// `bottom` from `bottom_vector`, the lines between to be coded. `lead` and `trail` are the
/// longest runs each vector explains; `top` and `bottom` are at most those.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Split {
    pub(super) block: Rect,
    axis: Axis,
    top_vector: Vector,
    bottom_vector: Vector,
    lead: u32,
    trail: u32,
    top: u32,
    bottom: u32,
}

impl Split {
    /// Lines in the block.
    fn len(&self) -> u32 {
        match self.axis {
            Axis::Rows => self.block.height,
            Axis::Columns => self.block.width,
        }
    }

    /// `count` lines of the block from line `from`.
    fn lines(&self, from: u32, count: u32) -> Rect {
        let b = self.block;
        match self.axis {
            Axis::Rows => Rect::new(b.x, b.y + from, b.width, count),
            Axis::Columns => Rect::new(b.x + from, b.y, count, b.height),
        }
    }

    /// The parts to copy, each with its vector (still parts need no copy).
    pub(super) fn copies(&self) -> impl Iterator<Item = (Rect, Vector)> {
        [
            (self.lines(0, self.top), self.top_vector),
            (
                self.lines(self.len() - self.bottom, self.bottom),
                self.bottom_vector,
            ),
        ]
        .into_iter()
        .filter(|(rect, vector)| rect.area() > 0 && *vector != STILL)
    }

    /// The lines left to code, if any.
    pub(super) fn residual(&self) -> Option<Rect> {
        let count = self.len() - self.top - self.bottom;
        (count > 0).then(|| self.lines(self.top, count))
    }

    /// True when the two runs meet: nothing of the block is left to code, and the split may
    /// go at any line between `len - trail` and `lead`.
    fn whole(&self) -> bool {
        self.lead + self.trail >= self.len()
    }

    /// Keeps `top` leading lines for `top_vector` and `bottom` trailing ones for
    /// `bottom_vector`.
    fn set(&mut self, top: u32, bottom: u32) {
        (self.top, self.bottom) = (top, bottom);
    }

    /// True when `next` continues this split's block along its lines (the next block to the
    /// right of a row split, below a column split) and splits it the same way.
    fn continued_by(&self, next: &Split) -> bool {
        let (a, b) = (self.block, next.block);
        let adjacent = match self.axis {
            Axis::Rows => a.y == b.y && a.height == b.height && a.right() == u64::from(b.x),
            Axis::Columns => a.x == b.x && a.width == b.width && a.bottom() == u64::from(b.y),
        };
        adjacent
            && next.axis == self.axis
            && next.whole() == self.whole()
            && (next.top_vector, next.bottom_vector) == (self.top_vector, self.bottom_vector)
    }
}

/// Splits `block` by rows or, when that leaves more to code, by columns, whichever leaves
/// fewer pixels: the longest run of leading lines any vector (or none) explains, and the
/// longest run of trailing ones. `None` when no line is explained.
///
/// A block whose explained lines are all unchanged is split too: the trailing edge of a
/// dragged window is a block of still wallpaper and a sliver the window uncovered, and its
/// leading edge a sliver of wallpaper beside window margin that matches both the move and
/// no move (equal runs keep no move). Coded whole, such a block re-sends what the viewer
/// has, a refined photo at hot quality: on the real window-drag-photo recording 2,390 →
/// 1,528 kbit/s once only the sliver is coded.
pub(super) fn split(
    base: &FrameView<'_>,
    new: &FrameView<'_>,
    block: Rect,
    vectors: &[Vector],
) -> Option<Split> {
    let left = |s: &Option<Split>| s.map_or(u64::MAX, |s| s.residual().map_or(0, |r| r.area()));
    let rows = split_along(base, new, block, vectors, Axis::Rows);
    if left(&rows) == 0 {
        return rows;
    }
    let columns = split_along(base, new, block, vectors, Axis::Columns);
    if left(&columns) < left(&rows) {
        columns
    } else {
        rows
    }
}

fn split_along(
    base: &FrameView<'_>,
    new: &FrameView<'_>,
    block: Rect,
    vectors: &[Vector],
    axis: Axis,
) -> Option<Split> {
    let len = match axis {
        Axis::Rows => block.height,
        Axis::Columns => block.width,
    };
    // (vector, leading lines, trailing lines) for no move and each candidate.
    let runs: Vec<(Vector, u32, u32)> = std::iter::once(STILL)
        .chain(vectors.iter().copied())
        .map(|vector| {
            let (lead, trail) = match axis {
                Axis::Rows => row_runs(base, new, block, vector),
                Axis::Columns => column_runs(base, new, block, vector),
            };
            (vector, lead, trail)
        })
        .collect();
    // The longest run of each end; ties keep the earlier vector (STILL: nothing to copy).
    let longest = |end: fn(&(Vector, u32, u32)) -> u32| {
        runs.iter().fold((STILL, 0), |best, run| {
            if end(run) > best.1 {
                (run.0, end(run))
            } else {
                best
            }
        })
    };
    let (top_vector, lead) = longest(|r| r.1);
    let (bottom_vector, trail) = longest(|r| r.2);
    let mut split = Split {
        block,
        axis,
        top_vector,
        bottom_vector,
        lead,
        trail,
        top: lead,
        bottom: trail.min(len - lead),
    };
    if split.whole() {
        split.set(len - trail, trail);
    }
    (split.top + split.bottom > 0).then_some(split)
}

/// Leading and trailing rows of `block` in `new` that equal `base` moved by `vector`.
fn row_runs(base: &FrameView<'_>, new: &FrameView<'_>, block: Rect, vector: Vector) -> (u32, u32) {
    let rows = || 0..block.height;
    let moved = |&i: &u32| row_moved(base, new, block, i, vector);
    let lead = rows().take_while(moved).count() as u32;
    (lead, rows().rev().take_while(moved).count() as u32)
}

/// Leading and trailing columns of `block` in `new` that equal `base` moved by `vector`
/// (none when the moved block leaves the frame): the shortest matching run over its rows,
/// scanned row by row, each row only as far as the runs of the rows above it reach.
fn column_runs(
    base: &FrameView<'_>,
    new: &FrameView<'_>,
    block: Rect,
    (dx, dy): Vector,
) -> (u32, u32) {
    let (sx, sy) = (block.x as i64 + dx as i64, block.y as i64 + dy as i64);
    if sx < 0
        || sy < 0
        || sx + block.width as i64 > base.width() as i64
        || sy + block.height as i64 > base.height() as i64
    {
        return (0, 0);
    }
    // The runs in bytes: each row's runs are then slices of its segment.
    let (mut lead, mut trail) = (block.width as usize * 4, block.width as usize * 4);
    for y in 0..block.height {
        let a = super::segment(new, block.x, block.y + y, block.width);
        let b = super::segment(base, sx as u32, sy as u32 + y, block.width);
        lead = leading_equal(&a[..lead], &b[..lead]);
        trail = trailing_equal(&a[a.len() - trail..], &b[b.len() - trail..]);
        if lead == 0 && trail == 0 {
            break;
        }
    }
    ((lead / 4) as u32, (trail / 4) as u32)
}

/// Bytes of the leading pixels `a` and `b` have in common. Mostly all of them: the edge a
/// run stops at stays put from row to row, and one compare of the rows says so.
fn leading_equal(a: &[u8], b: &[u8]) -> usize {
    if a == b {
        return a.len();
    }
    pixels(a).zip(pixels(b)).take_while(|(p, q)| p == q).count() * 4
}

/// Bytes of the trailing pixels `a` and `b` have in common (see [`leading_equal`]).
fn trailing_equal(a: &[u8], b: &[u8]) -> usize {
    if a == b {
        return a.len();
    }
    pixels(a)
        .rev()
        .zip(pixels(b).rev())
        .take_while(|(p, q)| p == q)
        .count()
        * 4
}

/// The pixels of `bytes`, each as one number: compared with one instruction, not a call.
fn pixels(bytes: &[u8]) -> impl DoubleEndedIterator<Item = u32> + '_ {
    bytes
        .chunks_exact(4)
        .map(|p| u32::from_ne_bytes([p[0], p[1], p[2], p[3]]))
}

/// Lines a split with lines to code gives up at most to line up with its neighbours.
const ALIGN_SLACK: u32 = 4;

/// Makes neighbouring splits along a block row (or column) that use the same vectors split
/// at the same line, so their copies (and the lines left to code) join into one rect each
/// instead of one per block. Splits explained whole take the first line every one of them
/// can split at (a pane's edge: blank lines next to it match either side); the others give
/// up at most [`ALIGN_SLACK`] lines each (glyphs end at different rows in each block).
pub(super) fn align(splits: &mut [Split]) {
    splits.sort_by_key(|s| match s.axis {
        Axis::Rows => (s.axis, s.block.y, s.block.x),
        Axis::Columns => (s.axis, s.block.x, s.block.y),
    });
    let mut start = 0;
    while start < splits.len() {
        let first = splits[start];
        let len = first.len();
        // Whole splits: the range of lines all can split at; others: the lines all keep.
        let (mut lo, mut hi) = if first.whole() {
            (len - first.trail, first.lead)
        } else {
            (first.top, first.bottom)
        };
        let mut end = start + 1;
        while let Some(&next) = splits.get(end) {
            // Only a continuation has the same number of lines.
            if !splits[end - 1].continued_by(&next) {
                break;
            }
            let joined = if first.whole() {
                (lo.max(len - next.trail), hi.min(next.lead))
            } else {
                (lo.min(next.top), hi.min(next.bottom))
            };
            let fits = if first.whole() {
                joined.0 <= joined.1
            } else {
                next.top.abs_diff(lo) <= ALIGN_SLACK && next.bottom.abs_diff(hi) <= ALIGN_SLACK
            };
            if !fits {
                break;
            }
            (lo, hi) = joined;
            end += 1;
        }
        for s in &mut splits[start..end] {
            if first.whole() {
                s.set(lo, len - lo);
            } else {
                s.set(lo, hi);
            }
        }
        start = end;
    }
}

/// Joins rects that continue each other along a row (same rows, touching edges), then those
/// that continue each other down a column, into rects of at most `max_area` pixels, keeping
/// the indices of what each joined rect came from.
pub(super) fn join(parts: Vec<(Rect, usize)>, max_area: u64) -> Vec<(Rect, Vec<usize>)> {
    let parts = parts.into_iter().map(|(r, i)| (r, vec![i])).collect();
    join_pass(
        join_pass(parts, Axis::Rows, max_area),
        Axis::Columns,
        max_area,
    )
}

fn join_pass(
    mut parts: Vec<(Rect, Vec<usize>)>,
    along: Axis,
    max_area: u64,
) -> Vec<(Rect, Vec<usize>)> {
    parts.sort_by_key(|(r, _)| match along {
        Axis::Rows => (r.y, r.height, r.x),
        Axis::Columns => (r.x, r.width, r.y),
    });
    let mut joined: Vec<(Rect, Vec<usize>)> = Vec::new();
    for (rect, from) in parts {
        let continues = |last: &Rect| match along {
            Axis::Rows => {
                last.y == rect.y && last.height == rect.height && last.right() == u64::from(rect.x)
            }
            Axis::Columns => {
                last.x == rect.x && last.width == rect.width && last.bottom() == u64::from(rect.y)
            }
        };
        match joined.last_mut() {
            Some((last, indices)) if continues(last) && last.area() + rect.area() <= max_area => {
                match along {
                    Axis::Rows => last.width += rect.width,
                    Axis::Columns => last.height += rect.height,
                }
                indices.extend(from);
            }
            _ => joined.push((rect, from)),
        }
    }
    joined
}

/// The source of a copy of `dst` under `vector`.
pub(super) fn source(dst: Rect, (dx, dy): Vector) -> Rect {
    Rect::new(
        (dst.x as i64 + dx as i64) as u32,
        (dst.y as i64 + dy as i64) as u32,
        dst.width,
        dst.height,
    )
}

/// A copy op of `dst` under `vector`.
pub(super) fn copy_op(dst: Rect, vector: Vector) -> Op {
    Op::CopyRect {
        src: source(dst, vector),
        dst_x: dst.x,
        dst_y: dst.y,
    }
}
