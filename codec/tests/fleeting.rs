//! Content that brings colours never seen before in every frame (a shadow fading in over a
//! photo's edge, the blocks at a playing video's edge) goes coarse while it changes, and
//! ends exact once still.

mod common;

use common::{paint_photo, wire_len};
use meekijk_codec::metrics::psnr;
use meekijk_codec::{Frame, HostConfig, HostEncoder, Rect, ViewerDecoder};

const W: u32 = 1280;
const H: u32 = 720;

fn exact(frame: &Frame, viewer: &ViewerDecoder, rect: Rect) -> bool {
    let (a, b) = (frame.view(), viewer.framebuffer());
    psnr(&a.sub(rect).unwrap(), &b.sub(rect).unwrap()).unwrap() >= 99.0
}

/// `page` with a shadow over `rect` at `step` of its fade: darker to the right, deeper each step.
fn shadowed(page: &Frame, rect: Rect, step: u32) -> Frame {
    let mut frame = page.clone();
    let mut view = frame.view_mut();
    let mut region = view.sub_mut(rect).unwrap();
    for y in 0..rect.height {
        for (x, px) in region.row_mut(y).chunks_exact_mut(4).enumerate() {
            let dark = step * (x as u32 + 1);
            for c in &mut px[..3] {
                *c = (u32::from(*c) * (400 - dark) / 400) as u8;
            }
        }
    }
    frame
}

#[test]
fn a_shadow_fading_in_across_a_photo_edge_is_coarse_while_it_fades_and_ends_exact() {
    let mut host = HostEncoder::new(HostConfig::new(W, H)).unwrap();
    let mut viewer = ViewerDecoder::new(W, H).unwrap();
    let mut page = Frame::filled(W, H, [236, 236, 236, 255]).unwrap();
    // The photo's left edge lies inside a column of blocks: part page, part photo.
    paint_photo(&mut page, Rect::new(212, 64, 400, 400), 0, 9);
    let shadow = Rect::new(192, 128, 32, 256);
    let still = |host: &mut HostEncoder, viewer: &mut ViewerDecoder, frame: &Frame| {
        let budget = u64::from(W * H) / host.config().refine_budget_pixels + 2;
        for _ in 0..u64::from(host.config().refine_after_frames) + budget {
            viewer.apply(&host.encode(&frame.view()).unwrap()).unwrap();
        }
    };
    viewer.apply(&host.encode(&page.view()).unwrap()).unwrap();
    still(&mut host, &mut viewer, &page);
    let mut fade_bytes = 0;
    let mut frame = page.clone();
    for step in 1..=6 {
        frame = shadowed(&page, shadow, step);
        let update = host.encode(&frame.view()).unwrap();
        viewer.apply(&update).unwrap();
        fade_bytes += wire_len(&update);
    }
    // Coded losslessly, every step brings ~2,000 colours the session never had: 39 KB for
    // the six (measured); as hot AV1, 8 KB.
    assert!(fade_bytes < 16_000, "the fade cost {fade_bytes} bytes");
    still(&mut host, &mut viewer, &frame);
    assert!(exact(&frame, &viewer, shadow), "the shadow is not exact");
    assert!(host.encode(&frame.view()).unwrap().is_empty());
}

#[test]
fn the_blocks_at_a_playing_video_s_edge_go_coarse_with_it_and_end_exact() {
    let mut host = HostEncoder::new(HostConfig::new(W, H)).unwrap();
    let mut viewer = ViewerDecoder::new(W, H).unwrap();
    let page = Frame::filled(W, H, [236, 236, 236, 255]).unwrap();
    // The video's left edge lies inside a column of blocks: part page, part video.
    let video = Rect::new(212, 64, 400, 320);
    let mut frame = page.clone();
    let mut bytes = 0;
    for t in 0..12 {
        paint_photo(&mut frame, video, t, 9);
        let update = host.encode(&frame.view()).unwrap();
        viewer.apply(&update).unwrap();
        if t >= 2 {
            bytes += wire_len(&update);
        }
    }
    // The ten frames cost 102 KB with the edge column coded losslessly (measured), 14 KB
    // with it as hot AV1 along with the video.
    assert!(bytes < 40_000, "ten frames of video cost {bytes} bytes");
    let budget = u64::from(W * H) / host.config().refine_budget_pixels + 2;
    for _ in 0..u64::from(host.config().refine_after_frames) + budget {
        viewer.apply(&host.encode(&frame.view()).unwrap()).unwrap();
    }
    let beside = Rect::new(192, 64, 20, 320);
    assert!(
        exact(&frame, &viewer, beside),
        "the page beside the video is not exact"
    );
}

#[test]
fn lines_of_many_coloured_code_scrolling_in_stay_exact_in_every_frame() {
    // Lines of 20 rows; the bottom row of blocks (736..760) holds a whole line, as the
    // bottom of a 1080-row screen does, so each line scrolls in as one strip.
    const LINE: u32 = 20;
    const HEIGHT: u32 = 760;
    const FRAMES: u32 = 12;
    let mut host = HostEncoder::new(HostConfig::new(W, HEIGHT)).unwrap();
    let mut viewer = ViewerDecoder::new(W, HEIGHT).unwrap();
    // A page of code, each glyph in a colour of its own: every line scrolling in brings
    // ~240 colours the session never had, as syntax colours anti-aliased in Chromium do
    // (a real page's line of code: 442 in 736×23 pixels). The glyph cells straddle the
    // block edges, so a line's strips join into one rect, as real text does.
    let bg = [246, 246, 246, 255];
    let mut page = Frame::filled(W, HEIGHT + LINE * FRAMES, bg).unwrap();
    let mut rng = common::Rng(5);
    for line in 0..HEIGHT / LINE + FRAMES {
        for cell in 0..80 {
            let mut ink = || rng.below(200) as u8;
            let fg = [ink(), ink(), ink(), 255];
            common::glyph(&mut page, 36 + cell * 8, line * LINE, rng.next(), fg, bg);
        }
    }
    for t in 0..FRAMES {
        let screen = Rect::new(0, t * LINE, W, HEIGHT);
        let frame = Frame::from_view(&page.view().sub(screen).unwrap());
        viewer.apply(&host.encode(&frame.view()).unwrap()).unwrap();
        assert!(
            exact(&frame, &viewer, frame.rect()),
            "frame {t}: the scrolled page is not exact"
        );
    }
}
