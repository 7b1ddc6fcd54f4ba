//! Differ tests: every kernel level against a pixel-by-pixel reference.

use super::*;
use crate::Rect;

/// Deterministic xorshift so failures reproduce.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u32) -> u32 {
        (self.next() % n as u64) as u32
    }
}

/// A strided buffer with padding bytes that differ between the two frames (they must be ignored).
fn strided(width: u32, height: u32, pad: usize, seed: u64, padding: u8) -> (Vec<u8>, usize) {
    let stride = width as usize * 4 + pad;
    let mut rng = Rng(seed);
    let mut buf = vec![padding; stride * height as usize];
    for y in 0..height as usize {
        for b in &mut buf[y * stride..y * stride + width as usize * 4] {
            *b = rng.next() as u8;
        }
    }
    (buf, stride)
}

fn reference(base: &FrameView<'_>, new: &FrameView<'_>, block: u32) -> DirtyMap {
    let mut map = DirtyMap::new(base.width(), base.height(), block);
    for y in 0..base.height() {
        for x in 0..base.width() {
            if base.pixel(x, y) != new.pixel(x, y) {
                map.set(x / block, y / block, true);
            }
        }
    }
    map
}

fn check_all_levels(base: &FrameView<'_>, new: &FrameView<'_>, block: u32) {
    let want = reference(base, new, block);
    for level in CpuLevel::available() {
        let got = diff_with(level, block, base, new).unwrap();
        assert_eq!(
            got,
            want,
            "level {level:?}, {}x{}, block {block}",
            base.width(),
            base.height()
        );
    }
}

#[test]
fn parity_at_awkward_widths_and_strides() {
    for &width in &[1u32, 7, 17, 33, 65, 1921] {
        for &pad in &[0usize, 3, 64] {
            let height = if width > 1000 { 70 } else { 67 };
            let (a, stride) = strided(width, height, pad, 7 + width as u64, 0);
            let mut b = a.clone();
            // Padding differs between the two buffers and must not count.
            for y in 0..height as usize {
                for p in &mut b[y * stride + width as usize * 4..(y + 1) * stride] {
                    *p = 0xAA;
                }
            }
            let mut rng = Rng(99 + pad as u64);
            // Touch a handful of random single bytes, then the last byte of a row and of the frame.
            let last_row = (height as usize - 1) * stride;
            let picks = [
                rng.below(height) as usize * stride + rng.below(width * 4) as usize,
                rng.below(height) as usize * stride + rng.below(width * 4) as usize,
                17 * stride + width as usize * 4 - 1,
                last_row + width as usize * 4 - 1,
            ];
            for (n, &at) in picks.iter().enumerate() {
                b[at] ^= 0x80;
                for block in [16, 32, 64] {
                    let va = FrameView::new(&a, width, height, stride).unwrap();
                    let vb = FrameView::new(&b, width, height, stride).unwrap();
                    check_all_levels(&va, &vb, block);
                    if n == 0 {
                        // Nothing else changed yet: exactly one dirty block.
                        assert_eq!(reference(&va, &vb, block).count(), 1);
                    }
                }
            }
        }
    }
}

#[test]
fn last_pixel_of_each_block_is_seen() {
    let (w, h) = (1921u32, 97u32);
    let base = crate::Frame::filled(w, h, [10, 20, 30, 255]).unwrap();
    for level in CpuLevel::available() {
        for (col, row) in [(0u32, 0u32), (3, 1), (60, 3), (59, 2)] {
            let mut new = base.clone();
            let r = DirtyMap::new(w, h, BLOCK_SIZE).block_rect(col, row);
            let corner = Rect::new(r.x + r.width - 1, r.y + r.height - 1, 1, 1);
            new.view_mut()
                .sub_mut(corner)
                .unwrap()
                .fill([10, 20, 31, 255]);
            let map = diff_with(level, BLOCK_SIZE, &base.view(), &new.view()).unwrap();
            assert_eq!(
                map.iter_dirty().collect::<Vec<_>>(),
                vec![(col, row)],
                "{level:?}"
            );
        }
    }
}

#[test]
fn identical_and_all_changed() {
    let a = crate::Frame::filled(100, 70, [1, 2, 3, 4]).unwrap();
    let b = crate::Frame::filled(100, 70, [1, 2, 3, 5]).unwrap();
    assert!(diff(&a.view(), &a.view()).unwrap().is_clean());
    let all = diff(&a.view(), &b.view()).unwrap();
    assert_eq!(all.count(), (all.cols() * all.rows()) as usize);
    assert_eq!(
        all.block_rect(all.cols() - 1, all.rows() - 1),
        Rect::new(96, 64, 4, 6)
    );
}

#[test]
fn size_mismatch_is_an_error() {
    let a = crate::Frame::new(100, 70).unwrap();
    let b = crate::Frame::new(100, 71).unwrap();
    assert_eq!(
        diff(&a.view(), &b.view()).unwrap_err(),
        Error::SizeMismatch {
            width: 100,
            height: 70,
            got_width: 100,
            got_height: 71
        }
    );
}
