//! `meekijk bench --network`: a scene streamed by a real `meekijk share` to a real
//! `meekijk view --headless` over TLS 1.3 on loopback, with the consent prompts answered on
//! the host's standard input as a person would; latency is the host's own measurement from
//! capture to the viewer's acknowledgement (decoded and composited).

use std::io::{Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};

use super::scenario::ScenarioSpec;
use super::stats::Percentiles;

/// How long any one step (a prompt, the code, the end) may take before the run is abandoned.
const PATIENCE: Duration = Duration::from_secs(120);

/// A `meekijk` child process whose output is collected as it comes.
struct Peer {
    child: Child,
    stdin: Option<ChildStdin>,
    output: Arc<Mutex<String>>,
}

impl Peer {
    fn start(args: &[String]) -> anyhow::Result<Self> {
        let exe = std::env::current_exe().context("finding the meekijk binary")?;
        let mut child = Command::new(exe)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .context("starting meekijk")?;
        let output = Arc::new(Mutex::new(String::new()));
        for pipe in [
            child
                .stdout
                .take()
                .map(|p| Box::new(p) as Box<dyn Read + Send>),
            child
                .stderr
                .take()
                .map(|p| Box::new(p) as Box<dyn Read + Send>),
        ]
        .into_iter()
        .flatten()
        {
            let sink = Arc::clone(&output);
            thread::spawn(move || collect(pipe, &sink));
        }
        Ok(Self {
            stdin: child.stdin.take(),
            child,
            output,
        })
    }

    fn output(&self) -> String {
        self.output.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// Waits until `text` was printed.
    fn wait_for(&mut self, text: &str) -> anyhow::Result<()> {
        let start = Instant::now();
        while !self.output().contains(text) {
            if self.child.try_wait()?.is_some() || start.elapsed() > PATIENCE {
                thread::sleep(Duration::from_millis(200));
                if self.output().contains(text) {
                    break;
                }
                bail!("meekijk did not print {text:?}:\n{}", self.output());
            }
            thread::sleep(Duration::from_millis(10));
        }
        Ok(())
    }

    fn type_line(&mut self, line: &str) -> anyhow::Result<()> {
        let stdin = self.stdin.as_mut().context("stdin closed")?;
        writeln!(stdin, "{line}")?;
        stdin.flush()?;
        Ok(())
    }

    fn wait(&mut self) -> anyhow::Result<()> {
        let start = Instant::now();
        while self.child.try_wait()?.is_none() {
            if start.elapsed() > PATIENCE {
                bail!("meekijk did not end:\n{}", self.output());
            }
            thread::sleep(Duration::from_millis(20));
        }
        thread::sleep(Duration::from_millis(100));
        Ok(())
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn collect(mut pipe: Box<dyn Read + Send>, sink: &Mutex<String>) {
    let mut buf = [0u8; 4096];
    while let Ok(n) = pipe.read(&mut buf) {
        if n == 0 {
            break;
        }
        if let Ok(mut s) = sink.lock() {
            s.push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    }
}

/// The text after `label` on the line that has it.
fn field(output: &str, label: &str) -> Option<String> {
    output
        .lines()
        .find_map(|l| l.split_once(label))
        .map(|(_, v)| v.trim().to_string())
}

/// The host's latencies of one session, to the viewer's acknowledgement.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Latency {
    /// From the capture of each frame.
    pub(crate) capture: Percentiles,
    /// From when each frame was due: waiting for the last encode or for room on the link
    /// before the capture counts.
    pub(crate) due: Percentiles,
}

/// Streams `spec` over a real session and returns the host's latencies.
pub(crate) fn latency(spec: &ScenarioSpec) -> anyhow::Result<Latency> {
    let receipts = std::env::temp_dir().join(format!("meekijk-bench-{}", std::process::id()));
    let (w, h) = spec.size;
    let mut host = Peer::start(&[
        "share".into(),
        "--receipt-dir".into(),
        receipts.display().to_string(),
        "--source".into(),
        spec.source.clone(),
        "--size".into(),
        format!("{w}x{h}"),
        "--fps".into(),
        spec.fps.to_string(),
    ])?;
    host.wait_for("Do you accept these terms?")?;
    host.type_line("y")?;
    host.wait_for("One-time code: ")?;
    let out = host.output();
    let (Some(addr), Some(code)) = (field(&out, "Listening on "), field(&out, "One-time code: "))
    else {
        bail!("no address or code in:\n{out}");
    };
    let frames = spec.frames.unwrap_or(150).to_string();
    let mut viewer = Peer::start(&[
        "view".into(),
        addr,
        "--code".into(),
        code,
        "--name".into(),
        "meekijk bench".into(),
        "--headless".into(),
        "--frames".into(),
        frames,
    ])?;
    host.wait_for("to watch your screen?")?;
    host.type_line("y")?;
    viewer.wait()?;
    host.wait_for("Due to viewer ack")?;
    host.wait()?;
    let _ = std::fs::remove_dir_all(&receipts);
    let out = host.output();
    Ok(Latency {
        capture: percentiles(&out, "Capture to viewer ack")?,
        due: percentiles(
            &out,
            "Due to viewer ack (waits for the encoder and the link included)",
        )?,
    })
}

/// Reads `LABEL: p50 X ms, p95 Y ms, p99 Z ms` from the host's output.
fn percentiles(out: &str, label: &str) -> anyhow::Result<Percentiles> {
    let line = field(out, &format!("{label}:")).unwrap_or_default();
    let ms = |q: &str| -> anyhow::Result<f64> {
        let value = line
            .split_once(q)
            .map(|(_, v)| v.trim_start())
            .unwrap_or_default();
        let number = value.split_whitespace().next().unwrap_or_default();
        number
            .parse()
            .with_context(|| format!("no {q} in {line:?}"))
    };
    Ok(Percentiles {
        p50: ms("p50")?,
        p95: ms("p95")?,
        p99: ms("p99")?,
    })
}
