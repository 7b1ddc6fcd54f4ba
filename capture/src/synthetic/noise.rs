//! Seeded randomness and smooth noise for the scenes, written out so that the same seed gives
//! the same bytes on every platform (no `libm` transcendental functions, no external RNG whose
//! stream could change between versions).

/// SplitMix64: tiny, fast and well distributed; plenty for picking words and colours.
#[derive(Debug, Clone)]
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Self {
        Self(seed ^ 0x6d65_656b_696a_6b00)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`).
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// Uniform in `lo..=hi`.
    pub(crate) fn range(&mut self, lo: i32, hi: i32) -> i32 {
        lo + self.below((hi - lo + 1).max(1) as u64) as i32
    }

    /// One element of a non-empty slice.
    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// True with probability `percent`/100.
    pub(crate) fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// A hash of lattice coordinates to 0..=255, the base of the value noise.
fn lattice(x: i32, y: i32, seed: u32) -> u32 {
    let mut h = (x as u32).wrapping_mul(0x27d4_eb2d) ^ (y as u32).wrapping_mul(0x1656_67b1) ^ seed;
    h ^= h >> 15;
    h = h.wrapping_mul(0x2c1b_3c6d);
    h ^= h >> 12;
    h = h.wrapping_mul(0x297a_2d39);
    h ^= h >> 15;
    h & 0xff
}

/// Smoothstep weight in 1/256 units for a fraction in 0..256.
fn fade(t: u32) -> u32 {
    // 3t² − 2t³ in fixed point.
    (t * t * (768 - 2 * t)) >> 16
}

/// Value noise (0..=255) at (`x`, `y`) with lattice cells of `cell` pixels, periodic in x with
/// `period_x` cells so that panned layers wrap without a seam.
pub(crate) fn value_noise(x: i32, y: i32, cell: i32, period_x: i32, seed: u32) -> u32 {
    let cell = cell.max(1);
    let (cx, cy) = (x.div_euclid(cell), y.div_euclid(cell));
    let fx = (x.rem_euclid(cell) * 256 / cell) as u32;
    let fy = (y.rem_euclid(cell) * 256 / cell) as u32;
    let (wx, wy) = (fade(fx), fade(fy));
    let period = period_x.max(1);
    let (x0, x1) = (cx.rem_euclid(period), (cx + 1).rem_euclid(period));
    let top = lattice(x0, cy, seed) * (256 - wx) + lattice(x1, cy, seed) * wx;
    let bottom = lattice(x0, cy + 1, seed) * (256 - wx) + lattice(x1, cy + 1, seed) * wx;
    (top * (256 - wy) + bottom * wy) >> 16
}

/// Fractal (four-octave) value noise, 0..=255; `cell` is the largest feature size.
pub(crate) fn fractal(x: i32, y: i32, cell: i32, period_x: i32, seed: u32) -> u32 {
    let mut sum = 0;
    let mut weight = 8;
    let mut total = 0;
    let (mut c, mut p) = (cell.max(1), period_x.max(1));
    for octave in 0..4 {
        sum += value_noise(x, y, c, p, seed.wrapping_add(octave * 101)) * weight;
        total += weight;
        weight /= 2;
        c = (c / 2).max(1);
        p *= 2;
    }
    sum / total
}

/// sin(2π·`phase`/65536) × 1024, from a fixed polynomial: identical everywhere.
pub(crate) fn sin_q(phase: u32) -> i32 {
    let p = (phase & 0xffff) as i64;
    // Fold into the first half-period and use Bhaskara's approximation (error < 0.2 %).
    let (p, sign) = if p >= 32768 { (p - 32768, -1) } else { (p, 1) };
    let x = p * 2880 / 32768; // sixteenths of a degree, 0..2880
    let num = 4 * x * (2880 - x);
    let den = 40500 * 256 - x * (2880 - x);
    (sign * num * 1024 / den) as i32
}

/// cos counterpart of [`sin_q`].
pub(crate) fn cos_q(phase: u32) -> i32 {
    sin_q(phase.wrapping_add(16384))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sine_has_the_right_shape() {
        assert_eq!(sin_q(0), 0);
        assert_eq!(sin_q(16384), 1024);
        assert_eq!(sin_q(49152), -1024);
        assert!(cos_q(0) == 1024);
    }

    #[test]
    fn noise_is_periodic_and_in_range() {
        for y in 0..40 {
            for x in 0..40 {
                let v = value_noise(x, y, 8, 5, 7);
                assert!(v <= 255);
                assert_eq!(v, value_noise(x + 40, y, 8, 5, 7));
            }
        }
    }
}
