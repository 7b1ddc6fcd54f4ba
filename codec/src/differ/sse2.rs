//! SSE2 kernel (x86-64 baseline): index of the first differing byte, 64 bytes per step.

use std::arch::x86_64::*;

/// Exact index of the first byte where `a` and `b` differ; `None` when equal.
pub(super) fn first_mismatch(a: &[u8], b: &[u8]) -> Option<usize> {
    assert_eq!(a.len(), b.len());
    let n = a.len();
    let (pa, pb) = (a.as_ptr(), b.as_ptr());
    let mut i = 0;
    while i + 64 <= n {
        // SAFETY: SSE2 is part of x86-64; `i + 64 <= n` keeps all four 16-byte loads inside both
        // slices, and `loadu` has no alignment requirement.
        let equal = unsafe {
            let x0 = _mm_xor_si128(
                _mm_loadu_si128(pa.add(i).cast()),
                _mm_loadu_si128(pb.add(i).cast()),
            );
            let x1 = _mm_xor_si128(
                _mm_loadu_si128(pa.add(i + 16).cast()),
                _mm_loadu_si128(pb.add(i + 16).cast()),
            );
            let x2 = _mm_xor_si128(
                _mm_loadu_si128(pa.add(i + 32).cast()),
                _mm_loadu_si128(pb.add(i + 32).cast()),
            );
            let x3 = _mm_xor_si128(
                _mm_loadu_si128(pa.add(i + 48).cast()),
                _mm_loadu_si128(pb.add(i + 48).cast()),
            );
            let any = _mm_or_si128(_mm_or_si128(x0, x1), _mm_or_si128(x2, x3));
            _mm_movemask_epi8(_mm_cmpeq_epi8(any, _mm_setzero_si128())) == 0xffff
        };
        if !equal {
            return super::scalar::first_mismatch(&a[i..i + 64], &b[i..i + 64]).map(|o| i + o);
        }
        i += 64;
    }
    super::scalar::first_mismatch(&a[i..], &b[i..]).map(|o| i + o)
}
