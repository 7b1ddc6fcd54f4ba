//! Portable reference kernel: index of the first differing byte.

/// Exact index of the first byte where `a` and `b` differ; `None` when equal.
pub(super) fn first_mismatch(a: &[u8], b: &[u8]) -> Option<usize> {
    debug_assert_eq!(a.len(), b.len());
    // Eight bytes at a time, then the exact byte inside the differing word.
    let words = a.len() / 8;
    for (i, (wa, wb)) in a.chunks_exact(8).zip(b.chunks_exact(8)).enumerate() {
        let x =
            u64::from_le_bytes(wa.try_into().unwrap()) ^ u64::from_le_bytes(wb.try_into().unwrap());
        if x != 0 {
            return Some(i * 8 + (x.trailing_zeros() / 8) as usize);
        }
    }
    let tail = words * 8;
    a[tail..]
        .iter()
        .zip(&b[tail..])
        .position(|(x, y)| x != y)
        .map(|i| tail + i)
}
