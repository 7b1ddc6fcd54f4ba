//! Per-frame samples, percentiles, and what the process used (CPU time, peak memory).

use std::time::Duration;

use super::network::Latency;

/// What one frame cost.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FrameSample {
    /// Host wall time: diff + plan + encode, to the finished update.
    pub(crate) host: Duration,
    /// CPU time of all threads during the host step (rayon workers included).
    pub(crate) host_cpu: Duration,
    /// The diff part of `host`.
    pub(crate) diff: Duration,
    /// The scroll/move detection part of `host`.
    pub(crate) motion: Duration,
    /// The cache + plan + tile-encode part of `host`.
    pub(crate) encode: Duration,
    /// Viewer wall time: wire decode + decode + composite.
    pub(crate) decode: Duration,
    /// Bytes of the update on the wire (frame header included).
    pub(crate) bytes: usize,
}

/// One scenario's measurements.
#[derive(Debug, Clone)]
pub(crate) struct ScenarioResult {
    pub(crate) name: String,
    pub(crate) width: u32,
    pub(crate) height: u32,
    pub(crate) fps: u32,
    pub(crate) samples: Vec<FrameSample>,
    /// Mean PSNR of the viewer's framebuffer against the source, per frame, capped at 99 dB.
    pub(crate) psnr_db: f64,
    /// Mean SSIM (luma), sampled.
    pub(crate) ssim: f64,
    /// Peak resident memory of the process so far.
    pub(crate) peak_rss_mb: f64,
    /// Latency to the viewer over a real session (`--network`).
    pub(crate) latency: Option<Latency>,
}

/// p50, p95 and p99 in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Percentiles {
    pub(crate) p50: f64,
    pub(crate) p95: f64,
    pub(crate) p99: f64,
}

impl ScenarioResult {
    /// Percentiles of one per-frame duration.
    pub(crate) fn percentiles(&self, pick: impl Fn(&FrameSample) -> Duration) -> Percentiles {
        let mut ms: Vec<f64> = self
            .samples
            .iter()
            .map(|s| pick(s).as_secs_f64() * 1e3)
            .collect();
        ms.sort_by(f64::total_cmp);
        // Nearest rank: the smallest value with at least p% of the samples at or below it.
        let rank =
            |p: f64| ms[((p / 100.0 * ms.len() as f64).ceil() as usize).clamp(1, ms.len()) - 1];
        Percentiles {
            p50: rank(50.0),
            p95: rank(95.0),
            p99: rank(99.0),
        }
    }

    /// Total bytes on the wire.
    pub(crate) fn bytes(&self) -> u64 {
        self.samples.iter().map(|s| s.bytes as u64).sum()
    }

    /// kbit/s at the capture rate: all bytes over the time the frames span.
    pub(crate) fn kbps(&self) -> f64 {
        let seconds = self.samples.len() as f64 / f64::from(self.fps);
        self.bytes() as f64 * 8.0 / 1000.0 / seconds
    }

    /// Bytes of the first frame: the whole screen, as a viewer joining gets it.
    pub(crate) fn first_frame_bytes(&self) -> u64 {
        self.samples.first().map_or(0, |s| s.bytes as u64)
    }

    /// kbit/s of the frames after the first, over the time they span: what the session costs
    /// once the screen is across (0 for a single frame).
    pub(crate) fn later_kbps(&self) -> f64 {
        let later = self.samples.len().saturating_sub(1);
        if later == 0 {
            return 0.0;
        }
        let seconds = later as f64 / f64::from(self.fps);
        (self.bytes() - self.first_frame_bytes()) as f64 * 8.0 / 1000.0 / seconds
    }

    /// Mean host CPU milliseconds per frame (all threads).
    pub(crate) fn cpu_ms_per_frame(&self) -> f64 {
        let total: Duration = self.samples.iter().map(|s| s.host_cpu).sum();
        total.as_secs_f64() * 1e3 / self.samples.len() as f64
    }
}

/// CPU time of every thread of this process so far, from `/proc/self/task/*/schedstat`
/// (nanoseconds; zero where that is not available).
pub(crate) fn cpu_time() -> Duration {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return Duration::ZERO;
    };
    let ns: u64 = tasks
        .flatten()
        .filter_map(|task| std::fs::read_to_string(task.path().join("schedstat")).ok())
        .filter_map(|s| s.split_whitespace().next()?.parse::<u64>().ok())
        .sum();
    Duration::from_nanos(ns)
}

/// Peak resident set size of this process in MiB (`VmHWM`), 0 where unknown.
pub(crate) fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(host_ms: &[u64], bytes: usize) -> ScenarioResult {
        let samples = host_ms
            .iter()
            .map(|&ms| FrameSample {
                host: Duration::from_millis(ms),
                host_cpu: Duration::from_millis(ms),
                diff: Duration::ZERO,
                motion: Duration::ZERO,
                encode: Duration::ZERO,
                decode: Duration::ZERO,
                bytes,
            })
            .collect();
        ScenarioResult {
            name: "t".into(),
            width: 8,
            height: 8,
            fps: 30,
            samples,
            psnr_db: 99.0,
            ssim: 1.0,
            peak_rss_mb: 1.0,
            latency: None,
        }
    }

    #[test]
    fn nearest_rank_percentiles() {
        let r = result(&(1..=100).collect::<Vec<_>>(), 0);
        assert_eq!(
            r.percentiles(|s| s.host),
            Percentiles {
                p50: 50.0,
                p95: 95.0,
                p99: 99.0
            }
        );
        let one = result(&[7], 0);
        assert_eq!(one.percentiles(|s| s.host).p99, 7.0);
    }

    #[test]
    fn kbps_is_bytes_over_the_captured_time() {
        // 30 frames of 1250 bytes at 30 fps: 37,500 bytes in one second = 300 kbit/s.
        assert_eq!(result(&[1; 30], 1250).kbps(), 300.0);
    }

    #[test]
    fn later_kbps_leaves_the_first_frame_out() {
        // A 100,000-byte keyframe, then 30 frames of 1250 bytes: one second at 300 kbit/s.
        let mut r = result(&[1; 31], 1250);
        r.samples[0].bytes = 100_000;
        assert_eq!(r.first_frame_bytes(), 100_000);
        assert_eq!(r.later_kbps(), 300.0);
        assert!(r.kbps() > 1_000.0, "kbps counts the keyframe");
        assert_eq!(result(&[1], 1250).later_kbps(), 0.0);
    }
}
