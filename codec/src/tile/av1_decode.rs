//! The AV1 tile decoder: dav1d, one picture per op, written as BGRA into exactly the op's rect.

use dav1d::{Decoder, PixelLayout, PlanarImageComponent, Settings};

use super::NaturalDecoder;
use crate::convert::{Chroma, Range, YuvImage};
use crate::{Error, FrameViewMut, Result, MAX_DIMENSION};

/// Largest picture (in pixels) the decoder accepts by default: a 4K screen. dav1d refuses
/// larger frames before allocating for them, so hostile headers cannot claim gigabytes.
pub const DEFAULT_MAX_PIXELS: u32 = 3840 * 2160;

/// Decodes [`crate::Op::Av1`] data. Holds a dav1d context: create one per worker thread.
pub struct Av1Decoder {
    decoder: Decoder,
    yuv: YuvImage,
}

impl std::fmt::Debug for Av1Decoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Av1Decoder").finish_non_exhaustive()
    }
}

impl Av1Decoder {
    /// A decoder for pictures of at most [`DEFAULT_MAX_PIXELS`].
    ///
    /// # Errors
    /// [`Error::Av1Decode`] when dav1d cannot be opened (out of memory).
    pub fn new() -> Result<Self> {
        Self::with_max_pixels(DEFAULT_MAX_PIXELS)
    }

    /// A decoder that refuses pictures of more than `max_pixels` (e.g. the framebuffer's
    /// area), clamped to `MAX_DIMENSION²`.
    ///
    /// # Errors
    /// [`Error::Av1Decode`] when dav1d cannot be opened.
    pub fn with_max_pixels(max_pixels: u32) -> Result<Self> {
        let mut settings = Settings::new();
        // Zero frame delay: a picture comes out for the temporal unit that went in. One
        // thread: the viewer runs one decoder per worker and parallelises across tiles.
        settings.set_max_frame_delay(1);
        settings.set_n_threads(1);
        settings.set_frame_size_limit(max_pixels.clamp(1, MAX_DIMENSION * MAX_DIMENSION));
        let decoder = Decoder::with_settings(&settings)
            .map_err(|e| Error::Av1Decode(format!("cannot open dav1d: {e}")))?;
        Ok(Self {
            decoder,
            yuv: YuvImage::new(1, 1, Chroma::Yuv444, Range::Full)?,
        })
    }

    /// Decodes one temporal unit and writes it into `target`, which must be exactly the
    /// picture's size. On error `target` is unchanged and the decoder is ready for the next
    /// op (tiles are independent).
    ///
    /// # Errors
    /// [`Error::Av1Decode`] for data that holds no valid picture, [`Error::Av1Format`] for a
    /// picture that is not 8-bit 4:4:4 or 4:2:0, [`Error::SizeMismatch`] when the picture's
    /// size is not `target`'s.
    pub fn decode_into(&mut self, data: &[u8], target: &mut FrameViewMut<'_>) -> Result<()> {
        let result = self.decode_picture(data, target.width(), target.height());
        // Drop whatever the data left behind (extra frames, pending bytes): the next tile
        // must start from a clean decoder.
        self.decoder.flush();
        result?;
        self.yuv.convert_into(target)
    }

    /// Decodes `data` into `self.yuv`, checking format and size.
    fn decode_picture(&mut self, data: &[u8], width: u32, height: u32) -> Result<()> {
        if data.is_empty() {
            return Err(Error::Av1Decode("empty data holds no picture".into()));
        }
        let fail = |e: dav1d::Error| Error::Av1Decode(e.to_string());
        match self.decoder.send_data(data.to_vec(), None, None, None) {
            Ok(()) | Err(dav1d::Error::Again) => {}
            Err(e) => return Err(fail(e)),
        }
        let picture = match self.decoder.get_picture() {
            Ok(picture) => picture,
            Err(dav1d::Error::Again) => {
                // Data left over after a picture (or none at all): feed it, then ask again.
                match self.decoder.send_pending_data() {
                    Ok(()) | Err(dav1d::Error::Again) => {}
                    Err(e) => return Err(fail(e)),
                }
                self.decoder.get_picture().map_err(|e| match e {
                    dav1d::Error::Again => {
                        Error::Av1Decode("data holds no complete picture".into())
                    }
                    e => fail(e),
                })?
            }
            Err(e) => return Err(fail(e)),
        };
        let chroma = match picture.pixel_layout() {
            PixelLayout::I444 => Some(Chroma::Yuv444),
            PixelLayout::I420 => Some(Chroma::Yuv420),
            PixelLayout::I400 | PixelLayout::I422 => None,
        };
        let layout = match picture.pixel_layout() {
            PixelLayout::I400 => "I400",
            PixelLayout::I420 => "I420",
            PixelLayout::I422 => "I422",
            PixelLayout::I444 => "I444",
        };
        let bits = picture.bits_per_component().map_or(0, |b| b.0);
        let (Some(chroma), 8, 8) = (chroma, bits, picture.bit_depth()) else {
            return Err(Error::Av1Format { layout, bits });
        };
        if picture.width() != width || picture.height() != height {
            return Err(Error::SizeMismatch {
                width,
                height,
                got_width: picture.width(),
                got_height: picture.height(),
            });
        }
        if self.yuv.chroma() != chroma {
            self.yuv = YuvImage::new(width, height, chroma, Range::Full)?;
        } else {
            self.yuv.resize(width, height)?;
        }
        let widths = [width, self.yuv.chroma_width(), self.yuv.chroma_width()];
        let components = [
            PlanarImageComponent::Y,
            PlanarImageComponent::U,
            PlanarImageComponent::V,
        ];
        for ((dst, component), plane_width) in self
            .yuv
            .planes_mut()
            .into_iter()
            .zip(components)
            .zip(widths)
        {
            let stride = picture.stride(component) as usize;
            let src = picture.plane(component);
            let plane_width = plane_width as usize;
            let rows = dst.len() / plane_width;
            if stride < plane_width || src.len() < stride * (rows - 1) + plane_width {
                return Err(Error::Av1Decode(format!(
                    "plane of {} bytes with stride {stride} cannot hold {rows} rows of {plane_width}",
                    src.len()
                )));
            }
            for (y, dst_row) in dst.chunks_exact_mut(plane_width).enumerate() {
                dst_row.copy_from_slice(&src[y * stride..y * stride + plane_width]);
            }
        }
        Ok(())
    }
}

impl NaturalDecoder for Av1Decoder {
    fn decode(&mut self, data: &[u8], target: &mut FrameViewMut<'_>) -> Result<()> {
        self.decode_into(data, target)
    }
}
