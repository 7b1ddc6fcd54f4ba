//! Unit tests of the wire codec: every rejection path says what was wrong, nothing panics.

use std::sync::Arc;

use bytes::{Bytes, BytesMut};

use super::*;
use crate::convert::Chroma;
use crate::{ColourMap, Error, Op, Rect, Update, MAX_DIMENSION};

fn encode_host(message: &HostMessage) -> Vec<u8> {
    let mut out = Vec::new();
    message.encode(&mut out).unwrap();
    out
}

fn decode_host(bytes: &[u8]) -> Result<HostMessage, Error> {
    HostMessage::decode(&Bytes::copy_from_slice(bytes))
}

fn decode_viewer(bytes: &[u8]) -> Result<ViewerMessage, Error> {
    ViewerMessage::decode(&Bytes::copy_from_slice(bytes))
}

/// A frame with any header fields and payload, bypassing the encoder's checks.
fn raw_frame(tag: u8, payload: &[u8]) -> Vec<u8> {
    let mut out = MAGIC.to_vec();
    out.extend_from_slice(&[VERSION, tag]);
    out.extend_from_slice(&(payload.len() as u32).to_be_bytes());
    out.extend_from_slice(payload);
    out
}

/// An update payload written by hand: `flags`, then `table` as a standalone zstd frame (so
/// the restart flag, bit 1, must be set for it to decode), then `payloads`.
fn raw_update(flags: u8, table: &[u8], payloads: &[u8]) -> Vec<u8> {
    let compressed = zstd::bulk::compress(table, 3).unwrap();
    let mut out = vec![flags];
    out.extend_from_slice(&(compressed.len() as u32).to_be_bytes());
    out.extend_from_slice(&compressed);
    out.extend_from_slice(payloads);
    out
}

/// LEB128, as the op table writes its numbers.
fn varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push(value as u8 | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// The start of a standalone op table: sequence 0, capture time 0 and the op count.
fn table_head(count: u32) -> Vec<u8> {
    let mut table = vec![0, 0];
    varint(&mut table, count.into());
    table
}

fn update_with(ops: Vec<Op>) -> HostMessage {
    HostMessage::Update(UpdateMessage {
        sequence: 7,
        capture_us: 1_000,
        update: Update::new(ops),
    })
}

/// A map that darkens every channel a little more than the one before.
fn darker(by: u8) -> Arc<ColourMap> {
    Arc::new(ColourMap::from_fn(|c, v| v.saturating_sub(by + c as u8)))
}

fn every_op() -> Vec<Op> {
    let rect = Rect::new(16, 32, 64, 48);
    let map = darker(40);
    vec![
        Op::Fill {
            rect,
            colour: [1, 2, 3, 255],
        },
        Op::Palette {
            rect,
            new_colours: 2,
            data: Bytes::from_static(b"colours and indices"),
        },
        Op::Av1 {
            rect,
            quality: 80,
            data: Bytes::from_static(b"\x12\x00\x0a"),
        },
        Op::CopyRect {
            src: rect,
            dst_x: 16,
            dst_y: 0,
        },
        Op::CacheHit {
            rect,
            first: 0xdead_beef,
            stride: 60,
            check: 0x0123_4567,
        },
        Op::Recall {
            rect,
            first: u64::MAX,
            check: 0x89ab_cdef,
        },
        Op::CachePart {
            rect,
            first: 7,
            stride: 0,
            check: 0x7654_3210,
        },
        Op::Remap {
            rect,
            map: Arc::clone(&map),
        },
        Op::Remap {
            rect: Rect::new(0, 0, 16, 16),
            map,
        },
    ]
}

fn message_of(err: Error) -> String {
    err.to_string()
}

#[test]
fn every_prefix_of_an_update_is_a_truncation_error() {
    let bytes = encode_host(&update_with(every_op()));
    assert_eq!(decode_host(&bytes).unwrap(), update_with(every_op()));
    for cut in 0..bytes.len() {
        let err = decode_host(&bytes[..cut]).unwrap_err();
        assert!(
            matches!(err, Error::WireTruncated { .. }),
            "cut at {cut}: {err}"
        );
    }
}

#[test]
fn trailing_bytes_are_rejected_inside_and_after_the_payload() {
    let mut bytes = encode_host(&HostMessage::ControlState { granted: true });
    bytes.push(0);
    assert_eq!(
        message_of(decode_host(&bytes).unwrap_err()),
        "wire: 1 trailing bytes after frame; expected none"
    );
    let padded = raw_frame(0x04, &[1, 0]);
    assert_eq!(
        decode_host(&padded).unwrap_err(),
        Error::WireTrailingBytes {
            what: "ControlState",
            extra: 1
        }
    );
}

#[test]
fn bad_headers_fail_before_the_payload_arrives() {
    let mut head = raw_frame(0x02, &[]);
    head[4..8].copy_from_slice(&(MAX_MESSAGE_LEN + 1).to_be_bytes());
    let err = frame_len(&head).unwrap_err();
    assert_eq!(
        err.to_string(),
        "wire: message length 33554433 exceeds the limit 33554432"
    );
    assert_eq!(frame_len(&head[..7]), Ok(None));

    let mut bad_magic = raw_frame(0x02, &[]);
    bad_magic[0] = b'X';
    assert!(matches!(
        frame_len(&bad_magic),
        Err(Error::WireBadMagic {
            found: [b'X', b'K']
        })
    ));
    let mut bad_version = raw_frame(0x02, &[]);
    bad_version[2] = 1;
    assert_eq!(
        frame_len(&bad_version).unwrap_err().to_string(),
        "wire: unsupported version 1; expected 11"
    );
}

#[test]
fn messages_sent_the_wrong_way_or_unknown_are_rejected() {
    let ack = raw_frame(0x81, &[0; 8]);
    assert!(decode_viewer(&ack).is_ok());
    let err = decode_host(&ack).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("wire: unknown host→viewer message type 0x81"),
        "{err}"
    );
    let hello = encode_host(&HostMessage::ControlState { granted: false });
    assert!(matches!(
        decode_viewer(&hello),
        Err(Error::WireUnknownMessage { tag: 0x04, .. })
    ));
    assert!(decode_host(&raw_frame(0x00, &[])).is_err());
}

#[test]
fn impossible_ops_are_rejected_with_their_field() {
    let mut unknown = table_head(1);
    unknown.extend_from_slice(&[0x09; 21]);
    let err = decode_host(&raw_frame(0x02, &raw_update(2, &unknown, &[]))).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("wire: invalid op tag 9; expected 0x01 Fill"),
        "{err}"
    );

    let cases: [(Op, &str); 5] = [
        (
            Op::Fill {
                rect: Rect::new(0, 0, 0, 5),
                colour: [0; 4],
            },
            "wire: Fill rect 0x5+0+0 is empty; width and height must be at least 1",
        ),
        (
            Op::CacheHit {
                rect: Rect::new(MAX_DIMENSION - 1, 0, 2, 1),
                first: 1,
                stride: 0,
                check: 0,
            },
            "wire: CacheHit rect 2x1+16383+0 reaches past the 16384x16384 limit",
        ),
        (
            Op::CopyRect {
                src: Rect::new(0, 0, 10, 10),
                dst_x: 0,
                dst_y: MAX_DIMENSION - 5,
            },
            "wire: CopyRect destination rect 10x10+0+16379 reaches past the 16384x16384 limit",
        ),
        (
            Op::Palette {
                rect: Rect::new(0, 0, 1, 1),
                new_colours: 0,
                data: Bytes::new(),
            },
            "wire: invalid Palette data length 0; expected at least 1",
        ),
        (
            Op::Av1 {
                rect: Rect::new(0, 0, 1, 1),
                quality: 0,
                data: Bytes::new(),
            },
            "wire: invalid Av1 data length 0; expected at least 1",
        ),
    ];
    for (op, expected) in cases {
        // The encoder refuses, and leaves nothing behind.
        let mut out = vec![0xaa];
        assert_eq!(
            message_of(update_with(vec![op.clone()]).encode(&mut out).unwrap_err()),
            expected
        );
        assert_eq!(out, [0xaa]);
        // The decoder refuses the same bytes, written by hand.
        let mut table = table_head(1);
        let mut payloads = Vec::new();
        table_entry(&op, &mut table, &mut payloads);
        let bytes = raw_update(2, &table, &payloads);
        assert_eq!(
            message_of(decode_host(&raw_frame(0x02, &bytes)).unwrap_err()),
            expected
        );
    }
    let op = Op::Palette {
        rect: Rect::new(0, 0, 1, 1),
        new_colours: MAX_PALETTE_COLOURS as u16 + 1,
        data: Bytes::new(),
    };
    let err = update_with(vec![op]).encode(&mut Vec::new()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "wire: Palette new colour count 4097 exceeds the limit 4096"
    );
}

/// Writes the entry and payload of a table's first op the way the encoder would, minus its
/// checks: positions as zigzag differences (from 0, 0; from the source for a copy's
/// destination), sizes and lengths as varints.
fn table_entry(op: &Op, out: &mut Vec<u8>, payloads: &mut Vec<u8>) {
    let rect = |out: &mut Vec<u8>, r: Rect| {
        for v in [2 * r.x, 2 * r.y, r.width, r.height] {
            varint(out, v.into());
        }
    };
    match op {
        Op::Fill { rect: r, colour } => {
            out.push(1);
            rect(out, *r);
            out.extend_from_slice(colour);
        }
        Op::Palette {
            rect: r,
            new_colours,
            data,
        } => {
            out.push(2);
            rect(out, *r);
            varint(out, (*new_colours).into());
            varint(out, data.len() as u64);
            payloads.extend_from_slice(data);
        }
        Op::Av1 {
            rect: r,
            quality,
            data,
        } => {
            out.push(3);
            rect(out, *r);
            out.push(*quality);
            varint(out, data.len() as u64);
            payloads.extend_from_slice(data);
        }
        Op::CopyRect { src, dst_x, dst_y } => {
            out.push(4);
            rect(out, *src);
            let step = |from: u32, to: u32| {
                let delta = i64::from(to) - i64::from(from);
                ((delta << 1) ^ (delta >> 63)) as u64
            };
            varint(out, step(src.x, *dst_x));
            varint(out, step(src.y, *dst_y));
        }
        Op::CacheHit {
            rect: r,
            first,
            stride,
            check,
        }
        | Op::CachePart {
            rect: r,
            first,
            stride,
            check,
        } => {
            out.push(if matches!(op, Op::CacheHit { .. }) {
                5
            } else {
                7
            });
            rect(out, *r);
            varint(out, (*first).into());
            varint(out, (*stride).into());
            out.extend_from_slice(&check.to_be_bytes());
        }
        Op::Recall {
            rect: r,
            first,
            check,
        } => {
            out.push(6);
            rect(out, *r);
            varint(out, *first);
            out.extend_from_slice(&check.to_be_bytes());
        }
        Op::Remap { rect: r, map } => {
            out.push(8);
            rect(out, *r);
            out.push(1);
            for table in map.tables() {
                out.push(table[0]);
                out.extend(table.windows(2).map(|w| w[1].wrapping_sub(w[0])));
            }
        }
    }
}

#[test]
fn remaps_share_their_map_and_the_maps_are_bounded() {
    // The second op names the first one's map: one flag byte instead of 768.
    let map = darker(10);
    let op = |x| Op::Remap {
        rect: Rect::new(x, 0, 8, 8),
        map: Arc::clone(&map),
    };
    let shared = encode_host(&update_with(vec![op(0), op(8)]));
    let HostMessage::Update(decoded) = decode_host(&shared).unwrap() else {
        panic!("not an update");
    };
    let [Op::Remap { map: first, .. }, Op::Remap { map: second, .. }] = &decoded.update.ops[..]
    else {
        panic!("{:?}", decoded.update.ops);
    };
    assert!(Arc::ptr_eq(first, second));
    assert_eq!(**first, *map);
    // An equal map that is not the same one travels again (and round-trips as two).
    let apart = vec![
        op(0),
        Op::Remap {
            rect: Rect::new(8, 0, 8, 8),
            map: Arc::new((*map).clone()),
        },
    ];
    fuzz::round_trip(&encode_host(&update_with(apart)));

    // By hand: a first Remap naming "the previous map", an unknown flag, one map too many.
    let entry = |flag: u8| {
        let mut table = table_head(1);
        table.extend_from_slice(&[8, 0, 0, 1, 1, flag]);
        table
    };
    for (table, expected) in [
        (
            entry(0),
            "wire: invalid Remap map flag 0; expected 1 (a map follows) in the update's first Remap",
        ),
        (
            entry(2),
            "wire: invalid Remap map flag 2; expected 0 (the previous map) or 1 (a map follows)",
        ),
        (entry(1), "wire: truncated Remap map: 768 bytes needed, 0 left"),
    ] {
        let err = decode_host(&raw_frame(0x02, &raw_update(2, &table, &[]))).unwrap_err();
        assert_eq!(err.to_string(), expected);
    }
    let maps: Vec<Op> = (0..=MAX_REMAP_MAPS as u8)
        .map(|i| Op::Remap {
            rect: Rect::new(0, 0, 1, 1),
            map: darker(i),
        })
        .collect();
    let err = update_with(maps.clone())
        .encode(&mut Vec::new())
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "wire: Remap maps in one update 17 exceeds the limit 16"
    );
    let mut table = table_head(maps.len() as u32);
    for op in &maps {
        table_entry(op, &mut table, &mut Vec::new());
        // Each rect is written from 0, 0 by `table_entry`, and so is the previous one's.
    }
    let err = decode_host(&raw_frame(0x02, &raw_update(2, &table, &[]))).unwrap_err();
    assert_eq!(
        err.to_string(),
        "wire: Remap maps in one update 17 exceeds the limit 16"
    );
}

#[test]
fn op_counts_are_checked_before_allocating() {
    let payload = raw_update(2, &table_head(MAX_OPS_PER_UPDATE + 1), &[]);
    let err = decode_host(&raw_frame(0x02, &payload)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "wire: op count 65537 exceeds the limit 65536"
    );
    // A count within the limit but far beyond the bytes present is a truncation, not a 5 MB Vec.
    let payload = raw_update(2, &table_head(MAX_OPS_PER_UPDATE), &[]);
    let err = decode_host(&raw_frame(0x02, &payload)).unwrap_err();
    assert!(
        matches!(
            err,
            Error::WireTruncated {
                what: "Update ops",
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn update_payloads_are_slices_of_the_received_frame() {
    let frame = Bytes::from(encode_host(&update_with(every_op())));
    let HostMessage::Update(update) = HostMessage::decode(&frame).unwrap() else {
        panic!("not an update");
    };
    let range = frame.as_ptr_range();
    for data in update.update.ops.iter().filter_map(Op::data) {
        assert!(range.contains(&data.as_ptr()), "payload was copied");
    }
}

#[test]
fn cursor_shape_checks() {
    let shape = CursorShape {
        width: 2,
        height: 2,
        hot_x: 2,
        hot_y: 0,
        pixels: vec![0; 16].into(),
    };
    let cursor = HostMessage::Cursor(Cursor {
        x: 5,
        y: 5,
        look: CursorLook::New(shape.clone()),
    });
    let err = cursor.encode(&mut Vec::new()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "wire: Cursor hotspot x 2 exceeds the limit 1"
    );
    let short = CursorShape {
        hot_x: 1,
        pixels: vec![0; 15].into(),
        ..shape
    };
    let err = HostMessage::Cursor(Cursor {
        x: 5,
        y: 5,
        look: CursorLook::New(short),
    })
    .encode(&mut Vec::new())
    .unwrap_err();
    assert!(
        err.to_string().contains("Cursor pixel byte count 15"),
        "{err}"
    );
    let mut payload = vec![0, 0, 0, 1, 0, 0, 0, 1, 1];
    payload.extend_from_slice(&[1, 1, 0, 1, 0, 0, 0, 0]); // 257 wide
    let err = decode_host(&raw_frame(0x03, &payload)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "wire: Cursor width 257 exceeds the limit 256"
    );
    let err = decode_host(&raw_frame(0x03, &[0, 0, 0, 1, 0, 0, 0, 1, 3])).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("wire: invalid Cursor shape flag 3"),
        "{err}"
    );
    // A kept shape's place is one byte below MAX_CURSOR_SHAPES, on both sides of the wire.
    let err = decode_host(&raw_frame(0x03, &[0, 0, 0, 1, 0, 0, 0, 1, 2, 64])).unwrap_err();
    assert_eq!(
        err.to_string(),
        "wire: Cursor kept shape 64 exceeds the limit 63"
    );
    let err = decode_host(&raw_frame(0x03, &[0, 0, 0, 1, 0, 0, 0, 1, 2])).unwrap_err();
    assert!(
        err.to_string().contains("truncated Cursor kept shape"),
        "{err}"
    );
    let far = HostMessage::Cursor(Cursor {
        x: 1,
        y: 1,
        look: CursorLook::Kept(64),
    });
    assert!(far.encode(&mut Vec::new()).is_err());
}

#[test]
fn text_and_enum_values_are_checked() {
    let err = decode_viewer(&raw_frame(0x85, &[0, 0, 2, 0xff, 0xfe])).unwrap_err();
    assert_eq!(
        err.to_string(),
        "wire: Bye text is not valid UTF-8 (valid up to byte 0)"
    );
    let err = decode_viewer(&raw_frame(0x85, &[6, 0, 0])).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("wire: invalid Bye reason 6; expected 0 Ended"),
        "{err}"
    );
    let long = Bye {
        reason: ByeReason::Ended,
        text: "é".repeat(129),
    };
    let err = ViewerMessage::Bye(long)
        .encode(&mut Vec::new())
        .unwrap_err();
    assert_eq!(err.to_string(), "wire: Bye text 258 exceeds the limit 256");
    let err = decode_viewer(&raw_frame(0x82, &[5, 0, 0, 0, 0])).unwrap_err();
    assert_eq!(
        err.to_string(),
        "wire: invalid keysym 0; expected at least 1"
    );
    let err = decode_viewer(&raw_frame(0x82, &[2, 4])).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("wire: invalid pointer button 4"),
        "{err}"
    );
    let err = decode_host(&raw_frame(0x04, &[2])).unwrap_err();
    assert!(
        err.to_string().starts_with("wire: invalid ControlState 2"),
        "{err}"
    );
    let hello = Hello {
        protocol_version: 1,
        width: MAX_DIMENSION + 1,
        height: 1080,
        chroma: Chroma::Yuv444,
        limits: SessionLimits {
            max_message_len: 1 << 20,
            max_in_flight: 3,
            tile_cache_bytes: 0,
        },
    };
    let err = HostMessage::Hello(hello)
        .encode(&mut Vec::new())
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "wire: Hello width 16385 exceeds the limit 16384"
    );
    let resize = HostMessage::Resize {
        width: 1280,
        height: 1024,
    };
    assert_eq!(decode_host(&encode_host(&resize)).unwrap(), resize);
    let err = decode_host(&raw_frame(0x06, &[0, 0, 5, 0, 0, 0, 0, 0])).unwrap_err();
    assert_eq!(
        err.to_string(),
        "wire: invalid Resize height 0; expected at least 1"
    );
    let err = decode_host(&raw_frame(0x06, &[0, 0, 0x40, 1, 0, 0, 1, 0])).unwrap_err();
    assert_eq!(
        err.to_string(),
        "wire: Resize width 16385 exceeds the limit 16384"
    );
    let too_wide = HostMessage::Resize {
        width: MAX_DIMENSION + 1,
        height: 1,
    };
    assert!(too_wide.encode(&mut Vec::new()).is_err());
}

#[test]
fn frames_arriving_byte_by_byte_are_cut_exactly() {
    let mut stream = encode_host(&update_with(every_op()));
    let first_len = stream.len();
    ViewerMessage::Ack { sequence: 9 }
        .encode(&mut stream)
        .unwrap();
    HostMessage::ControlState { granted: true }
        .encode(&mut stream)
        .unwrap();
    let mut buf = BytesMut::new();
    let mut frames = Vec::new();
    for &byte in &stream {
        buf.extend_from_slice(&[byte]);
        if let Some(frame) = take_frame(&mut buf).unwrap() {
            frames.push(frame);
        }
    }
    assert!(buf.is_empty());
    assert_eq!(frames.len(), 3);
    assert_eq!(frames[0].len(), first_len);
    assert_eq!(frame_len(&frames[0]), Ok(Some(first_len)));
    assert_eq!(
        decode_viewer(&frames[1]).unwrap(),
        ViewerMessage::Ack { sequence: 9 }
    );
    assert_eq!(
        decode_host(&frames[2]).unwrap(),
        HostMessage::ControlState { granted: true }
    );
}

#[test]
fn fuzz_properties_hold_for_valid_and_damaged_messages() {
    let bytes = encode_host(&update_with(every_op()));
    fuzz::round_trip(&bytes);
    fuzz::decode_stream(&bytes);
    for cut in 0..bytes.len() {
        fuzz::round_trip(&bytes[..cut]);
        fuzz::decode_stream(&bytes[cut..]);
    }
}

#[test]
fn update_flags_other_than_keyframe_and_restart_are_rejected() {
    let keyframe = decode_host(&raw_frame(0x02, &raw_update(3, &table_head(0), &[]))).unwrap();
    assert!(matches!(
        keyframe,
        HostMessage::Update(UpdateMessage {
            update: Update { keyframe: true, .. },
            ..
        })
    ));
    let err = decode_host(&raw_frame(0x02, &raw_update(6, &table_head(0), &[]))).unwrap_err();
    assert_eq!(
        err.to_string(),
        "wire: invalid Update flags 6; expected 0 to 3 (bit 0 keyframe, bit 1 new op-table stream)"
    );
}

#[test]
fn an_update_of_many_fills_round_trips_though_its_table_is_tiny() {
    let fill = Op::Fill {
        rect: Rect::new(0, 0, 4, 4),
        colour: [9, 9, 9, 255],
    };
    let bytes = encode_host(&update_with(vec![fill; 2_000]));
    // 2,000 fills of 9 raw table bytes each compress to far less than their 8,000 colour bytes.
    assert!(bytes.len() < 1_000, "{} bytes", bytes.len());
    fuzz::round_trip(&bytes);
}
