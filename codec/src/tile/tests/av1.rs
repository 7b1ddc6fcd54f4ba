//! AV1 round trips (PSNR per quality, odd sizes, 4:2:0) and decoder rejection of bad data.

use super::{photo_frame, psnr, text_frame};
use crate::convert::Chroma;
use crate::tile::*;
use crate::{Error, Frame, Op, Rect};

fn encode(encoder: &Av1Encoder, frame: &Frame, rect: Rect, quality: Quality) -> Vec<u8> {
    match encoder.encode_rect(&frame.view(), rect, quality).unwrap() {
        Op::Av1 { rect: r, data, .. } => {
            assert_eq!(r, rect);
            data.to_vec()
        }
        other => panic!("expected an AV1 op, got {other:?}"),
    }
}

fn round_trip_psnr(encoder: &Av1Encoder, frame: &Frame, rect: Rect, quality: Quality) -> f64 {
    let data = encode(encoder, frame, rect, quality);
    let mut decoder = Av1Decoder::new().unwrap();
    let mut out = Frame::new(rect.width, rect.height).unwrap();
    decoder.decode_into(&data, &mut out.view_mut()).unwrap();
    psnr(&frame.view().sub(rect).unwrap(), &out.view())
}

#[test]
fn photo_tiles_meet_the_psnr_bars_per_quality() {
    let encoder = Av1Encoder::new(Av1Config::default()).unwrap();
    let frame = photo_frame(200, 150, 11);
    // An odd-sized rect at an odd offset: the codec must not need padding from the caller.
    let rect = Rect::new(13, 7, 129, 97);
    let hot = round_trip_psnr(&encoder, &frame, rect, Quality::Hot);
    let refined = round_trip_psnr(&encoder, &frame, rect, Quality::Refined);
    assert!(hot >= 38.0, "hot PSNR {hot:.2} dB is below 38");
    assert!(refined >= 45.0, "refined PSNR {refined:.2} dB is below 45");
    assert!(refined > hot);
}

#[test]
fn tiny_and_odd_sizes_and_420_round_trip() {
    let frame = photo_frame(70, 40, 2);
    for chroma in [Chroma::Yuv444, Chroma::Yuv420] {
        let config = Av1Config {
            chroma,
            ..Av1Config::default()
        };
        let encoder = Av1Encoder::new(config).unwrap();
        for (w, h) in [(1, 1), (7, 3), (3, 17), (65, 33)] {
            let rect = Rect::new(1, 2, w, h);
            let db = round_trip_psnr(&encoder, &frame, rect, Quality::Refined);
            // Tiny 4:2:0 rects average chroma over 2×2 of the noisy source: a looser bar.
            let bar = if chroma == Chroma::Yuv420 { 30.0 } else { 40.0 };
            assert!(db >= bar, "{chroma:?} {w}x{h}: {db:.2} dB");
        }
    }
}

#[test]
fn one_call_gives_complete_independent_data() {
    // Zero frame delay: each encode returns a whole decodable frame, and tiles decode in
    // any order with one decoder.
    let encoder = Av1Encoder::new(Av1Config::default()).unwrap();
    let frame = photo_frame(96, 64, 5);
    let a = encode(&encoder, &frame, Rect::new(0, 0, 48, 64), Quality::Hot);
    let b = encode(&encoder, &frame, Rect::new(48, 0, 48, 64), Quality::Refined);
    let mut decoder = Av1Decoder::new().unwrap();
    let mut out = Frame::new(96, 64).unwrap();
    let mut view = out.view_mut();
    decoder
        .decode_into(&b, &mut view.sub_mut(Rect::new(48, 0, 48, 64)).unwrap())
        .unwrap();
    decoder
        .decode_into(&a, &mut view.sub_mut(Rect::new(0, 0, 48, 64)).unwrap())
        .unwrap();
    assert!(psnr(&frame.view(), &out.view()) >= 38.0);
}

#[test]
fn text_survives_as_av1_too() {
    // The planner sends text to the palette codec, but AV1 must still cope with it.
    let encoder = Av1Encoder::new(Av1Config::default()).unwrap();
    let frame = text_frame(64, 32, 1);
    let db = round_trip_psnr(&encoder, &frame, frame.rect(), Quality::Refined);
    assert!(db >= 30.0, "{db:.2} dB");
}

#[test]
fn decoder_rejects_garbage_and_size_mismatch_leaving_the_target_untouched() {
    let encoder = Av1Encoder::new(Av1Config::default()).unwrap();
    let frame = photo_frame(40, 24, 8);
    let data = encode(&encoder, &frame, frame.rect(), Quality::Hot);
    let mut decoder = Av1Decoder::new().unwrap();
    let fill = [7, 7, 7, 7];
    let mut check = |data: &[u8], w: u32, h: u32| -> Error {
        let mut target = Frame::filled(w, h, fill).unwrap();
        let err = decoder
            .decode_into(data, &mut target.view_mut())
            .unwrap_err();
        assert!(target.data().chunks_exact(4).all(|p| p == fill), "{err}");
        err
    };
    assert!(matches!(
        check(&data, 40, 23),
        Error::SizeMismatch {
            got_width: 40,
            got_height: 24,
            ..
        }
    ));
    assert!(matches!(check(&data, 41, 24), Error::SizeMismatch { .. }));
    assert!(matches!(check(&[], 40, 24), Error::Av1Decode(_)));
    let mut rng = super::Rng(99);
    let garbage: Vec<u8> = (0..500).map(|_| rng.next() as u8).collect();
    assert!(matches!(check(&garbage, 40, 24), Error::Av1Decode(_)));
    assert!(matches!(
        check(&data[..data.len() / 2], 40, 24),
        Error::Av1Decode(_)
    ));
    // A sequence header alone (the first OBUs) holds no picture.
    assert!(matches!(
        check(&data[..14.min(data.len())], 40, 24),
        Error::Av1Decode(_)
    ));
    // Still usable afterwards.
    let mut out = Frame::new(40, 24).unwrap();
    decoder.decode_into(&data, &mut out.view_mut()).unwrap();
    assert!(psnr(&frame.view(), &out.view()) >= 38.0);
}

#[test]
fn bad_configurations_are_refused_up_front() {
    let mut config = Av1Config::default();
    config.hot.speed = 11;
    assert!(matches!(Av1Encoder::new(config), Err(Error::Av1Encode(_))));
    let mut config = Av1Config::default();
    config.refined.partition = Some((64, 8));
    assert!(matches!(Av1Encoder::new(config), Err(Error::Av1Encode(_))));
    config.refined.partition = Some((8, 12));
    assert!(matches!(Av1Encoder::new(config), Err(Error::Av1Encode(_))));
    config.refined.partition = Some((8, 32));
    assert!(Av1Encoder::new(config).is_ok());
    let encoder = Av1Encoder::new(Av1Config::default()).unwrap();
    let frame = photo_frame(8, 8, 1);
    assert!(matches!(
        encoder.encode_rect(&frame.view(), Rect::new(4, 4, 8, 8), Quality::Hot),
        Err(Error::RectOutOfBounds { .. })
    ));
}
