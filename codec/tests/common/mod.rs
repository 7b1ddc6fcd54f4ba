//! Deterministic screen-like content for the codec's integration tests.

#![allow(dead_code, unreachable_pub)]

use meekijk_codec::wire::{HostMessage, UpdateMessage};
use meekijk_codec::{Frame, Rect, Update};

/// Bytes of `update` on the wire (one message, its op table uncompressed).
pub fn wire_len(update: &Update) -> usize {
    let mut out = Vec::new();
    let message = UpdateMessage {
        sequence: 1,
        capture_us: 0,
        update: update.clone(),
    };
    HostMessage::Update(message).encode(&mut out).unwrap();
    out.len()
}

/// Seeded xorshift.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub fn below(&mut self, n: u32) -> u32 {
        (self.next() % n as u64) as u32
    }
}

/// Blends `fg` over `bg` at `alpha`/4 (anti-aliased glyph edges).
fn blend(fg: [u8; 4], bg: [u8; 4], alpha: u32) -> [u8; 4] {
    let mix = |f: u8, b: u8| ((f as u32 * alpha + b as u32 * (4 - alpha)) / 4) as u8;
    [mix(fg[0], bg[0]), mix(fg[1], bg[1]), mix(fg[2], bg[2]), 255]
}

/// Draws one glyph-like cell (8×16): strokes in `fg` with half-tone edges on `bg`.
pub fn glyph(frame: &mut Frame, x: u32, y: u32, seed: u64, fg: [u8; 4], bg: [u8; 4]) {
    let mut rng = Rng(seed | 1);
    let mut view = frame.view_mut();
    let strokes = 2 + rng.below(3);
    for _ in 0..strokes {
        let (sx, sy) = (x + 1 + rng.below(5), y + 3 + rng.below(10));
        let (w, h) = if rng.below(2) == 0 {
            (1 + rng.below(5), 2)
        } else {
            (2, 2 + rng.below(9))
        };
        let rect = Rect::new(sx, sy, w.min(x + 8 - sx), h.min(y + 16 - sy));
        if let Ok(mut r) = view.sub_mut(rect) {
            r.fill(fg);
        }
        let edge = Rect::new(sx, sy + rect.height, rect.width, 1);
        if let Ok(mut r) = view.sub_mut(edge) {
            r.fill(blend(fg, bg, 1 + rng.below(3)));
        }
    }
}

/// An editor-like screen: a title bar, a side panel, and lines of glyphs in a few colours.
pub fn text_frame(width: u32, height: u32, seed: u64) -> Frame {
    let bg = [40, 34, 30, 255];
    let mut frame = Frame::filled(width, height, bg).unwrap();
    let mut view = frame.view_mut();
    view.sub_mut(Rect::new(0, 0, width, 24.min(height)))
        .unwrap()
        .fill([70, 60, 55, 255]);
    if width > 200 {
        view.sub_mut(Rect::new(
            0,
            24.min(height - 1),
            160,
            height - 24.min(height - 1),
        ))
        .unwrap()
        .fill([55, 48, 44, 255]);
    }
    let colours = [
        [220, 220, 220, 255],
        [120, 200, 250, 255],
        [90, 220, 120, 255],
        [250, 160, 90, 255],
    ];
    let mut rng = Rng(seed);
    let mut y = 32;
    while y + 16 <= height {
        let mut x = 176;
        let len = rng.below(90);
        for _ in 0..len {
            if x + 8 > width {
                break;
            }
            if rng.below(6) != 0 {
                let fg = colours[rng.below(4) as usize];
                glyph(&mut frame, x, y, rng.next(), fg, bg);
            }
            x += 8;
        }
        y += 18;
    }
    frame
}

/// Paints photo-like content (smooth gradients, waves and fine grain: thousands of colours)
/// into `rect`; `t` moves it like video.
pub fn paint_photo(frame: &mut Frame, rect: Rect, t: u32, seed: u64) {
    let mut rng = Rng(seed | 1);
    let mut view = frame.view_mut();
    let mut region = view.sub_mut(rect).unwrap();
    for y in 0..rect.height {
        let row = region.row_mut(y);
        for x in 0..rect.width {
            let (fx, fy) = ((x + 2 * t) as f32, (y + t) as f32);
            let wave = (fx * 0.05).sin() * 40.0
                + (fy * 0.031).cos() * 35.0
                + ((fx + fy) * 0.013).sin() * 30.0;
            let grain = (rng.next() % 7) as f32 - 3.0;
            let px = &mut row[x as usize * 4..x as usize * 4 + 4];
            px[0] = (110.0 + wave * 0.6 + fy * 0.15 + grain).clamp(0.0, 255.0) as u8;
            px[1] = (120.0 + wave * 0.9 + grain).clamp(0.0, 255.0) as u8;
            px[2] = (100.0 + wave + fx * 0.12 + grain).clamp(0.0, 255.0) as u8;
            px[3] = 255;
        }
    }
}

/// What a modal dialog's backdrop does to the pixels under `rect`: each channel becomes 45 % of
/// its value and 55 % of a dark blue, as a browser blends `rgba(15, 20, 30, 0.55)`.
pub fn dim(frame: &mut Frame, rect: Rect) {
    let tint = [30u32, 20, 15];
    let mut view = frame.view_mut();
    let mut part = view.sub_mut(rect).unwrap();
    for y in 0..rect.height {
        for px in part.row_mut(y).chunks_exact_mut(4) {
            for c in 0..3 {
                px[c] = ((u32::from(px[c]) * 45 + tint[c] * 55 + 50) / 100) as u8;
            }
        }
    }
}
