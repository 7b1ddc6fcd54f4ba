//! Every "no" is final: refused or unanswered terms open no port; a refused or unanswered
//! viewer sees nothing.

mod common;

use common::{receipt_events, receipt_lines, viewer, Host};

fn refuse_terms(test: &str, answer: Option<&str>) -> String {
    let mut host = Host::start(test, &[]);
    host.proc.wait_for("Do you accept these terms?");
    match answer {
        Some(line) => host.proc.type_line(line),
        None => host.proc.close_stdin(),
    }
    let (status, out, receipt) = host.finish();
    assert!(!status.success(), "{out}");
    assert!(!out.contains("Listening on"), "no port may open: {out}");
    assert!(!out.contains("One-time code"), "no code may be made: {out}");
    assert!(receipt.is_none(), "nothing is stored without consent");
    out
}

#[test]
fn terms_refused() {
    for (i, answer) in ["n", "nee", "yes please", ""].into_iter().enumerate() {
        let out = refuse_terms(&format!("terms-refused-{i}"), Some(answer));
        assert!(
            out.contains("Session ended: the terms were not accepted."),
            "{out}"
        );
    }
}

#[test]
fn eof_at_the_terms_prompt_refuses() {
    let out = refuse_terms("terms-eof", None);
    assert!(
        out.contains("input closed before an answer; taken as no"),
        "{out}"
    );
}

#[test]
fn no_answer_in_time_refuses() {
    let out = {
        let host = Host::start("terms-timeout", &["--answer-timeout", "1s"]);
        let (status, out, receipt) = host.finish();
        assert!(!status.success());
        assert!(receipt.is_none());
        out
    };
    assert!(out.contains("no answer in time; taken as no"), "{out}");
    assert!(!out.contains("Listening on"), "{out}");
}

fn refuse_viewer(test: &str, answer: Option<&str>) -> (String, String, String) {
    let (mut host, addr, code) = Host::listening(test, &[]);
    let view = viewer(&addr, &code, "Eve", &[]);
    host.proc.wait_for("Allow \"Eve\" to watch your screen?");
    match answer {
        Some(line) => host.proc.type_line(line),
        None => host.proc.close_stdin(),
    }
    let (view_status, view_out) = view.finish();
    assert!(!view_status.success(), "{view_out}");
    assert!(view_out.contains("did not allow watching"), "{view_out}");
    assert!(
        view_out.contains("stats: 0 frames"),
        "nothing may be sent: {view_out}"
    );
    let (status, out, receipt) = host.finish();
    assert!(!status.success(), "{out}");
    assert!(
        !out.contains("Streaming"),
        "the source is never opened: {out}"
    );
    (out, view_out, receipt.unwrap())
}

#[test]
fn viewer_refused() {
    let (out, _, receipt) = refuse_viewer("viewer-refused", Some("no"));
    assert!(
        out.contains("Session ended: the viewer was not allowed to watch."),
        "{out}"
    );
    assert_eq!(receipt_events(&receipt), ["terms_accepted", "ended"]);
    assert_eq!(receipt_lines(&receipt)[1]["reason"], "viewer_refused");
}

#[test]
fn eof_at_the_viewer_prompt_refuses() {
    let (out, _, receipt) = refuse_viewer("viewer-eof", None);
    assert!(out.contains("input closed before an answer"), "{out}");
    assert_eq!(receipt_lines(&receipt)[1]["reason"], "input_closed");
    assert_eq!(receipt_lines(&receipt)[1]["bytes_sent"], 0);
}

#[test]
fn a_misspelt_source_fails_before_anything_is_asked() {
    let host = Host::start("bad-source", &["--source", "webcam"]);
    let (status, out, receipt) = host.finish();
    assert!(!status.success());
    assert!(out.contains("--source \"webcam\""), "{out}");
    assert!(!out.contains("Do you accept"), "{out}");
    assert!(receipt.is_none());
}
