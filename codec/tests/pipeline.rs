//! End-to-end tests of the tile pipeline: `HostEncoder` → `Update` → `ViewerDecoder`.

mod common;

use bytes::Bytes;
use common::{glyph, paint_photo, text_frame, wire_len};
use meekijk_codec::metrics::psnr;
use meekijk_codec::{
    Error, Frame, HostConfig, HostEncoder, Op, Rect, Update, ViewerDecoder, MAX_DIMENSION,
};

const W: u32 = 1280;
const H: u32 = 720;

fn pair() -> (HostEncoder, ViewerDecoder) {
    (
        HostEncoder::new(HostConfig::new(W, H)).unwrap(),
        ViewerDecoder::new(W, H).unwrap(),
    )
}

fn region_psnr(a: &Frame, viewer: &ViewerDecoder, rect: Rect) -> f64 {
    psnr(
        &a.view().sub(rect).unwrap(),
        &viewer.framebuffer().sub(rect).unwrap(),
    )
    .unwrap()
}

#[test]
fn text_is_bit_exact_and_each_update_is_complete_when_encode_returns() {
    let (mut host, mut viewer) = pair();
    let mut frame = text_frame(W, H, 1);
    for step in 0..6u32 {
        if step > 0 {
            // Typing: one more glyph per frame.
            glyph(
                &mut frame,
                400 + step * 8,
                302,
                step as u64 * 7919,
                [220, 220, 220, 255],
                [40, 34, 30, 255],
            );
        }
        let update = host.encode(&frame.view()).unwrap();
        // Zero frame delay: applying just this update shows exactly this frame.
        viewer.apply(&update).unwrap();
        assert!(
            viewer.framebuffer().data() == frame.data(),
            "frame {step} differs on the viewer"
        );
        assert!(
            update.ops.iter().all(|op| !matches!(op, Op::Av1 { .. })),
            "text went lossy"
        );
        if step > 0 {
            assert!(
                update.payload_len() < 2_000,
                "typing update of {} bytes",
                update.payload_len()
            );
        }
    }
    // Nothing changed: nothing to send.
    assert!(host.encode(&frame.view()).unwrap().is_empty());
}

#[test]
fn photo_is_hot_at_once_then_refined_while_text_stays_exact() {
    let (mut host, mut viewer) = pair();
    let mut frame = text_frame(W, H, 2);
    let photo = Rect::new(640, 160, 512, 384);
    let text = Rect::new(0, 0, 600, H);
    for t in 0..3 {
        paint_photo(&mut frame, photo, t, 5);
        let update = host.encode(&frame.view()).unwrap();
        assert!(update.ops.iter().any(|op| matches!(op, Op::Av1 { .. })));
        viewer.apply(&update).unwrap();
        let hot = region_psnr(&frame, &viewer, photo);
        assert!(hot >= 38.0, "hot photo PSNR {hot:.1} dB at t={t}");
        assert_eq!(
            region_psnr(&frame, &viewer, text),
            99.0,
            "text not exact at t={t}"
        );
    }
    // Still from now on: within refine_after_frames plus the budgeted frames it is refined.
    let budget_frames = (photo.area() / host.config().refine_budget_pixels + 2) as u32;
    for _ in 0..host.config().refine_after_frames + budget_frames {
        let update = host.encode(&frame.view()).unwrap();
        viewer.apply(&update).unwrap();
    }
    let refined = region_psnr(&frame, &viewer, photo);
    assert!(refined >= 45.0, "refined photo PSNR {refined:.1} dB");
    // Refinement happens once: afterwards a still screen costs nothing.
    assert!(host.encode(&frame.view()).unwrap().is_empty());
}

#[test]
fn a_still_photo_is_refined_a_square_at_a_time() {
    let (mut host, mut viewer) = pair();
    let mut frame = text_frame(W, H, 4);
    // Two squares of the refinement budget side by side (256 = 8 blocks a side).
    let photo = Rect::new(256, 0, 512, 256);
    paint_photo(&mut frame, photo, 0, 7);
    viewer.apply(&host.encode(&frame.view()).unwrap()).unwrap();
    let first = (0..=host.config().refine_after_frames)
        .map(|_| host.encode(&frame.view()).unwrap())
        .find(|update| !update.is_empty())
        .expect("the photo is refined once still");
    let second = host.encode(&frame.view()).unwrap();
    // Taken row by row, the budget went to the photo's top rows: here two tiles 128 rows
    // tall, under a photo as wide as the screen tiles of 32 rows, whose top rows the encoder
    // predicts from nothing. A square is one tile.
    for (update, left) in [(first, 256), (second, 512)] {
        let tiles: Vec<Rect> = update.ops.iter().map(Op::rect).collect();
        assert_eq!(tiles, [Rect::new(left, 0, 256, 256)]);
        assert!(matches!(update.ops[0], Op::Av1 { .. }));
        viewer.apply(&update).unwrap();
    }
    let refined = region_psnr(&frame, &viewer, photo);
    assert!(refined >= 45.0, "refined photo PSNR {refined:.1} dB");
    assert!(host.encode(&frame.view()).unwrap().is_empty());
}

/// Dense text as subpixel (ClearType) rendering draws it: thin strokes whose pixels each have
/// a colour fringe of their own: ~380 colours in a block of 32² pixels, and fewer than half
/// of its pixels like a neighbour (digits in a real xterm: 206 colours, 49 %).
fn subpixel_text(frame: &mut Frame, area: Rect, bg: [u8; 4], seed: u64) {
    let mut rng = common::Rng(seed);
    let mut view = frame.view_mut();
    for cell_y in (area.y..area.y + area.height - 16).step_by(16) {
        for cell_x in (area.x..area.x + area.width - 8).step_by(8) {
            let strokes = [
                Rect::new(cell_x + 1, cell_y + 1, 3, 14),
                Rect::new(cell_x + 5, cell_y + 1, 3, 14),
                Rect::new(cell_x + 4, cell_y + 1 + rng.below(12), 1, 2),
            ];
            for stroke in strokes {
                let mut pixels = view.sub_mut(stroke).unwrap();
                for y in 0..stroke.height {
                    for px in pixels.row_mut(y).chunks_exact_mut(4) {
                        for (c, &b) in px[..3].iter_mut().zip(&bg) {
                            *c = b.saturating_add(25 * rng.below(8) as u8);
                        }
                        px[3] = 255;
                    }
                }
            }
        }
    }
}

#[test]
fn dense_subpixel_text_beside_a_photo_is_exact_from_the_first_frame() {
    let (mut host, mut viewer) = pair();
    let bg = [40, 34, 30, 255];
    let mut frame = Frame::filled(W, H, bg).unwrap();
    let text = Rect::new(0, 0, 640, H);
    subpixel_text(&mut frame, text, bg, 3);
    let photo = Rect::new(640, 160, 512, 384);
    paint_photo(&mut frame, photo, 0, 5);
    let update = host.encode(&frame.view()).unwrap();
    assert!(update.ops.iter().any(|op| matches!(op, Op::Av1 { .. })));
    viewer.apply(&update).unwrap();
    assert_eq!(
        region_psnr(&frame, &viewer, text),
        99.0,
        "the text is not exact"
    );
}

#[test]
fn typing_while_a_photo_is_refined_keeps_every_update_exact_on_text() {
    // Palettes (the typing) are compressed while AV1 (the refinement) codes beside them:
    // each update must still hold both, in order, and decode on its own.
    let (mut host, mut viewer) = pair();
    let mut frame = text_frame(W, H, 3);
    let photo = Rect::new(640, 160, 512, 384);
    let text = Rect::new(0, 0, 600, H);
    paint_photo(&mut frame, photo, 0, 5);
    let mut mixed = 0;
    for step in 0..host.config().refine_after_frames + 8 {
        glyph(
            &mut frame,
            40 + step * 8,
            302,
            u64::from(step) * 104_729,
            [220, 220, 220, 255],
            [40, 34, 30, 255],
        );
        let update = host.encode(&frame.view()).unwrap();
        let has = |kind: fn(&Op) -> bool| update.ops.iter().any(kind);
        if step > 0
            && has(|op| matches!(op, Op::Palette { .. }))
            && has(|op| matches!(op, Op::Av1 { .. }))
        {
            mixed += 1;
        }
        viewer.apply(&update).unwrap();
        assert_eq!(
            region_psnr(&frame, &viewer, text),
            99.0,
            "text not exact at step {step}"
        );
    }
    assert!(mixed > 0, "no update mixed typing with refinement");
    let refined = region_psnr(&frame, &viewer, photo);
    assert!(refined >= 45.0, "refined photo PSNR {refined:.1} dB");
}

#[test]
fn a_frame_budget_makes_moving_photos_coarser_until_they_fit_and_text_stays_exact() {
    let (mut host, mut viewer) = pair();
    let mut frame = text_frame(W, H, 2);
    let (photo, text) = (Rect::new(640, 160, 512, 384), Rect::new(0, 0, 600, H));
    let mut t = 0;
    let mut next = |host: &mut HostEncoder, viewer: &mut ViewerDecoder| {
        t += 1;
        paint_photo(&mut frame, photo, t, 5);
        let update = host.encode(&frame.view()).unwrap();
        viewer.apply(&update).unwrap();
        assert_eq!(region_psnr(&frame, viewer, text), 99.0, "text at t={t}");
        (wire_len(&update), region_psnr(&frame, viewer, photo))
    };
    next(&mut host, &mut viewer);
    let (free, free_db) = next(&mut host, &mut viewer);
    // A link that carries two thirds of that per frame.
    let budget = free * 2 / 3;
    host.set_frame_budget(Some(budget as u64));
    let sizes: Vec<_> = (0..5).map(|_| next(&mut host, &mut viewer)).collect();
    let (last, last_db) = sizes[4];
    assert!(
        last <= budget,
        "{free} bytes free, then {sizes:?} for {budget}"
    );
    assert!(
        (25.0..free_db).contains(&last_db),
        "coarser but a picture: {last_db:.1} dB (free {free_db:.1})"
    );
    // Without the bound the quantizer goes back to the configured one at once.
    host.set_frame_budget(None);
    let (again, again_db) = next(&mut host, &mut viewer);
    assert!(
        again > free * 9 / 10 && again_db >= 38.0,
        "{again} bytes, {again_db:.1} dB"
    );
}

#[test]
fn held_refinement_waits_while_changes_still_go_out_and_a_small_budget_refines_in_slices() {
    let (mut host, mut viewer) = pair();
    let mut frame = text_frame(W, H, 3);
    let photo = Rect::new(640, 160, 512, 384);
    paint_photo(&mut frame, photo, 0, 9);
    viewer.apply(&host.encode(&frame.view()).unwrap()).unwrap();
    let hot = region_psnr(&frame, &viewer, photo);

    // A busy link: refinement held far past the frames it would take.
    let full_budget = host.config().refine_budget_pixels;
    let budget_frames = (photo.area() / full_budget + 2) as u32;
    host.set_refine_budget(0);
    for step in 0..2 * (host.config().refine_after_frames + budget_frames) {
        if step == 5 {
            // A change still goes out at once, exactly.
            glyph(&mut frame, 40, 40, 77, [250, 250, 250, 255], [0, 0, 0, 255]);
        }
        let update = host.encode(&frame.view()).unwrap();
        assert_eq!(
            update.is_empty(),
            step != 5,
            "step {step}: only the change is sent"
        );
        viewer.apply(&update).unwrap();
    }
    assert_eq!(region_psnr(&frame, &viewer, Rect::new(0, 0, 600, H)), 99.0);
    assert_eq!(
        region_psnr(&frame, &viewer, photo),
        hot,
        "refined while held"
    );

    // A slow idle link: a quarter of the budget per update, so four times the updates, each
    // refining at most that much.
    host.set_refine_budget(full_budget / 4);
    let mut updates = 0;
    for _ in 0..8 * budget_frames {
        let update = host.encode(&frame.view()).unwrap();
        if update.is_empty() {
            break;
        }
        let refined: u64 = update.ops.iter().map(|op| op.rect().area()).sum();
        assert!(
            refined <= full_budget / 4,
            "{refined} pixels refined at once"
        );
        viewer.apply(&update).unwrap();
        updates += 1;
    }
    assert!(
        updates >= 4 * (budget_frames - 2),
        "{updates} refinement updates"
    );
    let refined = region_psnr(&frame, &viewer, photo);
    assert!(
        refined >= 45.0,
        "refined photo PSNR {refined:.1} dB once let go"
    );
}

#[test]
fn refresh_resends_everything_and_a_new_viewer_catches_up() {
    let (mut host, mut viewer) = pair();
    let frame = text_frame(W, H, 3);
    viewer.apply(&host.encode(&frame.view()).unwrap()).unwrap();
    host.request_refresh();
    let full = host.encode(&frame.view()).unwrap();
    let covered: u64 = full.ops.iter().map(|op| op.rect().area()).sum();
    assert_eq!(covered, W as u64 * H as u64);
    let mut late = ViewerDecoder::new(W, H).unwrap();
    late.apply(&full).unwrap();
    assert!(late.framebuffer().data() == frame.data());
}

#[test]
fn wrong_frame_size_is_an_error() {
    let (mut host, _) = pair();
    let small = Frame::new(W - 1, H).unwrap();
    assert!(matches!(
        host.encode(&small.view()),
        Err(Error::SizeMismatch { .. })
    ));
}

#[test]
fn a_screen_that_changes_size_goes_on_exactly_at_the_new_size() {
    let (mut host, mut viewer) = pair();
    let before = text_frame(W, H, 8);
    viewer.apply(&host.encode(&before.view()).unwrap()).unwrap();
    viewer.apply(&host.encode(&before.view()).unwrap()).unwrap();
    // Smaller, then larger than the screen the session started with (odd sizes included).
    for (width, height) in [(1024, 768), (1366, 771)] {
        let mut frame = text_frame(width, height, 9);
        assert!(matches!(
            host.encode(&frame.view()),
            Err(Error::SizeMismatch { .. })
        ));
        host.resize(width, height).unwrap();
        viewer.resize(width, height).unwrap();
        assert_eq!(viewer.framebuffer().width(), width);
        let first = host.encode(&frame.view()).unwrap();
        assert!(
            first.keyframe,
            "the first update at a new size paints it all"
        );
        viewer.apply(&first).unwrap();
        assert!(viewer.framebuffer().data() == frame.data());
        // And the session goes on as before: a small change is a small update, still exact.
        glyph(&mut frame, width - 20, height - 20, 1, [0; 4], [255; 4]);
        let change = host.encode(&frame.view()).unwrap();
        assert!(!change.keyframe && wire_len(&change) < 1000, "{change:?}");
        viewer.apply(&change).unwrap();
        assert!(viewer.framebuffer().data() == frame.data());
    }
    // An impossible size is refused and leaves both as they were: an empty one, and one a
    // hostile host could name to make the viewer hold a 1 GiB framebuffer.
    assert!(host.resize(0, 10).is_err() && viewer.resize(10, 0).is_err());
    let huge = (MAX_DIMENSION, MAX_DIMENSION);
    assert!(matches!(
        viewer.resize(huge.0, huge.1),
        Err(Error::TooManyPixels { .. })
    ));
    assert!(matches!(
        ViewerDecoder::new(huge.0, huge.1),
        Err(Error::TooManyPixels { .. })
    ));
    assert_eq!(host.config().width, 1366);
    assert_eq!(viewer.framebuffer().width(), 1366);
}

/// Applies `bad` to a viewer showing a known picture and checks it fails and changes nothing.
fn assert_rejected(bad: Update) {
    let (mut host, mut viewer) = pair();
    let frame = text_frame(W, H, 4);
    viewer.apply(&host.encode(&frame.view()).unwrap()).unwrap();
    let before = Frame::from_view(&viewer.framebuffer());
    let result = viewer.apply(&bad);
    assert!(result.is_err(), "accepted {bad:?}");
    assert!(
        viewer.framebuffer().data() == before.data(),
        "framebuffer changed by {result:?}"
    );
}

/// A real update with AV1 and palette ops to tamper with (a fresh host: its palette stream
/// starts here, like the viewer's).
fn real_ops() -> Vec<Op> {
    let mut frame = text_frame(W, H, 6);
    paint_photo(&mut frame, Rect::new(0, 0, 256, 192), 0, 9);
    HostEncoder::new(HostConfig::new(W, H))
        .unwrap()
        .encode(&frame.view())
        .unwrap()
        .ops
}

#[test]
fn hostile_updates_fail_and_leave_the_framebuffer_alone() {
    let fill = |rect| Op::Fill {
        rect,
        colour: [1, 2, 3, 255],
    };
    let ok_fill = fill(Rect::new(0, 0, 10, 10));
    // Out of bounds, zero-area, overflowing rects — after a valid op, which must not land either.
    assert_rejected(Update::new(vec![
        ok_fill.clone(),
        fill(Rect::new(W - 5, 0, 10, 10)),
    ]));
    assert_rejected(Update::new(vec![
        ok_fill.clone(),
        fill(Rect::new(0, 0, 0, 10)),
    ]));
    assert_rejected(Update::new(vec![
        ok_fill.clone(),
        fill(Rect::new(u32::MAX, u32::MAX, 2, 2)),
    ]));
    assert_rejected(Update::new(vec![
        ok_fill.clone(),
        Op::CopyRect {
            src: Rect::new(0, H - 10, 20, 20),
            dst_x: 0,
            dst_y: 0,
        },
    ]));
    assert_rejected(Update::new(vec![
        ok_fill.clone(),
        Op::CacheHit {
            rect: Rect::new(0, 0, 32, 32),
            first: 7,
            stride: 0,
            check: 0,
        },
    ]));

    let ops = real_ops();
    let av1 = ops
        .iter()
        .find(|op| matches!(op, Op::Av1 { .. }))
        .unwrap()
        .clone();
    let Op::Av1 {
        rect,
        quality,
        data,
    } = av1.clone()
    else {
        unreachable!()
    };
    // Truncated and corrupted AV1 data; a valid tile aimed at a rect of another size.
    for bad in [
        data.slice(..data.len() / 2),
        Bytes::from(data.iter().map(|b| b ^ 0x5a).collect::<Vec<u8>>()),
        Bytes::new(),
    ] {
        assert_rejected(Update::new(vec![
            ok_fill.clone(),
            Op::Av1 {
                rect,
                quality,
                data: bad,
            },
        ]));
    }
    let wrong = Rect::new(rect.x, rect.y, rect.width + 8, rect.height);
    assert_rejected(Update::new(vec![
        ok_fill.clone(),
        Op::Av1 {
            rect: wrong,
            quality,
            data,
        },
    ]));

    let palette = ops
        .iter()
        .find(|op| matches!(op, Op::Palette { .. }))
        .unwrap()
        .clone();
    let Op::Palette {
        rect,
        new_colours,
        data,
    } = palette
    else {
        unreachable!()
    };
    // A colour count that does not match the data, truncated and empty data.
    for (new_colours, data) in [
        (1, data.clone()),
        (new_colours + 1, data.clone()),
        (new_colours, data.slice(..data.len() / 2)),
        (new_colours, Bytes::new()),
        (0, data.clone()),
    ] {
        assert_rejected(Update::new(vec![
            ok_fill.clone(),
            Op::Palette {
                rect,
                new_colours,
                data,
            },
        ]));
    }
}

#[test]
fn caret_blink_costs_no_encodes_after_its_first_cycle() {
    let (mut host, mut viewer) = pair();
    let text = text_frame(W, H, 8);
    let mut caret = text.clone();
    caret
        .view_mut()
        .sub_mut(Rect::new(401, 300, 2, 16))
        .unwrap()
        .fill([230, 230, 230, 255]);
    for blink in 0..8 {
        let frame = if blink % 2 == 0 { &caret } else { &text };
        let update = host.encode(&frame.view()).unwrap();
        viewer.apply(&update).unwrap();
        assert!(viewer.framebuffer().data() == frame.data(), "blink {blink}");
        if blink >= 3 {
            assert!(!update.is_empty());
            assert!(
                update
                    .ops
                    .iter()
                    .all(|op| matches!(op, Op::CacheHit { .. })),
                "blink {blink} encoded pixels: {:?}",
                update.ops
            );
        }
    }
}

#[test]
fn switching_back_to_a_screen_seen_before_is_all_cache_hits() {
    let (mut host, mut viewer) = pair();
    let editor = text_frame(W, H, 10);
    let mut other = text_frame(W, H, 11);
    paint_photo(&mut other, Rect::new(700, 100, 300, 200), 0, 3);
    let first = host.encode(&editor.view()).unwrap();
    viewer.apply(&first).unwrap();
    viewer.apply(&host.encode(&other.view()).unwrap()).unwrap();
    let back = host.encode(&editor.view()).unwrap();
    viewer.apply(&back).unwrap();
    assert!(viewer.framebuffer().data() == editor.data());
    // Nothing is coded again: blocks come from the cache, one-colour ones as fills.
    let coded = |op: &&Op| !matches!(op, Op::CacheHit { .. } | Op::Fill { .. });
    assert!(
        !back.ops.iter().any(|op| coded(&op)),
        "{:?}",
        back.ops.iter().find(coded)
    );
    assert!(back.ops.iter().any(|op| matches!(op, Op::CacheHit { .. })));
    // Hits come in the runs the blocks were inserted in: a few bytes per rect of blocks.
    let (first_len, back_len) = (wire_len(&first), wire_len(&back));
    assert!(
        back_len * 10 <= first_len,
        "switching back cost {back_len} bytes, the first time {first_len}"
    );
}

/// `back` (a screen switched back to) codes no tile again and costs at most a tenth of
/// `first` (the same screen the first time).
fn assert_nothing_coded_again(first: &Update, back: &Update) {
    let coded = |op: &&Op| matches!(op, Op::Av1 { .. } | Op::Palette { .. });
    assert!(
        !back.ops.iter().any(|op| coded(&op)),
        "{:?}",
        back.ops.iter().find(coded)
    );
    let (first_len, back_len) = (wire_len(first), wire_len(back));
    assert!(
        back_len * 10 <= first_len,
        "switching back cost {back_len} bytes, the first time {first_len}"
    );
}

#[test]
fn switching_back_to_a_refined_photo_is_cache_hits_too() {
    let (mut host, mut viewer) = pair();
    let mut page = text_frame(W, H, 10);
    paint_photo(&mut page, Rect::new(700, 100, 300, 200), 0, 3);
    let other = text_frame(W, H, 11);
    let first = host.encode(&page.view()).unwrap();
    viewer.apply(&first).unwrap();
    // Still long enough for the photo to be refined.
    for _ in 0..20 {
        viewer.apply(&host.encode(&page.view()).unwrap()).unwrap();
    }
    let shown = viewer.framebuffer().data().to_vec();
    viewer.apply(&host.encode(&other.view()).unwrap()).unwrap();
    let back = host.encode(&page.view()).unwrap();
    viewer.apply(&back).unwrap();
    // The photo comes back as the viewer showed it, refined, from the cache.
    assert!(viewer.framebuffer().data() == shown.as_slice());
    assert_nothing_coded_again(&first, &back);
}

#[test]
fn a_photo_switched_back_to_before_it_was_refined_comes_from_the_cache_then_refines() {
    let (mut host, mut viewer) = pair();
    let mut page = text_frame(W, H, 12);
    let photo = Rect::new(640, 160, 512, 384);
    paint_photo(&mut page, photo, 0, 4);
    let other = text_frame(W, H, 13);
    let first = host.encode(&page.view()).unwrap();
    viewer.apply(&first).unwrap();
    let shown = viewer.framebuffer().data().to_vec();
    // Away at once, long before refinement, and back.
    viewer.apply(&host.encode(&other.view()).unwrap()).unwrap();
    let back = host.encode(&page.view()).unwrap();
    viewer.apply(&back).unwrap();
    assert!(
        viewer.framebuffer().data() == shown.as_slice(),
        "the photo comes back as the viewer showed it"
    );
    assert_nothing_coded_again(&first, &back);
    // Still from now on: it is refined as if it had never left.
    let hot = region_psnr(&page, &viewer, photo);
    let budget_frames = (photo.area() / host.config().refine_budget_pixels + 2) as u32;
    for _ in 0..host.config().refine_after_frames + budget_frames {
        viewer.apply(&host.encode(&page.view()).unwrap()).unwrap();
    }
    let refined = region_psnr(&page, &viewer, photo);
    assert!(
        refined >= 45.0 && refined > hot,
        "refined photo PSNR {refined:.1} dB (from {hot:.1})"
    );
}

#[test]
fn a_playing_video_does_not_push_the_other_screen_out_of_the_cache() {
    // A cache of 200 blocks for 320×256 screens of 80: coarse video blocks may take 50.
    let (w, h, blocks) = (320, 256, 200);
    let mut config = HostConfig::new(w, h);
    config.cache_blocks = blocks;
    let mut host = HostEncoder::new(config).unwrap();
    let mut viewer = ViewerDecoder::with_cache_blocks(w, h, blocks).unwrap();
    let editor = text_frame(w, h, 20);
    let mut player = text_frame(w, h, 21);
    let first = host.encode(&editor.view()).unwrap();
    viewer.apply(&first).unwrap();
    // Twelve frames of a 128×128 video: 192 coarse blocks, more than the whole cache.
    for t in 0..12 {
        paint_photo(&mut player, Rect::new(96, 64, 128, 128), t, 9);
        viewer.apply(&host.encode(&player.view()).unwrap()).unwrap();
    }
    let back = host.encode(&editor.view()).unwrap();
    viewer.apply(&back).unwrap();
    assert!(viewer.framebuffer().data() == editor.data());
    assert_nothing_coded_again(&first, &back);
}

#[test]
fn cheap_ops_that_would_decode_or_paint_many_screens_are_refused_before_anything() {
    // A few bytes on the wire each (29 for a hit naming a whole screen of cache cells, less
    // for a full-screen fill or copy): without bounds, a hostile host could make the viewer
    // stage thousands of screens, or paint them for a minute.
    let screen = Rect::new(0, 0, W, H);
    let hit = Op::CacheHit {
        rect: screen,
        first: 0,
        stride: W.div_ceil(32),
        check: 0,
    };
    let fill = Op::Fill {
        rect: screen,
        colour: [1, 2, 3, 255],
    };
    let copy = Op::CopyRect {
        src: Rect::new(0, 1, W, H - 1),
        dst_x: 0,
        dst_y: 0,
    };
    let (mut host, mut viewer) = pair();
    viewer
        .apply(&host.encode(&text_frame(W, H, 4).view()).unwrap())
        .unwrap();
    let before = Frame::from_view(&viewer.framebuffer());
    for (op, times) in [(hit, 5), (fill, 9), (copy, 9)] {
        let tiles = matches!(op, Op::CacheHit { .. });
        let err = viewer.apply(&Update::new(vec![op; times])).unwrap_err();
        match err {
            Error::UpdateTooLarge { .. } => assert!(tiles),
            Error::UpdatePaintsTooMuch { .. } => assert!(!tiles),
            _ => panic!("{err}"),
        }
        assert!(viewer.framebuffer().data() == before.data());
    }
}

#[test]
fn a_cache_hit_whose_check_fails_is_refused_not_painted() {
    let (mut host, mut viewer) = pair();
    let editor = text_frame(W, H, 10);
    viewer.apply(&host.encode(&editor.view()).unwrap()).unwrap();
    viewer
        .apply(&host.encode(&text_frame(W, H, 11).view()).unwrap())
        .unwrap();
    let back = host.encode(&editor.view()).unwrap();
    let mut tampered = back.clone();
    let Some(Op::CacheHit { check, .. }) = tampered.ops.first_mut() else {
        panic!("switching back starts with a hit: {:?}", back.ops.first());
    };
    *check ^= 1;
    let before = viewer.framebuffer().data().to_vec();
    let err = viewer.apply(&tampered).unwrap_err();
    assert!(matches!(err, Error::CacheMiss { .. }), "{err}");
    assert!(viewer.framebuffer().data() == before.as_slice());
    viewer.apply(&back).unwrap();
    assert!(viewer.framebuffer().data() == editor.data());
}

#[test]
fn a_scrolling_pane_is_sent_as_copies_and_stays_bit_exact() {
    let (mut host, mut viewer) = pair();
    let page = text_frame(900, 3000, 12);
    let pane = Rect::new(301, 90, 900, 560);
    let mut frame = text_frame(W, H, 13);
    let mut total_copied = 0;
    for (step, offset) in [0u32, 4, 8, 12, 30, 60, 61, 62, 100]
        .into_iter()
        .enumerate()
    {
        let src = page
            .view()
            .sub(Rect::new(0, offset, pane.width, pane.height))
            .unwrap();
        frame
            .view_mut()
            .sub_mut(pane)
            .unwrap()
            .copy_from(&src)
            .unwrap();
        let update = host.encode(&frame.view()).unwrap();
        viewer.apply(&update).unwrap();
        // Never wrong pixels: the viewer matches the source after every frame.
        assert!(viewer.framebuffer().data() == frame.data(), "step {step}");
        if step > 0 {
            assert!(
                update
                    .ops
                    .iter()
                    .any(|op| matches!(op, Op::CopyRect { .. })),
                "step {step}: no copy"
            );
            total_copied += host.last_stats().copied_blocks;
        }
    }
    assert!(total_copied > 8 * 200, "only {total_copied} blocks copied");
}
