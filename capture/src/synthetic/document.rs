//! An endless documentation page laid out lazily into positioned items (text runs, boxes,
//! pictures), so a scrolled browser can draw just the strip that scrolls into view.

use super::canvas::{blend, rgb, Area, Bgra, Canvas};
use super::desktop::Ui;
use super::noise::{fractal, Rng};
use super::text::{Face, GlyphCache, Style};

const INK: Bgra = rgb(0x24292f);
const MUTED: Bgra = rgb(0x57606a);
const LINK: Bgra = rgb(0x0969da);

const WORDS: &[&str] = &[
    "the",
    "session",
    "viewer",
    "screen",
    "code",
    "consent",
    "customer",
    "support",
    "employee",
    "control",
    "frame",
    "tile",
    "each",
    "only",
    "when",
    "after",
    "before",
    "a",
    "is",
    "of",
    "to",
    "and",
    "with",
    "connection",
    "encrypted",
    "window",
    "mask",
    "region",
    "pixels",
    "never",
    "leave",
    "machine",
    "granted",
    "revoked",
    "at",
    "any",
    "time",
    "receipt",
    "records",
    "hash",
    "terms",
    "accepted",
    "one-time",
    "expires",
    "minutes",
    "bandwidth",
    "latency",
    "keyboard",
    "mouse",
    "input",
    "injected",
    "while",
    "host",
    "shares",
    "display",
    "private",
    "data",
    "stays",
    "local",
    "quality",
    "refines",
    "static",
    "areas",
    "losslessly",
    "video",
    "motion",
];

const HEADINGS: &[&str] = &[
    "Starting a session",
    "What the viewer can see",
    "Granting control",
    "Privacy masks",
    "Ending a session",
    "Network requirements",
    "Troubleshooting",
    "The session receipt",
    "Keyboard shortcuts",
    "Frequently asked questions",
    "Performance tuning",
    "Security model",
];

/// One positioned thing on the page, in document coordinates (x relative to the column).
pub(crate) enum Item {
    Text {
        x: i32,
        y: i32,
        style: Style,
        text: String,
        color: Bgra,
    },
    Box {
        area: Area,
        color: Bgra,
    },
    Picture {
        area: Area,
        seed: u32,
    },
}

impl Item {
    fn span(&self, line_h: i32) -> (i32, i32) {
        match self {
            Item::Text { y, .. } => (*y, y + line_h),
            Item::Box { area, .. } | Item::Picture { area, .. } => (area.y, area.bottom()),
        }
    }
}

/// The page: items laid out so far and the generator of more.
pub(crate) struct Document {
    ui: Ui,
    width: i32,
    rng: Rng,
    items: Vec<Item>,
    laid_out_to: i32,
    /// Items before this index lie wholly above the view and are never drawn again.
    first_live: usize,
    body: Style,
    mono: Style,
}

impl Document {
    pub(crate) fn new(ui: Ui, width: i32, seed: u64) -> Self {
        let mut doc = Self {
            ui,
            width,
            rng: Rng::new(seed),
            items: Vec::new(),
            laid_out_to: ui.px(36),
            first_live: 0,
            body: ui.font(Face::Sans, 15.5),
            mono: ui.font(Face::Mono, 13.5),
        };
        let title = ui.font(Face::Sans, 32.0);
        doc.push_text(0, title, "Remote support sessions", INK);
        doc.laid_out_to += title.line_height() + ui.px(6);
        doc.push_text(
            0,
            ui.font(Face::Sans, 13.0),
            "Updated 25 November \u{00b7} 9 min read",
            MUTED,
        );
        doc.laid_out_to += ui.px(34);
        doc
    }

    fn push_text(&mut self, x: i32, style: Style, text: &str, color: Bgra) {
        self.items.push(Item::Text {
            x,
            y: self.laid_out_to,
            style,
            text: text.to_string(),
            color,
        });
    }

    /// Word-wraps `words` to the column width at `style`.
    fn paragraph(&mut self, glyphs: &mut GlyphCache, x: i32, width: i32, text: &str, color: Bgra) {
        let line_h = self.body.line_height() * 16 / 10;
        let mut line = String::new();
        for word in text.split(' ') {
            let candidate = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            if glyphs.measure(self.body, &candidate) > width && !line.is_empty() {
                self.push_text(x, self.body, &line, color);
                self.laid_out_to += line_h;
                line = word.to_string();
            } else {
                line = candidate;
            }
        }
        if !line.is_empty() {
            self.push_text(x, self.body, &line, color);
            self.laid_out_to += line_h;
        }
    }

    fn sentence(&mut self, words: usize) -> String {
        let mut s = String::new();
        for i in 0..words {
            let w = *self.rng.pick(WORDS);
            if i == 0 {
                let mut c = w.chars();
                s.extend(c.next().map(|c| c.to_ascii_uppercase()));
                s.push_str(c.as_str());
            } else {
                s.push(' ');
                s.push_str(w);
            }
        }
        s.push('.');
        s
    }

    /// Appends one more section (heading, paragraphs and a code block, picture, list or note).
    fn add_section(&mut self, glyphs: &mut GlyphCache) {
        let ui = self.ui;
        let heading = ui.font(Face::Sans, 23.0);
        let title = *self.rng.pick(HEADINGS);
        self.push_text(0, heading, title, INK);
        self.laid_out_to += heading.line_height() + ui.px(8);
        self.items.push(Item::Box {
            area: Area::new(0, self.laid_out_to, self.width, 1),
            color: rgb(0xd0d7de),
        });
        self.laid_out_to += ui.px(16);
        for _ in 0..self.rng.range(1, 3) {
            let n = self.rng.range(3, 6);
            let text: Vec<String> = (0..n)
                .map(|_| {
                    let k = self.rng.range(6, 16) as usize;
                    self.sentence(k)
                })
                .collect();
            self.paragraph(glyphs, 0, self.width, &text.join(" "), INK);
            self.laid_out_to += ui.px(12);
        }
        match self.rng.below(4) {
            0 => self.code_block(),
            1 => {
                let h = self.width * 9 / 32;
                let seed = self.rng.next_u64() as u32;
                self.items.push(Item::Picture {
                    area: Area::new(0, self.laid_out_to, self.width * 3 / 4, h),
                    seed,
                });
                self.laid_out_to += h + ui.px(8);
                self.push_text(
                    0,
                    ui.font(Face::Sans, 13.0),
                    "Figure: the viewer window during a session.",
                    MUTED,
                );
                self.laid_out_to += ui.px(36);
            }
            2 => {
                for _ in 0..self.rng.range(3, 5) {
                    self.items.push(Item::Box {
                        area: Area::new(ui.px(8), self.laid_out_to + ui.px(10), ui.px(5), ui.px(5)),
                        color: INK,
                    });
                    let k = self.rng.range(5, 11) as usize;
                    let s = self.sentence(k);
                    self.paragraph(glyphs, ui.px(26), self.width - ui.px(26), &s, INK);
                }
                self.laid_out_to += ui.px(12);
            }
            _ => {
                let top = self.laid_out_to;
                self.laid_out_to += ui.px(14);
                let mark = self.items.len();
                self.push_text(ui.px(20), ui.font(Face::Sans, 15.0), "\u{2139}  Note", LINK);
                self.laid_out_to += ui.px(28);
                let s = self.sentence(14);
                self.paragraph(glyphs, ui.px(20), self.width - ui.px(40), &s, INK);
                let h = self.laid_out_to - top + ui.px(6);
                // Backgrounds go before the text they sit under.
                self.items.insert(
                    mark,
                    Item::Box {
                        area: Area::new(0, top, ui.px(4), h),
                        color: LINK,
                    },
                );
                self.items.insert(
                    mark,
                    Item::Box {
                        area: Area::new(0, top, self.width, h),
                        color: rgb(0xddf4ff),
                    },
                );
                self.laid_out_to += ui.px(26);
            }
        }
        self.laid_out_to += ui.px(18);
    }

    fn code_block(&mut self) {
        let ui = self.ui;
        let lines = [
            "$ meekijk share --mask-window \"Bank\"",
            "Session code: 4F7K-9QXM (valid for 10 minutes)",
            "Waiting for the support employee to connect...",
            "Allow \"Sam (Helpdesk)\" to watch your screen? [y/N] y",
        ];
        let lh = self.mono.line_height() + ui.px(4);
        let h = lh * lines.len() as i32 + ui.px(28);
        self.items.push(Item::Box {
            area: Area::new(0, self.laid_out_to, self.width, h),
            color: rgb(0xf6f8fa),
        });
        self.laid_out_to += ui.px(14);
        for line in lines {
            self.push_text(ui.px(16), self.mono, line, INK);
            self.laid_out_to += lh;
        }
        self.laid_out_to += ui.px(32);
    }

    /// Draws the document rows `doc_top..doc_top + area.h` into `area` of the canvas, whose
    /// left edge is the column's x; only what intersects `area` is touched.
    pub(crate) fn draw(
        &mut self,
        canvas: &mut Canvas,
        glyphs: &mut GlyphCache,
        area: Area,
        doc_top: i32,
        column_x: i32,
    ) {
        while self.laid_out_to < doc_top + area.h + self.ui.px(400) {
            self.add_section(glyphs);
        }
        let old = canvas.set_clip(area);
        canvas.fill(area, rgb(0xffffff));
        let line_h = self.body.line_height().max(self.mono.line_height()) * 2;
        let offset = area.y - doc_top;
        let mut i = self.first_live;
        while i < self.items.len() {
            let (top, bottom) = self.items[i].span(line_h);
            if top > doc_top + area.h {
                break;
            }
            if bottom >= doc_top {
                match &self.items[i] {
                    Item::Text {
                        x,
                        y,
                        style,
                        text,
                        color,
                    } => {
                        glyphs.draw(canvas, *style, column_x + x, y + offset, text, *color);
                    }
                    Item::Box { area: a, color } => {
                        canvas.fill(Area::new(column_x + a.x, a.y + offset, a.w, a.h), *color)
                    }
                    Item::Picture { area: a, seed } => picture(
                        canvas,
                        Area::new(column_x + a.x, a.y + offset, a.w, a.h),
                        *seed,
                    ),
                }
            }
            i += 1;
        }
        canvas.set_clip(old);
    }

    /// Forgets items that ended above `doc_top` (the view only moves down).
    pub(crate) fn forget_above(&mut self, doc_top: i32) {
        let line_h = self.body.line_height() * 2;
        while self.first_live < self.items.len()
            && self.items[self.first_live].span(line_h).1 < doc_top - line_h
        {
            self.first_live += 1;
        }
    }
}

/// A small landscape "photo" drawn only where the clip allows.
fn picture(canvas: &mut Canvas, area: Area, seed: u32) {
    let visible = area.intersect(canvas.clip());
    let horizon = area.h * 45 / 100;
    for y in visible.y..visible.bottom() {
        let ry = y - area.y;
        for x in visible.x..visible.right() {
            let rx = x - area.x;
            let n = fractal(rx, ry, area.w / 6 + 1, 1 << 20, seed);
            let ridge = horizon
                + (fractal(rx, 0, area.w / 4 + 1, 1 << 20, seed ^ 9) as i32 - 128) * area.h / 900;
            let c = if ry < ridge {
                let t = (ry * 255 / ridge.max(1)) as u32;
                let sky = [
                    blend(0xe0, 0xf6, t),
                    blend(0x9a, 0xd8, t),
                    blend(0x4a, 0xb0, t),
                    255,
                ];
                let cloud = n.saturating_sub(150) * 2;
                [
                    blend(sky[0], 255, cloud),
                    blend(sky[1], 255, cloud),
                    blend(sky[2], 255, cloud),
                    255,
                ]
            } else {
                let g = n as u8;
                [
                    blend(0x20, 0x50, g as u32),
                    blend(0x70, 0xa8, g as u32),
                    blend(0x40, 0x6a, g as u32),
                    255,
                ]
            };
            canvas.plot(x, y, c, 255);
        }
    }
}
