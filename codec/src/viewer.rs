//! `ViewerDecoder`: applies [`Update`]s to a BGRA framebuffer, all or nothing.
//!
//! Every op is validated against the framebuffer first; payloads (palette, AV1) are then
//! decoded into scratch tiles; only when all of that succeeded are the ops painted, in order.
//! So a hostile or corrupted update is an error and leaves the framebuffer exactly as it was.

use crate::tile::{Av1Decoder, PaletteDecoder};
use crate::{compositor, Error, Frame, FrameView, Op, Rect, Result, Update};

/// The viewer side of the pipeline. See the module docs.
pub struct ViewerDecoder {
    framebuffer: Frame,
    palette: PaletteDecoder,
    av1: Av1Decoder,
}

impl std::fmt::Debug for ViewerDecoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ViewerDecoder({:?})", self.framebuffer)
    }
}

impl ViewerDecoder {
    /// A decoder for a `width`×`height` screen, starting black.
    ///
    /// # Errors
    /// [`Error::ZeroSize`] / [`Error::TooLarge`] for the size; decoder set-up errors.
    pub fn new(width: u32, height: u32) -> Result<Self> {
        let framebuffer = Frame::new(width, height)?;
        Ok(Self {
            palette: PaletteDecoder::new()?,
            av1: Av1Decoder::with_max_pixels(width.saturating_mul(height))?,
            framebuffer,
        })
    }

    /// The picture as of the last applied update.
    pub fn framebuffer(&self) -> FrameView<'_> {
        self.framebuffer.view()
    }

    /// True after an error that lost the palette stream: ask the host for a refresh.
    pub fn needs_refresh(&self) -> bool {
        self.palette.needs_restart()
    }

    /// Applies every op of `update` in order.
    ///
    /// # Errors
    /// Any invalid op (rect outside the framebuffer, empty, undecodable payload, tile of the
    /// wrong size, [`Error::CacheMiss`]) fails the whole update; the framebuffer is unchanged.
    pub fn apply(&mut self, update: &Update) -> Result<()> {
        let (width, height) = (self.framebuffer.width(), self.framebuffer.height());
        for op in &update.ops {
            compositor::validate(op, width, height)?;
        }
        let mut paints = Vec::with_capacity(update.ops.len());
        for op in &update.ops {
            paints.push(self.stage(op)?);
        }
        for paint in paints {
            let mut fb = self.framebuffer.view_mut();
            match paint {
                Paint::Fill(rect, colour) => fb.sub_mut(rect)?.fill(colour),
                Paint::Tile(rect, tile) => fb.sub_mut(rect)?.copy_from(&tile.view())?,
                Paint::Copy(src, dst_x, dst_y) => {
                    compositor::copy_rect(&mut self.framebuffer, src, dst_x, dst_y)
                }
            }
        }
        Ok(())
    }

    /// Turns an op into what to paint, decoding its payload into a tile of its rect's size.
    fn stage(&mut self, op: &Op) -> Result<Paint> {
        let rect = op.rect();
        Ok(match op {
            Op::Fill { rect, colour } => Paint::Fill(*rect, *colour),
            Op::CopyRect { src, dst_x, dst_y } => Paint::Copy(*src, *dst_x, *dst_y),
            Op::Palette { colours, data, .. } => {
                let mut tile = Frame::new(rect.width, rect.height)?;
                self.palette.decode(colours, data, &mut tile.view_mut())?;
                Paint::Tile(rect, tile)
            }
            Op::Av1 { data, .. } => {
                let mut tile = Frame::new(rect.width, rect.height)?;
                self.av1.decode_into(data, &mut tile.view_mut())?;
                Paint::Tile(rect, tile)
            }
            Op::CacheHit { key, .. } => return Err(Error::CacheMiss { key: *key }),
        })
    }
}

/// A validated, decoded op, ready to paint without any further failure.
enum Paint {
    Fill(Rect, [u8; 4]),
    Tile(Rect, Frame),
    Copy(Rect, u32, u32),
}
