//! Planner: merges a mask of blocks into a few tight, bounded encode rects.
//!
//! Greedy and exact: every set block is covered once, no clean block is included (so two
//! distant changes never become one giant rect), and no rect exceeds the size bound (which
//! keeps AV1 tiles small enough to encode in parallel and to start decoding early).

use std::collections::HashSet;

use crate::differ::blocks_touched;
use crate::{DirtyMap, Rect, BLOCK_SIZE};

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

/// Rows of blocks a joined rect may span: a line of text crosses at most one block edge.
pub(crate) const JOIN_ROWS: u64 = 2;

/// Groups rects to code as one: rects inside one row of blocks that touch or overlap join
/// while the group's bounding rect spans at most `max_rows` rows of blocks and covers at
/// most a quarter more pixels than its members; a group takes in every rect its box
/// overlaps. Returns each group's bounding rect and the indices of its members in `rects`,
/// in order of block row, then left edge; every rect is in exactly one group. `rects` must
/// not overlap.
///
/// After a scroll, a new line of text is left as a strip per block (the rows its copy did
/// not cover), each of which would be a palette op with its own headers and band table and
/// no glyph continuing across the cut; a line across a block edge was cut in two as well,
/// so its glyphs packed to halves the session stream had not seen.
///
/// A group may touch a block none of its members touch only when no other rect touches it
/// and `may_grow(col, row)` (the host: the block is not waiting for refinement), so
/// painting its pixels again leaves every block's refinement state true.
pub(crate) fn join(
    rects: &[Rect],
    max_rows: u64,
    may_grow: impl Fn(u32, u32) -> bool,
) -> Vec<(Rect, Vec<usize>)> {
    let touched: HashSet<(u32, u32)> = rects.iter().flat_map(|&r| blocks_touched(r)).collect();
    // May a group of `pixels` in rects touching `blocks` (sorted) be coded as `union`?
    let fits = |union: Rect, blocks: &[(u32, u32)], pixels: u64| {
        rows(&union) <= max_rows
            && union.area() * 4 <= pixels * 5
            && blocks_touched(union).all(|block| {
                blocks.binary_search(&block).is_ok()
                    || (!touched.contains(&block) && may_grow(block.0, block.1))
            })
    };
    let mut groups: Vec<Group> = rects
        .iter()
        .enumerate()
        .map(|(i, &rect)| Group {
            rect,
            members: vec![i],
            pixels: rect.area(),
            blocks: blocks_touched(rect).collect(),
            // Rects across block rows (whole blocks, a keyframe's tiles) stay as they are.
            joinable: rows(&rect) == 1,
        })
        .collect();
    // In order of the block row of the top edge: a joined group keeps the place of its first
    // member, so the order holds, and the groups after one that start more than a block row
    // below its last row touch none of it.
    groups.sort_by_key(|g| (g.rect.y / BLOCK_SIZE, g.rect.x));
    let mut joined_any = true;
    while joined_any {
        joined_any = false;
        let mut i = 0;
        while i < groups.len() {
            let mut j = i + 1;
            while j < groups.len() && top_row(&groups[j].rect) <= bottom_row(&groups[i].rect) + 1 {
                match try_join(&mut groups, (i, j), fits) {
                    Some(first) => {
                        joined_any = true;
                        (i, j) = (first, first + 1);
                    }
                    None => j += 1,
                }
            }
            i += 1;
        }
    }
    let mut groups: Vec<(Rect, Vec<usize>)> = groups
        .into_iter()
        .map(|mut g| {
            g.members.sort_unstable();
            (g.rect, g.members)
        })
        .collect();
    groups.sort_by_key(|(r, _)| (r.y / BLOCK_SIZE, r.x));
    groups
}

/// Rects [`join`] codes as one.
struct Group {
    /// The bounding rect.
    rect: Rect,
    /// Indices of the rects.
    members: Vec<usize>,
    /// Pixels of the rects.
    pixels: u64,
    /// The blocks the rects touch, sorted.
    blocks: Vec<(u32, u32)>,
    /// Within one row of blocks, or joined from rects that were.
    joinable: bool,
}

/// The block row of `rect`'s top edge.
fn top_row(rect: &Rect) -> u64 {
    u64::from(rect.y / BLOCK_SIZE)
}

/// The block row of `rect`'s last row of pixels.
fn bottom_row(rect: &Rect) -> u64 {
    rect.bottom().saturating_sub(1) / u64::from(BLOCK_SIZE)
}

/// Rows of blocks `rect` spans (none when it is empty).
pub(crate) fn rows(rect: &Rect) -> u64 {
    if rect.is_empty() {
        return 0;
    }
    bottom_row(rect) - top_row(rect) + 1
}

/// Joins groups `i` and `j` (when they touch) and every group their box overlaps, when all
/// are joinable and `fits` says the box may be coded for them; returns the joined group's
/// index.
fn try_join(
    groups: &mut Vec<Group>,
    (i, j): (usize, usize),
    fits: impl Fn(Rect, &[(u32, u32)], u64) -> bool,
) -> Option<usize> {
    if !(groups[i].joinable && groups[j].joinable && touch(&groups[i].rect, &groups[j].rect)) {
        return None;
    }
    let mut taken = vec![i, j];
    let mut union = groups[i].rect.union(&groups[j].rect);
    // Groups are in order of the block row of their top: none after the first that starts
    // below the box's last row overlaps it.
    let overlapping = |union: Rect, taken: &[usize]| {
        (0..groups.len())
            .take_while(|&k| top_row(&groups[k].rect) <= bottom_row(&union))
            .find(|k| !taken.contains(k) && union.intersect(&groups[*k].rect).is_some())
    };
    while let Some(k) = overlapping(union, &taken) {
        union = union.union(&groups[k].rect);
        taken.push(k);
    }
    let pixels: u64 = taken.iter().map(|&k| groups[k].pixels).sum();
    let mut blocks: Vec<(u32, u32)> = taken
        .iter()
        .flat_map(|&k| groups[k].blocks.iter().copied())
        .collect();
    blocks.sort_unstable();
    blocks.dedup();
    if !taken[2..].iter().all(|&k| groups[k].joinable) || !fits(union, &blocks, pixels) {
        return None;
    }
    taken.sort_unstable();
    let first = taken[0];
    let mut members = Vec::new();
    for &k in taken[1..].iter().rev() {
        members.extend(groups.remove(k).members);
    }
    let group = &mut groups[first];
    group.members.extend(members);
    (group.rect, group.pixels, group.blocks) = (union, pixels, blocks);
    Some(first)
}

/// True when `a` and `b` overlap or share an edge or a corner.
fn touch(a: &Rect, b: &Rect) -> bool {
    u64::from(a.x) <= b.right()
        && u64::from(b.x) <= a.right()
        && u64::from(a.y) <= b.bottom()
        && u64::from(b.y) <= a.bottom()
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

    /// `join`'s groups, checked: each rect in one group, inside its box, and no two boxes
    /// overlap.
    fn groups(
        rects: &[Rect],
        max_rows: u64,
        may_grow: impl Fn(u32, u32) -> bool,
    ) -> Vec<(Rect, Vec<usize>)> {
        let groups = join(rects, max_rows, may_grow);
        let mut seen: Vec<usize> = groups.iter().flat_map(|(_, m)| m.clone()).collect();
        seen.sort_unstable();
        assert_eq!(seen, (0..rects.len()).collect::<Vec<_>>(), "each rect once");
        for (i, (group, members)) in groups.iter().enumerate() {
            for &m in members {
                assert_eq!(
                    group.intersect(&rects[m]),
                    Some(rects[m]),
                    "{group:?} covers"
                );
            }
            for (other, _) in &groups[i + 1..] {
                assert_eq!(
                    group.intersect(other),
                    None,
                    "{group:?} and {other:?} apart"
                );
            }
        }
        groups
    }

    fn runs(rects: &[Rect]) -> Vec<(Rect, Vec<usize>)> {
        groups(rects, 1, |_, _| true)
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

    /// A line of text whose rows 955..972 a scroll left to code, cut by the block edge at 960:
    /// strips above it and below.
    fn line_across_an_edge() -> Vec<Rect> {
        vec![
            Rect::new(160, 955, 64, 5),
            Rect::new(224, 957, 96, 3),
            Rect::new(160, 960, 32, 12),
            Rect::new(192, 960, 32, 13),
            Rect::new(224, 960, 96, 13),
        ]
    }

    #[test]
    fn a_line_across_a_block_edge_joins_whole() {
        let line = line_across_an_edge();
        assert_eq!(
            groups(&line, 2, |_, _| true),
            vec![(Rect::new(160, 955, 160, 18), (0..5).collect())]
        );
        // Within one row of blocks, as before: the halves apart.
        assert_eq!(runs(&line).len(), 3, "{:?}", runs(&line));
    }

    #[test]
    fn a_group_grows_only_over_blocks_it_may_paint() {
        // Their box reaches into block (1, 0), which neither touches.
        let rects = [Rect::new(0, 26, 30, 6), Rect::new(2, 32, 32, 6)];
        assert_eq!(groups(&rects, 2, |_, _| true).len(), 1);
        // Waiting for refinement: left alone.
        assert_eq!(groups(&rects, 2, |col, row| (col, row) != (1, 0)).len(), 2);
        // Another rect there (coded otherwise, maybe lossy): left alone too.
        let mut with_other = rects.to_vec();
        with_other.push(Rect::new(48, 0, 16, 8));
        assert_eq!(groups(&with_other, 2, |_, _| true).len(), 3);
    }

    #[test]
    fn a_group_takes_in_the_rects_its_box_overlaps() {
        // The first two joined would cover parts of the other two: all four or none.
        let rects = [
            Rect::new(0, 26, 32, 6),
            Rect::new(32, 32, 32, 6),
            Rect::new(32, 27, 32, 5),
            Rect::new(0, 32, 32, 4),
        ];
        assert_eq!(
            groups(&rects, 2, |_, _| true),
            vec![(Rect::new(0, 26, 64, 12), vec![0, 1, 2, 3])]
        );
    }

    #[test]
    fn scattered_strips_join_into_disjoint_tight_groups() {
        // Fixed pseudo-random scatters of one-row strips; `groups` checks the cover.
        let mut joined = 0;
        for start in 1..=200u32 {
            let mut seed = start.wrapping_mul(0x9e37_79b9);
            let mut next = |n: u32| {
                seed ^= seed << 13;
                seed ^= seed >> 17;
                seed ^= seed << 5;
                seed % n
            };
            let mut rects: Vec<Rect> = Vec::new();
            while rects.len() < 40 {
                let (col, row) = (next(8), next(4));
                let top = next(28);
                let rect = Rect::new(
                    col * 32 + next(8),
                    row * 32 + top,
                    8 + next(32),
                    1 + next(32 - top),
                );
                if rects.iter().all(|r| r.intersect(&rect).is_none()) {
                    rects.push(rect);
                }
            }
            for (group, members) in groups(&rects, 2, |_, _| true) {
                let pixels: u64 = members.iter().map(|&i| rects[i].area()).sum();
                assert!(group.area() * 4 <= pixels * 5, "{group:?} is tight");
                assert!(rows(&group) <= 2, "{group:?}");
                joined += members.len() - 1;
            }
        }
        assert!(joined > 100, "the scatters join ({joined} joins)");
    }
}
