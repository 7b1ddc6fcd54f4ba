//! Picture quality metrics for tests and benchmarks: PSNR and SSIM of two BGRA frames.

use crate::{Error, FrameView, Result};

/// PSNR of identical pictures is infinite; reports cap it here.
pub const PSNR_CAP_DB: f64 = 99.0;

fn check_sizes(a: &FrameView<'_>, b: &FrameView<'_>) -> Result<()> {
    if a.width() != b.width() || a.height() != b.height() {
        return Err(Error::SizeMismatch {
            width: a.width(),
            height: a.height(),
            got_width: b.width(),
            got_height: b.height(),
        });
    }
    Ok(())
}

/// Peak signal-to-noise ratio over the B, G and R channels, in dB, capped at [`PSNR_CAP_DB`].
///
/// # Errors
/// [`Error::SizeMismatch`] when the pictures differ in size.
pub fn psnr(a: &FrameView<'_>, b: &FrameView<'_>) -> Result<f64> {
    check_sizes(a, b)?;
    let mut sum = 0u64;
    for y in 0..a.height() {
        for (p, q) in a.row(y).chunks_exact(4).zip(b.row(y).chunks_exact(4)) {
            for c in 0..3 {
                let d = p[c] as i32 - q[c] as i32;
                sum += (d * d) as u64;
            }
        }
    }
    if sum == 0 {
        return Ok(PSNR_CAP_DB);
    }
    let mse = sum as f64 / (a.width() as f64 * a.height() as f64 * 3.0);
    Ok((10.0 * (255.0 * 255.0 / mse).log10()).min(PSNR_CAP_DB))
}

fn luma(px: &[u8]) -> f64 {
    0.0722 * px[0] as f64 + 0.7152 * px[1] as f64 + 0.2126 * px[2] as f64
}

/// Mean structural similarity of the luma, over 8×8 windows (non-overlapping, edge windows
/// clipped); 1.0 for identical pictures.
///
/// # Errors
/// [`Error::SizeMismatch`] when the pictures differ in size.
pub fn ssim(a: &FrameView<'_>, b: &FrameView<'_>) -> Result<f64> {
    check_sizes(a, b)?;
    const C1: f64 = (0.01 * 255.0) * (0.01 * 255.0);
    const C2: f64 = (0.03 * 255.0) * (0.03 * 255.0);
    let (mut total, mut windows) = (0.0, 0u64);
    for wy in (0..a.height()).step_by(8) {
        for wx in (0..a.width()).step_by(8) {
            let (mut sa, mut sb, mut saa, mut sbb, mut sab, mut n) = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
            for y in wy..(wy + 8).min(a.height()) {
                let (ra, rb) = (a.row(y), b.row(y));
                for x in wx..(wx + 8).min(a.width()) {
                    let i = x as usize * 4;
                    let (p, q) = (luma(&ra[i..i + 4]), luma(&rb[i..i + 4]));
                    sa += p;
                    sb += q;
                    saa += p * p;
                    sbb += q * q;
                    sab += p * q;
                    n += 1.0;
                }
            }
            let (ma, mb) = (sa / n, sb / n);
            let (va, vb, cov) = (saa / n - ma * ma, sbb / n - mb * mb, sab / n - ma * mb);
            total += ((2.0 * ma * mb + C1) * (2.0 * cov + C2))
                / ((ma * ma + mb * mb + C1) * (va + vb + C2));
            windows += 1;
        }
    }
    Ok(total / windows as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Frame, Rect};

    #[test]
    fn identical_is_capped_and_noise_lowers_both() {
        let a = Frame::filled(33, 17, [10, 200, 30, 255]).unwrap();
        assert_eq!(psnr(&a.view(), &a.view()).unwrap(), PSNR_CAP_DB);
        assert!((ssim(&a.view(), &a.view()).unwrap() - 1.0).abs() < 1e-9);
        let mut b = a.clone();
        b.view_mut()
            .sub_mut(Rect::new(0, 0, 33, 1))
            .unwrap()
            .fill([11, 201, 31, 255]);
        // One row of 17 off by one level: MSE = 1/17, PSNR = 10·log10(255²·17) ≈ 60.4 dB.
        let p = psnr(&a.view(), &b.view()).unwrap();
        assert!((p - 60.43).abs() < 0.05, "{p}");
        let mut c = a.clone();
        c.view_mut()
            .sub_mut(Rect::new(4, 4, 20, 8))
            .unwrap()
            .fill([0, 0, 0, 255]);
        assert!(ssim(&a.view(), &c.view()).unwrap() < 0.9);
        let other = Frame::new(33, 18).unwrap();
        assert!(matches!(
            psnr(&a.view(), &other.view()),
            Err(Error::SizeMismatch { .. })
        ));
    }
}
