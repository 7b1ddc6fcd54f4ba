//! Compositor primitives: op validation against the framebuffer, fills and overlapping copies.

use crate::frame::check_rect;
use crate::{Frame, Op, Rect, Result};

/// Checks that every pixel `op` reads or writes lies inside a `width`×`height` framebuffer.
///
/// # Errors
/// [`Error::ZeroSize`] for an empty rect, [`Error::RectOutOfBounds`] for one that does not fit.
pub(crate) fn validate(op: &Op, width: u32, height: u32) -> Result<()> {
    if let Op::CopyRect { src, .. } = op {
        check_rect(*src, width, height)?;
    }
    check_rect(op.rect(), width, height)
}

/// Copies `src` to the same-sized rect at (`dst_x`, `dst_y`) like `memmove`: overlapping
/// copies (every scroll is one) read the pixels as they were before the copy.
/// Both rects must have been validated.
pub(crate) fn copy_rect(frame: &mut Frame, src: Rect, dst_x: u32, dst_y: u32) {
    let stride = frame.stride();
    let row_bytes = src.width as usize * 4;
    let data = frame.data_mut();
    let row_offset = |y: u32, x: u32| y as usize * stride + x as usize * 4;
    let mut copy_row = |i: u32| {
        let from = row_offset(src.y + i, src.x);
        data.copy_within(from..from + row_bytes, row_offset(dst_y + i, dst_x));
    };
    // Moving down: copy the bottom row first so no source row is overwritten before it is read.
    if dst_y > src.y {
        (0..src.height).rev().for_each(&mut copy_row);
    } else {
        (0..src.height).for_each(&mut copy_row);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Error;

    fn numbered(width: u32, height: u32) -> Frame {
        let data = (0..width * height)
            .flat_map(|i: u32| i.to_le_bytes())
            .collect();
        Frame::from_vec(data, width, height).unwrap()
    }

    #[test]
    fn overlapping_copies_behave_like_memmove() {
        for (src, dst) in [
            (Rect::new(0, 0, 6, 5), (0u32, 2u32)), // scroll down
            (Rect::new(0, 2, 6, 5), (0, 0)),       // scroll up
            (Rect::new(0, 0, 5, 7), (1, 0)),       // shift right
            (Rect::new(1, 1, 5, 6), (0, 0)),       // diagonal
        ] {
            let before = numbered(6, 7);
            let mut after = before.clone();
            copy_rect(&mut after, src, dst.0, dst.1);
            for y in 0..src.height {
                for x in 0..src.width {
                    assert_eq!(
                        after.view().pixel(dst.0 + x, dst.1 + y),
                        before.view().pixel(src.x + x, src.y + y),
                        "{src} → {dst:?} at ({x},{y})"
                    );
                }
            }
        }
    }

    #[test]
    fn validation_names_the_bad_rect() {
        let op = Op::CopyRect {
            src: Rect::new(0, 0, 10, 10),
            dst_x: 95,
            dst_y: 0,
        };
        assert!(matches!(
            validate(&op, 100, 100),
            Err(Error::RectOutOfBounds { .. })
        ));
        let op = Op::CopyRect {
            src: Rect::new(95, 0, 10, 10),
            dst_x: 0,
            dst_y: 0,
        };
        assert!(matches!(
            validate(&op, 100, 100),
            Err(Error::RectOutOfBounds { .. })
        ));
        let op = Op::Fill {
            rect: Rect::new(5, 5, 0, 3),
            colour: [0; 4],
        };
        assert!(matches!(
            validate(&op, 100, 100),
            Err(Error::ZeroSize { .. })
        ));
        let op = Op::Fill {
            rect: Rect::new(u32::MAX, 0, 2, 2),
            colour: [0; 4],
        };
        assert!(matches!(
            validate(&op, 100, 100),
            Err(Error::RectOutOfBounds { .. })
        ));
    }
}
