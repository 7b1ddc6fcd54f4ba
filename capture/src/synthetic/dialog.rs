//! The `dialog` scene: the documentation page stands still while a modal dialog opens over it
//! every two seconds, the whole screen dimmed behind it (as a browser's `::backdrop` or a
//! consent prompt does), and closes a second later.

use super::browser::browser_desktop;
use super::canvas::{rgb, Area, Canvas, Patch};
use super::desktop::{Pointer, Ui};
use super::text::{Face, GlyphCache};
use super::{frame_ms, Animate};

/// The backdrop: this colour blended over the screen at this opacity (of 255).
const BACKDROP: ([u8; 4], u8) = ([0x1e, 0x14, 0x0f, 255], 140);

pub(crate) struct Dialog {
    ui: Ui,
    fps: u32,
    glyphs: GlyphCache,
    pointer: Pointer,
    pointer_at: (i32, i32),
    /// The screen under the backdrop while the dialog is open.
    behind: Option<Patch>,
}

impl Dialog {
    pub(crate) fn new(canvas: &mut Canvas, fps: u32, seed: u64) -> Self {
        let ui = Ui::for_size(canvas.width(), canvas.height());
        let mut glyphs = GlyphCache::default();
        // The page stays still: what the browser keeps to scroll it is not needed.
        browser_desktop(canvas, &mut glyphs, ui, seed);
        Self {
            ui,
            fps,
            glyphs,
            pointer: Pointer::new(ui),
            pointer_at: (canvas.width() * 11 / 20, canvas.height() * 3 / 5),
            behind: None,
        }
    }

    /// Dims the screen and draws the dialog in its middle.
    fn open(&mut self, canvas: &mut Canvas) {
        let ui = self.ui;
        self.behind = Some(canvas.save(canvas.bounds()));
        canvas.shade(canvas.bounds(), BACKDROP.0, BACKDROP.1);
        let (w, h) = (ui.px(560), ui.px(300));
        let dialog = Area::new((canvas.width() - w) / 2, (canvas.height() - h) / 2, w, h);
        canvas.rounded(dialog, ui.px(10), rgb(0xffffff));
        let pad = ui.px(24);
        let title = ui.font(Face::Sans, 20.0);
        let body = ui.font(Face::Sans, 14.5);
        let dark = rgb(0x202124);
        self.glyphs.draw(
            canvas,
            title,
            dialog.x + pad,
            dialog.y + pad,
            "Let support see your screen?",
            dark,
        );
        let lines = [
            "One employee of the support desk will see your screen",
            "for this session only. Nothing is recorded, and you can",
            "stop sharing at any moment with the Stop button.",
        ];
        for (i, line) in lines.iter().enumerate() {
            let top = dialog.y + pad + ui.px(48) + i as i32 * ui.px(24);
            let grey = rgb(0x5f6368);
            self.glyphs
                .draw(canvas, body, dialog.x + pad, top, line, grey);
        }
        let button =
            |x: i32| Area::new(x, dialog.bottom() - pad - ui.px(36), ui.px(112), ui.px(36));
        let (allow, cancel) = (
            button(dialog.right() - pad - ui.px(112)),
            button(dialog.right() - pad - ui.px(236)),
        );
        canvas.rounded(allow, ui.px(6), rgb(0x1a73e8));
        canvas.rounded(cancel, ui.px(6), rgb(0xe8eaed));
        for (area, text, colour) in [(allow, "Allow", rgb(0xffffff)), (cancel, "Cancel", dark)] {
            let top = area.y + ui.px(9);
            self.glyphs
                .draw_centred(canvas, body, (area.x, area.w), top, text, colour);
        }
    }
}

impl Animate for Dialog {
    fn step(&mut self, canvas: &mut Canvas, n: u64) -> bool {
        let open = frame_ms(n, self.fps) % 2000 >= 1000;
        if n > 0 && open == self.behind.is_some() {
            return false;
        }
        self.pointer.lift(canvas);
        if open {
            self.open(canvas);
        } else if let Some(page) = self.behind.take() {
            canvas.put(&page);
        }
        self.pointer
            .place(canvas, self.pointer_at.0, self.pointer_at.1);
        true
    }
}
