//! Hostile peers against the real host on loopback. Each ends with a clear message and no
//! panic; none gets to see the screen without the code and both consents.

mod common;

use meekijk_codec::wire;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;

use common::{raw, receipt_lines, viewer, Host, PATIENCE};

fn wrong(code: &str) -> String {
    let mut digits: Vec<char> = code.chars().collect();
    let last = digits.last_mut().unwrap();
    *last = char::from(b'0' + (*last as u8 - b'0' + 1) % 10);
    digits.into_iter().collect()
}

fn no_panic(out: &str) {
    assert!(!out.contains("panicked"), "{out}");
}

#[test]
fn one_wrong_code_burns_the_session() {
    let (host, addr, code) = Host::listening("wrong-code", &[]);
    let (status, out) = viewer(&addr, &wrong(&code), "Mallory", &[]).finish();
    assert!(!status.success());
    assert!(out.contains("the code was wrong"), "{out}");

    let (status, host_out, receipt) = host.finish();
    assert!(!status.success());
    assert!(
        host_out.contains("someone tried a wrong code; the session is burned"),
        "{host_out}"
    );
    no_panic(&host_out);
    assert_eq!(receipt_lines(&receipt.unwrap())[1]["reason"], "wrong_code");

    // The right code afterwards: the session is gone.
    let (status, out) = viewer(&addr, &code, "Anna", &[]).finish();
    assert!(!status.success());
    assert!(out.contains("cannot connect"), "{out}");
}

#[test]
fn a_second_viewer_is_refused_while_one_is_connected() {
    let (mut host, addr, code) = Host::listening("second-viewer", &[]);
    let mut first = viewer(&addr, &code, "Anna", &[]);
    host.proc.wait_for("Allow \"Anna\" to watch");
    host.proc.type_line("y");
    // Watching, not just allowed: a viewer that leaves before its first picture fails.
    first.wait_for("The first picture arrived");

    let (status, out) = viewer(&addr, &code, "Mallory", &[]).finish();
    assert!(!status.success());
    assert!(
        out.contains("the session already has a viewer; only one may watch"),
        "{out}"
    );
    host.proc
        .wait_for("refused connection #2: the session already has a viewer");

    host.proc.type_line("q");
    let (first_status, first_out) = first.finish();
    assert!(first_status.success(), "{first_out}");
    let (status, host_out, _) = host.finish();
    assert!(status.success(), "{host_out}");
    assert!(
        !host_out.contains("Mallory"),
        "the refused peer never reaches the customer"
    );
}

#[test]
fn garbage_and_tls12_are_dropped_and_the_code_still_works() {
    let (mut host, addr, code) = Host::listening("garbage", &[]);

    let mut tcp = TcpStream::connect(&addr).unwrap();
    tcp.set_read_timeout(Some(PATIENCE)).unwrap();
    tcp.write_all(b"GET / HTTP/1.1\r\nHost: meekijk\r\n\r\n")
        .unwrap();
    let mut answer = Vec::new();
    let _ = tcp.read_to_end(&mut answer);
    assert!(
        !String::from_utf8_lossy(&answer).contains("HTTP"),
        "no plaintext answer"
    );
    host.proc
        .wait_for("connection #1 dropped before proving the code");

    let openssl = Command::new("openssl")
        .args([
            "s_client",
            "-tls1_2",
            "-connect",
            &addr,
            "-servername",
            "meekijk.invalid",
        ])
        .stdin(std::process::Stdio::null())
        .output()
        .expect("openssl is installed");
    let said = String::from_utf8_lossy(&openssl.stderr).to_string()
        + &String::from_utf8_lossy(&openssl.stdout);
    assert!(
        !openssl.status.success(),
        "a TLS 1.2 handshake must fail: {said}"
    );
    assert!(said.contains("alert protocol version"), "{said}");
    host.proc
        .wait_for("connection #2 dropped before proving the code");

    let view = viewer(&addr, &code, "Anna", &["--frames", "2"]);
    host.proc.wait_for("Allow \"Anna\" to watch");
    host.proc.type_line("y");
    assert!(view.finish().0.success());
    let (status, out, _) = host.finish();
    assert!(status.success(), "{out}");
    no_panic(&out);
}

/// Authenticates a raw client and has the customer allow it.
fn approved_raw_viewer(host: &mut Host, addr: &str, code: &str) -> raw::Tls {
    let mut tls = raw::connect(addr);
    raw::prove(&mut tls, code, "Rogue").expect("the right code proves");
    host.proc.wait_for("Allow \"Rogue\" to watch");
    host.proc.type_line("y");
    host.proc.wait_for("Streaming");
    tls
}

#[test]
fn oversized_messages_end_the_session() {
    let headers: [(u32, &str); 2] = [
        (
            1 << 20,
            "a viewer message of 1048584 bytes; at most 1024 expected",
        ),
        (u32::MAX, "message length"),
    ];
    for (i, (len, expected)) in headers.into_iter().enumerate() {
        let (mut host, addr, code) = Host::listening(&format!("oversized-{i}"), &[]);
        let mut tls = approved_raw_viewer(&mut host, &addr, &code);
        let mut header = vec![b'M', b'K', wire::VERSION, 0x81];
        header.extend_from_slice(&len.to_be_bytes());
        tls.write_all(&header).unwrap();
        tls.flush().unwrap();
        let (status, out, receipt) = host.finish();
        assert!(!status.success());
        assert!(out.contains("the viewer broke the protocol"), "{out}");
        assert!(out.contains(expected), "{out}");
        no_panic(&out);
        assert_eq!(
            receipt_lines(&receipt.unwrap())[2]["reason"],
            "protocol_violation"
        );
    }
}

#[test]
fn a_truncated_message_ends_the_session() {
    let (mut host, addr, code) = Host::listening("truncated", &[]);
    let mut tls = approved_raw_viewer(&mut host, &addr, &code);
    // The first 5 of the 16 bytes of an Ack, then a proper TLS close.
    tls.write_all(&[b'M', b'K', wire::VERSION, 0x81, 0])
        .unwrap();
    tls.conn.send_close_notify();
    tls.flush().unwrap();
    tls.sock.shutdown(std::net::Shutdown::Write).unwrap();
    // Keep reading until the host closes, so unread data does not turn the close into a reset.
    raw::drain(&mut tls, PATIENCE);
    let (status, out, _) = host.finish();
    assert!(!status.success());
    assert!(
        out.contains("the connection closed in the middle of a message"),
        "{out}"
    );
    no_panic(&out);
}

#[test]
fn a_peer_that_never_reads_times_out_and_memory_stays_bounded() {
    let args = [
        "--source",
        "synthetic:video",
        "--size",
        "640x480",
        "--fps",
        "30",
        "--idle-timeout",
        "3s",
    ];
    let (mut host, addr, code) = Host::listening("never-reads", &args);
    let tls = approved_raw_viewer(&mut host, &addr, &code);
    let mut peak_kib = 0;
    while host.proc.child.try_wait().unwrap().is_none() {
        peak_kib = host
            .proc
            .peak_memory_kib()
            .unwrap_or(peak_kib)
            .max(peak_kib);
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let (status, out, receipt) = host.finish();
    drop(tls);
    assert!(!status.success());
    assert!(
        out.contains("the viewer stopped responding") || out.contains("stopped reading"),
        "{out}"
    );
    no_panic(&out);
    // Flow control: at most a few updates wait for the viewer, whatever it does.
    eprintln!("host peak memory with a peer that never reads: {peak_kib} KiB");
    assert!(peak_kib < 256 * 1024, "peak memory {peak_kib} KiB");
    let lines = receipt_lines(&receipt.unwrap());
    let updates = lines.last().unwrap()["updates_sent"].as_u64().unwrap();
    assert!(updates <= 3, "{updates} updates sent without a single ack");
}
