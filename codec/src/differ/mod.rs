//! Dirty-block differ: compares a new frame with the base frame block by block.
//!
//! Rows are scanned in memory order. While a band of blocks has no dirty block yet, a whole
//! row is one comparison; once a block is dirty, the rest of its rows are skipped (early exit),
//! so an all-changed frame costs about one row per band. The byte comparison itself is an ISA
//! kernel (`scalar`, `sse2`, `avx2`) chosen once at run time.

#[cfg(target_arch = "x86_64")]
mod avx2;
mod dirty_map;
mod scalar;
#[cfg(target_arch = "x86_64")]
mod sse2;

pub use dirty_map::DirtyMap;

use crate::{CpuLevel, Error, FrameView, Rect, Result};

/// Edge of a differ block in pixels. Divides the AV1 superblock (64), so block rects tile it.
/// The scan costs the same at 16, 32 or 64 (`benches/diff`, docs/benchmarks.md); 32 keeps
/// dirty areas, and so encodes, small.
pub const BLOCK_SIZE: u32 = 32;

/// The grid blocks (column, row) that `rect` touches, in raster order.
pub(crate) fn blocks_touched(rect: Rect) -> impl Iterator<Item = (u32, u32)> {
    let cols = rect.x / BLOCK_SIZE..(rect.right() as u32).div_ceil(BLOCK_SIZE);
    let rows = rect.y / BLOCK_SIZE..(rect.bottom() as u32).div_ceil(BLOCK_SIZE);
    rows.flat_map(move |row| cols.clone().map(move |col| (col, row)))
}

/// Returns the exact index of the first byte where `a` and `b` differ (`a.len() == b.len()`).
type Kernel = fn(&[u8], &[u8]) -> Option<usize>;

/// Compares `new` with `base` and marks every [`BLOCK_SIZE`]² block that differs in any byte.
///
/// # Errors
/// [`Error::SizeMismatch`] when the frames differ in size.
pub fn diff(base: &FrameView<'_>, new: &FrameView<'_>) -> Result<DirtyMap> {
    diff_with(CpuLevel::detected(), BLOCK_SIZE, base, new)
}

/// [`diff`] at a chosen kernel level and block size, for parity tests and benches.
///
/// `level` is lowered to what this CPU supports; `block` is clamped to 8..=256.
///
/// # Errors
/// [`Error::SizeMismatch`] when the frames differ in size.
#[doc(hidden)]
pub fn diff_with(
    level: CpuLevel,
    block: u32,
    base: &FrameView<'_>,
    new: &FrameView<'_>,
) -> Result<DirtyMap> {
    if base.width() != new.width() || base.height() != new.height() {
        return Err(Error::SizeMismatch {
            width: base.width(),
            height: base.height(),
            got_width: new.width(),
            got_height: new.height(),
        });
    }
    let mut map = DirtyMap::new(base.width(), base.height(), block.clamp(8, 256));
    scan(kernel(level.min(CpuLevel::detected())), base, new, &mut map);
    Ok(map)
}

fn kernel(level: CpuLevel) -> Kernel {
    match level {
        CpuLevel::Scalar => scalar::first_mismatch,
        #[cfg(target_arch = "x86_64")]
        CpuLevel::Sse2 => sse2::first_mismatch,
        #[cfg(target_arch = "x86_64")]
        CpuLevel::Avx2 => avx2::first_mismatch,
    }
}

fn scan(kernel: Kernel, base: &FrameView<'_>, new: &FrameView<'_>, map: &mut DirtyMap) {
    let block = map.block_size();
    let block_bytes = block as usize * 4;
    let cols = map.cols() as usize;
    for band in 0..map.rows() {
        let dirty = map.band_mut(band);
        let mut clean = cols;
        let y_end = ((band + 1) * block).min(base.height());
        for y in band * block..y_end {
            let (a, b) = (base.row(y), new.row(y));
            if clean == cols {
                // Fast path: nothing dirty in this band yet, so the row is one comparison.
                let Some(at) = kernel(a, b) else { continue };
                let col = at / block_bytes;
                dirty[col] = true;
                clean -= 1;
                let rest = ((col + 1) * block_bytes).min(a.len());
                clean -= mark_rest(
                    kernel,
                    &a[rest..],
                    &b[rest..],
                    &mut dirty[col + 1..],
                    block_bytes,
                );
            } else {
                clean -= mark_rest(kernel, a, b, dirty, block_bytes);
            }
            if clean == 0 {
                break;
            }
        }
    }
}

/// Compares the still-clean blocks of one row (`a`, `b` start at block `dirty[0]`),
/// marks the ones that differ, and returns how many it marked.
fn mark_rest(kernel: Kernel, a: &[u8], b: &[u8], dirty: &mut [bool], block_bytes: usize) -> usize {
    let mut marked = 0;
    let mut col = 0;
    while col < dirty.len() {
        if dirty[col] {
            col += 1;
            continue;
        }
        let end = dirty[col..]
            .iter()
            .position(|&d| d)
            .map_or(dirty.len(), |n| col + n);
        let (from, to) = (col * block_bytes, (end * block_bytes).min(a.len()));
        match kernel(&a[from..to], &b[from..to]) {
            None => col = end,
            Some(at) => {
                let hit = col + at / block_bytes;
                dirty[hit] = true;
                marked += 1;
                col = hit + 1;
            }
        }
    }
    marked
}

#[cfg(test)]
mod tests;
