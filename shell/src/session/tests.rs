//! Every session rule of the terms, checked on the state machine with injected time.

use std::time::{Duration, Instant};

use super::*;

const VIEWER: ConnId = ConnId(1);
const SECOND: ConnId = ConnId(2);

fn limits() -> Limits {
    Limits::default()
}

struct Run {
    session: HostSession,
    now: Instant,
    log: Vec<Action>,
}

impl Run {
    fn new() -> Self {
        let now = Instant::now();
        let (session, log) = HostSession::new(limits(), now);
        Self { session, now, log }
    }

    fn at(&mut self, after: Duration, event: Event) -> Vec<Action> {
        self.now += after;
        let actions = self.session.handle(self.now, event);
        self.log.extend(actions.iter().cloned());
        actions
    }

    fn send(&mut self, event: Event) -> Vec<Action> {
        self.at(Duration::ZERO, event)
    }

    fn line(&mut self, text: &str) -> Vec<Action> {
        self.send(Event::CustomerLine(text.into()))
    }

    fn viewer(&mut self, message: ViewerEvent) -> Vec<Action> {
        self.send(Event::Viewer {
            conn: VIEWER,
            message,
        })
    }

    fn waiting_for_viewer() -> Self {
        let mut run = Self::new();
        assert_eq!(
            run.line("y"),
            [
                Action::Record(ReceiptEntry::TermsAccepted),
                Action::OpenListener
            ]
        );
        run
    }

    fn authenticated() -> Self {
        let mut run = Self::waiting_for_viewer();
        assert_eq!(
            run.send(Event::ConnectionOpened(VIEWER)),
            [Action::Authenticate(VIEWER)]
        );
        let asked = run.send(Event::AuthSucceeded {
            conn: VIEWER,
            viewer: "Anna".into(),
        });
        assert_eq!(
            asked,
            [Action::Ask(Question::AllowViewer {
                viewer: "Anna".into()
            })]
        );
        run
    }

    fn streaming() -> Self {
        let mut run = Self::authenticated();
        let started = run.line("ja");
        assert!(
            started.contains(&Action::StartStreaming(VIEWER)),
            "{started:?}"
        );
        run
    }

    fn granted() -> Self {
        let mut run = Self::streaming();
        run.viewer(ViewerEvent::ControlRequest);
        let granted = run.line("y");
        assert!(granted.contains(&Action::SendControlState { granted: true }));
        run
    }

    fn ended_with(&self) -> Option<&EndReason> {
        self.session.end_reason()
    }

    fn streamed(&self) -> bool {
        self.log
            .iter()
            .any(|a| matches!(a, Action::StartStreaming(_)))
    }

    fn records(&self) -> Vec<&ReceiptEntry> {
        self.log
            .iter()
            .filter_map(|a| match a {
                Action::Record(entry) => Some(entry),
                _ => None,
            })
            .collect()
    }
}

#[test]
fn consent_accepts_exactly_y_yes_j_ja_in_any_case_with_blanks() {
    for answer in [
        "y", "Y", "yes", "YES", "Yes", " ja ", "J", "Ja\t", "jA", "  y  ",
    ] {
        let mut run = Run::new();
        let actions = run.line(answer);
        assert!(
            actions.contains(&Action::OpenListener),
            "{answer:?} should accept"
        );
    }
}

#[test]
fn any_other_answer_refuses_the_terms_and_ends() {
    for answer in [
        "",
        "n",
        "no",
        "nee",
        "yes please",
        "jaa",
        "ok",
        "1",
        "y es",
        "yy",
        "q",
    ] {
        let mut run = Run::new();
        let actions = run.line(answer);
        assert!(
            !actions.contains(&Action::OpenListener),
            "{answer:?} must not accept"
        );
        assert_eq!(
            run.ended_with(),
            Some(&EndReason::TermsRefused),
            "{answer:?}"
        );
        assert!(
            run.records().is_empty(),
            "nothing is recorded without consent"
        );
    }
}

#[test]
fn eof_or_silence_at_the_terms_prompt_refuses() {
    let mut run = Run::new();
    run.send(Event::CustomerInputClosed);
    assert_eq!(run.ended_with(), Some(&EndReason::InputClosed));

    let mut run = Run::new();
    run.at(
        limits().answer_timeout - Duration::from_millis(1),
        Event::Tick,
    );
    assert_eq!(run.ended_with(), None);
    run.at(Duration::from_millis(1), Event::Tick);
    assert_eq!(run.ended_with(), Some(&EndReason::AnswerTimedOut));
    // A late yes changes nothing.
    assert!(run.line("y").is_empty());
    assert!(!run.log.contains(&Action::OpenListener));
}

#[test]
fn nothing_is_streamed_before_both_consents() {
    let mut run = Run::authenticated();
    assert!(!run.streamed());
    assert!(!run.session.may_send_update());
    run.send(Event::UpdateSent {
        conn: VIEWER,
        bytes: 100,
    });
    assert_eq!(
        run.session.counters().bytes_sent,
        0,
        "no update counts before approval"
    );
    run.line("y");
    assert!(run.streamed());
    assert!(run.session.may_send_update());
}

#[test]
fn viewer_refused_by_no_eof_or_silence() {
    let mut run = Run::authenticated();
    run.line("nee");
    assert_eq!(run.ended_with(), Some(&EndReason::ViewerRefused));
    assert!(!run.streamed());

    let mut run = Run::authenticated();
    run.send(Event::CustomerInputClosed);
    assert_eq!(run.ended_with(), Some(&EndReason::InputClosed));
    assert!(!run.streamed());

    let mut run = Run::authenticated();
    run.at(limits().answer_timeout, Event::Tick);
    assert_eq!(run.ended_with(), Some(&EndReason::AnswerTimedOut));
    assert!(!run.streamed());
}

#[test]
fn exactly_one_viewer_others_are_refused() {
    let mut run = Run::waiting_for_viewer();
    assert_eq!(
        run.send(Event::ConnectionOpened(VIEWER)),
        [Action::Authenticate(VIEWER)]
    );
    let second = run.send(Event::ConnectionOpened(SECOND));
    assert!(
        second.contains(&Action::Refuse(SECOND, Refusal::Busy)),
        "{second:?}"
    );
    assert!(!second.contains(&Action::Authenticate(SECOND)));
    // The refused connection's auth result is ignored.
    run.send(Event::AuthSucceeded {
        conn: SECOND,
        viewer: "Mallory".into(),
    });
    assert!(matches!(
        run.session.state(),
        State::AwaitingAuth { conn: VIEWER, .. }
    ));

    let mut run = Run::streaming();
    let third = run.send(Event::ConnectionOpened(ConnId(3)));
    assert!(third.contains(&Action::Refuse(ConnId(3), Refusal::Busy)));
    // A refused connection cannot speak for the viewer.
    run.send(Event::Viewer {
        conn: ConnId(3),
        message: ViewerEvent::Bye,
    });
    assert_eq!(run.ended_with(), None);
}

#[test]
fn one_wrong_code_burns_the_session() {
    let mut run = Run::waiting_for_viewer();
    run.send(Event::ConnectionOpened(VIEWER));
    let burned = run.send(Event::AuthFailed { conn: VIEWER });
    assert_eq!(run.ended_with(), Some(&EndReason::WrongCode));
    assert!(burned.contains(&Action::End(EndReason::WrongCode)));
    // The right code afterwards gets nowhere.
    let retry = run.send(Event::ConnectionOpened(SECOND));
    assert_eq!(retry, [Action::Refuse(SECOND, Refusal::Ended)]);
}

#[test]
fn a_connection_that_fails_before_the_proof_does_not_burn_the_code() {
    let mut run = Run::waiting_for_viewer();
    run.send(Event::ConnectionOpened(VIEWER));
    run.send(Event::ConnectionClosed {
        conn: VIEWER,
        reason: "not TLS".into(),
    });
    assert!(matches!(run.session.state(), State::AwaitingViewer { .. }));
    assert_eq!(
        run.send(Event::ConnectionOpened(SECOND)),
        [Action::Authenticate(SECOND)]
    );
}

#[test]
fn a_stalled_proof_is_dropped_and_the_code_stays_usable_until_it_expires() {
    let mut run = Run::waiting_for_viewer();
    run.send(Event::ConnectionOpened(VIEWER));
    let dropped = run.at(limits().auth_timeout, Event::Tick);
    assert!(
        dropped.contains(&Action::Refuse(VIEWER, Refusal::Busy)),
        "{dropped:?}"
    );
    assert_eq!(
        run.send(Event::ConnectionOpened(SECOND)),
        [Action::Authenticate(SECOND)]
    );
}

#[test]
fn the_code_expires() {
    let mut run = Run::waiting_for_viewer();
    run.at(limits().code_lifetime - Duration::from_secs(1), Event::Tick);
    assert_eq!(run.ended_with(), None);
    let late = run.at(Duration::from_secs(1), Event::ConnectionOpened(VIEWER));
    assert_eq!(run.ended_with(), Some(&EndReason::CodeExpired));
    assert!(
        late.contains(&Action::Refuse(VIEWER, Refusal::Ended)),
        "{late:?}"
    );
    assert!(!late.contains(&Action::Authenticate(VIEWER)));
}

#[test]
fn the_session_has_a_maximum_duration() {
    let mut run = Run::streaming();
    for _ in 0..(limits().max_duration.as_secs() / 10) {
        run.at(
            Duration::from_secs(10),
            Event::Viewer {
                conn: VIEWER,
                message: ViewerEvent::RefreshRequest,
            },
        );
    }
    assert_eq!(run.ended_with(), Some(&EndReason::MaxDuration));
}

#[test]
fn a_silent_viewer_times_out_and_acks_keep_it_alive() {
    let mut run = Run::streaming();
    let half = limits().idle_timeout / 2;
    for sequence in 1..=10 {
        run.send(Event::UpdateSent {
            conn: VIEWER,
            bytes: 10,
        });
        run.at(
            half,
            Event::Viewer {
                conn: VIEWER,
                message: ViewerEvent::Ack { sequence },
            },
        );
    }
    assert_eq!(run.ended_with(), None);
    run.at(limits().idle_timeout, Event::Tick);
    assert_eq!(run.ended_with(), Some(&EndReason::IdleTimeout));
}

#[test]
fn view_only_by_default_input_is_dropped_and_counted() {
    let mut run = Run::streaming();
    for _ in 0..5 {
        let actions = run.viewer(ViewerEvent::Input);
        assert!(!actions.contains(&Action::ForwardInput));
    }
    assert_eq!(run.session.counters().inputs_dropped, 5);
    assert_eq!(run.session.counters().inputs_forwarded, 0);
    let tells = run
        .log
        .iter()
        .filter(|a| matches!(a, Action::Tell(_)))
        .count();
    assert_eq!(tells, 1, "the customer is told once, not per event");
}

#[test]
fn control_needs_a_prompt_and_a_yes_and_c_revokes_it() {
    let mut run = Run::streaming();
    let asked = run.viewer(ViewerEvent::ControlRequest);
    assert_eq!(
        asked,
        [Action::Ask(Question::AllowControl {
            viewer: "Anna".into()
        })]
    );
    assert!(
        !run.viewer(ViewerEvent::Input)
            .contains(&Action::ForwardInput),
        "not yet granted"
    );
    run.line("j");
    assert_eq!(run.viewer(ViewerEvent::Input), [Action::ForwardInput]);
    let revoked = run.line("c");
    assert!(revoked.contains(&Action::SendControlState { granted: false }));
    assert!(!run
        .viewer(ViewerEvent::Input)
        .contains(&Action::ForwardInput));
    assert_eq!(run.session.counters().inputs_forwarded, 1);
    assert_eq!(run.session.counters().inputs_dropped, 2);
    let records = run.records();
    assert!(records.contains(&&ReceiptEntry::ControlGranted));
    assert!(records.contains(&&ReceiptEntry::ControlRevoked));
}

#[test]
fn control_refused_by_no_or_silence() {
    let mut run = Run::streaming();
    run.viewer(ViewerEvent::ControlRequest);
    let refused = run.line("no");
    assert!(refused.contains(&Action::SendControlState { granted: false }));
    assert_eq!(
        run.ended_with(),
        None,
        "refusing control does not end the session"
    );

    run.viewer(ViewerEvent::ControlRequest);
    // The viewer stays active (refresh requests) while the customer does not answer.
    for _ in 0..limits().answer_timeout.as_secs() / 10 {
        run.at(
            Duration::from_secs(10),
            Event::Viewer {
                conn: VIEWER,
                message: ViewerEvent::RefreshRequest,
            },
        );
    }
    assert_eq!(run.ended_with(), None);
    run.viewer(ViewerEvent::Input);
    assert!(matches!(run.session.state(), State::Streaming(s) if s.control == Control::Off));
    assert_eq!(run.session.counters().inputs_dropped, 1);
}

#[test]
fn repeated_control_requests_stop_prompting() {
    let mut run = Run::streaming();
    for _ in 0..limits().max_control_refusals {
        assert!(!run.viewer(ViewerEvent::ControlRequest).is_empty());
        run.line("n");
    }
    let ignored = run.viewer(ViewerEvent::ControlRequest);
    assert!(
        !ignored.iter().any(|a| matches!(a, Action::Ask(_))),
        "{ignored:?}"
    );
}

#[test]
fn q_ends_while_waiting_and_while_streaming_even_as_an_answer() {
    let mut run = Run::waiting_for_viewer();
    run.line("q");
    assert_eq!(run.ended_with(), Some(&EndReason::CustomerEnded));

    let mut run = Run::streaming();
    run.viewer(ViewerEvent::ControlRequest);
    run.line(" Q ");
    assert_eq!(run.ended_with(), Some(&EndReason::CustomerEnded));
}

#[test]
fn flow_control_bounds_updates_in_flight() {
    let mut run = Run::streaming();
    for _ in 0..limits().max_in_flight {
        assert!(run.session.may_send_update());
        run.send(Event::UpdateSent {
            conn: VIEWER,
            bytes: 1000,
        });
    }
    assert!(
        !run.session.may_send_update(),
        "a slow viewer stops the sending"
    );
    run.viewer(ViewerEvent::Ack { sequence: 1 });
    assert!(run.session.may_send_update());
    assert_eq!(
        run.session.counters().bytes_sent,
        1000 * u64::from(limits().max_in_flight)
    );
}

#[test]
fn protocol_violations_end_the_session() {
    let mut run = Run::streaming();
    run.viewer(ViewerEvent::Ack { sequence: 1 });
    assert!(
        matches!(run.ended_with(), Some(EndReason::ProtocolViolation(_))),
        "nothing was sent"
    );

    let mut run = Run::streaming();
    run.send(Event::UpdateSent {
        conn: VIEWER,
        bytes: 1,
    });
    run.send(Event::UpdateSent {
        conn: VIEWER,
        bytes: 1,
    });
    run.viewer(ViewerEvent::Ack { sequence: 2 });
    assert!(
        matches!(run.ended_with(), Some(EndReason::ProtocolViolation(_))),
        "out of order"
    );

    let mut run = Run::streaming();
    run.send(Event::UpdateSent {
        conn: VIEWER,
        bytes: 1,
    });
    run.viewer(ViewerEvent::Ack { sequence: 1 });
    run.viewer(ViewerEvent::Ack { sequence: 1 });
    assert!(
        matches!(run.ended_with(), Some(EndReason::ProtocolViolation(_))),
        "twice"
    );

    let mut run = Run::streaming();
    run.viewer(ViewerEvent::Malformed(
        "message of 9999999 bytes exceeds 1048576".into(),
    ));
    assert!(matches!(
        run.ended_with(),
        Some(EndReason::ProtocolViolation(_))
    ));
}

#[test]
fn a_host_failure_ends_the_session_and_is_recorded() {
    let mut run = Run::streaming();
    run.send(Event::HostFailed("cannot open display :9".into()));
    assert_eq!(
        run.ended_with(),
        Some(&EndReason::HostFailure("cannot open display :9".into()))
    );
    assert!(matches!(
        run.records().last(),
        Some(ReceiptEntry::Ended { .. })
    ));
}

#[test]
fn after_the_end_nothing_is_accepted() {
    let mut run = Run::granted();
    run.line("q");
    let ended = run.session.end_reason().cloned();
    let events = [
        Event::CustomerLine("y".into()),
        Event::AuthSucceeded {
            conn: VIEWER,
            viewer: "Anna".into(),
        },
        Event::Viewer {
            conn: VIEWER,
            message: ViewerEvent::Input,
        },
        Event::Viewer {
            conn: VIEWER,
            message: ViewerEvent::ControlRequest,
        },
        Event::UpdateSent {
            conn: VIEWER,
            bytes: 5,
        },
        Event::Tick,
    ];
    for event in events {
        assert!(run.send(event).is_empty());
    }
    assert_eq!(
        run.send(Event::ConnectionOpened(SECOND)),
        [Action::Refuse(SECOND, Refusal::Ended)]
    );
    assert_eq!(run.session.end_reason().cloned(), ended);
    assert!(!run.session.may_send_update());
    assert_eq!(run.session.next_deadline(), None);
}

#[test]
fn the_receipt_tells_the_whole_story_once() {
    let mut run = Run::granted();
    run.send(Event::UpdateSent {
        conn: VIEWER,
        bytes: 42,
    });
    // The pointer's messages are bytes sent, not updates; another connection's count nowhere.
    for (conn, bytes) in [(VIEWER, 17), (SECOND, 1000)] {
        run.send(Event::PointerSent { conn, bytes });
    }
    run.line("c");
    run.viewer(ViewerEvent::Bye);
    let ended = ReceiptEntry::Ended {
        reason: EndReason::ViewerLeft,
        bytes_sent: 59,
        updates_sent: 1,
        inputs_dropped: 0,
    };
    assert_eq!(
        run.records(),
        [
            &ReceiptEntry::TermsAccepted,
            &ReceiptEntry::ViewerApproved {
                viewer: "Anna".into()
            },
            &ReceiptEntry::ControlGranted,
            &ReceiptEntry::ControlRevoked,
            &ended,
        ]
    );
    assert_eq!(run.log.last(), Some(&Action::End(EndReason::ViewerLeft)));
}

#[test]
fn next_deadline_is_the_earliest_timer() {
    let mut run = Run::streaming();
    let idle = run.now + limits().idle_timeout;
    assert_eq!(run.session.next_deadline(), Some(idle));
    run.viewer(ViewerEvent::ControlRequest);
    assert_eq!(
        run.session.next_deadline(),
        Some(idle.min(run.now + limits().answer_timeout))
    );
}

#[test]
fn is_yes_is_the_only_consent() {
    assert!(is_yes("Ja"));
    assert!(!is_yes("jawel"));
    assert!(!is_yes("\u{0}y"));
}
