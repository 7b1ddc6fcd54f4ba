//! Shared helpers of the integration tests: the real `meekijk` binary as a child process whose
//! output is watched and whose stdin is typed into, plus a raw viewer client for hostile tests.
#![allow(dead_code, unreachable_pub)]

pub mod raw;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long any single wait may take before the test fails instead of hanging. Generous: it
/// only guards against hangs, it measures nothing.
pub const PATIENCE: Duration = Duration::from_secs(90);

/// The binary under test.
pub fn binary() -> &'static str {
    env!("CARGO_BIN_EXE_meekijk")
}

/// A fresh, empty scratch directory for one test, removed when the test is done with it.
pub fn scratch(name: &str) -> Scratch {
    let dir = std::env::temp_dir().join(format!("meekijk-it-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    Scratch(dir)
}

/// A scratch directory; dropping it removes it and what is in it.
pub struct Scratch(PathBuf);

impl std::ops::Deref for Scratch {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A running `meekijk` process with its stdout and stderr collected as they come.
pub struct Proc {
    pub child: Child,
    stdin: Option<ChildStdin>,
    out: Arc<Mutex<String>>,
    err: Arc<Mutex<String>>,
}

fn collect(mut pipe: impl Read + Send + 'static) -> Arc<Mutex<String>> {
    let text = Arc::new(Mutex::new(String::new()));
    let sink = text.clone();
    std::thread::spawn(move || {
        let mut chunk = [0u8; 4096];
        while let Ok(n) = pipe.read(&mut chunk) {
            if n == 0 {
                break;
            }
            sink.lock()
                .unwrap()
                .push_str(&String::from_utf8_lossy(&chunk[..n]));
        }
    });
    text
}

impl Proc {
    /// Starts `meekijk ARGS…` with piped stdin, stdout and stderr.
    pub fn start(args: &[&str]) -> Self {
        let mut child = Command::new(binary())
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the meekijk binary starts");
        let stdin = child.stdin.take();
        let out = collect(child.stdout.take().unwrap());
        let err = collect(child.stderr.take().unwrap());
        Self {
            child,
            stdin,
            out,
            err,
        }
    }

    /// Everything printed so far, stdout then stderr.
    pub fn output(&self) -> String {
        format!(
            "--- stdout ---\n{}\n--- stderr ---\n{}",
            self.out.lock().unwrap(),
            self.err.lock().unwrap()
        )
    }

    pub fn stdout(&self) -> String {
        self.out.lock().unwrap().clone()
    }

    /// Waits until `text` has been printed (stdout or stderr); fails the test otherwise.
    pub fn wait_for(&mut self, text: &str) {
        let start = Instant::now();
        while !self.output().contains(text) {
            if let Ok(Some(status)) = self.child.try_wait() {
                // Let the collector threads drain the pipes, then look one last time.
                std::thread::sleep(Duration::from_millis(200));
                if self.output().contains(text) {
                    return;
                }
                panic!(
                    "exited ({status}) without printing {text:?}\n{}",
                    self.output()
                );
            }
            if start.elapsed() > PATIENCE {
                panic!("waited in vain for {text:?}\n{}", self.output());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Types a line, as a person would, and presses Enter.
    pub fn type_line(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().expect("stdin is open");
        writeln!(stdin, "{line}").unwrap();
        stdin.flush().unwrap();
    }

    /// Closes stdin (Ctrl-D).
    pub fn close_stdin(&mut self) {
        self.stdin = None;
    }

    /// Waits for the process to exit; returns its status and everything it printed.
    pub fn finish(mut self) -> (ExitStatus, String) {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                // Give the collector threads a moment to drain the pipes.
                std::thread::sleep(Duration::from_millis(100));
                return (status, self.output());
            }
            if start.elapsed() > PATIENCE {
                let _ = self.child.kill();
                panic!("the process did not exit\n{}", self.output());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Peak resident memory so far, in KiB (Linux `VmHWM`).
    pub fn peak_memory_kib(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
        line.split_whitespace().nth(1)?.parse().ok()
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// A `meekijk share` session with its receipt directory.
pub struct Host {
    pub proc: Proc,
    pub receipts: PathBuf,
    /// Holds `receipts`; dropped after the process.
    _dir: Scratch,
}

impl Host {
    /// Starts `meekijk share` with a private receipt directory and `args` (a small synthetic
    /// source unless `args` names one).
    pub fn start(test: &str, args: &[&str]) -> Self {
        let dir = scratch(&format!("{test}-host"));
        let receipts = dir.join("receipts");
        let mut all = vec!["share", "--receipt-dir", receipts.to_str().unwrap()];
        if !args.contains(&"--source") {
            all.extend([
                "--source",
                "synthetic:typing",
                "--size",
                "320x240",
                "--fps",
                "15",
            ]);
        }
        all.extend(args);
        Self {
            proc: Proc::start(&all),
            receipts,
            _dir: dir,
        }
    }

    /// Starts a host, accepts the terms and returns it with its address and code.
    pub fn listening(test: &str, args: &[&str]) -> (Self, String, String) {
        let mut host = Self::start(test, args);
        host.proc.wait_for("Do you accept these terms?");
        host.proc.type_line("y");
        host.proc.wait_for("Listening on ");
        let out = host.proc.stdout();
        let field = |label: &str| {
            let line = out.lines().find_map(|l| l.split_once(label)).unwrap().1;
            line.trim().to_string()
        };
        let (addr, code) = (field("Listening on "), field("One-time code: "));
        (host, addr, code)
    }

    /// Waits for the host to exit; returns its status, output and receipt (if written).
    pub fn finish(self) -> (ExitStatus, String, Option<String>) {
        let receipts = self.receipts.clone();
        let (status, output) = self.proc.finish();
        let receipt = Self::read_receipt(&receipts);
        (status, output, receipt)
    }

    fn read_receipt(dir: &Path) -> Option<String> {
        let entry = std::fs::read_dir(dir).ok()?.next()?.ok()?;
        std::fs::read_to_string(entry.path()).ok()
    }

    /// The receipt's text, if one was written.
    pub fn receipt(&self) -> Option<String> {
        Self::read_receipt(&self.receipts)
    }
}

/// Starts `meekijk view ADDR --code CODE --name NAME --headless ARGS…`.
pub fn viewer(addr: &str, code: &str, name: &str, args: &[&str]) -> Proc {
    let mut all = vec!["view", addr, "--code", code, "--name", name, "--headless"];
    all.extend(args);
    Proc::start(&all)
}

/// Writes `frames` copies of `pixels` (BGRA) as a raw file, for `--source file:`.
pub fn write_raw(path: &Path, pixels: &[u8], frames: usize) {
    let mut file = std::fs::File::create(path).unwrap();
    for _ in 0..frames {
        file.write_all(pixels).unwrap();
    }
}

/// Reads a PNG written by the viewer as BGRA.
pub fn read_png_bgra(path: &Path) -> (u32, u32, Vec<u8>) {
    let decoder = png::Decoder::new(std::fs::File::open(path).unwrap());
    let mut reader = decoder.read_info().unwrap();
    let mut rgba = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut rgba).unwrap();
    let bgra = rgba[..info.buffer_size()]
        .chunks_exact(4)
        .flat_map(|p| [p[2], p[1], p[0], p[3]])
        .collect();
    (info.width, info.height, bgra)
}

/// Checks the hash chain of a receipt; returns its lines as JSON.
pub fn receipt_lines(text: &str) -> Vec<serde_json::Value> {
    use sha2::{Digest, Sha256};
    let mut prev = "0".repeat(64);
    let mut lines = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let value: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(
            value["prev"].as_str(),
            Some(prev.as_str()),
            "chain broken at line {i}"
        );
        assert_eq!(value["seq"].as_u64(), Some(i as u64));
        prev = Sha256::digest(line.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        lines.push(value);
    }
    lines
}

/// The `event` names of a receipt, in order.
pub fn receipt_events(text: &str) -> Vec<String> {
    receipt_lines(text)
        .iter()
        .map(|l| l["event"].as_str().unwrap().to_string())
        .collect()
}
