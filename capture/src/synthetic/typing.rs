//! `typing`: a code editor on a desktop; the user types at ~10 characters a second in bursts
//! of a line, pauses to think, and the caret blinks at 1 Hz while they do.

use super::canvas::{Area, Bgra, Canvas};
use super::code::{editor_text, highlight};
use super::desktop::{self, Pointer, Ui, DARK};
use super::editor::Editor;
use super::noise::Rng;
use super::text::GlyphCache;
use super::{frame_ms, Animate};

/// Milliseconds between keystrokes inside a burst (10 characters a second).
const KEY_INTERVAL_MS: u64 = 100;
/// Half a caret blink period: on for 500 ms, off for 500 ms.
const BLINK_HALF_MS: u64 = 500;

pub(crate) struct Typing {
    fps: u32,
    glyphs: GlyphCache,
    editor: Editor,
    pointer: Pointer,
    pointer_at: (i32, i32),
    /// Every keystroke: when (ms), which character, which colour.
    keys: Vec<(u64, char, Bgra)>,
    next_key: usize,
    caret_visible: bool,
}

/// Lays out the desktop with a near-maximised editor window; returns the editor's client area.
pub(crate) fn editor_desktop(
    canvas: &mut Canvas,
    glyphs: &mut GlyphCache,
    ui: Ui,
    app: &str,
) -> Area {
    desktop::wallpaper(canvas);
    let panel = desktop::top_panel(canvas, glyphs, ui, &format!("{app}    Wed 25 Nov  14:32"));
    let dock = desktop::dock(canvas, glyphs, ui, panel, 3);
    let (w, h) = (canvas.width(), canvas.height());
    let outer = Area::new(
        dock + ui.px(20),
        panel + ui.px(16),
        w - dock - ui.px(40),
        h - panel - ui.px(34),
    );
    desktop::window(
        canvas,
        glyphs,
        ui,
        outer,
        "frame.rs \u{2014} meekijk \u{2014} Code",
        DARK,
    )
}

impl Typing {
    pub(crate) fn new(canvas: &mut Canvas, fps: u32, seed: u64) -> Self {
        let mut rng = Rng::new(seed);
        let ui = Ui::for_size(canvas.width(), canvas.height());
        let mut glyphs = GlyphCache::default();
        let client = editor_desktop(canvas, &mut glyphs, ui, "Code");
        let (header, typed) = editor_text(&mut rng);
        let editor = Editor::new(ui, client, &header);
        editor.render(canvas, &mut glyphs, client);
        let keys = schedule(&typed, &mut rng);
        let pointer_at = (canvas.width() * 7 / 10, canvas.height() * 11 / 20);
        Self {
            fps,
            glyphs,
            editor,
            pointer: Pointer::new(ui),
            pointer_at,
            keys,
            next_key: 0,
            caret_visible: false,
        }
    }
}

/// Keystroke times: a line at 10 keys a second, then a pause of 0.6–2 s before the next.
fn schedule(typed: &str, rng: &mut Rng) -> Vec<(u64, char, Bgra)> {
    let mut keys = Vec::with_capacity(typed.len());
    let mut t = 300 + rng.below(900);
    for line in typed.split_inclusive('\n') {
        let colors = highlight(line.trim_end_matches('\n'));
        for (i, ch) in line.chars().enumerate() {
            let color = colors.get(i).map_or(super::code::PLAIN, |&(_, c)| c);
            keys.push((t, ch, color));
            t += KEY_INTERVAL_MS;
        }
        t += 600 + rng.below(1400);
    }
    keys
}

impl Animate for Typing {
    fn step(&mut self, canvas: &mut Canvas, n: u64) -> bool {
        let now = frame_ms(n, self.fps);
        let first = n == 0;
        let pending = self.keys[self.next_key..]
            .iter()
            .take_while(|&&(t, _, _)| t <= now)
            .count();
        let last_key = self.next_key.checked_sub(1).map(|i| self.keys[i].0);
        let last_key = if pending > 0 {
            Some(self.keys[self.next_key + pending - 1].0)
        } else {
            last_key
        };
        // Solid right after a keystroke, then on/off every half second.
        let since = now - last_key.unwrap_or(0);
        let caret = (since / BLINK_HALF_MS) % 2 == 0;
        if !first && pending == 0 && caret == self.caret_visible {
            return false;
        }
        self.pointer.lift(canvas);
        self.editor.set_caret(canvas, &mut self.glyphs, false);
        for i in self.next_key..self.next_key + pending {
            let (_, ch, color) = self.keys[i];
            self.editor.type_char(canvas, &mut self.glyphs, ch, color);
        }
        self.next_key += pending;
        self.editor.set_caret(canvas, &mut self.glyphs, caret);
        self.caret_visible = caret;
        self.pointer
            .place(canvas, self.pointer_at.0, self.pointer_at.1);
        true
    }
}
