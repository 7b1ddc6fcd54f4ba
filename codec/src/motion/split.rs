//! Blocks that moved in parts: the top rows of a changed block explained by one vector (or
//! unchanged), its bottom rows by another, and only the rows in between left to encode.
//!
//! Scrolls rarely line up with the 32-pixel grid. Where a pane's exposed strip begins, and
//! where a scrolling pane meets a fixed header, a block holds both moved and new (or fixed)
//! rows; coding it whole costs up to a block row of text per frame. Split, only the rows
//! that are really new are coded.

use super::{row_moved, Vector};
use crate::{Op, Rect};

/// The vector of pixels that did not move.
pub(super) const STILL: Vector = (0, 0);

/// A changed block explained in parts: `top` rows from `top_vector`, `bottom` rows from
/// `bottom_vector`, the rows between to be coded. `lead` and `trail` are the longest runs
/// each vector explains; `top` and `bottom` are at most those.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Split {
    pub(super) block: Rect,
    pub(super) top_vector: Vector,
    pub(super) bottom_vector: Vector,
    lead: u32,
    trail: u32,
    pub(super) top: u32,
    pub(super) bottom: u32,
}

impl Split {
    /// The parts to copy, each with its vector (still parts need no copy).
    pub(super) fn copies(&self) -> impl Iterator<Item = (Rect, Vector)> {
        let b = self.block;
        [
            (Rect::new(b.x, b.y, b.width, self.top), self.top_vector),
            (
                Rect::new(b.x, b.bottom() as u32 - self.bottom, b.width, self.bottom),
                self.bottom_vector,
            ),
        ]
        .into_iter()
        .filter(|(rect, vector)| rect.height > 0 && *vector != STILL)
    }

    /// The rows left to code, if any.
    pub(super) fn residual(&self) -> Option<Rect> {
        let height = self.block.height - self.top - self.bottom;
        (height > 0).then(|| {
            Rect::new(
                self.block.x,
                self.block.y + self.top,
                self.block.width,
                height,
            )
        })
    }

    /// True when the two runs meet: nothing of the block is left to code, and the split may
    /// go at any row between `block.height - trail` and `lead`.
    fn whole(&self) -> bool {
        self.lead + self.trail >= self.block.height
    }

    /// Keeps `top` leading rows for `top_vector` and `bottom` trailing rows for `bottom_vector`.
    fn set(&mut self, top: u32, bottom: u32) {
        (self.top, self.bottom) = (top, bottom);
    }
}

/// Splits `block` by the longest run of leading rows any vector (or none) explains and the
/// longest run of trailing rows; `None` unless some part is a real move.
pub(super) fn split(
    base: &crate::FrameView<'_>,
    new: &crate::FrameView<'_>,
    block: Rect,
    vectors: &[Vector],
) -> Option<Split> {
    let all = || std::iter::once(STILL).chain(vectors.iter().copied());
    let h = block.height;
    let (top_vector, lead) = longest(all(), |vector| {
        (0..h)
            .take_while(|&i| row_moved(base, new, block, i, vector))
            .count() as u32
    });
    let (bottom_vector, trail) = longest(all(), |vector| {
        (0..h)
            .rev()
            .take_while(|&i| row_moved(base, new, block, i, vector))
            .count() as u32
    });
    let mut split = Split {
        block,
        top_vector,
        bottom_vector,
        lead,
        trail,
        top: lead,
        bottom: trail.min(h - lead),
    };
    if split.whole() {
        split.set(h - trail, trail);
    }
    split.copies().next().map(|_| split)
}

/// Rows a split with rows to code gives up at most to line up with its neighbours.
const ALIGN_SLACK: u32 = 4;

/// Makes neighbouring splits along a block row that use the same vectors split at the same
/// rows, so their copies (and the rows left to code) join into one rect each instead of one
/// per block. Splits explained whole take the highest row every one of them can split at (a
/// pane's edge: blank rows next to it match either side); the others give up at most
/// [`ALIGN_SLACK`] rows each (glyphs end at different rows in each block).
pub(super) fn align(splits: &mut [Split]) {
    splits.sort_by_key(|s| (s.block.y, s.block.x));
    let mut start = 0;
    while start < splits.len() {
        let first = splits[start];
        let h = first.block.height;
        // Whole splits: the range of rows all can split at; others: the rows all keep.
        let (mut lo, mut hi) = if first.whole() {
            (h - first.trail, first.lead)
        } else {
            (first.top, first.bottom)
        };
        let mut end = start + 1;
        while let Some(&next) = splits.get(end) {
            let prev = splits[end - 1];
            let neighbours = next.block.y == prev.block.y
                && u64::from(next.block.x) == prev.block.right()
                && next.block.height == h
                && next.whole() == first.whole()
                && (next.top_vector, next.bottom_vector) == (first.top_vector, first.bottom_vector);
            let joined = if first.whole() {
                (lo.max(h - next.trail), hi.min(next.lead))
            } else {
                (lo.min(next.top), hi.min(next.bottom))
            };
            let fits = if first.whole() {
                joined.0 <= joined.1
            } else {
                next.top.abs_diff(lo) <= ALIGN_SLACK && next.bottom.abs_diff(hi) <= ALIGN_SLACK
            };
            if !(neighbours && fits) {
                break;
            }
            (lo, hi) = joined;
            end += 1;
        }
        for s in &mut splits[start..end] {
            if first.whole() {
                s.set(lo, h - lo);
            } else {
                s.set(lo, hi);
            }
        }
        start = end;
    }
}

/// The vector with the longest run, the first one on ties (STILL: nothing to copy).
fn longest(vectors: impl Iterator<Item = Vector>, run: impl Fn(Vector) -> u32) -> (Vector, u32) {
    vectors.fold((STILL, 0), |best, vector| match run(vector) {
        n if n > best.1 => (vector, n),
        _ => best,
    })
}

/// Joins rects that continue each other along a row (same rows, touching edges) into one of
/// at most `max_area` pixels, keeping the indices of what each joined rect came from.
pub(super) fn join_rows(mut parts: Vec<(Rect, usize)>, max_area: u64) -> Vec<(Rect, Vec<usize>)> {
    parts.sort_by_key(|(r, _)| (r.y, r.height, r.x));
    let mut joined: Vec<(Rect, Vec<usize>)> = Vec::new();
    for (rect, index) in parts {
        match joined.last_mut() {
            Some((last, from))
                if last.y == rect.y
                    && last.height == rect.height
                    && last.right() == u64::from(rect.x)
                    && last.area() + rect.area() <= max_area =>
            {
                last.width += rect.width;
                from.push(index);
            }
            _ => joined.push((rect, vec![index])),
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
