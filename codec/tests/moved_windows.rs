//! A window dragged across the screen: its uncovered trail comes back from the tile cache in
//! parts (`CachePart`), bit-exact, and a viewer whose cache disagrees refuses it. Over a
//! photo, the trail comes back as the viewer showed it once refined.

mod common;

use common::{paint_photo, text_frame, wire_len, Rng};
use meekijk_codec::metrics::psnr;
use meekijk_codec::{Error, Frame, HostConfig, HostEncoder, Op, Rect, Update, ViewerDecoder};

const W: u32 = 1280;
const H: u32 = 720;

/// A patterned wallpaper: cells of 2×2 pixels, each one of 40 colours at random. Lossless as
/// a palette (few colours, most pixels repeat a neighbour) but costly to code: what the
/// window uncovers is worth recalling.
fn wallpaper() -> Frame {
    let mut rng = Rng(77);
    let colours: Vec<[u8; 4]> = (0..40)
        .map(|_| [rng.below(256) as u8, rng.below(256) as u8, 90, 255])
        .collect();
    let cells: Vec<usize> = (0..(W / 2) * (H / 2))
        .map(|_| rng.below(40) as usize)
        .collect();
    let data = (0..H)
        .flat_map(|y| (0..W).map(move |x| (y / 2) * (W / 2) + x / 2))
        .flat_map(|cell| colours[cells[cell as usize]])
        .collect();
    Frame::from_vec(data, W, H).unwrap()
}

/// The desktop with the window's top-left corner at (`x`, `y`).
fn desktop(background: &Frame, window: &Frame, x: u32, y: u32) -> Frame {
    let mut frame = background.clone();
    let area = Rect::new(x, y, window.width(), window.height());
    frame
        .view_mut()
        .sub_mut(area)
        .unwrap()
        .copy_from(&window.view())
        .unwrap();
    frame
}

/// Where the window is at each step: off the block grid, dragged right and down, then back
/// over its own trail (which it uncovers again: the wallpaper of the first frame).
fn path() -> impl Iterator<Item = (u32, u32)> {
    (0..40u32).map(|step| {
        let out = step.min(20);
        let back = step.saturating_sub(20);
        (101 + 15 * out - 15 * back, 83 + 2 * out - 2 * back)
    })
}

/// Drags the window over the wallpaper along [`path`], checking the viewer against the
/// source after every update. Returns the updates.
fn drag(cache_blocks: usize) -> Vec<Update> {
    let config = HostConfig {
        cache_blocks,
        ..HostConfig::new(W, H)
    };
    let mut host = HostEncoder::new(config).unwrap();
    let mut viewer = ViewerDecoder::with_cache_blocks(W, H, cache_blocks).unwrap();
    let (background, window) = (wallpaper(), text_frame(400, 300, 21));
    let mut updates = Vec::new();
    for (step, (x, y)) in path().enumerate() {
        let frame = desktop(&background, &window, x, y);
        let update = host.encode(&frame.view()).unwrap();
        viewer.apply(&update).unwrap();
        assert!(
            viewer.framebuffer().data() == frame.data(),
            "step {step}: the viewer differs from the source"
        );
        updates.push(update);
    }
    updates
}

#[test]
fn a_dragged_window_uncovers_what_lay_under_it_from_the_cache() {
    let with = drag(HostConfig::new(W, H).cache_blocks);
    let without = drag(0);
    let parts = with.iter().flat_map(|u| &u.ops);
    assert!(parts.clone().any(|op| matches!(op, Op::CachePart { .. })));
    // On the way back, what the window uncovers is the first frame's wallpaper.
    let back = |updates: &[Update]| updates[21..].iter().map(wire_len).sum::<usize>();
    let (cached, coded) = (back(&with), back(&without));
    assert!(
        cached * 3 <= coded * 2,
        "the way back cost {cached} bytes from the cache, {coded} coded again"
    );
}

#[test]
fn a_cache_part_the_viewer_cannot_match_is_refused_not_painted() {
    let mut host = HostEncoder::new(HostConfig::new(W, H)).unwrap();
    let mut viewer = ViewerDecoder::new(W, H).unwrap();
    let (background, window) = (wallpaper(), text_frame(400, 300, 21));
    // The first steps uncover what the window hid in the first frame; later ones what it
    // covered since.
    let (update, frame) = path()
        .find_map(|(x, y)| {
            let frame = desktop(&background, &window, x, y);
            let update = host.encode(&frame.view()).unwrap();
            let has_part = update
                .ops
                .iter()
                .any(|op| matches!(op, Op::CachePart { .. }));
            if !has_part {
                viewer.apply(&update).unwrap();
            }
            has_part.then_some((update, frame))
        })
        .expect("the uncovered trail comes from the cache");
    let part = update
        .ops
        .iter()
        .position(|op| matches!(op, Op::CachePart { .. }))
        .unwrap();
    let before = viewer.framebuffer().data().to_vec();
    for tamper in [0u32, 1] {
        let mut bad = update.clone();
        let Op::CachePart { first, check, .. } = &mut bad.ops[part] else {
            unreachable!()
        };
        match tamper {
            0 => *check ^= 1,
            _ => *first = u32::MAX - 1,
        }
        let err = viewer.apply(&bad).unwrap_err();
        assert!(matches!(err, Error::CacheMiss { .. }), "{err}");
        assert!(viewer.framebuffer().data() == before.as_slice());
    }
    viewer.apply(&update).unwrap();
    assert!(viewer.framebuffer().data() == frame.data());
}

/// A photo wallpaper (AV1, refined once still) with the window held still until all of it is
/// refined, then dragged out along [`path`] and back to where it started. Returns the
/// updates of the drag, and what the viewer showed before and after it.
fn drag_over_photo(cache_blocks: usize) -> (Vec<Update>, Frame, Frame) {
    let config = HostConfig {
        cache_blocks,
        ..HostConfig::new(W, H)
    };
    let mut host = HostEncoder::new(config).unwrap();
    let mut viewer = ViewerDecoder::with_cache_blocks(W, H, cache_blocks).unwrap();
    let mut background = Frame::new(W, H).unwrap();
    paint_photo(&mut background, Rect::new(0, 0, W, H), 0, 5);
    let window = text_frame(400, 300, 21);
    let mut send = |(x, y)| {
        let frame = desktop(&background, &window, x, y);
        let update = host.encode(&frame.view()).unwrap();
        viewer.apply(&update).unwrap();
        let shown = Frame::from_view(&viewer.framebuffer());
        let db = psnr(&shown.view(), &frame.view()).unwrap();
        assert!(db >= 38.0, "the viewer is {db:.1} dB from the source");
        (update, shown)
    };
    let start = path().next().unwrap();
    let before = (0..40).map(|_| send(start).1).last().unwrap();
    let (updates, shown): (Vec<Update>, Vec<Frame>) =
        path().skip(1).chain([start]).map(send).unzip();
    (updates, before, shown.into_iter().last().unwrap())
}

#[test]
fn a_window_dragged_over_a_photo_uncovers_the_refined_photo_from_the_cache() {
    let (with, before, after) = drag_over_photo(HostConfig::new(W, H).cache_blocks);
    let (without, ..) = drag_over_photo(0);
    // On the way back, what the window uncovers is the photo as refined before the drag.
    let back = |updates: &[Update]| updates[20..].iter().map(wire_len).sum::<usize>();
    let (cached, coded) = (back(&with), back(&without));
    assert!(
        cached * 3 <= coded,
        "the way back cost {cached} bytes from the cache, {coded} coded again"
    );
    let (old, new) = (before.data().chunks_exact(4), after.data().chunks_exact(4));
    let total = old.len();
    let same = old.zip(new).filter(|(a, b)| a == b).count();
    assert!(
        same * 100 >= total * 95,
        "back where it started, the viewer shows {same} of {total} pixels as before"
    );
}
