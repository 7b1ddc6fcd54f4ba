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

/// Photo-like content: gradients, waves and multi-octave value noise with a little grain.
pub fn photo_frame(width: u32, height: u32, seed: u64) -> Frame {
    let mut state = seed | 1;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let side = |cell: f32| (width.max(height) as f32 / cell) as usize + 2;
    let octaves: Vec<(f32, f32, Vec<f32>)> = [(32.0, 40.0), (16.0, 20.0), (8.0, 10.0), (4.0, 5.0)]
        .into_iter()
        .map(|(cell, amp)| {
            let n = side(cell).pow(2);
            let lattice = (0..n)
                .map(|_| (next() % 1000) as f32 / 1000.0 - 0.5)
                .collect();
            (cell, amp, lattice)
        })
        .collect();
    let mut data = Vec::with_capacity(width as usize * height as usize * 4);
    for y in 0..height {
        for x in 0..width {
            let (fx, fy) = (x as f32, y as f32);
            let mut smooth = 0.0;
            for (cell, amp, lattice) in &octaves {
                let (gx, gy) = (fx / cell, fy / cell);
                let (ix, iy) = (gx as usize, gy as usize);
                let (tx, ty) = (gx - ix as f32, gy - iy as f32);
                let at = |dx: usize, dy: usize| lattice[(iy + dy) * side(*cell) + ix + dx];
                let top = at(0, 0) * (1.0 - tx) + at(1, 0) * tx;
                let bottom = at(0, 1) * (1.0 - tx) + at(1, 1) * tx;
                smooth += amp * (top * (1.0 - ty) + bottom * ty);
            }
            let grain = (next() % 3) as f32 - 1.0;
            let r = 120.0 + 40.0 * (fx / 53.0).sin() + 0.2 * fy + smooth + grain;
            let g = 100.0 + 0.3 * fx + 30.0 * ((fx + fy) / 71.0).sin() + 0.8 * smooth + grain;
            let b = 150.0 + 40.0 * ((fx - fy) / 67.0).cos() - 0.6 * smooth + grain;
            data.extend_from_slice(&[b as u8, g as u8, r as u8, 255]);
        }
    }
    Frame::from_vec(data, width, height).expect("bench sizes are valid")
}
