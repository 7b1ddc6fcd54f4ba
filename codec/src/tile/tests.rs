//! Round trips and hostile-data tests of the tile codecs on seeded synthetic content.

use super::*;
use crate::{Error, Frame};

/// xorshift64: deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn frame_from(width: u32, height: u32, mut pixel: impl FnMut(u32, u32) -> [u8; 4]) -> Frame {
    let mut data = Vec::with_capacity(width as usize * height as usize * 4);
    for y in 0..height {
        for x in 0..width {
            data.extend_from_slice(&pixel(x, y));
        }
    }
    Frame::from_vec(data, width, height).unwrap()
}

/// Glyph-like text: dark strokes with anti-aliased greys on white, repeating "glyphs".
fn text_frame(width: u32, height: u32, seed: u64) -> Frame {
    let mut rng = Rng(seed | 1);
    let glyphs: Vec<[u8; 64]> = (0..20)
        .map(|_| std::array::from_fn(|_| [0u8, 0, 0, 96, 160, 255][rng.next() as usize % 6]))
        .collect();
    let line: Vec<usize> = (0..width / 8 + 1)
        .map(|_| rng.next() as usize % 20)
        .collect();
    frame_from(width, height, |x, y| {
        let glyph = &glyphs[line[(x / 8) as usize]];
        let ink = glyph[((y % 8) * 8 + x % 8) as usize];
        let v = 255 - ink;
        [v, v, v.saturating_add(10), 255]
    })
}

/// Photo-like: gradients, waves and smooth multi-octave value noise, plus a little grain;
/// tens of thousands of colours.
pub(super) fn photo_frame(width: u32, height: u32, seed: u64) -> Frame {
    let mut rng = Rng(seed | 1);
    // Random lattices for cells of 32, 16, 8 and 4 pixels, interpolated bilinearly.
    let octaves: Vec<(f32, f32, Vec<f32>)> = [(32.0, 40.0), (16.0, 20.0), (8.0, 10.0), (4.0, 5.0)]
        .into_iter()
        .map(|(cell, amp)| {
            let n = ((width.max(height) as f32 / cell) as usize + 2).pow(2);
            (
                cell,
                amp,
                (0..n)
                    .map(|_| (rng.next() % 1000) as f32 / 1000.0 - 0.5)
                    .collect(),
            )
        })
        .collect();
    frame_from(width, height, |x, y| {
        let (fx, fy) = (x as f32, y as f32);
        let mut smooth = 0.0;
        for (cell, amp, lattice) in &octaves {
            let side = (width.max(height) as f32 / cell) as usize + 2;
            let (gx, gy) = (fx / cell, fy / cell);
            let (ix, iy) = (gx as usize, gy as usize);
            let (tx, ty) = (gx - ix as f32, gy - iy as f32);
            let at = |dx: usize, dy: usize| lattice[(iy + dy) * side + ix + dx];
            let top = at(0, 0) * (1.0 - tx) + at(1, 0) * tx;
            let bottom = at(0, 1) * (1.0 - tx) + at(1, 1) * tx;
            smooth += amp * (top * (1.0 - ty) + bottom * ty);
        }
        let grain = (rng.next() % 3) as f32 - 1.0;
        let r = 120.0 + 40.0 * (fx / 53.0).sin() + 0.2 * fy + smooth + grain;
        let g = 100.0 + 0.3 * fx + 30.0 * ((fx + fy) / 71.0).sin() + 0.8 * smooth + grain;
        let b = 150.0 + 40.0 * ((fx - fy) / 67.0).cos() - 0.6 * smooth + grain;
        [
            b.clamp(0.0, 255.0) as u8,
            g.clamp(0.0, 255.0) as u8,
            r.clamp(0.0, 255.0) as u8,
            255,
        ]
    })
}

fn psnr(a: &FrameView<'_>, b: &FrameView<'_>) -> f64 {
    crate::metrics::psnr(a, b).expect("same sizes")
}

fn palette_of(frame: &Frame) -> Palette {
    match classify(&frame.view(), DEFAULT_MAX_COLOURS) {
        Class::Palette(p) => p,
        other => panic!("expected a palette, got {other:?}"),
    }
}

/// Encodes one palette op as an update of its own (the stream flushed after it).
fn encode_op(encoder: &mut PaletteEncoder, rect: Rect, palette: Palette) -> Result<Op> {
    let mut op = encoder.encode(rect, palette)?;
    encoder.finish(std::slice::from_mut(&mut op))?;
    Ok(op)
}

/// Decodes one palette op as an update of its own.
fn decode_palette_op(decoder: &mut PaletteDecoder, op: &Op, target: &mut Frame) -> Result<()> {
    let Op::Palette {
        new_colours, data, ..
    } = op
    else {
        panic!("expected a palette op")
    };
    decoder.begin_update(std::slice::from_ref(op));
    decoder.decode(usize::from(*new_colours), data, &mut target.view_mut())?;
    decoder.end_update()
}

/// A palette op carrying `data` as it is, for hand-made and damaged data.
fn raw_op(width: u32, height: u32, new_colours: usize, data: &[u8]) -> Op {
    Op::Palette {
        rect: Rect::new(0, 0, width, height),
        new_colours: new_colours as u16,
        data: bytes::Bytes::copy_from_slice(data),
    }
}

#[test]
fn palette_round_trips_bit_exact_at_awkward_sizes_in_both_modes() {
    for stream in [true, false] {
        for pack in [true, false] {
            let config = PaletteConfig {
                stream,
                pack,
                ..PaletteConfig::default()
            };
            let mut encoder = PaletteEncoder::new(config).unwrap();
            let mut decoder = PaletteDecoder::new().unwrap();
            for (i, (w, h)) in [(1, 1), (7, 3), (64, 64), (257, 33), (2, 1)]
                .into_iter()
                .enumerate()
            {
                // 1×1 is solid, so give it a palette by hand; the rest are text.
                let frame = text_frame(w, h, i as u64 + 1);
                let palette = if w * h <= 2 {
                    Palette {
                        colours: vec![[9, 8, 7, 255], [1, 2, 3, 4]],
                        indices: (0..w * h).map(|i| i as u16 % 2).collect(),
                        width: w,
                        height: h,
                    }
                } else {
                    palette_of(&frame)
                };
                let expected = palette.clone();
                let op = encode_op(&mut encoder, Rect::new(3, 4, w, h), palette).unwrap();
                assert_eq!(op.rect(), Rect::new(3, 4, w, h));
                let mut out = Frame::new(w, h).unwrap();
                decode_palette_op(&mut decoder, &op, &mut out).unwrap();
                for (px, &index) in out.data().chunks_exact(4).zip(&expected.indices) {
                    assert_eq!(
                        px, expected.colours[index as usize],
                        "{w}x{h} stream {stream}"
                    );
                }
            }
        }
    }
}

#[test]
fn palettes_past_256_colours_use_16_bit_indices() {
    let frame = frame_from(50, 40, |x, y| [x as u8, y as u8, (x * y) as u8, 255]);
    let palette = palette_of(&frame);
    assert!(palette.colours.len() > 256);
    let mut encoder = PaletteEncoder::new(PaletteConfig::default()).unwrap();
    let op = encode_op(&mut encoder, frame.rect(), palette).unwrap();
    let Op::Palette { data, .. } = &op else {
        unreachable!()
    };
    assert_eq!(data[0] & !palette::RESTART, 16);
    let mut out = Frame::new(50, 40).unwrap();
    decode_palette_op(&mut PaletteDecoder::new().unwrap(), &op, &mut out).unwrap();
    assert_eq!(out, frame);
}

#[test]
fn the_session_stream_reuses_earlier_ops() {
    let frame = text_frame(256, 64, 5);
    let mut stream = PaletteEncoder::new(PaletteConfig::default()).unwrap();
    let rect = Rect::new(0, 0, 256, 64);
    let first = encode_op(&mut stream, rect, palette_of(&frame)).unwrap();
    let again = encode_op(&mut stream, rect, palette_of(&frame)).unwrap();
    // The same tile again refers back to the first: a handful of bytes.
    assert!(
        again.payload_len() * 4 < first.payload_len(),
        "{} vs {}",
        again.payload_len(),
        first.payload_len()
    );
    let mut decoder = PaletteDecoder::new().unwrap();
    let mut out = Frame::new(256, 64).unwrap();
    decode_palette_op(&mut decoder, &first, &mut out).unwrap();
    out.view_mut().fill([0; 4]);
    decode_palette_op(&mut decoder, &again, &mut out).unwrap();
    assert_eq!(out, frame);
}

#[test]
fn an_updates_ops_share_one_flush_and_decode_in_order() {
    let frames: Vec<Frame> = (0..3).map(|i| text_frame(96, 32, 40 + i)).collect();
    let rect = Rect::new(0, 0, 96, 32);
    let mut batched = PaletteEncoder::new(PaletteConfig::default()).unwrap();
    let mut ops: Vec<Op> = (frames.iter())
        .map(|f| batched.encode(rect, palette_of(f)).unwrap())
        .collect();
    batched.finish(&mut ops).unwrap();
    let mut alone = PaletteEncoder::new(PaletteConfig::default()).unwrap();
    let one_by_one: usize = (frames.iter())
        .map(|f| {
            encode_op(&mut alone, rect, palette_of(f))
                .unwrap()
                .payload_len()
        })
        .sum();
    let shared: usize = ops.iter().map(Op::payload_len).sum();
    assert!(shared < one_by_one, "{shared} vs {one_by_one}");

    let mut decoder = PaletteDecoder::new().unwrap();
    decoder.begin_update(&ops);
    for (op, frame) in ops.iter().zip(&frames) {
        let Op::Palette {
            new_colours, data, ..
        } = op
        else {
            unreachable!()
        };
        let mut out = Frame::new(96, 32).unwrap();
        decoder
            .decode(usize::from(*new_colours), data, &mut out.view_mut())
            .unwrap();
        assert_eq!(&out, frame);
    }
    decoder.end_update().unwrap();
    // An update whose ops were not all decoded is refused at its end.
    let mut partial = PaletteDecoder::new().unwrap();
    partial.begin_update(&ops);
    let Op::Palette {
        new_colours, data, ..
    } = &ops[0]
    else {
        unreachable!()
    };
    let mut out = Frame::new(96, 32).unwrap();
    (partial.decode(usize::from(*new_colours), data, &mut out.view_mut())).unwrap();
    assert_eq!(partial.end_update(), Err(Error::PaletteDesync));
    // Decoding the first op alone cannot work: its pixels came with the last op's bytes.
    let mut fresh = PaletteDecoder::new().unwrap();
    let mut out = Frame::new(96, 32).unwrap();
    assert!(decode_palette_op(&mut fresh, &ops[0], &mut out).is_err());
}

#[test]
fn colours_keep_their_index_across_ops_and_a_full_table_starts_anew() {
    let mut encoder = PaletteEncoder::new(PaletteConfig::default()).unwrap();
    let mut decoder = PaletteDecoder::new().unwrap();
    // The same two colours in a second op: nothing new to send.
    let two = |first: u16| Palette {
        colours: vec![[1, 2, 3, 255], [4, 5, 6, 255]],
        indices: vec![first, 1 - first, 1, 0],
        width: 2,
        height: 2,
    };
    for (first, new) in [(0, 2), (1, 0)] {
        let op = encode_op(&mut encoder, Rect::new(0, 0, 2, 2), two(first)).unwrap();
        assert!(matches!(op, Op::Palette { new_colours, .. } if usize::from(new_colours) == new));
        let mut out = Frame::new(2, 2).unwrap();
        decode_palette_op(&mut decoder, &op, &mut out).unwrap();
        assert_eq!(
            out.data()[..4],
            [
                1 + 3 * first as u8,
                2 + 3 * first as u8,
                3 + 3 * first as u8,
                255
            ]
        );
    }
    // 4,096 fresh colours per op: the 16th op would pass 65,536 and starts a new table
    // instead, in the same stream.
    let (size, mut restarts) = (64u32, Vec::new());
    for op_index in 0..17u32 {
        let frame = frame_from(size, size, |x, y| {
            let n = op_index * 4096 + y * size + x;
            [n as u8, (n >> 8) as u8, (n >> 16) as u8, 255]
        });
        let Class::Palette(palette) = classify(&frame.view(), MAX_PALETTE) else {
            unreachable!()
        };
        let op = encode_op(&mut encoder, frame.rect(), palette).unwrap();
        let Op::Palette { data, .. } = &op else {
            unreachable!()
        };
        if data[0] & (palette::RESTART | palette::NEW_TABLE) != 0 {
            restarts.push(op_index);
        }
        let mut out = Frame::new(size, size).unwrap();
        decode_palette_op(&mut decoder, &op, &mut out).unwrap();
        assert_eq!(out, frame, "op {op_index}");
    }
    assert_eq!(restarts, [15]);
}

#[test]
fn more_colours_than_the_bound_are_natural() {
    let photo = photo_frame(64, 64, 3);
    assert_eq!(classify(&photo.view(), 256), Class::Natural);
    let text = text_frame(64, 64, 3);
    assert!(matches!(classify(&text.view(), 256), Class::Palette(_)));
    assert_eq!(classify(&text.view(), 2), Class::Natural);
}

#[test]
fn text_on_a_background_is_told_from_a_photo_s_sliver_beside_the_page() {
    let text = palette_of(&text_frame(128, 24, 5));
    assert!(text.has_background() && text.looks_like_text());
    // A photo's first rows scrolling in below a white page: mostly white, but the photo's
    // pixels touch each other, not the page.
    let photo = photo_frame(128, 24, 5);
    let sliver = palette_of(&frame_from(128, 24, |x, y| {
        let at = x as usize * 4;
        if y < 20 {
            [255; 4]
        } else {
            photo.view().row(y)[at..at + 4].try_into().unwrap()
        }
    }));
    assert!(sliver.has_background() && !sliver.looks_like_text());
    let photo = palette_of(&photo_frame(32, 32, 5));
    assert!(!photo.has_background() && !photo.looks_like_text());
}

/// Encodes one 16×8 text tile and returns the op's parts.
fn one_op(stream: bool) -> (usize, Vec<u8>) {
    let frame = text_frame(16, 8, 9);
    let config = PaletteConfig {
        stream,
        ..PaletteConfig::default()
    };
    let mut encoder = PaletteEncoder::new(config).unwrap();
    match encode_op(&mut encoder, Rect::new(0, 0, 16, 8), palette_of(&frame)).unwrap() {
        Op::Palette {
            new_colours, data, ..
        } => (usize::from(new_colours), data.to_vec()),
        _ => unreachable!(),
    }
}

#[test]
fn hostile_palette_data_is_an_error_and_leaves_the_target_untouched() {
    let (colours, data) = one_op(false);
    // A refused op leaves its target untouched; data that goes on past the op is found at
    // the end of the update (the viewer paints nothing of a refused update).
    let check = |colours: usize, data: &[u8], size: (u32, u32)| -> Error {
        let mut decoder = PaletteDecoder::new().unwrap();
        let mut target = Frame::filled(size.0, size.1, [1, 2, 3, 4]).unwrap();
        let op = raw_op(size.0, size.1, colours, data);
        decoder.begin_update(std::slice::from_ref(&op));
        let err = match decoder.decode(colours, data, &mut target.view_mut()) {
            Err(err) => {
                let untouched = target.data().chunks_exact(4).all(|p| p == [1, 2, 3, 4]);
                assert!(untouched, "{err}");
                err
            }
            Ok(()) => decoder.end_update().unwrap_err(),
        };
        assert!(decoder.needs_restart());
        err
    };
    // A colour count other than the encoder's: the band table is read from the wrong place.
    for count in [colours - 1, colours + 1] {
        let err = check(count, &data, (16, 8));
        assert!(
            matches!(
                err,
                Error::PaletteLength { .. } | Error::PaletteBands { .. }
            ),
            "{err}"
        );
    }
    // An 8-bit payload of index 255 after a 2-colour table, written by hand: the encoder
    // refuses to make one.
    let wild = Palette {
        colours: vec![[0, 0, 0, 255], [255, 255, 255, 255]],
        indices: vec![255; 16 * 8],
        width: 16,
        height: 8,
    };
    let mut encoder = PaletteEncoder::new(PaletteConfig::default()).unwrap();
    assert_eq!(
        encode_op(&mut encoder, Rect::new(0, 0, 16, 8), wild).unwrap_err(),
        Error::PaletteIndex {
            index: 255,
            colours: 2
        }
    );
    // Two colours, one band of 8 rows sent whole: its 129 bytes, the kind (0), then 16
    // columns of 8 indices.
    let head = [0, 0, 0, 255, 255, 255, 255, 255, 1, 0, 8, 0];
    let wild_op = |band: &[u8], len: u32| {
        let mut payload = head.to_vec();
        payload.extend(len.to_le_bytes());
        payload.extend(band);
        let mut data = vec![8 | palette::RESTART];
        data.extend(zstd::bulk::compress(&payload, 3).unwrap());
        data
    };
    let mut whole = vec![0];
    whole.extend([255; 16 * 8]);
    assert_eq!(
        check(2, &wild_op(&whole, 129), (16, 8)),
        Error::PaletteIndex {
            index: 255,
            colours: 2
        }
    );
    // A band length past the worst case is refused before anything is read.
    assert!(matches!(
        check(2, &wild_op(&whole, u32::MAX), (16, 8)),
        Error::PaletteLength {
            got: 0xffff_ffff,
            ..
        }
    ));
    // A run (kind 1, background 0, no blank column, 16 columns) from row 8 of 8.
    let below = [1, 0, 0, 0, 16, 16, 1];
    assert!(matches!(
        check(2, &wild_op(&below, 7), (16, 8)),
        Error::PaletteRun { .. }
    ));
    // Truncated zstd, garbage zstd, empty data, bad header, no colours to name, too many.
    assert!(matches!(
        check(colours, &data[..data.len() - 3], (16, 8)),
        Error::PaletteLength { .. } | Error::Zstd(_)
    ));
    let mut garbage = data.clone();
    garbage[1..].iter_mut().for_each(|b| *b ^= 0x5a);
    assert!(matches!(
        check(colours, &garbage, (16, 8)),
        Error::Zstd(_) | Error::PaletteLength { .. }
    ));
    assert!(matches!(
        check(colours, &[], (16, 8)),
        Error::PaletteLength { .. }
    ));
    let mut bad_header = data.clone();
    bad_header[0] = 0x83;
    assert!(matches!(
        check(colours, &bad_header, (16, 8)),
        Error::PaletteHeader { .. }
    ));
    assert!(matches!(
        check(0, &data, (16, 8)),
        Error::PaletteLength { .. } | Error::PaletteBands { .. }
    ));
    assert!(matches!(
        check(MAX_PALETTE + 1, &data, (16, 8)),
        Error::PaletteSize { .. }
    ));
    // Wrong rect: the data holds 16×8 indices, the target is shorter, taller, narrower, wider.
    for (size, rows) in [((16, 4), 4), ((16, 9), 9)] {
        assert_eq!(
            check(colours, &data, size),
            Error::PaletteBands { sum: 8, rows }
        );
    }
    // Narrower or wider, the bands' runs no longer fit their columns.
    for size in [(8, 8), (17, 8)] {
        assert!(matches!(
            check(colours, &data, size),
            Error::PaletteRun { .. } | Error::PaletteLength { .. } | Error::PaletteTrailing
        ));
    }
    // Trailing bytes after a complete op.
    let mut trailing = data.clone();
    trailing.extend_from_slice(&data[1..]);
    assert_eq!(check(colours, &trailing, (16, 8)), Error::PaletteTrailing);
}

#[test]
fn a_broken_stream_waits_for_a_restart() {
    let frame = text_frame(32, 16, 4);
    let rect = Rect::new(0, 0, 32, 16);
    let mut encoder = PaletteEncoder::new(PaletteConfig::default()).unwrap();
    let ops: Vec<Op> = (0..3)
        .map(|_| encode_op(&mut encoder, rect, palette_of(&frame)).unwrap())
        .collect();
    let mut decoder = PaletteDecoder::new().unwrap();
    let mut out = Frame::new(32, 16).unwrap();
    // A continuation op before any restart: the stream is unknown.
    assert_eq!(
        decode_palette_op(&mut decoder, &ops[1], &mut out),
        Err(Error::PaletteDesync)
    );
    decode_palette_op(&mut decoder, &ops[0], &mut out).unwrap();
    // Op 1 lost: op 2 cannot be trusted; it either fails or, if zstd accepts it, the
    // decoder must not pretend. Skipping is detected only by content, so the host's
    // contract is ordering; here we corrupt op 1 instead and check the latch.
    let Op::Palette {
        new_colours, data, ..
    } = &ops[1]
    else {
        unreachable!()
    };
    let mut broken = data.to_vec();
    broken.truncate(broken.len() / 2);
    let broken = raw_op(32, 16, usize::from(*new_colours), &broken);
    assert!(decode_palette_op(&mut decoder, &broken, &mut out).is_err());
    assert_eq!(
        decode_palette_op(&mut decoder, &ops[2], &mut out),
        Err(Error::PaletteDesync)
    );
    // The host resets on the refresh request; its next op restarts the stream.
    encoder.reset();
    let restart = encode_op(&mut encoder, rect, palette_of(&frame)).unwrap();
    out.view_mut().fill([0; 4]);
    decode_palette_op(&mut decoder, &restart, &mut out).unwrap();
    assert_eq!(out, frame);
}

#[cfg(test)]
mod av1;
