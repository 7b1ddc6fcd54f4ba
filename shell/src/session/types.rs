//! The vocabulary of the host session: what goes in (events), what comes out (actions), why it ends.

use std::fmt;
use std::time::Duration;

/// Identifies one incoming TCP connection; the driver numbers them in accept order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct ConnId(pub(crate) u64);

impl fmt::Display for ConnId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// Every time limit and bound of a session, validated once by the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Limits {
    /// How long a yes/no question (terms, viewer, control) waits before it counts as "no".
    pub(crate) answer_timeout: Duration,
    /// How long the one-time code can be used after it is shown.
    pub(crate) code_lifetime: Duration,
    /// How long one connection may take for TLS and the code proof.
    pub(crate) auth_timeout: Duration,
    /// The longest a session may stream, from the customer's approval of the viewer.
    pub(crate) max_duration: Duration,
    /// How long the viewer may stay silent (no ack, no message) while streaming.
    pub(crate) idle_timeout: Duration,
    /// Updates sent but not yet acknowledged; more are not sent (latest state wins).
    pub(crate) max_in_flight: u32,
    /// Control requests the customer may refuse before further requests are ignored.
    pub(crate) max_control_refusals: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            answer_timeout: Duration::from_secs(120),
            code_lifetime: Duration::from_secs(600),
            auth_timeout: Duration::from_secs(20),
            max_duration: Duration::from_secs(3600),
            idle_timeout: Duration::from_secs(30),
            max_in_flight: 3,
            max_control_refusals: 3,
        }
    }
}

/// Something that happened, fed to [`super::HostSession::handle`] with the time it happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Event {
    /// Only time passed; deadlines are checked on every event, this one carries nothing else.
    Tick,
    /// The customer typed a line (without the newline).
    CustomerLine(String),
    /// The customer's input ended (EOF): no further answer can come.
    CustomerInputClosed,
    /// The process was asked to stop (Ctrl-C).
    Interrupted,
    /// A TCP connection arrived on the listener.
    ConnectionOpened(ConnId),
    /// A connection closed or failed: not TLS 1.3, garbage, a timeout, the peer left, a write failed.
    ConnectionClosed {
        /// Which connection.
        conn: ConnId,
        /// What happened, for the customer.
        reason: String,
    },
    /// The peer on `conn` proved the code (both key confirmations matched).
    AuthSucceeded {
        /// Which connection.
        conn: ConnId,
        /// The name the viewer gave, already checked to be printable.
        viewer: String,
    },
    /// The peer on `conn` ran the code proof with a different code.
    AuthFailed {
        /// Which connection.
        conn: ConnId,
    },
    /// A message from the authenticated viewer.
    Viewer {
        /// Which connection.
        conn: ConnId,
        /// What it said.
        message: ViewerEvent,
    },
    /// Something on the host failed (screen capture, encoder, receipt); the session cannot go on.
    HostFailed(String),
    /// The driver handed one update of `bytes` bytes to the viewer's connection; updates are
    /// numbered 1, 2, 3… in the order of these events.
    UpdateSent {
        /// Which connection.
        conn: ConnId,
        /// Bytes on the wire (before TLS).
        bytes: u64,
    },
    /// The connection's writer sent a `Cursor` message of `bytes` bytes (the pointer moves
    /// beside the updates; see `share::pointer`).
    PointerSent {
        /// Which connection.
        conn: ConnId,
        /// Bytes on the wire (before TLS).
        bytes: u64,
    },
}

/// What the viewer can say once streaming; the driver maps wire messages to these.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ViewerEvent {
    /// The update with this sequence number (1, 2, 3… in sending order) was applied.
    Ack {
        /// Sequence number of the update.
        sequence: u64,
    },
    /// A mouse or keyboard event.
    Input,
    /// The viewer asks for control.
    ControlRequest,
    /// The viewer asks for a full picture.
    RefreshRequest,
    /// The viewer leaves.
    Bye,
    /// Bytes that are not a valid message (too long, truncated, unknown type).
    Malformed(String),
}

/// A yes/no question to the customer; the next line they type answers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Question {
    /// Do you accept the terms?
    Terms,
    /// Allow this viewer to watch your screen?
    AllowViewer {
        /// The viewer's name.
        viewer: String,
    },
    /// Allow this viewer to control mouse and keyboard?
    AllowControl {
        /// The viewer's name.
        viewer: String,
    },
}

/// Why a connection is refused; the peer is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// Another viewer is connecting or connected.
    Busy,
    /// The session has ended.
    Ended,
}

/// What the driver must do; actions come out in the order they must happen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Action {
    /// Show a line to the customer.
    Tell(String),
    /// Ask the customer a yes/no question.
    Ask(Question),
    /// The terms are accepted: generate the one-time code, listen, show code and address.
    OpenListener,
    /// Run TLS and the code proof on this connection.
    Authenticate(ConnId),
    /// Refuse this connection, telling the peer why.
    Refuse(ConnId, Refusal),
    /// Both consents are given: open the screen source and stream to this connection.
    StartStreaming(ConnId),
    /// Tell the viewer whether it may control mouse and keyboard.
    SendControlState {
        /// True when granted.
        granted: bool,
    },
    /// An input event arrived while control is granted: hand it to the injector.
    ForwardInput,
    /// Send a full picture with the next update.
    Refresh,
    /// Append an entry to the receipt.
    Record(ReceiptEntry),
    /// The session is over: tell the viewer (if any) why, close everything, exit.
    End(EndReason),
}

/// One line of the receipt, as decided by the session (the driver adds time and hashes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ReceiptEntry {
    /// The customer accepted the terms.
    TermsAccepted,
    /// The customer allowed this viewer to watch.
    ViewerApproved {
        /// The viewer's name.
        viewer: String,
    },
    /// The customer granted control.
    ControlGranted,
    /// The customer refused a control request (or did not answer).
    ControlRefused,
    /// The customer took control back.
    ControlRevoked,
    /// The session ended.
    Ended {
        /// Why.
        reason: EndReason,
        /// Update bytes sent to the viewer.
        bytes_sent: u64,
        /// Updates sent.
        updates_sent: u64,
        /// Input events dropped because control was not granted.
        inputs_dropped: u64,
    },
}

/// Why a session ended. Every end is final: the code is dead and the process exits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum EndReason {
    /// The customer did not accept the terms.
    TermsRefused,
    /// The customer's input closed before an answer.
    InputClosed,
    /// A question was not answered in time.
    AnswerTimedOut,
    /// Nobody proved the code before it expired.
    CodeExpired,
    /// A peer tried a wrong code; the session is burned.
    WrongCode,
    /// The customer did not allow the viewer to watch.
    ViewerRefused,
    /// The customer ended the session (`q`).
    CustomerEnded,
    /// The viewer said goodbye.
    ViewerLeft,
    /// The viewer's connection broke.
    ConnectionLost(String),
    /// The session reached its maximum duration.
    MaxDuration,
    /// The viewer was silent for too long.
    IdleTimeout,
    /// The viewer sent something that breaks the protocol.
    ProtocolViolation(String),
    /// The process was interrupted (Ctrl-C).
    Interrupted,
    /// Something on the host failed.
    HostFailure(String),
}

impl EndReason {
    /// A short stable name for the receipt and the wire.
    pub(crate) fn code(&self) -> &'static str {
        match self {
            EndReason::TermsRefused => "terms_refused",
            EndReason::InputClosed => "input_closed",
            EndReason::AnswerTimedOut => "answer_timed_out",
            EndReason::CodeExpired => "code_expired",
            EndReason::WrongCode => "wrong_code",
            EndReason::ViewerRefused => "viewer_refused",
            EndReason::CustomerEnded => "customer_ended",
            EndReason::ViewerLeft => "viewer_left",
            EndReason::ConnectionLost(_) => "connection_lost",
            EndReason::MaxDuration => "max_duration",
            EndReason::IdleTimeout => "idle_timeout",
            EndReason::ProtocolViolation(_) => "protocol_violation",
            EndReason::Interrupted => "interrupted",
            EndReason::HostFailure(_) => "host_failure",
        }
    }
}

impl fmt::Display for EndReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EndReason::TermsRefused => f.write_str("the terms were not accepted"),
            EndReason::InputClosed => f.write_str("input closed before an answer; taken as no"),
            EndReason::AnswerTimedOut => f.write_str("no answer in time; taken as no"),
            EndReason::CodeExpired => f.write_str("the code expired before a viewer used it"),
            EndReason::WrongCode => {
                f.write_str("someone tried a wrong code; the session is burned for safety")
            }
            EndReason::ViewerRefused => f.write_str("the viewer was not allowed to watch"),
            EndReason::CustomerEnded => f.write_str("you ended the session"),
            EndReason::ViewerLeft => f.write_str("the viewer left"),
            EndReason::ConnectionLost(why) => {
                write!(f, "the connection to the viewer broke: {why}")
            }
            EndReason::MaxDuration => f.write_str("the session reached its maximum duration"),
            EndReason::IdleTimeout => f.write_str("the viewer stopped responding"),
            EndReason::ProtocolViolation(why) => write!(f, "the viewer broke the protocol: {why}"),
            EndReason::Interrupted => f.write_str("interrupted"),
            EndReason::HostFailure(why) => write!(f, "this computer could not go on: {why}"),
        }
    }
}
