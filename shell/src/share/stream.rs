//! The capture-and-encode thread: opens the source only once streaming is allowed, and encodes a
//! frame only when the driver hands it a credit (flow control: latest state wins).
//!
//! The encoder diffs against the last frame it *encoded*, and every encoded update is sent, so
//! frames skipped while the viewer is slow simply merge into the next update.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use meekijk_codec::wire::{
    Hello, SessionLimits, UpdateMessage, UpdateWriter, MAX_MESSAGE_LEN, MAX_TILE_CACHE_BYTES,
};
use meekijk_codec::{Update, CACHE_ENTRY_BYTES};
use tokio::sync::mpsc;

use super::driver::Input;
use super::pointer::PointerState;

/// Send an empty update after this much quiet, so the viewer's acks show it is alive.
pub(crate) const HEARTBEAT: Duration = Duration::from_secs(1);

/// Permission to encode and send one update.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Credit {
    /// Encode the whole picture, not just what changed (the viewer asked for a refresh).
    pub(super) refresh: bool,
}

/// What the thread reports to the driver.
#[derive(Debug)]
pub(super) enum StreamReport {
    /// The source is open; the Hello can go out.
    Started {
        /// Description of the source, for the customer.
        source: String,
        /// The opening message for the viewer.
        hello: Hello,
    },
    /// One encoded `Update` message, ready to send.
    Encoded {
        /// The message bytes (one wire frame).
        bytes: Vec<u8>,
        /// Its sequence number (1, 2, 3…).
        sequence: u64,
        /// When its frame was due and when it was captured; `None` for an empty heartbeat,
        /// which is not timed. A frame is due one period after the last capture: an encode
        /// that took longer, or waiting for room on the link, delays the capture, and the
        /// screen's changes in between wait too.
        timing: Option<(Instant, Instant)>,
    },
    /// The pointer moved, changed shape, appeared or went away (`None`): the connection's
    /// writer tells the viewer, without waiting for credits (see [`super::pointer`]).
    Pointer(Option<PointerState>),
    /// The screen changed size; the updates that follow are for a `width`×`height` screen,
    /// the first a keyframe.
    Resized {
        /// New width in pixels.
        width: u32,
        /// New height in pixels.
        height: u32,
    },
    /// A recorded source reached its end; the last picture stays.
    SourceEnded,
    /// The source or encoder failed; streaming cannot go on.
    Failed(String),
}

/// Handle to the running thread; dropping it stops the thread at its next frame.
#[derive(Debug)]
pub(super) struct StreamHandle {
    credits: mpsc::Sender<Credit>,
    stop: Arc<AtomicBool>,
    budgets: Arc<Budgets>,
}

/// What the link allows the next encodes, set by the driver and read before each encode.
#[derive(Debug)]
struct Budgets {
    /// Pixels to refine at most.
    refine_pixels: AtomicU64,
    /// Bytes an update should take at most; [`NO_BOUND`] for none.
    frame_bytes: AtomicU64,
}

const NO_BOUND: u64 = u64::MAX;

impl StreamHandle {
    /// Hands the thread one credit; false if it is gone.
    pub(super) fn grant(&self, credit: Credit) -> bool {
        self.credits.try_send(credit).is_ok()
    }

    /// Pixels the next encodes may refine, and bytes an update should take (`None`: no
    /// bound); see [`super::link`].
    pub(super) fn set_budgets(&self, refine_pixels: u64, frame_bytes: Option<u64>) {
        let budgets = &self.budgets;
        budgets
            .refine_pixels
            .store(refine_pixels, Ordering::Relaxed);
        let bytes = frame_bytes.unwrap_or(NO_BOUND);
        budgets.frame_bytes.store(bytes, Ordering::Relaxed);
    }
}

impl Drop for StreamHandle {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// What to stream.
#[derive(Debug, Clone)]
pub(super) struct StreamConfig {
    /// `--source`.
    pub(super) source: String,
    /// `--size`.
    pub(super) size: (u32, u32),
    /// `--fps`.
    pub(super) fps: u32,
    /// Updates in flight, promised to the viewer in the Hello.
    pub(super) max_in_flight: u16,
}

/// Starts the thread. It opens the source (the first screen access of the session) and then
/// waits for credits.
pub(super) fn spawn(config: StreamConfig, reports: mpsc::Sender<Input>) -> StreamHandle {
    let (credits, credit_rx) = mpsc::channel(1);
    let stop = Arc::new(AtomicBool::new(false));
    let budgets = Arc::new(Budgets {
        refine_pixels: AtomicU64::new(meekijk_codec::DEFAULT_REFINE_BUDGET_PIXELS),
        frame_bytes: AtomicU64::new(NO_BOUND),
    });
    let (thread_stop, thread_budgets) = (stop.clone(), budgets.clone());
    let spawned = std::thread::Builder::new()
        .name("meekijk-stream".into())
        .spawn(move || {
            if let Err(why) = run(&config, credit_rx, &reports, &thread_stop, &thread_budgets) {
                let _ = reports.blocking_send(Input::Stream(StreamReport::Failed(why)));
            }
        });
    if let Err(e) = spawned {
        // The driver learns through the closed credit channel; say why as well.
        eprintln!("meekijk: cannot start the streaming thread: {e}");
    }
    StreamHandle {
        credits,
        stop,
        budgets,
    }
}

/// The `Hello`'s tile cache: what the encoder's `cache_blocks` entries hold at most, so the
/// viewer keeps as many and both sides evict alike.
fn cache_bytes(cache_blocks: usize) -> Result<u32, String> {
    u32::try_from(cache_blocks)
        .ok()
        .and_then(|blocks| blocks.checked_mul(CACHE_ENTRY_BYTES))
        .filter(|&bytes| bytes <= MAX_TILE_CACHE_BYTES)
        .ok_or_else(|| format!("a tile cache of {cache_blocks} blocks is too large to announce"))
}

fn run(
    config: &StreamConfig,
    mut credits: mpsc::Receiver<Credit>,
    reports: &mpsc::Sender<Input>,
    stop: &AtomicBool,
    budgets: &Budgets,
) -> Result<(), String> {
    let mut source = meekijk_capture::open(&config.source, config.size, config.fps)
        .map_err(|e| format!("cannot open the source {:?}: {e}", config.source))?;
    let (width, height) = source.size();
    let mut encoder =
        meekijk_codec::HostEncoder::new(meekijk_codec::HostConfig::new(width, height))
            .map_err(|e| format!("cannot start the encoder: {e}"))?;
    let mut writer =
        UpdateWriter::new().map_err(|e| format!("cannot start the update stream: {e}"))?;
    let started = Instant::now();
    let report = |r| reports.blocking_send(Input::Stream(r)).is_ok();
    if !report(StreamReport::Started {
        source: source.describe(),
        hello: Hello {
            // 2: may send `Resize`; 3: its tile cache is `tile_cache_bytes`.
            protocol_version: 3,
            width,
            height,
            chroma: encoder.config().av1.chroma,
            limits: SessionLimits {
                max_message_len: MAX_MESSAGE_LEN,
                max_in_flight: config.max_in_flight,
                tile_cache_bytes: cache_bytes(encoder.config().cache_blocks)?,
            },
        },
    }) {
        return Ok(());
    }
    let period = Duration::from_secs(1) / config.fps;
    let mut next_capture = Instant::now();
    let mut last_sent = Instant::now();
    let mut sequence = 0u64;
    let mut source_ended = false;
    let mut pointer: Option<PointerState> = None;
    while let Some(credit) = credits.blocking_recv() {
        if credit.refresh {
            encoder.request_refresh();
        }
        // Hold the credit until there is something worth sending: a change or a heartbeat.
        loop {
            if stop.load(Ordering::Relaxed) {
                return Ok(());
            }
            let now = Instant::now();
            if next_capture > now {
                std::thread::sleep(next_capture - now);
            }
            let due = next_capture.min(Instant::now());
            // Never burst to catch up: after a stall the next frame is simply the current one.
            next_capture = (next_capture + period).max(Instant::now());
            let captured = Instant::now();
            let update = if source_ended {
                Update::default()
            } else {
                // Even an unchanged frame goes to the encoder: it refines still areas over time.
                match source
                    .next_frame()
                    .map_err(|e| format!("capture failed: {e}"))?
                {
                    Some(frame) => {
                        let (width, height) = (frame.pixels.width(), frame.pixels.height());
                        let config = encoder.config();
                        if (width, height) != (config.width, config.height) {
                            encoder.resize(width, height).map_err(|e| {
                                format!("the screen changed to {width}x{height}: {e}")
                            })?;
                            if !report(StreamReport::Resized { width, height }) {
                                return Ok(());
                            }
                        }
                        encoder.set_refine_budget(budgets.refine_pixels.load(Ordering::Relaxed));
                        let bytes = budgets.frame_bytes.load(Ordering::Relaxed);
                        encoder.set_frame_budget((bytes != NO_BOUND).then_some(bytes));
                        let now_at = frame
                            .pointer
                            .map(|p| PointerState::of(&p, pointer.as_ref()));
                        if !PointerState::same(now_at.as_ref(), pointer.as_ref()) {
                            pointer.clone_from(&now_at);
                            if !report(StreamReport::Pointer(now_at)) {
                                return Ok(());
                            }
                        }
                        encoder
                            .encode(&frame.pixels)
                            .map_err(|e| format!("encoding failed: {e}"))?
                    }
                    None => {
                        source_ended = true;
                        if !report(StreamReport::SourceEnded) {
                            return Ok(());
                        }
                        Update::default()
                    }
                }
            };
            if update.is_empty() && captured < last_sent + HEARTBEAT {
                continue;
            }
            sequence += 1;
            let timed = !update.is_empty();
            let message = UpdateMessage {
                sequence,
                capture_us: captured.duration_since(started).as_micros() as u64,
                update,
            };
            let mut bytes = Vec::new();
            // Every update this writer encodes is sent: the next one's op table may refer
            // to it.
            writer
                .encode(&message, &mut bytes)
                .map_err(|e| format!("an update could not be framed: {e}"))?;
            last_sent = captured;
            if !report(StreamReport::Encoded {
                bytes,
                sequence,
                timing: timed.then_some((due, captured)),
            }) {
                return Ok(());
            }
            break;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hello_announces_the_encoders_tile_cache() {
        let default = meekijk_codec::DEFAULT_CACHE_BLOCKS;
        assert_eq!(cache_bytes(default), Ok(32 << 20), "8,192 blocks of 4 KiB");
        assert_eq!(cache_bytes(0), Ok(0));
        assert!(cache_bytes(1 << 20).is_err(), "4 GiB");
    }
}
