//! Host→viewer messages: `Hello`, `Update`, `Cursor`, `ControlState`, `Resize`, `Bye`.

use bytes::Bytes;

use super::framing::{open_frame, write_frame};
use super::ops::UpdateMessage;
use super::reader::{check_count, check_limit, check_point, Codec, Reader};
use super::stream::{HostReader, UpdateWriter};
use super::{
    Bye, MAX_CURSOR_SHAPES, MAX_CURSOR_SIZE, MAX_IN_FLIGHT, MAX_MESSAGE_LEN, MAX_TILE_CACHE_BYTES,
};
use crate::convert::Chroma;
use crate::{Error, Result, MAX_DIMENSION};

const TAG_HELLO: u8 = 0x01;
pub(super) const TAG_UPDATE: u8 = 0x02;
const TAG_CURSOR: u8 = 0x03;
const TAG_CONTROL_STATE: u8 = 0x04;
const TAG_BYE: u8 = 0x05;
const TAG_RESIZE: u8 = 0x06;
const RESIZE_SIZE: [&str; 2] = ["Resize width", "Resize height"];

/// A message from the host (the shared screen) to the viewer.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum HostMessage {
    /// First message of a session: what the viewer is about to receive.
    Hello(Hello),
    /// Drawing ops for one captured frame.
    Update(UpdateMessage),
    /// Pointer position, and its shape when that changed.
    Cursor(Cursor),
    /// Whether the viewer may now send input.
    ControlState {
        /// True: control granted; false: revoked (or never granted).
        granted: bool,
    },
    /// The host ends the session.
    Bye(Bye),
    /// The shared screen changed size (session protocol 2): what follows is for a
    /// `width`×`height` screen, starting with a keyframe. See `HostEncoder::resize`.
    Resize {
        /// New screen width in pixels, 1..=[`MAX_DIMENSION`].
        width: u32,
        /// New screen height in pixels, 1..=[`MAX_DIMENSION`].
        height: u32,
    },
}

/// The host's opening message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hello {
    /// Session protocol level the host speaks (at least 1); the shell decides what it accepts.
    /// The frame header's version byte governs how bytes are parsed, this one what may be sent.
    pub protocol_version: u16,
    /// Screen width in pixels, 1..=[`MAX_DIMENSION`].
    pub width: u32,
    /// Screen height in pixels, 1..=[`MAX_DIMENSION`].
    pub height: u32,
    /// Chroma subsampling of the AV1 tiles.
    pub chroma: Chroma,
    /// Promises the host makes about what it sends.
    pub limits: SessionLimits,
}

/// Bounds the host promises to stay within, so the viewer can size its buffers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionLimits {
    /// Largest message payload the host will send, 1..=[`MAX_MESSAGE_LEN`].
    pub max_message_len: u32,
    /// Updates the host sends before waiting for an `Ack`, 1..=[`MAX_IN_FLIGHT`].
    pub max_in_flight: u16,
    /// Tile cache budget in bytes the viewer must keep, 0..=[`MAX_TILE_CACHE_BYTES`].
    pub tile_cache_bytes: u32,
}

/// Where the pointer is and, when it changed, what it looks like.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    /// Pointer x on the screen, below [`MAX_DIMENSION`].
    pub x: u32,
    /// Pointer y on the screen, below [`MAX_DIMENSION`].
    pub y: u32,
    /// Its image.
    pub look: CursorLook,
}

/// What a [`Cursor`] message says of the pointer's image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CursorLook {
    /// The image stays.
    Same,
    /// A new image; the viewer also keeps it among the last [`MAX_CURSOR_SHAPES`] it was
    /// sent (see [`crate::cursor::KeptShapes`]).
    New(CursorShape),
    /// The image kept at this place, 0 the newest, below [`MAX_CURSOR_SHAPES`]: a pointer
    /// that turns from arrow to I-beam and back as it crosses a page costs a byte, not the
    /// image again.
    Kept(u8),
}

/// A cursor image: premultiplied BGRA pixels and the hotspot, which lands on (`x`, `y`); see
/// [`crate::cursor::draw`]. A fully transparent image hides the pointer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CursorShape {
    /// Width in pixels, 1..=[`MAX_CURSOR_SIZE`].
    pub width: u16,
    /// Height in pixels, 1..=[`MAX_CURSOR_SIZE`].
    pub height: u16,
    /// Hotspot column, below `width`.
    pub hot_x: u16,
    /// Hotspot row, below `height`.
    pub hot_y: u16,
    /// `width * height * 4` bytes of premultiplied BGRA, rows packed (a zero-copy slice when
    /// decoded).
    pub pixels: Bytes,
}

impl Codec for Hello {
    fn encode(&self, out: &mut Vec<u8>) -> Result<()> {
        check_hello(self)?;
        out.extend_from_slice(&self.protocol_version.to_be_bytes());
        out.extend_from_slice(&self.width.to_be_bytes());
        out.extend_from_slice(&self.height.to_be_bytes());
        out.push(match self.chroma {
            Chroma::Yuv444 => 0,
            Chroma::Yuv420 => 1,
        });
        let limits = &self.limits;
        out.extend_from_slice(&limits.max_message_len.to_be_bytes());
        out.extend_from_slice(&limits.max_in_flight.to_be_bytes());
        out.extend_from_slice(&limits.tile_cache_bytes.to_be_bytes());
        Ok(())
    }

    fn read(r: &mut Reader<'_>) -> Result<Self> {
        let protocol_version = r.u16("Hello protocol version")?;
        let width = r.u32("Hello width")?;
        let height = r.u32("Hello height")?;
        let chroma = match r.u8("Hello chroma")? {
            0 => Chroma::Yuv444,
            1 => Chroma::Yuv420,
            value => {
                return Err(Error::WireInvalid {
                    what: "Hello chroma",
                    value: value.into(),
                    expected: "0 (4:4:4) or 1 (4:2:0)",
                })
            }
        };
        let hello = Hello {
            protocol_version,
            width,
            height,
            chroma,
            limits: SessionLimits {
                max_message_len: r.u32("Hello max message length")?,
                max_in_flight: r.u16("Hello max in flight")?,
                tile_cache_bytes: r.u32("Hello tile cache bytes")?,
            },
        };
        check_hello(&hello)?;
        Ok(hello)
    }
}

fn check_hello(hello: &Hello) -> Result<()> {
    check_count(
        "Hello protocol version",
        hello.protocol_version.into(),
        u16::MAX.into(),
    )?;
    check_size(["Hello width", "Hello height"], hello.width, hello.height)?;
    let limits = &hello.limits;
    let len = limits.max_message_len.into();
    check_count("Hello max message length", len, MAX_MESSAGE_LEN.into())?;
    let in_flight = limits.max_in_flight.into();
    check_count("Hello max in flight", in_flight, MAX_IN_FLIGHT.into())?;
    let cache = limits.tile_cache_bytes.into();
    check_limit("Hello tile cache bytes", cache, MAX_TILE_CACHE_BYTES.into())
}

/// A screen size, each side 1..=[`MAX_DIMENSION`]; `what` names the width and the height.
fn check_size(what: [&'static str; 2], width: u32, height: u32) -> Result<()> {
    let max = MAX_DIMENSION.into();
    check_count(what[0], width.into(), max)?;
    check_count(what[1], height.into(), max)
}

impl Codec for Cursor {
    fn encode(&self, out: &mut Vec<u8>) -> Result<()> {
        check_point("Cursor position", self.x, self.y)?;
        out.extend_from_slice(&self.x.to_be_bytes());
        out.extend_from_slice(&self.y.to_be_bytes());
        match &self.look {
            CursorLook::Same => out.push(0),
            CursorLook::New(shape) => {
                check_shape(shape.width, shape.height, shape.hot_x, shape.hot_y)?;
                let needed = shape.width as usize * shape.height as usize * 4;
                if shape.pixels.len() != needed {
                    return Err(Error::WireInvalid {
                        what: "Cursor pixel byte count",
                        value: shape.pixels.len() as u64,
                        expected: "width * height * 4",
                    });
                }
                out.push(1);
                for v in [shape.width, shape.height, shape.hot_x, shape.hot_y] {
                    out.extend_from_slice(&v.to_be_bytes());
                }
                out.extend_from_slice(&shape.pixels);
            }
            CursorLook::Kept(place) => {
                check_kept(*place)?;
                out.extend_from_slice(&[2, *place]);
            }
        }
        Ok(())
    }

    fn read(r: &mut Reader<'_>) -> Result<Self> {
        let x = r.u32("Cursor x")?;
        let y = r.u32("Cursor y")?;
        check_point("Cursor position", x, y)?;
        let look = match r.u8("Cursor shape flag")? {
            0 => CursorLook::Same,
            1 => {
                let width = r.u16("Cursor width")?;
                let height = r.u16("Cursor height")?;
                let hot_x = r.u16("Cursor hotspot")?;
                let hot_y = r.u16("Cursor hotspot")?;
                check_shape(width, height, hot_x, hot_y)?;
                let len = width as usize * height as usize * 4;
                let pixels = r.take_bytes(len, "Cursor pixels")?;
                CursorLook::New(CursorShape {
                    width,
                    height,
                    hot_x,
                    hot_y,
                    pixels,
                })
            }
            2 => {
                let place = r.u8("Cursor kept shape")?;
                check_kept(place)?;
                CursorLook::Kept(place)
            }
            value => {
                return Err(Error::WireInvalid {
                    what: "Cursor shape flag",
                    value: value.into(),
                    expected: "0 (unchanged), 1 (shape follows) or 2 (a kept shape)",
                })
            }
        };
        Ok(Cursor { x, y, look })
    }
}

fn check_kept(place: u8) -> Result<()> {
    check_limit(
        "Cursor kept shape",
        place.into(),
        MAX_CURSOR_SHAPES as u64 - 1,
    )
}

fn check_shape(width: u16, height: u16, hot_x: u16, hot_y: u16) -> Result<()> {
    let max = MAX_CURSOR_SIZE.into();
    check_count("Cursor width", width.into(), max)?;
    check_count("Cursor height", height.into(), max)?;
    // Sizes are at least 1 here, so the subtraction cannot wrap.
    check_limit("Cursor hotspot x", hot_x.into(), u64::from(width) - 1)?;
    check_limit("Cursor hotspot y", hot_y.into(), u64::from(height) - 1)
}

impl HostMessage {
    /// Appends this message as one frame (header + payload) to `out`. An `Update` gets a
    /// standalone op table, decodable without the updates before it; a session's updates
    /// should go through one [`UpdateWriter`], whose tables refer to the earlier ones.
    ///
    /// # Errors
    /// When the message breaks a limit the peer would reject (e.g. an empty rect, more than
    /// [`super::MAX_OPS_PER_UPDATE`] ops, a payload over [`MAX_MESSAGE_LEN`]); `out` is then left
    /// unchanged.
    pub fn encode(&self, out: &mut Vec<u8>) -> Result<()> {
        match self {
            HostMessage::Hello(hello) => write_frame(out, TAG_HELLO, |o| hello.encode(o)),
            // A standalone op table: decodable without the updates before it.
            HostMessage::Update(update) => UpdateWriter::new()?.encode(update, out),
            HostMessage::Cursor(cursor) => write_frame(out, TAG_CURSOR, |o| cursor.encode(o)),
            HostMessage::ControlState { granted } => write_frame(out, TAG_CONTROL_STATE, |o| {
                o.push(u8::from(*granted));
                Ok(())
            }),
            HostMessage::Bye(bye) => write_frame(out, TAG_BYE, |o| bye.encode(o)),
            HostMessage::Resize { width, height } => write_frame(out, TAG_RESIZE, |o| {
                check_size(RESIZE_SIZE, *width, *height)?;
                o.extend_from_slice(&width.to_be_bytes());
                o.extend_from_slice(&height.to_be_bytes());
                Ok(())
            }),
        }
    }

    /// Decodes exactly one frame, e.g. from [`super::take_frame`]. Payload bytes of the result
    /// share `frame`'s memory. An `Update` must have a standalone op table; a session's
    /// messages go through one [`HostReader`] instead.
    ///
    /// # Errors
    /// Any `Wire*` variant of [`Error`]: bad header, a viewer→host or unknown type, truncation,
    /// trailing bytes, a value past its limit or impossible.
    pub fn decode(frame: &Bytes) -> Result<Self> {
        HostReader::new()?.decode(frame)
    }

    /// [`HostMessage::decode`] with the op-table stream of `reader`.
    pub(super) fn decode_with(frame: &Bytes, reader: &mut HostReader) -> Result<Self> {
        let (tag, payload) = open_frame(frame)?;
        let mut r = Reader::new(&payload);
        let (message, what) = match tag {
            TAG_HELLO => (HostMessage::Hello(Hello::read(&mut r)?), "Hello"),
            TAG_UPDATE => (
                HostMessage::Update(UpdateMessage::read(&mut r, reader)?),
                "Update",
            ),
            TAG_CURSOR => (HostMessage::Cursor(Cursor::read(&mut r)?), "Cursor"),
            TAG_CONTROL_STATE => {
                let granted = match r.u8("ControlState")? {
                    0 => false,
                    1 => true,
                    value => {
                        return Err(Error::WireInvalid {
                            what: "ControlState",
                            value: value.into(),
                            expected: "0 (revoked) or 1 (granted)",
                        })
                    }
                };
                (HostMessage::ControlState { granted }, "ControlState")
            }
            TAG_BYE => (HostMessage::Bye(Bye::read(&mut r)?), "Bye"),
            TAG_RESIZE => {
                let width = r.u32("Resize width")?;
                let height = r.u32("Resize height")?;
                check_size(RESIZE_SIZE, width, height)?;
                (HostMessage::Resize { width, height }, "Resize")
            }
            _ => {
                return Err(Error::WireUnknownMessage {
                    direction: "host→viewer",
                    tag,
                    expected: "0x01 Hello, 0x02 Update, 0x03 Cursor, 0x04 ControlState, 0x05 Bye, \
                               0x06 Resize",
                })
            }
        };
        r.finish(what)?;
        Ok(message)
    }
}
