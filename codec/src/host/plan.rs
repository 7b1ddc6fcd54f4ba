//! What each dirty rect of an update becomes (fill, palette, AV1 at which preset), decided
//! first; then the palettes are compressed on one thread while AV1 codes beside it.

use rayon::prelude::*;

use super::HostEncoder;
use crate::tile::{classify, Class, Palette, PaletteEncoder, Quality};
use crate::{blocks_touched, gradient, planner, DirtyMap, FrameView, Op, Rect, Result, BLOCK_SIZE};

/// Inside a rect of natural content, a block of more than this many colours goes lossless
/// only when one colour (a background) covers at least an eighth of it. Anti-aliased text
/// has a few hundred colours per block around a dominant background; a dark or smooth
/// corner of a photo or video has as many colours and none dominant, and coding those
/// losslessly costs many times AV1's bytes.
const MIXED_BLOCK_COLOURS: usize = 64;

/// A palette is fleeting (see [`HostEncoder::is_fleeting`]) with at least this many colours
/// the session never had, one per this many pixels at least, in a rect of this many pixels
/// (or one without a background), where a block changed within this many frames. A block of
/// mixed content (the edge of a playing video) needs only the one new colour per this many
/// pixels. Measured on the real recordings, kbit/s: menu-hover −16 %, img-page-scroll
/// −12 %, window-drag-wm −1 %; the `video` scene −19 % (its edge column was lossless every
/// frame), `idle-cursor` −0.5 %, the other scenes to the byte. Without the area bound, thin
/// strips of scrolled text went to AV1 (page-scroll 69.6 → 53.8 dB); with it alone (no
/// exception for rects without a background), menu-hover −5 % and img-page-scroll −7 %.
/// Long slivers too (see [`SUPERBLOCK`]): img-page-scroll −22 %, window-drag-wm −4 %, but
/// its host time 8 → 12–15 ms p50. Text on a background never is (session 18): lines of
/// syntax-coloured code scrolling into a Chromium page went to AV1 and stayed coarse while
/// the page scrolled on (docs-wheel-scroll 99 → 68.4 dB); lossless, they cost less (228.2 →
/// 226.6 kbit/s). Without the area bound but with the text test, thin strips still lost
/// exactness (scroll-back 69.6 → 66.5 dB).
const MIN_FLEETING_COLOURS: u64 = 64;
const PIXELS_PER_NEW_COLOUR: u64 = 64;
const MIN_FLEETING_AREA: u64 = 64 * 64;
const FLEETING_FRAMES: u64 = 2;
/// The edge of an AV1 superblock: a fleeting rect fills at least a quarter of the
/// superblocks it crosses, or crosses at most two.
const SUPERBLOCK: u32 = 64;

/// True when at least half of the pixels of `palette` that are not its background touch it:
/// text, surely (see [`Palette::background_contact`]). The fleeting rule asks this much: a
/// photo's first rows scrolling in below a white page touch it at a third, and are best
/// coded hot while the page scrolls on.
fn is_surely_text(palette: &Palette) -> bool {
    let (touching, others) = palette.background_contact();
    others > 0 && touching * 2 >= others
}

/// How the rects of one mask are to be coded.
#[derive(Debug)]
pub(super) struct Plan {
    /// Fills and palettes, in op order (palettes share the compression stream).
    lossless: Vec<Lossless>,
    /// Natural rects, for AV1 at the plan's quality.
    natural: Vec<Rect>,
    /// Gradients that were still, for AV1 at the smooth preset.
    gradients: Vec<Rect>,
    quality: Quality,
    /// Palettes of many new colours where the screen is changing go to AV1 (see
    /// [`HostEncoder::is_fleeting`]): true for the hot plan but on a keyframe.
    fleeting: bool,
}

/// A fill, or a palette yet to be compressed.
#[derive(Debug)]
enum Lossless {
    Fill(Op),
    Palette(Rect, Palette),
}

impl Plan {
    /// Plans `rect` as a fill or a palette; false (nothing planned) for natural content.
    fn push_lossless(&mut self, rect: Rect, class: Class) -> bool {
        self.lossless.push(match class {
            Class::Solid(colour) => Lossless::Fill(Op::Fill { rect, colour }),
            Class::Palette(palette) => Lossless::Palette(rect, palette),
            Class::Natural => return false,
        });
        true
    }

    /// The natural rects, at the plan's quality.
    fn natural_jobs(&self) -> impl Iterator<Item = (Rect, Quality)> + '_ {
        self.natural.iter().map(|&rect| (rect, self.quality))
    }

    /// The still gradients, at the smooth preset.
    fn gradient_jobs(&self) -> impl Iterator<Item = (Rect, Quality)> + '_ {
        self.gradients.iter().map(|&rect| (rect, Quality::Smooth))
    }
}

/// The ops of an update's two plans, in the order the plans were given.
#[derive(Debug)]
pub(super) struct Coded {
    /// The hot plan's fills, palettes and AV1 rects (the AV1 ones lossy until refined).
    pub(super) hot: Vec<Op>,
    /// The refinement plan's, then every still gradient: exact or near-lossless.
    pub(super) refined: Vec<Op>,
}

/// The fill and palette ops of the hot and the refinement plans; palettes go through the
/// session stream in that order, and the update's share one flush.
fn lossless_ops(
    palette: &mut PaletteEncoder,
    hot: Vec<Lossless>,
    refined: Vec<Lossless>,
) -> Result<(Vec<Op>, Vec<Op>)> {
    let mut ops = |planned: Vec<Lossless>| -> Result<Vec<Op>> {
        planned
            .into_iter()
            .map(|lossless| match lossless {
                Lossless::Fill(op) => Ok(op),
                Lossless::Palette(rect, p) => palette.encode(rect, p),
            })
            .collect()
    };
    let (mut hot, mut refined) = (ops(hot)?, ops(refined)?);
    let has_palette = |ops: &[Op]| ops.iter().any(|op| matches!(op, Op::Palette { .. }));
    // The flush goes with the update's last palette op.
    palette.finish(if has_palette(&refined) {
        &mut refined
    } else {
        &mut hot
    })?;
    Ok((hot, refined))
}

impl HostEncoder {
    /// Plans the set blocks of `mask` and the `parts` of blocks. Strips of a line, side by
    /// side and across one block edge, are coded as one rect when it is lossless
    /// ([`planner::join`]).
    /// Large smooth gradients go to AV1: at the smooth preset where they were still before
    /// (or on a `keyframe`), else like any changing natural content, at `quality`; parts
    /// that are gradients (wallpaper a moved window uncovers) at the smooth preset.
    pub(super) fn plan_mask(
        &self,
        frame: &FrameView<'_>,
        mask: &DirtyMap,
        parts: &[Rect],
        quality: Quality,
        keyframe: bool,
    ) -> Result<Plan> {
        let (gradients, rest) = gradient::split(frame, mask)?;
        let (gradients, natural): (Vec<Rect>, Vec<Rect>) = gradients
            .into_iter()
            .partition(|&rect| keyframe || self.was_still(rect));
        let mut plan = Plan {
            lossless: Vec::new(),
            natural,
            gradients,
            quality,
            fleeting: quality == Quality::Hot && !keyframe,
        };
        let mask = &rest;
        // Uncovered wallpaper goes to AV1 at the smooth preset at once, as still gradients
        // do: it was still before the window went over it, and coded losslessly a strip of
        // it costs several times as much.
        let mut other_parts = Vec::new();
        for &part in parts {
            if gradient::is_gradient_part(frame, part)? {
                plan.gradients.push(part);
            } else {
                other_parts.push(part);
            }
        }
        let parts = &other_parts;
        // (rect, whole blocks of `mask`): the planned rects, then the parts.
        let planned: Vec<(Rect, bool)> = planner::merge(mask, planner::MAX_RECT_BLOCKS)
            .into_iter()
            .map(|rect| (rect, true))
            .chain(parts.iter().map(|&rect| (rect, false)))
            .collect();
        let rects: Vec<Rect> = planned.iter().map(|&(rect, _)| rect).collect();
        let may_grow = |col: u32, row: u32| !self.blocks[(row * mask.cols() + col) as usize].lossy;
        for (group, members) in planner::join(&rects, planner::JOIN_ROWS, may_grow) {
            // Across a block edge only for a cut line: whole blocks there are a shape the
            // planner chose not to cover with one rect (two one-colour fills, say).
            let cut = members.iter().any(|&i| !planned[i].1);
            if (planner::rows(&group) == 1 || cut)
                && self.plan_joined(frame, group, members.len(), &mut plan)?
            {
                continue;
            }
            // A line across a block edge that is not lossless as a whole: its runs in each
            // row of blocks, else each rect.
            let inner: Vec<Rect> = members.iter().map(|&i| rects[i]).collect();
            for (run, inside) in planner::join(&inner, 1, may_grow) {
                if inside.len() < members.len()
                    && self.plan_joined(frame, run, inside.len(), &mut plan)?
                {
                    continue;
                }
                for i in inside {
                    let (rect, whole_blocks) = planned[members[i]];
                    self.plan_rect(frame, mask, rect, whole_blocks, &mut plan)?;
                }
            }
        }
        Ok(plan)
    }

    /// Plans `group`, the bounding rect of `members` rects, as one lossless rect if it has
    /// more than one member and is lossless as a whole (judged as a strip).
    fn plan_joined(
        &self,
        frame: &FrameView<'_>,
        group: Rect,
        members: usize,
        plan: &mut Plan,
    ) -> Result<bool> {
        if members < 2 {
            return Ok(false);
        }
        let class = self.class_of(frame, group, false, plan.fleeting)?;
        Ok(plan.push_lossless(group, class))
    }

    /// Codes the `hot` and `refined` plans of an update: fills and palettes in op order on
    /// one thread (they share the compression stream, flushed here for the update), every
    /// AV1 rect in parallel beside it. A keyframe's palettes and its wallpaper, or a page's
    /// text and its photos, are coded at the same time.
    pub(super) fn code(
        &mut self,
        frame: &FrameView<'_>,
        hot: Plan,
        refined: Plan,
    ) -> Result<Coded> {
        let jobs: Vec<(Rect, Quality)> = (hot.natural_jobs().chain(refined.natural_jobs()))
            .chain(hot.gradient_jobs().chain(refined.gradient_jobs()))
            .collect();
        let hot_natural = hot.natural.len();
        let (palette, av1) = (&mut self.palette, &self.av1);
        let av1_jobs = || -> Result<Vec<Op>> {
            jobs.par_iter()
                .map(|&(rect, quality)| av1.encode_rect(frame, rect, quality))
                .collect()
        };
        let lossless_jobs = || lossless_ops(palette, hot.lossless, refined.lossless);
        // Without AV1 work the palettes stay on this thread: handing them to the pool costs
        // more than it saves on a small update.
        let (lossless, coded) = if jobs.is_empty() {
            (lossless_jobs(), Ok(Vec::new()))
        } else {
            rayon::join(lossless_jobs, av1_jobs)
        };
        let (mut hot_ops, mut refined_ops) = lossless?;
        let mut coded = coded?.into_iter();
        hot_ops.extend(coded.by_ref().take(hot_natural));
        refined_ops.extend(coded);
        Ok(Coded {
            hot: hot_ops,
            refined: refined_ops,
        })
    }

    /// True when the blocks under `rect` had been still for `refine_after_frames` frames, as
    /// refinement asks: a gradient that appears, not one that is animating.
    fn was_still(&self, rect: Rect) -> bool {
        let after = u64::from(self.config.refine_after_frames);
        blocks_touched(rect).all(|block| self.frames_since_change(block) >= after)
    }

    /// Frames since the block at (`col`, `row`) last changed.
    pub(super) fn frames_since_change(&self, (col, row): (u32, u32)) -> u64 {
        let cols = self.config.width.div_ceil(BLOCK_SIZE);
        let changed_at = self.blocks[(row * cols + col) as usize].changed_at;
        self.frame_index.saturating_sub(changed_at)
    }

    /// Plans one rect: lossless when it classifies so. Otherwise a rect of several whole
    /// blocks is decided block by block and anything smaller goes to AV1.
    ///
    /// A rect of up to the configured number of colours goes lossless whatever its size:
    /// small anti-aliased text has more colours than one per 4 pixels (at 320×200,
    /// page-scroll lost bit-exactness under that bound). Only a rect with more colours is
    /// decided block by block, where that bound and the background rule tell text from photo
    /// and video; parts are thin strips of blocks, where the same holds for text cut through.
    /// Whole blocks that look like a photo, and strips whose pixels mostly have colours of
    /// their own, go to AV1 however few colours they have (see [`Palette::looks_natural`]
    /// and [`Palette::mostly_distinct`]).
    fn plan_rect(
        &self,
        frame: &FrameView<'_>,
        mask: &DirtyMap,
        rect: Rect,
        whole_blocks: bool,
        plan: &mut Plan,
    ) -> Result<()> {
        let class = self.class_of(frame, rect, whole_blocks, plan.fleeting)?;
        if plan.push_lossless(rect, class) {
            return Ok(());
        }
        if whole_blocks && (rect.width > BLOCK_SIZE || rect.height > BLOCK_SIZE) {
            // Mixed content (text beside a photo, many-coloured UI).
            self.split_natural(frame, mask, rect, plan)
        } else {
            plan.natural.push(rect);
            Ok(())
        }
    }

    /// How `rect` is coded by its colours, a palette taken for a photo when its shape says so:
    /// whole blocks that look natural, strips whose pixels mostly have colours of their own
    /// (a strip a few rows high has no row above for most of its pixels).
    fn class_of(
        &self,
        frame: &FrameView<'_>,
        rect: Rect,
        whole_blocks: bool,
        fleeting: bool,
    ) -> Result<Class> {
        Ok(
            match classify(&frame.sub(rect)?, self.config.max_palette_colours) {
                Class::Palette(p) if whole_blocks && p.looks_natural() => Class::Natural,
                Class::Palette(p) if !whole_blocks && p.mostly_distinct() => Class::Natural,
                Class::Palette(p) if fleeting && self.is_fleeting(rect, &p) => Class::Natural,
                class => class,
            },
        )
    }

    /// True when `palette` (of `rect`) brings many colours the session never had, where the
    /// screen changed a frame or two before too: a menu or shadow fading in over a photo's
    /// edge, a photo's slivers as it scrolls. Each new colour costs a palette op ~3 bytes,
    /// and the next frame brings others; hot AV1 shows them nearly as well while they
    /// change, and refinement codes what they end as (losslessly, where it is text or UI)
    /// once still.
    /// Text on a background ([`is_surely_text`]) never counts: a line of coloured code
    /// scrolling in brings as many new colours, but the next frame moves it rather than
    /// replaces it, and coarse it would stay until the page stops. A small rect counts only
    /// without a background colour: a few rows of scrolled text in a new colour are as
    /// dense in new colours, and stay lossless. A long sliver (photo a dragged window
    /// uncovers) stays lossless too: quicker to code.
    fn is_fleeting(&self, rect: Rect, palette: &Palette) -> bool {
        // rav1e codes whole 64-pixel superblocks: a long sliver costs as much time as the
        // superblocks it crosses (800×5 pixels of photo: ~25 ms, against ~0.1 ms lossless).
        let superblocks =
            u64::from(rect.width.div_ceil(SUPERBLOCK) * rect.height.div_ceil(SUPERBLOCK));
        let quick =
            superblocks <= 2 || rect.area() * 4 >= superblocks * u64::from(SUPERBLOCK).pow(2);
        if !quick || rect.area() < MIN_FLEETING_AREA && palette.has_background() {
            return false;
        }
        let new = self.fresh_colours(rect, palette);
        new >= MIN_FLEETING_COLOURS
            && new * PIXELS_PER_NEW_COLOUR >= rect.area()
            && !is_surely_text(palette)
    }

    /// The colours of `palette` the session never had, where a block under `rect` changed
    /// within [`FLEETING_FRAMES`]; 0 elsewhere.
    fn fresh_colours(&self, rect: Rect, palette: &Palette) -> u64 {
        let changing =
            blocks_touched(rect).any(|block| self.frames_since_change(block) <= FLEETING_FRAMES);
        if changing {
            self.palette.count_new(&palette.colours) as u64
        } else {
            0
        }
    }

    /// Plans the whole blocks of `rect` one by one; the natural ones merge into AV1 rects, and
    /// so do blocks of more than one colour per 4 pixels that do not look like text (a
    /// photo's edge beside the page; subpixel text has as many colours). In the hot plan, so
    /// do blocks of mixed content with many colours the session never had where the screen
    /// is changing (a playing video's edge), unless they look like text.
    fn split_natural(
        &self,
        frame: &FrameView<'_>,
        mask: &DirtyMap,
        rect: Rect,
        plan: &mut Plan,
    ) -> Result<()> {
        let mut natural_mask = DirtyMap::new(mask.width(), mask.height(), BLOCK_SIZE);
        let (col0, row0) = (rect.x / BLOCK_SIZE, rect.y / BLOCK_SIZE);
        for row in row0..row0 + rect.height.div_ceil(BLOCK_SIZE) {
            for col in col0..col0 + rect.width.div_ceil(BLOCK_SIZE) {
                let block = mask.block_rect(col, row);
                let class = match classify(&frame.sub(block)?, self.palette_limit(block)) {
                    Class::Palette(p)
                        if p.looks_natural()
                            || p.colours.len() > MIXED_BLOCK_COLOURS && !p.has_background()
                            || p.colours.len() * 4 > p.indices.len() && !p.looks_like_text()
                            || plan.fleeting
                                && self.fresh_colours(block, &p) * PIXELS_PER_NEW_COLOUR
                                    >= block.area()
                                && !is_surely_text(&p) =>
                    {
                        Class::Natural
                    }
                    class => class,
                };
                if !plan.push_lossless(block, class) {
                    natural_mask.set(col, row, true);
                }
            }
        }
        plan.natural
            .extend(planner::merge(&natural_mask, planner::MAX_RECT_BLOCKS));
        Ok(())
    }

    /// The most colours `rect` may have to be coded as a palette: the configured bound, and
    /// at most one colour per 2 pixels (more than one per 4 only where it looks like text,
    /// see [`Self::split_natural`]). Text and UI repeat their colours (background, glyph
    /// fills) many times; natural content has a new colour at almost every pixel. (The tile
    /// codec's `max_colours_for`, one per 16 pixels, sent anti-aliased text strips exposed by
    /// scrolling to AV1: `page-scroll` lost bit-exactness, 99 → 71 dB. One per 4 pixels sent
    /// subpixel text to AV1: 265–333 colours in a block of vim, refined only 10–19 frames
    /// later.)
    fn palette_limit(&self, rect: Rect) -> usize {
        let dense = usize::try_from(rect.area() / 2)
            .unwrap_or(usize::MAX)
            .max(2);
        self.config.max_palette_colours.min(dense)
    }
}
