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

    pub(crate) fn clear(&mut self) {
        self.0.fill([None; PLACED_HISTORY]);
    }
}

/// True when every pixel of `view` has one colour. Such blocks are not looked up in the
/// cache: a `Fill` costs less than a hit and merges with its neighbours into one rect.
pub(crate) fn is_solid(view: &crate::FrameView<'_>) -> bool {
    let first = view.pixel(0, 0);
    (0..view.height()).all(|y| view.row(y).chunks_exact(4).all(|px| px == first))
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

/// Groups the hit blocks of `map`'s grid (`ids[row * cols + col]`, content `keys` alike) into
/// rects whose ids step by one along a row and by a common stride from row to row: one
/// `CacheHit` each, in raster order of their top-left blocks.
pub(crate) fn hit_ops(map: &DirtyMap, ids: &[Option<u32>], keys: &[Option<u64>]) -> Vec<Op> {
    let (cols, rows) = (map.cols(), map.rows());
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
    let mut ops = Vec::new();
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
            let stride = if height > 1 { stride } else { 0 };
            let mut cell_keys = Vec::with_capacity((width * height) as usize);
            for r in row..row + height {
                for c in col..col + width {
                    taken[at(c, r)] = true;
                    cell_keys.extend(keys[at(c, r)]);
                }
            }
            let (top_left, bottom_right) = (
                map.block_rect(col, row),
                map.block_rect(col + width - 1, row + height - 1),
            );
            ops.push(Op::CacheHit {
                rect: Rect::new(
                    top_left.x,
                    top_left.y,
                    bottom_right.right() as u32 - top_left.x,
                    bottom_right.bottom() as u32 - top_left.y,
                ),
                first,
                stride,
                check: check_of(cell_keys.into_iter()),
            });
        }
    }
    ops
}
