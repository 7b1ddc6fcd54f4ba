//! Round-trip tests of the colour conversion, with the error bounds they guarantee.

use super::*;
use crate::Frame;

/// A smooth gradient frame (natural-looking content where 4:2:0 loses little).
fn gradient(width: u32, height: u32) -> Frame {
    let mut data = Vec::with_capacity((width * height * 4) as usize);
    for y in 0..height {
        for x in 0..width {
            data.extend_from_slice(&[
                (x * 255 / width) as u8,
                (y * 255 / height) as u8,
                ((x + y) % 256) as u8,
                255,
            ]);
        }
    }
    Frame::from_vec(data, width, height).unwrap()
}

/// Every 8-bit colour corner and a spread of values, in 2×2 flat cells so 4:2:0 is exact too.
fn palette_cells(width: u32, height: u32) -> Frame {
    let mut frame = Frame::new(width, height).unwrap();
    let mut view = frame.view_mut();
    for cy in 0..height / 2 {
        for cx in 0..width / 2 {
            let n = cy * (width / 2) + cx;
            let bgra = [
                (n * 37) as u8,
                ((n * 101) >> 1) as u8,
                (n * 13 + 200) as u8,
                255,
            ];
            view.sub_mut(Rect::new(cx * 2, cy * 2, 2, 2))
                .unwrap()
                .fill(bgra);
        }
    }
    frame
}

fn max_error(a: &FrameView<'_>, b: &FrameView<'_>) -> u8 {
    let mut worst = 0;
    for y in 0..a.height() {
        for (p, q) in a.row(y).chunks_exact(4).zip(b.row(y).chunks_exact(4)) {
            for c in 0..3 {
                worst = worst.max(p[c].abs_diff(q[c]));
            }
            assert_eq!(q[3], 255, "alpha must come back opaque");
        }
    }
    worst
}

fn round_trip(src: &Frame, rect: Rect, chroma: Chroma, range: Range) -> u8 {
    let mut yuv = YuvImage::new(1, 1, chroma, range).unwrap();
    yuv.convert_from(&src.view(), rect).unwrap();
    assert_eq!((yuv.width(), yuv.height()), (rect.width, rect.height));
    let mut back = Frame::new(rect.width, rect.height).unwrap();
    yuv.convert_into(&mut back.view_mut()).unwrap();
    max_error(&src.view().sub(rect).unwrap(), &back.view())
}

/// Stated bound: every format round-trips within 3 levels per channel where chroma is not
/// subsampled away (4:4:4 on any content, 4:2:0 on flat 2×2 cells): yuvutils' `Balanced`
/// fixed-point mode rounds twice. 4:2:0 of a smooth gradient stays within 8.
#[test]
fn round_trip_error_bounds() {
    let cells = palette_cells(66, 34);
    let grad = gradient(97, 61);
    for chroma in [Chroma::Yuv444, Chroma::Yuv420] {
        for range in [Range::Full, Range::Limited] {
            for rect in [
                Rect::new(0, 0, 66, 34),
                Rect::new(10, 4, 40, 20),
                Rect::new(2, 0, 64, 33),
            ] {
                let err = round_trip(&cells, rect, chroma, range);
                assert!(
                    err <= 3,
                    "{chroma:?} {range:?} {rect}: cells error {err} > 3"
                );
            }
            let odd = Rect::new(3, 5, 91, 53);
            let bound = if chroma == Chroma::Yuv444 { 3 } else { 8 };
            let err = round_trip(&grad, odd, chroma, range);
            assert!(
                err <= bound,
                "{chroma:?} {range:?}: gradient error {err} > {bound}"
            );
        }
    }
}

#[test]
fn bt709_reference_values() {
    // Pure white, black and BT.709 red (R=255): Y = 0.2126*255 ≈ 54 in full range.
    let mut frame = Frame::filled(4, 2, [255, 255, 255, 255]).unwrap();
    frame
        .view_mut()
        .sub_mut(Rect::new(1, 0, 1, 1))
        .unwrap()
        .fill([0, 0, 0, 255]);
    frame
        .view_mut()
        .sub_mut(Rect::new(2, 0, 1, 1))
        .unwrap()
        .fill([0, 0, 255, 255]);
    let mut yuv = YuvImage::new(1, 1, Chroma::Yuv444, Range::Full).unwrap();
    yuv.convert_from(&frame.view(), frame.rect()).unwrap();
    let [y, _, v] = yuv.planes();
    assert_eq!(y[0], 255);
    assert_eq!(y[1], 0);
    assert!(y[2].abs_diff(54) <= 1, "Y of red = {}", y[2]);
    assert!(v[2] >= 254, "V of red = {}", v[2]);
    let mut limited = YuvImage::new(1, 1, Chroma::Yuv444, Range::Limited).unwrap();
    limited.convert_from(&frame.view(), frame.rect()).unwrap();
    assert_eq!((limited.planes()[0][0], limited.planes()[0][1]), (235, 16));
}

#[test]
fn bad_rects_and_sizes_are_errors() {
    let frame = Frame::new(10, 10).unwrap();
    let mut yuv = YuvImage::new(4, 4, Chroma::Yuv420, Range::Full).unwrap();
    assert!(matches!(
        yuv.convert_from(&frame.view(), Rect::new(5, 5, 6, 2)),
        Err(Error::RectOutOfBounds { .. })
    ));
    assert!(matches!(
        yuv.convert_from(&frame.view(), Rect::new(0, 0, 0, 2)),
        Err(Error::ZeroSize { .. })
    ));
    let mut small = Frame::new(3, 4).unwrap();
    assert!(matches!(
        yuv.convert_into(&mut small.view_mut()),
        Err(Error::SizeMismatch { .. })
    ));
    assert!(matches!(
        YuvImage::new(0, 5, Chroma::Yuv444, Range::Full),
        Err(Error::ZeroSize { .. })
    ));
}

#[test]
fn yuv444_kernels_match_scalar_at_awkward_widths() {
    let src = gradient(1921, 9);
    let mut noise = src.clone();
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    for b in noise.data_mut() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        *b = state as u8;
    }
    for frame in [&src, &noise] {
        for width in [1u32, 7, 17, 31, 32, 33, 65, 1921] {
            for range in [Range::Full, Range::Limited] {
                let rect = Rect::new(1921 - width, 1, width, 7);
                let view = frame.view().sub(rect).unwrap();
                let mut want = YuvImage::new(width, 7, Chroma::Yuv444, range).unwrap();
                want.convert_444(&view, CpuLevel::Scalar);
                for level in CpuLevel::available() {
                    let mut got = YuvImage::new(width, 7, Chroma::Yuv444, range).unwrap();
                    got.convert_444(&view, level);
                    assert_eq!(got, want, "{level:?} width {width} {range:?}");
                }
            }
        }
    }
}

/// The 7-bit fixed point stays within one level of the float BT.709 definition on full range.
#[test]
fn yuv444_matches_float_bt709() {
    let frame = palette_cells(64, 64);
    let mut yuv = YuvImage::new(1, 1, Chroma::Yuv444, Range::Full).unwrap();
    yuv.convert_from(&frame.view(), frame.rect()).unwrap();
    let [y, u, v] = yuv.planes();
    for (i, px) in frame.data().chunks_exact(4).enumerate() {
        let (b, g, r) = (px[0] as f64, px[1] as f64, px[2] as f64);
        let fy = 0.2126 * r + 0.7152 * g + 0.0722 * b;
        let fu = (b - fy) / 1.8556 + 128.0;
        let fv = (r - fy) / 1.5748 + 128.0;
        for (got, want) in [(y[i], fy), (u[i], fu.min(255.0)), (v[i], fv.min(255.0))] {
            assert!(
                (got as f64 - want).abs() <= 1.5,
                "pixel {i}: {got} vs {want:.2}"
            );
        }
    }
}
