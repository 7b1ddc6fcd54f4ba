//! Gradient wallpaper through the pipeline: smooth areas go out once as near-lossless
//! AV1, a fraction of their lossless bytes; text on top and small changes stay exact.

mod common;

use common::glyph;
use meekijk_codec::metrics::psnr;
use meekijk_codec::tile::{classify, Class, PaletteConfig, PaletteEncoder, MAX_PALETTE};
use meekijk_codec::{Frame, HostConfig, HostEncoder, Op, Rect, ViewerDecoder};

const W: u32 = 1024;
const H: u32 = 640;

/// A wallpaper as desktops draw it: a diagonal two-colour blend with a soft glow.
fn wallpaper() -> Frame {
    let mut data = Vec::with_capacity((W * H * 4) as usize);
    let (from, to) = ([0x4d_u32, 0x1b, 0x2c], [0x5a_u32, 0x4b, 0xc2]);
    let (gx, gy, r) = (W as i64 * 7 / 10, H as i64 * 3 / 10, W as i64 / 3);
    for y in 0..H {
        for x in 0..W {
            let t = (x * 255 / W + y * 255 / H) / 2;
            let d2 = (x as i64 - gx).pow(2) + (y as i64 - gy).pow(2);
            let glow = ((r * r - d2).max(0) * 70 / (r * r)) as u32;
            for c in 0..3 {
                let base = (from[c] * (255 - t) + to[c] * t) / 255;
                data.push((base + glow * (255 - base) / 255).min(255) as u8);
            }
            data.push(255);
        }
    }
    Frame::from_vec(data, W, H).unwrap()
}

/// The wallpaper with a window of text at `window`.
fn desktop(window: Rect) -> Frame {
    let mut frame = wallpaper();
    let bg = [40, 34, 30, 255];
    frame.view_mut().sub_mut(window).unwrap().fill(bg);
    for row in 0..window.height / 18 {
        for col in 0..window.width / 8 - 2 {
            let seed = u64::from(row * 131 + col);
            let (x, y) = (window.x + 8 + col * 8, window.y + 2 + row * 18);
            glyph(&mut frame, x, y, seed, [220, 220, 220, 255], bg);
        }
    }
    frame
}

/// Bytes of `rects` of `frame` as palette ops of one stream: how the pipeline coded
/// wallpaper before it knew gradients.
fn lossless_bytes(frame: &Frame, rects: &[Rect]) -> usize {
    let mut palette = PaletteEncoder::new(PaletteConfig::default()).unwrap();
    let mut ops = Vec::new();
    for &rect in rects {
        let Class::Palette(p) = classify(&frame.view().sub(rect).unwrap(), MAX_PALETTE) else {
            panic!("{rect:?} of wallpaper has more than {MAX_PALETTE} colours");
        };
        ops.push(palette.encode(rect, p).unwrap());
    }
    palette.finish(&mut ops).unwrap();
    ops.iter().map(Op::payload_len).sum()
}

/// A host and a viewer that have sent and shown `frame`.
fn started(frame: &Frame) -> (HostEncoder, ViewerDecoder) {
    let mut host = HostEncoder::new(HostConfig::new(W, H)).unwrap();
    let mut viewer = ViewerDecoder::new(W, H).unwrap();
    viewer.apply(&host.encode(&frame.view()).unwrap()).unwrap();
    (host, viewer)
}

fn region_psnr(frame: &Frame, viewer: &ViewerDecoder, rect: Rect) -> f64 {
    let ours = frame.view().sub(rect).unwrap();
    psnr(&ours, &viewer.framebuffer().sub(rect).unwrap()).unwrap()
}

#[test]
fn a_gradient_wallpaper_costs_a_fraction_of_lossless_once_and_text_on_it_stays_exact() {
    let window = Rect::new(64, 96, 512, 360);
    let frame = desktop(window);
    let mut host = HostEncoder::new(HostConfig::new(W, H)).unwrap();
    let mut viewer = ViewerDecoder::new(W, H).unwrap();
    let keyframe = host.encode(&frame.view()).unwrap();
    viewer.apply(&keyframe).unwrap();

    assert_eq!(
        region_psnr(&frame, &viewer, window),
        99.0,
        "text went lossy"
    );
    let wallpaper = region_psnr(&frame, &viewer, Rect::new(0, 0, W, H));
    assert!(wallpaper >= 45.0, "wallpaper at {wallpaper:.1} dB");
    let av1: Vec<&Op> = keyframe
        .ops
        .iter()
        .filter(|op| matches!(op, Op::Av1 { .. }))
        .collect();
    let rects: Vec<Rect> = av1.iter().map(|op| op.rect()).collect();
    let area: u64 = rects.iter().map(Rect::area).sum();
    assert!(
        area * 2 > u64::from(W * H),
        "only {area} pixels of wallpaper went to AV1"
    );
    let bytes: usize = av1.iter().map(|op| op.payload_len()).sum();
    let lossless = lossless_bytes(&frame, &rects);
    assert!(
        bytes * 2 < lossless,
        "{bytes} bytes of AV1 for wallpaper that costs {lossless} bytes losslessly"
    );

    // Sent near-lossless at once: a still screen is never refined, never sent again.
    for still in 0..host.config().refine_after_frames + 5 {
        let update = host.encode(&frame.view()).unwrap();
        assert!(update.is_empty(), "still frame {still}: {:?}", update.ops);
    }
}

#[test]
fn a_pointer_moving_over_the_wallpaper_is_sent_exactly() {
    let mut frame = wallpaper();
    let (mut host, mut viewer) = started(&frame);
    let clean = wallpaper();
    let mut last: Option<Rect> = None;
    for step in 0..6u32 {
        // Put back what the pointer covered, draw it 40 px further.
        if let Some(old) = last {
            let mut view = frame.view_mut();
            let mut under = view.sub_mut(old).unwrap();
            under.copy_from(&clean.view().sub(old).unwrap()).unwrap();
        }
        let sprite = Rect::new(300 + step * 40, 200 + step * 7, 12, 19);
        frame
            .view_mut()
            .sub_mut(sprite)
            .unwrap()
            .fill([0, 0, 0, 255]);
        let update = host.encode(&frame.view()).unwrap();
        viewer.apply(&update).unwrap();
        assert!(
            update.ops.iter().all(|op| !matches!(op, Op::Av1 { .. })),
            "step {step}: a few blocks of wallpaper went to AV1"
        );
        assert_eq!(region_psnr(&frame, &viewer, sprite), 99.0, "step {step}");
        // Where it was, the wallpaper is back as the keyframe showed it (a cache hit).
        if let Some(old) = last {
            let back = region_psnr(&frame, &viewer, old);
            assert!(back >= 45.0, "step {step}: uncovered at {back:.1} dB");
        }
        last = Some(sprite);
    }
}

#[test]
fn a_small_gradient_is_sent_exactly() {
    let mut frame = wallpaper();
    let (mut host, mut viewer) = started(&frame);
    // A tooltip of two blocks with a grey gradient of its own: too small to gain from AV1.
    let tooltip = Rect::new(320, 192, 64, 32);
    let mut view = frame.view_mut();
    let mut area = view.sub_mut(tooltip).unwrap();
    for y in 0..tooltip.height {
        for (x, px) in area.row_mut(y).chunks_exact_mut(4).enumerate() {
            let v = 200 + (x as u32 / 8 + y / 4) as u8;
            px.copy_from_slice(&[v, v, v, 255]);
        }
    }
    let update = host.encode(&frame.view()).unwrap();
    viewer.apply(&update).unwrap();
    assert!(
        update.ops.iter().all(|op| !matches!(op, Op::Av1 { .. })),
        "a two-block gradient went to AV1: {:?}",
        update.ops
    );
    assert_eq!(region_psnr(&frame, &viewer, tooltip), 99.0);
}

#[test]
fn a_fading_gradient_goes_hot_while_it_changes_and_near_lossless_once_still() {
    let mut frame = wallpaper();
    let (mut host, mut viewer) = started(&frame);
    let (hot, smooth) = (
        host.config().av1.hot.quantizer,
        host.config().av1.smooth.quantizer,
    );
    let slide = Rect::new(256, 128, 512, 384);
    let quantizers = |update: &meekijk_codec::Update| -> Vec<u8> {
        let av1 = update.ops.iter().filter_map(|op| match op {
            Op::Av1 { quality, .. } => Some(*quality),
            _ => None,
        });
        av1.collect()
    };
    // A slide with a gradient of its own fading in: coded like any changing picture, but for
    // its first step.
    let clean = wallpaper();
    let source = clean.view().sub(slide).unwrap();
    for step in 1..=8u32 {
        let mut view = frame.view_mut();
        let mut area = view.sub_mut(slide).unwrap();
        for y in 0..slide.height {
            let source = source.row(y);
            for (px, from) in area
                .row_mut(y)
                .chunks_exact_mut(4)
                .zip(source.chunks_exact(4))
            {
                for c in 0..3 {
                    px[c] = (u32::from(from[c]) * (10 + step) / 20) as u8;
                }
            }
        }
        let update = host.encode(&frame.view()).unwrap();
        viewer.apply(&update).unwrap();
        let used = quantizers(&update);
        if step == 1 {
            // The first step is the wallpaper through one map per channel: the viewer's
            // near-lossless wallpaper, remapped, stays as near.
            assert!(used.is_empty() && host.last_stats().remapped_blocks > 0);
            let db = region_psnr(&frame, &viewer, slide);
            assert!(db >= 45.0, "the remapped slide at {db:.1} dB");
            continue;
        }
        // Later steps are no map of the step before (values the last one merged split again).
        assert!(
            !used.is_empty() && used.iter().all(|&q| q == hot),
            "step {step}: quantizers {used:?}, the hot one is {hot}"
        );
    }
    // Still: refined once at the smooth preset, then nothing more.
    let mut refined = Vec::new();
    for _ in 0..host.config().refine_after_frames + 8 {
        let update = host.encode(&frame.view()).unwrap();
        viewer.apply(&update).unwrap();
        refined.extend(quantizers(&update));
    }
    assert!(
        !refined.is_empty() && refined.iter().all(|&q| q == smooth),
        "refined at {refined:?}"
    );
    let db = region_psnr(&frame, &viewer, slide);
    assert!(db >= 45.0, "the still slide at {db:.1} dB");
    assert!(host.encode(&frame.view()).unwrap().is_empty());
}

#[test]
fn a_window_dragged_over_the_wallpaper_uncovers_it_near_lossless_for_a_fraction_of_lossless() {
    let window = Rect::new(160, 160, 512, 350);
    let (mut host, mut viewer) = started(&desktop(window));
    let smooth = host.config().av1.smooth.quantizer;
    // Dragged up and to the right: the wallpaper comes out in strips a few pixels wide
    // along its left and bottom edges while the window itself is copied.
    let moved = Rect::new(window.x + 10, window.y - 6, window.width, window.height);
    let frame = desktop(moved);
    let update = host.encode(&frame.view()).unwrap();
    viewer.apply(&update).unwrap();

    assert_eq!(region_psnr(&frame, &viewer, moved), 99.0, "text went lossy");
    let uncovered = [
        Rect::new(window.x, window.y, 10, window.height),
        Rect::new(window.x, moved.bottom() as u32, window.width, 6),
    ];
    for strip in uncovered {
        let db = region_psnr(&frame, &viewer, strip);
        assert!(db >= 45.0, "uncovered {strip:?} at {db:.1} dB");
    }
    let strips: Vec<(Rect, usize)> = update
        .ops
        .iter()
        .filter_map(|op| match op {
            Op::Av1 {
                rect,
                quality,
                data,
            } if *quality == smooth => Some((*rect, data.len())),
            _ => None,
        })
        .collect();
    let area: u64 = strips.iter().map(|(rect, _)| rect.area()).sum();
    let uncovered_area: u64 = uncovered.iter().map(Rect::area).sum();
    assert!(
        area * 10 >= uncovered_area * 9,
        "{area} of {uncovered_area} uncovered pixels went to AV1: {:?}",
        update.ops
    );
    let bytes: usize = strips.iter().map(|(_, len)| len).sum();
    let rects: Vec<Rect> = strips.iter().map(|(rect, _)| *rect).collect();
    let lossless = lossless_bytes(&frame, &rects);
    assert!(
        bytes * 2 < lossless,
        "{bytes} bytes of AV1 for strips that cost {lossless} bytes losslessly"
    );
}
