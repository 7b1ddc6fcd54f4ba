//! What the viewer is told of the customer's pointer: a `Cursor` message when it moved,
//! changed shape, appeared or went away (over a masked area, onto another monitor).
//!
//! The pointer travels beside the screen, not in it: a move costs a message of ~17 bytes,
//! where drawn into the frames it re-coded the blocks under it at both places and put them
//! in the tile cache.

use bytes::Bytes;
use meekijk_capture::Pointer;
use meekijk_codec::cursor::KeptShapes;
use meekijk_codec::wire::{Cursor, CursorLook, CursorShape};

/// The pointer as the capture last saw it, owned, for the connection's writer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct PointerState {
    /// Hotspot position on the screen.
    pub(super) x: u32,
    pub(super) y: u32,
    /// Changes with the shape.
    pub(super) serial: u32,
    pub(super) shape: CursorShape,
}

impl PointerState {
    /// The state of `pointer`, sharing the shape (and its serial) with `last` when it looks
    /// the same: an application may set a new cursor of the same image, and a new serial
    /// alone should not send the image again.
    pub(super) fn of(pointer: &Pointer<'_>, last: Option<&PointerState>) -> Self {
        let looks_the_same = |last: &PointerState| {
            let shape = &last.shape;
            last.serial == pointer.serial
                || ((shape.width, shape.height, shape.hot_x, shape.hot_y)
                    == (pointer.width, pointer.height, pointer.hot_x, pointer.hot_y)
                    && shape.pixels.as_ref() == pointer.pixels)
        };
        let (serial, shape) = match last {
            Some(last) if looks_the_same(last) => (last.serial, last.shape.clone()),
            _ => (
                pointer.serial,
                CursorShape {
                    width: pointer.width,
                    height: pointer.height,
                    hot_x: pointer.hot_x,
                    hot_y: pointer.hot_y,
                    pixels: Bytes::copy_from_slice(pointer.pixels),
                },
            ),
        };
        Self {
            x: pointer.x,
            y: pointer.y,
            serial,
            shape,
        }
    }

    /// True when `a` and `b` put the same shape at the same place (or both show nothing).
    pub(super) fn same(a: Option<&Self>, b: Option<&Self>) -> bool {
        let key = |s: Option<&Self>| s.map(|s| (s.x, s.y, s.serial));
        key(a) == key(b)
    }
}

/// The viewer's idea of the pointer, as the messages written so far leave it. It lives with
/// the connection's writer, so states the writer never got to (a slow link) are skipped
/// without the viewer missing a shape.
#[derive(Debug, Default)]
pub(super) struct PointerTracker {
    /// Where the viewer draws it and the serial of the shape it holds; `None` while it draws
    /// nothing (at the start, and after the pointer went away).
    shown: Option<(u32, u32, u32)>,
    /// The last position sent, which a message that hides the pointer repeats.
    at: (u32, u32),
    /// The shapes the viewer keeps: one it had before goes as its place, not its image.
    kept: KeptShapes,
}

impl PointerTracker {
    /// The message that brings the viewer to `pointer` (`None`: nothing to show), or `None`
    /// when it already shows that.
    pub(super) fn update(&mut self, pointer: Option<&PointerState>) -> Option<Cursor> {
        let Some(p) = pointer else {
            self.shown.take()?;
            let (x, y) = self.at;
            let look = self.kept.look_for(&hidden());
            return Some(Cursor { x, y, look });
        };
        let same_shape = self.shown.is_some_and(|(.., serial)| serial == p.serial);
        if self.shown == Some((p.x, p.y, p.serial)) {
            return None;
        }
        self.shown = Some((p.x, p.y, p.serial));
        self.at = (p.x, p.y);
        let look = if same_shape {
            CursorLook::Same
        } else {
            self.kept.look_for(&p.shape)
        };
        Some(Cursor {
            x: p.x,
            y: p.y,
            look,
        })
    }
}

/// A shape that draws nothing: one transparent pixel.
fn hidden() -> CursorShape {
    CursorShape {
        width: 1,
        height: 1,
        hot_x: 0,
        hot_y: 0,
        pixels: Bytes::from_static(&[0; 4]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARROW: [u8; 8] = [0, 0, 0, 255, 255, 255, 255, 255];

    fn pointer(x: u32, y: u32, serial: u32) -> PointerState {
        let captured = Pointer {
            x,
            y,
            width: 2,
            height: 1,
            hot_x: 0,
            hot_y: 0,
            pixels: &ARROW,
            serial,
        };
        PointerState::of(&captured, None)
    }

    #[test]
    fn the_shape_goes_once_moves_go_alone_and_a_pointer_that_goes_away_is_hidden() {
        let mut tracker = PointerTracker::default();
        assert_eq!(tracker.update(None), None, "nothing shown, nothing to hide");
        let first = tracker.update(Some(&pointer(10, 20, 1))).unwrap();
        assert_eq!((first.x, first.y), (10, 20));
        let CursorLook::New(arrow) = first.look else {
            panic!("the shape, once: {:?}", first.look);
        };
        assert_eq!(arrow.pixels.as_ref(), &ARROW);
        assert_eq!(tracker.update(Some(&pointer(10, 20, 1))), None, "unchanged");
        let moved = tracker.update(Some(&pointer(11, 20, 1))).unwrap();
        assert_eq!((moved.x, moved.y, moved.look), (11, 20, CursorLook::Same));
        // Another serial of the same image (an application set the same cursor anew): the
        // viewer has it at place 0.
        let again = tracker.update(Some(&pointer(11, 20, 2))).unwrap();
        assert_eq!(again.look, CursorLook::Kept(0));
        // Over a mask: the viewer hides it where it was, and learns nothing of where it is.
        let gone = tracker.update(None).unwrap();
        assert_eq!((gone.x, gone.y), (11, 20));
        let CursorLook::New(blank) = gone.look else {
            panic!("hidden by a transparent shape: {:?}", gone.look);
        };
        assert_eq!(blank.pixels.as_ref(), &[0; 4]);
        assert_eq!(tracker.update(None), None, "hidden once");
        let back = tracker.update(Some(&pointer(50, 60, 2))).unwrap();
        assert_eq!(
            back.look,
            CursorLook::Kept(1),
            "its shape again, by its place"
        );
    }

    #[test]
    fn a_state_shares_the_shape_of_the_last_while_it_looks_the_same() {
        let first = pointer(1, 2, 5);
        let moved = Pointer {
            x: 3,
            y: 4,
            width: 2,
            height: 1,
            hot_x: 0,
            hot_y: 0,
            pixels: &[9; 8],
            serial: 5,
        };
        let next = PointerState::of(&moved, Some(&first));
        assert_eq!(
            next.shape.pixels.as_ptr(),
            first.shape.pixels.as_ptr(),
            "not copied"
        );
        assert!(!PointerState::same(Some(&next), Some(&first)), "moved");
        assert!(PointerState::same(Some(&first), Some(&first.clone())));
        assert!(PointerState::same(None, None));
        assert!(!PointerState::same(Some(&first), None));
        // The same image under a new serial (a cursor set anew) keeps the old serial; another
        // image takes its own.
        let reset = Pointer {
            serial: 6,
            pixels: &ARROW,
            ..moved
        };
        assert_eq!(PointerState::of(&reset, Some(&first)).serial, 5);
        let other = Pointer { serial: 6, ..moved };
        assert_eq!(PointerState::of(&other, Some(&first)).serial, 6);
    }
}
