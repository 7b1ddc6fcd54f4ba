//! Cache hits in part: what a moved window uncovers is often what lay there before it.
//!
//! Motion sends a dragged window as a copy; the strips it uncovers behind it are seldom whole
//! blocks, so whole-block hits miss them even when the cache holds what lay there (the
//! wallpaper of the first frame, the document under a dialog). Every grid block remembers
//! the entries placed on it ([`Placed`]); where a strip's part in a block equals one of them
//! pixel for pixel, an `Op::CachePart` paints it from that entry.

use super::hits::{runs, Placed};
use super::{check_of, Held, TileCache};
use crate::{FrameView, Op, Rect, Result, BLOCK_SIZE};

/// Splits `rect` of `frame` into `CachePart` ops, for its parts in grid blocks that show
/// again an entry placed on that block, and the rects left to code. `cols` is the number of
/// grid columns of the frame. Nothing found leaves `rect` whole.
pub(crate) fn find(
    cache: &TileCache<Held>,
    placed: &Placed,
    frame: &FrameView<'_>,
    rect: Rect,
    cols: u32,
) -> Result<(Vec<Op>, Vec<Rect>)> {
    let (col0, row0) = (rect.x / BLOCK_SIZE, rect.y / BLOCK_SIZE);
    let width = rect.right().div_ceil(u64::from(BLOCK_SIZE)) as u32 - col0;
    let height = rect.bottom().div_ceil(u64::from(BLOCK_SIZE)) as u32 - row0;
    // The grid block `col` blocks right of and `row` below the one holding `rect`'s top-left
    // pixel (the rect touches `width`×`height` of them).
    let block = |col: u32, row: u32| {
        let (x, y) = ((col0 + col) * BLOCK_SIZE, (row0 + row) * BLOCK_SIZE);
        Rect::new(x, y, BLOCK_SIZE, BLOCK_SIZE)
    };
    let mut ids = Vec::with_capacity((width * height) as usize);
    for row in 0..height {
        for col in 0..width {
            let grid = block(col, row);
            let Some(cell) = grid.intersect(&rect) else {
                ids.push(None);
                continue;
            };
            let within = Rect::new(cell.x - grid.x, cell.y - grid.y, cell.width, cell.height);
            let new = frame.sub(cell)?;
            // One colour is a fill: fewer bytes than naming an entry.
            if super::is_solid(&new) {
                ids.push(None);
                continue;
            }
            let index = ((row0 + row) * cols + col0 + col) as usize;
            let shows = |id: &u32| {
                cache
                    .get(*id)
                    .is_some_and(|(_, held)| same_pixels(&held.pixels.view(), within, &new))
            };
            ids.push(placed.at(index).find(shows));
        }
    }
    let found: u64 = (0..width * height)
        .filter(|&i| ids[i as usize].is_some())
        .filter_map(|i| block(i % width, i / width).intersect(&rect))
        .map(|cell| cell.area())
        .sum();
    // Parts cut the rect into pieces each coded on its own; only worth it when they take
    // most of it.
    if found * 2 < rect.area() {
        return Ok((Vec::new(), vec![rect]));
    }
    let ops = runs(width, height, &ids)
        .into_iter()
        .filter_map(|run| {
            let top_left = block(run.col, run.row);
            let blocks = Rect::new(
                top_left.x,
                top_left.y,
                run.width * BLOCK_SIZE,
                run.height * BLOCK_SIZE,
            );
            let keys = (run.row..run.row + run.height)
                .flat_map(|r| (run.col..run.col + run.width).map(move |c| r * width + c))
                .filter_map(|i| ids[i as usize].and_then(|id| cache.get(id)).map(|(k, _)| k));
            Some(Op::CachePart {
                rect: blocks.intersect(&rect)?,
                first: run.first,
                stride: run.stride,
                check: check_of(keys),
            })
        })
        .collect();
    Ok((ops, left_over(&ids, width, height, rect)))
}

/// True when the `within` part of an entry's `pixels` equals `new`.
fn same_pixels(pixels: &FrameView<'_>, within: Rect, new: &FrameView<'_>) -> bool {
    pixels
        .sub(within)
        .is_ok_and(|old| (0..new.height()).all(|y| old.row(y) == new.row(y)))
}

/// The parts of `rect` without an id: side by side in a row of blocks as one rect, and
/// joined with the one above when they span the same columns.
fn left_over(ids: &[Option<u32>], width: u32, height: u32, rect: Rect) -> Vec<Rect> {
    let mut left: Vec<Rect> = Vec::new();
    for row in 0..height {
        let mut col = 0;
        while col < width {
            if ids[(row * width + col) as usize].is_some() {
                col += 1;
                continue;
            }
            let start = col;
            while col < width && ids[(row * width + col) as usize].is_none() {
                col += 1;
            }
            let grid = Rect::new(
                (rect.x / BLOCK_SIZE + start) * BLOCK_SIZE,
                (rect.y / BLOCK_SIZE + row) * BLOCK_SIZE,
                (col - start) * BLOCK_SIZE,
                BLOCK_SIZE,
            );
            let Some(piece) = grid.intersect(&rect) else {
                continue;
            };
            match left.iter_mut().find(|r| {
                r.x == piece.x && r.width == piece.width && r.bottom() == u64::from(piece.y)
            }) {
                Some(above) => above.height += piece.height,
                None => left.push(piece),
            }
        }
    }
    left
}

#[cfg(test)]
mod tests;
