//! The `Update` message: flags, the op table (see the `table` module), compressed in the
//! session's stream (see [`UpdateWriter`]), then the payloads of its ops.
//!
//! Payloads (palette indices, AV1 data) are `Bytes` slices of the received frame: parsing an
//! update copies no tile data.

use super::reader::{check_count, Reader};
use super::stream::{HostReader, UpdateWriter};
use super::MAX_MESSAGE_LEN;
use crate::{Error, Op, Result, Update};

/// What the host sends for one captured frame: its sequence number, when it was captured, and the
/// ops that bring the viewer's framebuffer up to date.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UpdateMessage {
    /// Increases by one per update; the viewer echoes it in `Ack`.
    pub sequence: u64,
    /// Capture time in microseconds on the host's monotonic clock (for latency statistics).
    pub capture_us: u64,
    /// The drawing ops, in order.
    pub update: Update,
}

/// Update flags bit 0: the update is a keyframe (see [`Update::keyframe`]).
const FLAG_KEYFRAME: u8 = 1;

/// Update flags bit 1: the op table starts a new compression stream (see [`UpdateWriter`]).
const FLAG_RESTART: u8 = 2;

impl UpdateMessage {
    /// Appends the message payload: flags, the op table compressed by `writer` (a new stream
    /// when `restart`), then the ops' payloads in op order.
    pub(super) fn write(
        &self,
        writer: &mut UpdateWriter,
        restart: bool,
        out: &mut Vec<u8>,
    ) -> Result<()> {
        let mut flags = if self.update.keyframe {
            FLAG_KEYFRAME
        } else {
            0
        };
        if restart {
            flags |= FLAG_RESTART;
        }
        out.push(flags);
        writer.compress_table(restart, self, out)?;
        for data in self.update.ops.iter().filter_map(Op::data) {
            out.extend_from_slice(data);
        }
        Ok(())
    }

    /// Reads the message payload written by [`UpdateMessage::write`], decompressing its op
    /// table with `reader`.
    pub(super) fn read(r: &mut Reader<'_>, reader: &mut HostReader) -> Result<Self> {
        let flags = r.u8("Update flags")?;
        if flags & !(FLAG_KEYFRAME | FLAG_RESTART) != 0 {
            return Err(Error::WireInvalid {
                what: "Update flags",
                value: flags.into(),
                expected: "0 to 3 (bit 0 keyframe, bit 1 new op-table stream)",
            });
        }
        let len = r.u32("Update op table length")?;
        check_count("Update op table length", len.into(), MAX_MESSAGE_LEN.into())?;
        let compressed = r.take(len as usize, "Update op table")?;
        let table = reader.read_table(flags & FLAG_RESTART != 0, compressed, r)?;
        Ok(Self {
            sequence: table.sequence,
            capture_us: table.capture_us,
            update: Update {
                ops: table.ops,
                keyframe: flags & FLAG_KEYFRAME != 0,
            },
        })
    }
}
