//! One benchmark scenario: a source driven through the real host and viewer pipeline.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

use anyhow::Context;
use bytes::Bytes;
use meekijk_codec::metrics::{psnr, ssim};
use meekijk_codec::wire::{HostMessage, HostReader, UpdateMessage, UpdateWriter};
use meekijk_codec::{HostConfig, HostEncoder, ViewerDecoder};

use super::stats::{cpu_time, peak_rss_mb, FrameSample, ScenarioResult};
use crate::share::HEARTBEAT;

/// SSIM costs more than the pipeline itself at 1080p; it is sampled on every Nth frame.
const SSIM_EVERY: u32 = 5;

/// What to run.
#[derive(Debug, Clone)]
pub(crate) struct ScenarioSpec {
    /// Name in the report.
    pub(crate) name: String,
    /// A `meekijk_capture::open` spec.
    pub(crate) source: String,
    /// Size of synthetic and raw sources.
    pub(crate) size: (u32, u32),
    /// Capture rate.
    pub(crate) fps: u32,
    /// Frames to run; `None` = until the source ends.
    pub(crate) frames: Option<u32>,
    /// Scroll/move detection on.
    pub(crate) motion: bool,
    /// Tile cache on.
    pub(crate) cache: bool,
    /// Scroll history on.
    pub(crate) history: bool,
    /// Colour remaps on.
    pub(crate) remap: bool,
    /// Palette tiles in one zstd stream for the session (else one zstd frame each).
    pub(crate) stream: bool,
    /// Print a line per frame.
    pub(crate) per_frame: bool,
    /// Bytes an update may take (`--link-kbps`), `None` for no bound.
    pub(crate) frame_budget: Option<u64>,
}

/// Runs `spec` and measures every frame.
pub(crate) fn run_scenario(spec: &ScenarioSpec) -> anyhow::Result<ScenarioResult> {
    let mut source = meekijk_capture::open(&spec.source, spec.size, spec.fps)?;
    let (width, height) = source.size();
    let mut config = HostConfig::new(width, height);
    config.motion = spec.motion;
    config.remap = spec.remap;
    config.palette.stream = spec.stream;
    if !spec.cache {
        config.cache_blocks = 0;
    }
    if !spec.history {
        config.history_pixels = 0;
    }
    let mut viewer = ViewerDecoder::with_cache_blocks(width, height, config.cache_blocks)?;
    let mut host = HostEncoder::new(config)?;
    host.set_frame_budget(spec.frame_budget);
    let mut samples = Vec::new();
    let (mut psnr_sum, mut ssim_sum, mut ssim_n) = (0.0, 0.0, 0u32);
    let progress = std::io::stderr().is_terminal();
    let limit = spec.frames.unwrap_or(u32::MAX);
    let (mut writer, mut reader) = (UpdateWriter::new()?, HostReader::new()?);
    let mut wire = Vec::new();
    let mut last_sent: Option<Duration> = None;
    for index in 0..limit {
        let Some(frame) = source
            .next_frame()
            .with_context(|| format!("frame {index}"))?
        else {
            break;
        };
        let (cpu0, t0) = (cpu_time(), Instant::now());
        let update = host.encode(&frame.pixels)?;
        // Sent as `meekijk share` sends: nothing for an unchanged frame unless the viewer has
        // heard nothing for a heartbeat.
        let quiet = last_sent.is_some_and(|at| frame.timestamp < at + HEARTBEAT);
        let send = !(update.is_empty() && quiet);
        wire.clear();
        if send {
            let message = UpdateMessage {
                sequence: index as u64,
                capture_us: frame.timestamp.as_micros() as u64,
                update,
            };
            writer.encode(&message, &mut wire)?;
            last_sent = Some(frame.timestamp);
        }
        let host_time = t0.elapsed();
        let host_cpu = cpu_time().saturating_sub(cpu0);
        let stats = host.last_stats();
        let bytes = wire.len();

        let t1 = Instant::now();
        if send {
            let HostMessage::Update(received) = reader.decode(&Bytes::copy_from_slice(&wire))?
            else {
                anyhow::bail!("the wire returned another message type");
            };
            viewer.apply(&received.update)?;
        }
        let decode_time = t1.elapsed();

        if spec.per_frame {
            eprintln!(
                "{} frame {index}: {} changed, {} copied, {} cached, {} refined, {bytes} bytes, host {:.2} ms, {} remapped",
                spec.name,
                stats.dirty_blocks,
                stats.copied_blocks,
                stats.cached_blocks,
                stats.refined_blocks,
                host_time.as_secs_f64() * 1e3,
                stats.remapped_blocks
            );
        }
        psnr_sum += psnr(&frame.pixels, &viewer.framebuffer())?;
        if index % SSIM_EVERY == 0 {
            ssim_sum += ssim(&frame.pixels, &viewer.framebuffer())?;
            ssim_n += 1;
        }
        samples.push(FrameSample {
            host: host_time,
            host_cpu,
            diff: stats.diff,
            motion: stats.motion,
            encode: stats.encode,
            decode: decode_time,
            bytes,
        });
        if progress && index % 5 == 0 {
            show_progress(&spec.name, index + 1, spec.frames);
        }
    }
    if progress {
        eprint!("\r\x1b[2K");
    }
    anyhow::ensure!(!samples.is_empty(), "the source gave no frame");
    let frames = samples.len() as f64;
    Ok(ScenarioResult {
        name: spec.name.clone(),
        width,
        height,
        fps: spec.fps,
        samples,
        psnr_db: psnr_sum / frames,
        ssim: ssim_sum / f64::from(ssim_n.max(1)),
        peak_rss_mb: peak_rss_mb(),
        latency: None,
    })
}

fn show_progress(name: &str, done: u32, total: Option<u32>) {
    let line = match total {
        Some(total) => {
            let filled = (done as usize * 30) / total.max(1) as usize;
            format!(
                "{name:>16} [{:<30}] {done}/{total}",
                "#".repeat(filled.min(30))
            )
        }
        None => format!("{name:>16} {done} frames"),
    };
    eprint!("\r{line}");
    let _ = std::io::stderr().flush();
}
