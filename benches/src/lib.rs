//! Shared helpers for the criterion benches: deterministic, seeded test frames.

use meekijk_codec::Frame;

/// A frame of seeded pseudo-random pixels (opaque): worst case for compressors, typical for
/// the differ, which only reads bytes.
pub fn noise_frame(width: u32, height: u32, seed: u64) -> Frame {
    let mut state = seed | 1;
    let mut data = vec![0u8; width as usize * height as usize * 4];
    for px in data.chunks_exact_mut(8) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        px.copy_from_slice(&(state | 0xff00_0000_ff00_0000).to_le_bytes());
    }
    Frame::from_vec(data, width, height).expect("bench sizes are valid")
}

/// 1920×1080 and 3840×2160, with the names the bench ids use.
pub const SIZES: [(&str, u32, u32); 2] = [("1080p", 1920, 1080), ("4k", 3840, 2160)];
