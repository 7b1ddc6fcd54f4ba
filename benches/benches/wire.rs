//! Wire benches: decode and encode a ~1 MB `Update` of a busy 1080p frame (palette and AV1 tiles
//! with payloads, fills, copies and cache hits) through the session's `UpdateWriter` and
//! `HostReader`. Decoding must stay far below a millisecond: it copies no payload bytes, and
//! its op table (480 entries) is one zstd chunk.

use std::hint::black_box;

use bytes::Bytes;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use meekijk_codec::wire::{HostMessage, HostReader, UpdateMessage, UpdateWriter};
use meekijk_codec::{Op, Rect, Update};

/// Seeded pseudo-random bytes (incompressible, like real coded tile data).
fn payload(len: usize, seed: u64) -> Bytes {
    let mut state = seed | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect::<Vec<u8>>()
        .into()
}

/// One op per 64×64 tile of the top 1920×1024 of a screen, cycling through every kind:
/// 480 ops, 1.18 MB on the wire.
fn busy_update() -> UpdateMessage {
    let mut ops = Vec::new();
    for ty in 0..16u32 {
        for tx in 0..30u32 {
            let rect = Rect::new(tx * 64, ty * 64, 64, 64);
            let seed = u64::from(ty * 30 + tx);
            ops.push(match seed % 5 {
                0 | 3 => Op::Palette {
                    rect,
                    new_colours: 16,
                    data: payload(2_464, seed),
                },
                1 | 4 => Op::Av1 {
                    rect,
                    quality: 90,
                    data: payload(3_600, seed),
                },
                _ if seed % 2 == 0 => Op::Fill {
                    rect,
                    colour: [0x20, 0x20, 0x20, 0xff],
                },
                _ if ty > 0 => Op::CopyRect {
                    src: Rect::new(rect.x, rect.y - 64, 64, 64),
                    dst_x: rect.x,
                    dst_y: rect.y,
                },
                _ => Op::CacheHit {
                    rect,
                    first: seed as u32,
                    stride: 60,
                    check: 0,
                },
            });
        }
    }
    UpdateMessage {
        sequence: 1,
        capture_us: 16_667,
        update: Update::new(ops),
    }
}

fn wire(c: &mut Criterion) {
    let message = busy_update();
    let mut writer = UpdateWriter::new().expect("zstd");
    let mut encoded = Vec::new();
    // A writer's first table starts a stream, so this frame decodes on its own every time.
    writer
        .encode(&message, &mut encoded)
        .expect("bench update is valid");
    let frame = Bytes::from(encoded.clone());
    eprintln!(
        "wire bench: Update of {} bytes, {} ops",
        frame.len(),
        message.update.ops.len()
    );

    let mut group = c.benchmark_group("wire");
    group.throughput(Throughput::Bytes(frame.len() as u64));
    group.bench_function("decode/update_1mb", |b| {
        let mut reader = HostReader::new().expect("zstd");
        b.iter(|| {
            let decoded = reader.decode(black_box(&frame)).expect("decodes");
            black_box(matches!(decoded, HostMessage::Update(_)))
        })
    });
    group.bench_function("encode/update_1mb", |b| {
        let mut out = Vec::with_capacity(encoded.len());
        b.iter(|| {
            out.clear();
            writer
                .encode(black_box(&message), &mut out)
                .expect("encodes");
            black_box(out.len())
        })
    });
    group.finish();
}

criterion_group!(benches, wire);
criterion_main!(benches);
