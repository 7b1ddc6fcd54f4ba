//! A secret under a privacy mask never reaches an encoded tile: frames from a masked source go
//! through the codec's real tile encoders (fill, lossless palette, AV1), and no decoded tile
//! contains the secret's colour.

use std::io::Write;

use meekijk_capture::{open, Masks, Scene, Source, Synthetic};
use meekijk_codec::tile::{
    classify, Av1Config, Av1Decoder, Av1Encoder, Class, PaletteConfig, PaletteDecoder,
    PaletteEncoder, Quality, MAX_PALETTE,
};
use meekijk_codec::{Frame, FrameView, Op, Rect};

const W: u32 = 320;
const H: u32 = 192;
const TILE: u32 = 64;

fn is_secret(p: [u8; 4]) -> bool {
    // Magenta-ish: strong red and blue, little green (BGRA order).
    p[0] > 180 && p[2] > 180 && p[1] < 80
}

/// Paints a magenta checkerboard into `rect`.
fn paint_secret(frame: &mut Frame, rect: Rect) {
    for y in rect.y..rect.y + rect.height {
        for x in rect.x..rect.x + rect.width {
            let i = ((y * W + x) * 4) as usize;
            let px = if (x / 2 + y / 2) % 2 == 0 {
                [255, 0, 255, 255]
            } else {
                [230, 20, 240, 255]
            };
            frame.data_mut()[i..i + 4].copy_from_slice(&px);
        }
    }
}

/// The tile encoders and their decoders, with the palette codec's session stream.
struct Codecs {
    palette: PaletteEncoder,
    palette_decoder: PaletteDecoder,
    av1: Av1Encoder,
    av1_decoder: Av1Decoder,
}

/// Encodes every tile of `frame` as the pipeline would and reports whether the secret
/// colour appears in any decoded tile.
fn secret_in_encoded_tiles(frame: &FrameView<'_>, codecs: &mut Codecs) -> bool {
    let mut found = false;
    for ty in (0..H).step_by(TILE as usize) {
        for tx in (0..W).step_by(TILE as usize) {
            let rect = Rect::new(tx, ty, TILE.min(W - tx), TILE.min(H - ty));
            let op = match classify(&frame.sub(rect).unwrap(), MAX_PALETTE) {
                Class::Solid(colour) => Op::Fill { rect, colour },
                Class::Palette(p) => {
                    // Each tile is an update of its own here: flushed after its op.
                    let mut op = codecs.palette.encode(rect, p).unwrap();
                    codecs
                        .palette
                        .finish(std::slice::from_mut(&mut op))
                        .unwrap();
                    op
                }
                Class::Natural => codecs
                    .av1
                    .encode_rect(frame, rect, Quality::Refined)
                    .unwrap(),
            };
            let mut tile = Frame::new(rect.width, rect.height).unwrap();
            match op {
                Op::Fill { colour, .. } => tile.view_mut().fill(colour),
                Op::Palette {
                    new_colours,
                    ref data,
                    ..
                } => {
                    let decoder = &mut codecs.palette_decoder;
                    decoder.begin_update(std::slice::from_ref(&op));
                    (decoder.decode(usize::from(new_colours), data, &mut tile.view_mut()))
                        .and_then(|()| decoder.end_update())
                        .unwrap()
                }
                Op::Av1 { data, .. } => codecs
                    .av1_decoder
                    .decode_into(&data, &mut tile.view_mut())
                    .unwrap(),
                other => panic!("unexpected op {other:?}"),
            }
            found |= tile
                .data()
                .chunks_exact(4)
                .any(|p| is_secret([p[0], p[1], p[2], p[3]]));
        }
    }
    found
}

#[test]
fn masked_secret_never_appears_in_any_encoded_tile() {
    // A recorded desktop with a video: one secret on the flat page (palette tiles) and one
    // over the moving picture (AV1 tiles).
    let mut scene = Synthetic::new(Scene::Video, W, H, 30, 9).unwrap();
    let secrets = [Rect::new(250, 150, 40, 24), Rect::new(30, 40, 60, 30)];
    let mut bytes = Vec::new();
    for _ in 0..2 {
        let mut frame = Frame::from_view(&scene.next_frame().unwrap().unwrap().pixels);
        for s in secrets {
            paint_secret(&mut frame, s);
        }
        bytes.extend_from_slice(frame.data());
    }
    let path = std::env::temp_dir().join(format!(
        "meekijk-capture-{}-secret-encode.bgra",
        std::process::id()
    ));
    std::fs::File::create(&path)
        .unwrap()
        .write_all(&bytes)
        .unwrap();
    let spec = format!("file:{}", path.display());

    for masked in [false, true] {
        let mut source = open(&spec, (W, H), 30).unwrap();
        if masked {
            source
                .set_masks(secrets.iter().fold(Masks::new(), |m, &r| m.rect(r)))
                .unwrap();
        }
        let mut codecs = Codecs {
            palette: PaletteEncoder::new(PaletteConfig::default()).unwrap(),
            palette_decoder: PaletteDecoder::new().unwrap(),
            av1: Av1Encoder::new(Av1Config::default()).unwrap(),
            av1_decoder: Av1Decoder::new().unwrap(),
        };
        let mut frames = 0;
        while let Some(f) = source.next_frame().unwrap() {
            frames += 1;
            let leaked = secret_in_encoded_tiles(&f.pixels, &mut codecs);
            // Without masks the check must see the secret, or it proves nothing.
            assert_eq!(leaked, !masked, "masked: {masked}, frame {frames}");
        }
        assert_eq!(frames, 2);
    }
    let _ = std::fs::remove_file(path);
}
