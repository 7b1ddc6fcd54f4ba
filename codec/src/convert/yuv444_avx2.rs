//! AVX2 BGRA8 → YUV 4:4:4 row kernel, 32 pixels per step, bit-exact with the scalar one.

use std::arch::x86_64::*;

use super::yuv444::{Coefficients, UV_ADD};

/// Converts one row; reachable only through `CpuLevel::Avx2`, selected after run-time detection.
pub(super) fn convert_row(bgra: &[u8], y: &mut [u8], u: &mut [u8], v: &mut [u8], c: &Coefficients) {
    let n = y.len();
    assert!(bgra.len() >= n * 4 && u.len() >= n && v.len() >= n);
    // SAFETY: the dispatcher hands out this kernel only when AVX2 was detected at run time
    // (`CpuLevel::detected`), and the slice lengths were checked just above.
    let done = unsafe { convert_avx2(bgra, y, u, v, c) };
    super::yuv444::convert_row(
        &bgra[done * 4..n * 4],
        &mut y[done..],
        &mut u[done..],
        &mut v[done..],
        c,
    );
}

/// Converts the largest multiple of 32 pixels and returns how many it did.
#[target_feature(enable = "avx2")]
unsafe fn convert_avx2(
    bgra: &[u8],
    y: &mut [u8],
    u: &mut [u8],
    v: &mut [u8],
    c: &Coefficients,
) -> usize {
    let coef =
        |k: [i8; 3]| _mm256_set1_epi32(i32::from_le_bytes([k[0] as u8, k[1] as u8, k[2] as u8, 0]));
    let (cy, cu, cv) = (coef(c.y), coef(c.u), coef(c.v));
    let y_add = _mm256_set1_epi16(c.y_add);
    let uv_add = _mm256_set1_epi16(UV_ADD as i16);
    let n = y.len() / 32 * 32;
    let src = bgra.as_ptr();
    for i in (0..n).step_by(32) {
        // SAFETY: `i + 32 <= n <= y.len()` and `bgra.len() >= 4 * y.len()` (checked by the caller),
        // so the four 32-byte loads read pixels i..i+32 and the 32-byte stores stay inside each plane.
        unsafe {
            let p = [
                _mm256_loadu_si256(src.add(i * 4).cast()),
                _mm256_loadu_si256(src.add(i * 4 + 32).cast()),
                _mm256_loadu_si256(src.add(i * 4 + 64).cast()),
                _mm256_loadu_si256(src.add(i * 4 + 96).cast()),
            ];
            _mm256_storeu_si256(y.as_mut_ptr().add(i).cast(), plane(p, cy, y_add));
            _mm256_storeu_si256(u.as_mut_ptr().add(i).cast(), plane(p, cu, uv_add));
            _mm256_storeu_si256(v.as_mut_ptr().add(i).cast(), plane(p, cv, uv_add));
        }
    }
    n
}

/// 32 output bytes of one plane from 32 BGRA pixels.
#[inline]
#[target_feature(enable = "avx2")]
fn plane(p: [__m256i; 4], coef: __m256i, add: __m256i) -> __m256i {
    // maddubs: per pixel (cb·B + cg·G, cr·R + 0·A) as i16, then hadd sums the pair. Neither can
    // saturate or wrap with 7-bit coefficients (|sum| ≤ 128·255). hadd and pack work within
    // 128-bit lanes, leaving 4-pixel groups in the order 0,2,4,6,1,3,5,7; the permute restores it.
    let h01 = _mm256_hadd_epi16(
        _mm256_maddubs_epi16(p[0], coef),
        _mm256_maddubs_epi16(p[1], coef),
    );
    let h23 = _mm256_hadd_epi16(
        _mm256_maddubs_epi16(p[2], coef),
        _mm256_maddubs_epi16(p[3], coef),
    );
    // The biased sums lie in 0..=32768, so a logical shift (u16) is exact; packus clamps 256 to 255.
    let s01 = _mm256_srli_epi16::<7>(_mm256_add_epi16(h01, add));
    let s23 = _mm256_srli_epi16::<7>(_mm256_add_epi16(h23, add));
    _mm256_permutevar8x32_epi32(
        _mm256_packus_epi16(s01, s23),
        _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7),
    )
}
