//! A real X screen that changes resolution while it is captured: Xephyr (nested in Xvfb, whose
//! own screen cannot change size) resized with `xrandr -s`, as a customer changing display
//! settings during a session would. The MIT-SHM capture must follow, shrinking and growing.
//!
//! Needs the Debian packages `xvfb`, `xserver-xephyr` and `x11-xserver-utils`.

mod common;

use std::process::Command;

use common::XServer;
use meekijk_capture::{Monitor, ShmCapture, Source};
use x11rb::connection::Connection;
use x11rb::protocol::xproto::{ChangeWindowAttributesAux, ConnectionExt as _};
use x11rb::rust_connection::RustConnection;
use x11rb::wrapper::ConnectionExt as _;

const ROOT_RGB: u32 = 0x20_70_b0;

fn xrandr(display: &str, size: &str) {
    let status = Command::new("xrandr")
        .args(["-display", display, "-s", size])
        .status()
        .expect("run xrandr (Debian package x11-xserver-utils)");
    assert!(status.success(), "xrandr -s {size}: {status}");
}

/// Paints the whole root in `ROOT_RGB`, as `xsetroot -solid` does.
fn paint_root(conn: &RustConnection, root: u32) {
    let aux = ChangeWindowAttributesAux::new().background_pixel(ROOT_RGB);
    conn.change_window_attributes(root, &aux).unwrap();
    conn.clear_area(false, root, 0, 0, 0, 0).unwrap();
    conn.sync().unwrap();
}

fn next_size_and_corners(shm: &mut ShmCapture) -> ((u32, u32), [u32; 2]) {
    let frame = shm.next_frame().unwrap().expect("a frame");
    let view = frame.pixels;
    let rgb = |x, y| {
        let p = view.pixel(x, y);
        u32::from(p[2]) << 16 | u32::from(p[1]) << 8 | u32::from(p[0])
    };
    let (w, h) = (view.width(), view.height());
    ((w, h), [rgb(0, 0), rgb(w - 1, h - 1)])
}

#[test]
fn the_capture_follows_the_screen_when_its_resolution_changes() {
    let host = XServer::xvfb();
    let nested = XServer::xephyr(&host, 1280, 800);
    let (conn, screen) = x11rb::connect(Some(&nested.display)).expect("connect to Xephyr");
    let root = conn.setup().roots[screen].root;
    paint_root(&conn, root);
    let mut shm = ShmCapture::open(Some(&nested.display), &Monitor::Primary).expect("MIT-SHM");
    assert_eq!(
        next_size_and_corners(&mut shm),
        ((1280, 800), [ROOT_RGB; 2])
    );
    // Smaller, then larger than at the start: every frame after xrandr returns has the new
    // size, and its far corner is the screen's, not stale memory.
    for (size, expected) in [("1024x768", (1024, 768)), ("1600x1200", (1600, 1200))] {
        xrandr(&nested.display, size);
        paint_root(&conn, root);
        assert_eq!(
            next_size_and_corners(&mut shm),
            (expected, [ROOT_RGB; 2]),
            "after xrandr -s {size}"
        );
        assert_eq!(shm.size(), expected);
        assert_eq!((shm.monitor().width, shm.monitor().height), expected);
    }
}
