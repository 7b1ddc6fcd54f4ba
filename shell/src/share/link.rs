//! What the link to the viewer can take: when the next frame may be captured and sent, and
//! how much refinement an update may carry, from the rate and round trip the viewer's
//! acknowledgements (and the TLS handshake) show.
//!
//! The next frame is captured once the bytes still queued on the link (those in flight, less
//! what the rate says went through since) fit what the link holds over a round trip plus
//! [`QUEUE`] of its time: latest state wins, so a slow uplink sends fresher updates instead of
//! a queue of stale ones (a video on a 2 Mbit/s link with three updates in flight showed each
//! frame 345 ms late), and the frame is encoded while the last one drains, so the link stays
//! busy. Refinement (still lossy blocks re-sent near-losslessly) is never urgent but makes the
//! largest updates of a still screen: it gets only the room left in that window, so it never
//! queues in front of the next change.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// Link time an update may wait behind those before it.
pub(super) const QUEUE: Duration = Duration::from_millis(50);

/// Bytes a refined pixel costs, for turning bytes into a pixel budget: refinement updates of
/// 64 blocks (65,536 pixels) of real photos were 24–40 KB (session 7 and 8 recordings).
const BYTES_PER_REFINED_PIXEL: f64 = 0.5;

/// Updates smaller than this say more about round trip and decoding than about the rate.
/// 8 KB: a video made coarse for a slow link (`HostEncoder::set_frame_budget`) still sends
/// ~9 KB frames at the coarsest quantizer, and so keeps measuring the link, and would see it
/// get faster.
const MIN_SAMPLE_BYTES: u64 = 8 * 1024;

/// Updates at most this large tell the round trip (typing, a pointer's trail, heartbeats).
const MAX_RTT_BYTES: u64 = 2 * 1024;

/// Rate samples kept; the estimate is their median.
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
    /// Shortest round trip seen (see [`Link::saw_round_trip`]).
    min_rtt: Option<Duration>,
    /// Recent delivery rates, bytes per second.
    samples: VecDeque<f64>,
    /// Their median, once there is one (see [`Link::rate`]).
    rate: Option<f64>,
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
            rate: None,
            full_budget,
        }
    }

    /// Something went to the viewer and back in `rtt`, its size aside: the TLS handshake, or a
    /// small update and its acknowledgement. Without it, the time a large update takes would
    /// count the round trip as time on the wire, and a link far away would look slow.
    pub(super) fn saw_round_trip(&mut self, rtt: Duration) {
        self.min_rtt = Some(self.min_rtt.map_or(rtt, |min| min.min(rtt)));
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
            if bytes <= MAX_RTT_BYTES {
                self.saw_round_trip(now.saturating_duration_since(sent));
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
                    let mut sorted: Vec<f64> = self.samples.iter().copied().collect();
                    sorted.sort_by(f64::total_cmp);
                    self.rate = sorted.get(sorted.len() / 2).copied();
                }
            }
        }
        self.last_ack = Some(now);
    }

    /// Bytes per second the link has been seen to deliver, once measured: the median of the
    /// recent samples (deliveries come in bursts; a viewer busy decoding acks late).
    pub(super) fn rate(&self) -> Option<f64> {
        self.rate
    }

    /// Bytes that may be in flight: what the link holds over a round trip, plus [`QUEUE`] of
    /// its time; `None` while unmeasured.
    fn window(&self) -> Option<f64> {
        let rtt = self.min_rtt.unwrap_or_default();
        self.rate().map(|rate| rate * (rtt + QUEUE).as_secs_f64())
    }

    /// Bytes of the updates in flight the link has still to deliver at `now`, as predicted
    /// from the rate: it has been delivering them since the oldest was sent or, if later, the
    /// last acknowledgement came (acks come late, so with the right rate this errs high).
    fn queued(&self, now: Instant) -> f64 {
        let (Some(&(_, sent, _)), Some(rate)) = (self.in_flight.front(), self.rate()) else {
            return self.in_flight_bytes as f64;
        };
        let since = self.last_ack.map_or(sent, |ack| ack.max(sent));
        let delivered = rate * now.saturating_duration_since(since).as_secs_f64();
        (self.in_flight_bytes as f64 - delivered).max(0.0)
    }

    /// Whether another update may be captured and sent at `now`: nothing in flight, or the
    /// bytes still queued fit the window, so that the next update (encoded meanwhile) waits
    /// at most [`QUEUE`] behind them.
    pub(super) fn may_send(&self, now: Instant) -> bool {
        self.in_flight_bytes == 0
            || self
                .window()
                .is_none_or(|window| self.queued(now) <= window)
    }

    /// When [`may_send`](Self::may_send) will hold if no acknowledgement comes first; `None`
    /// when it holds already or only an acknowledgement can tell (unmeasured).
    pub(super) fn next_send_at(&self, now: Instant) -> Option<Instant> {
        if self.may_send(now) {
            return None;
        }
        let (window, rate) = (self.window()?, self.rate()?);
        let wait = (self.queued(now) - window) / rate;
        // A millisecond at least: never a wake-up that finds nothing changed.
        Some(now + Duration::from_secs_f64(wait.clamp(0.001, 60.0)))
    }

    /// Bytes the link carries in one capture `period`: what an update may take for frames to
    /// flow at the capture rate without queueing (`HostEncoder::set_frame_budget`); `None`
    /// while unmeasured.
    pub(super) fn frame_budget(&self, period: Duration) -> Option<u64> {
        self.rate().map(|rate| (rate * period.as_secs_f64()) as u64)
    }

    /// Pixels the update encoded at `now` may refine: the room left in the window (the full
    /// budget once the link is fast enough, none below one block); unmeasured, the full
    /// budget only while nothing is in flight.
    pub(super) fn refine_budget(&self, now: Instant) -> u64 {
        let pixels = match self.window() {
            None if self.in_flight_bytes == 0 => return self.full_budget,
            None => return 0,
            Some(window) => (window - self.queued(now)).max(0.0) / BYTES_PER_REFINED_PIXEL,
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
        assert_eq!(link.refine_budget(t), FULL);
        link.sent(1, 500, t);
        assert_eq!(link.refine_budget(t), 0, "an update is in flight");
        assert!(link.may_send(t));
        assert_eq!(link.next_send_at(t), None);
        link.acked(1, t + ms(5));
        // A small update tells the round trip, not the rate: no bound on an update yet.
        assert_eq!(link.rate(), None);
        assert_eq!(link.frame_budget(ms(33)), None);
        assert_eq!(link.refine_budget(t + ms(5)), FULL);
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
    fn a_two_megabit_link_takes_the_next_frame_when_the_last_has_fifty_milliseconds_left() {
        // 50 KB in 200 ms: 250 KB/s, 2 Mbit/s.
        let (mut link, t) = measured(2, 50_000, 200);
        assert_eq!(link.rate(), Some(250_000.0));
        // At 30 frames a second an update may take 8.3 KB for the video to keep its rate.
        let period = Duration::from_secs(1) / 30;
        assert_eq!(link.frame_budget(period), Some(8_333));
        // The window: 250 KB/s × (2 + 50) ms = 13 KB, 26,000 pixels of refinement.
        assert_eq!(link.refine_budget(t), 26_000);
        // A 28 KB video frame overfills it: the next is captured once 15 KB of it are
        // through, 60 ms later, and nothing is refined until then.
        link.sent(3, 28_000, t + ms(8));
        assert!(!link.may_send(t + ms(8)));
        assert_eq!(link.refine_budget(t + ms(8)), 0);
        assert_eq!(link.next_send_at(t + ms(8)), Some(t + ms(68)));
        assert!(!link.may_send(t + ms(60)));
        assert!(link.may_send(t + ms(70)));
        // 80 ms in, 8 KB are left: 5 KB of room, 10,000 pixels.
        let budget = link.refine_budget(t + ms(88));
        assert!((9_990..=10_010).contains(&budget), "{budget}");
        link.acked(3, t + ms(122));
        // Typing on the same link: small updates go out back to back.
        link.sent(4, 300, t + ms(128));
        link.sent(5, 300, t + ms(128));
        assert!(link.may_send(t + ms(128)));
        assert_eq!(link.refine_budget(t + ms(128)), 24_800);
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
        // 100 ms away (the TLS handshake took 102 ms), 50 Mbit/s (6.25 MB/s): a 60 KB video
        // frame takes 10 ms on the wire; no small update ever tells the round trip.
        let t = Instant::now();
        let mut far = Link::new(FULL);
        far.saw_round_trip(ms(102));
        far.sent(1, 60_000, t);
        far.acked(1, t + ms(112));
        assert_eq!(far.rate(), Some(6_000_000.0));
        // Three frames in flight fit the 912 KB window: 30 fps still flows.
        for seq in 2..5 {
            let now = t + ms(112 + seq * 33);
            assert!(far.may_send(now));
            far.sent(seq, 60_000, now);
        }
        assert!(far.may_send(t + ms(250)));
        assert_eq!(far.refine_budget(t + ms(250)), FULL);
        // Had the round trip counted as time on the wire, the link would have looked like
        // 4 Mbit/s and held one frame per round trip.
        let mut unaware = Link::new(FULL);
        unaware.sent(1, 60_000, t);
        unaware.acked(1, t + ms(112));
        unaware.sent(2, 60_000, t + ms(120));
        assert!(!unaware.may_send(t + ms(120)));
    }

    #[test]
    fn a_fast_link_keeps_the_full_budget_and_one_slow_sample_does_not_move_it() {
        // 100 Mbit/s.
        let (mut link, t) = measured(1, 125_000, 10);
        assert_eq!(link.rate(), Some(12_500_000.0));
        assert_eq!(link.refine_budget(t), FULL);
        // A slow sample (the viewer was busy decoding) does not lower the median.
        link.sent(3, 20_000, t + ms(30));
        link.acked(3, t + ms(431));
        link.sent(4, 125_000, t + ms(440));
        link.acked(4, t + ms(451));
        assert_eq!(link.rate(), Some(12_500_000.0));
        // A very slow link refines nothing rather than less than a block.
        let mut slow = Link::new(FULL);
        slow.sent(1, 20_000, t);
        slow.acked(1, t + Duration::from_secs(20));
        assert_eq!(slow.refine_budget(t + Duration::from_secs(20)), 0);
    }
}
