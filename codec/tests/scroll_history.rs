//! Scrolling back: rows that scrolled out of view come back as `Recall`s of the scroll
//! history both sides keep, bit-exact, for a fraction of the bytes of the first time.

mod common;

use common::{paint_photo, text_frame, wire_len};
use meekijk_codec::metrics::psnr;
use meekijk_codec::{Error, Frame, HostConfig, HostEncoder, Op, Rect, Update, ViewerDecoder};

const W: u32 = 1280;
const H: u32 = 720;

/// A page taller than the screen, shown in a pane of a desktop.
struct Scroller {
    page: Frame,
    pane: Rect,
    frame: Frame,
}

impl Scroller {
    fn new() -> Self {
        Self {
            page: text_frame(900, 3000, 12),
            pane: Rect::new(301, 90, 900, 560),
            frame: text_frame(W, H, 13),
        }
    }

    /// The screen with the page scrolled to `offset`.
    fn at(&mut self, offset: u32) -> &Frame {
        let (width, height) = (self.pane.width, self.pane.height);
        let src = self.page.view().sub(Rect::new(0, offset, width, height));
        self.frame
            .view_mut()
            .sub_mut(self.pane)
            .unwrap()
            .copy_from(&src.unwrap())
            .unwrap();
        &self.frame
    }
}

fn recalls(update: &Update) -> usize {
    let recall = |op: &&Op| matches!(op, Op::Recall { .. });
    update.ops.iter().filter(recall).count()
}

/// Scrolls down by `step` to `depth` and back up, checking the viewer after every frame.
/// Returns the wire bytes of the way down and of the way back (the first frame left out),
/// and the recalls on the way back.
fn down_and_back(host: &mut HostEncoder, depth: u32, step: u32) -> (usize, usize, usize) {
    let mut viewer = ViewerDecoder::new(W, H).unwrap();
    let mut scroller = Scroller::new();
    let (mut down, mut back, mut recalled) = (0, 0, 0);
    let down_offsets: Vec<u32> = (0..=depth).step_by(step as usize).collect();
    let back_offsets = down_offsets.iter().rev().skip(1);
    for (i, &offset) in down_offsets.iter().chain(back_offsets).enumerate() {
        let frame = scroller.at(offset);
        let update = host.encode(&frame.view()).unwrap();
        viewer.apply(&update).unwrap();
        // Never wrong pixels: the viewer matches the source after every frame.
        assert!(viewer.framebuffer().data() == frame.data(), "frame {i}");
        let down_frames = (depth / step) as usize;
        match i {
            0 => {}
            i if i <= down_frames => down += wire_len(&update),
            _ => {
                back += wire_len(&update);
                recalled += recalls(&update);
            }
        }
    }
    (down, back, recalled)
}

#[test]
fn scrolling_back_recalls_the_rows_instead_of_coding_them_again() {
    let mut host = HostEncoder::new(HostConfig::new(W, H)).unwrap();
    let (down, back, recalled) = down_and_back(&mut host, 1200, 40);
    assert!(recalled > 0, "nothing recalled");
    // Motion's copies and the fills of blank rows still cut the exposed rows into pieces,
    // each its own op (without the history: 37 KB back, 48 KB down; with it: 16 KB back).
    assert!(
        back * 2 <= down,
        "scrolling back cost {back} bytes, scrolling down {down}"
    );
}

#[test]
fn without_the_history_scrolling_back_codes_the_rows_again() {
    let mut config = HostConfig::new(W, H);
    config.history_pixels = 0;
    let mut host = HostEncoder::new(config).unwrap();
    let (down, back, recalled) = down_and_back(&mut host, 1200, 40);
    assert_eq!(recalled, 0);
    // The session stream finds some of the rows again, but far from all.
    assert!(back * 2 > down, "back {back} bytes, down {down}");
}

/// A session whose page was scrolled down to 400 in two steps, on both sides.
fn scrolled_down() -> (HostEncoder, ViewerDecoder, Scroller) {
    let mut host = HostEncoder::new(HostConfig::new(W, H)).unwrap();
    let mut viewer = ViewerDecoder::new(W, H).unwrap();
    let mut scroller = Scroller::new();
    for offset in [0, 200, 400] {
        let update = host.encode(&scroller.at(offset).view()).unwrap();
        viewer.apply(&update).unwrap();
    }
    (host, viewer, scroller)
}

#[test]
fn a_recall_whose_check_fails_is_refused_not_painted() {
    let (mut host, mut viewer, mut scroller) = scrolled_down();
    let back = host.encode(&scroller.at(200).view()).unwrap();
    assert!(recalls(&back) > 0, "{:?}", back.ops);
    let before = viewer.framebuffer().data().to_vec();
    for tamper in [0, 1] {
        let mut bad = back.clone();
        let op = bad
            .ops
            .iter_mut()
            .find(|op| matches!(op, Op::Recall { .. }));
        let Some(Op::Recall { first, check, .. }) = op else {
            unreachable!()
        };
        match tamper {
            0 => *check ^= 1,
            // Rows the viewer never held.
            _ => *first += 1 << 40,
        }
        let err = viewer.apply(&bad).unwrap_err();
        assert!(matches!(err, Error::HistoryMiss { .. }), "{err}");
        assert!(viewer.framebuffer().data() == before.as_slice());
    }
    // Refused updates changed nothing: the real one still applies.
    viewer.apply(&back).unwrap();
    assert!(viewer.framebuffer().data() == scroller.at(200).data());
}

#[test]
fn a_keyframe_forgets_the_history_on_both_sides() {
    let (mut host, mut viewer, mut scroller) = scrolled_down();
    host.request_refresh();
    let keyframe = host.encode(&scroller.at(400).view()).unwrap();
    assert!(keyframe.keyframe);
    viewer.apply(&keyframe).unwrap();
    // Rows from before the keyframe are gone: scrolling back codes them again.
    let back = host.encode(&scroller.at(200).view()).unwrap();
    assert_eq!(recalls(&back), 0, "{:?}", back.ops);
    viewer.apply(&back).unwrap();
    assert!(viewer.framebuffer().data() == scroller.at(200).data());
    // A keyframe that names history rows is refused.
    let mut bad = keyframe.clone();
    bad.ops.push(Op::Recall {
        rect: Rect::new(0, 0, 32, 8),
        first: 0,
        check: 0,
    });
    let err = viewer.apply(&bad).unwrap_err();
    assert!(matches!(err, Error::HistoryMiss { .. }), "{err}");
}

#[test]
fn rows_the_viewer_holds_as_av1_are_coded_again_not_recalled() {
    let mut host = HostEncoder::new(HostConfig::new(W, H)).unwrap();
    let mut viewer = ViewerDecoder::new(W, H).unwrap();
    let mut scroller = Scroller::new();
    // A photo in the page: AV1, refined once still (near the source, not equal to it).
    paint_photo(&mut scroller.page, Rect::new(100, 40, 400, 200), 0, 5);
    let mut offsets = vec![0; 14];
    offsets.extend([100, 200, 300, 200, 100, 0]);
    for (i, offset) in offsets.into_iter().enumerate() {
        let frame = scroller.at(offset);
        let update = host.encode(&frame.view()).unwrap();
        // A recall of approximate rows would fail its check on the viewer.
        viewer.apply(&update).unwrap();
        let quality = psnr(&frame.view(), &viewer.framebuffer()).unwrap();
        assert!(quality > 35.0, "frame {i}: {quality:.1} dB");
    }
}
