//! How much refinement the link to the viewer can take: none while updates are in flight, and
//! per update no more than the link delivers in [`REFINE_SLICE`], from a delivery-rate
//! estimate made of the viewer's acknowledgements.
//!
//! Refinement (still lossy blocks re-sent near-losslessly) is never urgent, but its updates are
//! the largest a still screen sends. On a slow uplink they would queue in front of the next
//! change, so the next change waits for them: a 2 Mbit/s link takes 120 ms for one 30 KB
//! refinement. Held while anything is in flight, refinement goes out only on an idle link; cut
//! to a slice of the link's rate, it holds the next change up by at most that slice.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// Link time one refinement update may take at most.
pub(super) const REFINE_SLICE: Duration = Duration::from_millis(50);

/// Bytes a refined pixel costs, for turning bytes into a pixel budget: refinement updates of
/// 64 blocks (65,536 pixels) of real photos were 24–40 KB (session 7 and 8 recordings).
const BYTES_PER_REFINED_PIXEL: f64 = 0.5;

/// Updates smaller than this say more about round trip and decoding than about the link.
const MIN_SAMPLE_BYTES: u64 = 16 * 1024;

/// Rate samples kept; the estimate is their largest (a sample can only underestimate: the
/// viewer may have been decoding, or the host had nothing more to send).
const SAMPLES: usize = 8;

/// Delivery-rate estimate of the link, and the refinement budget it allows.
#[derive(Debug)]
pub(super) struct Link {
    /// Updates sent and not yet acknowledged: sequence, when sent, bytes.
    in_flight: VecDeque<(u64, Instant, u64)>,
    /// When the last acknowledgement came.
    last_ack: Option<Instant>,
    /// Recent delivery rates, bytes per second.
    samples: VecDeque<f64>,
    /// Refinement pixels per update when the link is idle and fast enough.
    full_budget: u64,
}

impl Link {
    /// A link not measured yet: the full budget until a large update has been acknowledged.
    pub(super) fn new(full_budget: u64) -> Self {
        Self {
            in_flight: VecDeque::new(),
            last_ack: None,
            samples: VecDeque::new(),
            full_budget,
        }
    }

    /// Update `sequence`, `bytes` long, went out at `now`.
    pub(super) fn sent(&mut self, sequence: u64, bytes: u64, now: Instant) {
        self.in_flight.push_back((sequence, now, bytes));
    }

    /// The viewer acknowledged `sequence` at `now`. The link delivered its bytes from when it
    /// was sent or, if later, when the update before it was acknowledged, until now.
    pub(super) fn acked(&mut self, sequence: u64, now: Instant) {
        while let Some(&(front, sent, bytes)) = self.in_flight.front() {
            if front > sequence {
                break;
            }
            self.in_flight.pop_front();
            if front == sequence && bytes >= MIN_SAMPLE_BYTES {
                let start = self.last_ack.map_or(sent, |ack| ack.max(sent));
                let took = now.saturating_duration_since(start).as_secs_f64();
                if took > 0.0 {
                    if self.samples.len() == SAMPLES {
                        self.samples.pop_front();
                    }
                    self.samples.push_back(bytes as f64 / took);
                }
            }
        }
        self.last_ack = Some(now);
    }

    /// Bytes per second the link has been seen to deliver, once measured.
    pub(super) fn rate(&self) -> Option<f64> {
        self.samples.iter().copied().reduce(f64::max)
    }

    /// Pixels the next update may refine: 0 while anything is in flight, else what the link
    /// carries in [`REFINE_SLICE`] (at most the full budget, at least one 32×32 block).
    pub(super) fn refine_budget(&self) -> u64 {
        if !self.in_flight.is_empty() {
            return 0;
        }
        match self.rate() {
            None => self.full_budget,
            Some(rate) => {
                let pixels = rate * REFINE_SLICE.as_secs_f64() / BYTES_PER_REFINED_PIXEL;
                (pixels as u64).clamp(32 * 32, self.full_budget)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FULL: u64 = 256 * 256;

    #[test]
    fn an_unmeasured_idle_link_gets_the_full_budget_and_a_busy_one_none() {
        let t = Instant::now();
        let mut link = Link::new(FULL);
        assert_eq!(link.refine_budget(), FULL);
        link.sent(1, 500, t);
        assert_eq!(link.refine_budget(), 0, "an update is in flight");
        link.acked(1, t + Duration::from_millis(5));
        // A small update says nothing about the rate.
        assert_eq!(link.rate(), None);
        assert_eq!(link.refine_budget(), FULL);
    }

    #[test]
    fn a_two_megabit_link_refines_what_it_sends_in_fifty_milliseconds() {
        let t = Instant::now();
        let mut link = Link::new(FULL);
        // 50 KB delivered in 200 ms: 250 KB/s, 2 Mbit/s.
        link.sent(1, 50_000, t);
        link.acked(1, t + Duration::from_millis(200));
        assert_eq!(link.rate(), Some(250_000.0));
        // 250 KB/s × 50 ms = 12.5 KB, at half a byte a pixel.
        assert_eq!(link.refine_budget(), 25_000);
    }

    #[test]
    fn back_to_back_updates_are_timed_from_the_ack_before_them() {
        let t = Instant::now();
        let mut link = Link::new(FULL);
        link.sent(1, 40_000, t);
        link.sent(2, 40_000, t);
        link.acked(1, t + Duration::from_millis(100));
        // Update 2 waited behind update 1: its 40 KB took the next 100 ms, not 200.
        link.acked(2, t + Duration::from_millis(200));
        assert_eq!(link.rate(), Some(400_000.0));
    }

    #[test]
    fn a_fast_link_keeps_the_full_budget_and_the_fastest_recent_sample_counts() {
        let t = Instant::now();
        let mut link = Link::new(FULL);
        // 100 Mbit/s.
        link.sent(1, 125_000, t);
        link.acked(1, t + Duration::from_millis(10));
        assert_eq!(link.refine_budget(), FULL);
        // A slow sample (the viewer was busy decoding) does not lower the estimate.
        link.sent(2, 20_000, t + Duration::from_millis(20));
        link.acked(2, t + Duration::from_millis(420));
        assert_eq!(link.rate(), Some(12_500_000.0));
        // A very slow link still refines a block at a time.
        let mut slow = Link::new(FULL);
        slow.sent(1, 20_000, t);
        slow.acked(1, t + Duration::from_secs(10));
        assert_eq!(slow.refine_budget(), 32 * 32);
    }
}
