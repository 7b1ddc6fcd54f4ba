//! The sessions people actually run: share + view on loopback, typed answers, control grants,
//! ignored input, and the one-shot end.

mod common;

use common::{read_png_bgra, receipt_events, receipt_lines, scratch, viewer, write_raw, Host};
use meekijk_codec::metrics::psnr;
use meekijk_codec::FrameView;

/// A deterministic test picture: a text-like panel (few colours, lossless palette) on the left
/// and a noisy gradient (natural content, AV1) on the right.
fn test_picture(width: u32, height: u32) -> Vec<u8> {
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut noise = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % 9) as i32 - 4
    };
    let mut pixels = Vec::with_capacity((width * height * 4) as usize);
    for y in 0..height {
        for x in 0..width {
            let bgra = if x < width / 2 {
                let glyph = (x / 3 + y / 5) % 7 < 2 && y % 12 < 9 && x % 24 < 20;
                if glyph {
                    [40, 30, 20, 255]
                } else {
                    [250, 250, 250, 255]
                }
            } else {
                let mut channel = |base: u32| (base as i32 + noise()).clamp(0, 255) as u8;
                [
                    channel(x * 255 / width),
                    channel(y * 255 / height),
                    channel(128),
                    255,
                ]
            };
            pixels.extend_from_slice(&bgra);
        }
    }
    pixels
}

#[test]
fn happy_path_the_viewer_sees_the_source_and_the_receipt_tells_the_story() {
    let dir = scratch("happy");
    let (width, height) = (320, 240);
    let source_pixels = test_picture(width, height);
    let raw = dir.join("still.bgra");
    // Forty still frames: the encoder sends the picture and then refines its natural part.
    write_raw(&raw, &source_pixels, 40);
    let source = format!("file:{}", raw.display());
    let (mut host, addr, code) = Host::listening(
        "happy",
        &["--source", &source, "--size", "320x240", "--fps", "30"],
    );
    assert_eq!(code.len(), 11, "nine digits shown as 3-3-3: {code}");

    let shot = dir.join("shot.png");
    let record = dir.join("session.y4m");
    let mut view = viewer(
        &addr,
        &code,
        "Anna de Vries",
        &[
            "--screenshot",
            shot.to_str().unwrap(),
            "--record",
            record.to_str().unwrap(),
        ],
    );
    host.proc
        .wait_for("Allow \"Anna de Vries\" to watch your screen? [y/N]");
    host.proc.type_line("ja");
    view.wait_for("The customer allowed you to watch: 320x240.");
    host.proc.wait_for("The source has ended");
    host.proc.type_line("q");

    let (status, out, receipt) = host.finish();
    assert!(status.success(), "{out}");
    assert!(
        out.contains("Session ended: you ended the session."),
        "{out}"
    );
    assert!(out.contains("Receipt: "), "{out}");
    let (view_status, view_out) = view.finish();
    assert!(view_status.success(), "{view_out}");
    assert!(
        view_out.contains("The host ended the session"),
        "{view_out}"
    );

    let (w, h, shot_pixels) = read_png_bgra(&shot);
    assert_eq!((w, h), (width, height));
    let source_view = FrameView::new(&source_pixels, width, height, width as usize * 4).unwrap();
    let shot_view = FrameView::new(&shot_pixels, width, height, width as usize * 4).unwrap();
    let db = psnr(&source_view, &shot_view).unwrap();
    eprintln!("viewer screenshot against the source: {db:.1} dB");
    assert!(
        db >= 45.0,
        "screenshot PSNR {db:.1} dB; at least 45 dB expected (refined)"
    );
    assert!(std::fs::metadata(&record).unwrap().len() > 0);

    let receipt = receipt.expect("a receipt is written");
    let lines = receipt_lines(&receipt);
    assert_eq!(
        receipt_events(&receipt),
        ["terms_accepted", "viewer_approved", "ended"]
    );
    assert_eq!(lines[0]["terms_sha256"].as_str().unwrap().len(), 64);
    assert_eq!(lines[1]["viewer"], "Anna de Vries");
    assert_eq!(lines[2]["reason"], "customer_ended");
    assert!(lines[2]["bytes_sent"].as_u64().unwrap() > 0);
}

/// A text-like screen of four colours whose pattern depends on `app`: no block one colour,
/// so every block a screen seen before shows again can come from the tile cache.
fn app_screen(width: u32, height: u32, app: u32) -> Vec<u8> {
    let palette = [
        [250, 250, 250, 255],
        [40, 30, 20, 255],
        [200, 90, 30, 255],
        [30, 160, 60, 255],
    ];
    (0..height)
        .flat_map(|y| (0..width).map(move |x| (x, y)))
        .flat_map(|(x, y)| palette[((x / (2 + app) + y / 3 + x * y / (7 + app)) % 4) as usize])
        .collect()
}

#[test]
fn a_screen_seen_before_comes_back_from_the_viewers_tile_cache() {
    let dir = scratch("cache");
    let (width, height) = (320, 240);
    let (first, second) = (app_screen(width, height, 0), app_screen(width, height, 1));
    // One application, another, then the first again: as alt-tab does.
    let raw = dir.join("switch.bgra");
    let mut frames = Vec::new();
    for screen in [&first, &second, &first] {
        for _ in 0..3 {
            frames.extend_from_slice(screen);
        }
    }
    std::fs::write(&raw, frames).unwrap();
    let source = format!("file:{}", raw.display());
    let (mut host, addr, code) =
        Host::listening("cache", &["--source", &source, "--size", "320x240"]);
    let shot = dir.join("shot.png");
    let view = viewer(
        &addr,
        &code,
        "Anna",
        &["--screenshot", shot.to_str().unwrap()],
    );
    host.proc
        .wait_for("Allow \"Anna\" to watch your screen? [y/N]");
    host.proc.type_line("y");
    host.proc.wait_for("The source has ended");
    host.proc.type_line("q");
    let (status, out, _) = host.finish();
    assert!(status.success(), "{out}");
    let (view_status, view_out) = view.finish();
    assert!(view_status.success(), "{view_out}");
    // The switch back names entries of the viewer's cache: a viewer that kept another number
    // of them than the host (the Hello says how many) would miss and ask for a keyframe.
    assert!(!view_out.contains("refresh"), "{view_out}");
    let (w, h, shot_pixels) = read_png_bgra(&shot);
    assert_eq!((w, h), (width, height));
    assert!(shot_pixels == first, "the first screen again, exactly");
}

#[test]
fn control_needs_the_customers_yes_and_c_takes_it_back() {
    let (mut host, addr, code) = Host::listening("control", &[]);
    let mut view = viewer(&addr, &code, "Bert", &["--request-control"]);
    host.proc.wait_for("Allow \"Bert\" to watch");
    host.proc.type_line("y");
    host.proc
        .wait_for("\"Bert\" asks to control your mouse and keyboard. Allow? [y/N]");
    host.proc.type_line("Y");
    view.wait_for("The customer granted you control");
    host.proc.type_line("c");
    view.wait_for("You do not have control");
    host.proc.wait_for("control taken back");
    host.proc.type_line("q");

    let (status, out, receipt) = host.finish();
    assert!(status.success(), "{out}");
    assert!(view.finish().0.success());
    assert_eq!(
        receipt_events(&receipt.unwrap()),
        [
            "terms_accepted",
            "viewer_approved",
            "control_granted",
            "control_revoked",
            "ended"
        ]
    );
}

#[test]
fn input_without_a_grant_is_dropped_and_counted() {
    let (mut host, addr, code) = Host::listening("input", &[]);
    let view = viewer(
        &addr,
        &code,
        "Carla",
        &["--send-pointer-moves", "25", "--frames", "3"],
    );
    host.proc.wait_for("Allow \"Carla\" to watch");
    host.proc.type_line("y");

    let (view_status, view_out) = view.finish();
    assert!(view_status.success(), "{view_out}");
    let (status, out, receipt) = host.finish();
    assert!(status.success(), "{out}");
    assert!(out.contains("Session ended: the viewer left."), "{out}");
    assert!(
        out.contains("25 input events ignored (control not granted), 0 under granted control"),
        "{out}"
    );
    let lines = receipt_lines(&receipt.unwrap());
    assert_eq!(lines.last().unwrap()["inputs_dropped"], 25);
}

#[test]
fn one_shot_nothing_reconnects_after_the_end() {
    let (mut host, addr, code) = Host::listening("oneshot", &[]);
    let view = viewer(&addr, &code, "Dirk", &["--frames", "2"]);
    host.proc.wait_for("Allow \"Dirk\" to watch");
    host.proc.type_line("y");
    assert!(view.finish().0.success());
    let (status, out, _) = host.finish();
    assert!(status.success(), "{out}");

    // The same code and address once more: the port is closed, nothing answers.
    let (again, again_out) = viewer(&addr, &code, "Dirk", &[]).finish();
    assert!(!again.success());
    assert!(again_out.contains("cannot connect"), "{again_out}");
    assert!(std::net::TcpStream::connect(&addr).is_err());
}

#[test]
fn the_terms_file_is_what_the_receipt_fingerprints() {
    let dir = scratch("terms");
    let terms = dir.join("voorwaarden.txt");
    std::fs::write(&terms, "Voorwaarden: alleen met uw toestemming.\n").unwrap();
    let (mut host, _addr, _code) = Host::listening("terms", &["--terms", terms.to_str().unwrap()]);
    host.proc
        .wait_for("Voorwaarden: alleen met uw toestemming.");
    host.proc.type_line("q");
    let (status, out, receipt) = host.finish();
    assert!(!status.success(), "nobody watched: {out}");
    let lines = receipt_lines(&receipt.unwrap());
    use sha2::Digest;
    let expected: String = sha2::Sha256::digest(b"Voorwaarden: alleen met uw toestemming.\n")
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(lines[0]["terms_sha256"], expected.as_str());
    assert_eq!(lines[1]["reason"], "customer_ended");
}
