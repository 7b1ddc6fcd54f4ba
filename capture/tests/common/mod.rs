//! A private X server for the capture tests: Xvfb, or Xephyr nested in one.

#![allow(dead_code, unreachable_pub)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// An X server of our own, killed when dropped (also when an assertion fails).
pub struct XServer {
    child: Child,
    /// Its display name, `:N`.
    pub display: String,
}

impl XServer {
    /// Xvfb with one 1920×1080 screen of depth 24.
    pub fn xvfb() -> Self {
        Self::start("Xvfb", &["-screen", "0", "1920x1080x24"], None, "xvfb")
    }

    /// Xephyr in a window of `host`, `width`×`height` at first; unlike Xvfb, its screen
    /// changes size through RandR (`xrandr -s`), as a real one does.
    pub fn xephyr(host: &XServer, width: u32, height: u32) -> Self {
        let size = format!("{width}x{height}");
        let args = ["-screen", &size, "-resizeable"];
        Self::start("Xephyr", &args, Some(&host.display), "xserver-xephyr")
    }

    fn start(program: &str, args: &[&str], host: Option<&str>, package: &str) -> Self {
        // -displayfd 1: the server picks a free display number and writes it to our pipe once
        // it accepts connections, so parallel runs never collide and we never poll.
        let mut command = Command::new(program);
        command
            .args(["-displayfd", "1", "-nolisten", "tcp", "-noreset"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        if let Some(host) = host {
            command.env("DISPLAY", host);
        }
        let mut child = command.spawn().unwrap_or_else(|e| {
            panic!("cannot start {program} ({e}); install the Debian package `{package}`")
        });
        let mut line = String::new();
        let stdout = child.stdout.take().expect("piped stdout");
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("read the display number");
        let number = line.trim();
        assert!(
            !number.is_empty(),
            "{program} exited without reporting a display number"
        );
        Self {
            child,
            display: format!(":{number}"),
        }
    }
}

impl Drop for XServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
