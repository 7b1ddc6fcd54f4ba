//! `meekijk bench` as a user runs it: the table on stdout, and a JSON report whose numbers
//! agree with each other (measured, not estimated).

use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;

fn bench(args: &[&str]) -> (String, Value) {
    static RUNS: AtomicUsize = AtomicUsize::new(0);
    let run = RUNS.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("meekijk-bench-test-{}-{run}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let json = dir.join("report.json");
    let svg = dir.join("report.svg");
    let out = Command::new(env!("CARGO_BIN_EXE_meekijk"))
        .arg("bench")
        .args(args)
        .arg("--json")
        .arg(&json)
        .arg("--svg")
        .arg(&svg)
        .output()
        .expect("meekijk runs");
    assert!(
        out.status.success(),
        "bench failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let svg = std::fs::read_to_string(&svg).unwrap();
    assert!(
        svg.starts_with("<svg") && svg.contains("polyline"),
        "not a chart: {svg:.80}"
    );
    std::fs::remove_dir_all(&dir).ok();
    (String::from_utf8(out.stdout).unwrap(), report)
}

#[test]
fn json_report_is_complete_and_consistent() {
    let (table, report) = bench(&[
        "--scenario",
        "typing,page-scroll,window-drag",
        "--frames",
        "12",
        "--size",
        "320x200",
        "--fps",
        "20",
    ]);
    assert!(
        table.contains("typing") && table.contains("window-drag") && table.contains("kbit/s"),
        "{table}"
    );
    let items = report.as_array().unwrap();
    assert_eq!(items.len(), 3);
    for item in items {
        for key in [
            "scenario",
            "width",
            "height",
            "frames",
            "fps",
            "kbps",
            "psnr_db",
            "ssim",
            "peak_rss_mb",
        ] {
            assert!(
                item.get(key).is_some_and(|v| !v.is_null()),
                "{key} missing in {item}"
            );
        }
        for key in ["host_ms", "diff_ms", "motion_ms", "encode_ms", "decode_ms"] {
            let p = &item[key];
            let (p50, p95, p99) = (
                p["p50"].as_f64().unwrap(),
                p["p95"].as_f64().unwrap(),
                p["p99"].as_f64().unwrap(),
            );
            assert!(0.0 <= p50 && p50 <= p95 && p95 <= p99, "{key}: {p}");
        }
        assert!(item["latency_ms"].is_null(), "no --network, no latency");
        assert_eq!(
            (item["width"].as_u64(), item["height"].as_u64()),
            (Some(320), Some(200))
        );
        assert_eq!(item["frames"].as_u64(), Some(12));
        // kbit/s is the bytes sent over the time the frames span at the capture rate.
        let bytes = item["bytes"].as_f64().unwrap();
        let seconds = 12.0 / 20.0;
        let kbps = item["kbps"].as_f64().unwrap();
        assert!(
            (kbps - bytes * 8.0 / 1000.0 / seconds).abs() < 0.01,
            "kbps {kbps} vs {bytes} bytes"
        );
        assert!(bytes > 1000.0, "the first frame alone is a full screen");
        // After the first frame: the rest of the bytes over the 11 frames after it.
        let first = item["first_frame_bytes"].as_f64().unwrap();
        let later = item["later_kbps"].as_f64().unwrap();
        assert!(0.0 < first && first <= bytes, "{item}");
        let expected = (bytes - first) * 8.0 / 1000.0 / (11.0 / 20.0);
        assert!(
            (later - expected).abs() < 0.01,
            "later kbps {later} vs {expected}"
        );
        // Text arrives bit-exact, scrolled or typed; the drag's wallpaper is natural (AV1).
        let psnr = item["psnr_db"].as_f64().unwrap();
        if item["scenario"] == "typing" || item["scenario"] == "page-scroll" {
            assert_eq!(psnr, 99.0, "{item}");
        } else {
            assert!((30.0..=99.0).contains(&psnr), "{item}");
        }
    }
}

#[test]
fn unknown_scenario_is_a_clear_error() {
    let out = Command::new(env!("CARGO_BIN_EXE_meekijk"))
        .args(["bench", "--scenario", "nope"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("unknown scenario \"nope\"") && err.contains("typing"),
        "{err}"
    );
}

#[test]
fn network_mode_runs_a_real_session_and_reports_latency() {
    let (table, report) = bench(&[
        "--scenario",
        "typing",
        "--frames",
        "8",
        "--size",
        "320x200",
        "--fps",
        "20",
        "--network",
    ]);
    assert!(table.contains("capture → viewer over TLS"), "{table}");
    let ms = |key: &str| {
        let latency = &report[0][key];
        ["p50", "p95", "p99"].map(|p| latency[p].as_f64().unwrap_or(-1.0))
    };
    let [p50, p95, p99] = ms("latency_ms");
    assert!(0.0 < p50 && p50 <= p95 && p95 <= p99, "{report:?}");
    // From when a frame was due is never shorter than from its capture.
    let from_due = ms("latency_from_due_ms");
    assert!(
        from_due.iter().zip([p50, p95, p99]).all(|(d, c)| *d >= c),
        "{report:?}"
    );
}
