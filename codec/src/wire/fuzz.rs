//! Property checks behind the cargo-fuzz targets (`fuzz/fuzz_targets/`) and the corpus replay
//! test: the targets are three-line shims around these functions, so stable `cargo test` runs the
//! very same checks over every committed corpus and crash input.
//!
//! Each function accepts any bytes. Malformed input must come back as an `Err`; these functions
//! panic only when an invariant of the codec breaks, which is what a fuzzer reports as a crash.

use bytes::{Bytes, BytesMut};

use super::{frame_len, take_frame, HostMessage, ViewerMessage, HEADER_LEN, MAX_MESSAGE_LEN};

/// Bytes fed per read when [`decode_stream`] simulates a stream arriving in pieces.
const CHUNK: usize = 7;

/// Treats `data` as a received byte stream: cuts it into frames the way a reader on a TLS stream
/// would (whole, and again in small chunks) and decodes every frame as both a host and a viewer
/// message; also decodes `data` as a single frame.
///
/// # Panics
/// When the two ways of cutting disagree or [`frame_len`] reports a frame longer than the
/// limit; decode errors are expected and not panics.
pub fn decode_stream(data: &[u8]) {
    let whole = split_all(data, data.len().max(1));
    let chunked = split_all(data, CHUNK);
    assert_eq!(
        whole, chunked,
        "frames must not depend on how the stream arrives"
    );
    for frame in whole.0.iter().chain([&Bytes::copy_from_slice(data)]) {
        if let Err(e) = HostMessage::decode(frame) {
            let _ = e.to_string();
        }
        if let Err(e) = ViewerMessage::decode(frame) {
            let _ = e.to_string();
        }
    }
}

/// Frames cut from `data` fed `chunk` bytes at a time, and the error that stopped the cutting.
fn split_all(data: &[u8], chunk: usize) -> (Vec<Bytes>, Option<crate::Error>) {
    let mut buf = BytesMut::new();
    let mut frames = Vec::new();
    for piece in data.chunks(chunk) {
        buf.extend_from_slice(piece);
        loop {
            if let Ok(Some(len)) = frame_len(&buf) {
                assert!(
                    len <= HEADER_LEN + MAX_MESSAGE_LEN as usize,
                    "frame of {len} bytes"
                );
            }
            match take_frame(&mut buf) {
                Ok(Some(frame)) => frames.push(frame),
                Ok(None) => break,
                Err(e) => return (frames, Some(e)),
            }
        }
    }
    (frames, None)
}

/// Decodes `data` as one host and as one viewer message; whatever decodes must re-encode to
/// exactly `data` (one canonical form) and decode again to the same value.
///
/// # Panics
/// When a decoded message fails to encode, encodes differently, or decodes to another value.
pub fn round_trip(data: &[u8]) {
    let frame = Bytes::copy_from_slice(data);
    if let Ok(message) = HostMessage::decode(&frame) {
        let mut out = Vec::new();
        message
            .encode(&mut out)
            .expect("a decoded host message encodes");
        assert_eq!(out, data, "host message {message:?} is not canonical");
        let again =
            HostMessage::decode(&Bytes::from(out)).expect("re-encoded host message decodes");
        assert_eq!(again, message, "host message changed in a round trip");
    }
    if let Ok(message) = ViewerMessage::decode(&frame) {
        let mut out = Vec::new();
        message
            .encode(&mut out)
            .expect("a decoded viewer message encodes");
        assert_eq!(out, data, "viewer message {message:?} is not canonical");
        let again =
            ViewerMessage::decode(&Bytes::from(out)).expect("re-encoded viewer message decodes");
        assert_eq!(again, message, "viewer message changed in a round trip");
    }
}
