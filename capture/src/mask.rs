//! Privacy masks: rectangles and windows (matched by title) painted over inside the source,
//! before any other stage sees the frame, so their pixels never leave the machine.

use meekijk_codec::{FrameViewMut, Rect};

/// The colour masked areas are painted with: a flat dark grey, cheap to encode and clearly
/// "hidden" to the viewer.
pub const MASK_COLOR: [u8; 4] = [0x3a, 0x3a, 0x3a, 0xff];

/// What to hide: fixed rectangles and windows whose title contains a given text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Masks {
    rects: Vec<Rect>,
    titles: Vec<String>,
}

impl Masks {
    /// No masks.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a rectangle, in the source's frame coordinates.
    pub fn rect(mut self, rect: Rect) -> Self {
        self.rects.push(rect);
        self
    }

    /// Adds every window whose title contains `text` (case-insensitive).
    pub fn window_title(mut self, text: &str) -> Self {
        self.titles.push(text.to_lowercase());
        self
    }

    /// The fixed rectangles.
    pub fn rects(&self) -> &[Rect] {
        &self.rects
    }

    /// True when nothing is masked.
    pub fn is_empty(&self) -> bool {
        self.rects.is_empty() && self.titles.is_empty()
    }

    /// True when some mask needs a window list.
    pub fn has_titles(&self) -> bool {
        !self.titles.is_empty()
    }

    /// True when a window with this title must be hidden.
    pub fn matches_title(&self, title: &str) -> bool {
        let title = title.to_lowercase();
        self.titles.iter().any(|t| title.contains(t.as_str()))
    }
}

/// A window as a screen backend lists it, in the coordinates of the captured frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WindowInfo {
    /// The window's title.
    pub title: String,
    /// Left edge relative to the captured monitor (may be negative or off-screen).
    pub x: i64,
    /// Top edge relative to the captured monitor.
    pub y: i64,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

/// The areas the masks cover on a `width`×`height` frame, clipped to it, as (left, top,
/// right, bottom). `windows` is the current window list (empty when the masks have no titles).
fn areas<'a>(
    masks: &'a Masks,
    windows: &'a [WindowInfo],
    width: u32,
    height: u32,
) -> impl Iterator<Item = (i64, i64, i64, i64)> + 'a {
    let (fw, fh) = (i64::from(width), i64::from(height));
    let window_rects = windows
        .iter()
        .filter(|w| masks.matches_title(&w.title))
        .map(|w| (w.x, w.y, i64::from(w.width), i64::from(w.height)));
    let fixed = masks.rects.iter().map(|r| {
        let (x, y) = (i64::from(r.x), i64::from(r.y));
        (x, y, i64::from(r.width), i64::from(r.height))
    });
    fixed
        .chain(window_rects)
        .map(move |(x, y, w, h)| {
            let (x0, y0) = (x.clamp(0, fw), y.clamp(0, fh));
            (x0, y0, (x + w).clamp(0, fw), (y + h).clamp(0, fh))
        })
        .filter(|&(x0, y0, x1, y1)| x1 > x0 && y1 > y0)
}

/// Paints the masks over `frame`. `windows` is the current window list (empty when the
/// masks have no titles). Areas partly outside the frame are clipped.
pub(crate) fn paint(frame: &mut FrameViewMut<'_>, masks: &Masks, windows: &[WindowInfo]) {
    for (x0, y0, x1, y1) in areas(masks, windows, frame.width(), frame.height()) {
        for row in y0..y1 {
            let px = &mut frame.row_mut(row as u32)[x0 as usize * 4..x1 as usize * 4];
            for p in px.chunks_exact_mut(4) {
                p.copy_from_slice(&MASK_COLOR);
            }
        }
    }
}

/// True when a mask on a `width`×`height` frame covers any pixel of `area` (left, top,
/// right, bottom; may reach outside the frame): a pointer there is not shown, so where the
/// customer points inside a hidden PIN pad stays hidden too.
pub(crate) fn hides(
    masks: &Masks,
    windows: &[WindowInfo],
    (width, height): (u32, u32),
    (left, top, right, bottom): (i64, i64, i64, i64),
) -> bool {
    areas(masks, windows, width, height)
        .any(|(x0, y0, x1, y1)| left < x1 && x0 < right && top < y1 && y0 < bottom)
}

#[cfg(test)]
mod tests {
    use super::*;
    use meekijk_codec::Frame;

    #[test]
    fn masks_are_clipped_and_matched_by_title() {
        let mut frame = Frame::filled(10, 6, [1, 2, 3, 255]).unwrap();
        let masks = Masks::new()
            .rect(Rect::new(8, 4, 5, 5))
            .window_title("bank");
        let windows = [
            WindowInfo {
                title: "My BANK account".into(),
                x: -3,
                y: -2,
                width: 5,
                height: 4,
            },
            WindowInfo {
                title: "Editor".into(),
                x: 0,
                y: 0,
                width: 10,
                height: 6,
            },
        ];
        paint(&mut frame.view_mut(), &masks, &windows);
        let view = frame.view();
        assert_eq!(view.pixel(9, 5), MASK_COLOR);
        assert_eq!(view.pixel(1, 1), MASK_COLOR);
        assert_eq!(view.pixel(2, 1), [1, 2, 3, 255]);
        assert_eq!(view.pixel(1, 2), [1, 2, 3, 255]);
        assert_eq!(view.pixel(7, 5), [1, 2, 3, 255]);

        // A pointer touching a masked pixel is hidden; one beside the masks is not.
        let size = (10, 6);
        assert!(
            hides(&masks, &windows, size, (7, 3, 9, 5)),
            "corner of the rect"
        );
        assert!(
            hides(&masks, &windows, size, (-5, -5, 1, 1)),
            "the window, off-frame"
        );
        assert!(!hides(&masks, &windows, size, (2, 2, 8, 4)), "between them");
        assert!(
            !hides(&masks, &windows, size, (10, 0, 14, 4)),
            "off the frame"
        );
    }
}
