//! `meekijk view`: the support employee's side — connect, prove the code, decode, record.
//!
//! A window comes later; for now the viewer runs `--headless` and keeps what it saw with
//! `--record` (Y4M) and `--screenshot` (PNG).

mod client;
mod record;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use clap::Args;

use crate::cli::parse_duration;

/// Options of `meekijk view`.
#[derive(Args, Debug)]
pub(crate) struct ViewArgs {
    /// The address `meekijk share` printed, e.g. 127.0.0.1:40123.
    #[arg(value_name = "ADDR:PORT")]
    addr: String,
    /// The one-time code the customer read out, e.g. 481-927-305.
    #[arg(long)]
    code: String,
    /// Your name, shown to the customer before they allow you to watch (1–64 bytes).
    #[arg(long)]
    name: String,
    /// No window: decode only (with --record, --screenshot, --frames).
    #[arg(long)]
    headless: bool,
    /// Write every received frame to this Y4M file (4:4:4, full range).
    #[arg(long, value_name = "FILE.y4m")]
    record: Option<PathBuf>,
    /// Write the last frame to this PNG file when leaving.
    #[arg(long, value_name = "FILE.png")]
    screenshot: Option<PathBuf>,
    /// Leave after this many frames.
    #[arg(long, value_name = "N")]
    frames: Option<u64>,
    /// Ask the customer for control of mouse and keyboard after the first frame.
    #[arg(long)]
    request_control: bool,
    /// Diagnostics: send this many pointer moves after the first frame (the host drops them
    /// unless the customer granted control).
    #[arg(long, hide = true, default_value_t = 0, value_name = "N")]
    send_pointer_moves: u32,
    /// How long connecting, TLS and the code proof may take.
    #[arg(long, default_value = "20s", value_parser = parse_duration, value_name = "DURATION")]
    connect_timeout: Duration,
}

/// Runs the viewer; success only for a session that authenticated, received frames and ended
/// cleanly.
///
/// # Errors
/// Setup failures; session failures are printed and give a failure status instead.
pub(crate) fn run(args: ViewArgs) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(
        args.headless,
        "a viewer window is not built yet; run with --headless (and --record / --screenshot)"
    );
    anyhow::ensure!(
        args.frames != Some(0),
        "--frames 0 would leave before watching; expected at least 1"
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let outcome = runtime.block_on(client::run(&args));
    match outcome {
        Ok(outcome) if outcome.frames > 0 && outcome.clean => Ok(ExitCode::SUCCESS),
        Ok(outcome) => {
            if outcome.frames == 0 {
                eprintln!("meekijk view: no frames were received");
            }
            Ok(ExitCode::FAILURE)
        }
        Err(e) => {
            eprintln!("meekijk view: {e:#}");
            Ok(ExitCode::FAILURE)
        }
    }
}
