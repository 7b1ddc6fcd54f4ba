//! The hybrid tile codec: lossless palette + zstd for screen content, AV1 for natural content.
//!
//! Per encode rect: [`classify`] counts colours (stopping past the bound, see
//! [`max_colours_for`]) and returns
//! [`Class::Solid`] (emit `Op::Fill`), [`Class::Palette`] (→ [`PaletteEncoder`], lossless) or
//! [`Class::Natural`] (→ [`Av1Encoder`], an independent intra frame at a [`Quality`]). On the
//! viewer, [`PaletteDecoder`] and [`Av1Decoder`] write an op's pixels into exactly its rect.
//!
//! Ordering: palette ops share one compression stream per session, so the host encodes them
//! in op order and the viewer decodes them in the same order (see [`palette`]'s docs for the
//! restart rules). AV1 ops are independent and may be encoded and decoded in any order and in
//! parallel; [`Av1Encoder`] is `Sync`, [`Av1Decoder`] is one per worker.
//!
//! The lossy codec sits behind [`NaturalEncoder`] / [`NaturalDecoder`] so another backend can
//! replace AV1 without touching the pipeline.

mod av1_decode;
mod av1_encode;
mod bands;
mod classify;
pub mod ivf;
mod pack;
pub mod palette;
mod runs;
mod session;

pub use av1_decode::{Av1Decoder, DEFAULT_MAX_PIXELS};
pub use av1_encode::{Av1Config, Av1Encoder, Av1Preset, Quality};
pub use classify::{classify, max_colours_for, Class, Palette, DEFAULT_MAX_COLOURS, MAX_PALETTE};
pub use palette::{PaletteConfig, PaletteDecoder, PaletteEncoder};
pub use session::SESSION_COLOURS;

use crate::{FrameView, FrameViewMut, Op, Rect, Result};

/// A lossy codec for natural content (photos, video). Each rect is coded independently, so
/// one encoder is shared by all threads.
pub trait NaturalEncoder: Send + Sync {
    /// Encodes `rect` of `frame` at `quality` into one self-contained op.
    ///
    /// # Errors
    /// When the rect does not fit the frame, or the codec fails.
    fn encode(&self, frame: &FrameView<'_>, rect: Rect, quality: Quality) -> Result<Op>;
}

/// The viewer side of a [`NaturalEncoder`]: one per worker thread.
pub trait NaturalDecoder: Send {
    /// Decodes one op's data into `target` (exactly the op's rect); on error `target` is
    /// unchanged.
    ///
    /// # Errors
    /// For data that is not one valid picture of `target`'s size.
    fn decode(&mut self, data: &[u8], target: &mut FrameViewMut<'_>) -> Result<()>;
}

#[cfg(test)]
mod tests;
