//! Recorded files: raw BGRA and Y4M (4:4:4, 4:2:0) round trips, and clear errors for
//! truncated or malformed files; a masked secret never leaves the source.

use std::io::Write;
use std::path::PathBuf;

use meekijk_capture::{open, Error, Masks, Scene, Source, Synthetic, MASK_COLOR};
use meekijk_codec::convert::{Chroma, Range, YuvImage};
use meekijk_codec::{Frame, Rect};

/// A file in the system temp dir, removed when dropped.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str, bytes: &[u8]) -> Self {
        let path =
            std::env::temp_dir().join(format!("meekijk-capture-{}-{name}", std::process::id()));
        std::fs::File::create(&path)
            .unwrap()
            .write_all(bytes)
            .unwrap();
        Self(path)
    }

    fn spec(&self) -> String {
        format!("file:{}", self.0.display())
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn scene_frames(w: u32, h: u32, n: usize) -> Vec<Frame> {
    let mut source = Synthetic::new(Scene::Video, w, h, 30, 4).unwrap();
    (0..n)
        .map(|_| Frame::from_view(&source.next_frame().unwrap().unwrap().pixels))
        .collect()
}

#[test]
fn raw_bgra_round_trips_and_ends_cleanly() {
    let frames = scene_frames(101, 57, 3);
    let bytes: Vec<u8> = frames.iter().flat_map(|f| f.data().to_vec()).collect();
    let file = TempFile::new("ok.bgra", &bytes);
    let mut source = open(&file.spec(), (101, 57), 25).unwrap();
    assert_eq!(source.size(), (101, 57));
    for (i, expected) in frames.iter().enumerate() {
        let got = source.next_frame().unwrap().expect("frame present");
        assert_eq!(Frame::from_view(&got.pixels), *expected, "frame {i}");
        assert_eq!(got.timestamp.as_millis(), i as u128 * 40);
    }
    assert!(source.next_frame().unwrap().is_none());
}

#[test]
fn truncated_raw_file_names_frame_and_offset() {
    let frame_bytes = 8 * 4 * 4;
    let file = TempFile::new("cut.bgra", &vec![7u8; frame_bytes * 2 + 10]);
    let mut source = open(&file.spec(), (8, 4), 30).unwrap();
    source.next_frame().unwrap().unwrap();
    source.next_frame().unwrap().unwrap();
    let err = source.next_frame().unwrap_err();
    assert!(
        matches!(
            err,
            Error::Truncated {
                frame: 2,
                offset: 256,
                expected: 128,
                got: 10
            }
        ),
        "{err:?}"
    );
    let message = err.to_string();
    assert!(
        message.contains("frame 2") && message.contains("offset 256"),
        "{message}"
    );
}

/// Encodes frames as Y4M with the codec's converter.
fn y4m(frames: &[Frame], chroma: Chroma, header_extra: &str) -> Vec<u8> {
    let (w, h) = (frames[0].width(), frames[0].height());
    let tag = match chroma {
        Chroma::Yuv444 => "C444",
        Chroma::Yuv420 => "C420jpeg",
    };
    let mut out =
        format!("YUV4MPEG2 W{w} H{h} F30000:1001 Ip A1:1 {tag}{header_extra}\n").into_bytes();
    let mut yuv = YuvImage::new(w, h, chroma, Range::Limited).unwrap();
    for f in frames {
        yuv.convert_from(&f.view(), f.rect()).unwrap();
        out.extend_from_slice(b"FRAME\n");
        for plane in yuv.planes() {
            out.extend_from_slice(plane);
        }
    }
    out
}

fn max_difference(a: &Frame, b: &Frame) -> u8 {
    a.data()
        .chunks_exact(4)
        .zip(b.data().chunks_exact(4))
        .flat_map(|(p, q)| (0..3).map(move |c| p[c].abs_diff(q[c])))
        .max()
        .unwrap_or(0)
}

#[test]
fn y4m_444_and_420_decode_to_the_source_pixels() {
    let frames = scene_frames(97, 55, 2);
    for (chroma, tolerance) in [(Chroma::Yuv444, 4), (Chroma::Yuv420, 255)] {
        let file = TempFile::new(&format!("{chroma:?}.y4m"), &y4m(&frames, chroma, ""));
        let mut source = open(&file.spec(), (1, 1), 30).unwrap();
        assert_eq!(source.size(), (97, 55), "Y4M brings its own size");
        for (i, original) in frames.iter().enumerate() {
            let got = source.next_frame().unwrap().expect("frame present");
            // NTSC rate from the header: frame 1 at 1001/30000 s.
            assert_eq!(
                got.timestamp.as_micros(),
                i as u128 * 33_366,
                "{chroma:?} frame {i}"
            );
            let got = Frame::from_view(&got.pixels);
            assert!(
                max_difference(&got, original) <= tolerance,
                "{chroma:?} frame {i}"
            );
            // 4:2:0 loses chroma detail; compare it with the codec's own decode instead.
            let mut reference = YuvImage::new(97, 55, chroma, Range::Limited).unwrap();
            reference
                .convert_from(&original.view(), original.rect())
                .unwrap();
            let mut expected = Frame::new(97, 55).unwrap();
            reference.convert_into(&mut expected.view_mut()).unwrap();
            assert_eq!(
                got, expected,
                "{chroma:?} frame {i} differs from the codec's conversion"
            );
        }
        assert!(source.next_frame().unwrap().is_none());
    }
}

#[test]
fn y4m_errors_name_the_frame_and_offset() {
    let frames = scene_frames(16, 16, 2);
    let good = y4m(&frames, Chroma::Yuv420, "");
    let header_len = good.iter().position(|&b| b == b'\n').unwrap() as u64 + 1;
    let frame_len = 6 + 16 * 16 * 3 / 2;

    let cut = TempFile::new("cut.y4m", &good[..good.len() - 5]);
    let mut source = open(&cut.spec(), (0, 0), 30).unwrap();
    source.next_frame().unwrap().unwrap();
    let err = source.next_frame().unwrap_err();
    let pixels_at = header_len + frame_len + 6;
    assert!(
        matches!(err, Error::Truncated { frame: 1, offset, expected: 384, got: 379 } if offset == pixels_at),
        "{err:?}"
    );

    let mut bad_marker = good.clone();
    bad_marker[header_len as usize..header_len as usize + 5].copy_from_slice(b"FRAMX");
    let file = TempFile::new("marker.y4m", &bad_marker);
    let err = open(&file.spec(), (0, 0), 30)
        .unwrap()
        .next_frame()
        .unwrap_err();
    assert!(matches!(err, Error::Malformed { frame: 0, .. }), "{err:?}");
    assert!(err.to_string().contains("expected `FRAME`"), "{err}");

    let file = TempFile::new("422.y4m", b"YUV4MPEG2 W16 H8 F30:1 C422\nFRAME\n");
    let err = open(&file.spec(), (0, 0), 30).unwrap_err();
    assert!(
        err.to_string()
            .contains("C422 is not supported; expected C444 or C420"),
        "{err}"
    );

    let file = TempFile::new("nosize.y4m", b"YUV4MPEG2 F30:1\n");
    assert!(matches!(
        open(&file.spec(), (0, 0), 30),
        Err(Error::Malformed { .. })
    ));

    let file = TempFile::new("huge.y4m", b"YUV4MPEG2 W99999 H8\n");
    assert!(matches!(
        open(&file.spec(), (0, 0), 30),
        Err(Error::Codec(_))
    ));

    let missing = open("file:/nonexistent/meekijk.y4m", (0, 0), 30).unwrap_err();
    assert!(matches!(missing, Error::Io { .. }), "{missing:?}");
}

#[test]
fn full_range_y4m_is_honoured() {
    // Y=255 is white in full range; limited range would clip 235 and up to white as well,
    // so use mid-grey Y=128: limited-range decoding would give ~130, full range gives 128.
    let mut bytes = b"YUV4MPEG2 W4 H2 F30:1 C444 XCOLORRANGE=FULL\nFRAME\n".to_vec();
    bytes.extend(std::iter::repeat_n(128u8, 4 * 2 * 3));
    let file = TempFile::new("full.y4m", &bytes);
    let mut source = open(&file.spec(), (0, 0), 30).unwrap();
    let frame = source.next_frame().unwrap().unwrap();
    let p = frame.pixels.pixel(1, 1);
    assert!(p[..3].iter().all(|&c| c.abs_diff(128) <= 1), "{p:?}");
}

#[test]
fn a_masked_secret_never_leaves_a_file_source() {
    // A magenta checkerboard "secret" at a known place in every frame.
    let (w, h) = (64u32, 48u32);
    let secret = Rect::new(10, 12, 20, 16);
    let mut bytes = Vec::new();
    for n in 0..4u32 {
        let mut f = Frame::filled(w, h, [(n * 40) as u8, 90, 30, 255]).unwrap();
        for y in secret.y..secret.y + secret.height {
            for x in secret.x..secret.x + secret.width {
                let i = ((y * w + x) * 4) as usize;
                let px = if (x + y) % 2 == 0 {
                    [255, 0, 255, 255]
                } else {
                    [250, 5, 250, 255]
                };
                f.data_mut()[i..i + 4].copy_from_slice(&px);
            }
        }
        bytes.extend_from_slice(f.data());
    }
    let file = TempFile::new("secret.bgra", &bytes);
    let mut source = open(&file.spec(), (w, h), 30).unwrap();
    source.set_masks(Masks::new().rect(secret)).unwrap();
    let mut frames = 0;
    while let Some(f) = source.next_frame().unwrap() {
        frames += 1;
        for y in 0..h {
            for x in 0..w {
                let p = f.pixels.pixel(x, y);
                assert!(
                    !(p[0] >= 250 && p[1] <= 5 && p[2] >= 250),
                    "secret at ({x}, {y})"
                );
            }
        }
        assert_eq!(f.pixels.pixel(secret.x, secret.y), MASK_COLOR);
    }
    assert_eq!(frames, 4);
    assert!(source.set_masks(Masks::new().window_title("bank")).is_err());
}
