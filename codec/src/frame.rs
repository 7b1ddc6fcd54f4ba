//! BGRA8 frames: an owned [`Frame`] and borrowed, stride-aware views that never copy.

use crate::{Error, Rect, Result};

/// The largest accepted width or height (8K and a margin).
pub const MAX_DIMENSION: u32 = 16_384;

/// The largest accepted area: two 8K screens' worth, 256 MiB as BGRA. With
/// [`MAX_DIMENSION`] it bounds every frame allocation, so a hostile peer that names a size
/// cannot make the other side hold a 1 GiB framebuffer.
pub const MAX_PIXELS: u64 = 1 << 26;

/// Checks that a picture size is usable: 1..=[`MAX_DIMENSION`] each way, at most
/// [`MAX_PIXELS`] in all.
pub(crate) fn check_size(width: u32, height: u32) -> Result<()> {
    if width == 0 || height == 0 {
        return Err(Error::ZeroSize { width, height });
    }
    if width > MAX_DIMENSION || height > MAX_DIMENSION {
        return Err(Error::TooLarge {
            width,
            height,
            max: MAX_DIMENSION,
        });
    }
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(Error::TooManyPixels {
            width,
            height,
            max: MAX_PIXELS,
        });
    }
    Ok(())
}

/// Checks a size and stride against a buffer length.
fn check_layout(len: usize, width: u32, height: u32, stride: usize) -> Result<()> {
    check_size(width, height)?;
    let row = width as usize * 4;
    if stride < row {
        return Err(Error::StrideTooSmall { stride, min: row });
    }
    let needed = stride
        .checked_mul(height as usize - 1)
        .and_then(|n| n.checked_add(row))
        .ok_or(Error::BufferTooSmall {
            len,
            needed: usize::MAX,
        })?;
    if len < needed {
        return Err(Error::BufferTooSmall { len, needed });
    }
    Ok(())
}

/// Checks that `rect` has pixels and lies inside a `width`×`height` picture.
pub(crate) fn check_rect(rect: Rect, width: u32, height: u32) -> Result<()> {
    if rect.is_empty() {
        return Err(Error::ZeroSize {
            width: rect.width,
            height: rect.height,
        });
    }
    if !rect.fits_in(width, height) {
        return Err(Error::RectOutOfBounds {
            rect,
            width,
            height,
        });
    }
    Ok(())
}

/// An owned BGRA8 image with tightly packed rows (`stride == width * 4`).
#[derive(Clone, PartialEq, Eq)]
pub struct Frame {
    data: Vec<u8>,
    width: u32,
    height: u32,
}

impl std::fmt::Debug for Frame {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Frame({}x{})", self.width, self.height)
    }
}

impl Frame {
    /// A frame filled with opaque black.
    ///
    /// # Errors
    /// [`Error::ZeroSize`], [`Error::TooLarge`] or [`Error::TooManyPixels`] for an unusable
    /// size.
    pub fn new(width: u32, height: u32) -> Result<Self> {
        Self::filled(width, height, [0, 0, 0, 255])
    }

    /// A frame with every pixel set to `bgra`.
    ///
    /// # Errors
    /// [`Error::ZeroSize`], [`Error::TooLarge`] or [`Error::TooManyPixels`] for an unusable
    /// size.
    pub fn filled(width: u32, height: u32, bgra: [u8; 4]) -> Result<Self> {
        check_layout(usize::MAX, width, height, width as usize * 4)?;
        let data = bgra.repeat(width as usize * height as usize);
        Ok(Self {
            data,
            width,
            height,
        })
    }

    /// Takes ownership of tightly packed BGRA8 pixels.
    ///
    /// # Errors
    /// When `data.len()` is not exactly `width * height * 4`, or the size is unusable.
    pub fn from_vec(data: Vec<u8>, width: u32, height: u32) -> Result<Self> {
        check_layout(data.len(), width, height, width as usize * 4)?;
        let needed = width as usize * height as usize * 4;
        if data.len() != needed {
            return Err(Error::BufferTooSmall {
                len: data.len(),
                needed,
            });
        }
        Ok(Self {
            data,
            width,
            height,
        })
    }

    /// Copies a view into a new packed frame.
    pub fn from_view(view: &FrameView<'_>) -> Self {
        let mut data = Vec::with_capacity(view.width as usize * view.height as usize * 4);
        for y in 0..view.height {
            data.extend_from_slice(view.row(y));
        }
        Self {
            data,
            width: view.width,
            height: view.height,
        }
    }

    /// Width in pixels.
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Height in pixels.
    pub fn height(&self) -> u32 {
        self.height
    }

    /// Bytes per row (always `width * 4` for an owned frame).
    pub fn stride(&self) -> usize {
        self.width as usize * 4
    }

    /// The whole frame as one rect.
    pub fn rect(&self) -> Rect {
        Rect::new(0, 0, self.width, self.height)
    }

    /// All pixel bytes, row after row.
    pub fn data(&self) -> &[u8] {
        &self.data
    }

    /// All pixel bytes, mutable.
    pub fn data_mut(&mut self) -> &mut [u8] {
        &mut self.data
    }

    /// A borrowed view of the whole frame.
    pub fn view(&self) -> FrameView<'_> {
        FrameView {
            data: &self.data,
            width: self.width,
            height: self.height,
            stride: self.stride(),
        }
    }

    /// A mutable view of the whole frame.
    pub fn view_mut(&mut self) -> FrameViewMut<'_> {
        let stride = self.stride();
        FrameViewMut {
            data: &mut self.data,
            width: self.width,
            height: self.height,
            stride,
        }
    }
}

/// A borrowed BGRA8 image: `height` rows of `width` pixels, `stride` bytes apart.
#[derive(Clone, Copy)]
pub struct FrameView<'a> {
    data: &'a [u8],
    width: u32,
    height: u32,
    stride: usize,
}

impl std::fmt::Debug for FrameView<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "FrameView({}x{}, stride {})",
            self.width, self.height, self.stride
        )
    }
}

impl<'a> FrameView<'a> {
    /// Wraps existing pixels without copying.
    ///
    /// # Errors
    /// [`Error::ZeroSize`], [`Error::TooLarge`], [`Error::TooManyPixels`],
    /// [`Error::StrideTooSmall`] or [`Error::BufferTooSmall`] when the buffer cannot hold the
    /// described image.
    pub fn new(data: &'a [u8], width: u32, height: u32, stride: usize) -> Result<Self> {
        check_layout(data.len(), width, height, stride)?;
        Ok(Self {
            data,
            width,
            height,
            stride,
        })
    }

    /// Width in pixels.
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Height in pixels.
    pub fn height(&self) -> u32 {
        self.height
    }

    /// Bytes from one row to the next.
    pub fn stride(&self) -> usize {
        self.stride
    }

    /// The underlying bytes (including stride padding).
    pub fn data(&self) -> &'a [u8] {
        self.data
    }

    /// The `width * 4` pixel bytes of row `y`.
    ///
    /// # Panics
    /// When `y >= height` (a caller bug, not an input error).
    pub fn row(&self, y: u32) -> &'a [u8] {
        assert!(y < self.height, "row {y} outside height {}", self.height);
        let start = y as usize * self.stride;
        &self.data[start..start + self.width as usize * 4]
    }

    /// The BGRA pixel at (`x`, `y`).
    ///
    /// # Panics
    /// When the position lies outside the view.
    pub fn pixel(&self, x: u32, y: u32) -> [u8; 4] {
        assert!(x < self.width, "column {x} outside width {}", self.width);
        let p = &self.row(y)[x as usize * 4..x as usize * 4 + 4];
        [p[0], p[1], p[2], p[3]]
    }

    /// A view of a sub-rectangle, sharing the same bytes.
    ///
    /// # Errors
    /// [`Error::ZeroSize`] for an empty rect, [`Error::RectOutOfBounds`] when it does not fit.
    pub fn sub(&self, rect: Rect) -> Result<FrameView<'a>> {
        check_rect(rect, self.width, self.height)?;
        let start = rect.y as usize * self.stride + rect.x as usize * 4;
        let len = (rect.height as usize - 1) * self.stride + rect.width as usize * 4;
        Ok(FrameView {
            data: &self.data[start..start + len],
            width: rect.width,
            height: rect.height,
            stride: self.stride,
        })
    }
}

/// A mutable, borrowed BGRA8 image.
pub struct FrameViewMut<'a> {
    data: &'a mut [u8],
    width: u32,
    height: u32,
    stride: usize,
}

impl<'a> FrameViewMut<'a> {
    /// Wraps existing pixels without copying.
    ///
    /// # Errors
    /// As [`FrameView::new`].
    pub fn new(data: &'a mut [u8], width: u32, height: u32, stride: usize) -> Result<Self> {
        check_layout(data.len(), width, height, stride)?;
        Ok(Self {
            data,
            width,
            height,
            stride,
        })
    }

    /// Width in pixels.
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Height in pixels.
    pub fn height(&self) -> u32 {
        self.height
    }

    /// Bytes from one row to the next.
    pub fn stride(&self) -> usize {
        self.stride
    }

    /// The underlying bytes (including stride padding), mutable.
    pub(crate) fn data_mut(&mut self) -> &mut [u8] {
        self.data
    }

    /// A read-only view of the same pixels.
    pub fn as_view(&self) -> FrameView<'_> {
        FrameView {
            data: self.data,
            width: self.width,
            height: self.height,
            stride: self.stride,
        }
    }

    /// The pixel bytes of row `y`, mutable.
    ///
    /// # Panics
    /// When `y >= height`.
    pub fn row_mut(&mut self, y: u32) -> &mut [u8] {
        assert!(y < self.height, "row {y} outside height {}", self.height);
        let start = y as usize * self.stride;
        &mut self.data[start..start + self.width as usize * 4]
    }

    /// A mutable view of a sub-rectangle.
    ///
    /// # Errors
    /// [`Error::ZeroSize`] for an empty rect, [`Error::RectOutOfBounds`] when it does not fit.
    pub fn sub_mut(&mut self, rect: Rect) -> Result<FrameViewMut<'_>> {
        check_rect(rect, self.width, self.height)?;
        let start = rect.y as usize * self.stride + rect.x as usize * 4;
        let len = (rect.height as usize - 1) * self.stride + rect.width as usize * 4;
        Ok(FrameViewMut {
            data: &mut self.data[start..start + len],
            width: rect.width,
            height: rect.height,
            stride: self.stride,
        })
    }

    /// Sets every pixel to `bgra`.
    pub fn fill(&mut self, bgra: [u8; 4]) {
        for y in 0..self.height {
            for px in self.row_mut(y).chunks_exact_mut(4) {
                px.copy_from_slice(&bgra);
            }
        }
    }

    /// Copies `src` (same size) into this view.
    ///
    /// # Errors
    /// [`Error::SizeMismatch`] when the sizes differ.
    pub fn copy_from(&mut self, src: &FrameView<'_>) -> Result<()> {
        if src.width() != self.width || src.height() != self.height {
            return Err(Error::SizeMismatch {
                width: self.width,
                height: self.height,
                got_width: src.width(),
                got_height: src.height(),
            });
        }
        for y in 0..self.height {
            self.row_mut(y).copy_from_slice(src.row(y));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_layouts_are_errors() {
        let buf = vec![0u8; 100];
        assert_eq!(
            FrameView::new(&buf, 0, 5, 0).unwrap_err(),
            Error::ZeroSize {
                width: 0,
                height: 5
            }
        );
        assert_eq!(
            FrameView::new(&buf, 5, 5, 16).unwrap_err(),
            Error::StrideTooSmall {
                stride: 16,
                min: 20
            }
        );
        assert!(FrameView::new(&buf, 5, 5, 20).is_ok());
        assert_eq!(
            FrameView::new(&buf, 5, 5, 24).unwrap_err(),
            Error::BufferTooSmall {
                len: 100,
                needed: 116
            }
        );
        assert!(matches!(
            FrameView::new(&buf, MAX_DIMENSION + 1, 1, usize::MAX).unwrap_err(),
            Error::TooLarge { .. }
        ));
        // Each side within bounds, the area not: refused before anything is allocated.
        assert_eq!(
            Frame::new(MAX_DIMENSION, MAX_DIMENSION).unwrap_err(),
            Error::TooManyPixels {
                width: MAX_DIMENSION,
                height: MAX_DIMENSION,
                max: MAX_PIXELS
            }
        );
        assert!(
            FrameView::new(&buf, MAX_DIMENSION, 4096, usize::MAX).is_err_and(|e| matches!(
                e,
                Error::BufferTooSmall { .. } | Error::StrideTooSmall { .. }
            ))
        );
    }

    #[test]
    fn sub_views_share_pixels_and_check_bounds() {
        let mut frame = Frame::new(8, 4).unwrap();
        frame
            .view_mut()
            .sub_mut(Rect::new(2, 1, 3, 2))
            .unwrap()
            .fill([1, 2, 3, 4]);
        let view = frame.view();
        assert_eq!(view.pixel(2, 1), [1, 2, 3, 4]);
        assert_eq!(view.pixel(4, 2), [1, 2, 3, 4]);
        assert_eq!(view.pixel(5, 2), [0, 0, 0, 255]);
        let sub = view.sub(Rect::new(2, 1, 3, 2)).unwrap();
        assert_eq!(sub.pixel(0, 0), [1, 2, 3, 4]);
        assert!(matches!(
            view.sub(Rect::new(6, 0, 3, 1)),
            Err(Error::RectOutOfBounds { .. })
        ));
        assert!(matches!(
            view.sub(Rect::new(0, 0, 0, 1)),
            Err(Error::ZeroSize { .. })
        ));
    }
}
