//! The one error type of `meekijk-capture`.

use std::path::PathBuf;

/// Result with the capture crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong while opening or reading a frame source.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A `--source` string that matches none of the known forms.
    #[error("source `{spec}` is not one of screen, screen:N, screen:NAME, synthetic:SCENE[:SEED], file:PATH")]
    UnknownSource {
        /// The string that was given.
        spec: String,
    },
    /// A synthetic scene name that does not exist.
    #[error("scene `{name}` does not exist; expected one of {known}")]
    UnknownScene {
        /// The name that was given.
        name: String,
        /// The valid names, comma separated.
        known: String,
    },
    /// A frame size outside what the source supports.
    #[error("size {width}x{height} is outside the supported {min}x{min} to {max}x{max}")]
    BadSize {
        /// Width that was given.
        width: u32,
        /// Height that was given.
        height: u32,
        /// Smallest accepted width and height.
        min: u32,
        /// Largest accepted width and height.
        max: u32,
    },
    /// A frame rate of zero or above the limit.
    #[error("frame rate {fps} is outside 1..={max} frames per second")]
    BadFps {
        /// Rate that was given.
        fps: u32,
        /// Largest accepted rate.
        max: u32,
    },
    /// A recorded file could not be opened or read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// A recorded file ends in the middle of a frame.
    #[error("frame {frame} is truncated at byte offset {offset}: {expected} bytes expected, {got} present")]
    Truncated {
        /// Index of the incomplete frame (0-based).
        frame: u64,
        /// Byte offset in the file where the frame's data starts.
        offset: u64,
        /// Bytes the frame needs.
        expected: u64,
        /// Bytes that were there.
        got: u64,
    },
    /// A recorded file whose bytes do not follow its format.
    #[error("malformed file at frame {frame}, byte offset {offset}: {reason}")]
    Malformed {
        /// Index of the frame being read (0 for the file header).
        frame: u64,
        /// Byte offset where the problem starts.
        offset: u64,
        /// What was expected and what was found.
        reason: String,
    },
    /// A frame failed a check of the codec crate (size, stride, conversion).
    #[error(transparent)]
    Codec(#[from] meekijk_codec::Error),
    /// No X server could be reached or it refused a request.
    #[error("X11 {what} failed: {detail}")]
    X11 {
        /// The step that failed.
        what: &'static str,
        /// The underlying error.
        detail: String,
    },
    /// The X server's pixel format is not 32-bit little-endian BGRx.
    #[error("X11 root window depth {depth} with {bits_per_pixel} bits per pixel is not supported; expected depth 24 or 32 at 32 bits per pixel, BGRx byte order")]
    UnsupportedVisual {
        /// Depth of the root window.
        depth: u8,
        /// Bits per pixel of that depth's pixmap format.
        bits_per_pixel: u8,
    },
    /// The requested monitor does not exist.
    #[error("monitor `{wanted}` not found; available: {available}")]
    MonitorNotFound {
        /// Index or name that was asked for.
        wanted: String,
        /// The monitors that exist, as `index:name WxH+X+Y`.
        available: String,
    },
    /// The xcap backend failed.
    #[error("xcap {what} failed: {detail}")]
    Xcap {
        /// The step that failed.
        what: &'static str,
        /// The underlying error.
        detail: String,
    },
    /// Window-title masks were asked of a source that cannot list windows.
    #[error("masks by window title need a screen source; `{source_kind}` cannot list windows")]
    TitleMasksUnsupported {
        /// The kind of source.
        source_kind: &'static str,
    },
}
