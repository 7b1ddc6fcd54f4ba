//! What the headless viewer keeps on request: a Y4M recording of every received frame and a
//! PNG screenshot of the last one.
//!
//! The recording is 4:4:4, full range, BT.709 — exactly what `meekijk share --source file:…`
//! reads back, so a recorded session can be replayed as a source.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use meekijk_codec::convert::{Chroma, Range, YuvImage};
use meekijk_codec::{FrameView, Rect};

/// Frame rate written into the Y4M header. Updates arrive when the screen changes, not at a
/// fixed rate; players need one, so the host's default rate is used.
const NOMINAL_FPS: u32 = 30;

/// A Y4M file that frames are appended to.
#[derive(Debug)]
pub(super) struct Y4mRecorder {
    path: PathBuf,
    out: BufWriter<File>,
    yuv: YuvImage,
    frames: u64,
}

impl Y4mRecorder {
    /// Creates `path` and writes the stream header.
    ///
    /// # Errors
    /// When the file cannot be created or the size is unusable.
    pub(super) fn create(path: &Path, width: u32, height: u32) -> anyhow::Result<Self> {
        let file = File::create(path)
            .with_context(|| format!("cannot create the recording {}", path.display()))?;
        let mut out = BufWriter::new(file);
        writeln!(
            out,
            "YUV4MPEG2 W{width} H{height} F{NOMINAL_FPS}:1 Ip A1:1 C444 XCOLORRANGE=FULL"
        )?;
        Ok(Self {
            path: path.to_path_buf(),
            out,
            yuv: YuvImage::new(width, height, Chroma::Yuv444, Range::Full)?,
            frames: 0,
        })
    }

    /// Appends one frame.
    ///
    /// # Errors
    /// When the frame has another size or the file cannot be written.
    pub(super) fn write(&mut self, frame: &FrameView<'_>) -> anyhow::Result<()> {
        let rect = Rect::new(0, 0, frame.width(), frame.height());
        self.yuv.convert_from(frame, rect)?;
        self.out.write_all(b"FRAME\n")?;
        for plane in self.yuv.planes() {
            self.out.write_all(plane)?;
        }
        self.frames += 1;
        Ok(())
    }

    /// Flushes the file; returns its path and frame count.
    ///
    /// # Errors
    /// When the last bytes cannot be written.
    pub(super) fn finish(mut self) -> anyhow::Result<(PathBuf, u64)> {
        self.out
            .flush()
            .with_context(|| format!("cannot finish the recording {}", self.path.display()))?;
        Ok((self.path, self.frames))
    }
}

/// Where part `part` (from 2) of a recording goes once the screen changed size: a Y4M stream
/// has one size, so `session.y4m` goes on in `session-2.y4m`, `session-3.y4m`, ….
pub(super) fn part_path(path: &Path, part: u32) -> PathBuf {
    let stem = path.file_stem().unwrap_or_default().to_string_lossy();
    let name = match path.extension() {
        Some(ext) => format!("{stem}-{part}.{}", ext.to_string_lossy()),
        None => format!("{stem}-{part}"),
    };
    path.with_file_name(name)
}

/// Writes `frame` as an 8-bit RGBA PNG (opaque).
///
/// # Errors
/// When the file cannot be written.
pub(super) fn write_png(path: &Path, frame: &FrameView<'_>) -> anyhow::Result<()> {
    let (width, height) = (frame.width(), frame.height());
    let mut rgba = Vec::with_capacity(width as usize * height as usize * 4);
    for y in 0..height {
        for bgra in frame.row(y).chunks_exact(4) {
            rgba.extend_from_slice(&[bgra[2], bgra[1], bgra[0], 255]);
        }
    }
    let file = File::create(path)
        .with_context(|| format!("cannot create the screenshot {}", path.display()))?;
    let mut encoder = png::Encoder::new(BufWriter::new(file), width, height);
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(&rgba)?;
    writer.finish()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use meekijk_codec::Frame;

    use super::*;

    #[test]
    fn recording_and_screenshot_have_the_expected_bytes() {
        let dir = std::env::temp_dir().join(format!("meekijk-record-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let frame = Frame::filled(6, 4, [10, 20, 30, 255]).unwrap();
        let mut recorder = Y4mRecorder::create(&dir.join("a.y4m"), 6, 4).unwrap();
        recorder.write(&frame.view()).unwrap();
        recorder.write(&frame.view()).unwrap();
        let (path, frames) = recorder.finish().unwrap();
        assert_eq!(frames, 2);
        let bytes = std::fs::read(path).unwrap();
        let header = b"YUV4MPEG2 W6 H4 F30:1 Ip A1:1 C444 XCOLORRANGE=FULL\n";
        assert!(bytes.starts_with(header));
        assert_eq!(bytes.len(), header.len() + 2 * (6 + 6 * 4 * 3));

        write_png(&dir.join("a.png"), &frame.view()).unwrap();
        let decoder = png::Decoder::new(File::open(dir.join("a.png")).unwrap());
        let mut reader = decoder.read_info().unwrap();
        let mut pixels = vec![0; reader.output_buffer_size()];
        reader.next_frame(&mut pixels).unwrap();
        assert_eq!(&pixels[..4], &[30, 20, 10, 255]);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn later_parts_of_a_recording_are_numbered_beside_the_first() {
        let part = |p: &str, n| part_path(Path::new(p), n);
        assert_eq!(part("/tmp/s.y4m", 2), Path::new("/tmp/s-2.y4m"));
        assert_eq!(part("rec/session.y4m", 3), Path::new("rec/session-3.y4m"));
        assert_eq!(part("noext", 2), Path::new("noext-2"));
    }
}
