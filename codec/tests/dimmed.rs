//! A page dimmed behind a modal dialog, end to end: the viewer recolours what it holds (one
//! `Remap` map for the frame), only the dialog is coded, and every frame shows the source.

mod common;

use common::{dim, paint_photo, text_frame, wire_len};
use meekijk_codec::metrics::psnr;
use meekijk_codec::{Frame, HostConfig, HostEncoder, Op, Rect, Update, ViewerDecoder};

const W: u32 = 1280;
const H: u32 = 720;
const PHOTO: Rect = Rect::new(800, 96, 384, 256);
const DIALOG: Rect = Rect::new(400, 200, 416, 288);

/// The page, and the page dimmed with a dialog over it.
fn screens() -> (Frame, Frame) {
    let mut page = text_frame(W, H, 5);
    paint_photo(&mut page, PHOTO, 0, 9);
    let mut modal = page.clone();
    dim(&mut modal, page.rect());
    modal
        .view_mut()
        .sub_mut(DIALOG)
        .unwrap()
        .copy_from(&text_frame(DIALOG.width, DIALOG.height, 77).view())
        .unwrap();
    (page, modal)
}

/// Every pixel outside the photo equals the source; the photo is near it.
fn assert_shows(source: &Frame, viewer: &ViewerDecoder, what: &str) {
    let shown = viewer.framebuffer();
    for y in 0..H {
        let (a, b) = (source.view().row(y), shown.row(y));
        for x in 0..W {
            let inside = PHOTO.intersect(&Rect::new(x, y, 1, 1)).is_some();
            let px = x as usize * 4..x as usize * 4 + 4;
            assert!(inside || a[px.clone()] == b[px], "{what}: pixel ({x}, {y})");
        }
    }
    let db = psnr(
        &source.view().sub(PHOTO).unwrap(),
        &shown.sub(PHOTO).unwrap(),
    )
    .unwrap();
    assert!(db >= 40.0, "{what}: the photo at {db:.1} dB");
}

/// The updates of: the page, still until its photo is refined, the dialog open, closed, open.
fn session(remap: bool) -> Vec<Update> {
    let (page, modal) = screens();
    let mut config = HostConfig::new(W, H);
    config.remap = remap;
    let mut host = HostEncoder::new(config).unwrap();
    let mut viewer = ViewerDecoder::new(W, H).unwrap();
    let still = std::iter::repeat_n(&page, 14);
    let mut updates = Vec::new();
    for (i, frame) in still.chain([&modal, &page, &modal]).enumerate() {
        let update = host.encode(&frame.view()).unwrap();
        viewer.apply(&update).unwrap();
        assert_shows(frame, &viewer, &format!("frame {i}"));
        updates.push(update);
    }
    updates
}

#[test]
fn a_dimmed_page_is_recoloured_by_the_viewer_and_only_the_dialog_is_coded() {
    let with = session(true);
    let without = session(false);
    let opened = &with[14];
    let remapped: u64 = opened
        .ops
        .iter()
        .filter(|op| matches!(op, Op::Remap { .. }))
        .map(|op| op.rect().area())
        .sum();
    // Most of the page (all but the dialog's blocks and the one-colour ones, which are fills).
    assert!(
        remapped >= u64::from(W * H) / 4,
        "{remapped} pixels remapped"
    );
    // The refined photo is recoloured, not coded again.
    let av1 = |update: &Update| update.ops.iter().any(|op| matches!(op, Op::Av1 { .. }));
    assert!(!av1(opened), "the dimmed photo was coded again");
    assert!(av1(&without[14]));
    // Remapped, the frame costs the dialog and little more.
    let (bytes, coded) = (wire_len(opened), wire_len(&without[14]));
    assert!(bytes * 4 <= coded, "{bytes} bytes remapped, {coded} coded");
}
