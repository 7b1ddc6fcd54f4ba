//! Colour conversion benches, with the differ's identical-frame scan beside them as the bar.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use meekijk_benches::noise_frame;
use meekijk_codec::convert::{Chroma, Range, YuvImage};
use meekijk_codec::{diff, Frame};

fn convert(c: &mut Criterion) {
    let frame = noise_frame(1920, 1080, 3);
    let same = frame.clone();
    let rect = frame.rect();
    let mut group = c.benchmark_group("convert");
    group.bench_function("diff/1080p/identical", |b| {
        b.iter(|| diff(black_box(&frame.view()), black_box(&same.view())).unwrap())
    });
    for (name, chroma) in [("i444", Chroma::Yuv444), ("i420", Chroma::Yuv420)] {
        let mut yuv = YuvImage::new(1920, 1080, chroma, Range::Full).unwrap();
        group.bench_function(format!("bgra-to-{name}/1080p"), |b| {
            b.iter(|| yuv.convert_from(black_box(&frame.view()), rect).unwrap())
        });
        let mut out = Frame::new(1920, 1080).unwrap();
        group.bench_function(format!("{name}-to-bgra/1080p"), |b| {
            b.iter(|| yuv.convert_into(black_box(&mut out.view_mut())).unwrap())
        });
    }
    // The library we use for the other directions, on the same frame: the bar our kernel beat.
    let (mut y, mut u, mut v) = (
        vec![0u8; 1920 * 1080],
        vec![0u8; 1920 * 1080],
        vec![0u8; 1920 * 1080],
    );
    group.bench_function("bgra-to-i444-yuvutils/1080p", |b| {
        b.iter(|| {
            let mut planar = yuvutils_rs::YuvPlanarImageMut {
                y_plane: yuvutils_rs::BufferStoreMut::Borrowed(&mut y),
                y_stride: 1920,
                u_plane: yuvutils_rs::BufferStoreMut::Borrowed(&mut u),
                u_stride: 1920,
                v_plane: yuvutils_rs::BufferStoreMut::Borrowed(&mut v),
                v_stride: 1920,
                width: 1920,
                height: 1080,
            };
            yuvutils_rs::bgra_to_yuv444(
                &mut planar,
                black_box(frame.data()),
                1920 * 4,
                yuvutils_rs::YuvRange::Full,
                yuvutils_rs::YuvStandardMatrix::Bt709,
                yuvutils_rs::YuvConversionMode::Balanced,
            )
            .unwrap()
        })
    });
    let mut tile = YuvImage::new(256, 256, Chroma::Yuv444, Range::Full).unwrap();
    group.bench_function("bgra-to-i444/256-subrect", |b| {
        b.iter(|| {
            tile.convert_from(
                black_box(&frame.view()),
                meekijk_codec::Rect::new(333, 217, 256, 256),
            )
            .unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, convert);
criterion_main!(benches);
