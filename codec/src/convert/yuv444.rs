//! BGRA8 → YUV 4:4:4 (BT.709) row kernel: the hot conversion in front of the AV1 encoder.
//!
//! Fixed point with 7-bit coefficients, as libyuv does: each output is
//! `(cb·B + cg·G + cr·R + offset·128 + 64) >> 7`, clamped to 0..=255. The AVX2 kernel computes
//! exactly this integer formula (no intermediate can saturate), so every level is bit-exact
//! with the scalar reference. The 7-bit rounding of the coefficients costs at most ~1 level
//! against the float definition; AV1 quantisation dwarfs that, and lossless tiles never convert.

use crate::convert::Range;
use crate::CpuLevel;

/// Coefficients `[cb, cg, cr]` ×128 for Y, U, V, and Y's offset ×128 (+64 for rounding).
#[derive(Debug, Clone, Copy)]
pub(super) struct Coefficients {
    pub(super) y: [i8; 3],
    pub(super) u: [i8; 3],
    pub(super) v: [i8; 3],
    pub(super) y_add: i16,
}

/// 128 × the BT.709 matrix, rounded so that each row sums exactly (grey stays grey).
const FULL: Coefficients = Coefficients {
    y: [9, 92, 27],
    u: [64, -49, -15],
    v: [-6, -58, 64],
    y_add: 64,
};

/// As [`FULL`], scaled by 219/255 (Y) and 224/255 (UV), Y offset 16.
const LIMITED: Coefficients = Coefficients {
    y: [8, 79, 23],
    u: [56, -43, -13],
    v: [-5, -51, 56],
    y_add: 16 * 128 + 64,
};

/// U and V are centred on 128.
pub(super) const UV_ADD: i32 = 128 * 128 + 64;

impl Coefficients {
    pub(super) fn for_range(range: Range) -> &'static Coefficients {
        match range {
            Range::Full => &FULL,
            Range::Limited => &LIMITED,
        }
    }
}

/// Converts one row: `bgra.len() == 4 * y.len()`, and `u`, `v` as long as `y`.
pub(super) type RowKernel = fn(&[u8], &mut [u8], &mut [u8], &mut [u8], &Coefficients);

/// The kernel for a CPU level.
pub(super) fn kernel(level: CpuLevel) -> RowKernel {
    match level {
        #[cfg(target_arch = "x86_64")]
        CpuLevel::Avx2 => super::yuv444_avx2::convert_row,
        _ => convert_row,
    }
}

#[inline]
fn dot(px: &[u8], c: [i8; 3], add: i32) -> u8 {
    let sum = c[0] as i32 * px[0] as i32 + c[1] as i32 * px[1] as i32 + c[2] as i32 * px[2] as i32;
    ((sum + add) >> 7).clamp(0, 255) as u8
}

/// The scalar reference kernel.
pub(super) fn convert_row(bgra: &[u8], y: &mut [u8], u: &mut [u8], v: &mut [u8], c: &Coefficients) {
    let rows = bgra
        .chunks_exact(4)
        .zip(y.iter_mut())
        .zip(u.iter_mut().zip(v.iter_mut()));
    for ((px, y), (u, v)) in rows {
        *y = dot(px, c.y, c.y_add as i32);
        *u = dot(px, c.u, UV_ADD);
        *v = dot(px, c.v, UV_ADD);
    }
}
