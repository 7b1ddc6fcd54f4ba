//! Writes a PNG strip of every synthetic scene (a few frames side by side, scaled down) and one
//! combined picture, and prints how long each 1080p frame took to generate.
//!
//! `cargo run --release -p meekijk-capture --example scenes -- OUT_DIR [FRAMES [WxH]]`
//! (the strips are always made at 1920x1080; WxH only changes the timed run).

use std::fs::File;
use std::io::BufWriter;
use std::path::Path;
use std::time::Instant;

use anyhow::Context;
use meekijk_capture::{Scene, Source, Synthetic};

const WIDTH: u32 = 1920;
const HEIGHT: u32 = 1080;
const FPS: u32 = 30;
/// Frames shown per scene: the start, 1 s, 2.5 s and 4 s.
const SHOWN: [u64; 4] = [0, 30, 75, 120];
/// Downscale factor of the strips.
const SHRINK: u32 = 5;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let out = args.next().context("usage: scenes OUT_DIR [FRAMES]")?;
    let frames: u64 = args.next().map_or(Ok(150), |f| f.parse())?;
    let timed = match args.next() {
        Some(size) => {
            let (w, h) = size.split_once('x').context("size as WxH")?;
            Some((w.parse::<u32>()?, h.parse::<u32>()?))
        }
        None => None,
    };
    if let Some((w, h)) = timed {
        return time_only(w, h, frames);
    }
    std::fs::create_dir_all(&out)?;
    let (tw, th) = (WIDTH / SHRINK, HEIGHT / SHRINK);
    let mut combined =
        vec![0u8; (tw * SHOWN.len() as u32 * th * Scene::ALL.len() as u32 * 3) as usize];
    println!("scene            ms/frame (mean)  p50    max    unchanged frames   ({WIDTH}x{HEIGHT}, {frames} frames)");
    for (row, scene) in Scene::ALL.iter().enumerate() {
        let setup = Instant::now();
        let mut source = Synthetic::new(*scene, WIDTH, HEIGHT, FPS, 1)?;
        let setup_ms = setup.elapsed().as_secs_f64() * 1e3;
        let mut strip = vec![0u8; (tw * SHOWN.len() as u32 * th * 3) as usize];
        let mut times = Vec::with_capacity(frames as usize);
        let mut unchanged = 0;
        for n in 0..frames.max(SHOWN[SHOWN.len() - 1] + 1) {
            let start = Instant::now();
            let frame = source
                .next_frame()?
                .context("synthetic sources never end")?;
            times.push(start.elapsed().as_secs_f64() * 1e3);
            unchanged += frame.unchanged as u32;
            if n == SHOWN[2] {
                write_full(
                    &Path::new(&out).join(format!("{}-full.png", scene.name())),
                    &frame.pixels,
                )?;
            }
            if let Some(col) = SHOWN.iter().position(|&s| s == n) {
                let strip_w = tw * SHOWN.len() as u32;
                shrink_into(&frame.pixels, &mut strip, strip_w, col as u32 * tw);
            }
        }
        let mut sorted = times.clone();
        sorted.sort_by(f64::total_cmp);
        let mean = times.iter().sum::<f64>() / times.len() as f64;
        println!(
            "{:<16} {:>8.3}        {:>6.3} {:>6.3}  {unchanged:>4}  (setup {setup_ms:.0} ms)",
            scene.name(),
            mean,
            sorted[sorted.len() / 2],
            sorted[sorted.len() - 1]
        );
        let strip_w = tw * SHOWN.len() as u32;
        label(&mut strip, strip_w, scene.name())?;
        write_png(
            &Path::new(&out).join(format!("{}.png", scene.name())),
            &strip,
            strip_w,
            th,
        )?;
        let offset = row * strip.len();
        combined[offset..offset + strip.len()].copy_from_slice(&strip);
    }
    let path = Path::new(&out).join("scenes.png");
    write_png(
        &path,
        &combined,
        tw * SHOWN.len() as u32,
        th * Scene::ALL.len() as u32,
    )?;
    println!("wrote {}", path.display());
    Ok(())
}

/// Box-filters a BGRA frame by `SHRINK` into an RGB strip at column `x0`.
fn shrink_into(frame: &meekijk_codec::FrameView<'_>, strip: &mut [u8], strip_w: u32, x0: u32) {
    let (tw, th) = (frame.width() / SHRINK, frame.height() / SHRINK);
    for ty in 0..th {
        for tx in 0..tw {
            let mut sum = [0u32; 3];
            for dy in 0..SHRINK {
                let row = frame.row(ty * SHRINK + dy);
                for dx in 0..SHRINK {
                    let p = ((tx * SHRINK + dx) * 4) as usize;
                    sum[0] += row[p + 2] as u32;
                    sum[1] += row[p + 1] as u32;
                    sum[2] += row[p] as u32;
                }
            }
            let o = ((ty * strip_w + x0 + tx) * 3) as usize;
            for c in 0..3 {
                strip[o + c] = (sum[c] / (SHRINK * SHRINK)) as u8;
            }
        }
    }
}

/// Prints generation time per frame at another size, without pictures.
fn time_only(w: u32, h: u32, frames: u64) -> anyhow::Result<()> {
    println!("scene            ms/frame (mean)  p50    max   ({w}x{h}, {frames} frames)");
    for scene in Scene::ALL {
        let mut source = Synthetic::new(scene, w, h, FPS, 1)?;
        let mut times: Vec<f64> = (0..frames)
            .map(|_| {
                let start = Instant::now();
                let _ = source.next_frame();
                start.elapsed().as_secs_f64() * 1e3
            })
            .collect();
        let mean = times.iter().sum::<f64>() / times.len().max(1) as f64;
        times.sort_by(f64::total_cmp);
        let (p50, max) = (times[times.len() / 2], times[times.len() - 1]);
        println!(
            "{:<16} {mean:>8.3}        {p50:>6.3} {max:>6.3}",
            scene.name()
        );
    }
    Ok(())
}

/// Writes the scene's name in a dark box at the strip's top-left corner.
fn label(strip: &mut [u8], strip_w: u32, text: &str) -> anyhow::Result<()> {
    static FONT: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
    let font = fontdue::Font::from_bytes(FONT, fontdue::FontSettings::default())
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let px = 15.0;
    let glyphs: Vec<_> = text.chars().map(|c| font.rasterize(c, px)).collect();
    let width: f32 = glyphs.iter().map(|(m, _)| m.advance_width).sum();
    let (box_w, box_h, baseline) = (width.ceil() as u32 + 12, 22u32, 16i32);
    for y in 0..box_h {
        for x in 0..box_w {
            let o = ((y * strip_w + x) * 3) as usize;
            strip[o..o + 3].copy_from_slice(&[20, 20, 24]);
        }
    }
    let mut pen = 6.0f32;
    for (m, coverage) in &glyphs {
        for gy in 0..m.height {
            for gx in 0..m.width {
                let a = coverage[gy * m.width + gx] as u32;
                let x = pen.round() as i32 + m.xmin + gx as i32;
                let y = baseline - m.ymin - m.height as i32 + gy as i32;
                if x < 0 || y < 0 || x as u32 >= box_w || y as u32 >= box_h {
                    continue;
                }
                let o = ((y as u32 * strip_w + x as u32) * 3) as usize;
                for c in 0..3 {
                    strip[o + c] = ((strip[o + c] as u32 * (255 - a) + 255 * a) / 255) as u8;
                }
            }
        }
        pen += m.advance_width;
    }
    Ok(())
}

/// Writes one frame at full size.
fn write_full(path: &Path, frame: &meekijk_codec::FrameView<'_>) -> anyhow::Result<()> {
    let mut rgb = Vec::with_capacity((frame.width() * frame.height() * 3) as usize);
    for y in 0..frame.height() {
        for px in frame.row(y).chunks_exact(4) {
            rgb.extend_from_slice(&[px[2], px[1], px[0]]);
        }
    }
    write_png(path, &rgb, frame.width(), frame.height())
}

fn write_png(path: &Path, rgb: &[u8], width: u32, height: u32) -> anyhow::Result<()> {
    let mut encoder = png::Encoder::new(BufWriter::new(File::create(path)?), width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Best);
    encoder.write_header()?.write_image_data(rgb)?;
    Ok(())
}
