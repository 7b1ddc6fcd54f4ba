//! The benchmark's outputs: a table for people, JSON for scripts, an SVG chart per run.

use std::fmt::Write;

use serde_json::{json, Value};

use super::network::Latency;
use super::stats::{Percentiles, ScenarioResult};

fn p(v: Percentiles) -> Value {
    json!({ "p50": round(v.p50), "p95": round(v.p95), "p99": round(v.p99) })
}

fn round(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

/// One JSON object per scenario, in an array.
pub(crate) fn json(results: &[ScenarioResult]) -> String {
    let items: Vec<Value> = results
        .iter()
        .map(|r| {
            json!({
                "scenario": r.name,
                "width": r.width,
                "height": r.height,
                "frames": r.samples.len(),
                "fps": r.fps,
                "host_ms": p(r.percentiles(|s| s.host)),
                "diff_ms": p(r.percentiles(|s| s.diff)),
                "motion_ms": p(r.percentiles(|s| s.motion)),
                "encode_ms": p(r.percentiles(|s| s.encode)),
                "decode_ms": p(r.percentiles(|s| s.decode)),
                "host_cpu_ms_per_frame": round(r.cpu_ms_per_frame()),
                "bytes": r.bytes(),
                "bytes_per_frame": round(r.bytes() as f64 / r.samples.len() as f64),
                "kbps": round(r.kbps()),
                "first_frame_bytes": r.first_frame_bytes(),
                "later_kbps": round(r.later_kbps()),
                "psnr_db": round(r.psnr_db),
                "ssim": (r.ssim * 1e5).round() / 1e5,
                "latency_ms": r.latency.map_or(Value::Null, |l| p(l.capture)),
                "latency_from_due_ms": r.latency.map_or(Value::Null, |l| p(l.due)),
                "peak_rss_mb": round(r.peak_rss_mb),
            })
        })
        .collect();
    serde_json::to_string_pretty(&items).expect("JSON of plain values") + "\n"
}

/// The human-readable table.
pub(crate) fn table(results: &[ScenarioResult]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<16} {:>6} {:>20} {:>14} {:>14} {:>14} {:>8} {:>10} {:>11} {:>7} {:>7} {:>6}",
        "scenario",
        "frames",
        "host ms p50/95/99",
        "motion p50/95",
        "encode p50/95",
        "decode p50/95",
        "cpu ms",
        "kbit/s",
        "after 1st",
        "PSNR",
        "SSIM",
        "RSS MB"
    );
    for r in results {
        let (h, m, e, d) = (
            r.percentiles(|s| s.host),
            r.percentiles(|s| s.motion),
            r.percentiles(|s| s.encode),
            r.percentiles(|s| s.decode),
        );
        let _ = writeln!(
            out,
            "{:<16} {:>6} {:>20} {:>14} {:>14} {:>14} {:>8.2} {:>10.1} {:>11.1} {:>7.2} {:>7.4} {:>6.0}",
            r.name,
            r.samples.len(),
            format!("{:.2}/{:.2}/{:.2}", h.p50, h.p95, h.p99),
            format!("{:.2}/{:.2}", m.p50, m.p95),
            format!("{:.2}/{:.2}", e.p50, e.p95),
            format!("{:.2}/{:.2}", d.p50, d.p95),
            r.cpu_ms_per_frame(),
            r.kbps(),
            r.later_kbps(),
            r.psnr_db,
            r.ssim,
            r.peak_rss_mb,
        );
    }
    for r in results {
        if let Some(Latency { capture: c, due: d }) = r.latency {
            let _ = writeln!(
                out,
                "{:<16} capture → viewer over TLS: p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms; \
                 from when due (waits for the encoder and the link included): {:.1} / {:.1} / {:.1} ms",
                r.name, c.p50, c.p95, c.p99, d.p50, d.p95, d.p99
            );
        }
    }
    if let Some(r) = results.first() {
        let _ = writeln!(
            out,
            "({}x{} at {} fps; kbit/s after the 1st frame leaves the full-screen keyframe out; \
             PSNR capped at 99 dB; SSIM on every 5th frame)",
            r.width, r.height, r.fps
        );
    }
    out
}

/// Bytes and host time per frame, one panel per scenario, as a standalone SVG.
pub(crate) fn svg(results: &[ScenarioResult]) -> String {
    const W: f64 = 720.0;
    const PANEL: f64 = 150.0;
    let height = 30.0 + PANEL * results.len() as f64;
    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{height}" font-family="sans-serif" font-size="11">"#
    );
    let _ = writeln!(out, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let _ = writeln!(
        out,
        r##"<text x="10" y="18" font-size="13">meekijk bench: bytes per frame (blue, left scale) and host ms per frame (orange, right scale)</text>"##
    );
    for (i, r) in results.iter().enumerate() {
        let top = 30.0 + PANEL * i as f64;
        let (x0, x1, y0, y1) = (60.0, W - 60.0, top + 20.0, top + PANEL - 20.0);
        let n = r.samples.len().max(2) as f64 - 1.0;
        let max_bytes = r.samples.iter().map(|s| s.bytes).max().unwrap_or(1).max(1) as f64;
        let max_ms = r
            .samples
            .iter()
            .map(|s| s.host.as_secs_f64() * 1e3)
            .fold(0.001, f64::max);
        let line = |value: &dyn Fn(usize) -> f64, max: f64| -> String {
            (0..r.samples.len())
                .map(|k| {
                    format!(
                        "{:.1},{:.1}",
                        x0 + (x1 - x0) * k as f64 / n,
                        y1 - (y1 - y0) * value(k) / max
                    )
                })
                .collect::<Vec<_>>()
                .join(" ")
        };
        let bytes = line(&|k| r.samples[k].bytes as f64, max_bytes);
        let ms = line(&|k| r.samples[k].host.as_secs_f64() * 1e3, max_ms);
        let _ = writeln!(
            out,
            r#"<text x="{x0}" y="{}">{} — {:.0} kbit/s</text>"#,
            top + 12.0,
            r.name,
            r.kbps()
        );
        let _ = writeln!(
            out,
            r##"<rect x="{x0}" y="{y0}" width="{}" height="{}" fill="none" stroke="#ccc"/>"##,
            x1 - x0,
            y1 - y0
        );
        let _ = writeln!(
            out,
            r##"<polyline fill="none" stroke="#1f77b4" points="{bytes}"/>"##
        );
        let _ = writeln!(
            out,
            r##"<polyline fill="none" stroke="#ff7f0e" points="{ms}"/>"##
        );
        let _ = writeln!(
            out,
            r#"<text x="5" y="{}">{:.0} B</text>"#,
            y0 + 4.0,
            max_bytes
        );
        let _ = writeln!(
            out,
            r#"<text x="{}" y="{}">{:.1} ms</text>"#,
            x1 + 4.0,
            y0 + 4.0,
            max_ms
        );
    }
    out.push_str("</svg>\n");
    out
}
