//! `meekijk bench`: runs the real host and viewer pipeline on scenes and reports the numbers.
//!
//! Per frame: source → `HostEncoder::encode` (diff, plan, tile encode) → wire encode → wire
//! decode → `ViewerDecoder::apply` → PSNR/SSIM of the viewer's framebuffer against the source.

mod network;
mod report;
mod scenario;
mod stats;

use std::path::PathBuf;

use anyhow::{bail, Context};
use clap::Args;
use meekijk_capture::SCENE_NAMES;

pub(crate) use scenario::{run_scenario, ScenarioSpec};

/// Options of `meekijk bench`.
#[derive(Args, Debug)]
pub(crate) struct BenchArgs {
    /// Scenes to run (comma-separated); all built-in scenes by default.
    #[arg(long, value_delimiter = ',')]
    scenario: Vec<String>,
    /// A recorded screen instead of the scenes: raw BGRA (needs --size) or Y4M.
    #[arg(long)]
    input: Option<PathBuf>,
    /// Frames per scenario (default 150 for scenes, the whole file for --input).
    #[arg(long)]
    frames: Option<u32>,
    /// Frame size of the scenes and of raw BGRA input, WIDTHxHEIGHT.
    #[arg(long, default_value = "1920x1080", value_parser = parse_size)]
    size: (u32, u32),
    /// Capture rate the scenes are paced at and kbit/s is computed for.
    #[arg(long, default_value_t = 30)]
    fps: u32,
    /// Seed of the synthetic scenes.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Also stream each scene through a real `meekijk share` → `meekijk view` session over
    /// TLS on loopback (the consent prompts answered by the bench) and report its latency.
    #[arg(long)]
    network: bool,
    /// Turn scroll/move detection off (to measure what it saves).
    #[arg(long)]
    no_motion: bool,
    /// Turn the tile cache off (to measure what it saves).
    #[arg(long)]
    no_cache: bool,
    /// Turn the scroll history off: rows that scroll back into view are coded again (to
    /// measure what it saves).
    #[arg(long)]
    no_history: bool,
    /// Turn colour remaps off: a page dimmed behind a dialog is coded again (to measure what
    /// they save).
    #[arg(long)]
    no_remap: bool,
    /// Compress each palette tile on its own instead of in one zstd stream for the session
    /// (to measure what the stream saves).
    #[arg(long)]
    no_stream: bool,
    /// Bound every update to what a link of this many kbit/s carries per frame, as `meekijk
    /// share` does on a measured link: changing photos and video get coarser (to measure
    /// the quality a slow link gets).
    #[arg(long, value_name = "KBPS")]
    link_kbps: Option<u64>,
    /// Print one line per frame (blocks changed / copied / cached / refined, bytes) to stderr.
    #[arg(long)]
    per_frame: bool,
    /// Write one JSON object per scenario (an array) to this file.
    #[arg(long)]
    json: Option<PathBuf>,
    /// Draw bytes and host time per frame to this SVG file.
    #[arg(long)]
    svg: Option<PathBuf>,
}

fn parse_size(s: &str) -> Result<(u32, u32), String> {
    let (w, h) = s
        .split_once(['x', 'X'])
        .ok_or_else(|| format!("size {s:?} is not WIDTHxHEIGHT"))?;
    let parse = |v: &str| {
        v.trim()
            .parse::<u32>()
            .map_err(|_| format!("size {s:?} is not WIDTHxHEIGHT"))
    };
    Ok((parse(w)?, parse(h)?))
}

/// Runs the benchmark and prints the table; writes `--json` and `--svg` when asked.
pub(crate) fn run(args: BenchArgs) -> anyhow::Result<()> {
    let specs = specs(&args)?;
    let mut results = Vec::new();
    for spec in &specs {
        let mut result = run_scenario(spec).with_context(|| format!("scenario {}", spec.name))?;
        if args.network {
            let latency = network::latency(spec)
                .with_context(|| format!("scenario {} over the network", spec.name))?;
            result.latency = Some(latency);
        }
        results.push(result);
    }
    print!("{}", report::table(&results));
    if let Some(path) = &args.json {
        std::fs::write(path, report::json(&results))
            .with_context(|| format!("writing {}", path.display()))?;
        eprintln!("wrote {}", path.display());
    }
    if let Some(path) = &args.svg {
        std::fs::write(path, report::svg(&results))
            .with_context(|| format!("writing {}", path.display()))?;
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}

fn specs(args: &BenchArgs) -> anyhow::Result<Vec<ScenarioSpec>> {
    let base = |name: String, source: String, frames: Option<u32>| ScenarioSpec {
        name,
        source,
        size: args.size,
        fps: args.fps,
        frames,
        motion: !args.no_motion,
        per_frame: args.per_frame,
        cache: !args.no_cache,
        history: !args.no_history,
        remap: !args.no_remap,
        stream: !args.no_stream,
        frame_budget: args
            .link_kbps
            .map(|kbps| kbps * 1000 / 8 / u64::from(args.fps.max(1))),
    };
    if let Some(path) = &args.input {
        if !args.scenario.is_empty() {
            bail!("--input and --scenario exclude each other");
        }
        let name = path
            .file_stem()
            .map_or("input".into(), |s| s.to_string_lossy().into_owned());
        return Ok(vec![base(
            name,
            format!("file:{}", path.display()),
            args.frames,
        )]);
    }
    let names: Vec<String> = if args.scenario.is_empty() {
        SCENE_NAMES.iter().map(|s| s.to_string()).collect()
    } else {
        args.scenario.clone()
    };
    names
        .into_iter()
        .map(|name| {
            if !SCENE_NAMES.contains(&name.as_str()) {
                bail!(
                    "unknown scenario {name:?}; the scenes are {}",
                    SCENE_NAMES.join(", ")
                );
            }
            let source = format!("synthetic:{name}:{}", args.seed);
            Ok(base(name, source, Some(args.frames.unwrap_or(150))))
        })
        .collect()
}
