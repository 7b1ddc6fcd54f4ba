//! Anti-aliased text with the shipped DejaVu fonts (rasterised by `fontdue`) and a glyph cache,
//! so each glyph of each size is rasterised once per scene.

use std::collections::HashMap;
use std::sync::OnceLock;

use fontdue::{Font, FontSettings};

use super::canvas::{Bgra, Canvas};

static SANS_TTF: &[u8] = include_bytes!("../../fonts/DejaVuSans.ttf");
static MONO_TTF: &[u8] = include_bytes!("../../fonts/DejaVuSansMono.ttf");

/// Which of the two shipped faces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Face {
    /// DejaVu Sans, for UI and documents.
    Sans,
    /// DejaVu Sans Mono, for editors and terminals.
    Mono,
}

/// Parses the fonts once per process; they are immutable after that.
fn font(face: Face) -> &'static Font {
    static FONTS: OnceLock<[Font; 2]> = OnceLock::new();
    let fonts = FONTS.get_or_init(|| {
        // The bytes are compiled in and known-good, so parsing cannot fail at run time.
        let parse = |bytes: &'static [u8]| {
            Font::from_bytes(bytes, FontSettings::default()).expect("shipped DejaVu font parses")
        };
        [parse(SANS_TTF), parse(MONO_TTF)]
    });
    match face {
        Face::Sans => &fonts[0],
        Face::Mono => &fonts[1],
    }
}

/// A face at a pixel size, with its vertical metrics.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Style {
    pub(crate) face: Face,
    pub(crate) px: f32,
}

impl Style {
    pub(crate) fn new(face: Face, px: f32) -> Self {
        // Below ~5 px glyphs are mush anyway; the floor keeps tiny canvases legible-ish.
        Self {
            face,
            px: px.max(5.0),
        }
    }

    /// Distance from the top of a line box to the baseline.
    pub(crate) fn ascent(&self) -> i32 {
        font(self.face)
            .horizontal_line_metrics(self.px)
            .map_or(self.px * 0.8, |m| m.ascent)
            .round() as i32
    }

    /// Height of one line of text, baseline to baseline.
    pub(crate) fn line_height(&self) -> i32 {
        font(self.face)
            .horizontal_line_metrics(self.px)
            .map_or(self.px * 1.2, |m| m.new_line_size)
            .ceil() as i32
    }
}

struct Glyph {
    xmin: i32,
    ymin: i32,
    width: usize,
    height: usize,
    advance: f32,
    coverage: Vec<u8>,
}

/// Rasterised glyphs keyed by face, size and character.
#[derive(Default)]
pub(crate) struct GlyphCache {
    glyphs: HashMap<(Face, u32, char), Glyph>,
}

impl GlyphCache {
    fn glyph(&mut self, style: Style, ch: char) -> &Glyph {
        self.glyphs
            .entry((style.face, style.px.to_bits(), ch))
            .or_insert_with(|| {
                let (m, coverage) = font(style.face).rasterize(ch, style.px);
                Glyph {
                    xmin: m.xmin,
                    ymin: m.ymin,
                    width: m.width,
                    height: m.height,
                    advance: m.advance_width,
                    coverage,
                }
            })
    }

    /// Width of `text` in pixels.
    pub(crate) fn measure(&mut self, style: Style, text: &str) -> i32 {
        let mut pen = 0.0;
        for ch in text.chars() {
            pen += self.glyph(style, ch).advance;
        }
        pen.round() as i32
    }

    /// Draws `text` with its line box's top-left at (`x`, `top`); returns the x after it.
    pub(crate) fn draw(
        &mut self,
        canvas: &mut Canvas,
        style: Style,
        x: i32,
        top: i32,
        text: &str,
        color: Bgra,
    ) -> i32 {
        let baseline = top + style.ascent();
        let mut pen = x as f32;
        for ch in text.chars() {
            let g = self.glyph(style, ch);
            if g.width > 0 && !ch.is_whitespace() {
                let gx = pen.round() as i32 + g.xmin;
                let gy = baseline - g.ymin - g.height as i32;
                draw_coverage(canvas, gx, gy, g, color);
            }
            pen += g.advance;
        }
        pen.round() as i32
    }

    /// Draws `text` centred horizontally in the span `[x, x + w)`.
    pub(crate) fn draw_centred(
        &mut self,
        canvas: &mut Canvas,
        style: Style,
        (x, w): (i32, i32),
        top: i32,
        text: &str,
        color: Bgra,
    ) {
        let tw = self.measure(style, text);
        self.draw(canvas, style, x + (w - tw) / 2, top, text, color);
    }

    /// Draws coloured runs one after another on one line; returns the x after the last.
    pub(crate) fn draw_runs(
        &mut self,
        canvas: &mut Canvas,
        style: Style,
        x: i32,
        top: i32,
        runs: &[(&str, Bgra)],
    ) -> i32 {
        let mut x = x;
        for (text, color) in runs {
            x = self.draw(canvas, style, x, top, text, *color);
        }
        x
    }
}

fn draw_coverage(canvas: &mut Canvas, gx: i32, gy: i32, g: &Glyph, color: Bgra) {
    let clip = canvas.clip();
    // Skip whole glyphs outside the clip before touching pixels.
    if gx >= clip.right()
        || gy >= clip.bottom()
        || gx + g.width as i32 <= clip.x
        || gy + g.height as i32 <= clip.y
    {
        return;
    }
    for row in 0..g.height {
        let y = gy + row as i32;
        for col in 0..g.width {
            let a = g.coverage[row * g.width + col] as u32;
            canvas.plot(gx + col as i32, y, color, a);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symbols_used_by_the_scenes_exist_in_the_fonts() {
        let symbols = "\u{00b7}\u{00d7}\u{2013}\u{2014}\u{203a}\u{2190}\u{2192}\u{2193}\u{21bb}\u{2297}\u{22ee}\u{2302}\u{2387}\u{2139}\u{258f}\u{25a1}\u{25a3}\u{25a4}\u{25b6}\u{25b8}\u{25be}\u{25ce}\u{2605}\u{2606}\u{266a}\u{266b}\u{2672}\u{2699}\u{26a0}\u{2197}\u{275a}";
        let missing: Vec<String> = symbols
            .chars()
            .filter(|&c| !font(Face::Sans).has_glyph(c))
            .map(|c| format!("U+{:04X}", c as u32))
            .collect();
        assert!(missing.is_empty(), "missing in DejaVu Sans: {missing:?}");
    }
}
