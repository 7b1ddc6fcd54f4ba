//! The host's side under fuzzing: a screen edited as the input says (text typed, rects
//! filled, regions scrolled and moved, colours dimmed, earlier screens brought back), each
//! frame encoded by a [`HostEncoder`], sent through the wire as `meekijk share` sends it and
//! applied by a [`ViewerDecoder`], which must then hold the screen exactly.

use bytes::BytesMut;

use crate::wire::{take_frame, HostMessage, HostReader, UpdateMessage, UpdateWriter};
use crate::{Frame, HostConfig, HostEncoder, Op, Rect, ViewerDecoder};

/// Screen size: not a multiple of the 32-pixel blocks either way, as 1080 rows are not.
const WIDTH: u32 = 248;
const HEIGHT: u32 = 152;
/// Frames encoded per input at most, and edits made at most: a run stays quick.
const MAX_FRAMES: usize = 24;
const MAX_EDITS: usize = 256;
/// Screens kept to bring back (alt-tab, a dialog closed).
const MAX_SAVED: usize = 4;
/// Few colours, as text and UI have: the encoder codes them losslessly.
const COLOURS: [[u8; 4]; 8] = [
    [30, 34, 40, 255],
    [250, 250, 250, 255],
    [40, 200, 90, 255],
    [20, 120, 230, 255],
    [200, 60, 40, 255],
    [128, 128, 128, 255],
    [0, 0, 0, 255],
    [90, 200, 220, 255],
];
/// A glyph cell: 8×14 pixels, its ink a 6×10 bitmap.
const CELL: (u32, u32) = (8, 14);
/// A page of text three screens tall, shown below a header of [`HEADER`] rows from the row
/// the input says: scrolled, its rows come back into view.
const PAGE_HEIGHT: u32 = 3 * HEIGHT;
const HEADER: u32 = 20;

/// Plays `data` as edits of a screen and encodes a frame where it says so (and at the end).
///
/// # Panics
/// When encoding or applying an update of the real encoder fails, or when the viewer's
/// framebuffer differs from the screen after an update while no AV1 op (lossy by design)
/// has been sent in the session.
pub fn host_exact(data: &[u8]) {
    let mut input = data.iter().copied();
    let mut screen = Frame::filled(WIDTH, HEIGHT, COLOURS[0]).expect("a valid size");
    let mut host = HostEncoder::new(HostConfig::new(WIDTH, HEIGHT)).expect("an encoder");
    let mut link = Link::new();
    let mut saved: Vec<Frame> = Vec::new();
    let page = page();
    let mut frames = 0;
    for _ in 0..MAX_EDITS {
        let Some(edit) = input.next() else { break };
        let mut arg = || input.next().unwrap_or(0);
        match edit % 8 {
            0 => fill(&mut screen, [arg(), arg(), arg(), arg()], arg()),
            1 => text(&mut screen, (arg(), arg()), arg(), arg()),
            2 => shift(
                &mut screen,
                [arg(), arg(), arg(), arg()],
                (arg(), arg()),
                arg(),
            ),
            3 => dim(&mut screen, [arg(), arg(), arg(), arg()], arg()),
            4 if saved.len() < MAX_SAVED => saved.push(screen.clone()),
            5 if !saved.is_empty() => screen = saved[usize::from(arg()) % saved.len()].clone(),
            6 => show_page(&mut screen, &page, u32::from(arg()) * 2),
            7 => {
                link.send(&mut host, &screen);
                frames += 1;
                if frames == MAX_FRAMES {
                    return;
                }
            }
            _ => {}
        }
    }
    link.send(&mut host, &screen);
}

/// The wire between host and viewer, and the viewer.
struct Link {
    writer: UpdateWriter,
    reader: HostReader,
    viewer: ViewerDecoder,
    sequence: u64,
    lossy: bool,
}

impl Link {
    fn new() -> Self {
        Self {
            writer: UpdateWriter::new().expect("a writer"),
            reader: HostReader::new().expect("a reader"),
            viewer: ViewerDecoder::new(WIDTH, HEIGHT).expect("a viewer"),
            sequence: 0,
            lossy: false,
        }
    }

    /// Encodes `screen`, sends the update through the wire, applies it and checks the result.
    fn send(&mut self, host: &mut HostEncoder, screen: &Frame) {
        let update = host
            .encode(&screen.view())
            .expect("the encoder takes the screen");
        self.lossy |= update.ops.iter().any(|op| matches!(op, Op::Av1 { .. }));
        let message = UpdateMessage {
            sequence: self.sequence,
            capture_us: self.sequence * 33_333,
            update,
        };
        self.sequence += 1;
        let mut bytes = Vec::new();
        self.writer
            .encode(&message, &mut bytes)
            .expect("an update encodes");
        let mut buf = BytesMut::from(&bytes[..]);
        let frame = take_frame(&mut buf)
            .expect("a frame")
            .expect("a whole frame");
        let Ok(HostMessage::Update(received)) = self.reader.decode(&frame) else {
            panic!("the update did not decode");
        };
        assert_eq!(
            received.update, message.update,
            "the wire changed the update"
        );
        if let Err(e) = self.viewer.apply(&received.update) {
            panic!(
                "the viewer refused the encoder's update {}: {e}",
                message.sequence
            );
        }
        if !self.lossy {
            let shown = self.viewer.framebuffer();
            let wrong = (0..HEIGHT).find(|&y| shown.row(y) != screen.view().row(y));
            assert!(
                wrong.is_none(),
                "update {}: row {wrong:?} differs",
                message.sequence
            );
        }
    }
}

/// A rect of the screen from four bytes (left, top, width, height), clipped to it.
fn rect_of([x, y, w, h]: [u8; 4]) -> Rect {
    let x = u32::from(x) * WIDTH / 256;
    let y = u32::from(y) * HEIGHT / 256;
    let w = (u32::from(w) * WIDTH / 256 + 1).min(WIDTH - x);
    let h = (u32::from(h) * HEIGHT / 256 + 1).min(HEIGHT - y);
    Rect::new(x, y, w, h)
}

fn fill(screen: &mut Frame, rect: [u8; 4], colour: u8) {
    let colour = COLOURS[usize::from(colour) % COLOURS.len()];
    let mut view = screen.view_mut();
    view.sub_mut(rect_of(rect)).expect("inside").fill(colour);
}

/// A line of up to 31 glyphs from `at` (in 256ths of the screen), shapes from `seed`.
fn text(screen: &mut Frame, at: (u8, u8), len: u8, seed: u8) {
    let at = (
        u32::from(at.0) * WIDTH / 256,
        u32::from(at.1) * HEIGHT / 256,
    );
    glyphs(screen, at, len % 32, seed);
}

/// `len` glyphs from pixel `(x0, y0)` on, in a colour and of shapes (32 of them, each a 6×10
/// bitmap) chosen by `seed`; clipped to the frame.
fn glyphs(frame: &mut Frame, (x0, y0): (u32, u32), len: u8, seed: u8) {
    let ink = COLOURS[1 + usize::from(seed) % (COLOURS.len() - 1)];
    let (width, height) = (frame.width(), frame.height());
    let mut view = frame.view_mut();
    for i in 0..u32::from(len) {
        let shape = seed.wrapping_add(i as u8 * 7) % 32;
        let mut bits = u64::from(shape).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        for gy in 0..10u32 {
            for gx in 0..6u32 {
                bits = bits.rotate_left(1);
                let (px, py) = (x0 + i * CELL.0 + 1 + gx, y0 + 2 + gy);
                if bits & 1 == 1 && px < width && py < height {
                    view.row_mut(py)[px as usize * 4..px as usize * 4 + 4].copy_from_slice(&ink);
                }
            }
        }
    }
}

/// The page: a line of text in every cell row, each of its own length and glyphs.
fn page() -> Frame {
    let mut page = Frame::filled(WIDTH, PAGE_HEIGHT, COLOURS[0]).expect("a valid size");
    for line in 0..PAGE_HEIGHT / CELL.1 {
        let len = (line * 7 % 29 + 2) as u8;
        glyphs(&mut page, (4, line * CELL.1), len, (line * 13) as u8);
    }
    page
}

/// Shows `page` from row `top` (clamped) below the screen's header.
fn show_page(screen: &mut Frame, page: &Frame, top: u32) {
    let top = top.min(PAGE_HEIGHT - (HEIGHT - HEADER));
    let mut view = screen.view_mut();
    for y in HEADER..HEIGHT {
        view.row_mut(y)
            .copy_from_slice(page.view().row(top + y - HEADER));
    }
}

/// Moves the pixels of a rect by (`dx`, `dy`) (−128..=127 each, as a scroll or a drag),
/// clipped to the screen; when `fresh` is odd, a line of text goes where the rect's pixels
/// left (its bottom edge when they moved up, else its top).
fn shift(screen: &mut Frame, rect: [u8; 4], (dx, dy): (u8, u8), fresh: u8) {
    let src = rect_of(rect);
    let (dx, dy) = (i64::from(dx as i8), i64::from(dy as i8));
    // The source columns whose pixels land on the screen.
    let x0 = i64::from(src.x).max(-dx);
    let x1 = i64::from(src.x + src.width).min(i64::from(WIDTH) - dx);
    let before = screen.clone();
    let mut view = screen.view_mut();
    for y in src.y..src.y + src.height {
        let to = i64::from(y) + dy;
        if x0 < x1 && (0..i64::from(HEIGHT)).contains(&to) {
            let from = &before.view().row(y)[x0 as usize * 4..x1 as usize * 4];
            view.row_mut(to as u32)[(x0 + dx) as usize * 4..(x1 + dx) as usize * 4]
                .copy_from_slice(from);
        }
    }
    if fresh % 2 == 1 {
        let y = if dy < 0 {
            (src.y + src.height).saturating_sub(CELL.1)
        } else {
            src.y
        };
        glyphs(screen, (src.x, y), fresh / 8 % 32, fresh);
    }
}

/// Dims a rect as a modal dialog's backdrop does: each channel scaled by (`level` + 1)/256.
fn dim(screen: &mut Frame, rect: [u8; 4], level: u8) {
    let rect = rect_of(rect);
    let mut view = screen.view_mut();
    for y in rect.y..rect.y + rect.height {
        let row = &mut view.row_mut(y)[rect.x as usize * 4..(rect.x + rect.width) as usize * 4];
        for px in row.chunks_exact_mut(4) {
            for c in &mut px[..3] {
                *c = (u32::from(*c) * (u32::from(level) + 1) / 256) as u8;
            }
        }
    }
}
