//! Property checks behind the cargo-fuzz targets (`fuzz/fuzz_targets/`) and the corpus replay
//! test: the targets are three-line shims around these functions, so stable `cargo test` runs the
//! very same checks over every committed corpus and crash input.
//!
//! Each function accepts any bytes. Malformed input must come back as an `Err`; these functions
//! panic only when an invariant of the codec breaks, which is what a fuzzer reports as a crash.

use bytes::{Bytes, BytesMut};

use super::{
    frame_len, take_frame, HostMessage, HostReader, ViewerMessage, HEADER_LEN, MAX_MESSAGE_LEN,
};
use crate::{Frame, Op, Update, ViewerDecoder};

mod host;
pub use host::host_exact;

/// Bytes fed per read when [`decode_stream`] simulates a stream arriving in pieces.
const CHUNK: usize = 7;

/// Treats `data` as a received byte stream: cuts it into frames the way a reader on a TLS stream
/// would (whole, and again in small chunks) and decodes every frame as both a host and a viewer
/// message, the host messages in order through one [`HostReader`] as a viewer does; also
/// decodes `data` as a single frame.
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
    let mut reader = HostReader::new().expect("zstd sets up a reader");
    for frame in whole.0.iter().chain([&Bytes::copy_from_slice(data)]) {
        if let Err(e) = reader.decode(frame) {
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

/// Largest framebuffer side [`apply_stream`] creates: big enough for many tiles, small enough
/// for thousands of runs a second.
const APPLY_MAX_SIDE: u32 = 256;

/// Framebuffer side [`apply_stream`] uses when the stream has no `Hello`.
const APPLY_DEFAULT_SIDE: u32 = 64;

/// Plays `data` as the byte stream a viewer receives, decoded in order by one [`HostReader`]: a
/// `Hello` (re)creates the framebuffer and a `Resize` resizes it (sizes capped at 256 pixels a
/// side), each `Update` is applied with [`ViewerDecoder::apply`].
///
/// # Panics
/// When applying panics, when a rejected update changed the framebuffer (updates are all or
/// nothing), or when an applied one changed a pixel outside the rects of its ops.
pub fn apply_stream(data: &[u8]) {
    let (frames, _) = split_all(data, data.len().max(1));
    let side = |n: u32| n.min(APPLY_MAX_SIDE);
    let fresh = || ViewerDecoder::new(APPLY_DEFAULT_SIDE, APPLY_DEFAULT_SIDE);
    let mut viewer = None;
    let mut reader = HostReader::new().expect("zstd sets up a reader");
    for frame in &frames {
        match reader.decode(frame) {
            Ok(HostMessage::Hello(hello)) => {
                let decoder = ViewerDecoder::new(side(hello.width), side(hello.height));
                viewer = Some(decoder.expect("a viewer of a valid size"));
            }
            Ok(HostMessage::Resize { width, height }) => {
                let viewer = viewer.get_or_insert_with(|| fresh().expect("a valid size"));
                viewer
                    .resize(side(width), side(height))
                    .expect("a valid size");
                let black = |p: &[u8]| p == [0, 0, 0, 255];
                assert!(viewer.framebuffer().data().chunks_exact(4).all(black));
            }
            Ok(HostMessage::Update(message)) => {
                let viewer = viewer.get_or_insert_with(|| fresh().expect("a valid size"));
                apply_checked(viewer, &message.update);
            }
            _ => {}
        }
    }
}

/// Applies one update and checks that only the pixels its ops name can have changed.
fn apply_checked(viewer: &mut ViewerDecoder, update: &Update) {
    let before = Frame::from_view(&viewer.framebuffer());
    let result = viewer.apply(update);
    let after = viewer.framebuffer();
    if let Err(e) = result {
        let _ = e.to_string();
        assert!(
            after.data() == before.data(),
            "rejected update changed the framebuffer: {e}"
        );
        return;
    }
    let (width, height) = (before.width(), before.height());
    let mut covered = vec![false; width as usize * height as usize];
    for op in &update.ops {
        let Some(rect) = op.rect().intersect(&before.rect()) else {
            continue;
        };
        for y in rect.y..rect.y + rect.height {
            let row = y as usize * width as usize;
            covered[row + rect.x as usize..row + (rect.x + rect.width) as usize].fill(true);
        }
    }
    for y in 0..height {
        for x in 0..width {
            if !covered[y as usize * width as usize + x as usize] {
                let (old, new) = (before.view().pixel(x, y), after.pixel(x, y));
                assert_eq!(old, new, "pixel ({x}, {y}) outside every op changed");
            }
        }
    }
}

/// Decodes `data` as one host and as one viewer message; whatever decodes must re-encode to
/// exactly `data` (one canonical form; for an `Update`, whose op table zstd may have coded
/// in many ways, the same length of payloads) and decode again to the same value.
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
        if let HostMessage::Update(update) = &message {
            // Palette and AV1 data follow the table as they are; fills' colours are in it.
            let data: usize = update
                .update
                .ops
                .iter()
                .filter_map(Op::data)
                .map(Bytes::len)
                .sum();
            assert!(out.len() > data, "update {message:?} lost its payloads");
        } else {
            assert_eq!(out, data, "host message {message:?} is not canonical");
        }
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
