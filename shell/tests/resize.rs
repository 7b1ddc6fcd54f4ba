//! The customer changes the screen resolution during a session: the real `meekijk share`
//! capturing a real X screen (Xephyr, resized with `xrandr -s` as in display settings) goes on,
//! and the viewer's picture and recording follow at the new size.
//!
//! Needs the Debian packages `xvfb`, `xserver-xephyr` and `x11-xserver-utils`.

mod common;
// The capture tests' X servers, shared rather than written twice.
#[path = "../../capture/tests/common/mod.rs"]
mod xserver;

use std::process::Command;

use common::{read_png_bgra, scratch, viewer, Host};
use xserver::XServer;

/// Runs an X utility on `display` as a person would; fails the test when it fails.
fn x_tool(display: &str, program: &str, args: &[&str]) {
    let status = Command::new(program)
        .args(["-display", display])
        .args(args)
        .status()
        .unwrap_or_else(|e| panic!("cannot run {program} ({e}): Debian x11-xserver-utils"));
    assert!(status.success(), "{program} {args:?}: {status}");
}

fn y4m_header(path: &std::path::Path) -> String {
    let bytes = std::fs::read(path).unwrap();
    let end = bytes.iter().position(|&b| b == b'\n').unwrap();
    String::from_utf8_lossy(&bytes[..end]).into_owned()
}

#[test]
fn the_viewer_follows_when_the_customer_changes_the_resolution() {
    let x = XServer::xvfb();
    let screen = XServer::xephyr(&x, 1280, 800);
    x_tool(&screen.display, "xsetroot", &["-solid", "#2070b0"]);
    // `share --source screen` captures $DISPLAY; this binary has no other test to race with.
    std::env::set_var("DISPLAY", &screen.display);
    let (mut host, addr, code) = Host::listening("resize", &["--source", "screen"]);
    let dir = scratch("resize");
    let (shot, record) = (dir.join("shot.png"), dir.join("session.y4m"));
    let mut view = viewer(
        &addr,
        &code,
        "Anna",
        &[
            "--screenshot",
            shot.to_str().unwrap(),
            "--record",
            record.to_str().unwrap(),
        ],
    );
    host.proc
        .wait_for("Allow \"Anna\" to watch your screen? [y/N]");
    host.proc.type_line("y");
    view.wait_for("The customer allowed you to watch: 1280x800.");

    x_tool(&screen.display, "xrandr", &["-s", "1024x768"]);
    host.proc.wait_for("Your screen changed to 1024x768");
    view.wait_for("The customer's screen changed to 1024x768.");
    host.proc.type_line("q");
    let (status, out, _) = host.finish();
    assert!(status.success(), "{out}");
    let (view_status, view_out) = view.finish();
    assert!(view_status.success(), "{view_out}");

    // The last picture is the whole new screen, exactly (a solid root: lossless fills), and
    // the customer's pointer: every other pixel lies in one pointer-sized box.
    let (w, h, pixels) = read_png_bgra(&shot);
    assert_eq!((w, h), (1024, 768));
    let root = [0xb0, 0x70, 0x20, 0xff];
    let others: Vec<(usize, usize)> = (0..)
        .zip(pixels.chunks_exact(4))
        .filter(|(_, p)| *p != root)
        .map(|(i, _)| (i % w as usize, i / w as usize))
        .collect();
    assert!(others.len() >= 20, "no pointer: {} pixels", others.len());
    let span = |at: fn(&(usize, usize)) -> usize| {
        let (lo, hi) = (others.iter().map(at).min(), others.iter().map(at).max());
        hi.unwrap_or(0) - lo.unwrap_or(0)
    };
    let (across, down) = (span(|p| p.0), span(|p| p.1));
    assert!(
        across < 64 && down < 64,
        "{} pixels are not the root colour, over {across}x{down}",
        others.len()
    );
    // One Y4M stream per size: the first part at the old size, the rest beside it.
    assert!(y4m_header(&record).contains("W1280 H800"));
    assert!(y4m_header(&dir.join("session-2.y4m")).contains("W1024 H768"));
    assert!(view_out.contains("the recording goes on in"), "{view_out}");
}
