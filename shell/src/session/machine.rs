//! [`HostSession`]: the customer's side of one session as a state machine without I/O.
//!
//! Every rule of the terms lives here, so it can be tested without sockets or terminals: the
//! driver feeds events with the time they happened and carries out the actions that come back.

use std::time::{Duration, Instant};

use super::types::{
    Action, ConnId, EndReason, Event, Limits, Question, ReceiptEntry, Refusal, ViewerEvent,
};

/// Whether the viewer may control mouse and keyboard. Off unless the customer said yes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Control {
    /// View only.
    Off,
    /// The viewer asked; the customer has until `deadline` to answer.
    Requested {
        /// When no answer counts as no.
        deadline: Instant,
    },
    /// The customer allowed control; `c` takes it back.
    Granted,
}

/// Where the session is, named for what it waits for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum State {
    /// The terms are shown; waiting for an explicit yes.
    AwaitingTermsConsent {
        /// When no answer counts as no.
        deadline: Instant,
    },
    /// The code is shown and the listener is open; waiting for a connection.
    AwaitingViewer {
        /// When the code stops working.
        code_expires: Instant,
    },
    /// One connection is running TLS and the code proof; others are refused.
    AwaitingAuth {
        /// The connection being authenticated.
        conn: ConnId,
        /// When the code stops working (for a return to `AwaitingViewer`).
        code_expires: Instant,
        /// When the connection must have finished its proof.
        deadline: Instant,
    },
    /// The viewer proved the code; waiting for the customer to allow them to watch.
    AwaitingViewerApproval {
        /// The viewer's connection.
        conn: ConnId,
        /// The viewer's name.
        viewer: String,
        /// When no answer counts as no.
        deadline: Instant,
    },
    /// Both consents are given; the screen is streamed.
    Streaming(Streaming),
    /// Over; nothing is accepted any more.
    Ended(EndReason),
}

/// The state of a running stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Streaming {
    /// The viewer's connection.
    pub(crate) conn: ConnId,
    /// The viewer's name.
    pub(crate) viewer: String,
    /// When the customer allowed the viewer.
    pub(crate) started: Instant,
    /// When the viewer last said anything.
    pub(crate) last_heard: Instant,
    /// Control state.
    pub(crate) control: Control,
    /// Sequence number of the last acknowledged update (0: none yet).
    pub(crate) acked: u64,
}

/// What the session counted, for the status line and the receipt.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Counters {
    /// Update bytes handed to the viewer's connection.
    pub(crate) bytes_sent: u64,
    /// Updates handed to the viewer's connection.
    pub(crate) updates_sent: u64,
    /// Input events dropped because control was not granted.
    pub(crate) inputs_dropped: u64,
    /// Input events passed on while control was granted.
    pub(crate) inputs_forwarded: u64,
    /// Control requests the customer refused.
    pub(crate) control_refusals: u32,
}

/// The host's session. Start with [`HostSession::new`], feed [`HostSession::handle`].
#[derive(Debug)]
pub(crate) struct HostSession {
    limits: Limits,
    state: State,
    counters: Counters,
    receipt_started: bool,
    told_inputs_dropped: bool,
    told_requests_ignored: bool,
}

/// True for an explicit yes: `y`, `yes`, `j`, `ja` in any case, surrounding blanks ignored.
pub(crate) fn is_yes(answer: &str) -> bool {
    matches!(
        answer.trim().to_lowercase().as_str(),
        "y" | "yes" | "j" | "ja"
    )
}

impl HostSession {
    /// A session that asks the customer to accept the terms; returns the first actions.
    pub(crate) fn new(limits: Limits, now: Instant) -> (Self, Vec<Action>) {
        let session = Self {
            limits,
            state: State::AwaitingTermsConsent {
                deadline: now + limits.answer_timeout,
            },
            counters: Counters::default(),
            receipt_started: false,
            told_inputs_dropped: false,
            told_requests_ignored: false,
        };
        (session, vec![Action::Ask(Question::Terms)])
    }

    /// Where the session is.
    pub(crate) fn state(&self) -> &State {
        &self.state
    }

    /// What was counted so far.
    pub(crate) fn counters(&self) -> Counters {
        self.counters
    }

    /// Why the session ended, once it has.
    pub(crate) fn end_reason(&self) -> Option<&EndReason> {
        match &self.state {
            State::Ended(reason) => Some(reason),
            _ => None,
        }
    }

    /// True while an update may be sent: streaming, and fewer than the limit unacknowledged.
    pub(crate) fn may_send_update(&self) -> bool {
        matches!(&self.state, State::Streaming(s)
            if self.counters.updates_sent - s.acked < u64::from(self.limits.max_in_flight))
    }

    /// The next moment at which [`Event::Tick`] would change something.
    pub(crate) fn next_deadline(&self) -> Option<Instant> {
        match &self.state {
            State::AwaitingTermsConsent { deadline } => Some(*deadline),
            State::AwaitingViewer { code_expires } => Some(*code_expires),
            State::AwaitingAuth { deadline, .. } => Some(*deadline),
            State::AwaitingViewerApproval { deadline, .. } => Some(*deadline),
            State::Streaming(s) => {
                let mut next = (s.started + self.limits.max_duration)
                    .min(s.last_heard + self.limits.idle_timeout);
                if let Control::Requested { deadline } = s.control {
                    next = next.min(deadline);
                }
                Some(next)
            }
            State::Ended(_) => None,
        }
    }

    /// Feeds one event that happened at `now`; returns what the driver must do, in order.
    ///
    /// Deadlines that passed by `now` fire first, so an event after a timeout finds the
    /// session already ended and is ignored.
    pub(crate) fn handle(&mut self, now: Instant, event: Event) -> Vec<Action> {
        let mut out = Vec::new();
        self.fire_deadlines(now, &mut out);
        if let State::Ended(_) = self.state {
            if let Event::ConnectionOpened(conn) = event {
                out.push(Action::Refuse(conn, Refusal::Ended));
            }
            return out;
        }
        match event {
            Event::Tick => {}
            Event::Interrupted => self.end(EndReason::Interrupted, &mut out),
            Event::HostFailed(why) => self.end(EndReason::HostFailure(why), &mut out),
            Event::CustomerInputClosed => self.end(EndReason::InputClosed, &mut out),
            Event::CustomerLine(line) => self.on_line(now, &line, &mut out),
            Event::ConnectionOpened(conn) => self.on_connection(now, conn, &mut out),
            Event::ConnectionClosed { conn, reason } => self.on_closed(conn, reason, &mut out),
            Event::AuthSucceeded { conn, viewer } => {
                if let State::AwaitingAuth { conn: current, .. } = self.state {
                    if current == conn {
                        self.state = State::AwaitingViewerApproval {
                            conn,
                            viewer: viewer.clone(),
                            deadline: now + self.limits.answer_timeout,
                        };
                        out.push(Action::Ask(Question::AllowViewer { viewer }));
                    }
                }
            }
            Event::AuthFailed { conn } => {
                if matches!(self.state, State::AwaitingAuth { conn: current, .. } if current == conn)
                {
                    self.end(EndReason::WrongCode, &mut out);
                }
            }
            Event::Viewer { conn, message } => self.on_viewer(now, conn, message, &mut out),
            Event::UpdateSent { conn, bytes } => {
                if let State::Streaming(s) = &self.state {
                    if s.conn == conn {
                        self.counters.bytes_sent = self.counters.bytes_sent.saturating_add(bytes);
                        self.counters.updates_sent += 1;
                    }
                }
            }
            Event::PointerSent { conn, bytes } => {
                if let State::Streaming(s) = &self.state {
                    if s.conn == conn {
                        self.counters.bytes_sent = self.counters.bytes_sent.saturating_add(bytes);
                    }
                }
            }
        }
        out
    }

    fn fire_deadlines(&mut self, now: Instant, out: &mut Vec<Action>) {
        match &mut self.state {
            State::AwaitingTermsConsent { deadline }
            | State::AwaitingViewerApproval { deadline, .. } => {
                if now >= *deadline {
                    self.end(EndReason::AnswerTimedOut, out);
                }
            }
            State::AwaitingViewer { code_expires } => {
                if now >= *code_expires {
                    self.end(EndReason::CodeExpired, out);
                }
            }
            State::AwaitingAuth {
                conn,
                code_expires,
                deadline,
            } => {
                if now >= *deadline {
                    let (conn, code_expires) = (*conn, *code_expires);
                    out.push(Action::Tell(format!(
                        "connection {conn} did not prove the code in time; dropped"
                    )));
                    out.push(Action::Refuse(conn, Refusal::Busy));
                    self.state = State::AwaitingViewer { code_expires };
                    self.fire_deadlines(now, out);
                }
            }
            State::Streaming(s) => {
                if now >= s.started + self.limits.max_duration {
                    self.end(EndReason::MaxDuration, out);
                } else if now >= s.last_heard + self.limits.idle_timeout {
                    self.end(EndReason::IdleTimeout, out);
                } else if let Control::Requested { deadline } = s.control {
                    if now >= deadline {
                        out.push(Action::Tell(
                            "no answer in time; control not granted".into(),
                        ));
                        self.refuse_control(out);
                    }
                }
            }
            State::Ended(_) => {}
        }
    }

    fn on_line(&mut self, now: Instant, line: &str, out: &mut Vec<Action>) {
        let command = line.trim().to_lowercase();
        match &mut self.state {
            State::AwaitingTermsConsent { .. } => {
                if is_yes(line) {
                    self.state = State::AwaitingViewer {
                        code_expires: now + self.limits.code_lifetime,
                    };
                    self.receipt_started = true;
                    out.push(Action::Record(ReceiptEntry::TermsAccepted));
                    out.push(Action::OpenListener);
                } else {
                    self.end(EndReason::TermsRefused, out);
                }
            }
            State::AwaitingViewer { .. } | State::AwaitingAuth { .. } => {
                if command == "q" {
                    self.end(EndReason::CustomerEnded, out);
                } else if !command.is_empty() {
                    out.push(Action::Tell(
                        "waiting for the viewer; type q and Enter to cancel".into(),
                    ));
                }
            }
            State::AwaitingViewerApproval { conn, viewer, .. } => {
                if is_yes(line) {
                    let (conn, viewer) = (*conn, viewer.clone());
                    self.state = State::Streaming(Streaming {
                        conn,
                        viewer: viewer.clone(),
                        started: now,
                        last_heard: now,
                        control: Control::Off,
                        acked: 0,
                    });
                    out.push(Action::Record(ReceiptEntry::ViewerApproved { viewer }));
                    out.push(Action::StartStreaming(conn));
                } else {
                    self.end(EndReason::ViewerRefused, out);
                }
            }
            State::Streaming(s) => match (s.control, command.as_str()) {
                (_, "q") => self.end(EndReason::CustomerEnded, out),
                (Control::Requested { .. }, _) if is_yes(line) => {
                    s.control = Control::Granted;
                    out.push(Action::SendControlState { granted: true });
                    out.push(Action::Record(ReceiptEntry::ControlGranted));
                    out.push(Action::Tell(
                        "control granted; type c and Enter to take it back".into(),
                    ));
                }
                (Control::Requested { .. }, _) => {
                    out.push(Action::Tell("control not granted".into()));
                    self.refuse_control(out);
                }
                (Control::Granted, "c") => {
                    s.control = Control::Off;
                    out.push(Action::SendControlState { granted: false });
                    out.push(Action::Record(ReceiptEntry::ControlRevoked));
                    out.push(Action::Tell("control taken back; view only".into()));
                }
                (Control::Off, "c") => out.push(Action::Tell(
                    "control is not on; the viewer only watches".into(),
                )),
                (_, "") => {}
                _ => out.push(Action::Tell(
                    "type q and Enter to end the session, c and Enter to take back control".into(),
                )),
            },
            State::Ended(_) => {}
        }
    }

    fn on_connection(&mut self, now: Instant, conn: ConnId, out: &mut Vec<Action>) {
        if let State::AwaitingViewer { code_expires } = self.state {
            self.state = State::AwaitingAuth {
                conn,
                code_expires,
                deadline: now + self.limits.auth_timeout,
            };
            out.push(Action::Authenticate(conn));
        } else {
            out.push(Action::Tell(format!(
                "refused connection {conn}: the session already has a viewer"
            )));
            out.push(Action::Refuse(conn, Refusal::Busy));
        }
    }

    fn on_closed(&mut self, conn: ConnId, reason: String, out: &mut Vec<Action>) {
        match &self.state {
            State::AwaitingAuth {
                conn: current,
                code_expires,
                ..
            } if *current == conn => {
                out.push(Action::Tell(format!(
                    "connection {conn} dropped before proving the code: {reason}"
                )));
                self.state = State::AwaitingViewer {
                    code_expires: *code_expires,
                };
            }
            State::AwaitingViewerApproval { conn: current, .. } if *current == conn => {
                self.end(EndReason::ConnectionLost(reason), out);
            }
            State::Streaming(s) if s.conn == conn => {
                self.end(EndReason::ConnectionLost(reason), out);
            }
            _ => {}
        }
    }

    fn on_viewer(
        &mut self,
        now: Instant,
        conn: ConnId,
        message: ViewerEvent,
        out: &mut Vec<Action>,
    ) {
        let streaming = match &mut self.state {
            State::Streaming(s) if s.conn == conn => {
                s.last_heard = now;
                true
            }
            State::AwaitingViewerApproval { conn: current, .. } if *current == conn => false,
            _ => return,
        };
        match message {
            ViewerEvent::Bye => self.end(EndReason::ViewerLeft, out),
            ViewerEvent::Malformed(why) => self.end(EndReason::ProtocolViolation(why), out),
            ViewerEvent::Input => self.on_input(out),
            ViewerEvent::Ack { sequence } => {
                let sent = self.counters.updates_sent;
                match &mut self.state {
                    // TCP keeps order, so acks come one by one for updates that were sent.
                    State::Streaming(s) if sequence == s.acked + 1 && sequence <= sent => {
                        s.acked = sequence
                    }
                    _ => self.end(
                        EndReason::ProtocolViolation(format!(
                            "ack for update {sequence}; expected the next of {sent} sent"
                        )),
                        out,
                    ),
                }
            }
            ViewerEvent::RefreshRequest if streaming => out.push(Action::Refresh),
            ViewerEvent::ControlRequest if streaming => self.on_control_request(now, out),
            // Before the customer allowed watching there is nothing to refresh or control.
            ViewerEvent::RefreshRequest | ViewerEvent::ControlRequest => {}
        }
    }

    fn on_input(&mut self, out: &mut Vec<Action>) {
        if matches!(&self.state, State::Streaming(s) if s.control == Control::Granted) {
            self.counters.inputs_forwarded += 1;
            out.push(Action::ForwardInput);
        } else {
            self.counters.inputs_dropped += 1;
            if !self.told_inputs_dropped {
                self.told_inputs_dropped = true;
                out.push(Action::Tell(
                    "ignoring mouse/keyboard input from the viewer: control is not granted".into(),
                ));
            }
        }
    }

    fn on_control_request(&mut self, now: Instant, out: &mut Vec<Action>) {
        let State::Streaming(s) = &mut self.state else {
            return;
        };
        if s.control != Control::Off {
            return;
        }
        if self.counters.control_refusals >= self.limits.max_control_refusals {
            if !self.told_requests_ignored {
                self.told_requests_ignored = true;
                out.push(Action::Tell(
                    "the viewer keeps asking for control; further requests are ignored".into(),
                ));
            }
            return;
        }
        s.control = Control::Requested {
            deadline: now + self.limits.answer_timeout,
        };
        out.push(Action::Ask(Question::AllowControl {
            viewer: s.viewer.clone(),
        }));
    }

    fn refuse_control(&mut self, out: &mut Vec<Action>) {
        if let State::Streaming(s) = &mut self.state {
            s.control = Control::Off;
            self.counters.control_refusals += 1;
            out.push(Action::SendControlState { granted: false });
            out.push(Action::Record(ReceiptEntry::ControlRefused));
        }
    }

    fn end(&mut self, reason: EndReason, out: &mut Vec<Action>) {
        if let State::Ended(_) = self.state {
            return;
        }
        if self.receipt_started {
            out.push(Action::Record(ReceiptEntry::Ended {
                reason: reason.clone(),
                bytes_sent: self.counters.bytes_sent,
                updates_sent: self.counters.updates_sent,
                inputs_dropped: self.counters.inputs_dropped,
            }));
        }
        out.push(Action::End(reason.clone()));
        self.state = State::Ended(reason);
    }

    /// How long the stream has run, zero before it started.
    pub(crate) fn streaming_for(&self, now: Instant) -> Duration {
        match &self.state {
            State::Streaming(s) => now.saturating_duration_since(s.started),
            _ => Duration::ZERO,
        }
    }
}
