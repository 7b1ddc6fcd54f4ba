//! The pointer over a picture: what a viewer shows where the host's `Cursor` messages say.
//!
//! The host sends the pointer apart from the screen's pixels, so a moving pointer costs a few
//! bytes a move instead of re-coded blocks, and never enters the tile cache. The viewer's
//! framebuffer stays without it; [`draw`] blends it over a copy of it (or a window) at show time.
//! Both sides keep the last shapes sent ([`KeptShapes`]), so a pointer that changes back to a
//! shape it had is named by its place instead of sent again.

use std::collections::VecDeque;

use crate::wire::{CursorLook, CursorShape, MAX_CURSOR_SHAPES};
use crate::{Error, FrameViewMut, Result};

/// The last [`MAX_CURSOR_SHAPES`] new shapes a session sent, newest first. Host and viewer each
/// keep one and change it by the same rule (every [`CursorLook::New`] goes in front), so a
/// [`CursorLook::Kept`] place means the same shape on both sides.
#[derive(Debug, Default, Clone)]
pub struct KeptShapes(VecDeque<CursorShape>);

impl KeptShapes {
    /// The host's side: how to tell a viewer keeping these shapes that the pointer now looks
    /// like `shape` (kept from now on when it is new).
    pub fn look_for(&mut self, shape: &CursorShape) -> CursorLook {
        match self.0.iter().position(|kept| kept == shape) {
            // At most MAX_CURSOR_SHAPES (64) places.
            Some(place) => CursorLook::Kept(place as u8),
            None => {
                self.keep(shape.clone());
                CursorLook::New(shape.clone())
            }
        }
    }

    /// The viewer's side: the shape `look` shows (`None`: the one shown before stays), kept
    /// from now on when it is new.
    ///
    /// # Errors
    /// [`Error::WireInvalid`] for a place where no shape is kept.
    pub fn shape_for(&mut self, look: CursorLook) -> Result<Option<CursorShape>> {
        match look {
            CursorLook::Same => Ok(None),
            CursorLook::New(shape) => {
                self.keep(shape.clone());
                Ok(Some(shape))
            }
            CursorLook::Kept(place) => match self.0.get(usize::from(place)) {
                Some(shape) => Ok(Some(shape.clone())),
                None => Err(Error::WireInvalid {
                    what: "Cursor kept shape",
                    value: place.into(),
                    expected: "the place of a shape sent before",
                }),
            },
        }
    }

    fn keep(&mut self, shape: CursorShape) {
        self.0.push_front(shape);
        self.0.truncate(MAX_CURSOR_SHAPES);
    }
}

/// Blends `shape` (premultiplied BGRA) over `view` with its hotspot at (`x`, `y`), clipped to
/// the view. A shape whose pixels do not fill its size is not drawn.
pub fn draw(view: &mut FrameViewMut<'_>, x: u32, y: u32, shape: &CursorShape) {
    let width = usize::from(shape.width);
    if shape.pixels.len() != width * usize::from(shape.height) * 4 {
        return;
    }
    let left = i64::from(x) - i64::from(shape.hot_x);
    let top = i64::from(y) - i64::from(shape.hot_y);
    let clip =
        |at: i64, len: u16, limit: u32| (at.max(0), (at + i64::from(len)).min(i64::from(limit)));
    let (x0, x1) = clip(left, shape.width, view.width());
    let (y0, y1) = clip(top, shape.height, view.height());
    for row in y0..y1 {
        let from = (row - top) as usize * width * 4;
        let image = &shape.pixels[from..from + width * 4];
        // Inside the view, so the coordinates fit a u32.
        let pixels = view.row_mut(row as u32);
        for col in x0..x1 {
            let (at, src) = (col as usize * 4, (col - left) as usize * 4);
            blend(&image[src..src + 4], &mut pixels[at..at + 4]);
        }
    }
}

/// The premultiplied BGRA pixel `src` over the pixel `dst` (its fourth byte is kept).
fn blend(src: &[u8], dst: &mut [u8]) {
    let keep = 255 - u32::from(src[3]);
    for (d, &s) in dst[..3].iter_mut().zip(&src[..3]) {
        let under = (u32::from(*d) * keep + 127) / 255;
        *d = (u32::from(s) + under).min(255) as u8;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Frame;
    use bytes::Bytes;

    /// A 4×3 shape with its hotspot at (1, 1).
    fn shape(pixels: &[[u8; 4]]) -> CursorShape {
        CursorShape {
            width: 4,
            height: 3,
            hot_x: 1,
            hot_y: 1,
            pixels: Bytes::from(pixels.concat()),
        }
    }

    /// A 40×30 frame of one grey with `shape` drawn at (`x`, `y`).
    fn drawn(x: u32, y: u32, shape: &CursorShape) -> Frame {
        let mut frame = Frame::filled(40, 30, [100, 100, 100, 255]).unwrap();
        draw(&mut frame.view_mut(), x, y, shape);
        frame
    }

    #[test]
    fn opaque_pixels_replace_transparent_ones_keep_and_half_blends() {
        // Opaque blue, then half-transparent dark red (premultiplied), then transparent.
        let mut image = [[0u8; 4]; 12];
        image[0] = [255, 0, 0, 255];
        image[1] = [0, 0, 0x40, 0x80];
        let frame = drawn(11, 6, &shape(&image));
        let view = frame.view();
        assert_eq!(
            view.pixel(10, 5),
            [255, 0, 0, 255],
            "opaque blue, hotspot-shifted"
        );
        // 100 × 127/255 = 50 under, plus the source.
        assert_eq!(view.pixel(11, 5), [50, 50, 0x40 + 50, 255]);
        assert_eq!(view.pixel(12, 5), [100, 100, 100, 255], "transparent");
        assert_eq!(view.pixel(9, 5), [100, 100, 100, 255], "outside the image");
    }

    #[test]
    fn a_pointer_at_or_past_the_edges_is_clipped() {
        let white = shape(&[[255; 4]; 12]);
        // The hotspot is at (1, 1) of the 4×3 shape.
        let places = [
            (20, 10, 12),
            (0, 0, 6),
            (39, 29, 4),
            (0, 29, 6),
            (39, 0, 4),
            (41, 5, 0),
        ];
        for (x, y, inside) in places {
            let frame = drawn(x, y, &white);
            let count = frame
                .data()
                .chunks_exact(4)
                .filter(|px| px[..3] == [255, 255, 255])
                .count();
            assert_eq!(count, inside, "pointer at ({x}, {y})");
        }
    }

    #[test]
    fn both_sides_name_a_shape_sent_before_by_its_place_until_it_drops_out() {
        let shape_of = |n: u8| CursorShape {
            width: 1,
            height: 1,
            hot_x: 0,
            hot_y: 0,
            pixels: Bytes::from(vec![n; 4]),
        };
        let (mut host, mut viewer) = (KeptShapes::default(), KeptShapes::default());
        let mut send = |shape: &CursorShape| {
            let look = host.look_for(shape);
            let shown = viewer.shape_for(look.clone()).unwrap();
            assert_eq!(
                shown.as_ref(),
                Some(shape),
                "the viewer shows what the host has"
            );
            look
        };
        let (arrow, beam) = (shape_of(1), shape_of(2));
        assert!(matches!(send(&arrow), CursorLook::New(_)));
        assert!(matches!(send(&beam), CursorLook::New(_)));
        assert_eq!(send(&arrow), CursorLook::Kept(1));
        assert_eq!(send(&beam), CursorLook::Kept(0));
        let last = MAX_CURSOR_SHAPES as u8;
        for n in 3..=last {
            assert!(matches!(send(&shape_of(n)), CursorLook::New(_)));
        }
        assert_eq!(send(&arrow), CursorLook::Kept(last - 1), "the oldest place");
        // One more new shape: the arrow drops out and is sent again, in full.
        assert!(matches!(send(&shape_of(last + 1)), CursorLook::New(_)));
        assert!(matches!(send(&arrow), CursorLook::New(_)));
        assert_eq!(viewer.shape_for(CursorLook::Same).unwrap(), None);
        let mut fresh = KeptShapes::default();
        let err = fresh.shape_for(CursorLook::Kept(0)).unwrap_err();
        assert!(err.to_string().contains("Cursor kept shape 0"), "{err}");
    }

    #[test]
    fn a_shape_that_does_not_fill_its_size_is_not_drawn() {
        let mut short = shape(&[[255; 4]; 12]);
        short.pixels = short.pixels.slice(..20);
        let frame = drawn(10, 5, &short);
        assert!(frame
            .data()
            .chunks_exact(4)
            .all(|px| px == [100, 100, 100, 255]));
    }
}
