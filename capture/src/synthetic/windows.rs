//! Scenes built from whole windows: `window-drag` (a file manager dragged across the desktop),
//! `idle-cursor` (a still desktop, only the pointer moves) and `switch` (alt-tab between an
//! editor and a browser every two seconds).

use meekijk_codec::Frame;

use super::browser::browser_desktop;
use super::canvas::{rgb, Area, Canvas};
use super::desktop::{self, Pointer, Ui, LIGHT};
use super::document::Document;
use super::editor::Editor;
use super::noise::{cos_q, sin_q, Rng};
use super::text::{Face, GlyphCache};
use super::typing::editor_desktop;
use super::{frame_ms, Animate};
use crate::Result;

/// A file manager window drawn into its own frame (`w`×`h`, title bar included).
fn files_window(glyphs: &mut GlyphCache, ui: Ui, w: i32, h: i32, rng: &mut Rng) -> Result<Frame> {
    let frame = Frame::filled(w.max(1) as u32, h.max(1) as u32, LIGHT.title_bar)?;
    let mut canvas = Canvas::new(frame);
    let client = desktop::window(
        &mut canvas,
        glyphs,
        ui,
        Area::new(0, 0, w, h),
        "Documents \u{2014} Files",
        LIGHT,
    );
    canvas.fill(client, rgb(0xffffff));
    let side = Area::new(client.x, client.y, ui.px(190), client.h);
    canvas.fill(side, rgb(0xf2f2f2));
    let font = ui.font(Face::Sans, 13.5);
    for (i, place) in [
        "\u{2302}  Home",
        "\u{2605}  Starred",
        "\u{25a4}  Documents",
        "\u{2193}  Downloads",
        "\u{266b}  Music",
        "\u{25a3}  Pictures",
        "\u{2672}  Trash",
    ]
    .iter()
    .enumerate()
    {
        let y = side.y + ui.px(14) + i as i32 * ui.px(34);
        if i == 2 {
            canvas.rounded(
                Area::new(
                    side.x + ui.px(8),
                    y - ui.px(6),
                    side.w - ui.px(16),
                    ui.px(30),
                ),
                ui.px(6),
                rgb(0xdcdcdc),
            );
        }
        glyphs.draw(
            &mut canvas,
            font,
            side.x + ui.px(20),
            y,
            place,
            rgb(0x2e3436),
        );
    }
    let names = [
        "Invoices",
        "Holiday 2025",
        "Taxes",
        "Recipes",
        "Scans",
        "Thesis",
        "Photos",
        "Contracts",
        "budget.ods",
        "letter.odt",
        "notes.txt",
        "plan.pdf",
    ];
    let (cell_w, cell_h) = (ui.px(120), ui.px(118));
    let cols = ((client.right() - side.right() - ui.px(20)) / cell_w).max(1);
    for (i, name) in names.iter().enumerate() {
        let (col, row) = (i as i32 % cols, i as i32 / cols);
        let x = side.right() + ui.px(20) + col * cell_w;
        let y = client.y + ui.px(18) + row * cell_h;
        let icon = Area::new(x + ui.px(28), y, ui.px(64), ui.px(52));
        if i < 8 {
            canvas.rounded(
                Area::new(icon.x, icon.y, icon.w / 2, ui.px(12)),
                ui.px(3),
                rgb(0x4a86c8),
            );
            canvas.rounded(
                Area::new(icon.x, icon.y + ui.px(6), icon.w, icon.h - ui.px(6)),
                ui.px(4),
                rgb(0x62a0ea),
            );
        } else {
            let page = Area::new(icon.x + ui.px(12), icon.y - ui.px(4), ui.px(40), ui.px(56));
            canvas.fill(page, rgb(0xfafafa));
            canvas.border(page, rgb(0xb0b0b0));
            for line in 0..5 {
                canvas.fill(
                    Area::new(
                        page.x + ui.px(7),
                        page.y + ui.px(10) + line * ui.px(8),
                        ui.px(26) - rng.range(0, 8),
                        1,
                    ),
                    rgb(0x9a9a9a),
                );
            }
        }
        glyphs.draw_centred(
            &mut canvas,
            font,
            (x, cell_w),
            y + ui.px(62),
            name,
            rgb(0x2e3436),
        );
    }
    Ok(canvas.into_frame())
}

/// `window-drag`: the file manager follows a figure-eight across the desktop, pointer on its
/// title bar.
pub(crate) struct WindowDrag {
    background: Frame,
    window: Frame,
    pointer: Pointer,
    last: Option<Area>,
    ui: Ui,
}

impl WindowDrag {
    pub(crate) fn new(canvas: &mut Canvas, seed: u64) -> Result<Self> {
        let ui = Ui::for_size(canvas.width(), canvas.height());
        let mut glyphs = GlyphCache::default();
        let mut rng = Rng::new(seed);
        desktop::wallpaper(canvas);
        let panel = desktop::top_panel(canvas, &mut glyphs, ui, "Files    Wed 25 Nov  14:32");
        desktop::dock(canvas, &mut glyphs, ui, panel, 0);
        let window = files_window(&mut glyphs, ui, ui.px(860), ui.px(560), &mut rng)?;
        Ok(Self {
            background: canvas.frame().clone(),
            window,
            pointer: Pointer::new(ui),
            last: None,
            ui,
        })
    }
}

impl Animate for WindowDrag {
    fn step(&mut self, canvas: &mut Canvas, n: u64) -> bool {
        let (w, h) = (canvas.width(), canvas.height());
        let (ww, wh) = (self.window.width() as i32, self.window.height() as i32);
        // One loop every 8 s at 30 fps; about 6-10 px a frame at 1080p.
        let phase = (n * 65536 / 240) as u32;
        let (ax, ay) = ((w - ww) / 2 - self.ui.px(90), (h - wh) / 2 - self.ui.px(30));
        let x = w / 2 - ww / 2 + self.ui.px(34) + ax * cos_q(phase) / 1024;
        let y = h / 2 - wh / 2 + self.ui.px(10) + ay * sin_q(phase.wrapping_mul(2)) / 1024;
        let area = Area::new(x, y, ww, wh);
        if self.last == Some(area) {
            return false;
        }
        self.pointer.lift(canvas);
        if let Some(old) = self.last {
            canvas.restore(&self.background, old);
        }
        canvas.blit(&self.window, Area::new(0, 0, ww, wh), x, y);
        self.last = Some(area);
        self.pointer.place(canvas, x + ww / 3, y + self.ui.px(18));
        true
    }
}

/// `idle-cursor`: two windows sit still; the pointer wanders for 3 s, rests for 1 s.
pub(crate) struct IdleCursor {
    fps: u32,
    pointer: Pointer,
    last: Option<(i32, i32)>,
    seed_phase: u32,
}

impl IdleCursor {
    pub(crate) fn new(canvas: &mut Canvas, fps: u32, seed: u64) -> Result<Self> {
        let ui = Ui::for_size(canvas.width(), canvas.height());
        let mut glyphs = GlyphCache::default();
        let mut rng = Rng::new(seed);
        desktop::wallpaper(canvas);
        let panel = desktop::top_panel(canvas, &mut glyphs, ui, "Text Editor    Wed 25 Nov  14:32");
        let dock = desktop::dock(canvas, &mut glyphs, ui, panel, 0);
        let files = files_window(&mut glyphs, ui, ui.px(820), ui.px(540), &mut rng)?;
        canvas.blit(
            &files,
            Area::new(0, 0, files.width() as i32, files.height() as i32),
            dock + ui.px(40),
            panel + ui.px(60),
        );
        let outer = Area::new(
            canvas.width() / 2 - ui.px(60),
            panel + ui.px(180),
            ui.px(900),
            canvas.height() - panel - ui.px(240),
        );
        let client = desktop::window(
            canvas,
            &mut glyphs,
            ui,
            outer,
            "sessions.md \u{2014} Text Editor",
            LIGHT,
        );
        let mut doc = Document::new(ui, client.w - ui.px(80), seed);
        doc.draw(canvas, &mut glyphs, client, 0, client.x + ui.px(40));
        Ok(Self {
            fps,
            pointer: Pointer::new(ui),
            last: None,
            seed_phase: rng.next_u64() as u32,
        })
    }
}

impl Animate for IdleCursor {
    fn step(&mut self, canvas: &mut Canvas, n: u64) -> bool {
        // Time spent moving so far: 3 of every 4 seconds.
        let ms = frame_ms(n, self.fps);
        let moving_ms = (ms / 4000) * 3000 + (ms % 4000).min(3000);
        let t = (moving_ms * 65536 / 7000) as u32;
        let (w, h) = (canvas.width(), canvas.height());
        let s = self.seed_phase;
        let x = w / 2
            + (w / 3) * sin_q(t + s) / 1024
            + (w / 10) * sin_q(t.wrapping_mul(3) + s / 3) / 1024;
        let y = h / 2
            + (h / 4) * cos_q(t.wrapping_mul(2) + s / 7) / 1024
            + (h / 12) * sin_q(t.wrapping_mul(5)) / 1024;
        if self.last == Some((x, y)) {
            return false;
        }
        self.pointer.lift(canvas);
        self.pointer.place(canvas, x, y);
        self.last = Some((x, y));
        true
    }
}

/// `switch`: alt-tab between a maximised editor and a browser every two seconds, so the same
/// two screens keep coming back; the editor's caret blinks while it is in front.
pub(crate) struct Switch {
    fps: u32,
    apps: [Frame; 2],
    caret: Option<Area>,
    pointer: Pointer,
    state: Option<(u64, bool)>,
}

impl Switch {
    pub(crate) fn new(canvas: &mut Canvas, fps: u32, seed: u64) -> Self {
        let ui = Ui::for_size(canvas.width(), canvas.height());
        let mut glyphs = GlyphCache::default();
        let mut rng = Rng::new(seed);
        browser_desktop(canvas, &mut glyphs, ui, seed);
        let browser = canvas.frame().clone();
        let client = editor_desktop(canvas, &mut glyphs, ui, "Code");
        let (header, _) = super::code::editor_text(&mut rng);
        let editor = Editor::new(ui, client, &header);
        editor.render(canvas, &mut glyphs, client);
        let caret = editor.caret_area(&mut glyphs);
        Self {
            fps,
            apps: [canvas.frame().clone(), browser],
            caret,
            pointer: Pointer::new(ui),
            state: None,
        }
    }
}

impl Animate for Switch {
    fn step(&mut self, canvas: &mut Canvas, n: u64) -> bool {
        let ms = frame_ms(n, self.fps);
        let app = (ms / 2000) % 2;
        let caret_on = app == 0 && (ms / 500) % 2 == 0;
        if self.state == Some((app, caret_on)) {
            return false;
        }
        self.pointer.lift(canvas);
        let switched = self.state.map(|(a, _)| a) != Some(app);
        let screen = &self.apps[app as usize];
        if switched {
            canvas.restore(screen, canvas.bounds());
        } else if let Some(caret) = self.caret {
            canvas.restore(screen, caret);
        }
        if let (true, Some(caret)) = (caret_on, self.caret) {
            canvas.fill(caret, rgb(0xaeafad));
        }
        let (w, h) = (canvas.width(), canvas.height());
        self.pointer.place(canvas, w * 13 / 20, h * 2 / 5);
        self.state = Some((app, caret_on));
        true
    }
}
