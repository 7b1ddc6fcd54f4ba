//! The host's side of cache hits: which entry each changed block names, and the few
//! `CacheHit` rects that name them all.

use super::{check_of, TileCache};
use crate::{DirtyMap, Op, Rect};

/// Screens remembered per block position: switching among this many applications brings
/// each back in the runs it was inserted in.
const PLACED_HISTORY: usize = 4;

/// Per grid block, the cache ids of the last pixels placed there, newest first.
#[derive(Debug)]
pub(crate) struct Placed(Vec<[Option<u32>; PLACED_HISTORY]>);

impl Placed {
    pub(crate) fn new(blocks: usize) -> Self {
        Self(vec![[None; PLACED_HISTORY]; blocks])
    }

    /// Entry `id` now shows at block `index`.
    pub(crate) fn record(&mut self, index: usize, id: u32) {
        let history = &mut self.0[index];
        if history[0] != Some(id) {
            history.rotate_right(1);
            history[0] = Some(id);
        }
    }

    /// The ids placed at block `index`, newest first.
    pub(crate) fn at(&self, index: usize) -> impl Iterator<Item = u32> + '_ {
        self.0[index].iter().flatten().copied()
    }

    pub(crate) fn clear(&mut self) {
        self.0.fill([None; PLACED_HISTORY]);
    }
}

/// True when every pixel of `view` has one colour. Such blocks are not looked up in the
/// cache: a `Fill` costs less than a hit and merges with its neighbours into one rect.
pub(crate) fn is_solid(view: &crate::FrameView<'_>) -> bool {
    // The top row pixel by pixel, then every row against it (a `memcmp`).
    let top = view.row(0);
    let first = &top[..4];
    top.chunks_exact(4).all(|px| px == first) && (1..view.height()).all(|y| view.row(y) == top)
}

/// The entry block `index` (content `key`) should name, if the cache holds its pixels.
/// Preferred, so that hits form long runs: an id placed at this position before (a screen
/// seen before comes back in the runs it was inserted in), then the id after its left
/// neighbour's (content inserted together elsewhere, as after scrolling back), then the
/// newest entry with this content.
pub(crate) fn choose<V>(
    cache: &TileCache<V>,
    key: u64,
    left: Option<u32>,
    placed: &Placed,
    index: usize,
) -> Option<u32> {
    let after_left = left.and_then(|id| id.checked_add(1));
    placed.0[index]
        .iter()
        .copied()
        .chain([after_left])
        .flatten()
        .find(|&id| cache.holds(id, key))
        .or_else(|| cache.find(key))
}

/// A rect of grid cells whose ids step by one along a row and by `stride` from row to row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Run {
    pub(crate) col: u32,
    pub(crate) row: u32,
    pub(crate) width: u32,
    pub(crate) height: u32,
    pub(crate) first: u32,
    pub(crate) stride: u32,
}

/// Groups the cells of a `cols`×`rows` grid that name an id (`ids[row * cols + col]`) into
/// [`Run`]s, in raster order of their top-left cells.
pub(crate) fn runs(cols: u32, rows: u32, ids: &[Option<u32>]) -> Vec<Run> {
    let at = |col: u32, row: u32| (row * cols + col) as usize;
    let mut taken = vec![false; ids.len()];
    let free_id = |taken: &[bool], col: u32, row: u32| {
        let i = at(col, row);
        if taken[i] {
            None
        } else {
            ids[i]
        }
    };
    let mut runs = Vec::new();
    for row in 0..rows {
        for col in 0..cols {
            let Some(first) = free_id(&taken, col, row) else {
                continue;
            };
            let run_from = |taken: &[bool], row: u32, id: u64, width: u32| {
                (0..width)
                    .all(|k| free_id(taken, col + k, row).map(u64::from) == Some(id + u64::from(k)))
            };
            let mut width = 1;
            while col + width < cols && run_from(&taken, row, u64::from(first), width + 1) {
                width += 1;
            }
            let below = (row + 1 < rows)
                .then(|| free_id(&taken, col, row + 1))
                .flatten();
            let stride = below.and_then(|next| next.checked_sub(first)).unwrap_or(0);
            let mut height = 1;
            while row + height < rows
                && below.is_some()
                && run_from(
                    &taken,
                    row + height,
                    u64::from(first) + u64::from(height) * u64::from(stride),
                    width,
                )
            {
                height += 1;
            }
            for r in row..row + height {
                for c in col..col + width {
                    taken[at(c, r)] = true;
                }
            }
            runs.push(Run {
                col,
                row,
                width,
                height,
                first,
                stride: if height > 1 { stride } else { 0 },
            });
        }
    }
    runs
}

/// Groups the hit blocks of `map`'s grid (`ids[row * cols + col]`) into [`Run`]s: one
/// `CacheHit` each, in raster order of their top-left blocks, checked over the keys `cache`
/// holds them under.
pub(crate) fn hit_ops<V>(map: &DirtyMap, ids: &[Option<u32>], cache: &TileCache<V>) -> Vec<Op> {
    let cols = map.cols();
    runs(cols, map.rows(), ids)
        .into_iter()
        .map(|run| {
            let cells = (run.row..run.row + run.height)
                .flat_map(|r| (run.col..run.col + run.width).map(move |c| (r * cols + c) as usize));
            let top_left = map.block_rect(run.col, run.row);
            let bottom_right = map.block_rect(run.col + run.width - 1, run.row + run.height - 1);
            Op::CacheHit {
                rect: Rect::new(
                    top_left.x,
                    top_left.y,
                    bottom_right.right() as u32 - top_left.x,
                    bottom_right.bottom() as u32 - top_left.y,
                ),
                first: run.first,
                stride: run.stride,
                check: check_of(cells.filter_map(|i| Some(cache.get(ids[i]?)?.0))),
            }
        })
        .collect()
}
