//! `meekijk`: one-shot remote-support screen sharing (`share`, `view`) and the codec benchmark (`bench`).
#![forbid(unsafe_code)]

mod bench;
mod secure;
mod session;

use clap::{Parser, Subcommand};

/// meekijk — let one support employee watch your screen, once, with your consent.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Benchmark the codec engine on built-in scenes or a recorded file.
    Bench(bench::BenchArgs),
}

fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Bench(args) => bench::run(args),
    }
}
