//! Real screen capture under Xvfb: a real X client draws known colours, both backends
//! (MIT-SHM and xcap) capture them, and a window matched by title is masked.
//!
//! Needs the Debian package `xvfb`; the test fails (never skips) when it is missing.

use std::time::Instant;

mod common;

use bytes::Bytes;
use common::XServer;
use meekijk_capture::{Masks, Monitor, ShmCapture, Source, XcapCapture, MASK_COLOR};
use meekijk_codec::wire::CursorShape;
use meekijk_codec::{cursor, Frame, FrameView, Rect};
use x11rb::connection::Connection;
use x11rb::protocol::xproto::{
    AtomEnum, ChangeWindowAttributesAux, ConnectionExt as _, CreateGCAux, CreateWindowAux,
    PropMode, Rectangle, WindowClass,
};
use x11rb::rust_connection::RustConnection;
use x11rb::wrapper::ConnectionExt as _;

const ROOT_RGB: u32 = 0x33_66_99;
const WINDOW_RGB: u32 = 0xd0_20_20;
const INNER_RGB: u32 = 0x20_c0_40;
/// The "secret" inside the masked window: a colour nothing else on screen uses.
const SECRET_RGB: u32 = 0xff_00_ff;

fn bgr(view: &FrameView<'_>, x: u32, y: u32) -> u32 {
    let p = view.pixel(x, y);
    (p[2] as u32) << 16 | (p[1] as u32) << 8 | p[0] as u32
}

/// Creates a mapped, unmanaged window filled with `rgb` and titled `title`.
fn window(conn: &RustConnection, root: u32, rect: Rect, rgb: u32, title: &str) -> u32 {
    let id = conn.generate_id().unwrap();
    let aux = CreateWindowAux::new()
        .background_pixel(rgb)
        .override_redirect(1);
    conn.create_window(
        0,
        id,
        root,
        rect.x as i16,
        rect.y as i16,
        rect.width as u16,
        rect.height as u16,
        0,
        WindowClass::INPUT_OUTPUT,
        0,
        &aux,
    )
    .unwrap();
    let utf8 = conn
        .intern_atom(false, b"UTF8_STRING")
        .unwrap()
        .reply()
        .unwrap()
        .atom;
    let net_wm_name = conn
        .intern_atom(false, b"_NET_WM_NAME")
        .unwrap()
        .reply()
        .unwrap()
        .atom;
    conn.change_property8(PropMode::REPLACE, id, net_wm_name, utf8, title.as_bytes())
        .unwrap();
    conn.change_property8(
        PropMode::REPLACE,
        id,
        AtomEnum::WM_NAME,
        AtomEnum::STRING,
        title.as_bytes(),
    )
    .unwrap();
    conn.map_window(id).unwrap();
    id
}

fn median_ms(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

fn assert_known_content(view: &FrameView<'_>, backend: &str) {
    assert_eq!(
        (view.width(), view.height()),
        (1920, 1080),
        "{backend}: frame size"
    );
    assert_eq!(bgr(view, 5, 5), ROOT_RGB, "{backend}: root background");
    assert_eq!(
        bgr(view, 1900, 1060),
        ROOT_RGB,
        "{backend}: root background, far corner"
    );
    assert_eq!(
        bgr(view, 205, 155),
        WINDOW_RGB,
        "{backend}: window background"
    );
    assert_eq!(
        bgr(view, 300, 250),
        INNER_RGB,
        "{backend}: rectangle drawn by the client"
    );
    assert_eq!(
        bgr(view, 349, 279),
        INNER_RGB,
        "{backend}: rectangle's last pixel"
    );
    assert_eq!(
        bgr(view, 350, 280),
        WINDOW_RGB,
        "{backend}: just outside the rectangle"
    );
}

fn assert_secret_hidden(view: &FrameView<'_>, backend: &str) {
    for y in 0..view.height() {
        for x in 0..view.width() {
            assert_ne!(
                bgr(view, x, y),
                SECRET_RGB,
                "{backend}: secret pixel visible at ({x}, {y})"
            );
        }
    }
    assert_eq!(view.pixel(900, 500), MASK_COLOR, "{backend}: masked window");
    assert_eq!(view.pixel(10, 1070), MASK_COLOR, "{backend}: masked rect");
    assert_eq!(
        bgr(view, 300, 250),
        INNER_RGB,
        "{backend}: unmasked window stays visible"
    );
}

/// A fresh Xvfb whose root is [`ROOT_RGB`], a client connection to it, and its root window.
fn xvfb_with_solid_root() -> (XServer, RustConnection, u32) {
    let xvfb = XServer::xvfb();
    let (conn, screen) = x11rb::connect(Some(&xvfb.display)).expect("connect to Xvfb");
    let root = conn.setup().roots[screen].root;
    // What `xsetroot -solid` does: set the root background and repaint it.
    conn.change_window_attributes(
        root,
        &ChangeWindowAttributesAux::new().background_pixel(ROOT_RGB),
    )
    .unwrap();
    conn.clear_area(false, root, 0, 0, 0, 0).unwrap();
    (xvfb, conn, root)
}

#[test]
fn shm_and_xcap_capture_what_an_x_client_drew_and_mask_windows_by_title() {
    let (xvfb, conn, root) = xvfb_with_solid_root();
    let plain = window(
        &conn,
        root,
        Rect::new(200, 150, 400, 300),
        WINDOW_RGB,
        "Notes",
    );
    let gc = conn.generate_id().unwrap();
    conn.create_gc(gc, plain, &CreateGCAux::new().foreground(INNER_RGB))
        .unwrap();
    conn.poly_fill_rectangle(
        plain,
        gc,
        &[Rectangle {
            x: 50,
            y: 50,
            width: 100,
            height: 80,
        }],
    )
    .unwrap();
    let secret = window(
        &conn,
        root,
        Rect::new(800, 400, 300, 200),
        SECRET_RGB,
        "Secret Bank Statement",
    );
    conn.sync().unwrap();

    // MIT-SHM, no window manager: windows are found as children of the root.
    let mut shm =
        ShmCapture::open(Some(&xvfb.display), &Monitor::Primary).expect("open MIT-SHM capture");
    let frame = shm.next_frame().unwrap().expect("a frame");
    assert_known_content(&frame.pixels, "MIT-SHM");
    assert_eq!(
        bgr(&frame.pixels, 900, 500),
        SECRET_RGB,
        "unmasked capture shows the window"
    );
    let mut shm_ms = Vec::new();
    for _ in 0..30 {
        let start = Instant::now();
        shm.next_frame().unwrap().expect("a frame");
        shm_ms.push(start.elapsed().as_secs_f64() * 1e3);
    }
    let masks = Masks::new()
        .window_title("bank")
        .rect(Rect::new(0, 1040, 40, 40));
    shm.set_masks(masks.clone()).unwrap();
    let frame = shm.next_frame().unwrap().expect("a frame");
    assert_secret_hidden(&frame.pixels, "MIT-SHM");

    // Publish the client list as a window manager would; xcap lists windows only from it.
    let client_list = conn
        .intern_atom(false, b"_NET_CLIENT_LIST_STACKING")
        .unwrap()
        .reply()
        .unwrap()
        .atom;
    conn.change_property32(
        PropMode::REPLACE,
        root,
        client_list,
        AtomEnum::WINDOW,
        &[plain, secret],
    )
    .unwrap();
    conn.sync().unwrap();
    let frame = shm.next_frame().unwrap().expect("a frame");
    assert_secret_hidden(&frame.pixels, "MIT-SHM with a client list");
    drop(shm);

    // xcap reads $DISPLAY. This is the only test in this binary, so no other thread reads
    // the environment concurrently.
    std::env::set_var("DISPLAY", &xvfb.display);
    let mut xcap = XcapCapture::open(&Monitor::Index(0)).expect("open xcap capture");
    let frame = xcap.next_frame().unwrap().expect("a frame");
    assert_known_content(&frame.pixels, "xcap");
    let mut xcap_ms = Vec::new();
    for _ in 0..5 {
        let start = Instant::now();
        xcap.next_frame().unwrap().expect("a frame");
        xcap_ms.push(start.elapsed().as_secs_f64() * 1e3);
    }
    xcap.set_masks(masks).unwrap();
    let frame = xcap.next_frame().unwrap().expect("a frame");
    assert_secret_hidden(&frame.pixels, "xcap");

    // Monitors are selected by index or by RandR name; unknown ones list what exists.
    let monitors = meekijk_capture::list_monitors().expect("list monitors");
    assert_eq!((monitors[0].width, monitors[0].height), (1920, 1080));
    let by_name =
        ShmCapture::open(None, &Monitor::Name(monitors[0].name.clone())).expect("monitor by name");
    assert_eq!(by_name.monitor(), &monitors[0]);
    match ShmCapture::open(None, &Monitor::Index(7)) {
        Err(e @ meekijk_capture::Error::MonitorNotFound { .. }) => {
            assert!(e.to_string().contains(&monitors[0].name), "{e}")
        }
        other => panic!(
            "monitor 7 should not exist: {:?}",
            other.map(|c| c.describe())
        ),
    }

    // `open("screen")` picks the fast backend when MIT-SHM works.
    let screen = meekijk_capture::open("screen", (0, 0), 30).expect("open screen");
    assert!(
        screen.describe().starts_with("X11 MIT-SHM"),
        "got {}",
        screen.describe()
    );
    eprintln!(
        "capture 1920x1080 on Xvfb: MIT-SHM median {:.3} ms/frame, xcap median {:.1} ms/frame",
        median_ms(shm_ms),
        median_ms(xcap_ms)
    );
}

/// Pixels of `view` within `reach` of (`x`, `y`) that are not the root's colour.
fn not_root_near(view: &FrameView<'_>, (x, y): (u32, u32), reach: u32) -> usize {
    let xs = x.saturating_sub(reach)..(x + reach).min(view.width());
    let ys = y.saturating_sub(reach)..(y + reach).min(view.height());
    ys.flat_map(|y| xs.clone().map(move |x| (x, y)))
        .filter(|&(x, y)| bgr(view, x, y) != ROOT_RGB)
        .count()
}

/// Moves the pointer to `(x, y)` on the root, as a mouse moves it, and waits until it is there.
fn warp(conn: &RustConnection, root: u32, (x, y): (u32, u32)) {
    conn.warp_pointer(x11rb::NONE, root, 0, 0, 0, 0, x as i16, y as i16)
        .unwrap();
    conn.sync().unwrap();
}

#[test]
fn the_pointer_comes_beside_the_pixels_where_it_is_and_not_over_a_mask() {
    let (xvfb, conn, root) = xvfb_with_solid_root();
    let mut shm =
        ShmCapture::open(Some(&xvfb.display), &Monitor::Primary).expect("open MIT-SHM capture");
    let (here, there) = ((300, 200), (1500, 900));
    let root_bytes = &ROOT_RGB.to_le_bytes()[..3];
    let mut serial = None;
    // As a person moves the mouse: each frame says where the pointer is, and drawn over the
    // frame as a viewer draws it, it shows there and nowhere else.
    for (at, away) in [(here, there), (there, here)] {
        warp(&conn, root, at);
        let frame = shm.next_frame().unwrap().expect("a frame");
        let pointer = frame.pointer.expect("the pointer, from XFixes");
        assert_eq!((pointer.x, pointer.y), (at.0, at.1));
        assert!(
            frame
                .pixels
                .data()
                .chunks_exact(4)
                .all(|px| &px[..3] == root_bytes),
            "the pointer is not in the pixels"
        );
        assert!(
            *serial.get_or_insert(pointer.serial) == pointer.serial,
            "same shape"
        );
        let shape = CursorShape {
            width: pointer.width,
            height: pointer.height,
            hot_x: pointer.hot_x,
            hot_y: pointer.hot_y,
            pixels: Bytes::copy_from_slice(pointer.pixels),
        };
        let mut shown = Frame::from_view(&frame.pixels);
        cursor::draw(&mut shown.view_mut(), pointer.x, pointer.y, &shape);
        let drawn = not_root_near(&shown.view(), at, 32);
        assert!(drawn >= 20, "pointer at {at:?}: {drawn} pixels drawn");
        assert_eq!(
            not_root_near(&shown.view(), away, 32),
            0,
            "nothing at {away:?}"
        );
    }
    // A pointer over a masked area is not given at all; beside it, it is.
    shm.set_masks(Masks::new().rect(Rect::new(1400, 800, 200, 200)))
        .unwrap();
    let frame = shm.next_frame().unwrap().expect("a frame");
    assert!(frame.pointer.is_none(), "pointer over the mask");
    for y in 800..1000 {
        for x in 1400..1600 {
            assert_eq!(frame.pixels.pixel(x, y), MASK_COLOR, "pixel ({x}, {y})");
        }
    }
    warp(&conn, root, here);
    let frame = shm.next_frame().unwrap().expect("a frame");
    let pointer = frame.pointer.expect("the pointer beside the mask");
    assert_eq!((pointer.x, pointer.y), (here.0, here.1));
}
