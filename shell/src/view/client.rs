//! The viewer's connection: TCP, TLS 1.3, the code proof, then messages until either side ends.

use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context};
use bytes::BytesMut;
use meekijk_codec::cursor::{self, KeptShapes};
use meekijk_codec::wire::{
    frame_len, Bye, ByeReason, CursorShape, HostMessage, HostReader, InputEvent, ViewerMessage,
    HEADER_LEN,
};
use meekijk_codec::{Frame, FrameView, ViewerDecoder, CACHE_ENTRY_BYTES};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;
use tokio_rustls::TlsConnector;

use super::record::{self, write_png, Y4mRecorder};
use super::ViewArgs;
use crate::secure::pake::{check_viewer_name, prove_as_viewer};
use crate::secure::{tls, AuthError, OneTimeCode};

/// Largest tile cache a host may have this viewer keep (8 times the default): the cache
/// fills only with tiles the host sends, but a hostile host should not reach gigabytes.
const MAX_VIEWER_CACHE_BYTES: u32 = 256 << 20;

/// Largest message accepted before the host's Hello has said how large they get.
const MAX_MESSAGE_BEFORE_HELLO: usize = 4096;

/// How a session went.
#[derive(Debug, Default)]
pub(super) struct Outcome {
    /// Frames decoded.
    pub(super) frames: u64,
    /// True when the session ended by a `Bye` (either side) or `--frames`, not by an error.
    pub(super) clean: bool,
}

/// Refresh requests a session may need before the viewer gives up on the host.
const MAX_REFRESHES: u32 = 3;

struct Watch {
    decoder: Option<ViewerDecoder>,
    /// Refresh requests sent; updates are skipped (but acknowledged) until a keyframe.
    refreshes: u32,
    awaiting_keyframe: bool,
    recorder: Option<Y4mRecorder>,
    /// The session protocol the host's Hello announced (what it may send).
    protocol: u16,
    /// Screen sizes seen: the recording starts a new file (`NAME-2.y4m`, …) at each change.
    sizes: u32,
    /// A size change announced once its first picture (a keyframe) is drawn.
    resized: Option<(u32, u32)>,
    frames: u64,
    bytes: u64,
    decode: Duration,
    started: Instant,
    /// The customer's pointer as the host last described it: drawn over the framebuffer in
    /// what the employee sees (recording, screenshot), never into it.
    pointer: PointerView,
}

#[derive(Debug, Default)]
struct PointerView {
    at: (u32, u32),
    shape: Option<CursorShape>,
    /// The last shapes the host sent: it may name one by its place.
    kept: KeptShapes,
}

impl PointerView {
    /// Calls `show` with what the employee sees: `framebuffer`, with the pointer drawn over
    /// a copy of it once the host has sent one.
    fn over<T>(&self, framebuffer: &FrameView<'_>, show: impl FnOnce(&FrameView<'_>) -> T) -> T {
        let Some(shape) = &self.shape else {
            return show(framebuffer);
        };
        let mut shown = Frame::from_view(framebuffer);
        cursor::draw(&mut shown.view_mut(), self.at.0, self.at.1, shape);
        show(&shown.view())
    }
}

/// Connects, proves the code and watches until the end; prints what happened.
///
/// # Errors
/// Anything that keeps the session from starting or breaks it; the screenshot and recording
/// are still finished for the frames that did arrive.
pub(super) async fn run(args: &ViewArgs) -> anyhow::Result<Outcome> {
    let code = OneTimeCode::parse(&args.code)?;
    check_viewer_name(&args.name)?;
    let mut tls = connect(args, &code).await?;
    println!("Code proven. Waiting for the customer to allow you to watch…");
    let mut watch = Watch {
        decoder: None,
        refreshes: 0,
        awaiting_keyframe: false,
        recorder: None,
        protocol: 0,
        sizes: 0,
        resized: None,
        frames: 0,
        bytes: 0,
        decode: Duration::ZERO,
        started: Instant::now(),
        pointer: PointerView::default(),
    };
    let result = watch_loop(args, &mut tls, &mut watch).await;
    let _ = tokio::time::timeout(Duration::from_secs(2), tls.shutdown()).await;
    let saved = save(args, &mut watch);
    print_stats(&watch);
    let clean = result?;
    saved?;
    Ok(Outcome {
        frames: watch.frames,
        clean,
    })
}

async fn connect(args: &ViewArgs, code: &OneTimeCode) -> anyhow::Result<TlsStream<TcpStream>> {
    let limit = args.connect_timeout;
    let addr = &args.addr;
    let stream = tokio::time::timeout(limit, TcpStream::connect(addr))
        .await
        .map_err(|_| anyhow!("no answer from {addr} within {} s", limit.as_secs_f32()))?
        .with_context(|| format!("cannot connect to {addr} (has the session ended?)"))?;
    let _ = stream.set_nodelay(true);
    let connector = TlsConnector::from(tls::client_config()?);
    let mut tls = tokio::time::timeout(limit, connector.connect(tls::server_name(), stream))
        .await
        .map_err(|_| anyhow!("the TLS handshake with {addr} did not finish in time"))?
        .with_context(|| format!("the TLS 1.3 handshake with {addr} failed"))?;
    let exporter = tls::exporter(tls.get_ref().1)?;
    let proof = tokio::time::timeout(
        limit,
        prove_as_viewer(&mut tls, &exporter, code, &args.name),
    )
    .await
    .map_err(|_| anyhow!("the code proof did not finish in time"))?;
    match proof {
        Ok(()) => Ok(tls),
        Err(AuthError::WrongCode) => bail!(
            "the code was wrong; for safety the customer's session is now closed — ask them to \
             start a new one and read you the new code"
        ),
        Err(e) => Err(e.into()),
    }
}

/// Reads and handles messages; `Ok(true)` for a clean end.
async fn watch_loop(
    args: &ViewArgs,
    tls: &mut TlsStream<TcpStream>,
    watch: &mut Watch,
) -> anyhow::Result<bool> {
    let mut buf = BytesMut::with_capacity(64 * 1024);
    let mut reader = HostReader::new()?;
    let mut max_message = MAX_MESSAGE_BEFORE_HELLO;
    loop {
        let message = tokio::select! {
            message = read_message(tls, &mut buf, &mut reader, max_message) => message?,
            _ = tokio::signal::ctrl_c() => {
                send(tls, &ViewerMessage::Bye(bye(ByeReason::Ended, "the viewer left"))).await?;
                println!("Leaving the session.");
                return Ok(true);
            }
        };
        let Some((message, len)) = message else {
            bail!("the host closed the connection without saying goodbye");
        };
        watch.bytes += len as u64;
        match message {
            HostMessage::Hello(hello) => {
                anyhow::ensure!(watch.decoder.is_none(), "the host sent a second Hello");
                anyhow::ensure!(
                    matches!(hello.protocol_version, 1..=3),
                    "the host speaks session protocol {}; this viewer speaks 1 to 3",
                    hello.protocol_version
                );
                // Before 3 the tile cache was the default on both sides, whatever the Hello said.
                let cache_blocks = match hello.protocol_version {
                    1 | 2 => meekijk_codec::DEFAULT_CACHE_BLOCKS,
                    _ => {
                        let bytes = hello.limits.tile_cache_bytes;
                        anyhow::ensure!(
                            bytes <= MAX_VIEWER_CACHE_BYTES,
                            "the host asks for a tile cache of {} MiB; this viewer keeps at \
                             most {} MiB",
                            bytes >> 20,
                            MAX_VIEWER_CACHE_BYTES >> 20
                        );
                        (bytes / CACHE_ENTRY_BYTES) as usize
                    }
                };
                let (width, height) = (hello.width, hello.height);
                let decoder = ViewerDecoder::with_cache_blocks(width, height, cache_blocks)?;
                watch.decoder = Some(decoder);
                (watch.protocol, watch.sizes) = (hello.protocol_version, 1);
                if let Some(path) = &args.record {
                    watch.recorder = Some(Y4mRecorder::create(path, hello.width, hello.height)?);
                }
                max_message = HEADER_LEN + hello.limits.max_message_len as usize;
                watch.started = Instant::now();
                println!(
                    "The customer allowed you to watch: {}x{}.",
                    hello.width, hello.height
                );
            }
            HostMessage::Update(update) => {
                let Some(decoder) = watch.decoder.as_mut() else {
                    bail!("the host sent an update before its Hello");
                };
                let start = Instant::now();
                if update.update.keyframe {
                    watch.awaiting_keyframe = false;
                }
                if watch.awaiting_keyframe {
                    // Built on state we dropped: acknowledge it (flow control) but do not draw it.
                    send(
                        tls,
                        &ViewerMessage::Ack {
                            sequence: update.sequence,
                        },
                    )
                    .await?;
                    continue;
                }
                if let Err(e) = decoder.apply(&update.update) {
                    // The framebuffer is unchanged (updates apply all or nothing). A cache miss or
                    // a lost compression stream means host and viewer disagree: ask for a
                    // keyframe rather than show wrong pixels — a few times, then give up.
                    let text = format!("undecodable update {}: {e}", update.sequence);
                    if watch.refreshes >= MAX_REFRESHES {
                        let _ = send(
                            tls,
                            &ViewerMessage::Bye(bye(ByeReason::ProtocolError, &text)),
                        )
                        .await;
                        bail!(text);
                    }
                    eprintln!("{text}; asking the host for a refresh");
                    watch.refreshes += 1;
                    watch.awaiting_keyframe = true;
                    send(tls, &ViewerMessage::RefreshRequest).await?;
                    send(
                        tls,
                        &ViewerMessage::Ack {
                            sequence: update.sequence,
                        },
                    )
                    .await?;
                    continue;
                }
                watch.decode += start.elapsed();
                if update.update.keyframe {
                    if let Some((width, height)) = watch.resized.take() {
                        println!("The customer's screen changed to {width}x{height}.");
                    }
                }
                send(
                    tls,
                    &ViewerMessage::Ack {
                        sequence: update.sequence,
                    },
                )
                .await?;
                watch.frames += 1;
                if let Some(recorder) = watch.recorder.as_mut() {
                    watch
                        .pointer
                        .over(&decoder.framebuffer(), |shown| recorder.write(shown))?;
                }
                if watch.frames == 1 {
                    println!("The first picture arrived; watching.");
                    first_frame(args, tls).await?;
                }
                if Some(watch.frames) == args.frames {
                    send(
                        tls,
                        &ViewerMessage::Bye(bye(ByeReason::Ended, "the viewer left")),
                    )
                    .await?;
                    println!("Received {} frames; leaving.", watch.frames);
                    return Ok(true);
                }
            }
            HostMessage::Resize { width, height } => {
                let Some(decoder) = watch.decoder.as_mut() else {
                    bail!("the host sent a Resize before its Hello");
                };
                anyhow::ensure!(
                    watch.protocol >= 2,
                    "the host sent a Resize but speaks session protocol {}",
                    watch.protocol
                );
                decoder.resize(width, height)?;
                watch.sizes += 1;
                watch.resized = Some((width, height));
                if let (Some(recorder), Some(path)) = (watch.recorder.take(), &args.record) {
                    let (old, frames) = recorder.finish()?;
                    let next = record::part_path(path, watch.sizes);
                    println!(
                        "Recorded {frames} frames to {}; the recording goes on in {}.",
                        old.display(),
                        next.display()
                    );
                    watch.recorder = Some(Y4mRecorder::create(&next, width, height)?);
                }
            }
            HostMessage::ControlState { granted } => println!(
                "{}",
                if granted {
                    "The customer granted you control of mouse and keyboard."
                } else {
                    "You do not have control (view only)."
                }
            ),
            HostMessage::Bye(bye) => {
                println!("The host ended the session: {}", bye.text);
                return Ok(bye.reason == ByeReason::Ended || bye.reason == ByeReason::Expired);
            }
            HostMessage::Cursor(moved) => {
                let Some(decoder) = watch.decoder.as_ref() else {
                    bail!("the host sent the pointer before its Hello");
                };
                watch.pointer.at = (moved.x, moved.y);
                if let Some(shape) = watch.pointer.kept.shape_for(moved.look)? {
                    watch.pointer.shape = Some(shape);
                }
                // The recording shows the pointer moving over a still screen too.
                if let (Some(recorder), true) = (watch.recorder.as_mut(), watch.frames > 0) {
                    watch
                        .pointer
                        .over(&decoder.framebuffer(), |shown| recorder.write(shown))?;
                }
            }
            other => bail!("unexpected message from the host: {other:?}"),
        }
    }
}

async fn first_frame(args: &ViewArgs, tls: &mut TlsStream<TcpStream>) -> anyhow::Result<()> {
    if args.request_control {
        send(tls, &ViewerMessage::ControlRequest).await?;
        println!("Asked the customer for control.");
    }
    for i in 0..args.send_pointer_moves {
        let event = InputEvent::PointerMove {
            x: i % 64,
            y: i / 64 % 64,
        };
        send(tls, &ViewerMessage::Input(event)).await?;
    }
    Ok(())
}

fn bye(reason: ByeReason, text: &str) -> Bye {
    Bye {
        reason,
        text: text.to_string(),
    }
}

async fn send(tls: &mut TlsStream<TcpStream>, message: &ViewerMessage) -> anyhow::Result<()> {
    let mut bytes = Vec::new();
    message.encode(&mut bytes)?;
    tls.write_all(&bytes).await?;
    tls.flush().await?;
    Ok(())
}

/// Reads one message of at most `max` bytes; `None` at a clean end of stream.
async fn read_message(
    tls: &mut TlsStream<TcpStream>,
    buf: &mut BytesMut,
    reader: &mut HostReader,
    max: usize,
) -> anyhow::Result<Option<(HostMessage, usize)>> {
    loop {
        if let Some(len) = frame_len(buf)? {
            anyhow::ensure!(
                len <= max,
                "a host message of {len} bytes; at most {max} expected"
            );
            if buf.len() >= len {
                let frame = buf.split_to(len).freeze();
                return Ok(Some((reader.decode(&frame)?, len)));
            }
            buf.reserve((len - buf.len()).min(1 << 20));
        } else {
            buf.reserve(HEADER_LEN);
        }
        match tls.read_buf(buf).await {
            Ok(0) if buf.is_empty() => return Ok(None),
            Ok(0) => bail!("the connection closed in the middle of a message"),
            Ok(_) => {}
            // A peer that closes without TLS close_notify: same as a plain close.
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof && buf.is_empty() => {
                return Ok(None)
            }
            Err(e) => return Err(e.into()),
        }
    }
}

fn save(args: &ViewArgs, watch: &mut Watch) -> anyhow::Result<()> {
    if let Some(recorder) = watch.recorder.take() {
        let (path, frames) = recorder.finish()?;
        println!("Recorded {frames} frames to {}.", path.display());
    }
    if let (Some(path), Some(decoder)) = (&args.screenshot, &watch.decoder) {
        if watch.frames > 0 {
            watch
                .pointer
                .over(&decoder.framebuffer(), |shown| write_png(path, shown))?;
            println!("Screenshot saved to {}.", path.display());
        }
    }
    Ok(())
}

fn print_stats(watch: &Watch) {
    let secs = watch.started.elapsed().as_secs_f64().max(1e-3);
    let mean_decode = if watch.frames > 0 {
        watch.decode.as_secs_f64() * 1e3 / watch.frames as f64
    } else {
        0.0
    };
    eprintln!(
        "stats: {} frames, {} bytes received, {:.0} kbit/s over {:.1} s, decode {:.2} ms/frame",
        watch.frames,
        watch.bytes,
        watch.bytes as f64 * 8.0 / 1e3 / secs,
        secs,
        mean_decode
    );
}
