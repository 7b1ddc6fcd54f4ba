//! Viewer→host messages: `Ack`, `Input`, `ControlRequest`, `RefreshRequest`, `Bye`.

use bytes::Bytes;

use super::framing::{open_frame, write_frame};
use super::reader::{check_count, check_point, Codec, Reader};
use super::{Bye, MAX_KEYSYM};
use crate::{Error, Result};

const TAG_ACK: u8 = 0x81;
const TAG_INPUT: u8 = 0x82;
const TAG_CONTROL_REQUEST: u8 = 0x83;
const TAG_REFRESH_REQUEST: u8 = 0x84;
const TAG_BYE: u8 = 0x85;

const INPUT_POINTER_MOVE: u8 = 0x01;
const INPUT_BUTTON_DOWN: u8 = 0x02;
const INPUT_BUTTON_UP: u8 = 0x03;
const INPUT_WHEEL: u8 = 0x04;
const INPUT_KEY_DOWN: u8 = 0x05;
const INPUT_KEY_UP: u8 = 0x06;

/// A message from the viewer (the support employee) to the host.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ViewerMessage {
    /// The viewer has applied the update with this sequence number; drives flow control and
    /// round-trip time.
    Ack {
        /// `UpdateMessage::sequence` of the applied update.
        sequence: u64,
    },
    /// One input event; the host injects it only while control is granted.
    Input(InputEvent),
    /// The viewer asks for control; the customer decides.
    ControlRequest,
    /// The viewer lost its picture (or starts fresh) and asks for a full update.
    RefreshRequest,
    /// The viewer ends the session.
    Bye(Bye),
}

/// A pointer button, numbered as X11 numbers them (the host injects with XTest).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PointerButton {
    /// Button 1.
    Left = 1,
    /// Button 2.
    Middle = 2,
    /// Button 3.
    Right = 3,
    /// Button 8 ("back").
    Back = 8,
    /// Button 9 ("forward").
    Forward = 9,
}

impl PointerButton {
    fn from_code(code: u8) -> Result<Self> {
        Ok(match code {
            1 => PointerButton::Left,
            2 => PointerButton::Middle,
            3 => PointerButton::Right,
            8 => PointerButton::Back,
            9 => PointerButton::Forward,
            _ => {
                return Err(Error::WireInvalid {
                    what: "pointer button",
                    value: code.into(),
                    expected: "1 left, 2 middle, 3 right, 8 back or 9 forward (wheel is separate)",
                })
            }
        })
    }
}

/// One input event from the viewer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum InputEvent {
    /// The pointer moved to (`x`, `y`) in screen pixels (both below `MAX_DIMENSION`; the host
    /// drops positions outside its actual screen).
    PointerMove {
        /// Column.
        x: u32,
        /// Row.
        y: u32,
    },
    /// A button was pressed at the current pointer position.
    ButtonDown(PointerButton),
    /// A button was released.
    ButtonUp(PointerButton),
    /// Wheel turned by whole notches: positive `dy` scrolls down, positive `dx` right.
    Wheel {
        /// Horizontal notches.
        dx: i16,
        /// Vertical notches.
        dy: i16,
    },
    /// A key was pressed; an X11 keysym in `1..=MAX_KEYSYM`.
    KeyDown(u32),
    /// A key was released; an X11 keysym in `1..=MAX_KEYSYM`.
    KeyUp(u32),
}

fn check_keysym(keysym: u32) -> Result<()> {
    check_count("keysym", keysym.into(), MAX_KEYSYM.into())
}

impl Codec for InputEvent {
    fn encode(&self, out: &mut Vec<u8>) -> Result<()> {
        match *self {
            InputEvent::PointerMove { x, y } => {
                check_point("pointer position", x, y)?;
                out.push(INPUT_POINTER_MOVE);
                out.extend_from_slice(&x.to_be_bytes());
                out.extend_from_slice(&y.to_be_bytes());
            }
            InputEvent::ButtonDown(button) => {
                out.extend_from_slice(&[INPUT_BUTTON_DOWN, button as u8])
            }
            InputEvent::ButtonUp(button) => out.extend_from_slice(&[INPUT_BUTTON_UP, button as u8]),
            InputEvent::Wheel { dx, dy } => {
                out.push(INPUT_WHEEL);
                out.extend_from_slice(&dx.to_be_bytes());
                out.extend_from_slice(&dy.to_be_bytes());
            }
            InputEvent::KeyDown(keysym) | InputEvent::KeyUp(keysym) => {
                check_keysym(keysym)?;
                let down = matches!(self, InputEvent::KeyDown(_));
                out.push(if down { INPUT_KEY_DOWN } else { INPUT_KEY_UP });
                out.extend_from_slice(&keysym.to_be_bytes());
            }
        }
        Ok(())
    }

    fn read(r: &mut Reader<'_>) -> Result<Self> {
        let kind = r.u8("input kind")?;
        Ok(match kind {
            INPUT_POINTER_MOVE => {
                let x = r.u32("pointer x")?;
                let y = r.u32("pointer y")?;
                check_point("pointer position", x, y)?;
                InputEvent::PointerMove { x, y }
            }
            INPUT_BUTTON_DOWN => InputEvent::ButtonDown(PointerButton::from_code(r.u8("button")?)?),
            INPUT_BUTTON_UP => InputEvent::ButtonUp(PointerButton::from_code(r.u8("button")?)?),
            INPUT_WHEEL => InputEvent::Wheel {
                dx: r.i16("wheel dx")?,
                dy: r.i16("wheel dy")?,
            },
            INPUT_KEY_DOWN | INPUT_KEY_UP => {
                let keysym = r.u32("keysym")?;
                check_keysym(keysym)?;
                if kind == INPUT_KEY_DOWN {
                    InputEvent::KeyDown(keysym)
                } else {
                    InputEvent::KeyUp(keysym)
                }
            }
            _ => {
                return Err(Error::WireInvalid {
                    what: "input kind",
                    value: kind.into(),
                    expected: "0x01 move, 0x02 button down, 0x03 button up, 0x04 wheel, \
                               0x05 key down or 0x06 key up",
                })
            }
        })
    }
}

impl ViewerMessage {
    /// Appends this message as one frame (header + payload) to `out`.
    ///
    /// # Errors
    /// When the message breaks a limit the peer would reject (a pointer past `MAX_DIMENSION`,
    /// keysym 0, a `Bye` text over [`super::MAX_TEXT_LEN`]); `out` is then left unchanged.
    pub fn encode(&self, out: &mut Vec<u8>) -> Result<()> {
        match self {
            ViewerMessage::Ack { sequence } => write_frame(out, TAG_ACK, |o| {
                o.extend_from_slice(&sequence.to_be_bytes());
                Ok(())
            }),
            ViewerMessage::Input(event) => write_frame(out, TAG_INPUT, |o| event.encode(o)),
            ViewerMessage::ControlRequest => write_frame(out, TAG_CONTROL_REQUEST, |_| Ok(())),
            ViewerMessage::RefreshRequest => write_frame(out, TAG_REFRESH_REQUEST, |_| Ok(())),
            ViewerMessage::Bye(bye) => write_frame(out, TAG_BYE, |o| bye.encode(o)),
        }
    }

    /// Decodes exactly one frame, e.g. from [`super::take_frame`].
    ///
    /// # Errors
    /// Any `Wire*` variant of [`Error`]: bad header, a host→viewer or unknown type, truncation,
    /// trailing bytes, a value past its limit or impossible.
    pub fn decode(frame: &Bytes) -> Result<Self> {
        let (tag, payload) = open_frame(frame)?;
        let mut r = Reader::new(&payload);
        let (message, what) = match tag {
            TAG_ACK => {
                let sequence = r.u64("Ack sequence")?;
                (ViewerMessage::Ack { sequence }, "Ack")
            }
            TAG_INPUT => (ViewerMessage::Input(InputEvent::read(&mut r)?), "Input"),
            TAG_CONTROL_REQUEST => (ViewerMessage::ControlRequest, "ControlRequest"),
            TAG_REFRESH_REQUEST => (ViewerMessage::RefreshRequest, "RefreshRequest"),
            TAG_BYE => (ViewerMessage::Bye(Bye::read(&mut r)?), "Bye"),
            _ => {
                return Err(Error::WireUnknownMessage {
                    direction: "viewer→host",
                    tag,
                    expected: "0x81 Ack, 0x82 Input, 0x83 ControlRequest, 0x84 RefreshRequest, \
                               0x85 Bye",
                })
            }
        };
        r.finish(what)?;
        Ok(message)
    }
}
