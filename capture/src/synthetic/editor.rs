//! A code editor window (explorer, tabs, gutter, highlighted code, caret, status bar) that can
//! type one character at a time, redrawing only the pixels that a real editor would change.

use super::canvas::{rgb, Area, Bgra, Canvas, Patch};
use super::code::highlight;
use super::desktop::Ui;
use super::text::{Face, GlyphCache, Style};

const BACKGROUND: Bgra = rgb(0x1e1e1e);
const CURRENT_LINE: Bgra = rgb(0x282828);
const GUTTER_TEXT: Bgra = rgb(0x858585);
const CARET: Bgra = rgb(0xaeafad);

/// The editor's layout and text; `lines` holds every line of the file, highlighted.
pub(crate) struct Editor {
    ui: Ui,
    style: Style,
    line_h: i32,
    /// Gutter plus code, the part that scrolls.
    text: Area,
    gutter_w: i32,
    status: Area,
    lines: Vec<Vec<(char, Bgra)>>,
    /// Index of the first visible line.
    top: usize,
    /// Caret position: line index and column.
    caret: (usize, usize),
    caret_shown: Option<Patch>,
}

impl Editor {
    /// Lays the editor out in `client` with `initial` lines, caret after the last.
    pub(crate) fn new(ui: Ui, client: Area, initial: &[String]) -> Self {
        let style = ui.font(Face::Mono, 14.0);
        let line_h = ui.px(19).max(style.line_height());
        let (activity_w, explorer_w) = (ui.px(48), ui.px(250));
        let tabs_h = ui.px(35) + ui.px(22);
        let status_h = ui.px(22);
        let code_x = client.x + activity_w + explorer_w;
        let text = Area::new(
            code_x,
            client.y + tabs_h,
            client.right() - code_x,
            client.h - tabs_h - status_h,
        );
        let status = Area::new(client.x, client.bottom() - status_h, client.w, status_h);
        let mut lines: Vec<_> = initial.iter().map(|l| highlight(l)).collect();
        lines.push(Vec::new());
        let caret = (lines.len() - 1, 0);
        let mut editor = Self {
            ui,
            style,
            line_h,
            text,
            gutter_w: ui.px(64),
            status,
            lines,
            top: 0,
            caret,
            caret_shown: None,
        };
        editor.top = editor
            .caret
            .0
            .saturating_sub(editor.rows().saturating_sub(4));
        editor
    }

    fn rows(&self) -> usize {
        (self.text.h / self.line_h).max(1) as usize
    }

    /// Draws the whole editor window contents (not the frame around it).
    pub(crate) fn render(&self, canvas: &mut Canvas, glyphs: &mut GlyphCache, client: Area) {
        let ui = self.ui;
        canvas.fill(client, BACKGROUND);
        // Activity bar with a few simple icons.
        let activity = Area::new(client.x, client.y, ui.px(48), client.h);
        canvas.fill(activity, rgb(0x333333));
        for i in 0..5 {
            let icon = Area::new(
                client.x + ui.px(12),
                client.y + ui.px(14) + i * ui.px(48),
                ui.px(24),
                ui.px(24),
            );
            let color = if i == 0 { rgb(0xe7e7e7) } else { rgb(0x858585) };
            canvas.border(icon, color);
            canvas.border(icon.inset(ui.px(5)), color);
        }
        canvas.fill(
            Area::new(client.x, client.y + ui.px(8), ui.px(2), ui.px(40)),
            rgb(0xe7e7e7),
        );
        // Explorer.
        let explorer = Area::new(activity.right(), client.y, ui.px(250), client.h);
        canvas.fill(explorer, rgb(0x252526));
        let small = ui.font(Face::Sans, 12.0);
        let ui_font = ui.font(Face::Sans, 13.5);
        glyphs.draw(
            canvas,
            small,
            explorer.x + ui.px(20),
            client.y + ui.px(10),
            "EXPLORER",
            rgb(0xbbbbbb),
        );
        let tree = [
            (0, "\u{25be} MEEKIJK", false),
            (1, "\u{25b8} benches", false),
            (1, "\u{25be} capture", false),
            (2, "\u{25b8} src", false),
            (2, "Cargo.toml", false),
            (1, "\u{25be} codec", false),
            (2, "\u{25be} src", false),
            (3, "\u{25b8} differ", false),
            (3, "convert.rs", false),
            (3, "error.rs", false),
            (3, "frame.rs", true),
            (3, "lib.rs", false),
            (3, "rect.rs", false),
            (2, "Cargo.toml", false),
            (1, "\u{25b8} shell", false),
            (1, "Cargo.lock", false),
            (1, "Cargo.toml", false),
            (1, "README.md", false),
        ];
        let row_h = ui.px(22);
        for (i, (depth, name, selected)) in tree.iter().enumerate() {
            let y = client.y + ui.px(36) + i as i32 * row_h;
            if *selected {
                canvas.fill(Area::new(explorer.x, y, explorer.w, row_h), rgb(0x37373d));
            }
            let x = explorer.x + ui.px(12) + depth * ui.px(14);
            glyphs.draw(canvas, ui_font, x, y + ui.px(3), name, rgb(0xcccccc));
        }
        // Tabs and breadcrumbs.
        let tabs = Area::new(
            explorer.right(),
            client.y,
            client.right() - explorer.right(),
            ui.px(35),
        );
        canvas.fill(tabs, rgb(0x252526));
        let mut x = tabs.x;
        for (name, active) in [
            ("frame.rs", true),
            ("lib.rs", false),
            ("differ/mod.rs", false),
        ] {
            let w = glyphs.measure(ui_font, name) + ui.px(48);
            let tab = Area::new(x, tabs.y, w, tabs.h);
            canvas.fill(tab, if active { BACKGROUND } else { rgb(0x2d2d2d) });
            let color = if active { rgb(0xffffff) } else { rgb(0x969696) };
            glyphs.draw(
                canvas,
                ui_font,
                x + ui.px(14),
                tabs.y + ui.px(9),
                name,
                color,
            );
            if active {
                glyphs.draw(
                    canvas,
                    ui_font,
                    tab.right() - ui.px(22),
                    tabs.y + ui.px(9),
                    "\u{00d7}",
                    color,
                );
            }
            canvas.fill(Area::new(tab.right(), tabs.y, 1, tabs.h), rgb(0x252526));
            x = tab.right() + 1;
        }
        glyphs.draw(
            canvas,
            ui_font,
            tabs.x + ui.px(14),
            tabs.bottom() + ui.px(3),
            "codec \u{203a} src \u{203a} frame.rs \u{203a} {} impl Frame",
            rgb(0xa9a9a9),
        );
        for row in 0..self.rows() {
            self.draw_row(canvas, glyphs, row);
        }
        self.draw_status(canvas, glyphs);
    }

    /// Redraws one visible row: background, line number and text.
    fn draw_row(&self, canvas: &mut Canvas, glyphs: &mut GlyphCache, row: usize) {
        let y = self.text.y + row as i32 * self.line_h;
        let index = self.top + row;
        let current = index == self.caret.0;
        let line_area = Area::new(self.text.x, y, self.text.w, self.line_h);
        canvas.fill(line_area, if current { CURRENT_LINE } else { BACKGROUND });
        if index >= self.lines.len() {
            return;
        }
        let ty = y + (self.line_h - self.style.line_height()) / 2;
        let number = (index + 1).to_string();
        let nw = glyphs.measure(self.style, &number);
        let ncolor = if current { rgb(0xc6c6c6) } else { GUTTER_TEXT };
        glyphs.draw(
            canvas,
            self.style,
            self.text.x + self.gutter_w - nw - self.ui.px(18),
            ty,
            &number,
            ncolor,
        );
        let mut x = self.text.x + self.gutter_w;
        let mut buf = [0u8; 4];
        for &(ch, color) in &self.lines[index] {
            x = glyphs.draw(canvas, self.style, x, ty, ch.encode_utf8(&mut buf), color);
        }
    }

    fn draw_status(&self, canvas: &mut Canvas, glyphs: &mut GlyphCache) {
        let ui = self.ui;
        canvas.fill(self.status, rgb(0x007acc));
        let font = ui.font(Face::Sans, 12.5);
        let top = self.status.y + (self.status.h - font.line_height()) / 2;
        let white = rgb(0xffffff);
        glyphs.draw(
            canvas,
            font,
            self.status.x + ui.px(10),
            top,
            "\u{2387} main*   \u{2297} 0  \u{26a0} 2",
            white,
        );
        let right = format!(
            "Ln {}, Col {}    Spaces: 4    UTF-8    LF    Rust",
            self.caret.0 + 1,
            self.caret.1 + 1
        );
        let w = glyphs.measure(font, &right);
        glyphs.draw(
            canvas,
            font,
            self.status.right() - w - ui.px(16),
            top,
            &right,
            white,
        );
    }

    /// The caret's rectangle on screen, if its line is visible.
    pub(crate) fn caret_area(&self, glyphs: &mut GlyphCache) -> Option<Area> {
        let row = self.caret.0.checked_sub(self.top)?;
        if row >= self.rows() {
            return None;
        }
        // Rows are drawn a character at a time, each advance rounded to whole pixels.
        let advance = glyphs.measure(self.style, "0");
        let x = self.text.x + self.gutter_w + self.caret.1 as i32 * advance;
        let y = self.text.y + row as i32 * self.line_h;
        Some(Area::new(x, y + 1, self.ui.px(2), self.line_h - 2))
    }

    /// Shows or hides the caret, saving the pixels under it.
    pub(crate) fn set_caret(
        &mut self,
        canvas: &mut Canvas,
        glyphs: &mut GlyphCache,
        visible: bool,
    ) {
        if let Some(patch) = self.caret_shown.take() {
            canvas.put(&patch);
        }
        if visible {
            if let Some(area) = self.caret_area(glyphs) {
                self.caret_shown = Some(canvas.save(area));
                canvas.fill(area, CARET);
            }
        }
    }

    /// Types one character (`\n` starts a new line), scrolling by a line when the caret would
    /// leave the view. The caret must be hidden first.
    pub(crate) fn type_char(
        &mut self,
        canvas: &mut Canvas,
        glyphs: &mut GlyphCache,
        ch: char,
        color: Bgra,
    ) {
        if ch == '\n' {
            self.lines.insert(self.caret.0 + 1, Vec::new());
            self.caret = (self.caret.0 + 1, 0);
            if self.caret.0 - self.top >= self.rows() {
                self.top += 1;
                let lh = self.line_h;
                let moved = Area::new(
                    self.text.x,
                    self.text.y + lh,
                    self.text.w,
                    (self.rows() as i32 - 1) * lh,
                );
                canvas.copy_within(moved, self.text.x, self.text.y);
            }
            // The old line loses the current-line highlight and the new one gains it.
            if self.caret.0 - self.top > 0 {
                self.draw_row(canvas, glyphs, self.caret.0 - self.top - 1);
            }
            self.draw_row(canvas, glyphs, self.caret.0 - self.top);
        } else {
            self.lines[self.caret.0].push((ch, color));
            self.caret.1 += 1;
            self.draw_row(canvas, glyphs, self.caret.0 - self.top);
        }
        self.draw_status(canvas, glyphs);
    }
}
