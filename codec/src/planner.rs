//! Planner: merges a mask of blocks into a few tight, bounded encode rects.
//!
//! Greedy and exact: every set block is covered once, no clean block is included (so two
//! distant changes never become one giant rect), and no rect exceeds the size bound (which
//! keeps AV1 tiles small enough to encode in parallel and to start decoding early).

use crate::{DirtyMap, Rect};

/// Largest rect edge, in blocks (8 × 32 px = 256 px).
pub(crate) const MAX_RECT_BLOCKS: u32 = 8;

/// Covers the set blocks of `mask` with rects of at most `max_blocks`² blocks, row-major
/// order. Each run of set blocks along a row grows downward while the rows below hold the
/// same run.
pub(crate) fn merge(mask: &DirtyMap, max_blocks: u32) -> Vec<Rect> {
    let max = max_blocks.max(1);
    let mut todo = mask.clone();
    let mut rects = Vec::new();
    for row in 0..todo.rows() {
        let mut col = 0;
        while col < todo.cols() {
            if !todo.is_dirty(col, row) {
                col += 1;
                continue;
            }
            let mut width = 1;
            while width < max && todo.is_dirty(col + width, row) {
                width += 1;
            }
            let mut height = 1;
            while height < max && (col..col + width).all(|c| todo.is_dirty(c, row + height)) {
                height += 1;
            }
            for r in row..row + height {
                for c in col..col + width {
                    todo.set(c, r, false);
                }
            }
            let first = mask.block_rect(col, row);
            let last = mask.block_rect(col + width - 1, row + height - 1);
            rects.push(first.union(&last));
            col += width;
        }
    }
    rects
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mask(cols: u32, rows: u32, set: &[(u32, u32)]) -> DirtyMap {
        let mut map = DirtyMap::new(cols * 32 - 5, rows * 32 - 3, 32);
        for &(c, r) in set {
            map.set(c, r, true);
        }
        map
    }

    /// Every set block is covered exactly once and nothing else is.
    fn assert_exact_cover(map: &DirtyMap, rects: &[Rect]) {
        for r in 0..map.rows() {
            for c in 0..map.cols() {
                let block = map.block_rect(c, r);
                let covering = rects
                    .iter()
                    .filter(|rect| rect.intersect(&block).is_some())
                    .count();
                assert_eq!(
                    covering,
                    map.is_dirty(c, r) as usize,
                    "block ({c},{r}) in {rects:?}"
                );
            }
        }
    }

    #[test]
    fn distant_changes_stay_separate() {
        let map = mask(60, 34, &[(1, 1), (50, 30)]);
        let rects = merge(&map, MAX_RECT_BLOCKS);
        assert_eq!(
            rects,
            vec![Rect::new(32, 32, 32, 32), Rect::new(1600, 960, 32, 32)]
        );
    }

    #[test]
    fn full_frame_is_bounded_tiles_clipped_at_the_edge() {
        let mut map = mask(60, 34, &[]);
        map.mark_all();
        let rects = merge(&map, MAX_RECT_BLOCKS);
        assert_exact_cover(&map, &rects);
        assert!(rects.iter().all(|r| r.width <= 256 && r.height <= 256));
        assert_eq!(rects.len(), 8 * 5); // ceil(60/8) × ceil(34/8)
        let last = rects.last().unwrap();
        assert_eq!((last.right(), last.bottom()), (60 * 32 - 5, 34 * 32 - 3));
    }

    #[test]
    fn l_shape_is_covered_exactly() {
        let map = mask(
            10,
            10,
            &[(2, 2), (3, 2), (4, 2), (2, 3), (2, 4), (7, 9), (8, 9)],
        );
        let rects = merge(&map, MAX_RECT_BLOCKS);
        assert_exact_cover(&map, &rects);
        assert_eq!(rects.len(), 3);
    }
}
