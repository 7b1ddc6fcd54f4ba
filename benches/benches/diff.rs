//! Differ benches, with `memcmp` of the same two buffers beside them as the physical bar.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use meekijk_benches::{noise_frame, SIZES};
use meekijk_codec::{diff, diff_with, CpuLevel, Rect};

fn identical(c: &mut Criterion) {
    for (name, w, h) in SIZES {
        let base = noise_frame(w, h, 1);
        // A separate allocation with the same bytes, as the host's base and new frame are.
        let new = base.clone();
        let bytes = base.data().len() as u64 * 2;
        let mut group = c.benchmark_group("diff");
        group.throughput(Throughput::Bytes(bytes));
        group.bench_function(format!("memcmp/{name}/identical"), |b| {
            b.iter(|| black_box(black_box(base.data()) == black_box(new.data())))
        });
        group.bench_function(format!("diff/{name}/identical"), |b| {
            b.iter(|| diff(black_box(&base.view()), black_box(&new.view())).unwrap())
        });
        for level in CpuLevel::available() {
            group.bench_function(format!("diff-{}/{name}/identical", level.name()), |b| {
                b.iter(|| {
                    diff_with(level, meekijk_codec::BLOCK_SIZE, &base.view(), &new.view()).unwrap()
                })
            });
        }
        group.finish();
    }
}

fn changed(c: &mut Criterion) {
    let base = noise_frame(1920, 1080, 1);
    let mut one = base.clone();
    // The last pixel of a block in the middle of the frame: the scan cannot stop early.
    one.view_mut()
        .sub_mut(Rect::new(991, 543, 1, 1))
        .unwrap()
        .fill([1, 2, 3, 255]);
    let all = noise_frame(1920, 1080, 2);
    let mut group = c.benchmark_group("diff");
    group.bench_function("diff/1080p/one-block-changed", |b| {
        b.iter(|| diff(black_box(&base.view()), black_box(&one.view())).unwrap())
    });
    group.bench_function("diff/1080p/all-changed", |b| {
        b.iter(|| diff(black_box(&base.view()), black_box(&all.view())).unwrap())
    });
    group.finish();
}

/// Block-size sweep: the scan cost barely depends on it, the dirty area (what gets encoded) does.
fn block_sizes(c: &mut Criterion) {
    let base = noise_frame(1920, 1080, 1);
    let mut typing = base.clone();
    // A caret and a glyph's worth of change, as typing makes.
    typing
        .view_mut()
        .sub_mut(Rect::new(700, 301, 9, 17))
        .unwrap()
        .fill([9, 9, 9, 255]);
    let mut group = c.benchmark_group("diff");
    for block in [16, 32, 64] {
        group.bench_function(format!("diff-block{block}/1080p/typing"), |b| {
            b.iter(|| diff_with(CpuLevel::detected(), block, &base.view(), &typing.view()).unwrap())
        });
    }
    group.finish();
}

criterion_group!(benches, identical, changed, block_sizes);
criterion_main!(benches);
