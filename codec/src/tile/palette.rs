//! The lossless palette codec: palette indices into one session colour table, bit-packed,
//! compressed with zstd in one session-long stream.
//!
//! # Data format (`Op::Palette::data`)
//! One header byte, then zstd output. The header's low five bits are the bits per index
//! (1, 2, 4, 8 or 16); bit 7 ([`RESTART`]) says that a new zstd stream and a new colour
//! table start with this op, bit 6 ([`NEW_TABLE`]) that only a new colour table does; the
//! other bits are zero. The palette ops of one update share one flush of the stream
//! ([`PaletteEncoder::finish`]): an op's zstd output may be empty, and its pixels may come
//! out of the stream only with the bytes of a later op of the update, so the viewer reads
//! the update's palette data as one ([`PaletteDecoder::begin_update`]). Decompressed, an op
//! is exactly its `new_colours` colours (BGRA, 4 bytes each, each as byte-wise wrapping differences
//! from the colour before it, the first from zero), which extend the session's colour table
//! (at most [`SESSION_COLOURS`]); the band count (u16 little-endian, 1..=height) and the band
//! heights (u16 each, adding up to the height); the bytes of the bands (u32 little-endian, at
//! most what the worst case of their size needs); then the bands, each as its background
//! and its runs of columns that are not blank (the `bands` and `runs` modules say why and
//! how), a run's column packed in `ceil(rows * bits / 8)` bytes: indices into the colour
//! table, MSB-first within a byte, 16-bit ones little-endian.
//!
//! # Why one stream and one colour table per session
//! Screens repeat the same glyphs on many lines and in many updates. A zstd stream that lives
//! as long as the session, flushed at the end of every update, lets each op refer back to the
//! bytes of every earlier one (the window). That only pays if a glyph packs to the same
//! bytes each time, so a colour keeps its index all session instead of one per op (measured
//! on the scroll scenes: a third fewer bytes than per-op palettes, whose indices depend on
//! what else the op holds); and a colour is sent once, not in every op that uses it.
//!
//! The price is order: **ops must be decoded in the order they were encoded, each exactly
//! once**, and the host must only encode ops it will send. A decode error leaves the stream
//! out of step; the decoder then refuses everything until an op flagged [`RESTART`] arrives,
//! which the host emits after [`PaletteEncoder::reset`] (call it when the viewer asks for a
//! refresh); a colour table that would outgrow [`SESSION_COLOURS`] starts afresh
//! ([`NEW_TABLE`]) in the same stream. Updates travel in order over TLS, so the viewer can
//! keep the history.

use bytes::Bytes;
use zstd::zstd_safe::{
    zstd_sys::ZSTD_EndDirective, CCtx, CParameter, DCtx, InBuffer, OutBuffer, ResetDirective,
};

use super::bands;
use super::pack::{bits_for, DEPTHS};
use super::runs::RunScratch;
use super::session::{self, ColourIndex, SESSION_COLOURS};
use super::Palette;
use crate::tile::MAX_PALETTE;
use crate::zstream::{compress_into, compressor, decompressor, zstd_error};
use crate::{Error, FrameViewMut, Op, Rect, Result};

/// Header flag: this op starts a new compression stream and colour table.
pub const RESTART: u8 = 0x80;

/// Header flag: the session colour table starts afresh with this op; the stream goes on.
pub const NEW_TABLE: u8 = 0x40;

/// Largest zstd window (log2 bytes) the decoder accepts; bounds its memory to 8 MiB whatever
/// the data says. The encoder never uses a larger one.
const WINDOW_LOG_MAX: u32 = 23;

/// log2 of the entries of the encoder's match-finding hash table. Level 12 would take 2^23
/// (zstd 1.5.7's table for streams of unknown size); 2^20 finds the same matches on the
/// scenes (terminal-scroll 160.2 → 160.3 kbit/s) in ~35 MB less host memory.
const HASH_LOG: u32 = 20;

/// How the palette codec compresses. The defaults are the measured winners (see the bench).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PaletteConfig {
    /// zstd level (1 fastest .. 19). The default, 12, tries up to 64 earlier candidates for
    /// each match where level 9 tried 16 (level 3 one per hash), and looks for longer
    /// matches, so a glyph finds its own earlier copy among many similar ones.
    /// `meekijk bench` 1080p, level 9 → 12 (session 13): terminal-scroll 168.0 → 160.2
    /// kbit/s, typing 122.3 → 116.2, switch 216.3 → 203.9, the real `docs-wheel-scroll`
    /// 230.3 → 226.5, at the same host time (a new full screen of text, `switch` frame 60:
    /// median of five 56 ms either way). Level 16's optimal parser saves 2–9 % more but
    /// takes twice as long on such a screen (78 ms against 30 in one run), level 19 seven
    /// times.
    pub level: i32,
    /// log2 of the zstd window: how far back in the session an op may refer (at most 23).
    pub window_log: u32,
    /// One stream for the session (`true`) or an independent zstd frame per op (`false`).
    pub stream: bool,
    /// Pack indices to 1/2/4 bits when the palette allows (`true`) or keep whole bytes.
    pub pack: bool,
}

impl Default for PaletteConfig {
    fn default() -> Self {
        Self {
            level: 12,
            window_log: WINDOW_LOG_MAX,
            stream: true,
            pack: true,
        }
    }
}

/// Turns palettes into [`Op::Palette`] ops, keeping the session's compression stream.
pub struct PaletteEncoder {
    cctx: CCtx<'static>,
    config: PaletteConfig,
    /// The next op starts a new stream.
    restart: bool,
    /// Ops were compressed since the last flush (see [`PaletteEncoder::finish`]).
    pending: bool,
    /// Session index of every colour sent since the last restart.
    table: ColourIndex,
    /// Scratch: the op's palette as session indices, its bands, one band's columns (as
    /// session indices) and the bytes to compress.
    remap: Vec<u16>,
    heights: Vec<u16>,
    scratch: RunScratch,
    packed: Vec<u8>,
}

impl std::fmt::Debug for PaletteEncoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PaletteEncoder")
            .field("config", &self.config)
            .field("restart", &self.restart)
            .finish_non_exhaustive()
    }
}

impl PaletteEncoder {
    /// An encoder whose first op starts a new stream.
    ///
    /// # Errors
    /// [`Error::Zstd`] when zstd refuses the level or window.
    pub fn new(config: PaletteConfig) -> Result<Self> {
        let window_log = config.window_log.clamp(10, WINDOW_LOG_MAX);
        let mut cctx = compressor(config.level, window_log)?;
        cctx.set_parameter(CParameter::HashLog(HASH_LOG))
            .map_err(zstd_error)?;
        Ok(Self {
            cctx,
            config,
            restart: true,
            pending: false,
            table: ColourIndex::default(),
            remap: Vec::new(),
            heights: Vec::new(),
            scratch: RunScratch::default(),
            packed: Vec::new(),
        })
    }

    /// Starts a new stream with the next op (after a refresh request: the viewer's decoder
    /// restarts when it sees the op's [`RESTART`] flag).
    pub fn reset(&mut self) {
        self.restart = true;
    }

    /// How many of `colours` the session colour table lacks: what a palette op of them
    /// would add to it.
    pub(crate) fn count_new(&self, colours: &[[u8; 4]]) -> usize {
        self.table.count_new(colours)
    }

    /// Compresses `palette` into an [`Op::Palette`] for `rect`, which must have its size. In
    /// a stream, the op is complete once [`Self::finish`] has run after the update's last op.
    ///
    /// # Errors
    /// [`Error::SizeMismatch`] when the rect and palette sizes differ or the indices do not
    /// cover the rect, [`Error::PaletteSize`] for an empty or oversized palette,
    /// [`Error::PaletteIndex`] for an index past the palette, [`Error::Zstd`] when
    /// compression fails (the next op then restarts the stream).
    pub fn encode(&mut self, rect: Rect, palette: Palette) -> Result<Op> {
        let Palette {
            colours,
            indices,
            width,
            height,
        } = palette;
        let pixels = width as usize * height as usize;
        if rect.width != width || rect.height != height || indices.len() != pixels || pixels == 0 {
            return Err(Error::SizeMismatch {
                width: rect.width,
                height: rect.height,
                got_width: width,
                got_height: (indices.len() / width.max(1) as usize) as u32,
            });
        }
        if colours.is_empty() || colours.len() > MAX_PALETTE {
            return Err(Error::PaletteSize {
                colours: colours.len(),
                max: MAX_PALETTE,
            });
        }
        // Every index must name one of the op's colours before it is mapped into the table.
        if let Some(index) = indices
            .iter()
            .copied()
            .max()
            .filter(|&i| usize::from(i) >= colours.len())
        {
            return Err(Error::PaletteIndex {
                index,
                colours: colours.len(),
            });
        }
        // A lone op (no stream) starts afresh like a restart; one whose colours might not fit
        // the table starts a new table in the same stream.
        let restart = self.restart || !self.config.stream;
        let new_table = restart || self.table.is_short_of(colours.len());
        if new_table {
            self.table.clear();
        }
        self.packed.clear();
        let new_colours = self.table.map(&colours, &mut self.remap, &mut self.packed);
        let largest = self.remap.iter().copied().max().map_or(0, usize::from);
        let bits = match bits_for(largest + 1) {
            bits if bits < 8 && !self.config.pack => 8,
            bits => bits,
        };
        self.heights.clear();
        // One-colour rows are the same in the op's indices and the session's.
        bands::split(&indices, width, &mut self.heights);
        // At most one band per row, and rows are far fewer than 2^16.
        self.packed
            .extend_from_slice(&(self.heights.len() as u16).to_le_bytes());
        self.packed
            .extend(self.heights.iter().flat_map(|h| h.to_le_bytes()));
        // The bands' length (u32, patched below): a decoder reads them only once it knows.
        let at = self.packed.len();
        self.packed.extend_from_slice(&[0; 4]);
        let (remap, heights) = (&self.remap, &self.heights);
        let (scratch, packed) = (&mut self.scratch, &mut self.packed);
        bands::pack_bands(&indices, remap, width, heights, bits, scratch, packed);
        let len = (self.packed.len() - at - 4) as u32;
        self.packed[at..at + 4].copy_from_slice(&len.to_le_bytes());
        let source = &self.packed;
        let mut out = Vec::new();
        let flag = match (restart, new_table) {
            (true, _) => RESTART,
            (false, true) => NEW_TABLE,
            (false, false) => 0,
        };
        out.push(bits | flag);
        // A stream op goes on in the stream (`finish` flushes the update's ops at once); a
        // lone op ends its frame.
        let end = if self.config.stream {
            ZSTD_EndDirective::ZSTD_e_continue
        } else {
            ZSTD_EndDirective::ZSTD_e_end
        };
        let result = compress_into(&mut self.cctx, restart, source, end, &mut out);
        // After a failure the stream state is unknown: start afresh with the next op.
        self.restart = result.is_err();
        result?;
        self.pending = self.config.stream;
        Ok(Op::Palette {
            rect,
            new_colours: new_colours as u16,
            data: Bytes::from(out),
        })
    }

    /// Ends an update: flushes the ops compressed since the last call and appends the
    /// flushed bytes to the last palette op of `ops` (the update's ops, or at least its
    /// palette ops in order). One flush per update instead of one per op saves each op its
    /// block headers and entropy tables (terminal-scroll: 8 % of palette bytes). Nothing to
    /// do when no op is pending.
    ///
    /// # Errors
    /// [`Error::Zstd`] when the flush fails (the next op then restarts the stream), or
    /// [`Error::PaletteDesync`] when ops are pending but `ops` holds no palette op.
    pub fn finish(&mut self, ops: &mut [Op]) -> Result<()> {
        if !self.pending {
            return Ok(());
        }
        self.pending = false;
        let last = ops.iter_mut().rev().find_map(|op| match op {
            Op::Palette { data, .. } => Some(data),
            _ => None,
        });
        let Some(data) = last else {
            self.restart = true;
            return Err(Error::PaletteDesync);
        };
        let mut tail = data.to_vec();
        let flush = ZSTD_EndDirective::ZSTD_e_flush;
        let result = compress_into(&mut self.cctx, false, &[], flush, &mut tail);
        self.restart = result.is_err();
        result?;
        *data = Bytes::from(tail);
        Ok(())
    }
}

/// Turns [`Op::Palette`] data back into pixels, following the host's compression stream.
///
/// Per update: [`PaletteDecoder::begin_update`] with the update's ops, then
/// [`PaletteDecoder::decode`] for each palette op in order, then
/// [`PaletteDecoder::end_update`] (the ops of an update share one flush of the stream).
pub struct PaletteDecoder {
    dctx: DCtx<'static>,
    /// An error broke the stream; only a [`RESTART`] op may be decoded.
    desync: bool,
    /// The compressed bytes of the update's palette ops, in op order; where each op's own
    /// bytes start; the next op to decode; how far the stream has read.
    input: Vec<u8>,
    starts: Vec<usize>,
    next: usize,
    read: usize,
    /// Ops were read since the stream's end was last checked.
    unchecked: bool,
    /// The session colour table, as the host built it.
    colours: Vec<[u8; 4]>,
    packed: Vec<u8>,
    heights: Vec<u16>,
    column: Vec<u16>,
    indices: Vec<u16>,
}

impl std::fmt::Debug for PaletteDecoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PaletteDecoder")
            .field("desync", &self.desync)
            .finish_non_exhaustive()
    }
}

impl PaletteDecoder {
    /// A decoder waiting for the first op of a stream.
    ///
    /// # Errors
    /// [`Error::Zstd`] when zstd refuses the memory bound.
    pub fn new() -> Result<Self> {
        Ok(Self {
            dctx: decompressor(WINDOW_LOG_MAX)?,
            desync: true,
            input: Vec::new(),
            starts: Vec::new(),
            next: 0,
            read: 0,
            unchecked: false,
            colours: Vec::new(),
            packed: Vec::new(),
            heights: Vec::new(),
            column: Vec::new(),
            indices: Vec::new(),
        })
    }

    /// Forgets the stream: only an op flagged [`RESTART`] decodes next (as after an error).
    pub fn reset(&mut self) {
        self.desync = true;
    }

    /// True when the decoder needs a [`RESTART`] op (after an error or [`Self::reset`]): the
    /// viewer should ask the host for a refresh.
    pub fn needs_restart(&self) -> bool {
        self.desync
    }

    /// Takes the compressed bytes of the palette ops among `ops` (one update's, in order):
    /// an op's pixels may only come out of the stream with a later op's bytes.
    pub fn begin_update(&mut self, ops: &[Op]) {
        self.input.clear();
        self.starts.clear();
        for op in ops {
            if let Op::Palette { data, .. } = op {
                self.starts.push(self.input.len());
                self.input
                    .extend_from_slice(data.get(1..).unwrap_or_default());
            }
        }
        (self.next, self.read, self.unchecked) = (0, 0, false);
    }

    /// Checks that the update's palette ops were all decoded and used all their bytes.
    ///
    /// # Errors
    /// [`Error::PaletteTrailing`] (the stream goes on past the last op), [`Error::Zstd`], or
    /// [`Error::PaletteDesync`] when not every palette op was decoded; the stream is then
    /// lost until the next [`RESTART`] op.
    pub fn end_update(&mut self) -> Result<()> {
        let result = if self.next < self.starts.len() {
            Err(Error::PaletteDesync)
        } else {
            self.end_segment(self.input.len())
        };
        self.desync |= result.is_err();
        result
    }

    /// Checks that the stream's bytes before `end` are all read and give nothing more.
    fn end_segment(&mut self, end: usize) -> Result<()> {
        let rest = &self.input[self.read.min(end)..end];
        // Nothing read and nothing left: no call (zstd counts calls without progress).
        if !std::mem::take(&mut self.unchecked) && rest.is_empty() {
            return Ok(());
        }
        Inflater::new(&mut self.dctx, rest)
            .finish(0)
            .map_err(|e| match e {
                Error::PaletteLength { .. } => Error::PaletteTrailing,
                other => other,
            })
    }

    /// Decodes the next palette op of the update (see [`Self::begin_update`]): its `data`
    /// (adding `new_colours` colours to the session table) into `target`, which is exactly
    /// the op's rect. Every length and index is checked before the first pixel is written, so
    /// on error `target` is unchanged.
    ///
    /// # Errors
    /// [`Error::PaletteSize`], [`Error::PaletteHeader`], [`Error::PaletteBands`],
    /// [`Error::PaletteIndex`], [`Error::PaletteLength`] or [`Error::Zstd`] for bad data, and
    /// [`Error::PaletteDesync`] for an op that continues a stream this decoder lost or that
    /// [`Self::begin_update`] was not given. After any error the stream is lost until the
    /// next [`RESTART`] op.
    pub fn decode(
        &mut self,
        new_colours: usize,
        data: &[u8],
        target: &mut FrameViewMut<'_>,
    ) -> Result<()> {
        let result = self.decode_indices(new_colours, data, target.width(), target.height());
        self.desync = result.is_err();
        result?;
        let width = target.width() as usize;
        for (y, row) in self.indices.chunks_exact(width).enumerate() {
            for (px, &index) in target.row_mut(y as u32).chunks_exact_mut(4).zip(row) {
                px.copy_from_slice(&self.colours[usize::from(index)]);
            }
        }
        Ok(())
    }

    /// Decompresses one op into `self.packed` (new colours, band table, bands), validates and
    /// unpacks its indices into `self.indices` and adds its colours to the table.
    fn decode_indices(
        &mut self,
        new_colours: usize,
        data: &[u8],
        width: u32,
        height: u32,
    ) -> Result<()> {
        if new_colours > MAX_PALETTE {
            return Err(Error::PaletteSize {
                colours: new_colours,
                max: MAX_PALETTE,
            });
        }
        let (&header, compressed) = data.split_first().ok_or(Error::PaletteLength {
            got: 0,
            expected: 1,
        })?;
        let bits = header & !(RESTART | NEW_TABLE);
        if !DEPTHS.contains(&bits) || header & RESTART != 0 && header & NEW_TABLE != 0 {
            return Err(Error::PaletteHeader { header });
        }
        // This op's bytes as `begin_update` took them.
        let start = match self.starts.get(self.next) {
            Some(&start) if self.input[start..].starts_with(compressed) => start,
            _ => return Err(Error::PaletteDesync),
        };
        self.next += 1;
        if header & RESTART != 0 {
            // The stream before this op ends where its bytes start, with nothing left over.
            if self.read > start {
                return Err(Error::PaletteLength {
                    got: self.read,
                    expected: start,
                });
            }
            self.end_segment(start)?;
            self.read = start;
            self.dctx
                .reset(ResetDirective::SessionOnly)
                .map_err(zstd_error)?;
        } else if self.desync {
            return Err(Error::PaletteDesync);
        }
        if header & (RESTART | NEW_TABLE) != 0 {
            self.colours.clear();
        }
        let known = self.colours.len() + new_colours;
        if known > SESSION_COLOURS {
            return Err(Error::PaletteSize {
                colours: known,
                max: SESSION_COLOURS,
            });
        }
        // Four reads, each sized by the one before: colours and band count, band heights,
        // the bands' length, bands. Each size is checked before it is read, so hostile data
        // never makes the decoder allocate more than the rect needs.
        // An op's pixels may need bytes that came with later ops of the update.
        let mut input = Inflater::new(&mut self.dctx, &self.input[self.read..]);
        let table = new_colours * 4;
        self.packed.clear();
        input.read(table + 2, &mut self.packed)?;
        let bands = usize::from(u16::from_le_bytes([
            self.packed[table],
            self.packed[table + 1],
        ]));
        let rows = height as usize;
        if bands == 0 || bands > rows {
            return Err(Error::PaletteBands { sum: bands, rows });
        }
        input.read(table + 2 + bands * 2, &mut self.packed)?;
        self.heights.clear();
        let heights = self.packed[table + 2..].chunks_exact(2);
        self.heights
            .extend(heights.map(|h| u16::from_le_bytes([h[0], h[1]])));
        bands::check_heights(&self.heights, rows)?;
        let at = self.packed.len();
        input.read(at + 4, &mut self.packed)?;
        let len = u32::from_le_bytes([
            self.packed[at],
            self.packed[at + 1],
            self.packed[at + 2],
            self.packed[at + 3],
        ]) as usize;
        let most = bands::max_len(width, &self.heights, bits);
        if len > most {
            return Err(Error::PaletteLength {
                got: len,
                expected: most,
            });
        }
        let start = at + 4;
        input.read(start + len, &mut self.packed)?;
        self.read += input.consumed();
        self.unchecked = true;
        self.indices.resize(width as usize * rows, 0);
        let packed = &self.packed[start..];
        let (heights, column) = (&self.heights, &mut self.column);
        bands::unpack_bands(
            packed,
            width,
            heights,
            bits,
            known,
            column,
            &mut self.indices,
        )?;
        session::read_new(&self.packed[..table], &mut self.colours);
        Ok(())
    }
}

/// One op's compressed data, decompressed in steps whose sizes the earlier steps give.
struct Inflater<'a, 'd> {
    dctx: &'a mut DCtx<'d>,
    input: InBuffer<'a>,
}

impl<'a, 'd> Inflater<'a, 'd> {
    fn new(dctx: &'a mut DCtx<'d>, data: &'a [u8]) -> Self {
        Self {
            dctx,
            input: InBuffer::around(data),
        }
    }

    /// Decompresses onto the end of `out` until it is `len` bytes long.
    ///
    /// # Errors
    /// [`Error::PaletteLength`] when the data ends first, [`Error::Zstd`] when it is corrupt.
    fn read(&mut self, len: usize, out: &mut Vec<u8>) -> Result<()> {
        let mut written = out.len();
        out.resize(len.max(written), 0);
        while written < len {
            let read = self.input.pos;
            let mut output = OutBuffer::around_pos(out.as_mut_slice(), written);
            self.dctx
                .decompress_stream(&mut output, &mut self.input)
                .map_err(zstd_error)?;
            let progress = output.pos() > written || self.input.pos > read;
            written = output.pos();
            if !progress {
                return Err(Error::PaletteLength {
                    got: written,
                    expected: len,
                });
            }
        }
        Ok(())
    }

    /// Input bytes used so far.
    fn consumed(&self) -> usize {
        self.input.pos
    }

    /// Checks that the data, read up to `len` bytes so far, holds nothing more: all of it
    /// consumed and no byte past `len`.
    ///
    /// # Errors
    /// [`Error::PaletteLength`] (as `len + 1` bytes) when it goes on, [`Error::Zstd`].
    fn finish(&mut self, len: usize) -> Result<()> {
        let too_long = Error::PaletteLength {
            got: len + 1,
            expected: len,
        };
        let mut spare = [0u8; 1];
        loop {
            let read = self.input.pos;
            let mut output = OutBuffer::around(&mut spare[..]);
            self.dctx
                .decompress_stream(&mut output, &mut self.input)
                .map_err(zstd_error)?;
            if output.pos() > 0 {
                return Err(too_long);
            }
            if self.input.pos == self.input.src.len() {
                return Ok(());
            }
            if self.input.pos == read {
                return Err(too_long);
            }
        }
    }
}
