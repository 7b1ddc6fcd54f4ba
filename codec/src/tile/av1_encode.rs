//! The AV1 tile encoder: each rect an independent intra still frame from rav1e.
//!
//! rav1e's `low_latency` mode still holds frames in its lookahead, so instead every rect
//! gets its own short-lived `Context`: one frame in, `flush()`, packets out. The update for a
//! frame is therefore complete when the encode call returns (zero frame delay), the cost is
//! proportional to the changed area, and rects encode in parallel (the encoder is `Sync`;
//! each call is single-threaded, the pipeline parallelises across rects).

use bytes::Bytes;
use rav1e::color::{
    ChromaSampling, ColorDescription, ColorPrimaries, MatrixCoefficients, PixelRange,
    TransferCharacteristics,
};
use rav1e::config::SpeedSettings;
use rav1e::prelude::{
    BlockSize, Config, EncoderConfig, EncoderStatus, PartitionRange, SegmentationLevel,
};

use super::NaturalEncoder;
use crate::convert::{Chroma, Range, YuvImage};
use crate::{Error, FrameView, Op, Rect, Result};

/// Which of the two quality levels of the pipeline a rect is coded at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Quality {
    /// Content that is changing (video, scrolling photos): fast and coarser.
    Hot,
    /// Content that stopped changing, re-sent once near-losslessly.
    Refined,
    /// Smooth gradients (wallpaper), sent once: near-lossless at a coarser quantizer than
    /// photos need, as a ramp has little detail to lose.
    Smooth,
}

/// rav1e settings for one quality level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Av1Preset {
    /// rav1e speed preset, 0 (slowest) ..= 10 (fastest).
    pub speed: u8,
    /// Base quantizer, 0 (lossless-ish) ..= 255 (coarsest).
    pub quantizer: u8,
    /// Smallest and largest partition block edge in pixels (4, 8, 16, 32 or 64), overriding
    /// the speed preset's range; `None` keeps it.
    pub partition: Option<(u8, u8)>,
}

/// Configuration of [`Av1Encoder`]: chroma format and the two quality presets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Av1Config {
    /// Chroma subsampling; 4:4:4 keeps coloured text and thin lines sharp.
    pub chroma: Chroma,
    /// Settings for [`Quality::Hot`].
    pub hot: Av1Preset,
    /// Settings for [`Quality::Refined`].
    pub refined: Av1Preset,
    /// Settings for [`Quality::Smooth`].
    pub smooth: Av1Preset,
}

impl Default for Av1Config {
    /// The settings chosen on the tile bench's rav1e sweep (`TILE_AV1_SWEEP=1`), 256² photo
    /// tile, single thread. Speed presets 6–10 cost 36/26/12/15/9 ms at quantizer 120 for
    /// bytes within 5% of each other; partition ranges other than speed 10's fixed 32×32
    /// (8–32, 16–32, 16–64) were 1.2–2× slower for ≤5% fewer bytes. Hot: speed 10,
    /// quantizer 150: on the `video` scene (960×540 of moving texture, `meekijk bench`)
    /// quantizer 120/150/170 gave 13.9/5.8/3.6 Mbit/s at 41.7/39.7/38.7 dB frame PSNR, and
    /// 150 keeps photo tiles above the 38 dB bar. Refined: quantizer 15 (45.7 dB, 5.5 KB);
    /// 45 dB needs ≤ 20 on other crops because the 8-bit YUV round trip alone caps photo
    /// content near 48 dB. Refined at speed 10, not 8: on real recordings (session 7) a
    /// frame refining 64 blocks took 65–110 ms at speed 8 and held up whatever changed next;
    /// speed 10 cut the host's p95 from 207 to 62 ms (photo-page-scroll) and 160 to 64 ms
    /// (window-drag-photo) for 7 % and 1 % more bytes, the same PSNR within 0.1 dB.
    /// Smooth: quantizer 63 (the coarsest the tile cache keeps), 64×64 partitions and the
    /// hot preset's cheaper intra search. A 1080p gradient wallpaper (`meekijk bench`,
    /// session 12) at quantizer 15 / 30 / 45 / 63 cost 64 / 30 / 20 / 14 KB at 51.0 / 50.7 /
    /// 50.6 / 50.3 dB: the 8-bit YUV round trip, not the quantizer, bounds the PSNR of a
    /// ramp. 64×64 partitions and the cheaper search on top: 12.7 KB at 50.4 dB and a tenth
    /// less CPU (median of five, 302 → 269 ms for the frame).
    fn default() -> Self {
        Self {
            chroma: Chroma::Yuv444,
            hot: Av1Preset {
                speed: 10,
                quantizer: 150,
                partition: None,
            },
            refined: Av1Preset {
                speed: 10,
                quantizer: 15,
                partition: None,
            },
            smooth: Av1Preset {
                speed: 10,
                quantizer: 63,
                partition: Some((64, 64)),
            },
        }
    }
}

impl Av1Config {
    /// The preset for `quality`.
    pub fn preset(&self, quality: Quality) -> Av1Preset {
        match quality {
            Quality::Hot => self.hot,
            Quality::Refined => self.refined,
            Quality::Smooth => self.smooth,
        }
    }
}

fn block_size(edge: u8) -> Option<BlockSize> {
    Some(match edge {
        4 => BlockSize::BLOCK_4X4,
        8 => BlockSize::BLOCK_8X8,
        16 => BlockSize::BLOCK_16X16,
        32 => BlockSize::BLOCK_32X32,
        64 => BlockSize::BLOCK_64X64,
        _ => return None,
    })
}

/// Encodes rects of frames as AV1 still frames. Holds only validated settings: `Sync`, so one
/// encoder serves every rayon worker.
#[derive(Debug, Clone)]
pub struct Av1Encoder {
    config: Av1Config,
    speed: [SpeedSettings; 3],
}

impl Av1Encoder {
    /// Checks `config` once, so that encoding cannot fail on configuration.
    ///
    /// # Errors
    /// [`Error::Av1Encode`] for a speed above 10 or a partition range that is not two of
    /// 4/8/16/32/64 in increasing order.
    pub fn new(config: Av1Config) -> Result<Self> {
        let speed = [
            speed_settings(&config.hot, Quality::Hot)?,
            speed_settings(&config.refined, Quality::Refined)?,
            speed_settings(&config.smooth, Quality::Smooth)?,
        ];
        Ok(Self { config, speed })
    }

    /// The configuration in use.
    pub fn config(&self) -> &Av1Config {
        &self.config
    }

    /// Codes [`Quality::Hot`] rects at `quantizer` from now on (the speed stays).
    pub fn set_hot_quantizer(&mut self, quantizer: u8) {
        self.config.hot.quantizer = quantizer;
    }

    /// Encodes `rect` of `frame` as one AV1 temporal unit (temporal delimiter, sequence
    /// header, frame) that decodes on its own.
    ///
    /// # Errors
    /// [`Error::ZeroSize`] or [`Error::RectOutOfBounds`] for a rect that does not fit the
    /// frame, [`Error::Av1Encode`] when rav1e fails.
    pub fn encode_rect(&self, frame: &FrameView<'_>, rect: Rect, quality: Quality) -> Result<Op> {
        let chroma = self.config.chroma;
        let mut yuv = YuvImage::new(1, 1, chroma, Range::Full)?;
        yuv.convert_from(frame, rect)?;
        let preset = self.config.preset(quality);
        let speed = self.speed[quality as usize];
        let data = encode_still(&yuv, preset.quantizer, speed)?;
        Ok(Op::Av1 {
            rect,
            quality: preset.quantizer,
            data: Bytes::from(data),
        })
    }
}

impl NaturalEncoder for Av1Encoder {
    fn encode(&self, frame: &FrameView<'_>, rect: Rect, quality: Quality) -> Result<Op> {
        self.encode_rect(frame, rect, quality)
    }
}

fn speed_settings(preset: &Av1Preset, quality: Quality) -> Result<SpeedSettings> {
    if preset.speed > 10 {
        return Err(Error::Av1Encode(format!(
            "speed {} is above the maximum 10",
            preset.speed
        )));
    }
    let mut speed = SpeedSettings::from_preset(preset.speed);
    if let Some((min, max)) = preset.partition {
        let (Some(lo), Some(hi)) = (block_size(min), block_size(max)) else {
            return Err(Error::Av1Encode(format!(
                "partition range {min}..{max} must be two of 4, 8, 16, 32, 64"
            )));
        };
        if min > max {
            return Err(Error::Av1Encode(format!(
                "partition range {min}..{max} must not decrease"
            )));
        }
        speed.partition.partition_range = PartitionRange::new(lo, hi);
    }
    // One frame per context: lookahead and scene detection have nothing to look at.
    speed.rdo_lookahead_frames = 1;
    if quality != Quality::Refined {
        // Content that changes, and ramps, get the cheaper intra search. Measured on the
        // `video` scene and the real video-window recording (session 8, CPU ms per frame,
        // kbit/s, dB):
        // no angle-delta refinement of directional modes 102 → 81 and 131 → 100 ms for +0.5
        // and +1.9 % bytes at the same PSNR; no segmentation (activity-masking quantizer
        // offsets) on top 81 → 77 and 100 → 101 ms for −1.3 and −0.5 % bytes, +0.02 and
        // +0.11 dB. Together 102 → 82 and 131 → 105 ms, 6,821 → 6,769 and 9,446 → 9,575
        // kbit/s. Not taken: CDEF off (−10 % CPU, −0.2 dB), transform-domain rate (−15 % CPU,
        // +7–11 % bytes), other partition ranges (1.4–2.5× the CPU, or −1 dB at 64×64).
        speed.prediction.fine_directional_intra = false;
        speed.segmentation = SegmentationLevel::Disabled;
    }
    Ok(speed)
}

/// Runs one still frame through a fresh rav1e context and returns its packet.
fn encode_still(yuv: &YuvImage, quantizer: u8, speed: SpeedSettings) -> Result<Vec<u8>> {
    let (width, height) = (yuv.width() as usize, yuv.height() as usize);
    let mut enc = EncoderConfig::with_speed_preset(10);
    enc.width = width;
    enc.height = height;
    enc.bit_depth = 8;
    enc.chroma_sampling = match yuv.chroma() {
        Chroma::Yuv444 => ChromaSampling::Cs444,
        Chroma::Yuv420 => ChromaSampling::Cs420,
    };
    enc.pixel_range = PixelRange::Full;
    // Tell independent decoders how to turn the samples into RGB: what `convert` uses.
    enc.color_description = Some(ColorDescription {
        color_primaries: ColorPrimaries::BT709,
        transfer_characteristics: TransferCharacteristics::SRGB,
        matrix_coefficients: MatrixCoefficients::BT709,
    });
    enc.still_picture = true;
    enc.low_latency = true;
    enc.quantizer = quantizer as usize;
    enc.min_quantizer = quantizer;
    enc.speed_settings = speed;
    let fail = |what: &str, e: &dyn std::fmt::Display| Error::Av1Encode(format!("{what}: {e}"));
    // No thread pool: rav1e is built without its threading feature, so each context runs on
    // the calling thread and the pipeline parallelises across rects.
    let mut ctx = Config::new()
        .with_encoder_config(enc)
        .new_context::<u8>()
        .map_err(|e| fail("configuration", &e))?;
    let mut frame = ctx.new_frame();
    let [y, u, v] = yuv.planes();
    let chroma_width = yuv.chroma_width() as usize;
    frame.planes[0].copy_from_raw_u8(y, width, 1);
    frame.planes[1].copy_from_raw_u8(u, chroma_width, 1);
    frame.planes[2].copy_from_raw_u8(v, chroma_width, 1);
    ctx.send_frame(frame).map_err(|e| fail("send_frame", &e))?;
    ctx.flush();
    let mut data = Vec::new();
    loop {
        match ctx.receive_packet() {
            Ok(packet) => data.extend_from_slice(&packet.data),
            Err(EncoderStatus::Encoded) => {}
            Err(EncoderStatus::LimitReached) => break,
            Err(e) => return Err(fail("receive_packet", &e)),
        }
    }
    if data.is_empty() {
        return Err(Error::Av1Encode("rav1e produced no packet".into()));
    }
    Ok(data)
}
