//! The host's socket tasks: accept, authenticate, refuse, and read from / write to the viewer.
//!
//! Each task reports to the driver's event loop through one channel and decides nothing itself.

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::BytesMut;
use meekijk_codec::wire::{frame_len, Bye, ByeReason, HostMessage, ViewerMessage, MAX_TEXT_LEN};
use tokio::io::{AsyncReadExt, AsyncWriteExt, ReadHalf, WriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, watch, OwnedSemaphorePermit};
use tokio::task::JoinHandle;
use tokio_rustls::server::TlsStream;
use tokio_rustls::TlsAcceptor;

use super::driver::Input;
use super::pointer::{PointerState, PointerTracker};
use crate::secure::pake::{self, Refuse};
use crate::secure::{tls, AuthError, OneTimeCode};
use crate::session::{ConnId, EndReason, Event, ViewerEvent};

/// A viewer's TLS connection after the code proof.
pub(super) type ViewerStream = TlsStream<TcpStream>;

/// Longest viewer→host message accepted. The viewer only sends acks, input events, requests
/// and a short `Bye`; anything bigger is an attack on the host's memory.
pub(super) const MAX_VIEWER_MESSAGE: usize = 1024;

/// How long a refused peer gets to complete TLS and hear why.
const REFUSAL_TIMEOUT: Duration = Duration::from_secs(5);

/// Accepts connections and hands each to the driver, numbered in arrival order.
pub(super) fn spawn_listener(listener: TcpListener, tx: mpsc::Sender<Input>) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut next = 1;
        loop {
            match listener.accept().await {
                Ok((stream, peer)) => {
                    let _ = stream.set_nodelay(true);
                    let conn = ConnId(next);
                    next += 1;
                    if tx.send(Input::Accepted(conn, stream, peer)).await.is_err() {
                        return;
                    }
                }
                // Out of file descriptors and similar: back off instead of spinning.
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
    })
}

/// Runs TLS and the code proof on one connection and reports the outcome.
pub(super) fn spawn_auth(
    conn: ConnId,
    stream: TcpStream,
    acceptor: TlsAcceptor,
    code: OneTimeCode,
    tx: mpsc::Sender<Input>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let outcome = async {
            let started = Instant::now();
            let mut tls = acceptor
                .accept(stream)
                .await
                .map_err(|e| AuthError::Protocol(format!("no TLS 1.3 handshake ({e})")))?;
            let handshake = started.elapsed();
            let exporter = tls::exporter(tls.get_ref().1)?;
            let name = pake::prove_as_host(&mut tls, &exporter, &code).await?;
            Ok::<_, AuthError>((name, tls, handshake))
        }
        .await;
        let input = match outcome {
            Ok((viewer, tls, handshake)) => {
                Input::Authenticated(conn, viewer, Box::new(tls), handshake)
            }
            Err(AuthError::WrongCode) => Input::Session(Event::AuthFailed { conn }),
            Err(e) => Input::Session(Event::ConnectionClosed {
                conn,
                reason: e.to_string(),
            }),
        };
        let _ = tx.send(input).await;
    })
}

/// Tells a surplus peer why it is refused (inside TLS, so a real viewer can show it), then
/// closes. Holds a permit so refusals cannot pile up.
pub(super) fn spawn_refusal(
    stream: TcpStream,
    acceptor: TlsAcceptor,
    why: Refuse,
    permit: OwnedSemaphorePermit,
) {
    tokio::spawn(async move {
        let _permit = permit;
        let _ = tokio::time::timeout(REFUSAL_TIMEOUT, async {
            let mut tls = acceptor.accept(stream).await?;
            pake::refuse(&mut tls, why)
                .await
                .map_err(std::io::Error::other)
        })
        .await;
    });
}

/// Reads viewer messages and reports them; a malformed, oversized or truncated message is
/// reported once and ends the reading.
pub(super) fn spawn_reader(
    conn: ConnId,
    mut reader: ReadHalf<ViewerStream>,
    tx: mpsc::Sender<Input>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut buf = BytesMut::with_capacity(MAX_VIEWER_MESSAGE);
        let mut chunk = [0u8; MAX_VIEWER_MESSAGE];
        loop {
            loop {
                match next_message(&mut buf) {
                    Ok(Some(message)) => {
                        let event = Event::Viewer { conn, message };
                        if tx.send(Input::Session(event)).await.is_err() {
                            return;
                        }
                    }
                    Ok(None) => break,
                    Err(why) => {
                        let message = ViewerEvent::Malformed(why);
                        let _ = tx
                            .send(Input::Session(Event::Viewer { conn, message }))
                            .await;
                        return;
                    }
                }
            }
            let event = match reader.read(&mut chunk).await {
                Ok(0) if buf.is_empty() => Event::ConnectionClosed {
                    conn,
                    reason: "the viewer closed the connection".into(),
                },
                Ok(0) => Event::Viewer {
                    conn,
                    message: ViewerEvent::Malformed(format!(
                        "the connection closed in the middle of a message ({} bytes of it arrived)",
                        buf.len()
                    )),
                },
                Ok(n) => {
                    buf.extend_from_slice(&chunk[..n]);
                    continue;
                }
                Err(e) => Event::ConnectionClosed {
                    conn,
                    reason: e.to_string(),
                },
            };
            let _ = tx.send(Input::Session(event)).await;
            return;
        }
    })
}

/// Cuts one message off `buf`: `Ok(None)` until it is complete.
fn next_message(buf: &mut BytesMut) -> Result<Option<ViewerEvent>, String> {
    let len = match frame_len(buf) {
        Ok(Some(len)) => len,
        Ok(None) => return Ok(None),
        Err(e) => return Err(e.to_string()),
    };
    if len > MAX_VIEWER_MESSAGE {
        return Err(format!(
            "a viewer message of {len} bytes; at most {MAX_VIEWER_MESSAGE} expected"
        ));
    }
    if buf.len() < len {
        return Ok(None);
    }
    let frame = buf.split_to(len).freeze();
    Ok(Some(
        match ViewerMessage::decode(&frame).map_err(|e| e.to_string())? {
            ViewerMessage::Ack { sequence } => ViewerEvent::Ack { sequence },
            ViewerMessage::Input(_) => ViewerEvent::Input,
            ViewerMessage::ControlRequest => ViewerEvent::ControlRequest,
            ViewerMessage::RefreshRequest => ViewerEvent::RefreshRequest,
            ViewerMessage::Bye(_) => ViewerEvent::Bye,
            other => return Err(format!("unexpected viewer message {other:?}")),
        },
    ))
}

/// What the writer sends: queued messages in order, and the pointer as it last was.
pub(super) struct Outgoing {
    pub(super) queue: mpsc::Receiver<Vec<u8>>,
    pub(super) pointer: watch::Receiver<Option<PointerState>>,
}

impl Outgoing {
    /// The next bytes to write (and whether they are a `Cursor` message), or `None` when the
    /// queue has closed. Queued messages go first; between them, a `Cursor` message whenever
    /// the pointer changed. Pointer states the writer did not get to are skipped (a slow
    /// link): `tracker` knows what the viewer holds, so none of them is needed.
    async fn next(&mut self, tracker: &mut PointerTracker) -> Option<(Vec<u8>, bool)> {
        loop {
            let pointer_open = self.pointer.has_changed().is_ok();
            let state = tokio::select! {
                biased;
                queued = self.queue.recv() => return queued.map(|bytes| (bytes, false)),
                changed = self.pointer.changed(), if pointer_open => match changed {
                    Ok(()) => self.pointer.borrow_and_update().clone(),
                    Err(_) => continue,
                },
            };
            let Some(cursor) = tracker.update(state.as_ref()) else {
                continue;
            };
            let mut bytes = Vec::new();
            // Positions and shapes come from the capture, which checked them for the wire.
            if HostMessage::Cursor(cursor).encode(&mut bytes).is_ok() {
                return Some((bytes, true));
            }
        }
    }
}

/// Writes the outgoing messages. A write that cannot finish within `stall_timeout` (a peer
/// that stopped reading) ends the connection instead of letting data pile up. When the queue
/// closes, the TLS session is closed properly.
pub(super) fn spawn_writer(
    conn: ConnId,
    mut writer: WriteHalf<ViewerStream>,
    mut outgoing: Outgoing,
    stall_timeout: Duration,
    tx: mpsc::Sender<Input>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut tracker = PointerTracker::default();
        while let Some((bytes, pointer)) = outgoing.next(&mut tracker).await {
            let written = tokio::time::timeout(stall_timeout, async {
                writer.write_all(&bytes).await?;
                writer.flush().await
            })
            .await;
            let reason = match written {
                Ok(Ok(())) if pointer => {
                    let bytes = bytes.len() as u64;
                    let _ = tx
                        .send(Input::Session(Event::PointerSent { conn, bytes }))
                        .await;
                    continue;
                }
                Ok(Ok(())) => continue,
                Ok(Err(e)) => format!("sending failed: {e}"),
                Err(_) => format!(
                    "the viewer stopped reading for {} s",
                    stall_timeout.as_secs_f32()
                ),
            };
            let _ = tx
                .send(Input::Session(Event::ConnectionClosed { conn, reason }))
                .await;
            return;
        }
        let _ = tokio::time::timeout(Duration::from_secs(2), writer.shutdown()).await;
    })
}

/// A semaphore bounding concurrent refusals.
pub(super) fn refusal_slots() -> Arc<tokio::sync::Semaphore> {
    Arc::new(tokio::sync::Semaphore::new(4))
}

/// What the viewer is told at the end, if it can still be told anything.
pub(super) fn farewell(reason: &EndReason) -> Option<Bye> {
    let code = match reason {
        EndReason::ViewerLeft | EndReason::ConnectionLost(_) => return None,
        EndReason::CustomerEnded | EndReason::Interrupted => ByeReason::Ended,
        EndReason::MaxDuration | EndReason::IdleTimeout | EndReason::CodeExpired => {
            ByeReason::Expired
        }
        EndReason::ViewerRefused
        | EndReason::AnswerTimedOut
        | EndReason::InputClosed
        | EndReason::TermsRefused => ByeReason::Refused,
        EndReason::ProtocolViolation(_) => ByeReason::ProtocolError,
        EndReason::WrongCode => ByeReason::AuthFailed,
        EndReason::HostFailure(_) => ByeReason::Internal,
    };
    let mut text = match reason {
        EndReason::ViewerRefused => "the customer did not allow watching".into(),
        EndReason::AnswerTimedOut | EndReason::InputClosed => {
            "the customer did not allow watching (no answer)".into()
        }
        EndReason::CustomerEnded => "the customer ended the session".into(),
        EndReason::IdleTimeout => "you stopped responding".into(),
        _ => reason.to_string(),
    };
    while text.len() > MAX_TEXT_LEN {
        text.pop();
    }
    Some(Bye { reason: code, text })
}
