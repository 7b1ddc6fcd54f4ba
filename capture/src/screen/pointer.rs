//! The pointer, drawn into captured frames. X11 leaves it out of every image it returns, so
//! without this the support employee could not see where the customer points.

use meekijk_codec::FrameViewMut;

/// A cursor image where it lies on the captured area.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Pointer<'a> {
    /// Left edge of the image on the captured area (may lie outside it).
    pub(crate) x: i64,
    /// Top edge of the image on the captured area (may lie outside it).
    pub(crate) y: i64,
    pub(crate) width: u32,
    pub(crate) height: u32,
    /// Premultiplied ARGB, row by row: the XFixes cursor image.
    pub(crate) pixels: &'a [u32],
}

impl Pointer<'_> {
    /// Blends the image over `view` where they overlap. An image whose pixels do not fill
    /// its size is not drawn.
    pub(crate) fn draw(&self, view: &mut FrameViewMut<'_>) {
        let width = self.width as usize;
        if self.pixels.len() != width * self.height as usize {
            return;
        }
        let clip = |at: i64, len: u32, limit: u32| {
            (at.max(0), (at + i64::from(len)).min(i64::from(limit)))
        };
        let (x0, x1) = clip(self.x, self.width, view.width());
        let (y0, y1) = clip(self.y, self.height, view.height());
        for y in y0..y1 {
            let from = (y - self.y) as usize * width;
            let image = &self.pixels[from..from + width];
            // Inside the frame, so the coordinates fit a u32.
            let row = view.row_mut(y as u32);
            for x in x0..x1 {
                let at = x as usize * 4;
                blend(image[(x - self.x) as usize], &mut row[at..at + 4]);
            }
        }
    }
}

/// The premultiplied ARGB pixel `argb` over the BGRx pixel `px`.
fn blend(argb: u32, px: &mut [u8]) {
    let [b, g, r, a] = argb.to_le_bytes();
    let keep = 255 - u32::from(a);
    for (dst, src) in px[..3].iter_mut().zip([b, g, r]) {
        let under = (u32::from(*dst) * keep + 127) / 255;
        *dst = (u32::from(src) + under).min(255) as u8;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use meekijk_codec::Frame;

    /// A 40×30 frame of one grey, with a 4×3 pointer drawn at (`x`, `y`).
    fn drawn(x: i64, y: i64, pixels: &[u32]) -> Frame {
        let mut frame = Frame::new(40, 30).unwrap();
        frame.data_mut().fill(100);
        let pointer = Pointer {
            x,
            y,
            width: 4,
            height: 3,
            pixels,
        };
        pointer.draw(&mut frame.view_mut());
        frame
    }

    #[test]
    fn opaque_pixels_replace_transparent_ones_keep_and_half_blends() {
        // Opaque blue, then half-transparent dark red (premultiplied), then transparent.
        let mut image = [0u32; 12];
        image[0] = 0xff_00_00_ff;
        image[1] = 0x80_40_00_00;
        let frame = drawn(10, 5, &image);
        let view = frame.view();
        assert_eq!(&view.pixel(10, 5)[..3], &[255, 0, 0], "opaque blue (BGR)");
        // 100 × 127/255 = 50 under, plus the source.
        assert_eq!(&view.pixel(11, 5)[..3], &[50, 50, 0x40 + 50]);
        assert_eq!(&view.pixel(12, 5)[..3], &[100, 100, 100], "transparent");
        assert_eq!(
            &view.pixel(9, 5)[..3],
            &[100, 100, 100],
            "outside the image"
        );
    }

    #[test]
    fn a_pointer_at_or_past_the_edges_is_clipped() {
        let image = [0xff_ff_ff_ffu32; 12];
        for (x, y, inside) in [
            (-2, -1, 4),
            (38, 28, 4),
            (-4, 0, 0),
            (40, 30, 0),
            (-100, 500, 0),
        ] {
            let frame = drawn(x, y, &image);
            let white = frame
                .data()
                .chunks_exact(4)
                .filter(|px| px[..3] == [255, 255, 255])
                .count();
            assert_eq!(white, inside, "pointer at ({x}, {y})");
        }
    }

    #[test]
    fn an_image_that_does_not_fill_its_size_is_not_drawn() {
        let frame = drawn(10, 5, &[0xff_ff_ff_ff; 5]);
        assert!(frame.data().iter().all(|&v| v == 100));
    }
}
