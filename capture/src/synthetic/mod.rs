//! Seeded synthetic desktop scenes: bit-for-bit reproducible frames that look like real screens
//! (anti-aliased DejaVu text, window chrome, a pointer), generated incrementally so a 1080p
//! frame costs about a millisecond.

mod browser;
mod canvas;
mod code;
mod desktop;
mod dialog;
mod document;
mod editor;
mod noise;
mod terminal;
mod text;
mod typing;
mod video;
mod windows;

use std::str::FromStr;
use std::time::Duration;

use meekijk_codec::{Frame, MAX_DIMENSION};

use crate::mask::{self, Masks};
use crate::source::{check_fps, Source, SourceFrame};
use crate::{Error, Result};
use canvas::Canvas;

/// The smallest synthetic frame side: below it there is no room for a desktop.
pub const MIN_SCENE_SIDE: u32 = 16;

/// A built-in scene. [`Scene::ALL`] lists them; [`SCENE_NAMES`] gives their names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scene {
    /// A code editor; about ten characters a second in bursts, caret blinking at 1 Hz.
    Typing,
    /// A terminal printing a build log; the view scrolls by whole text lines.
    TerminalScroll,
    /// A document in a browser with fixed header and sidebar, scrolled a few pixels a frame.
    PageScroll,
    /// The same document scrolled down with the wheel and back up to where it started.
    ScrollBack,
    /// A window dragged across the desktop by its title bar.
    WindowDrag,
    /// A moving photo-like landscape in a 960×540 (at 1080p) player beside static text.
    Video,
    /// A still desktop where only the pointer moves.
    IdleCursor,
    /// Full-screen alternation between an editor and a browser every two seconds.
    Switch,
    /// The documentation page, dimmed behind a modal dialog that opens every two seconds and
    /// closes a second later.
    Dialog,
}

/// The names of all scenes, as accepted by `synthetic:<name>`.
pub const SCENE_NAMES: [&str; 9] = [
    "typing",
    "terminal-scroll",
    "page-scroll",
    "scroll-back",
    "window-drag",
    "video",
    "idle-cursor",
    "switch",
    "dialog",
];

impl Scene {
    /// Every scene, in the order of [`SCENE_NAMES`].
    pub const ALL: [Scene; 9] = [
        Scene::Typing,
        Scene::TerminalScroll,
        Scene::PageScroll,
        Scene::ScrollBack,
        Scene::WindowDrag,
        Scene::Video,
        Scene::IdleCursor,
        Scene::Switch,
        Scene::Dialog,
    ];

    /// The scene's name, as in `synthetic:<name>`.
    pub fn name(self) -> &'static str {
        SCENE_NAMES[Self::ALL.iter().position(|&s| s == self).unwrap_or(0)]
    }
}

impl FromStr for Scene {
    type Err = Error;

    fn from_str(name: &str) -> Result<Self> {
        SCENE_NAMES
            .iter()
            .position(|&n| n == name)
            .map(|i| Self::ALL[i])
            .ok_or_else(|| Error::UnknownScene {
                name: name.to_string(),
                known: SCENE_NAMES.join(", "),
            })
    }
}

impl std::fmt::Display for Scene {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A scene's animation: called with frame numbers 0, 1, 2, … in order.
trait Animate: Send {
    /// Updates the canvas to frame `n`; returns false when no pixel changed.
    fn step(&mut self, canvas: &mut Canvas, n: u64) -> bool;
}

/// Milliseconds since the start at frame `n`.
fn frame_ms(n: u64, fps: u32) -> u64 {
    n * 1000 / fps as u64
}

/// A synthetic [`Source`]: a scene rendered at a given size, rate and seed.
pub struct Synthetic {
    scene: Scene,
    fps: u32,
    seed: u64,
    next: u64,
    canvas: Canvas,
    animation: Box<dyn Animate>,
    masks: Masks,
    /// The masked copy handed out when masks are set; the canvas itself must stay unmasked
    /// because scenes scroll and reuse its pixels.
    masked: Option<Frame>,
}

impl Synthetic {
    /// Builds `scene` at `width`×`height`, paced at `fps`, with random choices from `seed`.
    /// The same arguments always produce the same frames.
    ///
    /// # Errors
    /// [`Error::BadSize`] outside [`MIN_SCENE_SIDE`]..=[`MAX_DIMENSION`], [`Error::BadFps`].
    pub fn new(scene: Scene, width: u32, height: u32, fps: u32, seed: u64) -> Result<Self> {
        check_fps(fps)?;
        let range = MIN_SCENE_SIDE..=MAX_DIMENSION;
        if !range.contains(&width) || !range.contains(&height) {
            return Err(Error::BadSize {
                width,
                height,
                min: MIN_SCENE_SIDE,
                max: MAX_DIMENSION,
            });
        }
        let mut canvas = Canvas::new(Frame::new(width, height)?);
        let animation: Box<dyn Animate> = match scene {
            Scene::Typing => Box::new(typing::Typing::new(&mut canvas, fps, seed)),
            Scene::TerminalScroll => Box::new(terminal::TerminalScroll::new(&mut canvas, seed)),
            Scene::PageScroll => Box::new(browser::PageScroll::new(&mut canvas, seed)),
            Scene::ScrollBack => Box::new(browser::ScrollBack::new(&mut canvas, seed)),
            Scene::WindowDrag => Box::new(windows::WindowDrag::new(&mut canvas, seed)?),
            Scene::Video => Box::new(video::VideoScene::new(&mut canvas, fps, seed)),
            Scene::IdleCursor => Box::new(windows::IdleCursor::new(&mut canvas, fps, seed)?),
            Scene::Switch => Box::new(windows::Switch::new(&mut canvas, fps, seed)),
            Scene::Dialog => Box::new(dialog::Dialog::new(&mut canvas, fps, seed)),
        };
        Ok(Self {
            scene,
            fps,
            seed,
            next: 0,
            canvas,
            animation,
            masks: Masks::new(),
            masked: None,
        })
    }

    /// The scene being rendered.
    pub fn scene(&self) -> Scene {
        self.scene
    }
}

impl Source for Synthetic {
    fn size(&self) -> (u32, u32) {
        (self.canvas.width() as u32, self.canvas.height() as u32)
    }

    fn next_frame(&mut self) -> Result<Option<SourceFrame<'_>>> {
        let n = self.next;
        self.next += 1;
        let changed = self.animation.step(&mut self.canvas, n) || n == 0;
        let timestamp = Duration::from_nanos(n * 1_000_000_000 / self.fps as u64);
        let pixels = if self.masks.is_empty() {
            self.canvas.frame().view()
        } else {
            let fresh = self.masked.is_none();
            let masked = self
                .masked
                .get_or_insert_with(|| self.canvas.frame().clone());
            if changed || fresh {
                masked
                    .data_mut()
                    .copy_from_slice(self.canvas.frame().data());
                mask::paint(&mut masked.view_mut(), &self.masks, &[]);
            }
            masked.view()
        };
        Ok(Some(SourceFrame {
            pixels,
            pointer: None,
            timestamp,
            unchanged: !changed,
        }))
    }

    fn set_masks(&mut self, masks: Masks) -> Result<()> {
        if masks.has_titles() {
            return Err(Error::TitleMasksUnsupported {
                source_kind: "synthetic",
            });
        }
        self.masks = masks;
        // Repaint on the next frame even if the scene is still.
        self.masked = None;
        Ok(())
    }

    fn describe(&self) -> String {
        let (w, h) = self.size();
        format!(
            "synthetic {} {w}x{h} @ {} fps, seed {}",
            self.scene, self.fps, self.seed
        )
    }
}
