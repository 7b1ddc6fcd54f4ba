//! meekijk-capture: frame sources for meekijk — the X11 screen, seeded synthetic desktop
//! scenes and recorded files — with privacy masks painted in before anything else sees a frame.
//!
//! Start with [`open`], which turns a `--source` string (`screen:0`, `synthetic:typing`,
//! `file:clip.y4m`) into a [`Source`]; call [`Source::next_frame`] in a loop.
#![deny(unsafe_code)]

mod error;
mod file;
mod mask;
mod screen;
mod source;
mod synthetic;

pub use error::{Error, Result};
pub use file::RecordedFile;
pub use mask::{Masks, WindowInfo, MASK_COLOR};
pub use screen::{
    list_monitors, list_windows, Monitor, MonitorInfo, Pointer, ShmCapture, XcapCapture,
};
pub use source::{open, Source, SourceFrame, SourceSpec, MAX_FPS};
pub use synthetic::{Scene, Synthetic, MIN_SCENE_SIDE, SCENE_NAMES};
