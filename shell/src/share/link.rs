//! What the link to the viewer can take: how many bytes may be in flight, and how much
//! refinement an update may carry, from the rate and round trip the viewer's
//! acknowledgements show.
//!
//! Updates go out as long as the bytes in flight stay under what the link holds (rate × round
//! trip) plus [`QUEUE`] of the link's time: latest state wins, so a slow uplink sends fewer,
//! fresher updates instead of a queue of stale ones (a video on a 2 Mbit/s link with three
//! updates in flight showed each frame 340 ms late). Refinement (still lossy blocks re-sent
//! near-losslessly) is never urgent but makes the largest updates of a still screen: it gets
//! only the room left under that bound, so it never queues in front of the next change.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// Link time an update may wait behind those before it.
pub(super) const QUEUE: Duration = Duration::from_millis(50);

/// Bytes a refined pixel costs, for turning bytes into a pixel budget: refinement updates of
/// 64 blocks (65,536 pixels) of real photos were 24–40 KB (session 7 and 8 recordings).
const BYTES_PER_REFINED_PIXEL: f64 = 0.5;

/// Updates smaller than this say more about round trip and decoding than about the rate.
const MIN_SAMPLE_BYTES: u64 = 16 * 1024;

/// Updates at most this large tell the round trip (typing, a pointer's trail, heartbeats).
const MAX_RTT_BYTES: u64 = 2 * 1024;

/// Rate samples kept; the estimate is their largest (a sample can only underestimate: the
/// viewer may have been decoding, or the host had nothing more to send).
const SAMPLES: usize = 8;

/// Fewest pixels worth refining in one update: one 32×32 block.
const MIN_REFINE_PIXELS: u64 = 32 * 32;

/// The link to the viewer as its acknowledgements show it.
#[derive(Debug)]
pub(super) struct Link {
    /// Updates sent and not yet acknowledged: sequence, when sent, bytes.
    in_flight: VecDeque<(u64, Instant, u64)>,
    in_flight_bytes: u64,
    /// When the last acknowledgement came.
    last_ack: Option<Instant>,
    /// Shortest time from sending a small update to its acknowledgement: round trip and
    /// decoding.
    min_rtt: Option<Duration>,
    /// Recent delivery rates, bytes per second.
    samples: VecDeque<f64>,
    /// Refinement pixels per update on an idle link that is fast enough.
    full_budget: u64,
}

impl Link {
    /// A link not measured yet: no bound on bytes in flight (the session's limit on updates
    /// still holds) and the full refinement budget when idle, until a large update has been
    /// acknowledged (the first is the keyframe).
    pub(super) fn new(full_budget: u64) -> Self {
        Self {
            in_flight: VecDeque::new(),
            in_flight_bytes: 0,
            last_ack: None,
            min_rtt: None,
            samples: VecDeque::new(),
            full_budget,
        }
    }

    /// Update `sequence`, `bytes` long, went out at `now`.
    pub(super) fn sent(&mut self, sequence: u64, bytes: u64, now: Instant) {
        self.in_flight.push_back((sequence, now, bytes));
        self.in_flight_bytes += bytes;
    }

    /// The viewer acknowledged `sequence` at `now` (and with it every update before it). The
    /// link delivered its bytes from when it was sent or, if later, when the update before it
    /// was acknowledged, until now less a round trip.
    pub(super) fn acked(&mut self, sequence: u64, now: Instant) {
        while let Some(&(front, sent, bytes)) = self.in_flight.front() {
            if front > sequence {
                break;
            }
            self.in_flight.pop_front();
            self.in_flight_bytes -= bytes;
            if front != sequence {
                continue;
            }
            let took = now.saturating_duration_since(sent);
            if bytes <= MAX_RTT_BYTES {
                self.min_rtt = Some(self.min_rtt.map_or(took, |rtt| rtt.min(took)));
            }
            if bytes >= MIN_SAMPLE_BYTES {
                let min_rtt = self.min_rtt.unwrap_or_default();
                let start = self.last_ack.map_or(sent, |ack| ack.max(sent));
                let took = now.saturating_duration_since(start).saturating_sub(min_rtt);
                // Delivered within a round trip: the link is faster than can be told; the
                // next, larger sample will tell.
                if !took.is_zero() {
                    if self.samples.len() == SAMPLES {
                        self.samples.pop_front();
                    }
                    self.samples.push_back(bytes as f64 / took.as_secs_f64());
                }
            }
        }
        self.last_ack = Some(now);
    }

    /// Bytes per second the link has been seen to deliver, once measured.
    pub(super) fn rate(&self) -> Option<f64> {
        self.samples.iter().copied().reduce(f64::max)
    }

    /// Bytes that may be in flight: what the link holds over a round trip, plus [`QUEUE`] of
    /// its time; `None` while unmeasured.
    fn window(&self) -> Option<f64> {
        let rtt = self.min_rtt.unwrap_or_default();
        self.rate().map(|rate| rate * (rtt + QUEUE).as_secs_f64())
    }

    /// Whether another update may go out now: nothing in flight, or fewer bytes than the
    /// window.
    pub(super) fn may_send(&self) -> bool {
        self.in_flight_bytes == 0
            || self
                .window()
                .is_none_or(|window| (self.in_flight_bytes as f64) < window)
    }

    /// Pixels the next update may refine: the room left in the window (the full budget once
    /// the link is fast enough, none below one block); unmeasured, the full budget only while
    /// nothing is in flight.
    pub(super) fn refine_budget(&self) -> u64 {
        let pixels = match self.window() {
            None if self.in_flight_bytes == 0 => return self.full_budget,
            None => return 0,
            Some(window) => {
                (window - self.in_flight_bytes as f64).max(0.0) / BYTES_PER_REFINED_PIXEL
            }
        };
        let pixels = (pixels as u64).min(self.full_budget);
        if pixels < MIN_REFINE_PIXELS {
            0
        } else {
            pixels
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FULL: u64 = 256 * 256;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn an_unmeasured_link_refines_only_when_idle_and_sends_as_the_session_allows() {
        let t = Instant::now();
        let mut link = Link::new(FULL);
        assert_eq!(link.refine_budget(), FULL);
        link.sent(1, 500, t);
        assert_eq!(link.refine_budget(), 0, "an update is in flight");
        assert!(link.may_send());
        link.acked(1, t + ms(5));
        // A small update tells the round trip, not the rate.
        assert_eq!(link.rate(), None);
        assert_eq!(link.refine_budget(), FULL);
    }

    /// A link that showed a `rtt` ms round trip (a 200-byte update), then delivered `bytes` in
    /// `wire` ms more than that; and the time of that last ack.
    fn measured(rtt: u64, bytes: u64, wire: u64) -> (Link, Instant) {
        let t = Instant::now();
        let mut link = Link::new(FULL);
        link.sent(1, 200, t);
        link.acked(1, t + ms(rtt));
        let sent = t + ms(rtt + 10);
        link.sent(2, bytes, sent);
        link.acked(2, sent + ms(rtt + wire));
        (link, sent + ms(rtt + wire))
    }

    #[test]
    fn a_two_megabit_link_holds_one_large_update_and_refines_fifty_milliseconds_of_it() {
        // 50 KB in 200 ms: 250 KB/s, 2 Mbit/s.
        let (mut link, t) = measured(2, 50_000, 200);
        assert_eq!(link.rate(), Some(250_000.0));
        // The window: 250 KB/s × (2 + 50) ms = 13 KB, 26,000 pixels of refinement.
        assert_eq!(link.refine_budget(), 26_000);
        // A 28 KB video frame fills it: the next waits for its ack.
        link.sent(3, 28_000, t + ms(8));
        assert!(!link.may_send());
        assert_eq!(link.refine_budget(), 0);
        link.acked(3, t + ms(122));
        assert!(link.may_send());
        // Typing on the same link: small updates go out back to back.
        link.sent(4, 300, t + ms(128));
        link.sent(5, 300, t + ms(129));
        assert!(link.may_send());
        assert_eq!(link.refine_budget(), 24_800);
    }

    #[test]
    fn back_to_back_updates_are_timed_from_the_ack_before_them() {
        let t = Instant::now();
        let mut link = Link::new(FULL);
        link.sent(1, 40_000, t);
        link.sent(2, 40_000, t);
        link.acked(1, t + ms(100));
        // Update 2 waited behind update 1: its 40 KB took the next 100 ms, not 200.
        link.acked(2, t + ms(200));
        assert_eq!(link.rate(), Some(400_000.0));
    }

    #[test]
    fn a_long_round_trip_is_not_mistaken_for_a_slow_link() {
        // 100 ms away, 50 Mbit/s (6.25 MB/s): 62.5 KB takes 10 ms on the wire.
        let (mut link, t) = measured(100, 62_500, 10);
        assert_eq!(link.rate(), Some(6_250_000.0));
        // Three 60 KB frames in flight fit the 940 KB window: 30 fps still flows.
        for seq in 3..6 {
            assert!(link.may_send());
            link.sent(seq, 60_000, t + ms(seq * 33));
        }
        assert!(link.may_send());
        assert_eq!(link.refine_budget(), FULL);
    }

    #[test]
    fn a_fast_link_keeps_the_full_budget_and_the_fastest_recent_sample_counts() {
        // 100 Mbit/s.
        let (mut link, t) = measured(1, 125_000, 10);
        assert_eq!(link.rate(), Some(12_500_000.0));
        assert_eq!(link.refine_budget(), FULL);
        // A slow sample (the viewer was busy decoding) does not lower the estimate.
        link.sent(3, 20_000, t + ms(30));
        link.acked(3, t + ms(431));
        assert_eq!(link.rate(), Some(12_500_000.0));
        // A very slow link refines nothing rather than less than a block.
        let mut slow = Link::new(FULL);
        slow.sent(1, 20_000, t);
        slow.acked(1, t + Duration::from_secs(20));
        assert_eq!(slow.refine_budget(), 0);
    }
}
