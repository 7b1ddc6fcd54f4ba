//! `meekijk bench`: runs the real host and viewer pipeline on scenes and reports the numbers.

use clap::Args;

/// Options of `meekijk bench`.
#[derive(Args, Debug)]
pub(crate) struct BenchArgs {
    /// Frames per scenario.
    #[arg(long, default_value_t = 150)]
    frames: u32,
}

/// Runs the benchmark.
pub(crate) fn run(args: BenchArgs) -> anyhow::Result<()> {
    anyhow::bail!("bench is not built yet ({} frames requested)", args.frames)
}
