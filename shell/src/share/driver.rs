//! The host's event loop: feeds [`HostSession`] and carries out what it decides.

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use meekijk_codec::wire::HostMessage;
use tokio::net::TcpStream;
use tokio::sync::{mpsc, watch, Semaphore};
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;

use super::connection::{self, ViewerStream};
use super::input;
use super::link::Link;
use super::pointer::PointerState;
use super::receipt::Receipt;
use super::status::{bytes, clock, Console};
use super::stream::{self, Credit, StreamConfig, StreamHandle, StreamReport};
use crate::secure::pake::Refuse;
use crate::secure::{tls, OneTimeCode};
use crate::session::{
    Action, ConnId, Control, EndReason, Event, HostSession, Limits, ReceiptEntry, Refusal, State,
    ViewerEvent,
};

/// Messages queued for the viewer: the updates in flight plus room for control messages.
fn queue_len(limits: &Limits) -> usize {
    limits.max_in_flight as usize + 4
}

/// Everything the driver needs, validated by the command line.
#[derive(Debug, Clone)]
pub(super) struct Config {
    pub(super) limits: Limits,
    pub(super) listen: SocketAddr,
    pub(super) source: String,
    pub(super) size: (u32, u32),
    pub(super) fps: u32,
    pub(super) receipt_dir: PathBuf,
    pub(super) terms_sha256: String,
}

/// What reaches the event loop.
#[derive(Debug)]
pub(super) enum Input {
    /// An event for the state machine as it is.
    Session(Event),
    /// The listener accepted a connection.
    Accepted(ConnId, TcpStream, SocketAddr),
    /// A connection proved the code; here is its TLS stream, the viewer's name and how long
    /// the TLS handshake took (a round trip and some cryptography).
    Authenticated(ConnId, String, Box<ViewerStream>, Duration),
    /// News from the capture-and-encode thread.
    Stream(StreamReport),
}

struct ViewerLink {
    conn: ConnId,
    name: String,
    queue: mpsc::Sender<Vec<u8>>,
    /// The pointer as last captured; the writer tells the viewer (see [`super::pointer`]).
    pointer: watch::Sender<Option<PointerState>>,
    writer: JoinHandle<()>,
    reader: JoinHandle<()>,
}

struct Driver {
    config: Config,
    session: HostSession,
    tx: mpsc::Sender<Input>,
    console: Console,
    receipt: Option<Receipt>,
    code: Option<OneTimeCode>,
    acceptor: Option<TlsAcceptor>,
    listener: Option<JoinHandle<()>>,
    pending: HashMap<ConnId, (TcpStream, SocketAddr)>,
    auth: Option<(ConnId, JoinHandle<()>)>,
    refusals: Arc<Semaphore>,
    viewer: Option<ViewerLink>,
    stream: Option<StreamHandle>,
    stream_ready: bool,
    credit_out: bool,
    refresh_pending: bool,
    streaming_since: Option<Instant>,
    /// Timed updates in flight: sequence, when due, when captured.
    timed: VecDeque<(u64, Instant, Instant)>,
    /// Per acknowledged timed update: ack − capture, and ack − due.
    latencies: [Vec<Duration>; 2],
    link: Link,
}

/// Runs one session to its end and returns the exit status.
pub(super) async fn run(config: Config, terms: &str) -> ExitCode {
    let (tx, mut rx) = mpsc::channel(64);
    input::spawn_stdin_reader(tx.clone());
    input::spawn_signal_watch(tx.clone());
    let (session, first) = HostSession::new(config.limits, Instant::now());
    let mut driver = Driver {
        config,
        session,
        tx,
        console: Console::new(),
        receipt: None,
        code: None,
        acceptor: None,
        listener: None,
        pending: HashMap::new(),
        auth: None,
        refusals: connection::refusal_slots(),
        viewer: None,
        stream: None,
        stream_ready: false,
        credit_out: false,
        refresh_pending: false,
        streaming_since: None,
        timed: VecDeque::new(),
        latencies: [Vec::new(), Vec::new()],
        link: Link::new(meekijk_codec::DEFAULT_REFINE_BUDGET_PIXELS),
    };
    driver.console.say(terms.trim_end());
    driver.console.say("");
    driver.run_actions(first);
    let mut ticker = tokio::time::interval(Duration::from_secs(1));
    while driver.session.end_reason().is_none() {
        let deadline = driver.session.next_deadline();
        let link_ready = driver.link.next_send_at(Instant::now());
        tokio::select! {
            Some(input) = rx.recv() => driver.on_input(input),
            () = sleep_until(deadline) => driver.feed(Event::Tick),
            // The link has room again: the credit below goes out.
            () = sleep_until(link_ready) => {}
            _ = ticker.tick() => driver.draw_status(),
        }
        driver.grant_credit();
    }
    driver.finish().await
}

async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(at) => tokio::time::sleep_until(at.into()).await,
        None => std::future::pending().await,
    }
}

impl Driver {
    /// Feeds an event, and any event that carrying out its actions produced.
    fn feed(&mut self, event: Event) {
        let actions = self.session.handle(Instant::now(), event);
        self.run_actions(actions);
    }

    fn run_actions(&mut self, actions: Vec<Action>) {
        let mut batches = VecDeque::from([actions]);
        while let Some(actions) = batches.pop_front() {
            for action in actions {
                if let Err(follow_up) = self.act(action) {
                    // A failed action skips the rest of its batch: nothing after a failed
                    // receipt or listener may happen.
                    batches.push_back(self.session.handle(Instant::now(), follow_up));
                    break;
                }
            }
        }
    }

    fn act(&mut self, action: Action) -> Result<(), Event> {
        match action {
            Action::Tell(text) => self.console.say(&text),
            Action::Ask(question) => self.console.ask(&question),
            Action::OpenListener => self.open_listener()?,
            Action::Authenticate(conn) => {
                let (Some((stream, peer)), Some(code), Some(acceptor)) = (
                    self.pending.remove(&conn),
                    self.code.clone(),
                    self.acceptor.clone(),
                ) else {
                    return Err(Event::ConnectionClosed {
                        conn,
                        reason: "the connection is gone".into(),
                    });
                };
                self.console.say(&format!(
                    "Connection {conn} from {peer}: checking the code…"
                ));
                let task = connection::spawn_auth(conn, stream, acceptor, code, self.tx.clone());
                self.auth = Some((conn, task));
            }
            Action::Refuse(conn, why) => self.refuse(conn, why),
            Action::StartStreaming(conn) => {
                let name = self
                    .viewer
                    .as_ref()
                    .map_or("the viewer", |v| v.name.as_str());
                self.console.say(&format!(
                    "Sharing your screen with \"{name}\" (view only). Type q and Enter to end."
                ));
                debug_assert_eq!(self.viewer.as_ref().map(|v| v.conn), Some(conn));
                self.streaming_since = Some(Instant::now());
                let config = StreamConfig {
                    source: self.config.source.clone(),
                    size: self.config.size,
                    fps: self.config.fps,
                    max_in_flight: self.config.limits.max_in_flight as u16,
                };
                self.stream = Some(stream::spawn(config, self.tx.clone()));
            }
            Action::SendControlState { granted } => {
                self.send_to_viewer(&HostMessage::ControlState { granted })
            }
            // Injection into X11 comes with the viewer window; the session counts the events.
            Action::ForwardInput => {}
            Action::Refresh => self.refresh_pending = true,
            Action::Record(entry) => self.record(&entry)?,
            // `finish` closes everything once the loop sees the end.
            Action::End(_) => {}
        }
        Ok(())
    }

    fn open_listener(&mut self) -> Result<(), Event> {
        let fail =
            |what: &str, e: &dyn std::fmt::Display| Event::HostFailed(format!("{what}: {e}"));
        let server = tls::server_config().map_err(|e| fail("TLS setup failed", &e))?;
        let code = OneTimeCode::generate().map_err(|e| fail("no code", &e))?;
        let listen = self.config.listen;
        let listener = std::net::TcpListener::bind(listen)
            .and_then(|l| l.set_nonblocking(true).map(|()| l))
            .and_then(tokio::net::TcpListener::from_std)
            .map_err(|e| fail(&format!("cannot listen on {listen}"), &e))?;
        let addr = listener
            .local_addr()
            .map_err(|e| fail("cannot read the listening address", &e))?;
        self.console.say(&format!("One-time code: {code}"));
        self.console.say(&format!("Listening on {addr}"));
        self.console.say(&format!(
            "Give the code and the address to the support employee. The code works once and \
             expires in {}. Type q and Enter to cancel.",
            clock(self.config.limits.code_lifetime)
        ));
        self.acceptor = Some(TlsAcceptor::from(server));
        self.code = Some(code);
        self.listener = Some(connection::spawn_listener(listener, self.tx.clone()));
        Ok(())
    }

    fn refuse(&mut self, conn: ConnId, why: Refusal) {
        if let Some((stream, peer)) = self.pending.remove(&conn) {
            let why = match why {
                Refusal::Busy => Refuse::Busy,
                Refusal::Ended => Refuse::Ended,
            };
            // Without a free slot the connection is simply closed.
            if let (Ok(permit), Some(acceptor)) = (
                self.refusals.clone().try_acquire_owned(),
                self.acceptor.clone(),
            ) {
                connection::spawn_refusal(stream, acceptor, why, permit);
            }
            let _ = peer;
        } else if self.auth.as_ref().is_some_and(|(c, _)| *c == conn) {
            if let Some((_, task)) = self.auth.take() {
                task.abort();
            }
        }
    }

    fn record(&mut self, entry: &ReceiptEntry) -> Result<(), Event> {
        let now = SystemTime::now();
        if self.receipt.is_none() && *entry == ReceiptEntry::TermsAccepted {
            let dir = &self.config.receipt_dir;
            let receipt = Receipt::create(dir, now).map_err(|e| {
                Event::HostFailed(format!(
                    "cannot write the receipt in {}: {e}",
                    dir.display()
                ))
            })?;
            self.receipt = Some(receipt);
        }
        let Some(receipt) = self.receipt.as_mut() else {
            return Ok(());
        };
        match receipt.record(entry, &self.config.terms_sha256, now) {
            Ok(()) => Ok(()),
            Err(e) if matches!(entry, ReceiptEntry::Ended { .. }) => {
                self.console
                    .say(&format!("warning: the receipt's last line failed: {e}"));
                Ok(())
            }
            Err(e) => Err(Event::HostFailed(format!("cannot write the receipt: {e}"))),
        }
    }

    fn on_input(&mut self, input: Input) {
        match input {
            Input::Session(event) => {
                if let Event::Viewer {
                    message: ViewerEvent::Ack { sequence },
                    ..
                } = &event
                {
                    self.note_ack(*sequence);
                }
                self.feed(event);
            }
            Input::Accepted(conn, stream, peer) => {
                self.pending.insert(conn, (stream, peer));
                self.feed(Event::ConnectionOpened(conn));
                // Whatever the session did not take is closed.
                self.pending.remove(&conn);
            }
            Input::Authenticated(conn, viewer, tls, handshake) => {
                if !self.auth.as_ref().is_some_and(|(c, _)| *c == conn) {
                    return;
                }
                self.auth = None;
                self.link.saw_round_trip(handshake);
                // The code is spent: nothing can authenticate with it again.
                self.code = None;
                let (read, write) = tokio::io::split(*tls);
                let (queue, queue_rx) = mpsc::channel(queue_len(&self.config.limits));
                let (pointer, pointer_rx) = watch::channel(None);
                let stall = self.config.limits.idle_timeout;
                let outgoing = connection::Outgoing {
                    queue: queue_rx,
                    pointer: pointer_rx,
                };
                self.viewer = Some(ViewerLink {
                    conn,
                    name: viewer.clone(),
                    queue,
                    pointer,
                    writer: connection::spawn_writer(conn, write, outgoing, stall, self.tx.clone()),
                    reader: connection::spawn_reader(conn, read, self.tx.clone()),
                });
                self.feed(Event::AuthSucceeded { conn, viewer });
            }
            Input::Stream(report) => self.on_stream(report),
        }
    }

    fn on_stream(&mut self, report: StreamReport) {
        match report {
            StreamReport::Started { source, hello } => {
                self.console.say(&format!("Streaming {source}."));
                self.send_to_viewer(&HostMessage::Hello(hello));
                self.stream_ready = true;
            }
            StreamReport::Resized { width, height } => {
                self.console.say(&format!(
                    "Your screen changed to {width}x{height}; the viewer sees it at that size."
                ));
                let (message, mut bytes) = (HostMessage::Resize { width, height }, Vec::new());
                // The encoder took the size, so the wire does too.
                if message.encode(&mut bytes).is_ok() {
                    self.queue_for_viewer(bytes);
                }
            }
            StreamReport::Encoded {
                bytes,
                sequence,
                timing,
            } => {
                self.credit_out = false;
                let len = bytes.len() as u64;
                let Some(conn) = self.queue_for_viewer(bytes) else {
                    return;
                };
                if let Some((due, captured)) = timing {
                    self.timed.push_back((sequence, due, captured));
                }
                self.link.sent(sequence, len, Instant::now());
                self.feed(Event::UpdateSent { conn, bytes: len });
            }
            StreamReport::Pointer(state) => {
                if let Some(viewer) = &self.viewer {
                    viewer.pointer.send_replace(state);
                }
            }
            StreamReport::SourceEnded => self
                .console
                .say("The source has ended; the viewer keeps seeing its last picture."),
            StreamReport::Failed(why) => self.feed(Event::HostFailed(why)),
        }
    }

    fn note_ack(&mut self, sequence: u64) {
        self.link.acked(sequence, Instant::now());
        if let Some(&(front, due, captured)) = self.timed.front() {
            if front == sequence {
                self.timed.pop_front();
                let [from_capture, from_due] = &mut self.latencies;
                if from_capture.len() < 1_000_000 {
                    from_capture.push(captured.elapsed());
                    from_due.push(due.elapsed());
                }
            }
        }
    }

    /// Queues a message the session cannot go on without (the viewer's picture depends on
    /// it); a viewer whose queue is full is not reading, and its connection is closed.
    /// Returns the viewer's connection when the message was queued.
    fn queue_for_viewer(&mut self, bytes: Vec<u8>) -> Option<ConnId> {
        let viewer = self.viewer.as_ref()?;
        let conn = viewer.conn;
        if viewer.queue.try_send(bytes).is_err() {
            let reason = "the viewer is not reading".to_string();
            self.feed(Event::ConnectionClosed { conn, reason });
            return None;
        }
        Some(conn)
    }

    fn send_to_viewer(&mut self, message: &HostMessage) {
        let Some(viewer) = &self.viewer else { return };
        let mut bytes = Vec::new();
        // A full queue means a viewer that does not read; the idle timeout ends that.
        if message.encode(&mut bytes).is_ok() {
            let _ = viewer.queue.try_send(bytes);
        }
    }

    fn grant_credit(&mut self) {
        let (Some(stream), Some(viewer)) = (&self.stream, &self.viewer) else {
            return;
        };
        let now = Instant::now();
        let period = Duration::from_secs(1) / self.config.fps.max(1);
        stream.set_budgets(self.link.refine_budget(now), self.link.frame_budget(period));
        if self.stream_ready
            && !self.credit_out
            && self.session.may_send_update()
            && self.link.may_send(now)
            && viewer.queue.capacity() >= 2
        {
            let credit = Credit {
                refresh: self.refresh_pending,
            };
            if stream.grant(credit) {
                self.credit_out = true;
                self.refresh_pending = false;
            }
        }
    }

    fn draw_status(&mut self) {
        let now = Instant::now();
        let line = match self.session.state() {
            State::AwaitingViewer { code_expires } => format!(
                "waiting for the viewer | code valid {} more | q+Enter cancels",
                clock(code_expires.saturating_duration_since(now))
            ),
            State::Streaming(s) if !matches!(s.control, Control::Requested { .. }) => {
                let counters = self.session.counters();
                format!(
                    "\"{}\" watching | control {} | {} | {} sent | {} input events ignored | \
                     q+Enter ends{}",
                    s.viewer,
                    if s.control == Control::Granted {
                        "ON"
                    } else {
                        "off"
                    },
                    clock(self.session.streaming_for(now)),
                    bytes(counters.bytes_sent),
                    counters.inputs_dropped,
                    if s.control == Control::Granted {
                        ", c+Enter takes control back"
                    } else {
                        ""
                    },
                )
            }
            _ => return,
        };
        self.console.status(&line, now);
    }

    async fn finish(mut self) -> ExitCode {
        let reason = self
            .session
            .end_reason()
            .cloned()
            .unwrap_or(EndReason::Interrupted);
        self.stream = None;
        if let Some(listener) = self.listener.take() {
            listener.abort();
            // Wait until the task (and with it the listening socket) is gone.
            let _ = listener.await;
        }
        if let Some((_, task)) = self.auth.take() {
            task.abort();
        }
        self.pending.clear();
        if let Some(viewer) = self.viewer.take() {
            if let Some(bye) = connection::farewell(&reason) {
                let mut bytes = Vec::new();
                if HostMessage::Bye(bye).encode(&mut bytes).is_ok() {
                    let _ = viewer.queue.try_send(bytes);
                }
            }
            drop(viewer.queue);
            let mut writer = viewer.writer;
            if tokio::time::timeout(Duration::from_secs(2), &mut writer)
                .await
                .is_err()
            {
                writer.abort();
            }
            viewer.reader.abort();
        }
        self.console.finish();
        self.console.say(&format!("\nSession ended: {reason}."));
        self.summarise();
        if let Some(receipt) = &self.receipt {
            self.console
                .say(&format!("Receipt: {}", receipt.path().display()));
        }
        let normal = matches!(
            reason,
            EndReason::CustomerEnded | EndReason::ViewerLeft | EndReason::MaxDuration
        );
        if normal && self.streaming_since.is_some() {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        }
    }

    fn summarise(&mut self) {
        let Some(since) = self.streaming_since else {
            return;
        };
        let counters = self.session.counters();
        self.console.say(&format!(
            "Watched for {}: {} updates, {} sent; {} input events ignored (control not granted), \
             {} under granted control.",
            clock(since.elapsed()),
            counters.updates_sent,
            bytes(counters.bytes_sent),
            counters.inputs_dropped,
            counters.inputs_forwarded,
        ));
        let labels = [
            "Capture to viewer ack",
            "Due to viewer ack (waits for the encoder and the link included)",
        ];
        for (latencies, label) in self.latencies.iter_mut().zip(labels) {
            if latencies.is_empty() {
                continue;
            }
            latencies.sort_unstable();
            let at = |q: f64| {
                let i = ((latencies.len() - 1) as f64 * q).round() as usize;
                latencies[i].as_secs_f64() * 1e3
            };
            self.console.say(&format!(
                "{label}: p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms over {} updates.",
                at(0.5),
                at(0.95),
                at(0.99),
                latencies.len()
            ));
        }
    }
}
