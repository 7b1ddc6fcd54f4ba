//! Tile codec benches: palette (+zstd) and AV1 (rav1e/dav1d) encode and decode by size
//! (64², 256², 1080p) and content (text, UI, photo). Also prints, once, the bytes per case and
//! the session-stream vs per-tile comparison on real-looking sessions (with
//! `TILE_SESSION_REPORT=1`: it encodes whole sessions in 16 configurations) and a rav1e
//! settings sweep on a 256² photo tile (with `TILE_AV1_SWEEP=1`).
//!
//! Text and UI come from the capture crate's seeded scenes (anti-aliased DejaVu text, window
//! chrome); photo content is generated here (seeded gradients and value noise).

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use meekijk_benches::photo_frame;
use meekijk_capture::{Scene, Source, Synthetic};
use meekijk_codec::tile::{
    classify, max_colours_for, Av1Config, Av1Decoder, Av1Encoder, Av1Preset, Class, PaletteConfig,
    PaletteDecoder, PaletteEncoder, Quality, DEFAULT_MAX_COLOURS,
};
use meekijk_codec::{Frame, FrameView, Op, Rect};

/// Tile sizes: name, width, height.
const SIZES: [(&str, u32, u32); 3] = [("64", 64, 64), ("256", 256, 256), ("1080p", 1920, 1080)];
/// The grid the 1080p palette case is cut into, as a planner would.
const GRID: u32 = 256;

/// The `n`-th frame of a synthetic scene at 1080p.
fn scene_frame(scene: Scene, frames: u64) -> Frame {
    let mut source = Synthetic::new(scene, 1920, 1080, 30, 7).expect("scene");
    let mut last = None;
    for _ in 0..frames {
        let frame = source.next_frame().expect("frame").expect("endless scene");
        last = Some(Frame::from_view(&frame.pixels));
    }
    last.expect("at least one frame")
}

/// The three contents at 1080p, and where their small tiles are cut.
struct Contents {
    cases: Vec<(&'static str, Frame, (u32, u32))>,
}

impl Contents {
    fn new() -> Self {
        Self {
            cases: vec![
                // A terminal full of build log, after it has scrolled a while.
                ("text", scene_frame(Scene::TerminalScroll, 60), (134, 115)),
                // A browser page: header, sidebar, links, body text.
                ("ui", scene_frame(Scene::PageScroll, 10), (92, 60)),
                ("photo", photo_frame(1920, 1080, 11), (700, 300)),
            ],
        }
    }

    /// The tile of `content` at `size`: a crop for small sizes, the whole frame for 1080p.
    fn tile(&self, content: &str, width: u32, height: u32) -> Frame {
        let (_, frame, (x, y)) = self.cases.iter().find(|c| c.0 == content).expect("content");
        if width == frame.width() {
            return frame.clone();
        }
        let rect = Rect::new(*x, *y, width, height);
        Frame::from_view(&frame.view().sub(rect).expect("crop inside the frame"))
    }
}

/// Classifies and palette-encodes `frame` in `GRID` tiles with one encoder (one stream), as
/// the pipeline does; returns the ops and how many tiles were natural (skipped here).
fn palette_tiles(encoder: &mut PaletteEncoder, frame: &FrameView<'_>) -> (Vec<Op>, usize) {
    let mut ops = Vec::new();
    let mut natural = 0;
    for y in (0..frame.height()).step_by(GRID as usize) {
        for x in (0..frame.width()).step_by(GRID as usize) {
            let rect = Rect::new(
                x,
                y,
                GRID.min(frame.width() - x),
                GRID.min(frame.height() - y),
            );
            let tile = frame.sub(rect).expect("grid inside the frame");
            match classify(&tile, max_colours_for(rect.width, rect.height)) {
                Class::Solid(colour) => ops.push(Op::Fill { rect, colour }),
                Class::Palette(p) => ops.push(encoder.encode(rect, p).expect("encode")),
                Class::Natural => natural += 1,
            }
        }
    }
    encoder.finish(&mut ops).expect("flush");
    (ops, natural)
}

/// Decodes the palette ops of one update (`ops`) into `target`.
fn decode_palette_ops(decoder: &mut PaletteDecoder, ops: &[Op], target: &mut Frame) {
    decoder.begin_update(ops);
    for op in ops {
        if let Op::Palette {
            rect,
            new_colours,
            data,
        } = op
        {
            let mut view = target.view_mut();
            let mut sub = view.sub_mut(*rect).expect("rect inside");
            decoder
                .decode(usize::from(*new_colours), data, &mut sub)
                .expect("decode");
        }
    }
    decoder
        .end_update()
        .expect("the update's data ends with its ops");
}

fn bytes(ops: &[Op]) -> usize {
    ops.iter().map(Op::payload_len).sum()
}

fn palette(c: &mut Criterion, contents: &Contents) {
    for (size, width, height) in SIZES {
        for content in ["text", "ui", "photo"] {
            let tile = contents.tile(content, width, height);
            let fresh = || PaletteEncoder::new(PaletteConfig::default()).expect("encoder");
            let (ops, natural) = palette_tiles(&mut fresh(), &tile.view());
            eprintln!(
                "palette {size}/{content}: {} bytes in {} ops, {natural} natural tiles",
                bytes(&ops),
                ops.len()
            );
            if ops.is_empty() {
                continue; // photo: nothing for the palette codec
            }
            let mut group = c.benchmark_group("palette");
            if width > 256 {
                group.sample_size(20);
            }
            group.bench_function(format!("encode/{size}/{content}"), |b| {
                b.iter_batched_ref(
                    fresh,
                    |encoder| palette_tiles(encoder, black_box(&tile.view())),
                    BatchSize::LargeInput,
                )
            });
            let mut target = Frame::new(width, height).expect("frame");
            group.bench_function(format!("decode/{size}/{content}"), |b| {
                b.iter_batched_ref(
                    || PaletteDecoder::new().expect("decoder"),
                    |decoder| decode_palette_ops(decoder, black_box(&ops), &mut target),
                    BatchSize::LargeInput,
                )
            });
            group.finish();
        }
    }
}

fn av1(c: &mut Criterion, contents: &Contents) {
    let encoder = Av1Encoder::new(Av1Config::default()).expect("encoder");
    for (size, width, height) in SIZES {
        for content in ["text", "ui", "photo"] {
            let tile = contents.tile(content, width, height);
            for (quality, qname) in [(Quality::Hot, "hot"), (Quality::Refined, "refined")] {
                let rect = tile.rect();
                let op = encoder
                    .encode_rect(&tile.view(), rect, quality)
                    .expect("encode");
                let Op::Av1 { data, .. } = &op else {
                    unreachable!("the AV1 encoder makes AV1 ops")
                };
                let mut decoder = Av1Decoder::new().expect("decoder");
                let mut out = Frame::new(width, height).expect("frame");
                decoder
                    .decode_into(data, &mut out.view_mut())
                    .expect("decode");
                eprintln!(
                    "av1 {size}/{content}/{qname}: {} bytes, {:.2} dB",
                    data.len(),
                    psnr(&tile.view(), &out.view())
                );
                let mut group = c.benchmark_group("av1");
                group.sample_size(if width > 256 { 10 } else { 20 });
                group.bench_function(format!("encode/{size}/{content}/{qname}"), |b| {
                    b.iter(|| encoder.encode_rect(black_box(&tile.view()), rect, quality))
                });
                group.bench_function(format!("decode/{size}/{content}/{qname}"), |b| {
                    b.iter(|| decoder.decode_into(black_box(data), &mut out.view_mut()))
                });
                group.finish();
            }
        }
    }
}

fn psnr(a: &FrameView<'_>, b: &FrameView<'_>) -> f64 {
    meekijk_codec::metrics::psnr(a, b).expect("same sizes")
}

/// Frames of `scene` (1080p) and, per frame after the first, the `GRID` tiles that changed.
fn session(scene: Scene, frames: usize) -> Vec<(Frame, Vec<Rect>)> {
    let mut source = Synthetic::new(scene, 1920, 1080, 30, 7).expect("scene");
    let mut out: Vec<(Frame, Vec<Rect>)> = Vec::new();
    for _ in 0..frames {
        let frame = source.next_frame().expect("frame").expect("endless scene");
        let frame = Frame::from_view(&frame.pixels);
        let mut dirty = Vec::new();
        for y in (0..frame.height()).step_by(GRID as usize) {
            for x in (0..frame.width()).step_by(GRID as usize) {
                let rect = Rect::new(
                    x,
                    y,
                    GRID.min(frame.width() - x),
                    GRID.min(frame.height() - y),
                );
                let changed = out.last().is_none_or(|(prev, _)| {
                    let (a, b) = (prev.view().sub(rect), frame.view().sub(rect));
                    let (a, b) = (a.expect("inside"), b.expect("inside"));
                    (0..rect.height).any(|row| a.row(row) != b.row(row))
                });
                if changed {
                    dirty.push(rect);
                }
            }
        }
        out.push((frame, dirty));
    }
    out
}

/// Prints total bytes and encode time of whole sessions per palette configuration: one
/// stream per session against independent per-op frames, packed against byte indices, and
/// zstd levels. Decodes every op and checks it, so a configuration cannot win by being wrong.
fn session_report() {
    let av1 = Av1Encoder::new(Av1Config::default()).expect("encoder");
    for (scene, frames) in [
        (Scene::Typing, 90),
        (Scene::TerminalScroll, 30),
        (Scene::PageScroll, 30),
    ] {
        let frames = session(scene, frames);
        let tiles: usize = frames.iter().map(|(_, d)| d.len()).sum();
        let default = PaletteConfig::default();
        // (config, colour bound, also AV1-encode the natural tiles for the whole cost)
        let mut runs = Vec::new();
        for stream in [true, false] {
            for pack in [true, false] {
                for level in [3, 6, 9] {
                    let config = PaletteConfig {
                        level,
                        stream,
                        pack,
                        ..default
                    };
                    runs.push((config, DEFAULT_MAX_COLOURS, false));
                }
            }
        }
        for max_colours in [256, 1024, DEFAULT_MAX_COLOURS, 4096] {
            runs.push((default, max_colours, true));
        }
        for (config, max_colours, with_av1) in runs {
            let mut encoder = PaletteEncoder::new(config).expect("encoder");
            let mut decoder = PaletteDecoder::new().expect("decoder");
            let (mut total, mut natural, mut av1_bytes) = (0, 0, 0);
            let (mut elapsed, mut av1_time) = (Duration::ZERO, Duration::ZERO);
            let mut check = Frame::new(1920, 1080).expect("frame");
            for (frame, dirty) in &frames {
                let start = Instant::now();
                let mut ops = Vec::new();
                let mut naturals = Vec::new();
                for &rect in dirty {
                    let tile = frame.view().sub(rect).expect("inside");
                    match classify(&tile, max_colours) {
                        Class::Palette(p) => ops.push(encoder.encode(rect, p).expect("encode")),
                        Class::Solid(_) => {}
                        Class::Natural => naturals.push(rect),
                    }
                }
                encoder.finish(&mut ops).expect("flush");
                elapsed += start.elapsed();
                natural += naturals.len();
                if with_av1 {
                    let start = Instant::now();
                    for &rect in &naturals {
                        let op = av1.encode_rect(&frame.view(), rect, Quality::Hot);
                        av1_bytes += op.expect("encode").payload_len();
                    }
                    av1_time += start.elapsed();
                }
                total += bytes(&ops);
                decode_palette_ops(&mut decoder, &ops, &mut check);
                for op in &ops {
                    let rect = op.rect();
                    let (a, b) = (check.view().sub(rect), frame.view().sub(rect));
                    let (a, b) = (a.expect("inside"), b.expect("inside"));
                    assert!((0..rect.height).all(|y| a.row(y) == b.row(y)), "lossless");
                }
            }
            let PaletteConfig {
                level,
                stream,
                pack,
                ..
            } = config;
            let av1_note = if with_av1 {
                format!(
                    " + AV1 hot {av1_bytes} bytes, {:.0} ms",
                    av1_time.as_secs_f64() * 1e3
                )
            } else {
                String::new()
            };
            eprintln!(
                "session {scene}: {} frames, {tiles} dirty tiles ({natural} natural): N {max_colours} \
                 stream {stream:5} pack {pack:5} level {level}: palette {total} bytes, {:.2} ms{av1_note}",
                frames.len(),
                elapsed.as_secs_f64() * 1e3
            );
        }
    }
}

/// Prints ms (median of 5), bytes and PSNR of a 256² photo tile per rav1e setting: the data
/// behind [`Av1Config::default`].
fn av1_sweep(contents: &Contents) {
    let tile = contents.tile("photo", 256, 256);
    let mut decoder = Av1Decoder::new().expect("decoder");
    let mut out = Frame::new(256, 256).expect("frame");
    let partitions = [
        None,
        Some((8, 32)),
        Some((16, 32)),
        Some((16, 64)),
        Some((32, 32)),
    ];
    for speed in [10, 9, 8, 7, 6] {
        for partition in partitions {
            if partition.is_some() && speed != 10 && speed != 8 {
                continue;
            }
            for quantizer in [20, 40, 60, 80, 100, 120, 140, 160, 180] {
                let preset = Av1Preset {
                    speed,
                    quantizer,
                    partition,
                };
                let config = Av1Config {
                    hot: preset,
                    ..Av1Config::default()
                };
                let encoder = Av1Encoder::new(config).expect("encoder");
                let mut times = Vec::new();
                let mut len = 0;
                for _ in 0..5 {
                    let start = Instant::now();
                    let op = encoder.encode_rect(&tile.view(), tile.rect(), Quality::Hot);
                    times.push(start.elapsed());
                    let Ok(Op::Av1 { data, .. }) = op else {
                        unreachable!()
                    };
                    len = data.len();
                    decoder
                        .decode_into(&data, &mut out.view_mut())
                        .expect("decode");
                }
                times.sort();
                eprintln!(
                    "av1 sweep 256/photo speed {speed} partition {partition:?} q {quantizer}: \
                     {:.2} ms, {len} bytes, {:.2} dB",
                    times[2].as_secs_f64() * 1e3,
                    psnr(&tile.view(), &out.view())
                );
            }
        }
    }
}

fn tiles(c: &mut Criterion) {
    let contents = Contents::new();
    if std::env::var_os("TILE_SESSION_REPORT").is_some() {
        session_report();
    }
    if std::env::var_os("TILE_AV1_SWEEP").is_some() {
        av1_sweep(&contents);
    }
    palette(c, &contents);
    av1(c, &contents);
}

criterion_group!(benches, tiles);
criterion_main!(benches);
