//! The one error type of `meekijk-codec`.

use crate::Rect;

/// Result with the codec's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in the codec. Messages name the value that was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A frame or rect with no pixels where at least one is required.
    #[error("size {width}x{height} is empty; width and height must be at least 1")]
    ZeroSize {
        /// Width that was given.
        width: u32,
        /// Height that was given.
        height: u32,
    },
    /// A dimension above [`crate::MAX_DIMENSION`].
    #[error("size {width}x{height} exceeds the maximum {max}x{max}")]
    TooLarge {
        /// Width that was given.
        width: u32,
        /// Height that was given.
        height: u32,
        /// The largest allowed width and height.
        max: u32,
    },
    /// A row stride shorter than one row of pixels.
    #[error("stride {stride} bytes is below one row of {min} bytes")]
    StrideTooSmall {
        /// Stride that was given.
        stride: usize,
        /// Bytes in one row (width × 4).
        min: usize,
    },
    /// A pixel buffer too short for its size and stride.
    #[error("buffer of {len} bytes is too short; {needed} bytes needed")]
    BufferTooSmall {
        /// Bytes that were given.
        len: usize,
        /// Bytes that the size and stride need.
        needed: usize,
    },
    /// Two frames (or a frame and a buffer) that must have the same size do not.
    #[error("size {got_width}x{got_height} does not match the expected {width}x{height}")]
    SizeMismatch {
        /// Expected width.
        width: u32,
        /// Expected height.
        height: u32,
        /// Width that was given.
        got_width: u32,
        /// Height that was given.
        got_height: u32,
    },
    /// A rect that does not lie inside the frame it refers to.
    #[error("rect {rect} lies outside the {width}x{height} frame")]
    RectOutOfBounds {
        /// The offending rect.
        rect: Rect,
        /// Frame width.
        width: u32,
        /// Frame height.
        height: u32,
    },
    /// Colour conversion failed inside the conversion library (should not happen after our checks).
    #[error("colour conversion failed: {0}")]
    Convert(String),
}
