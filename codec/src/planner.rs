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

/// Groups rects to code as one: rects inside one row of `block`-pixel blocks that touch or
/// overlap along it join into a run while the run's bounding rect covers at most a quarter
/// more pixels than its members. Returns each run's bounding rect and the indices of its
/// members in `rects`; every rect is in exactly one run, and a rect across block rows is a
/// run on its own.
///
/// After a scroll, a new line of text is left as a strip per block (the rows its copy did
/// not cover), each of which would be a palette op with its own headers and band table and
/// no glyph continuing across the cut. Bounded by the block row, a run only touches blocks
/// its members touch, so the refinement state of blocks stays exact.
pub(crate) fn join_runs(rects: &[Rect], block: u32) -> Vec<(Rect, Vec<usize>)> {
    let block = u64::from(block.max(1));
    let first_row = |r: &Rect| u64::from(r.y) / block;
    let in_one_row = |r: &Rect| !r.is_empty() && (r.bottom() - 1) / block == first_row(r);
    let mut order: Vec<usize> = (0..rects.len()).collect();
    order.sort_by_key(|&i| (first_row(&rects[i]), rects[i].x));
    let mut runs: Vec<(Rect, Vec<usize>)> = Vec::new();
    // Pixels of the members of the last run, while it is open to joins.
    let mut open: Option<u64> = None;
    for i in order {
        let rect = rects[i];
        if let (Some(area), Some((run, members))) = (open, runs.last_mut()) {
            let joined = run.union(&rect);
            let area = area + rect.area();
            let touches = u64::from(rect.x) <= run.right();
            if in_one_row(&rect)
                && first_row(run) == first_row(&rect)
                && touches
                && joined.area() * 4 <= area * 5
            {
                *run = joined;
                members.push(i);
                open = Some(area);
                continue;
            }
        }
        runs.push((rect, vec![i]));
        open = in_one_row(&rect).then(|| rect.area());
    }
    runs
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

    fn runs(rects: &[Rect]) -> Vec<(Rect, Vec<usize>)> {
        let runs = join_runs(rects, 32);
        let mut seen: Vec<usize> = runs.iter().flat_map(|(_, m)| m.clone()).collect();
        seen.sort_unstable();
        assert_eq!(seen, (0..rects.len()).collect::<Vec<_>>(), "each rect once");
        for (run, members) in &runs {
            for &i in members {
                assert_eq!(run.intersect(&rects[i]), Some(rects[i]), "{run:?} covers");
            }
        }
        runs
    }

    #[test]
    fn strips_of_one_line_of_text_join() {
        // A line cut at block edges: rows 965..978 of some blocks, one block whole.
        let line = [
            Rect::new(160, 965, 32, 13),
            Rect::new(224, 960, 32, 32),
            Rect::new(192, 966, 32, 12),
            Rect::new(256, 965, 96, 13),
        ];
        let joined = runs(&line);
        // The whole block would make either neighbour's box cover far more than it holds.
        assert_eq!(
            joined,
            vec![
                (Rect::new(160, 965, 64, 13), vec![0, 2]),
                (Rect::new(224, 960, 32, 32), vec![1]),
                (Rect::new(256, 965, 96, 13), vec![3]),
            ]
        );
    }

    #[test]
    fn gaps_rows_and_tall_rects_keep_runs_apart() {
        let rects = [
            Rect::new(0, 0, 32, 10),
            Rect::new(40, 0, 32, 10),  // a gap of 8 pixels
            Rect::new(72, 22, 32, 10), // touches, but the box would be three times its rows
            Rect::new(0, 32, 64, 10),  // the next block row
            Rect::new(64, 40, 32, 40), // across two block rows
            Rect::new(96, 32, 32, 10), // touches that one, which joins nothing
        ];
        let joined = runs(&rects);
        assert_eq!(joined.len(), rects.len(), "{joined:?}");
    }

    #[test]
    fn side_by_side_strips_become_one_rect() {
        let rects: Vec<Rect> = (0..6).map(|i| Rect::new(i * 32, 70, 32, 8)).collect();
        assert_eq!(
            runs(&rects),
            vec![(Rect::new(0, 70, 192, 8), (0..6).collect())]
        );
    }
}
