//! A clipped BGRA drawing surface for the synthetic scenes: fills, gradients, anti-aliased
//! discs and rounded boxes, blits and in-place scrolls. All integer maths, so every run and
//! every machine produces the same bytes.

use meekijk_codec::Frame;

/// A BGRA colour, byte order as in the frame.
pub(crate) type Bgra = [u8; 4];

/// An opaque colour from `0xRRGGBB`.
pub(crate) const fn rgb(hex: u32) -> Bgra {
    [hex as u8, (hex >> 8) as u8, (hex >> 16) as u8, 255]
}

/// A rectangle in signed pixels; may lie partly or wholly off the canvas.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Area {
    pub(crate) x: i32,
    pub(crate) y: i32,
    pub(crate) w: i32,
    pub(crate) h: i32,
}

impl Area {
    pub(crate) const fn new(x: i32, y: i32, w: i32, h: i32) -> Self {
        Self { x, y, w, h }
    }

    pub(crate) fn right(&self) -> i32 {
        self.x + self.w
    }

    pub(crate) fn bottom(&self) -> i32 {
        self.y + self.h
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.w <= 0 || self.h <= 0
    }

    /// The overlap, possibly empty.
    pub(crate) fn intersect(&self, other: Area) -> Area {
        let x0 = self.x.max(other.x);
        let y0 = self.y.max(other.y);
        let x1 = self.right().min(other.right());
        let y1 = self.bottom().min(other.bottom());
        Area::new(x0, y0, (x1 - x0).max(0), (y1 - y0).max(0))
    }

    /// Shrinks every side by `d` pixels.
    pub(crate) fn inset(&self, d: i32) -> Area {
        Area::new(self.x + d, self.y + d, self.w - 2 * d, self.h - 2 * d)
    }

    pub(crate) fn contains(&self, x: i32, y: i32) -> bool {
        x >= self.x && y >= self.y && x < self.right() && y < self.bottom()
    }
}

/// Blends `src` over `dst` with coverage `a` (0..=255), exact to ±1 of `src*a/255`.
#[inline(always)]
pub(crate) fn blend(dst: u8, src: u8, a: u32) -> u8 {
    let d = dst as u32;
    let v = d * (255 - a) + src as u32 * a + 128;
    ((v + (v >> 8)) >> 8) as u8
}

/// Saved pixels of an area, to put back later (pointer, caret).
pub(crate) struct Patch {
    area: Area,
    pixels: Vec<u8>,
}

/// A frame plus a clip rectangle that every drawing call respects.
pub(crate) struct Canvas {
    frame: Frame,
    clip: Area,
}

impl Canvas {
    pub(crate) fn new(frame: Frame) -> Self {
        let clip = Area::new(0, 0, frame.width() as i32, frame.height() as i32);
        Self { frame, clip }
    }

    pub(crate) fn width(&self) -> i32 {
        self.frame.width() as i32
    }

    pub(crate) fn height(&self) -> i32 {
        self.frame.height() as i32
    }

    pub(crate) fn bounds(&self) -> Area {
        Area::new(0, 0, self.width(), self.height())
    }

    pub(crate) fn frame(&self) -> &Frame {
        &self.frame
    }

    pub(crate) fn into_frame(self) -> Frame {
        self.frame
    }

    /// Limits drawing to `area` (within the canvas); returns the previous clip.
    pub(crate) fn set_clip(&mut self, area: Area) -> Area {
        let clip = area.intersect(self.bounds());
        std::mem::replace(&mut self.clip, clip)
    }

    pub(crate) fn clip(&self) -> Area {
        self.clip
    }

    fn stride(&self) -> usize {
        self.frame.width() as usize * 4
    }

    /// The bytes of row `y` between columns `x0..x1` (already clipped by the caller).
    fn span_mut(&mut self, y: i32, x0: i32, x1: i32) -> &mut [u8] {
        let start = y as usize * self.stride();
        &mut self.frame.data_mut()[start + x0 as usize * 4..start + x1 as usize * 4]
    }

    pub(crate) fn fill(&mut self, area: Area, color: Bgra) {
        let a = area.intersect(self.clip);
        if a.is_empty() {
            return;
        }
        for y in a.y..a.bottom() {
            for px in self.span_mut(y, a.x, a.right()).chunks_exact_mut(4) {
                px.copy_from_slice(&color);
            }
        }
    }

    /// Blends `color` over `area` with a constant opacity.
    pub(crate) fn shade(&mut self, area: Area, color: Bgra, alpha: u8) {
        let a = area.intersect(self.clip);
        if a.is_empty() {
            return;
        }
        for y in a.y..a.bottom() {
            for px in self.span_mut(y, a.x, a.right()).chunks_exact_mut(4) {
                for c in 0..3 {
                    px[c] = blend(px[c], color[c], alpha as u32);
                }
            }
        }
    }

    /// A vertical gradient from `top` to `bottom`.
    pub(crate) fn gradient(&mut self, area: Area, top: Bgra, bottom: Bgra) {
        let h = area.h.max(1) as u32;
        let clipped = area.intersect(self.clip);
        for y in clipped.y..clipped.bottom() {
            let t = ((y - area.y) as u32 * 255) / h;
            let mut c = top;
            for i in 0..3 {
                c[i] = blend(top[i], bottom[i], t);
            }
            self.fill(Area::new(clipped.x, y, clipped.w, 1), c);
        }
    }

    /// One-pixel outline just inside `area`.
    pub(crate) fn border(&mut self, area: Area, color: Bgra) {
        self.fill(Area::new(area.x, area.y, area.w, 1), color);
        self.fill(Area::new(area.x, area.bottom() - 1, area.w, 1), color);
        self.fill(Area::new(area.x, area.y, 1, area.h), color);
        self.fill(Area::new(area.right() - 1, area.y, 1, area.h), color);
    }

    /// Blends a pixel with coverage `a`, respecting the clip.
    #[inline]
    pub(crate) fn plot(&mut self, x: i32, y: i32, color: Bgra, a: u32) {
        if a == 0 || !self.clip.contains(x, y) {
            return;
        }
        let i = y as usize * self.stride() + x as usize * 4;
        let px = &mut self.frame.data_mut()[i..i + 4];
        for c in 0..3 {
            px[c] = blend(px[c], color[c], a);
        }
    }

    /// An anti-aliased box with rounded corners of radius `r` (coverage from 4×4 supersampling).
    pub(crate) fn rounded(&mut self, area: Area, r: i32, color: Bgra) {
        let r = r.min(area.w / 2).min(area.h / 2).max(0);
        if r == 0 {
            self.fill(area, color);
            return;
        }
        // Straight parts are plain fills; only the four r×r corners need coverage.
        self.fill(Area::new(area.x + r, area.y, area.w - 2 * r, area.h), color);
        self.fill(Area::new(area.x, area.y + r, r, area.h - 2 * r), color);
        self.fill(
            Area::new(area.right() - r, area.y + r, r, area.h - 2 * r),
            color,
        );
        let corners = [
            (area.x, area.y, area.x + r, area.y + r),
            (area.right() - r, area.y, area.right() - r, area.y + r),
            (area.x, area.bottom() - r, area.x + r, area.bottom() - r),
            (
                area.right() - r,
                area.bottom() - r,
                area.right() - r,
                area.bottom() - r,
            ),
        ];
        for (x0, y0, cx, cy) in corners {
            for y in y0..y0 + r {
                for x in x0..x0 + r {
                    let a = disc_coverage(x, y, cx, cy, r);
                    self.plot(x, y, color, a);
                }
            }
        }
    }

    /// An anti-aliased disc centred on the pixel corner (`cx`, `cy`).
    pub(crate) fn disc(&mut self, cx: i32, cy: i32, r: i32, color: Bgra) {
        for y in cy - r..cy + r {
            for x in cx - r..cx + r {
                let a = disc_coverage(x, y, cx, cy, r);
                self.plot(x, y, color, a);
            }
        }
    }

    /// Copies `src` (a canvas area) so its top-left lands at (`dx`, `dy`); handles overlap,
    /// which is how terminals and browsers scroll.
    pub(crate) fn copy_within(&mut self, src: Area, dx: i32, dy: i32) {
        let src = src.intersect(self.bounds());
        let dst = Area::new(dx, dy, src.w, src.h).intersect(self.clip);
        if dst.is_empty() {
            return;
        }
        let (sx, sy) = (src.x + dst.x - dx, src.y + dst.y - dy);
        let stride = self.stride();
        let len = dst.w as usize * 4;
        let rows: Box<dyn Iterator<Item = i32>> = if dst.y > sy {
            Box::new((0..dst.h).rev())
        } else {
            Box::new(0..dst.h)
        };
        let data = self.frame.data_mut();
        for r in rows {
            let s = (sy + r) as usize * stride + sx as usize * 4;
            let d = (dst.y + r) as usize * stride + dst.x as usize * 4;
            data.copy_within(s..s + len, d);
        }
    }

    /// Copies `src` of another frame of the same pixel format to (`dx`, `dy`).
    pub(crate) fn blit(&mut self, from: &Frame, src: Area, dx: i32, dy: i32) {
        let fb = Area::new(0, 0, from.width() as i32, from.height() as i32);
        let src = src.intersect(fb);
        let dst = Area::new(dx, dy, src.w, src.h).intersect(self.clip);
        if dst.is_empty() {
            return;
        }
        let (sx, sy) = (src.x + dst.x - dx, src.y + dst.y - dy);
        let from_stride = from.width() as usize * 4;
        let len = dst.w as usize * 4;
        for r in 0..dst.h {
            let s = (sy + r) as usize * from_stride + sx as usize * 4;
            let row = &from.data()[s..s + len];
            self.span_mut(dst.y + r, dst.x, dst.right())
                .copy_from_slice(row);
        }
    }

    /// Copies the same area from `from` (a frame of the canvas's size).
    pub(crate) fn restore(&mut self, from: &Frame, area: Area) {
        self.blit(from, area, area.x, area.y);
    }

    /// Saves the pixels of `area` (clipped to the canvas).
    pub(crate) fn save(&self, area: Area) -> Patch {
        let a = area.intersect(self.bounds());
        let stride = self.stride();
        let mut pixels = Vec::with_capacity(a.w.max(0) as usize * a.h.max(0) as usize * 4);
        for y in a.y..a.bottom() {
            let start = y as usize * stride + a.x as usize * 4;
            pixels.extend_from_slice(&self.frame.data()[start..start + a.w as usize * 4]);
        }
        Patch { area: a, pixels }
    }

    /// Puts saved pixels back where they came from (ignores the clip).
    pub(crate) fn put(&mut self, patch: &Patch) {
        let a = patch.area;
        let row = a.w.max(0) as usize * 4;
        let stride = self.stride();
        for (i, y) in (a.y..a.bottom()).enumerate() {
            let start = y as usize * stride + a.x as usize * 4;
            self.frame.data_mut()[start..start + row]
                .copy_from_slice(&patch.pixels[i * row..(i + 1) * row]);
        }
    }

    /// Mutable access to the pixel rows of `area` (clipped), for kernels that write many pixels.
    pub(crate) fn rows_mut(&mut self, area: Area) -> (Area, &mut [u8], usize) {
        let a = area.intersect(self.clip);
        let stride = self.stride();
        (a, self.frame.data_mut(), stride)
    }
}

/// Coverage (0..=255) of pixel (`x`, `y`) by a disc of radius `r` centred at the pixel corner
/// (`cx`, `cy`), from 4×4 subsamples.
fn disc_coverage(x: i32, y: i32, cx: i32, cy: i32, r: i32) -> u32 {
    let r2 = (r * 8) * (r * 8);
    let mut hits = 0;
    for sy in 0..4 {
        for sx in 0..4 {
            let px = (x - cx) * 8 + sx * 2 + 1;
            let py = (y - cy) * 8 + sy * 2 + 1;
            if px * px + py * py <= r2 {
                hits += 1;
            }
        }
    }
    hits * 255 / 16
}
