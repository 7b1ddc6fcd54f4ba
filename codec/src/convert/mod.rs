//! Colour conversion between BGRA8 and planar 8-bit YUV (BT.709), for a rect of a frame.
//!
//! BGRA → 4:4:4, the conversion in front of every AV1 tile, is our own kernel (`yuv444`, AVX2
//! with a scalar reference). The other directions come from `yuvutils-rs` (AVX2/SSE4.1/NEON with
//! run-time dispatch, `Balanced` mode). Alpha is ignored on the way in and written as 255 on
//! the way out: screen pixels are opaque.

mod yuv444;
#[cfg(target_arch = "x86_64")]
mod yuv444_avx2;

use yuvutils_rs::{
    BufferStoreMut, YuvConversionMode, YuvPlanarImage, YuvPlanarImageMut, YuvRange,
    YuvStandardMatrix,
};

use crate::frame::check_size;
use crate::{CpuLevel, Error, FrameView, FrameViewMut, Rect, Result};

/// Chroma subsampling of a [`YuvImage`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Chroma {
    /// Full-resolution chroma: sharp coloured text, the default for screens.
    #[default]
    Yuv444,
    /// Chroma halved in both directions (odd sizes round up).
    Yuv420,
}

/// Quantisation range of the YUV samples.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Range {
    /// Y and UV use 0..=255.
    #[default]
    Full,
    /// "TV" range: Y 16..=235, UV 16..=240.
    Limited,
}

impl Range {
    fn lib(self) -> YuvRange {
        match self {
            Range::Full => YuvRange::Full,
            Range::Limited => YuvRange::Limited,
        }
    }
}

/// A planar 8-bit YUV picture with tightly packed planes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YuvImage {
    width: u32,
    height: u32,
    chroma: Chroma,
    range: Range,
    planes: [Vec<u8>; 3],
}

impl YuvImage {
    /// A mid-grey picture of the given size and format.
    ///
    /// # Errors
    /// [`Error::ZeroSize`], [`Error::TooLarge`] or [`Error::TooManyPixels`] for an unusable
    /// size.
    pub fn new(width: u32, height: u32, chroma: Chroma, range: Range) -> Result<Self> {
        let mut image = Self {
            width: 0,
            height: 0,
            chroma,
            range,
            planes: Default::default(),
        };
        image.resize(width, height)?;
        Ok(image)
    }

    /// Changes the size, reusing the allocations where they are large enough.
    ///
    /// # Errors
    /// [`Error::ZeroSize`], [`Error::TooLarge`] or [`Error::TooManyPixels`] for an unusable
    /// size.
    pub fn resize(&mut self, width: u32, height: u32) -> Result<()> {
        check_size(width, height)?;
        self.width = width;
        self.height = height;
        let luma = width as usize * height as usize;
        let chroma = self.chroma_width() as usize * self.chroma_height() as usize;
        self.planes[0].resize(luma, 128);
        self.planes[1].resize(chroma, 128);
        self.planes[2].resize(chroma, 128);
        Ok(())
    }

    /// Luma width.
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Luma height.
    pub fn height(&self) -> u32 {
        self.height
    }

    /// Chroma subsampling.
    pub fn chroma(&self) -> Chroma {
        self.chroma
    }

    /// Sample range.
    pub fn range(&self) -> Range {
        self.range
    }

    /// Width of the U and V planes.
    pub fn chroma_width(&self) -> u32 {
        match self.chroma {
            Chroma::Yuv444 => self.width,
            Chroma::Yuv420 => self.width.div_ceil(2),
        }
    }

    /// Height of the U and V planes.
    pub fn chroma_height(&self) -> u32 {
        match self.chroma {
            Chroma::Yuv444 => self.height,
            Chroma::Yuv420 => self.height.div_ceil(2),
        }
    }

    /// The Y, U and V planes, each tightly packed (stride = plane width).
    pub fn planes(&self) -> [&[u8]; 3] {
        [&self.planes[0], &self.planes[1], &self.planes[2]]
    }

    /// The planes, mutable (for decoders writing into the picture).
    pub fn planes_mut(&mut self) -> [&mut [u8]; 3] {
        let [y, u, v] = &mut self.planes;
        [y, u, v]
    }

    /// Converts `rect` of `src` into this picture, which takes the rect's size.
    ///
    /// # Errors
    /// [`Error::ZeroSize`] or [`Error::RectOutOfBounds`] for a rect that does not fit `src`.
    pub fn convert_from(&mut self, src: &FrameView<'_>, rect: Rect) -> Result<()> {
        let view = src.sub(rect)?;
        self.resize(rect.width, rect.height)?;
        if self.chroma == Chroma::Yuv444 {
            self.convert_444(&view, CpuLevel::detected());
            return Ok(());
        }
        // yuvutils walks rows with `chunks_exact(stride)` and so drops a last row that is
        // shorter than the stride, as in every sub-rect view. The tail rows therefore go
        // through a small packed copy.
        let (head, tail) = self.split_rows();
        let stride = view.stride();
        if head > 0 {
            let bgra = &view.data()[..stride * head as usize];
            self.bgra_rows_to_yuv(bgra, stride, 0, head)?;
        }
        let row = rect.width as usize * 4;
        let mut packed = Vec::with_capacity(row * tail as usize);
        for y in head..rect.height {
            packed.extend_from_slice(view.row(y));
        }
        self.bgra_rows_to_yuv(&packed, row, head, tail)
    }

    /// BGRA → 4:4:4 row by row with the kernel of `level` (already sized to `view`).
    fn convert_444(&mut self, view: &FrameView<'_>, level: CpuLevel) {
        let kernel = yuv444::kernel(level);
        let coefficients = yuv444::Coefficients::for_range(self.range);
        let w = self.width as usize;
        let [y, u, v] = &mut self.planes;
        let rows = y
            .chunks_exact_mut(w)
            .zip(u.chunks_exact_mut(w).zip(v.chunks_exact_mut(w)));
        for (row, (y, (u, v))) in rows.enumerate() {
            kernel(view.row(row as u32), y, u, v, coefficients);
        }
    }

    /// Writes this picture as opaque BGRA into `dst`, which must have the picture's size.
    ///
    /// # Errors
    /// [`Error::SizeMismatch`] when `dst` is not `width`×`height`.
    pub fn convert_into(&self, dst: &mut FrameViewMut<'_>) -> Result<()> {
        if dst.width() != self.width || dst.height() != self.height {
            return Err(Error::SizeMismatch {
                width: self.width,
                height: self.height,
                got_width: dst.width(),
                got_height: dst.height(),
            });
        }
        // Same short-last-row limitation as in `convert_from`.
        let (head, tail) = self.split_rows();
        let stride = dst.stride();
        if head > 0 {
            let out = &mut dst.data_mut()[..stride * head as usize];
            self.yuv_rows_to_bgra(out, stride, 0, head)?;
        }
        let row = self.width as usize * 4;
        let mut packed = vec![0; row * tail as usize];
        self.yuv_rows_to_bgra(&mut packed, row, head, tail)?;
        for (i, y) in (head..self.height).enumerate() {
            dst.row_mut(y)
                .copy_from_slice(&packed[i * row..(i + 1) * row]);
        }
        Ok(())
    }

    /// Splits the rows into a head that yuvutils can take in place and a tail (1 or 2 rows,
    /// a whole chroma row) that needs a packed copy.
    fn split_rows(&self) -> (u32, u32) {
        let tail = match self.chroma {
            Chroma::Yuv420 if self.height % 2 == 0 => 2,
            _ => 1,
        };
        (self.height - tail, tail)
    }

    fn chroma_row(&self, luma_row: u32) -> usize {
        match self.chroma {
            Chroma::Yuv444 => luma_row as usize,
            Chroma::Yuv420 => luma_row as usize / 2,
        }
    }

    /// Converts `rows` BGRA rows (`stride` apart) into luma rows `first..first + rows`.
    fn bgra_rows_to_yuv(
        &mut self,
        bgra: &[u8],
        stride: usize,
        first: u32,
        rows: u32,
    ) -> Result<()> {
        let (w, cw) = (self.width as usize, self.chroma_width() as usize);
        let (y0, c0) = (first as usize * w, self.chroma_row(first) * cw);
        let [y, u, v] = &mut self.planes;
        let mut planar = YuvPlanarImageMut {
            y_plane: BufferStoreMut::Borrowed(&mut y[y0..]),
            y_stride: w as u32,
            u_plane: BufferStoreMut::Borrowed(&mut u[c0..]),
            u_stride: cw as u32,
            v_plane: BufferStoreMut::Borrowed(&mut v[c0..]),
            v_stride: cw as u32,
            width: w as u32,
            height: rows,
        };
        let stride = stride_u32(stride)?;
        let (range, matrix) = (self.range.lib(), YuvStandardMatrix::Bt709);
        let mode = YuvConversionMode::Balanced;
        match self.chroma {
            Chroma::Yuv444 => {
                yuvutils_rs::bgra_to_yuv444(&mut planar, bgra, stride, range, matrix, mode)
            }
            Chroma::Yuv420 => {
                yuvutils_rs::bgra_to_yuv420(&mut planar, bgra, stride, range, matrix, mode)
            }
        }
        .map_err(|e| Error::Convert(e.to_string()))
    }

    /// Converts luma rows `first..first + rows` into BGRA rows `stride` apart.
    fn yuv_rows_to_bgra(
        &self,
        bgra: &mut [u8],
        stride: usize,
        first: u32,
        rows: u32,
    ) -> Result<()> {
        let (w, cw) = (self.width as usize, self.chroma_width() as usize);
        let (y0, c0) = (first as usize * w, self.chroma_row(first) * cw);
        let planar = YuvPlanarImage {
            y_plane: &self.planes[0][y0..],
            y_stride: w as u32,
            u_plane: &self.planes[1][c0..],
            u_stride: cw as u32,
            v_plane: &self.planes[2][c0..],
            v_stride: cw as u32,
            width: w as u32,
            height: rows,
        };
        let stride = stride_u32(stride)?;
        let (range, matrix) = (self.range.lib(), YuvStandardMatrix::Bt709);
        match self.chroma {
            Chroma::Yuv444 => yuvutils_rs::yuv444_to_bgra(&planar, bgra, stride, range, matrix),
            Chroma::Yuv420 => yuvutils_rs::yuv420_to_bgra(&planar, bgra, stride, range, matrix),
        }
        .map_err(|e| Error::Convert(e.to_string()))
    }
}

fn stride_u32(stride: usize) -> Result<u32> {
    u32::try_from(stride)
        .map_err(|_| Error::Convert(format!("stride {stride} bytes exceeds {} bytes", u32::MAX)))
}

#[cfg(test)]
mod tests;
