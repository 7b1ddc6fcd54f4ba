//! The whole host pipeline per frame at 1080p (diff → motion → cache → remap → plan → encode),
//! and the motion search, the tile cache look-ups and the colour-remap search inside it, on
//! frames of the synthetic scenes.

use std::hint::black_box;
use std::time::Duration;

use criterion::measurement::WallTime;
use criterion::{criterion_group, criterion_main, BenchmarkGroup, Criterion};
use meekijk_benches::photo_frame;
use meekijk_capture::{Scene, Source, Synthetic};
use meekijk_codec::{ColourMap, EncodeStats, Frame, HostConfig, HostEncoder, Rect};

/// Frames `first` and `first + 1` of a scene at 1080p, with seed 7.
fn frames(scene: Scene, first: u64) -> (Frame, Frame) {
    let mut source = Synthetic::new(scene, 1920, 1080, 30, 7).expect("scene");
    let mut take =
        || Frame::from_view(&source.next_frame().expect("frame").expect("endless").pixels);
    for _ in 0..first {
        take();
    }
    (take(), take())
}

/// The first frame from `first` on that differs from the one before it, and that one.
fn changing_pair(scene: Scene, first: u64) -> (Frame, Frame) {
    (first..first + 300)
        .map(|n| frames(scene, n))
        .find(|(a, b)| a != b)
        .expect("the scene changes")
}

/// A host that has sent `a`; the tile cache is off so that switching back and forth between
/// two frames measures real encodes, not cache hits.
fn host_after(a: &Frame) -> HostEncoder {
    let mut config = HostConfig::new(a.width(), a.height());
    config.cache_blocks = 0;
    let mut host = HostEncoder::new(config).expect("host");
    host.encode(&a.view()).expect("first frame");
    host
}

fn host_pipeline(c: &mut Criterion) {
    let mut group = c.benchmark_group("pipeline");
    let cases = [
        ("host/1080p/typing", changing_pair(Scene::Typing, 20)),
        (
            "host/1080p/page-scroll",
            changing_pair(Scene::PageScroll, 10),
        ),
        // Two different applications: every block changes, all of it text and UI.
        (
            "host/1080p/full-change-text",
            (frames(Scene::Typing, 0).0, frames(Scene::PageScroll, 0).0),
        ),
    ];
    for (name, (a, b)) in &cases {
        let mut host = host_after(a);
        let mut flip = false;
        group.bench_function(*name, |bench| {
            bench.iter(|| {
                flip = !flip;
                host.encode(black_box(&if flip { b } else { a }.view()))
                    .expect("encode")
            })
        });
    }
    // A full-screen photo: every block natural, hot AV1 tiles of ≤ 256² in parallel.
    let (a, b) = (photo_frame(1920, 1080, 1), photo_frame(1920, 1080, 2));
    let mut host = host_after(&a);
    let mut flip = false;
    group.sample_size(10);
    group.bench_function("host/1080p/full-change-photo", |bench| {
        bench.iter(|| {
            flip = !flip;
            host.encode(black_box(&if flip { &b } else { &a }.view()))
                .expect("encode")
        })
    });
    group.finish();
}

/// Benches one stage of `host` alone, as timed inside real encodes of `a` and `b` in turn.
fn bench_stage(
    group: &mut BenchmarkGroup<'_, WallTime>,
    name: &str,
    mut host: HostEncoder,
    (a, b): &(Frame, Frame),
    stage: fn(&EncodeStats) -> Duration,
) {
    let mut flip = false;
    group.bench_function(name, |bench| {
        bench.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                flip = !flip;
                host.encode(&if flip { b } else { a }.view())
                    .expect("encode");
                total += stage(&host.last_stats());
            }
            total
        })
    });
}

/// The motion search alone (`EncodeStats::motion`).
fn motion_search(c: &mut Criterion) {
    let mut group = c.benchmark_group("motion");
    let cases = [
        ("1080p/scroll", changing_pair(Scene::PageScroll, 10)),
        (
            "1080p/terminal-scroll",
            changing_pair(Scene::TerminalScroll, 10),
        ),
        (
            "1080p/no-scroll-full-change",
            (frames(Scene::Typing, 0).0, frames(Scene::Switch, 0).0),
        ),
        ("1080p/no-scroll-typing", changing_pair(Scene::Typing, 20)),
        ("1080p/window-drag", changing_pair(Scene::WindowDrag, 10)),
    ];
    for (name, pair) in &cases {
        bench_stage(&mut group, name, host_after(&pair.0), pair, |s| s.motion);
    }
    group.finish();
}

/// The tile cache look-ups alone (`EncodeStats::cache`): every block of a switch back to a
/// screen seen before (all hits), and typing (few blocks, misses).
fn cache_lookup(c: &mut Criterion) {
    let mut group = c.benchmark_group("cache");
    let cases = [
        (
            "1080p/switch-back-all-hits",
            (frames(Scene::Typing, 0).0, frames(Scene::PageScroll, 0).0),
        ),
        ("1080p/typing", changing_pair(Scene::Typing, 20)),
    ];
    for (name, pair) in &cases {
        let (width, height) = (pair.0.width(), pair.0.height());
        let mut host = HostEncoder::new(HostConfig::new(width, height)).expect("host");
        host.encode(&pair.0.view()).expect("first frame");
        bench_stage(&mut group, name, host, pair, |s| s.cache);
    }
    group.finish();
}

/// `frame` dimmed as behind a modal dialog (45 % of each value, 55 % of a dark blue), with a
/// dialog of other content in the middle.
fn behind_dialog(frame: &Frame, dialog: &Frame) -> Frame {
    let mut out = frame.clone();
    ColourMap::from_fn(|c, v| ((u32::from(v) * 45 + [30, 20, 15][c] * 55 + 50) / 100) as u8)
        .apply(&mut out.view_mut());
    let rect = Rect::new(660, 290, 600, 500);
    let part = dialog.view().sub(rect).expect("dialog rect");
    out.view_mut()
        .sub_mut(rect)
        .expect("dialog rect")
        .copy_from(&part)
        .expect("same size");
    out
}

/// The colour-remap search alone (`EncodeStats::remap`): a page dimmed behind a dialog and
/// lit again in turn (found, then mostly not: dimming merges values), and full changes that
/// are no map (the cost where nothing is found).
fn remap_search(c: &mut Criterion) {
    let mut group = c.benchmark_group("remap");
    let page = frames(Scene::PageScroll, 0).0;
    let cases = [
        (
            "1080p/dim-and-back",
            (
                page.clone(),
                behind_dialog(&page, &frames(Scene::Typing, 0).0),
            ),
        ),
        ("1080p/full-change-text", (frames(Scene::Typing, 0).0, page)),
        (
            "1080p/full-change-photo",
            (photo_frame(1920, 1080, 1), photo_frame(1920, 1080, 2)),
        ),
    ];
    for (name, pair) in &cases {
        bench_stage(&mut group, name, host_after(&pair.0), pair, |s| s.remap);
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = host_pipeline, motion_search, cache_lookup, remap_search
}
criterion_main!(benches);
