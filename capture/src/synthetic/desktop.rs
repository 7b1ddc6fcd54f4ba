//! Desktop furniture shared by the scenes: scale, wallpaper, top panel, dock, window chrome
//! and the mouse pointer sprite.

use super::canvas::{blend, rgb, Area, Bgra, Canvas, Patch};
use super::text::{Face, GlyphCache, Style};

/// Layout scale: 1.0 at 1920×1080, 2.0 at 3840×2160; small canvases shrink everything.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ui {
    pub(crate) scale: f32,
}

impl Ui {
    pub(crate) fn for_size(width: i32, height: i32) -> Self {
        let scale = (width as f32 / 1920.0).min(height as f32 / 1080.0);
        Self { scale }
    }

    /// A length given at 1080p, scaled (at least one pixel).
    pub(crate) fn px(&self, v: i32) -> i32 {
        ((v as f32 * self.scale).round() as i32).max(1)
    }

    pub(crate) fn font(&self, face: Face, px_at_1080p: f32) -> Style {
        Style::new(face, px_at_1080p * self.scale)
    }
}

/// The wallpaper: a diagonal aubergine-to-coral gradient with soft glows, as on many distros.
pub(crate) fn wallpaper(canvas: &mut Canvas) {
    let (w, h) = (canvas.width(), canvas.height());
    let glows = [
        (w * 7 / 10, h * 3 / 10, w / 3, 70u32),
        (w / 5, h * 8 / 10, w / 4, 45),
        (w * 9 / 10, h * 9 / 10, w / 5, 35),
    ];
    let (from, to) = (rgb(0x2c_1b_4d), rgb(0xc2_4b_5a));
    let (a, data, stride) = canvas.rows_mut(Area::new(0, 0, w, h));
    for y in a.y..a.bottom() {
        let row = &mut data[y as usize * stride..][..w as usize * 4];
        for x in 0..w {
            let t =
                ((x as i64 * 255 / w.max(1) as i64 + y as i64 * 255 / h.max(1) as i64) / 2) as u32;
            let mut glow = 0u32;
            for &(gx, gy, r, strength) in &glows {
                let (dx, dy) = ((x - gx) as i64, (y - gy) as i64);
                let d2 = dx * dx + dy * dy;
                let r2 = (r as i64 * r as i64).max(1);
                if d2 < r2 {
                    glow += ((r2 - d2) * strength as i64 / r2) as u32;
                }
            }
            let px = &mut row[x as usize * 4..x as usize * 4 + 4];
            for c in 0..3 {
                let base = blend(from[c], to[c], t) as u32;
                px[c] = (base + glow * (255 - base) / 255).min(255) as u8;
            }
            px[3] = 255;
        }
    }
}

/// The top bar (activities, clock, status icons); returns its height.
pub(crate) fn top_panel(canvas: &mut Canvas, glyphs: &mut GlyphCache, ui: Ui, clock: &str) -> i32 {
    let h = ui.px(30);
    let w = canvas.width();
    canvas.fill(Area::new(0, 0, w, h), rgb(0x1a1a1a));
    let font = ui.font(Face::Sans, 14.0);
    let top = (h - font.line_height()) / 2;
    let white = rgb(0xf2f2f2);
    glyphs.draw(canvas, font, ui.px(14), top, "Activities", white);
    glyphs.draw_centred(canvas, font, (0, w), top, clock, white);
    let mut x = w - ui.px(150);
    for icon in ["EN", "\u{266a}", "\u{2699}"] {
        x = glyphs.draw(canvas, font, x, top, icon, white) + ui.px(16);
    }
    // Battery: outline, tip and a two-thirds charge.
    let (bw, bh) = (ui.px(22), ui.px(11));
    let battery = Area::new(x, (h - bh) / 2, bw, bh);
    canvas.border(battery, white);
    canvas.fill(
        Area::new(battery.right(), battery.y + bh / 4, ui.px(2), bh / 2),
        white,
    );
    canvas.fill(
        Area::new(x + 2, battery.y + 2, (bw - 4) * 2 / 3, bh - 4),
        white,
    );
    glyphs.draw(canvas, font, x + bw + ui.px(8), top, "\u{25be}", white);
    h
}

/// The application dock on the left; returns its width. `active` marks the running app.
pub(crate) fn dock(
    canvas: &mut Canvas,
    glyphs: &mut GlyphCache,
    ui: Ui,
    top: i32,
    active: usize,
) -> i32 {
    let w = ui.px(68);
    let area = Area::new(0, top, w, canvas.height() - top);
    canvas.shade(area, rgb(0x000000), 120);
    let icons: [(u32, u32, &str); 6] = [
        (0x3d8ee8, 0x2161b8, "\u{25a4}"),
        (0xf28c28, 0xd0541a, "\u{25ce}"),
        (0x3a3a3a, 0x1d1d1d, ">_"),
        (0x2c8fd6, 0x1b5e9c, "{ }"),
        (0xe0383e, 0xa31d2a, "\u{25b6}"),
        (0x8a8a8a, 0x5c5c5c, "\u{2699}"),
    ];
    let size = ui.px(46);
    let font = ui.font(Face::Sans, 19.0);
    for (i, (a, b, symbol)) in icons.iter().enumerate() {
        let y = top + ui.px(12) + i as i32 * ui.px(60);
        let x = (w - size) / 2;
        let icon = Area::new(x, y, size, size);
        canvas.rounded(icon, ui.px(10), rgb(*a));
        canvas.shade(
            Area::new(x, y + size / 2, size, size / 2 - ui.px(4)),
            rgb(*b),
            120,
        );
        let ty = y + (size - font.line_height()) / 2;
        glyphs.draw_centred(canvas, font, (x, size), ty, symbol, rgb(0xffffff));
        if i == active {
            canvas.disc(ui.px(5), y + size / 2, ui.px(3).max(1), rgb(0xf0f0f0));
        }
    }
    w
}

/// Colours of a window's frame.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Chrome {
    pub(crate) title_bar: Bgra,
    pub(crate) title_text: Bgra,
    pub(crate) button: Bgra,
    pub(crate) border: Bgra,
}

pub(crate) const LIGHT: Chrome = Chrome {
    title_bar: rgb(0xebebeb),
    title_text: rgb(0x2e3436),
    button: rgb(0xd5d5d5),
    border: rgb(0xb8b8b8),
};

pub(crate) const DARK: Chrome = Chrome {
    title_bar: rgb(0x2f2f2f),
    title_text: rgb(0xe6e6e6),
    button: rgb(0x474747),
    border: rgb(0x1a1a1a),
};

/// Draws a window frame (shadow, rounded title bar with title and buttons, border) around
/// `outer` and returns the client area below the title bar.
pub(crate) fn window(
    canvas: &mut Canvas,
    glyphs: &mut GlyphCache,
    ui: Ui,
    outer: Area,
    title: &str,
    chrome: Chrome,
) -> Area {
    for i in 1..=ui.px(10) {
        let alpha = (60 / i).max(2) as u8;
        let ring = Area::new(
            outer.x - i + 2,
            outer.y - i + 4,
            outer.w + 2 * i - 4,
            outer.h + 2 * i - 4,
        );
        canvas.shade(
            Area::new(ring.x, ring.bottom() - 1, ring.w, 1),
            rgb(0),
            alpha,
        );
        canvas.shade(Area::new(ring.x, ring.y, 1, ring.h - 1), rgb(0), alpha);
        canvas.shade(
            Area::new(ring.right() - 1, ring.y, 1, ring.h - 1),
            rgb(0),
            alpha,
        );
    }
    let bar_h = ui.px(38);
    let radius = ui.px(9);
    // The border stops below the rounded corners so the desktop shows through them.
    canvas.fill(
        Area::new(outer.x, outer.y + radius, outer.w, outer.h - radius),
        chrome.border,
    );
    canvas.rounded(
        Area::new(outer.x, outer.y, outer.w, bar_h * 2),
        radius,
        chrome.title_bar,
    );
    let font = ui.font(Face::Sans, 14.5);
    let top = outer.y + (bar_h - font.line_height()) / 2;
    glyphs.draw_centred(
        canvas,
        font,
        (outer.x, outer.w),
        top,
        title,
        chrome.title_text,
    );
    let r = ui.px(11);
    let symbols = ["\u{00d7}", "\u{25a1}", "\u{2013}"];
    for (i, symbol) in symbols.iter().enumerate() {
        let cx = outer.right() - ui.px(22) - i as i32 * ui.px(32);
        let cy = outer.y + bar_h / 2;
        canvas.disc(cx, cy, r, chrome.button);
        glyphs.draw_centred(
            canvas,
            font,
            (cx - r, 2 * r),
            top,
            symbol,
            chrome.title_text,
        );
    }
    let client = Area::new(
        outer.x + 1,
        outer.y + bar_h,
        outer.w - 2,
        outer.h - bar_h - 1,
    );
    canvas.fill(Area::new(outer.x, client.y - 1, outer.w, 1), chrome.border);
    client
}

/// The arrow pointer, drawn with save/restore of the pixels beneath it so scenes can treat
/// the canvas as if the pointer were not there.
pub(crate) struct Pointer {
    w: i32,
    h: i32,
    /// Premultiplied sprite: grey level and coverage per pixel.
    sprite: Vec<(u8, u8)>,
    saved: Option<Patch>,
}

/// The classic arrow outline at 1080p, in 1/16 px.
const ARROW: [(i32, i32); 7] = [
    (0, 0),
    (0, 17 * 16),
    (4 * 16, 13 * 16),
    (7 * 16, 20 * 16),
    (10 * 16, 19 * 16),
    (7 * 16, 12 * 16 + 8),
    (12 * 16 + 8, 12 * 16 + 8),
];

impl Pointer {
    pub(crate) fn new(ui: Ui) -> Self {
        let s = ui.scale.max(0.5);
        let pts: Vec<(f32, f32)> = ARROW
            .iter()
            .map(|&(x, y)| (x as f32 / 16.0 * s + 0.5, y as f32 / 16.0 * s + 0.5))
            .collect();
        let (w, h) = ((14.0 * s).ceil() as i32 + 2, (21.0 * s).ceil() as i32 + 2);
        let outline = 1.1 * s.max(1.0);
        let mut sprite = Vec::with_capacity((w * h) as usize);
        for y in 0..h {
            for x in 0..w {
                let (mut cover, mut white) = (0u32, 0u32);
                for sy in 0..4 {
                    for sx in 0..4 {
                        let p = (
                            x as f32 + (sx as f32 + 0.5) / 4.0,
                            y as f32 + (sy as f32 + 0.5) / 4.0,
                        );
                        if inside(&pts, p) {
                            cover += 1;
                            if edge_distance(&pts, p) > outline {
                                white += 1;
                            }
                        }
                    }
                }
                let grey = (white * 255).checked_div(cover).unwrap_or(0);
                sprite.push((grey as u8, (cover * 255 / 16) as u8));
            }
        }
        Self {
            w,
            h,
            sprite,
            saved: None,
        }
    }

    /// Puts back what was under the pointer.
    pub(crate) fn lift(&mut self, canvas: &mut Canvas) {
        if let Some(patch) = self.saved.take() {
            canvas.put(&patch);
        }
    }

    /// Draws the pointer with its tip at (`x`, `y`), saving the pixels beneath.
    pub(crate) fn place(&mut self, canvas: &mut Canvas, x: i32, y: i32) {
        let a = Area::new(x, y, self.w, self.h).intersect(canvas.bounds());
        self.saved = Some(canvas.save(a));
        for py in a.y..a.bottom() {
            for px in a.x..a.right() {
                let (grey, cover) = self.sprite[((py - y) * self.w + (px - x)) as usize];
                canvas.plot(px, py, [grey, grey, grey, 255], cover as u32);
            }
        }
    }
}

fn inside(pts: &[(f32, f32)], p: (f32, f32)) -> bool {
    let mut inside = false;
    let mut j = pts.len() - 1;
    for i in 0..pts.len() {
        let (a, b) = (pts[i], pts[j]);
        if (a.1 > p.1) != (b.1 > p.1) && p.0 < (b.0 - a.0) * (p.1 - a.1) / (b.1 - a.1) + a.0 {
            inside = !inside;
        }
        j = i;
    }
    inside
}

fn edge_distance(pts: &[(f32, f32)], p: (f32, f32)) -> f32 {
    let mut best = f32::MAX;
    let mut j = pts.len() - 1;
    for i in 0..pts.len() {
        let (a, b) = (pts[j], pts[i]);
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let len2 = (dx * dx + dy * dy).max(1e-6);
        let t = (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / len2).clamp(0.0, 1.0);
        let (ex, ey) = (a.0 + t * dx - p.0, a.1 + t * dy - p.1);
        best = best.min((ex * ex + ey * ey).sqrt());
        j = i;
    }
    best
}
