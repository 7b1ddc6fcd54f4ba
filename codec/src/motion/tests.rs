//! Motion tests: scrolled regions are found, copies are exact, and only exposed strips stay dirty.

use super::*;
use crate::{compositor, diff, Frame, BLOCK_SIZE};

/// A page of pseudo-text: lines of random "glyph" runs on a light background.
fn page(width: u32, height: u32, seed: u64) -> Frame {
    let mut frame = Frame::filled(width, height, [250, 250, 250, 255]).unwrap();
    let mut state = seed | 1;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut view = frame.view_mut();
    for line in 0..height / 14 {
        for word in 0..width / 40 {
            if next() % 5 == 0 {
                continue;
            }
            let x = word * 40 + (next() % 8) as u32;
            let w = 8 + (next() % 24) as u32;
            let shade = (next() % 120) as u8;
            let rect = Rect::new(x, line * 14 + 3, w.min(width - x), 8);
            view.sub_mut(rect)
                .unwrap()
                .fill([shade, shade, shade + 10, 255]);
        }
    }
    frame
}

/// Copies `content` rows scrolled by `dy` into `pane` of `frame` (content row `y + offset`).
fn show(frame: &mut Frame, content: &Frame, pane: Rect, offset: u32) {
    let src = content
        .view()
        .sub(Rect::new(0, offset, pane.width, pane.height))
        .unwrap();
    frame
        .view_mut()
        .sub_mut(pane)
        .unwrap()
        .copy_from(&src)
        .unwrap();
}

/// `background` with `window` on it, its top-left corner at (`x`, `y`).
fn placed(background: &Frame, window: &Frame, x: u32, y: u32) -> Frame {
    let mut frame = background.clone();
    let rect = Rect::new(x, y, window.width(), window.height());
    show(&mut frame, window, rect, 0);
    frame
}

/// A 400×300 window of text with its top-left corner at (`x`, `y`) on a 1600×900 page.
fn window_at(x: u32, y: u32) -> Frame {
    placed(&page(1600, 900, 3), &page(400, 300, 11), x, y)
}

/// Runs detection from `base` to `new` and checks that at least three quarters of the
/// changed blocks were cleared (copied, whole or in parts).
fn assert_moved(motion: &mut Motion, base: &Frame, new: &Frame, what: &str) {
    let (ops, before, after, _) = detect_and_check(motion, base, new);
    assert!(
        after.count() * 4 < before.count(),
        "{what}: {} of {} still dirty, {ops:?}",
        after.count(),
        before.count()
    );
}

/// Runs detection, applies the copies to `base` as a viewer would and paints the residual
/// rows from `new` as the encoder would, and checks every block that was cleared from the
/// dirty map now equals `new`. Returns the copies, the dirty map before and after, and the
/// residual rows.
fn detect_and_check(
    motion: &mut Motion,
    base: &Frame,
    new: &Frame,
) -> (Vec<Op>, DirtyMap, DirtyMap, Vec<Rect>) {
    let before = diff(&base.view(), &new.view()).unwrap();
    let mut dirty = before.clone();
    let Moves { copies, residuals } = motion.detect(&base.view(), &new.view(), &mut dirty);
    let ops = copies;
    let mut viewer = base.clone();
    for op in &ops {
        let Op::CopyRect { src, dst_x, dst_y } = *op else {
            panic!("not a copy: {op:?}")
        };
        compositor::validate(op, base.width(), base.height()).unwrap();
        compositor::copy_rect(&mut viewer, src, dst_x, dst_y);
    }
    for &rect in &residuals {
        let (right, bottom) = (rect.x + rect.width - 1, rect.y + rect.height - 1);
        for row in rect.y / BLOCK_SIZE..=bottom / BLOCK_SIZE {
            for col in rect.x / BLOCK_SIZE..=right / BLOCK_SIZE {
                assert!(
                    before.is_dirty(col, row) && !dirty.is_dirty(col, row),
                    "a residual is lines of blocks moved in parts: {rect:?}"
                );
            }
        }
        let rows = new.view().sub(rect).unwrap();
        viewer
            .view_mut()
            .sub_mut(rect)
            .unwrap()
            .copy_from(&rows)
            .unwrap();
    }
    for (col, row) in before.iter_dirty() {
        if !dirty.is_dirty(col, row) {
            let block = before.block_rect(col, row);
            assert!(
                viewer.view().sub(block).unwrap().row(0) == new.view().sub(block).unwrap().row(0)
                    && (0..block.height).all(|y| viewer.view().sub(block).unwrap().row(y)
                        == new.view().sub(block).unwrap().row(y)),
                "block ({col},{row}) cleared but wrong after the copies"
            );
        }
    }
    (ops, before, dirty, residuals)
}

#[test]
fn a_scrolled_pane_becomes_copies_and_only_the_exposed_strip_stays_dirty() {
    let (w, h) = (1280u32, 720u32);
    let content = page(1000, 3000, 7);
    // A browser-like window: fixed header and sidebar; the pane starts off the block grid.
    let pane = Rect::new(203, 77, 1000, 600);
    let mut base = Frame::filled(w, h, [60, 60, 60, 255]).unwrap();
    base.view_mut()
        .sub_mut(Rect::new(0, 0, w, 70))
        .unwrap()
        .fill([200, 120, 40, 255]);
    show(&mut base, &content, pane, 100);
    let mut motion = Motion::default();
    for (step, dy) in [3u32, 3, 17, 40].into_iter().enumerate() {
        let offset = 100 + [3, 6, 23, 63][step] - dy;
        let mut new = base.clone();
        show(&mut new, &content, pane, offset + dy);
        let (ops, before, after, _) = detect_and_check(&mut motion, &base, &new);
        assert!(!ops.is_empty(), "scroll by {dy} not found");
        // What is left: the strip the scroll exposed, and the columns of blocks the pane's
        // unaligned left and right edges cut (static and moving pixels in one block).
        let exposed_rows = (dy + 2 * BLOCK_SIZE).div_ceil(BLOCK_SIZE) + 1;
        let edge_blocks = 2 * before.rows();
        let budget = exposed_rows as usize * before.cols() as usize + edge_blocks as usize;
        assert!(
            after.count() <= budget,
            "dy {dy}: {} of {} blocks still dirty (budget {budget})",
            after.count(),
            before.count()
        );

        base = new;
    }
}

#[test]
fn horizontal_scroll_is_found() {
    let content = page(3000, 400, 9);
    let pane = Rect::new(64, 64, 1024, 320);
    let mut base = Frame::filled(1280, 480, [30, 30, 30, 255]).unwrap();
    show(&mut base, &content, pane, 0);
    let mut new = base.clone();
    let src = content.view().sub(Rect::new(45, 0, 1024, 320)).unwrap();
    new.view_mut()
        .sub_mut(pane)
        .unwrap()
        .copy_from(&src)
        .unwrap();
    let (ops, before, after, _) = detect_and_check(&mut Motion::default(), &base, &new);
    assert!(ops
        .iter()
        .any(|op| matches!(op, Op::CopyRect { src, dst_x, .. } if src.x == dst_x + 45)));
    assert!(
        after.count() * 3 < before.count(),
        "{} of {} still dirty",
        after.count(),
        before.count()
    );
}

#[test]
fn unrelated_changes_give_no_copies() {
    let base = page(640, 480, 1);
    let new = page(640, 480, 2);
    let (ops, before, after, _) = detect_and_check(&mut Motion::default(), &base, &new);
    assert!(ops.is_empty(), "{ops:?}");
    assert_eq!(before, after);
}

#[test]
fn blocks_moved_in_parts_leave_only_the_exposed_rows() {
    let (w, h) = (1280u32, 720u32);
    let content = page(1000, 3000, 5);
    // The pane starts and ends off the block grid, under a fixed header.
    let pane = Rect::new(203, 77, 1000, 601);
    let mut base = Frame::filled(w, h, [60, 60, 60, 255]).unwrap();
    base.view_mut()
        .sub_mut(Rect::new(0, 0, w, 77))
        .unwrap()
        .fill([200, 120, 40, 255]);
    show(&mut base, &content, pane, 100);
    let mut motion = Motion::default();
    for (step, dy) in [5u32, 7, 13].into_iter().enumerate() {
        let offset = 100 + [5, 12, 25][step];
        let mut new = base.clone();
        show(&mut new, &content, pane, offset);
        let (_, before, after, residuals) = detect_and_check(&mut motion, &base, &new);
        // At most the exposed strip, widened to the blocks its ends cut: rows of it, or
        // columns of a block where fewer pixels changed (blank columns of the pane).
        let exposed = pane.bottom() as u32 - dy..pane.bottom() as u32;
        for rect in &residuals {
            let rows = exposed.contains(&rect.y) && exposed.contains(&(rect.bottom() as u32 - 1));
            assert!(
                rows || rect.area() <= u64::from(BLOCK_SIZE * dy),
                "dy {dy}: {rect:?} codes more than the exposed strip {exposed:?}"
            );
        }
        let coded: u64 = residuals.iter().map(Rect::area).sum();
        assert!(
            coded <= u64::from((pane.width + 2 * BLOCK_SIZE) * dy),
            "dy {dy}: {coded}"
        );
        // Whole blocks left: only the columns the pane's unaligned left and right edges cut.
        let edge_blocks = 2 * before.rows() as usize;
        assert!(
            after.count() <= edge_blocks,
            "dy {dy}: {} whole blocks left",
            after.count()
        );
        base = new;
    }
}

#[test]
fn a_window_dragged_both_ways_at_once_is_found() {
    let window = page(400, 300, 11);
    let mut base = Frame::filled(1280, 720, [90, 40, 120, 255]).unwrap();
    show(&mut base, &window, Rect::new(300, 200, 400, 300), 0);
    let mut new = Frame::filled(1280, 720, [90, 40, 120, 255]).unwrap();
    show(&mut new, &window, Rect::new(307, 195, 400, 300), 0);
    let (ops, before, after, _) = detect_and_check(&mut Motion::default(), &base, &new);
    assert!(
        ops.iter().any(|op| matches!(
            op,
            Op::CopyRect { src, dst_x, dst_y } if src.x + 7 == *dst_x && src.y == dst_y + 5
        )),
        "{ops:?}"
    );
    assert!(
        after.count() * 2 < before.count(),
        "{} of {} still dirty",
        after.count(),
        before.count()
    );
}

#[test]
fn a_window_dragged_in_any_direction_over_a_busy_background_is_found() {
    // Off the block grid over a background of its own, the window's copy is a big rect and
    // strips at its edges; their order must not let one overwrite another's source (dragged
    // down, a left strip went first and the big rect was dropped).
    let window = page(400, 300, 11);
    let background = page(1280, 720, 3);
    let at = |x, y| placed(&background, &window, x, y);
    for (dx, dy) in [
        (14i32, 1i32),
        (-14, 1),
        (14, -1),
        (-14, -1),
        (5, 9),
        (0, 12),
    ] {
        let (x, y) = (301, 203);
        let base = at(x, y);
        let new = at(x.saturating_add_signed(dx), y.saturating_add_signed(dy));
        let what = format!("moved by ({dx}, {dy})");
        assert_moved(&mut Motion::default(), &base, &new, &what);
    }
}

#[test]
fn a_window_thrown_across_the_screen_is_followed_as_it_speeds_up() {
    // A hand starts a drag slowly and speeds up: each step here is up to 16 px faster than
    // the one before, the last ones far beyond what a search around the window reaches.
    let mut motion = Motion::default();
    let (mut x, mut y) = (40, 500);
    let mut base = window_at(x, y);
    for (dx, dy) in [
        (6, -2),
        (20, -9),
        (35, -20),
        (50, -31),
        (62, -40),
        (60, -37),
    ] {
        (x, y) = (x + dx, y.wrapping_add_signed(dy));
        let new = window_at(x, y);
        assert_moved(&mut motion, &base, &new, &format!("moved by ({dx}, {dy})"));
        base = new;
    }
}

#[test]
fn a_drag_is_followed_across_frames_where_nothing_changed() {
    // Captured faster than the window manager redraws, a drag shows the window still on
    // every other frame. Its next step, faster than a search around the window reaches, is
    // found only around where the last step would take it: no frame in between forgets it.
    let mut motion = Motion::default();
    let (first, still, second) = (
        window_at(200, 400),
        window_at(210, 394),
        window_at(234, 388),
    );
    assert_moved(&mut motion, &first, &still, "the first step, by (10, -6)");
    let (ops, _, _, _) = detect_and_check(&mut motion, &still, &still);
    assert!(ops.is_empty());
    assert_moved(
        &mut motion,
        &still,
        &second,
        "by (24, -6) after a still frame",
    );
}

#[test]
fn a_window_thrown_from_a_standstill_is_found_on_its_first_step() {
    // A flick: the window's first step is already far beyond the search around it (1,800
    // px/s at 30 fps), with no vector from last frame to follow; steps the other way too.
    for (dx, dy) in [(60, -40), (-64, 30), (0, 90), (-45, -45)] {
        let new = window_at(
            600u32.wrapping_add_signed(dx),
            300u32.wrapping_add_signed(dy),
        );
        let what = format!("thrown by ({dx}, {dy})");
        assert_moved(&mut Motion::default(), &window_at(600, 300), &new, &what);
    }
}

#[test]
fn a_dragged_window_leaves_only_the_slivers_it_uncovers() {
    // A window with a plain margin over a busy wallpaper, dragged by (13, -3): the blocks
    // along its edges hold wallpaper that did not move, a sliver it uncovered, and margin
    // that matches both the move and no move. Only the slivers are left to code.
    let mut window = Frame::filled(400, 300, [250, 250, 248, 255]).unwrap();
    show(
        &mut window,
        &page(320, 240, 11),
        Rect::new(40, 30, 320, 240),
        0,
    );
    let background = page(1280, 720, 3);
    let at = |x, y| placed(&background, &window, x, y);
    let (base, new) = (at(312, 203), at(325, 200));
    let (_, before, after, residuals) = detect_and_check(&mut Motion::default(), &base, &new);
    let coded: u64 = residuals.iter().map(Rect::area).sum::<u64>()
        + after
            .iter_dirty()
            .map(|(c, r)| after.block_rect(c, r).area())
            .sum::<u64>();
    // The uncovered L: 13 columns by 300 rows and 3 rows by 400 columns.
    let uncovered = 13 * 300 + 3 * 400;
    assert!(
        coded <= uncovered * 2,
        "{coded} pixels left to code of {} dirty blocks, {uncovered} uncovered",
        before.count()
    );
}

#[test]
fn odd_frame_sizes_and_every_kind_of_move_stay_exact() {
    // Frames off the block grid (narrow right column, short bottom row of blocks), panes
    // reaching their edges, moved every way: nothing may panic, every cleared block must be
    // right (checked inside `detect_and_check`).
    for (w, h) in [(250u32, 170u32), (333, 201), (97, 65)] {
        let content = page(w + 64, h + 64, u64::from(w));
        let pane = Rect::new(w / 5, h / 4, w - w / 5, h - h / 4);
        let mut base = Frame::filled(w, h, [20, 30, 40, 255]).unwrap();
        show(&mut base, &content, pane, 0);
        let mut motion = Motion::default();
        for (dx, dy) in [(0u32, 3u32), (0, 9), (5, 0), (7, 4), (2, 11), (0, 0)] {
            let mut new = Frame::filled(w, h, [20, 30, 40, 255]).unwrap();
            let src = content
                .view()
                .sub(Rect::new(dx, dy, pane.width, pane.height))
                .unwrap();
            new.view_mut()
                .sub_mut(pane)
                .unwrap()
                .copy_from(&src)
                .unwrap();
            detect_and_check(&mut motion, &base, &new);
            base = new;
        }
    }
}

#[test]
fn the_main_vector_goes_first_and_takes_the_blocks_it_shares() {
    // A page scrolled down by 28 rows whose lines of text (8 rows every 96) sit where last
    // frame's vector (up by 14) explains the blocks they leave blank: ranked by the blocks
    // they explain, the scroll must come first and take every block both explain, exactly as
    // assigning again in that order would.
    let text = page(640, 1200, 3);
    let mut content = Frame::filled(640, 1200, [250, 250, 250, 255]).unwrap();
    for top in (22..1190).step_by(96) {
        let line = Rect::new(0, top, 640, 8);
        let src = text
            .view()
            .sub(Rect::new(0, 3 + top / 14 * 14, 640, 8))
            .unwrap();
        content
            .view_mut()
            .sub_mut(line)
            .unwrap()
            .copy_from(&src)
            .unwrap();
    }
    let (mut base, mut new) = (content.clone(), content.clone());
    show(&mut base, &content, Rect::new(0, 0, 640, 480), 100);
    show(&mut new, &content, Rect::new(0, 0, 640, 480), 128);
    let (base, new) = (base.view(), new.view());
    let dirty = diff(&base, &new).unwrap();
    let mut candidates = vec![(0, -14), (0, 28)];
    let mut masks = assign(&base, &new, &dirty, &candidates);
    let (stale, scroll) = (masks[0].count(), masks[1].count());
    assert!(
        stale > 0 && stale < scroll,
        "stale vector {stale}, scroll {scroll} blocks"
    );
    most_first(&base, &new, &dirty, &mut candidates, &mut masks);
    assert_eq!(candidates, [(0, 28), (0, -14)]);
    let again = assign(&base, &new, &dirty, &candidates);
    for (got, want) in masks.iter().zip(&again) {
        assert_eq!(
            got.iter_dirty().collect::<Vec<_>>(),
            want.iter_dirty().collect::<Vec<_>>()
        );
    }
}

#[test]
fn a_fast_drag_followed_off_the_frame_searches_nowhere() {
    // Last frame's drag, continued, would take a probe near the top or left edge off the
    // frame: that search is empty, not a panic or a wrapped range.
    let noise = |seed: u64| {
        let mut frame = Frame::filled(320, 200, [0, 0, 0, 255]).unwrap();
        let mut state = seed;
        for byte in frame.data_mut() {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            *byte = (state >> 56) as u8;
        }
        frame
    };
    let (base, new) = (noise(5), noise(6));
    for (at, previous) in [
        ((64, 4), (3, -60)),
        ((4, 100), (-60, 2)),
        ((64, 190), (5, 60)),
    ] {
        let mut searches = DRAG_PROBES;
        let new = new.view();
        let at_probe = Probe::new(&new, (at.0, at.1, 32)).unwrap();
        let found = probe(&base.view(), &at_probe, &[previous], &mut searches);
        assert!(
            found.is_empty(),
            "probe at {at:?} after {previous:?}: {found:?}"
        );
        assert_eq!(searches, DRAG_PROBES - 2, "both drag searches ran");
    }
}
