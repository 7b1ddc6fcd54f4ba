//! Recorded files as sources: raw BGRA (size given by the caller) and YUV4MPEG2 (4:4:4 and
//! 4:2:0), read one frame at a time so files of any length stream in constant memory.
//!
//! Y4M rarely says which matrix it uses; we assume BT.709 (what the codec's converter
//! implements, and right for HD material) and limited range unless the header carries
//! ffmpeg's `XCOLORRANGE=FULL`. SD files made with BT.601 show a slight hue shift.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use std::time::Duration;

use meekijk_codec::convert::{Chroma, Range, YuvImage};
use meekijk_codec::Frame;

use crate::mask::{self, Masks};
use crate::source::{check_fps, Source, SourceFrame};
use crate::{Error, Result};

/// Longest Y4M stream or frame header we accept; real ones are well under 100 bytes.
const MAX_HEADER: usize = 4096;

/// A raw BGRA or Y4M file, read frame by frame.
pub struct RecordedFile {
    path: PathBuf,
    reader: BufReader<File>,
    /// The YUV picture frames are read into; `None` for raw BGRA.
    yuv: Option<YuvImage>,
    frame: Frame,
    /// Frame duration as a rate: `rate_den / rate_num` seconds per frame.
    rate: (u64, u64),
    index: u64,
    offset: u64,
    masks: Masks,
}

impl std::fmt::Debug for RecordedFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe())
    }
}

impl RecordedFile {
    /// Opens `path`: Y4M when it starts with `YUV4MPEG2 `, otherwise raw BGRA frames of
    /// `size`, paced at `fps` (Y4M files use their own size and rate).
    ///
    /// # Errors
    /// [`Error::Io`] when the file cannot be read, [`Error::Malformed`] for a bad Y4M header,
    /// [`Error::BadFps`] or [`Error::Codec`] for an unusable rate or size.
    pub fn open(path: &Path, size: (u32, u32), fps: u32) -> Result<Self> {
        check_fps(fps)?;
        let io = |source| Error::Io {
            path: path.to_path_buf(),
            source,
        };
        let mut reader = BufReader::new(File::open(path).map_err(io)?);
        let mut magic = [0u8; 10];
        let got = read_full(&mut reader, &mut magic).map_err(io)?;
        let is_y4m = &magic[..got] == b"YUV4MPEG2 ";
        // Y4M brings its own size; the placeholder is replaced once the header is read.
        let frame = if is_y4m {
            Frame::new(1, 1)?
        } else {
            Frame::new(size.0, size.1)?
        };
        let mut file = Self {
            path: path.to_path_buf(),
            reader,
            yuv: None,
            frame,
            rate: (fps as u64, 1),
            index: 0,
            offset: 0,
            masks: Masks::new(),
        };
        if is_y4m {
            file.offset = got as u64;
            file.read_y4m_header()?;
        } else {
            // Not Y4M: reopen so the first frame starts at byte 0.
            file.reader = BufReader::new(File::open(path).map_err(io)?);
        }
        Ok(file)
    }

    fn malformed(&self, reason: String) -> Error {
        Error::Malformed {
            frame: self.index,
            offset: self.offset,
            reason,
        }
    }

    /// Reads one `\n`-terminated header line (without the newline); `None` at a clean EOF.
    fn read_line(&mut self) -> Result<Option<String>> {
        let mut line = Vec::new();
        let mut byte = [0u8; 1];
        loop {
            let got = read_full(&mut self.reader, &mut byte).map_err(|e| self.io(e))?;
            if got == 0 {
                if line.is_empty() {
                    return Ok(None);
                }
                return Err(Error::Truncated {
                    frame: self.index,
                    offset: self.offset,
                    expected: line.len() as u64 + 1,
                    got: line.len() as u64,
                });
            }
            if byte[0] == b'\n' {
                break;
            }
            line.push(byte[0]);
            if line.len() > MAX_HEADER {
                return Err(self.malformed(format!("header line longer than {MAX_HEADER} bytes")));
            }
        }
        let text = String::from_utf8(line)
            .map_err(|_| self.malformed("header line is not ASCII text".to_string()))?;
        self.offset += text.len() as u64 + 1;
        Ok(Some(text))
    }

    fn io(&self, source: std::io::Error) -> Error {
        Error::Io {
            path: self.path.clone(),
            source,
        }
    }

    fn read_y4m_header(&mut self) -> Result<()> {
        let line = self
            .read_line()?
            .ok_or_else(|| self.malformed("file ends inside the YUV4MPEG2 header".into()))?;
        let (mut width, mut height) = (None, None);
        let (mut chroma, mut range) = (Chroma::Yuv420, Range::Limited);
        for token in line.split(' ').filter(|t| !t.is_empty()) {
            let (key, value) = token.split_at(1);
            let number = |v: &str| v.parse::<u32>().ok();
            match key {
                "W" => width = number(value),
                "H" => height = number(value),
                "F" => {
                    let rate = value.split_once(':').and_then(|(n, d)| Some((n.parse().ok()?, d.parse().ok()?)));
                    match rate {
                        Some((n, d)) if n > 0 && d > 0 => self.rate = (n, d),
                        _ => return Err(self.malformed(format!("frame rate `F{value}` is not N:D with N, D > 0"))),
                    }
                }
                "C" => {
                    chroma = match value {
                        "444" => Chroma::Yuv444,
                        "420" | "420jpeg" | "420paldv" | "420mpeg2" => Chroma::Yuv420,
                        other => {
                            return Err(self.malformed(format!(
                                "colour space C{other} is not supported; expected C444 or C420 (jpeg, paldv, mpeg2)"
                            )))
                        }
                    }
                }
                "X" if value == "COLORRANGE=FULL" => range = Range::Full,
                _ => {}
            }
        }
        let (Some(w), Some(h)) = (width, height) else {
            return Err(self.malformed(format!("header `{line}` lacks W<width> or H<height>")));
        };
        self.frame = Frame::new(w, h)?;
        self.yuv = Some(YuvImage::new(w, h, chroma, range)?);
        Ok(())
    }

    /// Reads exactly `buf.len()` bytes of frame data, or reports the truncation.
    fn read_pixels(
        reader: &mut BufReader<File>,
        buf: &mut [u8],
        frame: u64,
        offset: u64,
        expected: u64,
        before: u64,
    ) -> Result<()> {
        let got = read_full(reader, buf).map_err(|source| Error::Malformed {
            frame,
            offset,
            reason: format!("read error: {source}"),
        })?;
        if got < buf.len() {
            return Err(Error::Truncated {
                frame,
                offset,
                expected,
                got: before + got as u64,
            });
        }
        Ok(())
    }

    /// Reads the next frame into `self.frame`; false at a clean end of file.
    fn read_frame(&mut self) -> Result<bool> {
        let (index, start) = (self.index, self.offset);
        if self.yuv.is_none() {
            let data = self.frame.data_mut();
            let expected = data.len() as u64;
            let got = read_full(&mut self.reader, data).map_err(|source| Error::Io {
                path: self.path.clone(),
                source,
            })?;
            if got == 0 {
                return Ok(false);
            }
            if (got as u64) < expected {
                return Err(Error::Truncated {
                    frame: index,
                    offset: start,
                    expected,
                    got: got as u64,
                });
            }
            self.offset += expected;
            self.index += 1;
            return Ok(true);
        }
        let Some(line) = self.read_line()? else {
            return Ok(false);
        };
        if !line.starts_with("FRAME") {
            let shown: String = line.chars().take(16).collect();
            return Err(Error::Malformed {
                frame: index,
                offset: start,
                reason: format!("expected `FRAME`, found `{shown}`"),
            });
        }
        let pixel_start = self.offset;
        if let Some(yuv) = &mut self.yuv {
            let luma = yuv.width() as u64 * yuv.height() as u64;
            let chroma = yuv.chroma_width() as u64 * yuv.chroma_height() as u64;
            let expected = luma + 2 * chroma;
            let mut before = 0;
            for plane in yuv.planes_mut() {
                Self::read_pixels(
                    &mut self.reader,
                    plane,
                    index,
                    pixel_start,
                    expected,
                    before,
                )?;
                before += plane.len() as u64;
            }
            self.offset += expected;
            yuv.convert_into(&mut self.frame.view_mut())?;
        }
        self.index += 1;
        Ok(true)
    }
}

/// Reads until `buf` is full or the file ends; returns the bytes read.
fn read_full(reader: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

impl Source for RecordedFile {
    fn size(&self) -> (u32, u32) {
        (self.frame.width(), self.frame.height())
    }

    fn next_frame(&mut self) -> Result<Option<SourceFrame<'_>>> {
        let index = self.index;
        if !self.read_frame()? {
            return Ok(None);
        }
        if !self.masks.is_empty() {
            mask::paint(&mut self.frame.view_mut(), &self.masks, &[]);
        }
        let (num, den) = self.rate;
        let nanos = index as u128 * den as u128 * 1_000_000_000 / num as u128;
        Ok(Some(SourceFrame {
            pixels: self.frame.view(),
            pointer: None,
            timestamp: Duration::from_nanos(nanos.min(u64::MAX as u128) as u64),
            unchanged: false,
        }))
    }

    fn set_masks(&mut self, masks: Masks) -> Result<()> {
        if masks.has_titles() {
            return Err(Error::TitleMasksUnsupported {
                source_kind: "file",
            });
        }
        self.masks = masks;
        Ok(())
    }

    fn describe(&self) -> String {
        let kind = if self.yuv.is_some() {
            "Y4M"
        } else {
            "raw BGRA"
        };
        format!(
            "{kind} file {} ({}x{})",
            self.path.display(),
            self.frame.width(),
            self.frame.height()
        )
    }
}
