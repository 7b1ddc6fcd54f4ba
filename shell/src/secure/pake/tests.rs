//! The code proof between two in-memory ends: matching codes, wrong codes, a relaying man in
//! the middle, refusals and hostile greetings.

use tokio::io::{duplex, AsyncReadExt, AsyncWriteExt};

use super::*;

const EXPORTER: [u8; 32] = [7; 32];

fn code(text: &str) -> OneTimeCode {
    OneTimeCode::parse(text).unwrap()
}

async fn run(
    host_code: &str,
    host_exporter: [u8; 32],
    viewer_code: &str,
    viewer_exporter: [u8; 32],
) -> (Result<String, AuthError>, Result<(), AuthError>) {
    let (mut host_end, mut viewer_end) = duplex(4096);
    let (host_code, viewer_code) = (code(host_code), code(viewer_code));
    let host = async { prove_as_host(&mut host_end, &host_exporter, &host_code).await };
    let viewer = async {
        prove_as_viewer(
            &mut viewer_end,
            &viewer_exporter,
            &viewer_code,
            "Anna de Vries",
        )
        .await
    };
    tokio::join!(host, viewer)
}

#[tokio::test]
async fn the_same_code_proves_both_ways() {
    let (host, viewer) = run("481-927-305", EXPORTER, "481927305", EXPORTER).await;
    assert_eq!(host.unwrap(), "Anna de Vries");
    viewer.unwrap();
}

#[tokio::test]
async fn a_wrong_code_fails_on_both_sides() {
    let (host, viewer) = run("481-927-305", EXPORTER, "481-927-306", EXPORTER).await;
    assert!(matches!(host, Err(AuthError::WrongCode)), "{host:?}");
    assert!(matches!(viewer, Err(AuthError::WrongCode)), "{viewer:?}");
}

#[tokio::test]
async fn a_relay_between_two_tls_channels_is_caught() {
    // A man in the middle who knows no code can only relay the messages; his two TLS
    // channels have different exporter secrets, so the confirmations cannot match.
    let (host, viewer) = run("481-927-305", EXPORTER, "481-927-305", [8; 32]).await;
    assert!(matches!(host, Err(AuthError::WrongCode)), "{host:?}");
    assert!(viewer.is_err());
}

#[tokio::test]
async fn the_spake2_messages_differ_every_time() {
    // Fresh randomness per attempt: recorded messages are useless for a replay.
    let mut seen = Vec::new();
    for _ in 0..2 {
        let (mut host_end, mut viewer_end) = duplex(4096);
        let viewer = tokio::spawn(async move {
            let _ = prove_as_viewer(&mut viewer_end, &EXPORTER, &code("111-111-111"), "x").await;
        });
        let mut greeting = [0u8; 4 + 1 + 1 + 33];
        host_end.read_exact(&mut greeting).await.unwrap();
        seen.push(greeting);
        drop(host_end);
        viewer.await.unwrap();
    }
    assert_ne!(seen[0], seen[1]);
}

#[tokio::test]
async fn refusals_reach_the_viewer() {
    for (why, expected) in [
        (Refuse::Busy, "already has a viewer"),
        (Refuse::Ended, "has ended"),
    ] {
        let (mut host_end, mut viewer_end) = duplex(4096);
        let host = async { refuse(&mut host_end, why).await };
        let viewer =
            async { prove_as_viewer(&mut viewer_end, &EXPORTER, &code("123456789"), "Bob").await };
        let (host, viewer) = tokio::join!(host, viewer);
        host.unwrap();
        assert!(viewer.unwrap_err().to_string().contains(expected));
    }
}

#[tokio::test]
async fn hostile_greetings_are_refused_without_panic() {
    let cases: [&[u8]; 5] = [
        b"GET / HTTP/1.1\r\n\r\n",
        b"MKJ1\x00",
        b"MKJ1\xff",
        b"MKJ1\x03a\x1bb",
        b"MKJ1\x02\xc3\x28",
    ];
    for greeting in cases {
        let (mut host_end, mut viewer_end) = duplex(4096);
        viewer_end.write_all(greeting).await.unwrap();
        viewer_end.write_all(&[0u8; 40]).await.unwrap();
        let result = prove_as_host(&mut host_end, &EXPORTER, &code("123456789")).await;
        assert!(
            matches!(result, Err(AuthError::Protocol(_) | AuthError::BadName(_))),
            "{greeting:?}: {result:?}"
        );
    }
}

#[tokio::test]
async fn a_truncated_greeting_is_an_io_error() {
    let (mut host_end, mut viewer_end) = duplex(4096);
    viewer_end.write_all(b"MKJ1\x05Ann").await.unwrap();
    drop(viewer_end);
    let result = prove_as_host(&mut host_end, &EXPORTER, &code("123456789")).await;
    assert!(matches!(result, Err(AuthError::Io(_))), "{result:?}");
}

#[test]
fn viewer_names_must_be_safe_to_show() {
    check_viewer_name("Anna de Vries (Unifiedpost)").unwrap();
    check_viewer_name("Zoë").unwrap();
    for bad in [
        "",
        "   ",
        "a\x1b[2Jb",
        "line\nbreak",
        "evil\u{202e}txt",
        &"x".repeat(65),
    ] {
        assert!(check_viewer_name(bad).is_err(), "{bad:?}");
    }
}
