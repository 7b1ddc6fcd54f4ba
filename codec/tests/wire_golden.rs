//! Golden vectors of the wire format: one committed binary file per message under
//! `tests/data/wire/`, each with the value it must decode to. A change to the byte format breaks
//! these loudly; a deliberate format change bumps `wire::VERSION` and re-blesses the files with
//! `MEEKIJK_BLESS=1 cargo test -p meekijk-codec --test wire_golden`.

use std::path::PathBuf;
use std::sync::Arc;

use bytes::Bytes;
use meekijk_codec::convert::Chroma;
use meekijk_codec::wire::{
    Bye, ByeReason, Cursor, CursorLook, CursorShape, Hello, HostMessage, InputEvent, PointerButton,
    SessionLimits, UpdateMessage, ViewerMessage,
};
use meekijk_codec::{ColourMap, Op, Rect, Update};

/// A message of either direction.
enum Golden {
    Host(HostMessage),
    Viewer(ViewerMessage),
}

fn hello() -> HostMessage {
    HostMessage::Hello(Hello {
        protocol_version: 1,
        width: 1920,
        height: 1080,
        chroma: Chroma::Yuv444,
        limits: SessionLimits {
            max_message_len: 8 << 20,
            max_in_flight: 3,
            tile_cache_bytes: 64 << 20,
        },
    })
}

fn update_every_op() -> HostMessage {
    let rect = Rect::new(64, 128, 32, 16);
    // A modal dialog's backdrop: 45 % of each value and 55 % of a dark blue.
    let backdrop = Arc::new(ColourMap::from_fn(|c, v| {
        ((u32::from(v) * 45 + [30, 20, 15][c] * 55 + 50) / 100) as u8
    }));
    HostMessage::Update(UpdateMessage {
        sequence: 42,
        capture_us: 1_234_567_890,
        update: Update {
            ops: vec![
                Op::CopyRect {
                    src: Rect::new(0, 40, 1920, 1000),
                    dst_x: 0,
                    dst_y: 0,
                },
                Op::Fill {
                    rect: Rect::new(0, 1040, 1920, 40),
                    colour: [0x30, 0x20, 0x10, 0xff],
                },
                Op::Palette {
                    rect,
                    new_colours: 2,
                    data: Bytes::from_static(b"\x28\xb5\x2f\xfd zstd colours and indices"),
                },
                Op::Av1 {
                    rect: Rect::new(640, 360, 640, 360),
                    quality: 96,
                    data: Bytes::from_static(b"\x12\x00\x0a\x0b av1 temporal unit"),
                },
                Op::CacheHit {
                    rect,
                    first: 0x0123_4567,
                    stride: 60,
                    check: 0x89ab_cdef,
                },
                Op::Recall {
                    rect: Rect::new(0, 0, 1920, 40),
                    first: 0x0001_0203_0405,
                    check: 0x0607_0809,
                },
                Op::CachePart {
                    rect: Rect::new(1644, 480, 9, 544),
                    first: 0x0a0b,
                    stride: 8,
                    check: 0x0c0d_0e0f,
                },
                Op::Remap {
                    rect: Rect::new(0, 64, 640, 320),
                    map: Arc::clone(&backdrop),
                },
                Op::Remap {
                    rect: Rect::new(1280, 64, 640, 320),
                    map: backdrop,
                },
            ],
            keyframe: false,
        },
    })
}

fn cursor_shape() -> HostMessage {
    let pixels: Vec<u8> = (0..4 * 4 * 4).map(|i| i as u8).collect();
    HostMessage::Cursor(Cursor {
        x: 100,
        y: 200,
        look: CursorLook::New(CursorShape {
            width: 4,
            height: 4,
            hot_x: 1,
            hot_y: 2,
            pixels: pixels.into(),
        }),
    })
}

fn cases() -> Vec<(&'static str, Golden)> {
    use Golden::{Host, Viewer};
    let bye = |reason, text: &str| Bye {
        reason,
        text: text.to_owned(),
    };
    vec![
        ("host_hello", Host(hello())),
        ("host_update_every_op", Host(update_every_op())),
        (
            "host_update_empty",
            Host(HostMessage::Update(UpdateMessage::default())),
        ),
        (
            "host_update_keyframe",
            Host(HostMessage::Update(UpdateMessage {
                sequence: 1,
                capture_us: 0,
                update: Update {
                    ops: vec![Op::Fill {
                        rect: Rect::new(0, 0, 1920, 1080),
                        colour: [0x20, 0x20, 0x20, 0xff],
                    }],
                    keyframe: true,
                },
            })),
        ),
        (
            "host_cursor_move",
            Host(HostMessage::Cursor(Cursor {
                x: 1919,
                y: 0,
                look: CursorLook::Same,
            })),
        ),
        (
            "host_cursor_kept",
            Host(HostMessage::Cursor(Cursor {
                x: 7,
                y: 1079,
                look: CursorLook::Kept(7),
            })),
        ),
        ("host_cursor_shape", Host(cursor_shape())),
        (
            "host_control_granted",
            Host(HostMessage::ControlState { granted: true }),
        ),
        (
            "host_control_revoked",
            Host(HostMessage::ControlState { granted: false }),
        ),
        (
            "host_resize",
            Host(HostMessage::Resize {
                width: 2560,
                height: 1440,
            }),
        ),
        (
            "host_bye",
            Host(HostMessage::Bye(bye(ByeReason::Ended, "sessie beëindigd"))),
        ),
        (
            "viewer_ack",
            Viewer(ViewerMessage::Ack {
                sequence: u64::MAX - 1,
            }),
        ),
        (
            "viewer_input_pointer_move",
            Viewer(ViewerMessage::Input(InputEvent::PointerMove {
                x: 960,
                y: 540,
            })),
        ),
        (
            "viewer_input_button_down",
            Viewer(ViewerMessage::Input(InputEvent::ButtonDown(
                PointerButton::Left,
            ))),
        ),
        (
            "viewer_input_button_up",
            Viewer(ViewerMessage::Input(InputEvent::ButtonUp(
                PointerButton::Forward,
            ))),
        ),
        (
            "viewer_input_wheel",
            Viewer(ViewerMessage::Input(InputEvent::Wheel { dx: -1, dy: 3 })),
        ),
        (
            "viewer_input_key_down",
            Viewer(ViewerMessage::Input(InputEvent::KeyDown(0xff0d))),
        ),
        (
            "viewer_input_key_up",
            Viewer(ViewerMessage::Input(InputEvent::KeyUp(0x0100_20ac))),
        ),
        (
            "viewer_control_request",
            Viewer(ViewerMessage::ControlRequest),
        ),
        (
            "viewer_refresh_request",
            Viewer(ViewerMessage::RefreshRequest),
        ),
        (
            "viewer_bye",
            Viewer(ViewerMessage::Bye(bye(ByeReason::Refused, "no thanks"))),
        ),
    ]
}

fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/wire")
}

fn encode(golden: &Golden) -> Vec<u8> {
    let mut out = Vec::new();
    match golden {
        Golden::Host(m) => m.encode(&mut out),
        Golden::Viewer(m) => m.encode(&mut out),
    }
    .expect("golden values are valid");
    out
}

#[test]
fn golden_vectors_decode_to_their_values_and_encode_to_their_bytes() {
    let bless = std::env::var_os("MEEKIJK_BLESS").is_some();
    for (name, golden) in cases() {
        let path = data_dir().join(format!("{name}.bin"));
        let encoded = encode(&golden);
        if bless {
            std::fs::create_dir_all(data_dir()).unwrap();
            std::fs::write(&path, &encoded).unwrap();
        }
        let bytes = Bytes::from(std::fs::read(&path).unwrap_or_else(|e| panic!("{path:?}: {e}")));
        assert_eq!(encoded, bytes, "{name}: encoding changed");
        match &golden {
            Golden::Host(expected) => {
                assert_eq!(&HostMessage::decode(&bytes).unwrap(), expected, "{name}");
                assert!(
                    ViewerMessage::decode(&bytes).is_err(),
                    "{name} read as viewer"
                );
            }
            Golden::Viewer(expected) => {
                assert_eq!(&ViewerMessage::decode(&bytes).unwrap(), expected, "{name}");
                assert!(HostMessage::decode(&bytes).is_err(), "{name} read as host");
            }
        }
    }
}

#[test]
fn every_golden_file_has_a_case() {
    let names: Vec<String> = cases().iter().map(|(n, _)| format!("{n}.bin")).collect();
    for entry in std::fs::read_dir(data_dir()).unwrap() {
        let file = entry.unwrap().file_name().into_string().unwrap();
        assert!(names.contains(&file), "{file} has no expected value");
    }
}

/// The bytes of the simplest messages, spelled out: the frame header and field order at a glance.
#[test]
fn header_and_field_layout_is_as_documented() {
    let ack = std::fs::read(data_dir().join("viewer_ack.bin")).unwrap();
    assert_eq!(
        ack,
        [b'M', b'K', 11, 0x81, 0, 0, 0, 8, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe]
    );
    let hello = std::fs::read(data_dir().join("host_hello.bin")).unwrap();
    #[rustfmt::skip]
    let expected = [
        b'M', b'K', 11, 0x01, 0, 0, 0, 21,
        0, 1,                   // protocol version
        0, 0, 0x07, 0x80,       // width 1920
        0, 0, 0x04, 0x38,       // height 1080
        0,                      // chroma 4:4:4
        0, 0x80, 0, 0,          // max message length 8 MiB
        0, 3,                   // max in flight
        0x04, 0, 0, 0,          // tile cache 64 MiB
    ];
    assert_eq!(hello, expected);
    let kept = std::fs::read(data_dir().join("host_cursor_kept.bin")).unwrap();
    #[rustfmt::skip]
    let expected = [
        b'M', b'K', 11, 0x03, 0, 0, 0, 10,
        0, 0, 0, 7,             // x
        0, 0, 0x04, 0x37,       // y 1079
        2, 7,                   // the shape kept at place 7
    ];
    assert_eq!(kept, expected);
}
