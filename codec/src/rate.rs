//! The quantizer of hot (changing) natural content, following a byte budget per frame.
//!
//! Intra-only AV1 makes a playing video cost tens of kilobytes a frame. On a link that carries
//! less than that per captured frame, frames queue and the picture lags behind the screen; a
//! real-time sender would rather send each frame coarser. [`HotRate`] raises the hot quantizer
//! when an update's hot AV1 bytes overrun the room the budget leaves them, and lowers it again
//! (never below the configured one) when they fit with room to spare. Still content is refined
//! at its own quality later, whatever the budget was.

/// Quantizer steps per halving of the bytes at first, measured on the `video` scene: quantizer
/// 150 → 170 took the bytes from 5.8 to 3.6 Mbit/s (×0.62), about 29 steps per halving. The
/// rate learns the content's own from the updates it sees (smooth photos in small tiles need
/// three times as many), within these bounds.
const STEPS_PER_HALVING: f64 = 29.0;
const STEPS_PER_HALVING_RANGE: std::ops::RangeInclusive<f64> = 10.0..=120.0;
/// Largest change per update, down and up: the bytes of one frame predict the next one's only
/// roughly (content changes), so the quantizer moves in bounded steps.
const MAX_STEP_DOWN: f64 = 20.0;
const MAX_STEP_UP: f64 = 40.0;
/// Hot bytes between these fractions of their room leave the quantizer alone; outside, it
/// moves them towards [`TARGET`]. Aiming below the budget keeps the link from filling on the
/// next, slightly larger, frame and leaves room for the update's op table.
const SETTLED: std::ops::RangeInclusive<f64> = 0.6..=0.9;
const TARGET: f64 = 0.75;
/// The least room hot content gets, as a fraction of the budget, however much the rest of
/// the update took.
const MIN_ROOM: u64 = 4;

/// See the module docs.
#[derive(Debug, Clone)]
pub(crate) struct HotRate {
    floor: u8,
    quantizer: u8,
    budget: Option<u64>,
    /// Quantizer steps that halve the hot bytes of the current content, as learnt.
    steps_per_halving: f64,
    /// The quantizer and hot bytes of the last update with natural content.
    last: Option<(u8, u64)>,
}

impl HotRate {
    /// Starts at `floor`, the configured hot quantizer, with no budget.
    pub(crate) fn new(floor: u8) -> Self {
        Self {
            floor,
            quantizer: floor,
            budget: None,
            steps_per_halving: STEPS_PER_HALVING,
            last: None,
        }
    }

    /// Bytes an update may take (`None`: no bound, the configured quantizer).
    pub(crate) fn set_budget(&mut self, budget: Option<u64>) {
        self.budget = budget.map(|b| b.max(1));
        if budget.is_none() {
            self.quantizer = self.floor;
        }
    }

    /// The quantizer for the next update's hot AV1 rects.
    pub(crate) fn quantizer(&self) -> u8 {
        self.quantizer
    }

    /// Learns from an update: `hot` bytes of hot AV1 payloads, `other` bytes of the rest.
    pub(crate) fn observe(&mut self, hot: u64, other: u64) {
        let Some(budget) = self.budget else { return };
        if hot == 0 {
            // Nothing natural changed: nothing to learn (a paused video keeps its setting).
            return;
        }
        self.learn_slope(hot);
        let room = budget.saturating_sub(other).max(budget / MIN_ROOM).max(1);
        let ratio = hot as f64 / room as f64;
        if SETTLED.contains(&ratio) {
            return;
        }
        let step = (self.steps_per_halving * (ratio / TARGET).log2()).round();
        // At least one step out of the band, at most the bound.
        let step = step
            .abs()
            .max(1.0)
            .copysign(step)
            .clamp(-MAX_STEP_DOWN, MAX_STEP_UP);
        let next = f64::from(self.quantizer) + step;
        self.quantizer = next.clamp(f64::from(self.floor), 255.0) as u8;
    }

    /// Compares `hot` bytes at the current quantizer with the last update's: when the
    /// quantizer moved and the bytes moved the other way, their ratio tells how many steps
    /// halve the bytes of this content (half-trusted: content changes too).
    fn learn_slope(&mut self, hot: u64) {
        let now = (self.quantizer, hot);
        let Some((quantizer, bytes)) = self.last.replace(now) else {
            return;
        };
        let steps = f64::from(self.quantizer) - f64::from(quantizer);
        let halvings = (bytes as f64 / hot as f64).log2();
        if steps * halvings > 0.0 && halvings.abs() >= 0.05 {
            let measured = (steps / halvings).clamp(
                *STEPS_PER_HALVING_RANGE.start(),
                *STEPS_PER_HALVING_RANGE.end(),
            );
            self.steps_per_halving = (self.steps_per_halving + measured) / 2.0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_a_budget_the_configured_quantizer_holds() {
        let mut rate = HotRate::new(150);
        rate.observe(1_000_000, 0);
        assert_eq!(rate.quantizer(), 150);
    }

    #[test]
    fn overruns_raise_it_in_bounded_steps_and_room_to_spare_lowers_it_to_the_floor() {
        let mut rate = HotRate::new(150);
        rate.set_budget(Some(8_000));
        // Four times the budget: 70 steps to three quarters of it; one update moves 40 at most.
        rate.observe(32_000, 0);
        assert_eq!(rate.quantizer(), 190);
        // Within the settled band (aiming a little below the budget): no change.
        rate.observe(6_000, 0);
        assert_eq!(rate.quantizer(), 190);
        // Text in the same update leaves less room for the photo: 6 KB now overruns 3 KB.
        // (The first two updates taught it that this content halves in ~23 steps.)
        rate.observe(6_000, 5_000);
        assert_eq!(rate.quantizer(), 222);
        // A quarter of the room: down by at most 20 per update, never below the floor.
        for _ in 0..10 {
            rate.observe(2_000, 0);
        }
        assert_eq!(rate.quantizer(), 150);
        // Updates without natural content teach nothing.
        rate.observe(0, 100_000);
        assert_eq!(rate.quantizer(), 150);
    }

    #[test]
    fn the_quantizer_never_passes_255_and_dropping_the_budget_resets_it() {
        let mut rate = HotRate::new(150);
        rate.set_budget(Some(100));
        for _ in 0..10 {
            rate.observe(1_000_000, 0);
        }
        assert_eq!(rate.quantizer(), 255);
        rate.set_budget(None);
        assert_eq!(rate.quantizer(), 150);
    }
}
