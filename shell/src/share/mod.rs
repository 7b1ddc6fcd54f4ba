//! `meekijk share`: the customer's side — terms, code, one viewer, streaming, receipt.
//!
//! The rules live in [`crate::session::HostSession`]; this module only moves lines, bytes and
//! frames: `driver` runs the event loop, `connection` the per-socket tasks, `stream` the
//! capture-and-encode thread, `status` what the customer sees.

mod connection;
mod driver;
mod input;
mod link;
mod pointer;
mod receipt;
mod status;
mod stream;

pub(crate) use stream::HEARTBEAT;
mod terms;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use clap::Args;

use crate::cli::{parse_duration, parse_size};
use crate::session::Limits;

/// Options of `meekijk share`.
#[derive(Args, Debug)]
pub(crate) struct ShareArgs {
    /// Terms to show and have accepted instead of the built-in text (UTF-8, at most 256 KiB).
    #[arg(long, value_name = "FILE")]
    terms: Option<PathBuf>,
    /// Address to listen on; port 0 picks a free port (printed once listening).
    #[arg(long, default_value = "127.0.0.1:0", value_name = "ADDR:PORT")]
    listen: SocketAddr,
    /// What to share: screen, screen:N, synthetic:SCENE[:SEED] or file:PATH.
    #[arg(long, default_value = "screen", value_name = "SPEC")]
    source: String,
    /// Frame size of synthetic scenes and raw BGRA files.
    #[arg(long, default_value = "1920x1080", value_parser = parse_size, value_name = "WxH")]
    size: (u32, u32),
    /// Highest frame rate sent; a slow viewer gets fewer.
    #[arg(long, default_value_t = 30)]
    fps: u32,
    /// Where the receipt goes (default: $XDG_DATA_HOME/meekijk or ~/.local/share/meekijk).
    #[arg(long, value_name = "DIR")]
    receipt_dir: Option<PathBuf>,
    /// How long a question waits for an answer before it counts as no.
    #[arg(long, default_value = "2m", value_parser = parse_duration, value_name = "DURATION")]
    answer_timeout: Duration,
    /// How long the one-time code stays valid.
    #[arg(long, default_value = "10m", value_parser = parse_duration, value_name = "DURATION")]
    code_lifetime: Duration,
    /// How long a connection may take to set up TLS and prove the code.
    #[arg(long, default_value = "20s", value_parser = parse_duration, value_name = "DURATION")]
    auth_timeout: Duration,
    /// The longest a session may run once the viewer watches.
    #[arg(long, default_value = "1h", value_parser = parse_duration, value_name = "DURATION")]
    max_duration: Duration,
    /// End the session when the viewer stops responding (or reading) for this long.
    #[arg(long, default_value = "30s", value_parser = parse_duration, value_name = "DURATION")]
    idle_timeout: Duration,
}

/// Runs one session and exits; returns success when a viewer watched and the session ended
/// normally (by either person or at the maximum duration).
///
/// # Errors
/// When the terms cannot be read, the receipt directory is unknown or the runtime fails.
pub(crate) fn run(args: ShareArgs) -> anyhow::Result<ExitCode> {
    // Only the spelling is checked here; the source itself opens after both consents.
    meekijk_capture::SourceSpec::parse(&args.source)
        .with_context(|| format!("--source {:?}", args.source))?;
    let terms = terms::load(args.terms.as_deref())?;
    let receipt_dir = match args.receipt_dir {
        Some(dir) => dir,
        None => receipt::default_dir()
            .context("no data directory: set XDG_DATA_HOME or HOME, or give --receipt-dir")?,
    };
    anyhow::ensure!(
        (1..=meekijk_capture::MAX_FPS).contains(&args.fps),
        "--fps {} is out of range; expected 1 to {}",
        args.fps,
        meekijk_capture::MAX_FPS
    );
    let limits = Limits {
        answer_timeout: args.answer_timeout,
        code_lifetime: args.code_lifetime,
        auth_timeout: args.auth_timeout,
        max_duration: args.max_duration,
        idle_timeout: args.idle_timeout,
        ..Limits::default()
    };
    let config = driver::Config {
        limits,
        listen: args.listen,
        source: args.source,
        size: args.size,
        fps: args.fps,
        receipt_dir,
        terms_sha256: receipt::sha256_hex(terms.as_bytes()),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let code = runtime.block_on(driver::run(config, &terms));
    // The stdin reader is a plain thread blocked in read(); do not wait for it.
    runtime.shutdown_timeout(Duration::from_secs(1));
    Ok(code)
}
