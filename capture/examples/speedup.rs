//! Writes every STEP-th frame of a synthetic scene as raw BGRA: the scene sped up STEP times
//! (a window dragged STEP times as fast), for `meekijk bench --input FILE --size 1920x1080`.
//!
//! `cargo run --release -p meekijk-capture --example speedup -- SCENE STEP FRAMES OUT.bgra`

use std::fs::File;
use std::io::{BufWriter, Write};

use anyhow::Context;
use meekijk_capture::{Scene, Source, Synthetic};

const USAGE: &str = "usage: speedup SCENE STEP FRAMES OUT.bgra";

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [scene, step, frames, out] = args.as_slice() else {
        anyhow::bail!(USAGE);
    };
    let scene: Scene = scene.parse()?;
    let step: u64 = step.parse().context(USAGE)?;
    let frames: u64 = frames.parse().context(USAGE)?;
    anyhow::ensure!(step > 0, "STEP must be at least 1");
    let mut source = Synthetic::new(scene, 1920, 1080, 30, 1)?;
    let mut out = BufWriter::new(File::create(out).with_context(|| format!("creating {out}"))?);
    for n in 0..frames * step {
        let frame = source.next_frame()?.context("scenes do not end")?;
        if n % step == 0 {
            let pixels = frame.pixels;
            for y in 0..pixels.height() {
                out.write_all(&pixels.row(y)[..pixels.width() as usize * 4])?;
            }
        }
    }
    out.flush()?;
    Ok(())
}
