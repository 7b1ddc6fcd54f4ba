//! meekijk-codec: the screen codec engine behind meekijk.
//!
//! Start with [`Frame`] / [`FrameView`] (BGRA8 pixels with a stride) and [`diff`], which
//! compares a new frame with the previous one and returns a [`DirtyMap`] of changed blocks.
//! [`convert`] turns a rectangle of a frame into planar YUV and back.
//!
//! Every function that takes sizes, rects or bytes from outside validates them and returns
//! [`Error`]; nothing here panics on input.

mod cache;
mod compositor;
pub mod convert;
mod cpu;
pub mod cursor;
mod differ;
mod error;
mod frame;
mod gradient;
mod history;
mod host;
pub mod metrics;
mod motion;
mod planner;
mod rate;
mod rect;
mod remap;
pub mod tile;
mod update;
mod viewer;
pub mod wire;
mod zstream;

pub use cache::{CACHE_ENTRY_BYTES, DEFAULT_CACHE_BLOCKS, KEPT_AV1_QUANTIZER};
pub use cpu::CpuLevel;
pub(crate) use differ::blocks_touched;
pub use differ::{diff, diff_with, DirtyMap, BLOCK_SIZE};
pub use error::{Error, Result};
pub use frame::{Frame, FrameView, FrameViewMut, MAX_DIMENSION, MAX_PIXELS};
pub use history::HISTORY_PIXELS;
pub use host::{EncodeStats, HostConfig, HostEncoder, DEFAULT_REFINE_BUDGET_PIXELS};
pub use rect::Rect;
pub use remap::ColourMap;
pub use update::{Op, Update};
pub use viewer::ViewerDecoder;
