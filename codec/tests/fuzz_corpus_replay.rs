//! Replays every committed fuzz input on stable: the seed corpora (`fuzz/corpus/<target>/`) and
//! every crash the fuzzers ever found (`fuzz/regressions/<target>/`), through the same functions
//! the cargo-fuzz targets call. A crash that comes back fails `cargo test`, nightly or not.
//!
//! Each fixed crash also has a named test below, so the failure says what broke.

mod common;

use std::path::{Path, PathBuf};

use common::{dim, glyph, paint_photo, text_frame};
use meekijk_codec::convert::Chroma;
use meekijk_codec::wire::{
    fuzz, take_frame, Hello, HostMessage, HostReader, SessionLimits, UpdateMessage, UpdateWriter,
};
use meekijk_codec::{HostConfig, HostEncoder, Op, Rect, Update, ViewerDecoder, KEPT_AV1_QUANTIZER};

/// The crate function a fuzz target wraps.
type Target = fn(&[u8]);

/// Fuzz target name → the crate function it wraps. A target missing here fails the replay.
const TARGETS: &[(&str, Target)] = &[
    ("wire_decode", fuzz::decode_stream),
    ("wire_round_trip", fuzz::round_trip),
    ("viewer_apply", fuzz::apply_stream),
    ("host_exact", fuzz::host_exact),
];

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz")
}

fn target_fn(name: &str) -> fn(&[u8]) {
    TARGETS
        .iter()
        .find(|(target, _)| *target == name)
        .unwrap_or_else(|| panic!("fuzz target {name} has inputs but no replay function"))
        .1
}

/// Runs every file under `<dir>/<target>/` through its target.
fn replay(dir: &Path) {
    let Ok(targets) = std::fs::read_dir(dir) else {
        return;
    };
    for target in targets {
        let target = target.unwrap();
        if !target.file_type().unwrap().is_dir() {
            continue;
        }
        let run = target_fn(&target.file_name().to_string_lossy());
        for input in std::fs::read_dir(target.path()).unwrap() {
            let path = input.unwrap().path();
            let data = std::fs::read(&path).unwrap();
            let outcome = std::panic::catch_unwind(|| run(&data));
            assert!(outcome.is_ok(), "{} fails again", path.display());
        }
    }
}

#[test]
fn seed_corpora_replay_cleanly() {
    replay(&fuzz_dir().join("corpus"));
    for (target, _) in TARGETS {
        let dir = fuzz_dir().join("corpus").join(target);
        let seeds = std::fs::read_dir(&dir).map_or(0, Iterator::count);
        assert!(seeds > 0, "{} has no seed corpus", dir.display());
    }
}

/// The wire targets are seeded with the golden vectors; after a format change re-blesses them,
/// stale seeds would only teach the fuzzer an obsolete format.
#[test]
fn wire_seed_corpora_hold_the_current_golden_vectors() {
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/wire");
    for entry in std::fs::read_dir(&golden).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap();
        let bytes = std::fs::read(&path).unwrap();
        for target in ["wire_decode", "wire_round_trip"] {
            let seed = fuzz_dir().join("corpus").join(target).join(name);
            assert!(
                std::fs::read(&seed).is_ok_and(|s| s == bytes),
                "{} is missing or stale: cp {}/*.bin fuzz/corpus/{target}/",
                seed.display(),
                golden.display()
            );
        }
    }
}

#[test]
fn found_crashes_stay_fixed() {
    replay(&fuzz_dir().join("regressions"));
}

/// A viewer's byte stream so far: the `Hello` of a `width`×`height` session.
fn hello_stream(width: u32, height: u32, chroma: Chroma, tile_cache_bytes: u32) -> Vec<u8> {
    let mut out = Vec::new();
    let hello = Hello {
        protocol_version: 1,
        width,
        height,
        chroma,
        limits: SessionLimits {
            max_message_len: 1 << 20,
            max_in_flight: 2,
            tile_cache_bytes,
        },
    };
    HostMessage::Hello(hello).encode(&mut out).unwrap();
    out
}

/// Appends `update` as the update message numbered `sequence` (captured at 60 Hz), its op
/// table in `writer`'s stream as `meekijk share` sends it.
fn send(writer: &mut UpdateWriter, update: Update, sequence: u64, out: &mut Vec<u8>) {
    let message = UpdateMessage {
        sequence,
        capture_us: sequence * 16_667,
        update,
    };
    writer.encode(&message, out).unwrap();
}

/// A real session as the viewer receives it: `Hello`, then the host encoder's updates of a small
/// screen with text, typing and a changing photo (real palette and AV1 payloads), then hand-made
/// copies, fills and a cache miss.
fn session_stream(chroma: Chroma) -> Vec<u8> {
    const W: u32 = 160;
    const H: u32 = 96;
    let mut out = hello_stream(W, H, chroma, 0);
    let mut writer = UpdateWriter::new().unwrap();
    let mut host = HostEncoder::new(HostConfig::new(W, H).with_chroma(chroma)).unwrap();
    let mut frame = text_frame(W, H, 11);
    for step in 0..3u32 {
        paint_photo(&mut frame, Rect::new(96, 32, 64, 64), step, 3);
        glyph(
            &mut frame,
            8 + step * 8,
            40,
            step.into(),
            [220; 4],
            [40, 34, 30, 255],
        );
        send(
            &mut writer,
            host.encode(&frame.view()).unwrap(),
            step.into(),
            &mut out,
        );
    }
    let hand_made = vec![
        Op::CopyRect {
            src: Rect::new(0, 16, W, H - 16),
            dst_x: 0,
            dst_y: 0,
        },
        Op::Fill {
            rect: Rect::new(0, H - 16, W, 16),
            colour: [40, 34, 30, 255],
        },
    ];
    send(&mut writer, Update::new(hand_made), 3, &mut out);
    let miss = Op::CacheHit {
        rect: Rect::new(0, 0, 16, 16),
        first: 7,
        stride: 0,
        check: 0,
    };
    send(&mut writer, Update::new(vec![miss]), 4, &mut out);
    out
}

/// A session whose ops all come from the encoder: text scrolled a few rows at a time (copies and
/// the strips they expose) and back (recalls), then another screen and back (cache hits).
/// Returns the bytes and the ops of each kind it sent.
fn scroll_stream() -> (Vec<u8>, [usize; 3]) {
    const W: u32 = 256;
    const H: u32 = 192;
    let page = text_frame(W, H * 2, 29);
    let window = |top: u32| {
        meekijk_codec::Frame::from_view(&page.view().sub(Rect::new(0, top, W, H)).unwrap())
    };
    let mut out = hello_stream(W, H, Chroma::Yuv444, 1 << 20);
    let mut writer = UpdateWriter::new().unwrap();
    let mut host = HostEncoder::new(HostConfig::new(W, H)).unwrap();
    let other = text_frame(W, H, 31);
    let frames = [0, 3, 6, 13, 20, 60, 20]
        .map(window)
        .into_iter()
        .chain([other, window(64)]);
    let mut kinds = [0; 3];
    for (sequence, frame) in frames.enumerate() {
        let update = host.encode(&frame.view()).unwrap();
        for op in &update.ops {
            match op {
                Op::CopyRect { .. } => kinds[0] += 1,
                Op::CacheHit { .. } => kinds[1] += 1,
                Op::Recall { .. } => kinds[2] += 1,
                _ => {}
            }
        }
        send(&mut writer, update, sequence as u64, &mut out);
    }
    (out, kinds)
}

/// A session whose photo stays still until it is refined (a kept AV1 op, which the cache
/// keeps), then another screen and back (cache hits on the refined photo). Returns the bytes,
/// the kept AV1 ops and the hits sent after them.
fn photo_stream() -> (Vec<u8>, [usize; 2]) {
    const W: u32 = 128;
    const H: u32 = 96;
    let text = text_frame(W, H, 41);
    let mut page = text.clone();
    // The photo appears after the first frame, alone in its rect: AV1, refined once still.
    paint_photo(&mut page, Rect::new(64, 32, 64, 64), 0, 5);
    let other = text_frame(W, H, 43);
    let mut out = hello_stream(W, H, Chroma::Yuv444, 1 << 20);
    let mut writer = UpdateWriter::new().unwrap();
    let mut host = HostEncoder::new(HostConfig::new(W, H)).unwrap();
    let mut viewer = ViewerDecoder::new(W, H).unwrap();
    let frames = std::iter::once(&text)
        .chain(std::iter::repeat_n(&page, 12))
        .chain([&other, &page]);
    let mut kinds = [0; 2];
    for (sequence, frame) in frames.enumerate() {
        let update = host.encode(&frame.view()).unwrap();
        for op in &update.ops {
            match op {
                Op::Av1 { quality, .. } if *quality <= KEPT_AV1_QUANTIZER => kinds[0] += 1,
                Op::CacheHit { .. } if kinds[0] > 0 => kinds[1] += 1,
                _ => {}
            }
        }
        viewer.apply(&update).unwrap();
        send(&mut writer, update, sequence as u64, &mut out);
    }
    (out, kinds)
}

/// A session whose screen changes size twice: each `Resize` is followed by the encoder's
/// keyframe at the new size and a small change (real palette payloads at every size).
fn resize_stream() -> Vec<u8> {
    let mut out = hello_stream(160, 96, Chroma::Yuv444, 1 << 20);
    let mut writer = UpdateWriter::new().unwrap();
    let mut host = HostEncoder::new(HostConfig::new(160, 96)).unwrap();
    let mut sequence = 0;
    for (step, (width, height)) in [(160, 96), (96, 128), (200, 40)].into_iter().enumerate() {
        if step > 0 {
            host.resize(width, height).unwrap();
            HostMessage::Resize { width, height }
                .encode(&mut out)
                .unwrap();
        }
        let mut frame = text_frame(width, height, 50 + step as u64);
        for x in [8, 16] {
            glyph(&mut frame, x, 8, x.into(), [220; 4], [40, 34, 30, 255]);
            sequence += 1;
            send(
                &mut writer,
                host.encode(&frame.view()).unwrap(),
                sequence,
                &mut out,
            );
        }
    }
    out
}

/// A session whose page is dimmed behind a dialog (remaps), shown again (cache hits) and dimmed
/// again. Returns the bytes and the remap ops it sent.
fn dim_stream() -> (Vec<u8>, usize) {
    const W: u32 = 256;
    const H: u32 = 192;
    let page = text_frame(W, H, 61);
    let mut dimmed = page.clone();
    dim(&mut dimmed, page.rect());
    let dialog = Rect::new(64, 48, 128, 96);
    dimmed
        .view_mut()
        .sub_mut(dialog)
        .unwrap()
        .copy_from(&text_frame(128, 96, 67).view())
        .unwrap();
    let mut out = hello_stream(W, H, Chroma::Yuv444, 1 << 20);
    let mut writer = UpdateWriter::new().unwrap();
    let mut host = HostEncoder::new(HostConfig::new(W, H)).unwrap();
    let mut remaps = 0;
    for (sequence, frame) in [&page, &dimmed, &page, &dimmed].into_iter().enumerate() {
        let update = host.encode(&frame.view()).unwrap();
        remaps += update
            .ops
            .iter()
            .filter(|op| matches!(op, Op::Remap { .. }))
            .count();
        send(&mut writer, update, sequence as u64, &mut out);
    }
    (out, remaps)
}

/// The real session streams pass the op-application checks; with `MEEKIJK_BLESS=1` they become
/// the `viewer_apply` seed corpus (real zstd and AV1 payloads for the fuzzer to mutate).
#[test]
fn real_sessions_apply_within_their_rects() {
    let (scroll, [copies, hits, recalls]) = scroll_stream();
    assert!(
        copies > 0 && hits > 0 && recalls > 0,
        "{copies} copies, {hits} cache hits, {recalls} recalls"
    );
    let (dimmed, remaps) = dim_stream();
    assert!(remaps > 0, "no remap ops");
    let (photo, [kept, photo_hits]) = photo_stream();
    assert!(
        kept > 0 && photo_hits > 0,
        "{kept} kept AV1 ops, {photo_hits} cache hits after them"
    );
    for (name, stream) in [
        ("session_444", session_stream(Chroma::Yuv444)),
        ("session_420", session_stream(Chroma::Yuv420)),
        ("session_scroll", scroll),
        ("session_photo", photo),
        ("session_resize", resize_stream()),
        ("session_dim", dimmed),
    ] {
        let len = stream.len();
        // Every message reads in order, op tables continuing one stream.
        let mut buf = bytes::BytesMut::from(&stream[..]);
        let mut reader = HostReader::new().unwrap();
        while let Some(frame) = take_frame(&mut buf).unwrap() {
            reader
                .decode(&frame)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
        }
        assert!(buf.is_empty(), "{name}: a partial frame at the end");
        fuzz::apply_stream(&stream);
        fuzz::decode_stream(&stream);
        if std::env::var_os("MEEKIJK_BLESS").is_some() {
            let dir = fuzz_dir().join("corpus/viewer_apply");
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(dir.join(format!("{name}.bin")), &stream).unwrap();
            eprintln!("wrote {name}.bin ({len} bytes)");
        }
    }
}
