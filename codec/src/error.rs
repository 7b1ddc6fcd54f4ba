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
    /// An area above [`crate::MAX_PIXELS`].
    #[error("size {width}x{height} exceeds the maximum area of {max} pixels")]
    TooManyPixels {
        /// Width that was given.
        width: u32,
        /// Height that was given.
        height: u32,
        /// The largest allowed area.
        max: u64,
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
    /// Wire: a message ended before `what` was complete.
    #[error("wire: truncated {what}: {needed} bytes needed, {available} left")]
    WireTruncated {
        /// The field or structure being read.
        what: &'static str,
        /// Bytes it needs.
        needed: usize,
        /// Bytes that were left.
        available: usize,
    },
    /// Wire: a frame that does not start with the magic bytes `MK`.
    #[error("wire: bad magic {found:02x?}; expected [4d, 4b] (\"MK\")")]
    WireBadMagic {
        /// The first two bytes of the frame.
        found: [u8; 2],
    },
    /// Wire: a frame of a wire-format version this build does not speak.
    #[error("wire: unsupported version {found}; expected {expected}")]
    WireVersion {
        /// Version byte of the frame.
        found: u8,
        /// The only version this build reads and writes.
        expected: u8,
    },
    /// Wire: a message type unknown in this direction (or sent the wrong way).
    #[error("wire: unknown {direction} message type {tag:#04x}; expected one of {expected}")]
    WireUnknownMessage {
        /// `"host→viewer"` or `"viewer→host"`.
        direction: &'static str,
        /// The type byte that was found.
        tag: u8,
        /// The accepted type bytes.
        expected: &'static str,
    },
    /// Wire: a length or count above its documented limit (see `wire::MAX_*`).
    #[error("wire: {what} {len} exceeds the limit {max}")]
    WireLimit {
        /// What was counted or measured.
        what: &'static str,
        /// The value that was found.
        len: u64,
        /// The largest allowed value.
        max: u64,
    },
    /// Wire: bytes left over after a complete message.
    #[error("wire: {extra} trailing bytes after {what}; expected none")]
    WireTrailingBytes {
        /// The message that was complete.
        what: &'static str,
        /// How many bytes were left.
        extra: usize,
    },
    /// Wire: a field whose value is impossible (bad enum value, unknown op tag, zero where
    /// at least one is required, hotspot outside the cursor…).
    #[error("wire: invalid {what} {value}; expected {expected}")]
    WireInvalid {
        /// The field.
        what: &'static str,
        /// The value that was found.
        value: u64,
        /// The accepted values.
        expected: &'static str,
    },
    /// Wire: a rect with no pixels.
    #[error("wire: {what} rect {rect} is empty; width and height must be at least 1")]
    WireEmptyRect {
        /// Which rect (op and role).
        what: &'static str,
        /// The rect.
        rect: Rect,
    },
    /// Wire: a rect reaching past the largest possible screen.
    #[error("wire: {what} rect {rect} reaches past the {max}x{max} limit")]
    WireRectOutOfRange {
        /// Which rect (op and role).
        what: &'static str,
        /// The rect.
        rect: Rect,
        /// [`crate::MAX_DIMENSION`].
        max: u32,
    },
    /// Wire: text that is not valid UTF-8.
    #[error("wire: {what} is not valid UTF-8 (valid up to byte {valid_up_to})")]
    WireUtf8 {
        /// The text field.
        what: &'static str,
        /// Length of the valid prefix.
        valid_up_to: usize,
    },
    /// Palette tile: a palette with no colour, or more colours than an op may add or the
    /// session table may hold.
    #[error("palette of {colours} colours is unusable; 1 to {max} colours are allowed")]
    PaletteSize {
        /// Colours that were given.
        colours: usize,
        /// The largest palette ([`crate::tile::MAX_PALETTE`]).
        max: usize,
    },
    /// Palette tile: a header byte this decoder does not know.
    #[error(
        "palette data header {header:#04x} is invalid; expected 1, 2, 4, 8 or 16 bits per index"
    )]
    PaletteHeader {
        /// The header byte.
        header: u8,
    },
    /// Palette tile: an index that names no colour of the palette (or session table).
    #[error("palette index {index} is out of range; the palette has {colours} colours")]
    PaletteIndex {
        /// The offending index.
        index: u16,
        /// Colours in the palette.
        colours: usize,
    },
    /// Palette tile: the compressed indices do not decode to exactly the rect's size.
    #[error("palette data decodes to {got} bytes of colours and indices; the rect needs exactly {expected}")]
    PaletteLength {
        /// Bytes the data produced (capped just past `expected`: decoding stops there).
        got: usize,
        /// Bytes the rect needs.
        expected: usize,
    },
    /// Palette tiles: an update's palette data goes on past what its ops need.
    #[error("an update's palette data goes on past its last op")]
    PaletteTrailing,
    /// Palette tile: band heights that do not split the rect's rows.
    #[error("palette bands cover {sum} rows; the rect has {rows}")]
    PaletteBands {
        /// Rows the band heights add up to (or the band count, when that is already wrong).
        sum: usize,
        /// Rows of the rect.
        rows: usize,
    },
    /// Palette tile: a run of columns (see `tile::runs`) outside its band, or a malformed
    /// number in the band layout.
    #[error("palette band holds {what}")]
    PaletteRun {
        /// What was wrong.
        what: &'static str,
    },
    /// Wire: an update whose op table continues a compression stream this reader does not
    /// hold (it never saw the stream's start, or lost it to an earlier error).
    #[error("wire: an update continues an op-table stream this reader does not hold; expected one that starts a new stream")]
    WireDesync,
    /// Palette tile: the session compression stream is out of step after an earlier error.
    #[error("palette stream is desynchronised by an earlier error; a refresh that restarts the stream is needed")]
    PaletteDesync,
    /// zstd failed to compress or decompress (corrupt or hostile data when decoding).
    #[error("zstd: {0}")]
    Zstd(String),
    /// rav1e refused the configuration or failed to encode.
    #[error("AV1 encoder: {0}")]
    Av1Encode(String),
    /// dav1d rejected the data, or it held no picture.
    #[error("AV1 decoder: {0}")]
    Av1Decode(String),
    /// dav1d produced a picture in a format the converter does not take.
    #[error("AV1 picture is {layout} at {bits} bits; expected 8-bit I444 or I420")]
    Av1Format {
        /// dav1d's pixel layout (I400, I420, I422, I444).
        layout: &'static str,
        /// Bits per sample.
        bits: usize,
    },
    /// An update decodes more tile pixels than a real one ever does (a few times the screen):
    /// refused before any of it is decoded, so a hostile host cannot exhaust the viewer's
    /// memory with cheap ops.
    #[error("update decodes {pixels} tile pixels; at most {max} (4 screens) are allowed")]
    UpdateTooLarge {
        /// Pixels of the update's palette, AV1 and cache-hit tiles together.
        pixels: u64,
        /// The bound for this screen.
        max: u64,
    },
    /// An update paints more pixels than a real one ever does (fills, copies and tiles
    /// together, a few times the screen): refused before any of it is painted, so a hostile
    /// host cannot keep the viewer busy for minutes with thousands of cheap full-screen
    /// fills or copies.
    #[error("update paints {pixels} pixels; at most {max} (8 screens) are allowed")]
    UpdatePaintsTooMuch {
        /// Pixels of all the update's ops together.
        pixels: u64,
        /// The bound for this screen.
        max: u64,
    },
    /// The viewer was told to paint tile-cache entries it does not hold, or whose content
    /// does not match the op's check: host and viewer disagree, so the viewer must ask for a
    /// refresh rather than show wrong pixels.
    #[error("tile cache miss: {reason} (ids from {first}); a refresh is needed")]
    CacheMiss {
        /// The first id the op named.
        first: u32,
        /// What did not match.
        reason: &'static str,
    },
    /// A `Recall` named scroll-history rows the viewer does not hold, rows too narrow for
    /// its rect, or pixels that fail its check: host and viewer disagree, so the viewer must
    /// ask for a refresh rather than show wrong pixels.
    #[error("scroll history miss: {reason} (rows from {first}); a refresh is needed")]
    HistoryMiss {
        /// The first row id the op named.
        first: u64,
        /// What did not match.
        reason: &'static str,
    },
}
