//! The [`Source`] trait every frame source implements, and [`open`], which turns a
//! `--source` string into one.

use std::path::PathBuf;
use std::time::Duration;

use meekijk_codec::FrameView;

use crate::mask::Masks;
use crate::screen::{Monitor, Pointer};
use crate::synthetic::{Scene, Synthetic};
use crate::{Error, RecordedFile, Result};

/// The largest frame rate a source accepts.
pub const MAX_FPS: u32 = 1000;

/// One frame from a source, borrowed until the next call to [`Source::next_frame`].
#[derive(Debug, Clone, Copy)]
pub struct SourceFrame<'a> {
    /// The BGRA8 pixels (alpha is 255 for synthetic and recorded frames; screen backends
    /// leave the X server's padding byte).
    pub pixels: FrameView<'a>,
    /// Where the pointer is and what it looks like, for the viewer to draw over the pixels;
    /// `None` when there is none to show: off this monitor, over a masked area, not known
    /// (the xcap fallback) or already in the pixels (synthetic scenes and recorded files).
    pub pointer: Option<Pointer<'a>>,
    /// Capture time since the source was opened, or frame index / fps for synthetic and
    /// recorded sources.
    pub timestamp: Duration,
    /// True when the source knows the pixels equal those of the previous frame. False means
    /// "maybe changed", never "certainly changed".
    pub unchanged: bool,
}

/// A stream of BGRA frames: the screen, a synthetic scene or a recorded file.
///
/// Privacy masks set with [`Source::set_masks`] are already painted in every frame returned.
pub trait Source: Send {
    /// Width and height of the frames: of every frame for scenes and files, of the latest
    /// for the screen.
    fn size(&self) -> (u32, u32);

    /// The next frame, or `Ok(None)` at the end of a recorded file. A screen whose resolution
    /// changed returns frames of its new size: compare each frame's size with the last.
    ///
    /// # Errors
    /// Truncated or malformed files, lost X connections and similar failures of the backend.
    fn next_frame(&mut self) -> Result<Option<SourceFrame<'_>>>;

    /// Hides the given areas in every following frame.
    ///
    /// # Errors
    /// [`Error::TitleMasksUnsupported`] when `masks` names windows and the source has none.
    fn set_masks(&mut self, masks: Masks) -> Result<()>;

    /// A short human-readable description (`"X11 MIT-SHM :0 monitor 0 (1920x1080+0+0)"`).
    fn describe(&self) -> String;
}

impl std::fmt::Debug for dyn Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe())
    }
}

/// Checks a frame rate.
pub(crate) fn check_fps(fps: u32) -> Result<()> {
    if fps == 0 || fps > MAX_FPS {
        return Err(Error::BadFps { fps, max: MAX_FPS });
    }
    Ok(())
}

/// Which source a `--source` string names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceSpec {
    /// The screen, one monitor of it.
    Screen(Monitor),
    /// A synthetic scene with a seed.
    Synthetic {
        /// The scene.
        scene: Scene,
        /// Seed of its random choices.
        seed: u64,
    },
    /// A recorded file (Y4M when it starts with `YUV4MPEG2`, raw BGRA otherwise).
    File(PathBuf),
}

impl SourceSpec {
    /// Parses `screen`, `screen:N`, `screen:NAME`, `synthetic:SCENE`, `synthetic:SCENE:SEED`
    /// or `file:PATH`.
    ///
    /// # Errors
    /// [`Error::UnknownSource`] or [`Error::UnknownScene`].
    pub fn parse(spec: &str) -> Result<Self> {
        let unknown = || Error::UnknownSource {
            spec: spec.to_string(),
        };
        let (kind, rest) = match spec.split_once(':') {
            Some((kind, rest)) => (kind, Some(rest)),
            None => (spec, None),
        };
        match (kind, rest) {
            ("screen", None) => Ok(Self::Screen(Monitor::Primary)),
            ("screen", Some(m)) if !m.is_empty() => Ok(Self::Screen(match m.parse::<usize>() {
                Ok(index) => Monitor::Index(index),
                Err(_) => Monitor::Name(m.to_string()),
            })),
            ("synthetic", Some(rest)) => {
                let (name, seed) = match rest.split_once(':') {
                    Some((name, seed)) => (name, seed.parse().map_err(|_| unknown())?),
                    None => (rest, 1),
                };
                Ok(Self::Synthetic {
                    scene: name.parse()?,
                    seed,
                })
            }
            ("file", Some(path)) if !path.is_empty() => Ok(Self::File(PathBuf::from(path))),
            _ => Err(unknown()),
        }
    }
}

/// Opens the source named by `spec` (see [`SourceSpec::parse`]).
///
/// `size` is the frame size of synthetic scenes and raw BGRA files; the screen and Y4M
/// files have their own. `fps` paces the timestamps of synthetic and raw sources.
///
/// The screen is captured over X11 shared memory when possible and through xcap otherwise.
///
/// # Errors
/// Anything [`SourceSpec::parse`] or the chosen backend reports.
pub fn open(spec: &str, size: (u32, u32), fps: u32) -> Result<Box<dyn Source>> {
    check_fps(fps)?;
    match SourceSpec::parse(spec)? {
        SourceSpec::Screen(monitor) => crate::screen::open_screen(&monitor),
        SourceSpec::Synthetic { scene, seed } => {
            Ok(Box::new(Synthetic::new(scene, size.0, size.1, fps, seed)?))
        }
        SourceSpec::File(path) => Ok(Box::new(RecordedFile::open(&path, size, fps)?)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_parse() {
        assert_eq!(
            SourceSpec::parse("screen").unwrap(),
            SourceSpec::Screen(Monitor::Primary)
        );
        assert_eq!(
            SourceSpec::parse("screen:1").unwrap(),
            SourceSpec::Screen(Monitor::Index(1))
        );
        assert_eq!(
            SourceSpec::parse("screen:DP-1").unwrap(),
            SourceSpec::Screen(Monitor::Name("DP-1".into()))
        );
        assert_eq!(
            SourceSpec::parse("synthetic:video:7").unwrap(),
            SourceSpec::Synthetic {
                scene: Scene::Video,
                seed: 7
            }
        );
        assert_eq!(
            SourceSpec::parse("file:a.y4m").unwrap(),
            SourceSpec::File("a.y4m".into())
        );
        assert!(matches!(
            SourceSpec::parse("synthetic:nope"),
            Err(Error::UnknownScene { .. })
        ));
        assert!(matches!(
            SourceSpec::parse("webcam"),
            Err(Error::UnknownSource { .. })
        ));
        assert!(matches!(
            SourceSpec::parse("file:"),
            Err(Error::UnknownSource { .. })
        ));
    }
}
