//! The stateful ends of the host→viewer stream: [`UpdateWriter`] and [`HostReader`] keep one
//! zstd stream per session for the op tables of updates.

use bytes::Bytes;
use zstd::zstd_safe::{
    zstd_sys::ZSTD_EndDirective, CCtx, CParameter, DCtx, InBuffer, OutBuffer, ResetDirective,
};

use super::framing::write_frame;
use super::host::TAG_UPDATE;
use super::reader::Reader;
use super::table::{self, Previous, Table, MAX_TABLE_LEN};
use super::{HostMessage, UpdateMessage};
use crate::zstream::{compress_into, compressor, decompressor, zstd_error};
use crate::{Error, Result};

/// zstd level for op tables. On `meekijk bench` (1080p, 150 frames) levels 3 / 9 / 19 gave
/// terminal-scroll 283.0 / 282.7 / 281.8 kbit/s: the tables repeat, so any level finds them;
/// level 19's optimal parser would cost milliseconds on the table of a 4K keyframe.
const LEVEL: i32 = 9;

/// log2 of the op-table window, and of the encoder's search tables (64 KiB: hundreds of
/// updates back; a 1 MiB window found nothing more on the scroll scenes, and its default
/// search tables cost ~10 MB of host memory). The reader accepts no larger window, which
/// bounds its memory.
const WINDOW_LOG: u32 = 16;

/// A compression context sized for tables: its search tables no larger than the window.
fn table_compressor() -> Result<CCtx<'static>> {
    let mut cctx = compressor(LEVEL, WINDOW_LOG)?;
    for parameter in [
        CParameter::HashLog(WINDOW_LOG),
        CParameter::ChainLog(WINDOW_LOG),
    ] {
        cctx.set_parameter(parameter).map_err(zstd_error)?;
    }
    Ok(cctx)
}

/// Encodes updates for one viewer, keeping the session's op-table stream.
///
/// An update's op table (sequence, capture time, and per op its kind, rects and payload
/// length) repeats from frame to frame: a scroll sends the same copies at the same places
/// every frame, a caret the same small rect. Raw, the tables were a third of the bytes after
/// the first frame on the scroll scenes (13–21 bytes per op, about ten ops per update). One
/// compression stream for the session, flushed per update, lets each table refer to the ones
/// before it. Payloads (palette data, already compressed in its own session stream, and AV1)
/// follow the table uncompressed.
///
/// As with palette data, order matters: **every update the writer encodes must reach the
/// [`HostReader`], in order, exactly once.** A table flagged as a restart needs no history:
/// the writer starts one on its first update, on every keyframe and after an error, and
/// [`HostMessage::encode`] writes only such standalone tables. After an error the reader
/// refuses tables until the next restart.
pub struct UpdateWriter {
    cctx: CCtx<'static>,
    /// The next table starts a new stream.
    restart: bool,
    /// What the last table sent said (the next is written against it).
    previous: Previous,
    /// Scratch: the raw table of the update being encoded.
    table: Vec<u8>,
}

impl std::fmt::Debug for UpdateWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UpdateWriter")
            .field("restart", &self.restart)
            .finish_non_exhaustive()
    }
}

impl UpdateWriter {
    /// A writer whose first update starts a new stream.
    ///
    /// # Errors
    /// [`Error::Zstd`] when zstd cannot set up its context.
    pub fn new() -> Result<Self> {
        Ok(Self {
            cctx: table_compressor()?,
            restart: true,
            previous: Previous::default(),
            table: Vec::new(),
        })
    }

    /// Appends `message` to `out` as one `Update` frame. The frame must be sent: the next
    /// one may refer to its table.
    ///
    /// # Errors
    /// What [`HostMessage::encode`] refuses; `out` is then unchanged and the next update
    /// starts a new stream.
    pub fn encode(&mut self, message: &UpdateMessage, out: &mut Vec<u8>) -> Result<()> {
        let restart = self.restart || message.update.keyframe;
        let result = write_frame(out, TAG_UPDATE, |o| message.write(self, restart, o));
        self.restart = result.is_err();
        result
    }

    /// Appends the op table of `message`, compressed, to `out` as a u32 length and the zstd
    /// bytes.
    pub(super) fn compress_table(
        &mut self,
        restart: bool,
        message: &UpdateMessage,
        out: &mut Vec<u8>,
    ) -> Result<()> {
        if restart {
            self.previous = Previous::default();
        }
        self.table.clear();
        let ops = &message.update.ops;
        let (sequence, capture_us) = (message.sequence, message.capture_us);
        table::write(sequence, capture_us, ops, self.previous, &mut self.table)?;
        let at = out.len();
        out.extend_from_slice(&[0; 4]);
        let end = ZSTD_EndDirective::ZSTD_e_flush;
        compress_into(&mut self.cctx, restart, &self.table, end, out)?;
        // The whole message is checked against MAX_MESSAGE_LEN, so the length fits.
        let len = (out.len() - at - 4) as u32;
        out[at..at + 4].copy_from_slice(&len.to_be_bytes());
        // If the frame is refused after all, `encode` restarts the stream, and this too.
        self.previous = Previous {
            sequence,
            capture_us,
        };
        Ok(())
    }
}

/// Decodes the host's messages in arrival order, keeping the session's op-table stream (see
/// [`UpdateWriter`]).
pub struct HostReader {
    dctx: DCtx<'static>,
    /// A table failed: only a restart can be read.
    desync: bool,
    /// What the last table read said (the next is written against it).
    previous: Previous,
}

impl std::fmt::Debug for HostReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HostReader")
            .field("desync", &self.desync)
            .finish_non_exhaustive()
    }
}

impl HostReader {
    /// A reader that expects the first update to start a stream.
    ///
    /// # Errors
    /// [`Error::Zstd`] when zstd cannot set up its context.
    pub fn new() -> Result<Self> {
        Ok(Self {
            dctx: decompressor(WINDOW_LOG)?,
            desync: true,
            previous: Previous::default(),
        })
    }

    /// Decodes exactly one frame, e.g. from [`super::take_frame`]; see [`HostMessage::decode`]
    /// for what it checks. Payload bytes of the result share `frame`'s memory.
    ///
    /// # Errors
    /// What [`HostMessage::decode`] returns, and [`Error::WireDesync`] for an update that
    /// continues a stream this reader does not hold. After any error, updates are refused
    /// until one starts a new stream (the table may have been read in part).
    pub fn decode(&mut self, frame: &Bytes) -> Result<HostMessage> {
        let result = HostMessage::decode_with(frame, self);
        self.desync |= result.is_err();
        result
    }

    /// Decompresses and reads one op table (`restart`: it starts a new stream), taking the
    /// ops' payloads off `payloads`.
    pub(super) fn read_table(
        &mut self,
        restart: bool,
        data: &[u8],
        payloads: &mut Reader<'_>,
    ) -> Result<Table> {
        if restart {
            self.dctx
                .reset(ResetDirective::SessionOnly)
                .map_err(zstd_error)?;
            self.previous = Previous::default();
        } else if self.desync {
            return Err(Error::WireDesync);
        }
        // `decode` marks the stream lost again if anything below fails.
        self.desync = false;
        let table = table::read(&inflate(&mut self.dctx, data)?, payloads, self.previous)?;
        self.previous = Previous {
            sequence: table.sequence,
            capture_us: table.capture_us,
        };
        Ok(table)
    }
}

/// Bytes added to the output buffer per step while inflating a table.
const STEP: usize = 4096;

/// All of `data`'s output, at most [`MAX_TABLE_LEN`] bytes.
fn inflate(dctx: &mut DCtx<'_>, data: &[u8]) -> Result<Bytes> {
    let mut input = InBuffer::around(data);
    let mut out = Vec::new();
    loop {
        let written = out.len();
        if written > MAX_TABLE_LEN {
            return Err(Error::WireLimit {
                what: "Update op table",
                len: written as u64,
                max: MAX_TABLE_LEN as u64,
            });
        }
        // One byte past the limit is enough to tell a table that is too long.
        out.resize((written + STEP).min(MAX_TABLE_LEN + 1), 0);
        let read = input.pos;
        let mut output = OutBuffer::around_pos(out.as_mut_slice(), written);
        dctx.decompress_stream(&mut output, &mut input)
            .map_err(zstd_error)?;
        let (now, full) = (output.pos(), output.pos() == output.capacity());
        out.truncate(now);
        let used_up = input.pos == data.len();
        // Everything flushed is out once the input is used up and zstd had room to spare;
        // a block cut short leaves the table short, which its parser reports.
        let stuck = now == written && input.pos == read;
        if used_up && (!full || stuck) {
            return Ok(Bytes::from(out));
        }
        if stuck {
            return Err(Error::WireTrailingBytes {
                what: "Update op table",
                extra: data.len() - input.pos,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Op, Rect, Update};

    /// A scroll-like update: the same copy and a fresh strip every frame.
    fn scroll(sequence: u64, keyframe: bool) -> UpdateMessage {
        let ops = vec![
            Op::CopyRect {
                src: Rect::new(0, 16, 800, 584),
                dst_x: 0,
                dst_y: 0,
            },
            Op::Palette {
                rect: Rect::new(0, 584, 800, 16),
                new_colours: 0,
                data: Bytes::from(vec![sequence as u8; 40]),
            },
            Op::Fill {
                rect: Rect::new(800, 0, 224, 600),
                colour: [1, 2, 3, 255],
            },
        ];
        UpdateMessage {
            sequence,
            capture_us: sequence * 33_333,
            update: Update { ops, keyframe },
        }
    }

    fn encode(writer: &mut UpdateWriter, message: &UpdateMessage) -> Bytes {
        let mut out = Vec::new();
        writer.encode(message, &mut out).unwrap();
        Bytes::from(out)
    }

    #[test]
    fn a_session_round_trips_and_later_tables_cost_little() {
        let (mut writer, mut reader) = (UpdateWriter::new().unwrap(), HostReader::new().unwrap());
        let mut standalone = Vec::new();
        HostMessage::Update(scroll(2, false))
            .encode(&mut standalone)
            .unwrap();
        for sequence in 1..=20 {
            let message = scroll(sequence, sequence == 1);
            let frame = encode(&mut writer, &message);
            assert_eq!(reader.decode(&frame).unwrap(), HostMessage::Update(message));
            if sequence > 2 {
                // The same ops as the update before: the table shrinks to a few bytes.
                assert!(
                    frame.len() + 20 < standalone.len(),
                    "update {sequence}: {} bytes, standalone {}",
                    frame.len(),
                    standalone.len()
                );
            }
        }
    }

    #[test]
    fn a_continuing_table_needs_its_stream_and_a_restart_recovers() {
        let mut writer = UpdateWriter::new().unwrap();
        let first = encode(&mut writer, &scroll(1, false));
        let second = encode(&mut writer, &scroll(2, false));
        // A reader that missed the first update, or the stateless decoder, cannot read on.
        let mut late = HostReader::new().unwrap();
        assert_eq!(late.decode(&second), Err(Error::WireDesync));
        assert_eq!(HostMessage::decode(&second), Err(Error::WireDesync));
        // The first update starts the stream, so it reads alone, and so does a keyframe.
        assert!(late.decode(&first).is_ok());
        let keyframe = encode(&mut writer, &scroll(3, true));
        let mut fresh = HostReader::new().unwrap();
        assert_eq!(
            fresh.decode(&keyframe).unwrap(),
            HostMessage::Update(scroll(3, true))
        );
    }

    #[test]
    fn damaged_tables_are_errors_and_the_reader_waits_for_a_restart() {
        let mut writer = UpdateWriter::new().unwrap();
        let first = encode(&mut writer, &scroll(1, false));
        let second = encode(&mut writer, &scroll(2, false));
        let third = encode(&mut writer, &scroll(3, false));
        // Flags (1) and table length (4) follow the 8-byte frame header.
        let table = super::super::HEADER_LEN + 5;
        for at in table..table + 12 {
            let mut reader = HostReader::new().unwrap();
            reader.decode(&first).unwrap();
            let mut damaged = second.to_vec();
            damaged[at] ^= 0x5a;
            match reader.decode(&Bytes::from(damaged)) {
                // A flipped literal can still decompress: then the op table says otherwise.
                Ok(message) => assert_ne!(message, HostMessage::Update(scroll(2, false))),
                Err(_) => assert_eq!(reader.decode(&third), Err(Error::WireDesync)),
            }
        }
    }

    #[test]
    fn a_refused_update_leaves_nothing_and_the_next_one_restarts() {
        let mut writer = UpdateWriter::new().unwrap();
        let mut reader = HostReader::new().unwrap();
        reader
            .decode(&encode(&mut writer, &scroll(1, false)))
            .unwrap();
        let mut bad = scroll(2, false);
        bad.update.ops.push(Op::Fill {
            rect: Rect::new(0, 0, 0, 1),
            colour: [0; 4],
        });
        let mut out = vec![7];
        assert!(writer.encode(&bad, &mut out).is_err());
        assert_eq!(out, [7]);
        // The refused table may have reached the compressor; the next one cannot refer to it.
        let next = encode(&mut writer, &scroll(3, false));
        assert_eq!(
            HostReader::new().unwrap().decode(&next).unwrap(),
            HostMessage::Update(scroll(3, false))
        );
    }
}
