//! AVX2 kernel: index of the first differing byte, 128 bytes per step.

use std::arch::x86_64::*;

/// Exact index of the first byte where `a` and `b` differ; `None` when equal.
///
/// Only reachable through `CpuLevel::Avx2`, which is selected after run-time detection.
pub(super) fn first_mismatch(a: &[u8], b: &[u8]) -> Option<usize> {
    assert_eq!(a.len(), b.len());
    // SAFETY: the dispatcher picks this kernel only when `is_x86_feature_detected!("avx2")`
    // held (`CpuLevel::best_supported`), so the AVX2 instructions exist on this CPU.
    unsafe { first_mismatch_avx2(a, b) }
}

#[target_feature(enable = "avx2")]
unsafe fn first_mismatch_avx2(a: &[u8], b: &[u8]) -> Option<usize> {
    let n = a.len();
    let (pa, pb) = (a.as_ptr(), b.as_ptr());
    let mut i = 0;
    while i + 128 <= n {
        // SAFETY: `i + 128 <= n` keeps all four 32-byte loads inside both slices (same length);
        // `loadu` has no alignment requirement.
        let equal = unsafe {
            let x0 = _mm256_xor_si256(
                _mm256_loadu_si256(pa.add(i).cast()),
                _mm256_loadu_si256(pb.add(i).cast()),
            );
            let x1 = _mm256_xor_si256(
                _mm256_loadu_si256(pa.add(i + 32).cast()),
                _mm256_loadu_si256(pb.add(i + 32).cast()),
            );
            let x2 = _mm256_xor_si256(
                _mm256_loadu_si256(pa.add(i + 64).cast()),
                _mm256_loadu_si256(pb.add(i + 64).cast()),
            );
            let x3 = _mm256_xor_si256(
                _mm256_loadu_si256(pa.add(i + 96).cast()),
                _mm256_loadu_si256(pb.add(i + 96).cast()),
            );
            let any = _mm256_or_si256(_mm256_or_si256(x0, x1), _mm256_or_si256(x2, x3));
            _mm256_testz_si256(any, any) == 1
        };
        if !equal {
            return super::scalar::first_mismatch(&a[i..i + 128], &b[i..i + 128]).map(|o| i + o);
        }
        i += 128;
    }
    while i + 32 <= n {
        // SAFETY: `i + 32 <= n` keeps the 32-byte loads inside both slices.
        let equal = unsafe {
            let x = _mm256_xor_si256(
                _mm256_loadu_si256(pa.add(i).cast()),
                _mm256_loadu_si256(pb.add(i).cast()),
            );
            _mm256_testz_si256(x, x) == 1
        };
        if !equal {
            break;
        }
        i += 32;
    }
    super::scalar::first_mismatch(&a[i..], &b[i..]).map(|o| i + o)
}
