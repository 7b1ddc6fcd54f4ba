//! Content classifier that doubles as the palette builder: one pass over a rect's pixels.
//!
//! Screens are mostly text and flat UI with few distinct colours; photos and video have
//! thousands. Counting colours up to a bound answers "which codec?" and, for few-colour
//! content, yields the palette indices the lossless codec needs, in the same pass.

use crate::FrameView;

/// The largest palette the format carries (indices of up to 16 bits; the bound keeps the
/// colour table of an op small).
pub const MAX_PALETTE: usize = 4096;

/// The largest colour bound [`max_colours_for`] gives (for rects of 256² and more).
pub const DEFAULT_MAX_COLOURS: usize = 2048;

/// The colour bound the pipeline should pass to [`classify`] for a `width`×`height` rect:
/// one colour per 16 pixels, at least 256 and at most [`DEFAULT_MAX_COLOURS`].
///
/// Measured on the tile bench: rendered text and UI tiles of 256² have 100–1,100 colours
/// (anti-aliasing of several text colours over coloured backgrounds) and lossless palette
/// coding costs about as many bytes as hot AV1 at a thirtieth of the CPU time; a 64² crop
/// of a photo has ~800 colours, where the palette costs 20× AV1's bytes. Scaling the bound
/// with the area keeps text on the palette codec and photos on AV1 at every tile size.
pub fn max_colours_for(width: u32, height: u32) -> usize {
    let area = width as usize * height as usize;
    (area / 16).clamp(256, DEFAULT_MAX_COLOURS)
}

const EMPTY: u16 = u16::MAX;

/// What a rect holds, decided by its number of distinct colours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Class {
    /// One colour: the caller emits a fill.
    Solid([u8; 4]),
    /// At most the requested number of colours: lossless palette coding.
    Palette(Palette),
    /// More colours than that: natural content for the lossy codec.
    Natural,
}

/// A rect as palette indices: `colours` in order of first appearance (row-major scan) and
/// one index per pixel, rows tightly packed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Palette {
    /// The distinct BGRA colours, 1 to [`MAX_PALETTE`].
    pub colours: Vec<[u8; 4]>,
    /// `width * height` indices into `colours`, row after row.
    pub indices: Vec<u16>,
    /// Width of the rect in pixels.
    pub width: u32,
    /// Height of the rect in pixels.
    pub height: u32,
}

/// Classifies `view` by its distinct colours, stopping as soon as it finds more than
/// `max_colours` (clamped to 1..=[`MAX_PALETTE`]).
///
/// Solid rects are [`Class::Solid`] whatever `max_colours` is. The cost is one table probe
/// per change of colour along a row (runs of one colour cost a compare), and a natural rect
/// usually exits within its first rows.
pub fn classify(view: &FrameView<'_>, max_colours: usize) -> Class {
    let max = max_colours.clamp(1, MAX_PALETTE);
    let (width, height) = (view.width(), view.height());
    let mut table = ColourTable::new(max);
    let mut indices = Vec::with_capacity(width as usize * height as usize);
    // The run cache: screens are long runs of one colour, so most pixels equal the previous.
    let mut last_key = pixel_key(&view.row(0)[..4]);
    let mut last_index = table.insert(last_key);
    for y in 0..height {
        for px in view.row(y).chunks_exact(4) {
            let key = pixel_key(px);
            if key != last_key {
                last_index = table.insert(key);
                last_key = key;
                if table.colours.len() > max {
                    // One colour over the bound, or a second colour when only one was allowed.
                    return Class::Natural;
                }
            }
            indices.push(last_index);
        }
    }
    if table.colours.len() == 1 {
        return Class::Solid(table.colours[0]);
    }
    Class::Palette(Palette {
        colours: table.colours,
        indices,
        width,
        height,
    })
}

impl Palette {
    /// True when the indices look like a photo or video, not like text or UI: more than a
    /// few colours, and most pixels unlike both their left and upper neighbour.
    ///
    /// Measured on 32² blocks of real captures: text and UI (xterm, a terminal, a Chromium
    /// page, the synthetic scenes) have at least 60 % of pixels equal to the one left or
    /// above, photos and video frames mostly under 40 %. A smooth dark sky has few colours
    /// per block, so a colour bound codes it losslessly, at 185–275 KB a video frame where
    /// AV1 needs a tenth of that. A two-colour pattern (a checkerboard) is not natural, nor
    /// is what [`Self::looks_like_text`]: dense subpixel (colour-fringed) digits in an
    /// xterm have only 49 % of pixels like a neighbour, and were refined to AV1, never exact.
    pub fn looks_natural(&self) -> bool {
        const MIN_COLOURS: usize = 16;
        if self.colours.len() <= MIN_COLOURS {
            return false;
        }
        let width = self.width as usize;
        let ix = &self.indices;
        let predictable = (0..ix.len())
            .filter(|&i| {
                (i % width > 0 && ix[i] == ix[i - 1]) || (i >= width && ix[i] == ix[i - width])
            })
            .count();
        predictable * 2 < ix.len() && !self.looks_like_text()
    }

    /// True when most pixels have a colour of their own, as only photos and video do: more
    /// than 256 colours and more colours than half the pixels. The test for strips, which
    /// [`Self::looks_natural`] cannot judge (a strip a few rows high has no row above).
    /// Anti-aliased text can be as dense in a small strip (4 rows through a line of a
    /// Chromium page: 75 colours in 128 pixels) but has at most 256 shades per text colour.
    pub fn mostly_distinct(&self) -> bool {
        const MIN_COLOURS: usize = 256;
        self.colours.len() > MIN_COLOURS && self.colours.len() * 2 > self.indices.len()
    }

    /// The index of the most common colour and how many pixels have it.
    fn most_common(&self) -> (u16, usize) {
        let mut counts = vec![0usize; self.colours.len()];
        for &i in &self.indices {
            counts[usize::from(i)] += 1;
        }
        let (index, &count) = counts
            .iter()
            .enumerate()
            .max_by_key(|&(_, count)| count)
            .unwrap_or((0, &0));
        (index as u16, count)
    }

    /// True when one colour (a background) covers at least an eighth of the pixels.
    pub fn has_background(&self) -> bool {
        self.most_common().1 * 8 >= self.indices.len()
    }

    /// True when the palette looks like text on a background: one colour covers at least an
    /// eighth of the pixels, and at least a third of the other pixels touch it (see
    /// [`Self::background_contact`]).
    ///
    /// Measured on real captures, the share of the other pixels touching the background:
    /// lines of coloured code in a Chromium page 0.74–0.79; dense blocks of subpixel
    /// (colour-fringed) text in vim 0.44–0.55; a menu or a shadow fading in over photos, a
    /// photo's first rows below a page, 0.007–0.35.
    pub fn looks_like_text(&self) -> bool {
        let (touching, others) = self.background_contact();
        others > 0 && touching * 3 >= others
    }

    /// How many of the pixels that are not the background touch it (left, right, above or
    /// below), and how many there are; (0, 0) without a background (one colour on at least
    /// an eighth of the pixels). Glyph strokes are a pixel or two wide, so most of text's
    /// pixels touch its background; a photo's pixels touch each other.
    pub fn background_contact(&self) -> (usize, usize) {
        let (background, count) = self.most_common();
        if count * 8 < self.indices.len() {
            return (0, 0);
        }
        let (ix, width) = (&self.indices, self.width as usize);
        let touching = (0..ix.len())
            .filter(|&i| {
                ix[i] != background
                    && (i % width > 0 && ix[i - 1] == background
                        || i % width + 1 < width && ix[i + 1] == background
                        || i >= width && ix[i - width] == background
                        || i + width < ix.len() && ix[i + width] == background)
            })
            .count();
        (touching, ix.len() - count)
    }
}

fn pixel_key(px: &[u8]) -> u32 {
    u32::from_le_bytes([px[0], px[1], px[2], px[3]])
}

/// Open addressing with linear probing over `u32` keys: no hashing crate, two arrays sized
/// for the bound (so a small bound clears a small table), and a cheap multiplicative hash
/// (the top bits of the product spread screen colours well).
struct ColourTable {
    keys: Vec<u32>,
    slots: Vec<u16>,
    shift: u32,
    colours: Vec<[u8; 4]>,
}

impl ColourTable {
    /// A table for up to `max` colours (+1, the one that trips the bound): at least four
    /// slots per colour keeps probe chains short when it is full.
    fn new(max: usize) -> Self {
        let size = (4 * (max + 1)).next_power_of_two();
        Self {
            keys: vec![0; size],
            slots: vec![EMPTY; size],
            shift: 32 - size.trailing_zeros(),
            colours: Vec::with_capacity(max + 1),
        }
    }

    /// The index of `key`, added when new. The caller stops as soon as `colours.len()`
    /// exceeds its bound, so the table never fills.
    fn insert(&mut self, key: u32) -> u16 {
        let mask = self.slots.len() - 1;
        let mut slot = (key.wrapping_mul(0x9E37_79B1) >> self.shift) as usize & mask;
        loop {
            let index = self.slots[slot];
            if index == EMPTY {
                let index = self.colours.len() as u16;
                self.keys[slot] = key;
                self.slots[slot] = index;
                self.colours.push(key.to_le_bytes());
                return index;
            }
            if self.keys[slot] == key {
                return index;
            }
            slot = (slot + 1) & mask;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Frame;

    fn frame_from(width: u32, height: u32, pixel: impl Fn(u32, u32) -> [u8; 4]) -> Frame {
        let mut data = Vec::new();
        for y in 0..height {
            for x in 0..width {
                data.extend_from_slice(&pixel(x, y));
            }
        }
        Frame::from_vec(data, width, height).unwrap()
    }

    fn palette_of(frame: &Frame) -> Palette {
        match classify(&frame.view(), MAX_PALETTE) {
            Class::Palette(p) => p,
            other => panic!("not a palette: {other:?}"),
        }
    }

    #[test]
    fn a_noisy_gradient_looks_natural_text_and_patterns_do_not() {
        // A dark sky as a video frame has it: a gradient with grain, ~40 colours a block.
        let sky = frame_from(32, 32, |x, y| {
            let grain = (x * 7919 + y * 104_729).wrapping_mul(2_654_435_761) >> 28;
            let v = (20 + (x + y) / 4 + grain % 6) as u8;
            [v + 30, v + 10, v, 255]
        });
        assert!(palette_of(&sky).looks_natural());
        // Glyph strokes in 20 shades on a background: most pixels repeat a neighbour.
        let text = frame_from(32, 32, |x, y| {
            if (x % 8 == 2 || y % 16 == 5) && y % 16 < 12 {
                let v = (x * 7 + y * 3) as u8 % 20 * 10;
                [v, v, 255 - v, 255]
            } else {
                [250, 250, 250, 255]
            }
        });
        assert!(!palette_of(&text).looks_natural());
        // A checkerboard: no pixel repeats a neighbour, but two colours are no photo.
        let checker = frame_from(32, 32, |x, y| {
            if (x + y) % 2 == 0 {
                [0, 0, 0, 255]
            } else {
                [255, 255, 255, 255]
            }
        });
        assert!(!palette_of(&checker).looks_natural());
    }

    #[test]
    fn a_strip_of_photo_is_mostly_distinct_a_strip_of_text_is_not() {
        // Three rows of a photo: almost every pixel a colour of its own.
        let photo = frame_from(600, 3, |x, y| {
            let v = (x * 37 + y * 101) % 251;
            [v as u8, (v / 2 + x % 7) as u8, (x / 3) as u8, 255]
        });
        assert!(palette_of(&photo).mostly_distinct());
        // Three rows through a line of anti-aliased text in 200 shades: a background between.
        let text = frame_from(400, 3, |x, y| {
            if x % 8 < 3 {
                let v = ((x + y) % 200) as u8;
                [v, 255 - v, 40, 255]
            } else {
                [30, 30, 30, 255]
            }
        });
        assert!(!palette_of(&text).mostly_distinct());
        // A small strip through dense text: 200 colours in 256 pixels.
        let dense = frame_from(64, 4, |x, y| [(x * 4 + y) as u8 % 200, 0, 0, 255]);
        assert!(!palette_of(&dense).mostly_distinct());
    }

    #[test]
    fn solid_palette_and_natural() {
        let solid = frame_from(5, 3, |_, _| [1, 2, 3, 255]);
        assert_eq!(classify(&solid.view(), 256), Class::Solid([1, 2, 3, 255]));

        let two = frame_from(4, 2, |x, _| [x as u8 % 2, 0, 0, 255]);
        let Class::Palette(p) = classify(&two.view(), 256) else {
            panic!("two colours must be a palette")
        };
        assert_eq!(p.colours, vec![[0, 0, 0, 255], [1, 0, 0, 255]]);
        assert_eq!(p.indices, vec![0, 1, 0, 1, 0, 1, 0, 1]);
        assert_eq!(classify(&two.view(), 1), Class::Natural);

        let many = frame_from(20, 10, |x, y| [x as u8, y as u8, 7, 255]);
        assert!(matches!(classify(&many.view(), 200), Class::Palette(_)));
        assert_eq!(classify(&many.view(), 199), Class::Natural);
        // Past MAX_PALETTE colours is natural, whatever the caller asks.
        let too_many = frame_from(80, 60, |x, y| [x as u8, y as u8, 7, 255]);
        assert_eq!(classify(&too_many.view(), 100_000), Class::Natural);
        let exactly_256 = frame_from(16, 16, |x, y| [x as u8, y as u8, 0, 255]);
        assert!(matches!(
            classify(&exactly_256.view(), 256),
            Class::Palette(_)
        ));
        assert_eq!(classify(&exactly_256.view(), 255), Class::Natural);
        let exactly_max = frame_from(64, 64, |x, y| [x as u8, y as u8, 0, 255]);
        let Class::Palette(p) = classify(&exactly_max.view(), MAX_PALETTE) else {
            panic!("4096 colours fit the largest palette")
        };
        assert_eq!(p.indices[4095], 4095);
    }

    #[test]
    fn the_default_bound_scales_with_area() {
        assert_eq!(max_colours_for(16, 16), 256);
        assert_eq!(max_colours_for(64, 64), 256);
        assert_eq!(max_colours_for(128, 128), 1024);
        assert_eq!(max_colours_for(1920, 1080), DEFAULT_MAX_COLOURS);
    }

    #[test]
    fn alpha_is_part_of_the_colour_and_strides_are_respected() {
        let frame = frame_from(6, 4, |x, y| {
            [0, 0, 0, if (x + y) % 3 == 0 { 255 } else { 0 }]
        });
        let sub = frame.view().sub(crate::Rect::new(1, 1, 3, 2)).unwrap();
        let Class::Palette(p) = classify(&sub, 256) else {
            panic!("two alphas must be a palette")
        };
        assert_eq!(p.colours.len(), 2);
        assert_eq!((p.width, p.height, p.indices.len()), (3, 2, 6));
        for (i, &index) in p.indices.iter().enumerate() {
            let (x, y) = (1 + i as u32 % 3, 1 + i as u32 / 3);
            assert_eq!(p.colours[index as usize], frame.view().pixel(x, y));
        }
    }
}
