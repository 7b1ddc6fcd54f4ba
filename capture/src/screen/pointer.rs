//! The pointer, found apart from the screen's pixels. X11 leaves it out of every image it
//! returns; XFixes says where it is and what it looks like, and the viewer draws it.

use meekijk_codec::wire::MAX_CURSOR_SIZE;
use meekijk_codec::Rect;

/// The pointer on a captured frame, for the viewer to draw over it (see
/// `meekijk_codec::cursor::draw`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pointer<'a> {
    /// Hotspot column on the frame, inside it.
    pub x: u32,
    /// Hotspot row on the frame, inside it.
    pub y: u32,
    /// Width of the image, 1..=[`MAX_CURSOR_SIZE`].
    pub width: u16,
    /// Height of the image, 1..=[`MAX_CURSOR_SIZE`].
    pub height: u16,
    /// Hotspot column within the image.
    pub hot_x: u16,
    /// Hotspot row within the image.
    pub hot_y: u16,
    /// `width * height * 4` bytes of premultiplied BGRA, rows packed.
    pub pixels: &'a [u8],
    /// Changes when the image does (XFixes' cursor serial), so it is sent again only then.
    pub serial: u32,
}

/// What XFixes says of the pointer, relative to the captured area.
#[derive(Debug)]
pub(crate) struct CursorImage {
    /// Hotspot position relative to the captured area (may lie outside it).
    pub(crate) x: i64,
    pub(crate) y: i64,
    pub(crate) width: u16,
    pub(crate) height: u16,
    pub(crate) hot_x: u16,
    pub(crate) hot_y: u16,
    /// Premultiplied ARGB, row by row.
    pub(crate) argb: Vec<u32>,
    pub(crate) serial: u32,
}

impl CursorImage {
    /// Where the image lies on the captured area (may reach outside it).
    pub(crate) fn area(&self) -> (i64, i64, i64, i64) {
        let (left, top) = (
            self.x - i64::from(self.hot_x),
            self.y - i64::from(self.hot_y),
        );
        (
            left,
            top,
            left + i64::from(self.width),
            top + i64::from(self.height),
        )
    }

    /// The pointer on a `width`×`height` frame with its pixels written into `bytes`; `None`
    /// when its hotspot is off the frame (on another monitor) or the image is empty, too
    /// large for the wire or does not fill its size.
    pub(crate) fn on_frame<'a>(
        &self,
        width: u32,
        height: u32,
        bytes: &'a mut Vec<u8>,
    ) -> Option<Pointer<'a>> {
        let (x, y) = (u32::try_from(self.x).ok()?, u32::try_from(self.y).ok()?);
        let sizes_fit = (1..=MAX_CURSOR_SIZE).contains(&self.width)
            && (1..=MAX_CURSOR_SIZE).contains(&self.height)
            && self.hot_x < self.width
            && self.hot_y < self.height;
        let filled = self.argb.len() == usize::from(self.width) * usize::from(self.height);
        if !Rect::new(x, y, 1, 1).fits_in(width, height) || !sizes_fit || !filled {
            return None;
        }
        bytes.clear();
        // An ARGB value's little-endian bytes are B, G, R, A: the wire's BGRA.
        bytes.extend(self.argb.iter().flat_map(|px| px.to_le_bytes()));
        Some(Pointer {
            x,
            y,
            width: self.width,
            height: self.height,
            hot_x: self.hot_x,
            hot_y: self.hot_y,
            pixels: bytes,
            serial: self.serial,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(x: i64, y: i64, width: u16, height: u16) -> CursorImage {
        CursorImage {
            x,
            y,
            width,
            height,
            hot_x: 1,
            hot_y: 2,
            argb: vec![0x80_40_20_10; usize::from(width) * usize::from(height)],
            serial: 7,
        }
    }

    #[test]
    fn a_pointer_on_the_frame_keeps_its_hotspot_and_pixels() {
        let mut bytes = Vec::new();
        let pointer = image(0, 599, 4, 3).on_frame(800, 600, &mut bytes).unwrap();
        assert_eq!(
            (pointer.x, pointer.y, pointer.hot_x, pointer.hot_y),
            (0, 599, 1, 2)
        );
        assert_eq!((pointer.width, pointer.height, pointer.serial), (4, 3, 7));
        assert_eq!(pointer.pixels.len(), 48);
        assert_eq!(
            &pointer.pixels[..4],
            &[0x10, 0x20, 0x40, 0x80],
            "B, G, R, A"
        );
        assert_eq!(image(5, 5, 4, 3).area(), (4, 3, 8, 6));
    }

    #[test]
    fn a_pointer_off_the_frame_or_unfit_for_the_wire_is_none() {
        let mut bytes = Vec::new();
        for (what, cursor) in [
            ("left of the frame", image(-1, 10, 4, 3)),
            ("below the frame", image(10, 600, 4, 3)),
            ("right of the frame", image(800, 10, 4, 3)),
            ("empty", image(10, 10, 0, 3)),
            ("too wide", image(10, 10, MAX_CURSOR_SIZE + 1, 3)),
        ] {
            assert!(cursor.on_frame(800, 600, &mut bytes).is_none(), "{what}");
        }
        let mut short = image(10, 10, 4, 3);
        short.argb.pop();
        assert!(short.on_frame(800, 600, &mut bytes).is_none(), "short");
        let mut outside = image(10, 10, 4, 3);
        outside.hot_y = 3;
        assert!(outside.on_frame(800, 600, &mut bytes).is_none(), "hotspot");
    }
}
