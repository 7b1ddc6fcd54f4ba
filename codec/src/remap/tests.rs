//! Remap tests: a dimmed page is found through one map, blocks that are no function of their
//! old pixels are left to code, and approximate blocks are taken only where the map is gentle.

use super::*;
use crate::{diff, Frame, Rect};

/// Sets each pixel of `rect` to `f(x, y, pixel)`, `x` and `y` counted from the rect's corner.
fn paint(frame: &mut Frame, rect: Rect, f: impl Fn(u32, u32, &[u8]) -> [u8; 4]) {
    let mut view = frame.view_mut();
    let mut area = view.sub_mut(rect).unwrap();
    for y in 0..rect.height {
        for (x, px) in (0..).zip(area.row_mut(y).chunks_exact_mut(4)) {
            let new = f(x, y, px);
            px.copy_from_slice(&new);
        }
    }
}

/// A 640×384 page: bands of grey levels and colours, every value of every channel somewhere.
fn page() -> Frame {
    let mut frame = Frame::new(640, 384).unwrap();
    paint(&mut frame, Rect::new(0, 0, 640, 384), |x, y, _| {
        let v = ((x * 7 + y * 3) % 256) as u8;
        [v, v.wrapping_mul(3), 255 - v, 255]
    });
    frame
}

/// The backdrop of a modal dialog: each channel 45 % of its value and 55 % of a dark blue.
fn dim(v: u8, c: usize) -> u8 {
    let tint = [30u32, 20, 15][c];
    ((u32::from(v) * 45 + tint * 55 + 50) / 100) as u8
}

fn dimmed(frame: &Frame) -> Frame {
    let mut out = frame.clone();
    ColourMap::from_fn(|c, v| dim(v, c)).apply(&mut out.view_mut());
    out
}

fn found(base: &Frame, new: &Frame, approx: impl Fn(u32, u32) -> bool) -> Option<Remap> {
    let dirty = diff(&base.view(), &new.view()).unwrap();
    find(&base.view(), &new.view(), &dirty, approx)
}

#[test]
fn a_dimmed_page_is_one_map_and_the_dialog_is_left_to_code() {
    let base = page();
    let mut new = dimmed(&base);
    // A dialog of new content (a pattern no map of the page gives) over the middle.
    let dialog = Rect::new(200, 96, 224, 160);
    paint(&mut new, dialog, |x, y, _| {
        let v = ((x * 13 + y * 5) % 251) as u8;
        [v, 255 - v, v / 2, 255]
    });
    let remap = found(&base, &new, |_, _| false).expect("the dimmed page is a remap");
    let blocks = remap.blocks;
    // Every block outside the dialog's blocks, none inside them.
    let dirty = diff(&base.view(), &new.view()).unwrap();
    for (col, row) in dirty.iter_dirty() {
        let block = dirty.block_rect(col, row);
        let in_dialog = block.intersect(&dialog).is_some();
        assert_eq!(blocks.is_dirty(col, row), !in_dialog, "block {col},{row}");
    }
    // The map paints the taken blocks exactly.
    let mut viewer = base.clone();
    for (col, row) in blocks.iter_dirty() {
        let rect = blocks.block_rect(col, row);
        remap
            .map
            .apply(&mut viewer.view_mut().sub_mut(rect).unwrap());
        assert_eq!(
            Frame::from_view(&viewer.view().sub(rect).unwrap()),
            Frame::from_view(&new.view().sub(rect).unwrap()),
            "block {col},{row}"
        );
    }
    for c in 0..3 {
        assert_eq!(remap.map.tables()[c][200], dim(200, c));
    }
}

#[test]
fn few_blocks_an_alpha_change_or_no_function_is_no_remap() {
    let base = page();
    // Fewer than MIN_BLOCKS blocks dimmed.
    let mut new = base.clone();
    let small = Rect::new(0, 0, 64, 64);
    let dim_part = dimmed(&base);
    new.view_mut()
        .sub_mut(small)
        .unwrap()
        .copy_from(&dim_part.view().sub(small).unwrap())
        .unwrap();
    assert!(found(&base, &new, |_, _| false).is_none());
    // The whole page dimmed but alpha changed.
    let mut new = dimmed(&base);
    paint(&mut new, base.rect(), |_, _, px| [px[0], px[1], px[2], 128]);
    assert!(found(&base, &new, |_, _| false).is_none());
    // Another pattern over the whole page: one old value becomes many new ones.
    let mut new = base.clone();
    paint(&mut new, base.rect(), |x, y, _| {
        let v = ((x * 11 + y * 5) % 256) as u8;
        [v, v, v, 255]
    });
    assert!(found(&base, &new, |_, _| false).is_none());
}

#[test]
fn approximate_blocks_need_a_gentle_map() {
    let base = page();
    // Dimming is gentle: the approximate blocks are taken like the others.
    let new = dimmed(&base);
    let all = found(&base, &new, |_, _| false).unwrap().blocks.count();
    let approx_left = |col: u32, _: u32| col < 10;
    assert_eq!(found(&base, &new, approx_left).unwrap().blocks.count(), all);
    // Swapping the two halves of each channel's range is a map too, but one step jumps by 128:
    // a pixel one off the source could come out 128 off.
    let mut swapped = base.clone();
    ColourMap::from_fn(|_, v| v.wrapping_add(128)).apply(&mut swapped.view_mut());
    let remap = found(&base, &swapped, approx_left).unwrap();
    let taken_left = (0..remap.blocks.rows())
        .flat_map(|row| (0..10).map(move |col| (col, row)))
        .filter(|&(col, row)| remap.blocks.is_dirty(col, row))
        .count();
    assert_eq!(taken_left, 0, "approximate blocks under a steep map");
    assert_eq!(
        remap.blocks.count(),
        all - 10 * remap.blocks.rows() as usize
    );
}

#[test]
fn the_majority_of_blocks_sets_an_entry() {
    // Left two thirds dimmed; the right third turns each value into its inverse. Both are
    // maps, and they disagree: the dimmed blocks are more, so their map wins.
    let base = page();
    let mut new = dimmed(&base);
    let right = Rect::new(448, 0, 192, 384);
    paint(&mut new, right, |x, y, _| {
        let s = base.view().pixel(right.x + x, y);
        [255 - s[0], 255 - s[1], 255 - s[2], 255]
    });
    let remap = found(&base, &new, |_, _| false).unwrap();
    for (col, row) in remap.blocks.iter_dirty() {
        assert!(col < 14, "block {col},{row} of the inverted third");
    }
    assert_eq!(remap.blocks.count(), 14 * 12);
    assert_eq!(remap.map.tables()[1][77], dim(77, 1));
}

#[test]
fn applying_maps_each_channel_and_keeps_alpha() {
    let map = ColourMap::from_fn(|c, v| v.wrapping_add(c as u8 + 1));
    let mut frame = Frame::filled(3, 2, [10, 20, 30, 40]).unwrap();
    map.apply(&mut frame.view_mut().sub_mut(Rect::new(1, 0, 2, 1)).unwrap());
    assert_eq!(frame.view().pixel(0, 0), [10, 20, 30, 40]);
    assert_eq!(frame.view().pixel(1, 0), [11, 22, 33, 40]);
    assert_eq!(frame.view().pixel(2, 1), [10, 20, 30, 40]);
}
