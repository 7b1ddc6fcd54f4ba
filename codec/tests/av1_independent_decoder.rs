//! AV1 tiles must be standard AV1: Debian's `dav1d` command-line tool decodes them (as IVF)
//! to the same pixels as our decoder, and close to the source.
//!
//! Needs the `dav1d` tool (Debian package `dav1d`); the test fails, not skips, without it.

use std::path::PathBuf;
use std::process::Command;

use meekijk_codec::convert::{Chroma, Range, YuvImage};
use meekijk_codec::tile::{ivf, Av1Config, Av1Decoder, Av1Encoder, Quality};
use meekijk_codec::{Frame, FrameView, Op, Rect};

/// Smooth gradients and waves: photo-like content, deterministic.
fn photo_frame(width: u32, height: u32) -> Frame {
    let mut data = Vec::with_capacity(width as usize * height as usize * 4);
    for y in 0..height {
        for x in 0..width {
            let (fx, fy) = (x as f32, y as f32);
            let r = 120.0 + 60.0 * (fx / 13.0).sin() + 0.3 * fy;
            let g = 90.0 + 0.5 * fx + 40.0 * ((fx + fy) / 19.0).cos();
            let b = 150.0 + 50.0 * ((fx - fy) / 11.0).sin();
            data.extend_from_slice(&[b as u8, g as u8, r as u8, 255]);
        }
    }
    Frame::from_vec(data, width, height).unwrap()
}

fn psnr(a: &FrameView<'_>, b: &FrameView<'_>) -> f64 {
    meekijk_codec::metrics::psnr(a, b).expect("same sizes")
}

/// Parses a single-frame 8-bit Y4M file into a [`YuvImage`].
fn read_y4m(bytes: &[u8], chroma: Chroma) -> YuvImage {
    let header_end = bytes
        .iter()
        .position(|&b| b == b'\n')
        .expect("y4m header line");
    let header = std::str::from_utf8(&bytes[..header_end]).unwrap();
    let field = |tag: char| {
        header
            .split(' ')
            .find_map(|f| f.strip_prefix(tag))
            .unwrap_or_else(|| panic!("y4m header {header:?} lacks {tag}"))
    };
    let (width, height): (u32, u32) = (field('W').parse().unwrap(), field('H').parse().unwrap());
    let colour_space = field('C');
    let expected = match chroma {
        Chroma::Yuv444 => "444",
        Chroma::Yuv420 => "420",
    };
    assert!(
        colour_space.starts_with(expected),
        "dav1d wrote C{colour_space}, expected C{expected}"
    );
    let frame = &bytes[header_end + 1..];
    let frame_header_end = frame.iter().position(|&b| b == b'\n').unwrap();
    assert!(frame.starts_with(b"FRAME"));
    let mut samples = &frame[frame_header_end + 1..];
    let mut image = YuvImage::new(width, height, chroma, Range::Full).unwrap();
    for plane in image.planes_mut() {
        let len = plane.len();
        plane.copy_from_slice(&samples[..len]);
        samples = &samples[len..];
    }
    assert!(
        samples.is_empty(),
        "{} bytes after the frame",
        samples.len()
    );
    image
}

fn dav1d_tool(ivf_path: &PathBuf, y4m_path: &PathBuf) {
    let output = Command::new("dav1d")
        .arg("-i")
        .arg(ivf_path)
        .arg("-o")
        .arg(y4m_path)
        .arg("--threads")
        .arg("1")
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run the `dav1d` command-line tool ({e}); install Debian's `dav1d` package \
                 (apt-get install dav1d): this test checks our AV1 against an independent decoder"
            )
        });
    assert!(
        output.status.success(),
        "dav1d failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn check(chroma: Chroma, rect: Rect, quality: Quality) {
    let source = photo_frame(160, 120);
    let encoder = Av1Encoder::new(Av1Config {
        chroma,
        ..Av1Config::default()
    })
    .unwrap();
    let Op::Av1 { data, .. } = encoder.encode_rect(&source.view(), rect, quality).unwrap() else {
        panic!("expected an AV1 op");
    };

    let dir = std::env::temp_dir();
    let stem = format!(
        "meekijk-av1-{}-{:?}-{}x{}",
        std::process::id(),
        chroma,
        rect.width,
        rect.height
    );
    let ivf_path = dir.join(format!("{stem}.ivf"));
    let y4m_path = dir.join(format!("{stem}.y4m"));
    let mut file = Vec::new();
    ivf::write_file_header(&mut file, rect.width, rect.height, 1).unwrap();
    ivf::write_frame(&mut file, 0, &data).unwrap();
    std::fs::write(&ivf_path, &file).unwrap();
    dav1d_tool(&ivf_path, &y4m_path);
    let y4m = std::fs::read(&y4m_path).unwrap();
    let _ = std::fs::remove_file(&ivf_path);
    let _ = std::fs::remove_file(&y4m_path);

    let mut theirs = Frame::new(rect.width, rect.height).unwrap();
    read_y4m(&y4m, chroma)
        .convert_into(&mut theirs.view_mut())
        .unwrap();
    let mut ours = Frame::new(rect.width, rect.height).unwrap();
    Av1Decoder::new()
        .unwrap()
        .decode_into(&data, &mut ours.view_mut())
        .unwrap();
    // Both are dav1d underneath, but the tool is a separate build reading a file: the
    // bitstream must mean the same pixels to both.
    assert_eq!(
        theirs, ours,
        "{chroma:?} {rect}: the tool and our decoder disagree"
    );
    let db = psnr(&source.view().sub(rect).unwrap(), &theirs.view());
    assert!(
        db >= 38.0,
        "{chroma:?} {rect}: {db:.2} dB from the independent decoder"
    );
}

#[test]
fn dav1d_tool_decodes_444_tiles_like_our_decoder() {
    check(Chroma::Yuv444, Rect::new(0, 0, 64, 64), Quality::Hot);
    check(Chroma::Yuv444, Rect::new(5, 9, 101, 37), Quality::Refined);
}

#[test]
fn dav1d_tool_decodes_420_tiles_like_our_decoder() {
    check(Chroma::Yuv420, Rect::new(3, 1, 77, 51), Quality::Hot);
}
