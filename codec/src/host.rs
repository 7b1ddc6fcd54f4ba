//! `HostEncoder`: captured frames in, one [`Update`] per frame out, with zero frame delay.
//!
//! Per frame: diff against the last frame sent → copies of moved content, cache hits, and
//! remaps of a page dimmed or faded (see [`remap`]) → plan rects over the dirty blocks → classify
//! each rect (solid / few colours / natural) → fill, lossless palette, or AV1 (rects in
//! parallel). Natural content is sent *hot* (fast, coarse) while it changes and *refined* once
//! (near-lossless) after it has been still for a while; large smooth gradients (wallpaper)
//! go to AV1 too, near-lossless at once unless they are changing (see [`gradient`]).

use std::sync::Arc;
use std::time::{Duration, Instant};

mod plan;

use plan::Coded;

use crate::cache::{self, key_of, CacheEffect, Held, Placed, TileCache, DEFAULT_CACHE_BLOCKS};
use crate::convert::Chroma;
use crate::history::{self, HostHistory, Piece, Returning, HISTORY_PIXELS, PROBE_BUDGET};
use crate::motion::Motion;
use crate::rate::HotRate;
use crate::remap;
use crate::tile::{
    Av1Config, Av1Encoder, PaletteConfig, PaletteEncoder, Quality, DEFAULT_MAX_COLOURS, MAX_PALETTE,
};
use crate::{
    blocks_touched, diff, planner, DirtyMap, Error, Frame, FrameView, Op, Rect, Result, Update,
    BLOCK_SIZE,
};

/// Settings of a [`HostEncoder`]; [`HostConfig::new`] gives the measured defaults.
#[derive(Debug, Clone)]
pub struct HostConfig {
    /// Screen width in pixels.
    pub width: u32,
    /// Screen height in pixels.
    pub height: u32,
    /// Rects with at most this many colours are coded losslessly as palettes
    /// (1..=[`MAX_PALETTE`]).
    pub max_palette_colours: usize,
    /// Frames a lossy block must stay unchanged before it is refined.
    pub refine_after_frames: u32,
    /// Pixels refined per frame at most, so a large still photo does not stall later updates.
    pub refine_budget_pixels: u64,
    /// Detect scrolled and moved content and send it as `CopyRect` (on by default).
    pub motion: bool,
    /// Send blocks that are the last frame's through one colour map (a page dimmed behind a
    /// dialog) as `Remap` (on by default).
    pub remap: bool,
    /// Entries of the tile cache; the viewer must keep the same number (0 turns it off).
    pub cache_blocks: usize,
    /// Pixels of scroll history (rows scrolled out of view, recalled when they come back),
    /// at most the viewer's [`HISTORY_PIXELS`]; 0 turns it off. Needs `motion`.
    pub history_pixels: usize,
    /// AV1 settings (chroma format, hot and refined presets).
    pub av1: Av1Config,
    /// Palette compression settings.
    pub palette: PaletteConfig,
}

impl HostConfig {
    /// Defaults for a `width`×`height` screen: 4:4:4, palettes up to [`DEFAULT_MAX_COLOURS`], refinement
    /// after 10 still frames, at most 256×256 pixels refined per frame.
    pub fn new(width: u32, height: u32) -> Self {
        Self {
            width,
            height,
            max_palette_colours: DEFAULT_MAX_COLOURS,
            refine_after_frames: 10,
            refine_budget_pixels: DEFAULT_REFINE_BUDGET_PIXELS,
            motion: true,
            remap: true,
            cache_blocks: DEFAULT_CACHE_BLOCKS,
            history_pixels: HISTORY_PIXELS,
            av1: Av1Config::default(),
            palette: PaletteConfig::default(),
        }
    }

    /// The same settings with 4:2:0 AV1 tiles.
    pub fn with_chroma(mut self, chroma: Chroma) -> Self {
        self.av1.chroma = chroma;
        self
    }
}

/// Where the time of the last [`HostEncoder::encode`] went, and what it produced.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EncodeStats {
    /// Comparing the frame with the last one sent.
    pub diff: Duration,
    /// Scroll and move detection.
    pub motion: Duration,
    /// Tile cache look-ups: hashing the changed blocks, finding entries, grouping the hits.
    pub cache: Duration,
    /// Finding blocks the viewer holds through a colour map (a dimmed page).
    pub remap: Duration,
    /// Planning, classifying and coding the tiles (AV1 in parallel), and keeping the cache
    /// mirror.
    pub encode: Duration,
    /// Blocks that changed.
    pub dirty_blocks: usize,
    /// Changed blocks sent as copies of pixels the viewer has elsewhere.
    pub copied_blocks: usize,
    /// Changed blocks sent as tile-cache hits.
    pub cached_blocks: usize,
    /// Blocks re-sent at refined quality.
    pub refined_blocks: usize,
    /// Changed blocks sent as the viewer's pixels through a colour map.
    pub remapped_blocks: usize,
}

/// What the host knows about one differ block.
#[derive(Debug, Clone, Copy, Default)]
struct BlockState {
    /// Frame index of the last change.
    changed_at: u64,
    /// Last sent as a hot AV1 tile and not refined since.
    lossy: bool,
    /// The viewer's pixels here came, at least in part, from AV1 (hot or refined): near the
    /// source, not equal to it.
    approx: bool,
}

/// Pixels refined per frame at most by default: 64 blocks, so that a large still photo is
/// refined over several frames instead of stalling the next update.
pub const DEFAULT_REFINE_BUDGET_PIXELS: u64 = 256 * 256;

/// The host side of the pipeline. See the module docs.
pub struct HostEncoder {
    config: HostConfig,
    /// The last frame sent: the diff base (source pixels, not decoded ones).
    base: Frame,
    blocks: Vec<BlockState>,
    frame_index: u64,
    refresh: bool,
    palette: PaletteEncoder,
    av1: Av1Encoder,
    /// The hot quantizer, following the frame budget when one is set.
    hot_rate: HotRate,
    motion: Motion,
    /// Mirror of the viewer's tile cache: the ids and keys it holds, in the same LRU order,
    /// with the source pixels each entry stands for (they find the parts of blocks a moved
    /// window uncovers again).
    cache: TileCache<Held>,
    /// Per block: the cache ids of the pixels last placed there (hints for runs of hits).
    placed: Placed,
    /// Mirror of the viewer's scroll history.
    history: HostHistory,
    stats: EncodeStats,
}

impl std::fmt::Debug for HostEncoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HostEncoder")
            .field("config", &self.config)
            .field("frame_index", &self.frame_index)
            .finish()
    }
}

impl HostEncoder {
    /// Validates `config` once; the first [`encode`](Self::encode) sends the whole screen.
    ///
    /// # Errors
    /// [`Error::ZeroSize`] / [`Error::TooLarge`] / [`Error::TooManyPixels`] for the screen
    /// size, and the codecs' errors for invalid AV1 or palette settings.
    pub fn new(config: HostConfig) -> Result<Self> {
        let cache_blocks = config.cache_blocks;
        let base = Frame::new(config.width, config.height)?;
        let map = DirtyMap::new(config.width, config.height, BLOCK_SIZE);
        let blocks = vec![BlockState::default(); (map.cols() * map.rows()) as usize];
        Ok(Self {
            placed: Placed::new(blocks.len()),
            palette: PaletteEncoder::new(config.palette)?,
            av1: Av1Encoder::new(config.av1)?,
            hot_rate: HotRate::new(config.av1.hot.quantizer),
            config: HostConfig {
                max_palette_colours: config.max_palette_colours.clamp(1, MAX_PALETTE),
                ..config
            },
            base,
            blocks,
            frame_index: 0,
            refresh: true,
            motion: Motion::default(),
            cache: TileCache::new(cache_blocks),
            history: HostHistory::new(config.history_pixels),
            stats: EncodeStats::default(),
        })
    }

    /// The configuration in use.
    pub fn config(&self) -> &HostConfig {
        &self.config
    }

    /// Timing and counts of the last [`encode`](Self::encode).
    pub fn last_stats(&self) -> EncodeStats {
        self.stats
    }

    /// Makes the next [`encode`](Self::encode) send the whole screen and restart the
    /// compression stream (a viewer joined, or asked after an error).
    pub fn request_refresh(&mut self) {
        self.refresh = true;
    }

    /// The screen changed size: from now on frames are `width`×`height`, and the next
    /// [`encode`](Self::encode) sends the whole screen as a keyframe. Settings (including the
    /// refine and frame budgets) stay; everything learnt about the old screen goes. The viewer must
    /// [`resize`](crate::ViewerDecoder::resize) at the same point of the stream.
    ///
    /// # Errors
    /// [`Error::ZeroSize`] / [`Error::TooLarge`] / [`Error::TooManyPixels`] for the size; the
    /// encoder is then unchanged.
    pub fn resize(&mut self, width: u32, height: u32) -> Result<()> {
        let mut resized = Self::new(HostConfig {
            width,
            height,
            ..self.config.clone()
        })?;
        // The link did not change with the screen.
        resized.hot_rate = self.hot_rate.clone();
        *self = resized;
        Ok(())
    }

    /// Sets the pixels refined per frame from the next [`encode`](Self::encode) on (the
    /// configured `refine_budget_pixels` until then); 0 holds refinement back. What changed is
    /// coded as always. Refinement is never urgent, but its updates are the largest a still
    /// screen sends: a sender on a slow link holds it while updates are in flight and cuts it
    /// to what the link carries quickly, so that it does not queue in front of the next change.
    /// Blocks held back are refined when the budget allows.
    pub fn set_refine_budget(&mut self, pixels: u64) {
        self.config.refine_budget_pixels = pixels;
    }

    /// Bounds the bytes of an update from the next [`encode`](Self::encode) on, as a sender
    /// does for a link that carries `bytes` per captured frame (`None`: no bound, the
    /// default). Only hot natural content adapts: its AV1 quantizer rises while updates
    /// overrun the bound and falls back to the configured one when they fit; text stays
    /// lossless and still content is refined as always.
    pub fn set_frame_budget(&mut self, bytes: Option<u64>) {
        self.hot_rate.set_budget(bytes);
    }

    /// Encodes `frame` against the last one sent. The returned update is complete: nothing
    /// of this frame is held back for later (zero frame delay).
    ///
    /// # Errors
    /// [`Error::SizeMismatch`] when `frame` is not the configured size; codec errors, after
    /// which the next call sends a full refresh.
    pub fn encode(&mut self, frame: &FrameView<'_>) -> Result<Update> {
        if frame.width() != self.config.width || frame.height() != self.config.height {
            return Err(Error::SizeMismatch {
                width: self.config.width,
                height: self.config.height,
                got_width: frame.width(),
                got_height: frame.height(),
            });
        }
        self.frame_index += 1;
        let start = Instant::now();
        // A keyframe restarts the cache ids before they run out.
        let ids_needed = u32::try_from(self.blocks.len()).unwrap_or(u32::MAX);
        let keyframe = std::mem::take(&mut self.refresh) || self.cache.ids_left() < ids_needed;
        let mut dirty = if keyframe {
            self.palette.reset();
            self.cache.clear();
            self.history.clear();
            self.placed.clear();
            self.motion = Motion::default();
            let mut all = DirtyMap::new(frame.width(), frame.height(), BLOCK_SIZE);
            all.mark_all();
            all
        } else {
            diff(&self.base.view(), frame)?
        };
        let changed = dirty.clone();
        self.stats = EncodeStats {
            diff: start.elapsed(),
            dirty_blocks: changed.count(),
            ..EncodeStats::default()
        };
        let result = self.encode_changes(frame, &mut dirty, &changed, keyframe);
        self.stats.encode = start.elapsed()
            - self.stats.diff
            - self.stats.motion
            - self.stats.cache
            - self.stats.remap;
        if result.is_err() {
            // The viewer may now hold a different picture than `base`: start over.
            self.refresh = true;
        }
        result
    }

    /// Codes the `changed` blocks: copies for moved content, cache hits for content the
    /// viewer holds, tiles for the rest (`dirty`), and refinements of still lossy blocks.
    fn encode_changes(
        &mut self,
        frame: &FrameView<'_>,
        dirty: &mut DirtyMap,
        changed: &DirtyMap,
        keyframe: bool,
    ) -> Result<Update> {
        let mut ops = Vec::new();
        let mut residuals = Vec::new();
        let mut inherited = Vec::new();
        let mut stash = Vec::new();
        if self.config.motion && !keyframe {
            let start = Instant::now();
            let moves = self.motion.detect(&self.base.view(), frame, dirty);
            if self.config.history_pixels > 0 {
                // Before the block states move with the copies: they say what is exact.
                let gone = history::scrolled_out(&moves.copies);
                let exact = |rect: Rect| !self.approx_under(rect, changed);
                stash = history::rows_of(&self.base.view(), &gone, exact)?;
            }
            inherited = self.move_block_states(&moves.copies, changed);
            self.stats.copied_blocks = changed.count() - dirty.count();
            self.stats.motion = start.elapsed();
            ops = moves.copies;
            residuals = moves.residuals;
        }
        let mut keys = vec![None; self.blocks.len()];
        if !keyframe && self.config.cache_blocks > 0 {
            let start = Instant::now();
            let mut ids = vec![None; self.blocks.len()];
            for (col, row) in dirty.iter_dirty().collect::<Vec<_>>() {
                let index = (row * dirty.cols() + col) as usize;
                let block = frame.sub(dirty.block_rect(col, row))?;
                if cache::is_solid(&block) {
                    continue;
                }
                let key = key_of(&block);
                keys[index] = Some(key);
                let left = if col > 0 { ids[index - 1] } else { None };
                ids[index] = cache::choose(&self.cache, key, left, &self.placed, index);
                if let Some(id) = ids[index] {
                    self.placed.record(index, id);
                    dirty.set(col, row, false);
                    self.stats.cached_blocks += 1;
                }
            }
            ops.extend(cache::hit_ops(dirty, &ids, &self.cache));
            self.stats.cache = start.elapsed();
        }
        if self.config.remap && !keyframe {
            ops.extend(self.remap(frame, dirty));
        }
        let returning = Returning::of(&ops);
        ops.extend(self.recall(frame, returning, dirty, &mut residuals)?);
        ops.extend(self.cache_parts(frame, &mut residuals)?);
        let refine = self.refine_mask(changed);
        self.stats.refined_blocks = refine.count();
        self.av1.set_hot_quantizer(self.hot_rate.quantizer());
        let hot = self.plan_mask(frame, dirty, &residuals, Quality::Hot, keyframe)?;
        let refined = self.plan_mask(frame, &refine, &[], Quality::Refined, false)?;
        let Coded { hot, refined } = self.code(frame, hot, refined)?;
        let hot_bytes: usize = hot
            .iter()
            .filter(|op| matches!(op, Op::Av1 { .. }))
            .map(Op::payload_len)
            .sum();
        // The viewer keeps the rows as they were before the update: from `base` before it
        // takes the new frame.
        self.history.stash(stash);
        for (col, row) in changed.iter_dirty() {
            let rect = changed.block_rect(col, row);
            self.base
                .view_mut()
                .sub_mut(rect)?
                .copy_from(&frame.sub(rect)?)?;
            self.block_mut(changed, col, row).changed_at = self.frame_index;
        }
        // Copies carried their state along in `move_block_states`; everything else sent now
        // is exact, except hot AV1 tiles (still gradients go once, at the smooth preset) and
        // hits on entries kept from them, refined later as those tiles would have been.
        for op in &ops {
            match op {
                Op::Recall { rect, .. } => self.mark_blocks(changed, *rect, false),
                Op::CacheHit { .. } | Op::CachePart { .. } => {
                    let whole = matches!(op, Op::CacheHit { .. });
                    for part in cache::named_parts(op).unwrap_or_default() {
                        let coarse = self.cache.is_coarse(part.id);
                        if whole || coarse {
                            self.mark_blocks(changed, part.cell, coarse);
                        }
                    }
                }
                _ => {}
            }
        }
        for op in &hot {
            self.mark_blocks(changed, op.rect(), matches!(op, Op::Av1 { .. }));
        }
        for op in &refined {
            self.mark_blocks(changed, op.rect(), false);
        }
        for (col, row) in inherited {
            self.block_mut(changed, col, row).lossy = true;
        }
        ops.extend(hot);
        ops.extend(refined);
        self.mark_exactness(&ops, changed);
        let payload: usize = ops.iter().map(Op::payload_len).sum();
        self.hot_rate
            .observe(hot_bytes as u64, payload.saturating_sub(hot_bytes) as u64);
        self.mirror_viewer_cache(frame, &ops, &keys, changed.cols())?;
        Ok(Update { ops, keyframe })
    }

    /// Changes the cache mirror exactly as the viewer will change its cache for `ops`.
    fn mirror_viewer_cache(
        &mut self,
        frame: &FrameView<'_>,
        ops: &[Op],
        keys: &[Option<u64>],
        cols: u32,
    ) -> Result<()> {
        if self.config.cache_blocks == 0 {
            return Ok(());
        }
        for op in ops {
            match cache::effect(op) {
                CacheEffect::Touch(ids) => {
                    for id in ids {
                        self.cache.touch(id);
                    }
                }
                CacheEffect::Insert {
                    rect,
                    decoded,
                    coarse,
                } => {
                    for block in cache::blocks_inside(rect, frame.width(), frame.height()) {
                        let index = (block.y / BLOCK_SIZE * cols + block.x / BLOCK_SIZE) as usize;
                        let source = match keys[index] {
                            Some(key) => key,
                            None => key_of(&frame.sub(block)?),
                        };
                        let key =
                            decoded.map_or(source, |data| cache::decoded_key(data, rect, block));
                        let held = Held {
                            pixels: Frame::from_view(&frame.sub(block)?),
                            exact: decoded.is_none(),
                        };
                        if let Some(id) = self.cache.insert_found_by(key, source, coarse, held) {
                            self.placed.record(index, id);
                        }
                    }
                }
                CacheEffect::None => {}
            }
        }
        Ok(())
    }

    /// Refinement state moves with the pixels: a block copied whole is lossy when any block
    /// its pixels came from was, and counts as changed now. Returns the blocks copied in part
    /// from lossy pixels: they stay lossy whatever codes their other rows.
    /// Exactness moves the same way, and a block copied in part from approximate pixels is
    /// approximate.
    fn move_block_states(&mut self, copies: &[Op], map: &DirtyMap) -> Vec<(u32, u32)> {
        let before: Vec<BlockState> = self.blocks.clone();
        let any_under = |rect: Rect, flag: fn(&BlockState) -> bool| {
            blocks_touched(rect).any(|(c, r)| flag(&before[(r * map.cols() + c) as usize]))
        };
        let now = self.frame_index;
        let mut inherited = Vec::new();
        for op in copies {
            let Op::CopyRect { src, dst_x, dst_y } = *op else {
                continue;
            };
            let dst = op.rect();
            for (col, row) in blocks_touched(dst) {
                let block = map.block_rect(col, row);
                let Some(part) = block.intersect(&dst) else {
                    continue;
                };
                let from = Rect::new(
                    part.x - dst_x + src.x,
                    part.y - dst_y + src.y,
                    part.width,
                    part.height,
                );
                let lossy = any_under(from, |b| b.lossy);
                let approx = any_under(from, |b| b.approx);
                let state = self.block_mut(map, col, row);
                state.changed_at = now;
                if part == block {
                    state.lossy = lossy;
                    state.approx = approx;
                } else {
                    state.approx |= approx;
                    if lossy {
                        inherited.push((col, row));
                    }
                }
            }
        }
        inherited
    }

    /// Replaces the `dirty` blocks that show the base through one colour map (a dimmed page)
    /// with `Remap` ops. Their state stays: a lossy block is refined later as before, and an
    /// approximate one is taken only when the map keeps its error as small (see `remap`).
    fn remap(&mut self, frame: &FrameView<'_>, dirty: &mut DirtyMap) -> Vec<Op> {
        let start = Instant::now();
        let cols = dirty.cols();
        let approx = |col: u32, row: u32| self.blocks[(row * cols + col) as usize].approx;
        let found = remap::find(&self.base.view(), frame, dirty, approx);
        self.stats.remap = start.elapsed();
        let Some(found) = found else {
            return Vec::new();
        };
        for (col, row) in found.blocks.iter_dirty() {
            dirty.set(col, row, false);
        }
        self.stats.remapped_blocks = found.blocks.count();
        let map = Arc::new(found.map);
        // One op per rect of any size: a remap costs the same bytes whatever it covers.
        planner::merge(&found.blocks, u32::MAX)
            .into_iter()
            .map(|rect| Op::Remap {
                rect,
                map: Arc::clone(&map),
            })
            .collect()
    }

    /// Replaces what the scroll history holds of the `dirty` blocks and the `residuals` with
    /// `Recall` ops; what it does not hold stays to be coded (rows of blocks it held in part
    /// move to `residuals`).
    fn recall(
        &mut self,
        frame: &FrameView<'_>,
        returning: Returning,
        dirty: &mut DirtyMap,
        residuals: &mut Vec<Rect>,
    ) -> Result<Vec<Op>> {
        let mut ops = Vec::new();
        if self.history.is_empty() || returning == Returning::default() {
            return Ok(ops);
        }
        let mut left = Vec::new();
        let mut budget = PROBE_BUDGET;
        for rect in planner::merge(dirty, planner::MAX_RECT_BLOCKS) {
            let pieces = self.find_pieces(frame, rect, returning, &mut budget)?;
            let recalled: Vec<Rect> = pieces
                .iter()
                .filter_map(|piece| match *piece {
                    Piece::Recalled { rect, .. } => Some(rect),
                    Piece::Left(_) => None,
                })
                .collect();
            // Blocks recalled in part leave their other rows to code as strips; blocks not
            // recalled at all stay whole (so mixed text and photo is still split by block).
            for (col, row) in blocks_touched(rect) {
                let block = dirty.block_rect(col, row);
                let rows: Vec<(u32, u32)> = recalled
                    .iter()
                    .filter_map(|r| r.intersect(&block))
                    .map(|r| (r.y, r.y + r.height))
                    .collect();
                if rows.is_empty() {
                    continue;
                }
                dirty.set(col, row, false);
                let whole = [(block.y, block.y + block.height)];
                for (top, bottom) in history::subtract(&whole, &history::union(rows)) {
                    left.push(Rect::new(block.x, top, block.width, bottom - top));
                }
            }
            for piece in pieces {
                if let Piece::Recalled { rect, first } = piece {
                    ops.push(HostHistory::recall_op(frame, rect, first)?);
                }
            }
        }
        for rect in std::mem::take(residuals) {
            let pieces = self.find_pieces(frame, rect, returning, &mut budget)?;
            if pieces.is_empty() {
                left.push(rect);
            }
            take_pieces(frame, pieces, &mut ops, &mut left)?;
        }
        *residuals = left;
        Ok(ops)
    }

    /// Replaces the parts of `residuals` that show again what the cache holds for their
    /// blocks with `CachePart` ops; the rest stays to code.
    fn cache_parts(&mut self, frame: &FrameView<'_>, residuals: &mut Vec<Rect>) -> Result<Vec<Op>> {
        let mut ops = Vec::new();
        if self.config.cache_blocks == 0 || residuals.is_empty() {
            return Ok(ops);
        }
        let start = Instant::now();
        let cols = self.config.width.div_ceil(BLOCK_SIZE);
        let mut left = Vec::new();
        for rect in std::mem::take(residuals) {
            let (parts, rest) = cache::parts::find(&self.cache, &self.placed, frame, rect, cols)?;
            ops.extend(parts);
            left.extend(rest);
        }
        *residuals = left;
        self.stats.cache += start.elapsed();
        Ok(ops)
    }

    /// What the history holds of `rect`: found for the whole width, or else block column by
    /// block column (a scroll bar or a pointer beside recalled rows), each column trying the
    /// rows its left neighbour recalled first, and joined again where neighbours recall the
    /// same rows. Empty when nothing is held.
    fn find_pieces(
        &self,
        frame: &FrameView<'_>,
        rect: Rect,
        returning: Returning,
        budget: &mut u32,
    ) -> Result<Vec<Piece>> {
        let pieces = self.history.find(frame, rect, returning, &[], budget)?;
        if !pieces.is_empty() || rect.width <= BLOCK_SIZE {
            return Ok(pieces);
        }
        let mut columns: Vec<Piece> = Vec::new();
        let mut hints = Vec::new();
        for x in (rect.x..rect.x + rect.width).step_by(BLOCK_SIZE as usize) {
            let width = BLOCK_SIZE.min(rect.x + rect.width - x);
            let column = Rect::new(x, rect.y, width, rect.height);
            let found = self
                .history
                .find(frame, column, returning, &hints, budget)?;
            if found.is_empty() {
                columns.push(Piece::Left(column));
            } else {
                hints.clone_from(&found);
            }
            for piece in found {
                match (columns.last_mut(), piece) {
                    (
                        Some(Piece::Recalled { rect: last, first }),
                        Piece::Recalled {
                            rect: next,
                            first: next_first,
                        },
                    ) if *first == next_first
                        && last.y == next.y
                        && last.height == next.height
                        && last.right() == u64::from(next.x) =>
                    {
                        last.width += next.width;
                    }
                    _ => columns.push(piece),
                }
            }
        }
        let recalled = columns
            .iter()
            .any(|piece| matches!(piece, Piece::Recalled { .. }));
        Ok(if recalled { columns } else { Vec::new() })
    }

    /// True when the viewer's pixels under `rect` may differ from the source's.
    fn approx_under(&self, rect: Rect, map: &DirtyMap) -> bool {
        blocks_touched(rect).any(|(c, r)| self.blocks[(r * map.cols() + c) as usize].approx)
    }

    /// Records, in op order, which blocks the viewer now holds exactly: an AV1 tile or a
    /// cache entry kept from one makes the blocks it touches approximate, an exact op (fill,
    /// palette, recall, an exact entry) the blocks it covers whole exact. Copies moved the
    /// state before. Runs before the update's own changes to the cache mirror.
    fn mark_exactness(&mut self, ops: &[Op], map: &DirtyMap) {
        let (width, height) = (map.width(), map.height());
        for op in ops {
            let painted: Vec<(Rect, bool)> = match op {
                Op::Av1 { rect, .. } => vec![(*rect, false)],
                // They keep the state the pixels had.
                Op::CopyRect { .. } | Op::Remap { .. } => Vec::new(),
                Op::CacheHit { .. } | Op::CachePart { .. } => cache::named_parts(op)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|part| {
                        let exact = self.cache.get(part.id).is_some_and(|(_, held)| held.exact);
                        (part.cell, exact)
                    })
                    .collect(),
                op => vec![(op.rect(), true)],
            };
            for (rect, exact) in painted {
                if exact {
                    for block in cache::blocks_inside(rect, width, height) {
                        let (col, row) = (block.x / BLOCK_SIZE, block.y / BLOCK_SIZE);
                        self.block_mut(map, col, row).approx = false;
                    }
                } else {
                    for (col, row) in blocks_touched(rect) {
                        self.block_mut(map, col, row).approx = true;
                    }
                }
            }
        }
    }

    /// Lossy blocks that have been still long enough, within the per-frame budget, taken a
    /// square of the planner's largest rect at a time: the budget then codes as one tile, not
    /// as rows 32 pixels tall across the screen (two real photo screens: 13–18 % fewer bytes
    /// a refined block).
    fn refine_mask(&self, dirty: &DirtyMap) -> DirtyMap {
        let mut mask = DirtyMap::new(self.config.width, self.config.height, BLOCK_SIZE);
        let mut budget = self.config.refine_budget_pixels;
        let after = u64::from(self.config.refine_after_frames);
        let (cols, rows, side) = (mask.cols(), mask.rows(), planner::MAX_RECT_BLOCKS);
        let corners = (0..rows)
            .step_by(side as usize)
            .flat_map(|r0| (0..cols).step_by(side as usize).map(move |c0| (c0, r0)));
        let blocks = corners.flat_map(|(c0, r0)| {
            (r0..rows.min(r0 + side))
                .flat_map(move |row| (c0..cols.min(c0 + side)).map(move |col| (col, row)))
        });
        for (col, row) in blocks {
            let lossy = self.blocks[(row * cols + col) as usize].lossy;
            let area = mask.block_rect(col, row).area();
            let still = self.frames_since_change((col, row)) >= after;
            if lossy && still && !dirty.is_dirty(col, row) && area <= budget {
                mask.set(col, row, true);
                budget -= area;
            }
        }
        mask
    }

    fn block_mut(&mut self, map: &DirtyMap, col: u32, row: u32) -> &mut BlockState {
        &mut self.blocks[(row * map.cols() + col) as usize]
    }

    /// Records how the blocks under `rect` (a union of whole blocks) were last coded.
    fn mark_blocks(&mut self, map: &DirtyMap, rect: Rect, lossy: bool) {
        for (col, row) in blocks_touched(rect) {
            self.block_mut(map, col, row).lossy = lossy;
        }
    }
}

/// Appends the `Recall` ops of `pieces` to `ops` and the rects left to code to `left`.
fn take_pieces(
    frame: &FrameView<'_>,
    pieces: Vec<Piece>,
    ops: &mut Vec<Op>,
    left: &mut Vec<Rect>,
) -> Result<()> {
    for piece in pieces {
        match piece {
            Piece::Recalled { rect, first } => {
                ops.push(HostHistory::recall_op(frame, rect, first)?)
            }
            Piece::Left(rect) => left.push(rect),
        }
    }
    Ok(())
}
