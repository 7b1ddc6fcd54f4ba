//! `meekijk`: one-shot remote-support screen sharing (`share`, `view`) and the codec benchmark (`bench`).
#![forbid(unsafe_code)]

mod bench;
mod cli;
mod secure;
mod session;
mod share;
mod view;

use std::process::ExitCode;

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
    /// Customer: show the terms, then let one support employee watch this screen, once.
    Share(share::ShareArgs),
    /// Support employee: watch a customer's shared screen with the code they read out.
    View(view::ViewArgs),
}

fn main() -> ExitCode {
    let result = match Cli::parse().command {
        Command::Bench(args) => bench::run(args).map(|()| ExitCode::SUCCESS),
        Command::Share(args) => share::run(args),
        Command::View(args) => view::run(args),
    };
    result.unwrap_or_else(|e| {
        eprintln!("meekijk: {e:#}");
        ExitCode::FAILURE
    })
}
