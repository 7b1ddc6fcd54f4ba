//! `ViewerDecoder`: applies [`Update`]s to a BGRA framebuffer, all or nothing.
//!
//! Every op is validated against the framebuffer first; payloads (palette, AV1) are then
//! decoded into scratch tiles; only when all of that succeeded are the ops painted, in order.
//! So a hostile or corrupted update is an error and leaves the framebuffer exactly as it was.

use std::sync::Arc;

use crate::cache::{self, key_of, CacheEffect, TileCache, DEFAULT_CACHE_BLOCKS};
use crate::history::{self, RowStore, HISTORY_PIXELS};
use crate::tile::{Av1Decoder, PaletteDecoder};
use crate::{compositor, ColourMap, Error, Frame, FrameView, Op, Rect, Result, Update};

/// Tile pixels one update may decode, in screens: the host's ops never paint a pixel more
/// than twice; the bound keeps the decoded tiles of a hostile update to a few screens.
const MAX_TILE_SCREENS: u64 = 4;

/// Pixels one update may paint in all, in screens: fills, copies and tiles of a real update
/// cover the screen about once; the bound keeps a hostile one to ~0.1 s of work at 1080p
/// (seconds at the largest screen the wire allows, 16384², where one screen is 1 GiB).
const MAX_PAINT_SCREENS: u64 = 8;

/// The viewer side of the pipeline. See the module docs.
pub struct ViewerDecoder {
    framebuffer: Frame,
    palette: PaletteDecoder,
    av1: Av1Decoder,
    /// Blocks by cache id, kept by the same rule as the host's mirror (see `cache`).
    cache: TileCache<Frame>,
    /// Rows scrolled out of view, kept by the same rule as the host's (see `history`).
    history: RowStore,
}

impl std::fmt::Debug for ViewerDecoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ViewerDecoder({:?})", self.framebuffer)
    }
}

impl ViewerDecoder {
    /// A decoder for a `width`×`height` screen, starting black, with the default tile cache
    /// (the host's default too).
    ///
    /// # Errors
    /// [`Error::ZeroSize`] / [`Error::TooLarge`] / [`Error::TooManyPixels`] for the size;
    /// decoder set-up errors.
    pub fn new(width: u32, height: u32) -> Result<Self> {
        Self::with_cache_blocks(width, height, DEFAULT_CACHE_BLOCKS)
    }

    /// As [`new`](Self::new), with a tile cache of `cache_blocks` entries (the host's
    /// `HostConfig::cache_blocks`; each entry holds at most 32×32 pixels).
    ///
    /// # Errors
    /// As [`new`](Self::new).
    pub fn with_cache_blocks(width: u32, height: u32, cache_blocks: usize) -> Result<Self> {
        let framebuffer = Frame::new(width, height)?;
        Ok(Self {
            palette: PaletteDecoder::new()?,
            av1: Av1Decoder::with_max_pixels(width.saturating_mul(height))?,
            framebuffer,
            cache: TileCache::new(cache_blocks),
            history: RowStore::new(HISTORY_PIXELS),
        })
    }

    /// The host's screen changed size (its [`resize`](crate::HostEncoder::resize)): the
    /// framebuffer becomes `width`×`height` and black, and everything kept for the old screen
    /// goes. The host's next update is a keyframe that paints it all.
    ///
    /// # Errors
    /// As [`new`](Self::new); the decoder is then unchanged.
    pub fn resize(&mut self, width: u32, height: u32) -> Result<()> {
        *self = Self::with_cache_blocks(width, height, self.cache.capacity())?;
        Ok(())
    }

    /// The picture as of the last applied update.
    pub fn framebuffer(&self) -> FrameView<'_> {
        self.framebuffer.view()
    }

    /// True after an error that lost the palette stream: ask the host for a refresh.
    pub fn needs_refresh(&self) -> bool {
        self.palette.needs_restart()
    }

    /// Applies every op of `update` in order.
    ///
    /// # Errors
    /// Any invalid op (rect outside the framebuffer, empty, undecodable payload, tile of the
    /// wrong size, [`Error::CacheMiss`], [`Error::HistoryMiss`]) and an update of more tile
    /// pixels or painted pixels than a few screens ([`Error::UpdateTooLarge`],
    /// [`Error::UpdatePaintsTooMuch`]) fail the whole update; the framebuffer is unchanged.
    pub fn apply(&mut self, update: &Update) -> Result<()> {
        let (width, height) = (self.framebuffer.width(), self.framebuffer.height());
        let (mut tile_pixels, mut painted) = (0u64, 0u64);
        for op in &update.ops {
            compositor::validate(op, width, height)?;
            painted += op.rect().area();
            if matches!(
                op,
                Op::Palette { .. }
                    | Op::Av1 { .. }
                    | Op::CacheHit { .. }
                    | Op::CachePart { .. }
                    | Op::Recall { .. }
            ) {
                tile_pixels += op.rect().area();
            }
        }
        let screen = u64::from(width) * u64::from(height);
        let max = MAX_TILE_SCREENS * screen;
        if tile_pixels > max {
            return Err(Error::UpdateTooLarge {
                pixels: tile_pixels,
                max,
            });
        }
        let max = MAX_PAINT_SCREENS * screen;
        if painted > max {
            return Err(Error::UpdatePaintsTooMuch {
                pixels: painted,
                max,
            });
        }
        let mut paints = Vec::with_capacity(update.ops.len());
        self.palette.begin_update(&update.ops);
        for op in &update.ops {
            paints.push(self.stage(op, update.keyframe)?);
        }
        // The rows the copies push out of view, kept as they are before the update.
        let gone = history::scrolled_out(&update.ops);
        let scrolled = history::rows_of(&self.framebuffer.view(), &gone, |_| true)?;
        self.palette.end_update()?;
        for paint in paints {
            let mut fb = self.framebuffer.view_mut();
            match paint {
                Paint::Fill(rect, colour) => fb.sub_mut(rect)?.fill(colour),
                Paint::Tile(rect, tile) => fb.sub_mut(rect)?.copy_from(&tile.view())?,
                Paint::Copy(src, dst_x, dst_y) => {
                    compositor::copy_rect(&mut self.framebuffer, src, dst_x, dst_y)
                }
                Paint::Remap(rect, map) => map.apply(&mut fb.sub_mut(rect)?),
            }
        }
        self.update_cache(update);
        if update.keyframe {
            self.history.clear();
        }
        self.history.append(scrolled, |_, _| {});
        Ok(())
    }

    /// Keeps the tile cache in step with the host's mirror (same rule, same order).
    fn update_cache(&mut self, update: &Update) {
        if update.keyframe {
            self.cache.clear();
        }
        let (width, height) = (self.framebuffer.width(), self.framebuffer.height());
        for op in &update.ops {
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
                    for block in cache::blocks_inside(rect, width, height) {
                        let Ok(view) = self.framebuffer.view().sub(block) else {
                            continue;
                        };
                        let key = match decoded {
                            Some(data) => cache::decoded_key(data, rect, block),
                            None => key_of(&view),
                        };
                        self.cache
                            .insert_found_by(key, key, coarse, Frame::from_view(&view));
                    }
                }
                CacheEffect::None => {}
            }
        }
    }

    /// Turns an op into what to paint, decoding its payload into a tile of its rect's size.
    fn stage(&mut self, op: &Op, keyframe: bool) -> Result<Paint> {
        let rect = op.rect();
        Ok(match op {
            Op::Fill { rect, colour } => Paint::Fill(*rect, *colour),
            Op::CopyRect { src, dst_x, dst_y } => Paint::Copy(*src, *dst_x, *dst_y),
            Op::Remap { rect, map } => Paint::Remap(*rect, Arc::clone(map)),
            Op::Palette {
                new_colours, data, ..
            } => {
                let mut tile = Frame::new(rect.width, rect.height)?;
                self.palette
                    .decode(usize::from(*new_colours), data, &mut tile.view_mut())?;
                Paint::Tile(rect, tile)
            }
            Op::Av1 { data, .. } => {
                let mut tile = Frame::new(rect.width, rect.height)?;
                self.av1.decode_into(data, &mut tile.view_mut())?;
                Paint::Tile(rect, tile)
            }
            Op::CacheHit { first, check, .. } | Op::CachePart { first, check, .. } => {
                let whole = matches!(op, Op::CacheHit { .. });
                let parts = cache::named_parts(op);
                Paint::Tile(
                    rect,
                    self.cached_tile(rect, parts, *first, *check, keyframe, whole)?,
                )
            }
            Op::Recall { first, check, .. } => {
                let mut tile = Frame::new(rect.width, rect.height)?;
                // A keyframe empties the history before it applies: nothing in it may be named.
                if keyframe {
                    return Err(Error::HistoryMiss {
                        first: *first,
                        reason: "a row not held",
                    });
                }
                self.history
                    .recall(rect, *first, *check, &mut tile.view_mut())?;
                Paint::Tile(rect, tile)
            }
        })
    }

    /// The tile of a `CacheHit` (`whole`: each entry has its part's size) or a `CachePart`
    /// (each entry covers its part's place within the block): `parts` from the cache, checked
    /// against `check`. `None` parts name ids past the last one.
    fn cached_tile(
        &self,
        rect: Rect,
        parts: Option<Vec<cache::Part>>,
        first: u32,
        check: u32,
        keyframe: bool,
        whole: bool,
    ) -> Result<Frame> {
        let miss = |reason| Error::CacheMiss { first, reason };
        // A keyframe empties the cache before it applies: nothing in it may be named.
        if keyframe {
            return Err(miss("an entry named by a keyframe"));
        }
        let parts = parts.ok_or(miss("ids past the last one"))?;
        let mut tile = Frame::new(rect.width, rect.height)?;
        let mut keys = Vec::with_capacity(parts.len());
        for part in parts {
            let (key, block) = self.cache.get(part.id).ok_or(miss("an id not held"))?;
            let fits = if whole {
                (block.width(), block.height()) == (part.cell.width, part.cell.height)
            } else {
                part.within.fits_in(block.width(), block.height())
            };
            if !fits {
                return Err(miss("an entry of another size than its part"));
            }
            let cell = part.cell;
            let at = Rect::new(cell.x - rect.x, cell.y - rect.y, cell.width, cell.height);
            tile.view_mut()
                .sub_mut(at)?
                .copy_from(&block.view().sub(part.within)?)?;
            keys.push(key);
        }
        if cache::check_of(keys.into_iter()) != check {
            return Err(miss("content that fails the check"));
        }
        Ok(tile)
    }
}

/// A validated, decoded op, ready to paint without any further failure.
enum Paint {
    Fill(Rect, [u8; 4]),
    Tile(Rect, Frame),
    Copy(Rect, u32, u32),
    Remap(Rect, Arc<ColourMap>),
}
