//! The tile cache: blocks the viewer already holds, named by a serial number.
//!
//! Host and viewer each keep one, and change it by the same rule in the same order, so they
//! agree without messages: after an update, every grid block lying wholly inside a `Fill`,
//! `Palette` or `Recall` op (exact pixels on both sides) or an `Av1` op is inserted under
//! the next serial id, in raster order within the op; every cell of a `CacheHit` touches its
//! entry; the least recently used entry goes when the cache is full; a keyframe empties the
//! cache and restarts the ids. Blocks of coarse AV1 tiles (above [`KEPT_AV1_QUANTIZER`]) are
//! kept apart in a quarter of the cache, their oldest going first when that is full: a
//! playing video fills only that quarter, and a photo switched away from before it was
//! refined comes back from there instead of being coded again.
//!
//! Ids rather than content keys go on the wire because ids inserted together are consecutive:
//! a screen seen before comes back as a few rects of `first + row * stride + col` ids, a few
//! bytes per rect instead of 8 per block. Each entry still carries the content key (xxh3-64)
//! of its pixels: the host finds entries by key, and a `CacheHit` carries a check over the
//! keys it names, so a viewer whose cache went out of step reports an error and asks for a
//! refresh — it never paints wrong pixels silently.
//!
//! An AV1 block is kept as the viewer decoded it, which the host does not know without
//! decoding: its key is derived from the op's data instead ([`decoded_key`]), and the host
//! finds it by the key of the source pixels it stands for. A hit on it shows the viewer
//! what it showed for those pixels before, near them and not equal (photo wallpaper that a
//! moved window uncovers, a photo on a page switched back to).

use std::collections::{BTreeMap, HashMap};

use xxhash_rust::xxh3::{xxh3_64, xxh3_64_with_seed, Xxh3};

use crate::{Frame, FrameView, Op, Rect, BLOCK_SIZE};

mod hits;
pub(crate) mod parts;
pub(crate) use hits::{choose, hit_ops, is_solid, Placed};

/// Entries kept by default: four full 1080p screens of 32×32 blocks (with pixels, 32 MiB on
/// the viewer), so switching back to an application seen before is all hits.
pub const DEFAULT_CACHE_BLOCKS: usize = 8192;

/// Bytes of pixels one entry holds at most (a 32×32 BGRA block). A session's `Hello` gives
/// the tile cache as this many bytes times its entries, and the viewer keeps that many.
pub const CACHE_ENTRY_BYTES: u32 = BLOCK_SIZE * BLOCK_SIZE * 4;

/// Ids end here: the host sends a keyframe (which restarts them) before running out.
pub(crate) const LAST_ID: u32 = u32::MAX;

/// The content key of a rect's pixels: xxh3-64 over its size and rows. 64 bits keep the
/// chance of any collision among the cache's entries below 10⁻¹¹.
pub(crate) fn key_of(view: &FrameView<'_>) -> u64 {
    let mut hasher = Xxh3::new();
    hasher.update(&view.width().to_le_bytes());
    hasher.update(&view.height().to_le_bytes());
    for y in 0..view.height() {
        hasher.update(view.row(y));
    }
    hasher.digest()
}

/// AV1 ops at this base quantizer or finer are kept with the exact blocks: near-lossless
/// tiles (the refined preset, 15) are what a still photo ends as. Coarser ones (hot, 150)
/// are replaced by refinement once still, and a video would push everything else out of the
/// cache within seconds (a 960×540 video is ~500 blocks a frame): they are kept apart, in
/// at most a quarter of the cache.
pub const KEPT_AV1_QUANTIZER: u8 = 63;

/// The key of `block` of a kept AV1 op over `rect` whose data hashes to `data_key`: both
/// sides derive it from the wire, and equal keys mean equal decoded pixels (AV1 decoding is
/// exact).
pub(crate) fn decoded_key(data_key: u64, rect: Rect, block: Rect) -> u64 {
    let place = [
        block.x - rect.x,
        block.y - rect.y,
        block.width,
        block.height,
    ];
    let bytes: Vec<u8> = place.iter().flat_map(|v| v.to_le_bytes()).collect();
    xxh3_64_with_seed(&bytes, data_key)
}

/// The check of a `CacheHit`: the low 32 bits of xxh3-64 over the named entries' keys (in
/// cell order, little-endian).
pub(crate) fn check_of(keys: impl Iterator<Item = u64>) -> u32 {
    let bytes: Vec<u8> = keys.flat_map(u64::to_le_bytes).collect();
    xxh3_64(&bytes) as u32
}

/// The grid blocks (clipped to a `width`×`height` frame) that lie wholly inside `rect`, in
/// raster order.
pub(crate) fn blocks_inside(rect: Rect, width: u32, height: u32) -> impl Iterator<Item = Rect> {
    let right = rect.right().min(u64::from(width)) as u32;
    let bottom = rect.bottom().min(u64::from(height)) as u32;
    let cols = rect.x.div_ceil(BLOCK_SIZE)..right.div_ceil(BLOCK_SIZE);
    let rows = rect.y.div_ceil(BLOCK_SIZE)..bottom.div_ceil(BLOCK_SIZE);
    rows.flat_map(move |row| cols.clone().map(move |col| (col, row)))
        .map(move |(col, row)| {
            let (x, y) = (col * BLOCK_SIZE, row * BLOCK_SIZE);
            Rect::new(x, y, BLOCK_SIZE.min(width - x), BLOCK_SIZE.min(height - y))
        })
        .filter(move |b| b.right() <= u64::from(right) && b.bottom() <= u64::from(bottom))
}

/// The cells of a `CacheHit` rect: 32-pixel squares from its top-left corner (narrower at its
/// right and bottom edges), each with the id it names, in raster order. `None` for an id past
/// [`LAST_ID`].
pub(crate) fn hit_cells(rect: Rect, first: u32, stride: u32) -> Option<Vec<(Rect, u32)>> {
    let (cols, rows) = (
        rect.width.div_ceil(BLOCK_SIZE),
        rect.height.div_ceil(BLOCK_SIZE),
    );
    let mut cells = Vec::with_capacity(cols as usize * rows as usize);
    for row in 0..rows {
        for col in 0..cols {
            let id = u64::from(first) + u64::from(row) * u64::from(stride) + u64::from(col);
            let (x, y) = (col * BLOCK_SIZE, row * BLOCK_SIZE);
            let cell = Rect::new(
                rect.x + x,
                rect.y + y,
                BLOCK_SIZE.min(rect.width - x),
                BLOCK_SIZE.min(rect.height - y),
            );
            cells.push((cell, u32::try_from(id).ok()?));
        }
    }
    Some(cells)
}

/// One part of a `CachePart` rect: the pixels it paints, where they lie within the entry's
/// block, and the entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Part {
    pub(crate) cell: Rect,
    pub(crate) within: Rect,
    pub(crate) id: u32,
}

/// The parts of a `CachePart` rect: its pieces in each grid block it touches, in raster
/// order. `None` for an id past [`LAST_ID`].
pub(crate) fn part_cells(rect: Rect, first: u32, stride: u32) -> Option<Vec<Part>> {
    let (col0, row0) = (rect.x / BLOCK_SIZE, rect.y / BLOCK_SIZE);
    let right = rect.right().div_ceil(u64::from(BLOCK_SIZE)) as u32;
    let bottom = rect.bottom().div_ceil(u64::from(BLOCK_SIZE)) as u32;
    let mut parts = Vec::new();
    for row in row0..bottom {
        for col in col0..right {
            let block = Rect::new(col * BLOCK_SIZE, row * BLOCK_SIZE, BLOCK_SIZE, BLOCK_SIZE);
            let cell = block.intersect(&rect)?;
            let id = u64::from(first)
                + u64::from(row - row0) * u64::from(stride)
                + u64::from(col - col0);
            parts.push(Part {
                cell,
                within: Rect::new(cell.x - block.x, cell.y - block.y, cell.width, cell.height),
                id: u32::try_from(id).ok()?,
            });
        }
    }
    Some(parts)
}

/// What a `CacheHit` or `CachePart` paints, part by part (a hit's parts are whole entries);
/// `None` for an id past [`LAST_ID`] and for other ops.
pub(crate) fn named_parts(op: &Op) -> Option<Vec<Part>> {
    match *op {
        Op::CacheHit {
            rect,
            first,
            stride,
            ..
        } => hit_cells(rect, first, stride).map(|cells| {
            cells
                .into_iter()
                .map(|(cell, id)| Part {
                    cell,
                    within: Rect::new(0, 0, cell.width, cell.height),
                    id,
                })
                .collect()
        }),
        Op::CachePart {
            rect,
            first,
            stride,
            ..
        } => part_cells(rect, first, stride),
        _ => None,
    }
}

/// What an op does to the cache, in op order.
pub(crate) enum CacheEffect {
    /// `Op::CacheHit` and `Op::CachePart`: these entries become the most recently used.
    Touch(Vec<u32>),
    /// `Fill` / `Palette` / `Recall` (`decoded: None`, keyed by their pixels) and `Av1` ops
    /// (keyed by [`decoded_key`] of their data's xxh3-64): the whole blocks of `rect` go in
    /// with their final pixels, among the coarse entries when `coarse` (an AV1 tile above
    /// [`KEPT_AV1_QUANTIZER`]).
    Insert {
        rect: Rect,
        decoded: Option<u64>,
        coarse: bool,
    },
    /// Copies and remaps: they only move or recolour pixels the viewer holds.
    None,
}

/// The cache rule for one op (a cache op whose ids overflow touches nothing; the viewer
/// refuses it before).
pub(crate) fn effect(op: &Op) -> CacheEffect {
    match op {
        Op::CacheHit { .. } | Op::CachePart { .. } => CacheEffect::Touch(
            named_parts(op)
                .unwrap_or_default()
                .into_iter()
                .map(|part| part.id)
                .collect(),
        ),
        Op::Fill { rect, .. } | Op::Palette { rect, .. } | Op::Recall { rect, .. } => {
            CacheEffect::Insert {
                rect: *rect,
                decoded: None,
                coarse: false,
            }
        }
        Op::Av1 {
            rect,
            quality,
            data,
        } => CacheEffect::Insert {
            rect: *rect,
            decoded: Some(xxh3_64(data)),
            coarse: *quality > KEPT_AV1_QUANTIZER,
        },
        Op::CopyRect { .. } | Op::Remap { .. } => CacheEffect::None,
    }
}

/// What the host keeps of an entry: the source pixels it stands for, and whether the viewer
/// holds exactly those (false: as an AV1 tile of them decoded).
#[derive(Debug)]
pub(crate) struct Held {
    pub(crate) pixels: Frame,
    pub(crate) exact: bool,
}

#[derive(Debug)]
struct Entry<V> {
    /// The key both sides agree on (what a hit's check covers).
    key: u64,
    /// The key the host finds the entry by: of the source pixels it stands for (`key`
    /// itself but for kept AV1 blocks).
    found_by: u64,
    age: u64,
    /// From a coarse AV1 tile: one of the at most `coarse_capacity`.
    coarse: bool,
    value: V,
}

/// A bounded LRU of entries by serial id, each with its content key and a `V` (the pixels on
/// the viewer, [`Held`] on the host). Several entries may hold the same key. Coarse entries
/// are at most a quarter of them: one more evicts the least recently used coarse entry.
#[derive(Debug)]
pub(crate) struct TileCache<V> {
    capacity: usize,
    entries: HashMap<u32, Entry<V>>,
    /// Found-by key → the newest live entry holding it.
    newest: HashMap<u64, u32>,
    /// Use tick → id, oldest first.
    by_age: BTreeMap<u64, u32>,
    /// The same for the coarse entries alone.
    coarse_by_age: BTreeMap<u64, u32>,
    tick: u64,
    next_id: u32,
}

impl<V> TileCache<V> {
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            capacity,
            entries: HashMap::new(),
            newest: HashMap::new(),
            by_age: BTreeMap::new(),
            coarse_by_age: BTreeMap::new(),
            tick: 0,
            next_id: 0,
        }
    }

    /// Coarse entries it keeps at most.
    fn coarse_capacity(&self) -> usize {
        self.capacity / 4
    }

    /// Entries it keeps at most.
    pub(crate) fn capacity(&self) -> usize {
        self.capacity
    }

    /// The key and value of entry `id`.
    pub(crate) fn get(&self, id: u32) -> Option<(u64, &V)> {
        self.entries.get(&id).map(|e| (e.key, &e.value))
    }

    /// True when entry `id` is live and came from a coarse AV1 tile: a hit on it is refined
    /// later, as the tile would have been.
    pub(crate) fn is_coarse(&self, id: u32) -> bool {
        self.entries.get(&id).is_some_and(|e| e.coarse)
    }

    /// True when entry `id` is live and found by `found_by`.
    pub(crate) fn holds(&self, id: u32, found_by: u64) -> bool {
        self.entries
            .get(&id)
            .is_some_and(|e| e.found_by == found_by)
    }

    /// The newest live entry found by `found_by`.
    pub(crate) fn find(&self, found_by: u64) -> Option<u32> {
        self.newest.get(&found_by).copied()
    }

    /// Ids still free before [`LAST_ID`].
    pub(crate) fn ids_left(&self) -> u32 {
        LAST_ID - self.next_id
    }

    /// Marks `id` most recently used; false when absent.
    pub(crate) fn touch(&mut self, id: u32) -> bool {
        self.tick += 1;
        let Some(entry) = self.entries.get_mut(&id) else {
            return false;
        };
        self.by_age.remove(&entry.age);
        self.by_age.insert(self.tick, id);
        if entry.coarse {
            self.coarse_by_age.remove(&entry.age);
            self.coarse_by_age.insert(self.tick, id);
        }
        entry.age = self.tick;
        true
    }

    /// Inserts `value` with content `key` under the next id, evicting the least recently used
    /// entry when full. Returns the id; `None` when the cache is off or out of ids.
    #[cfg(test)]
    pub(crate) fn insert(&mut self, key: u64, value: V) -> Option<u32> {
        self.insert_found_by(key, key, false, value)
    }

    /// As [`insert`](Self::insert), for an entry the host finds by another key than the one
    /// both sides agree on (an AV1 block, by its source pixels), among the coarse entries
    /// when `coarse`.
    pub(crate) fn insert_found_by(
        &mut self,
        key: u64,
        found_by: u64,
        coarse: bool,
        value: V,
    ) -> Option<u32> {
        if self.capacity == 0 || self.next_id == LAST_ID || (coarse && self.coarse_capacity() == 0)
        {
            return None;
        }
        if coarse && self.coarse_by_age.len() >= self.coarse_capacity() {
            if let Some((_, old)) = self.coarse_by_age.pop_first() {
                self.evict(old);
            }
        }
        if self.entries.len() >= self.capacity {
            if let Some((_, old)) = self.by_age.pop_first() {
                self.evict(old);
            }
        }
        let id = self.next_id;
        self.next_id += 1;
        self.tick += 1;
        let age = self.tick;
        self.entries.insert(
            id,
            Entry {
                key,
                found_by,
                age,
                coarse,
                value,
            },
        );
        self.by_age.insert(age, id);
        if coarse {
            self.coarse_by_age.insert(age, id);
        }
        self.newest.insert(found_by, id);
        Some(id)
    }

    /// Removes entry `id` (already gone from one of the age maps, or not).
    fn evict(&mut self, id: u32) {
        let Some(entry) = self.entries.remove(&id) else {
            return;
        };
        self.by_age.remove(&entry.age);
        self.coarse_by_age.remove(&entry.age);
        if self.newest.get(&entry.found_by) == Some(&id) {
            self.newest.remove(&entry.found_by);
        }
    }

    /// Empties the cache and restarts the ids (a keyframe).
    pub(crate) fn clear(&mut self) {
        self.entries.clear();
        self.newest.clear();
        self.by_age.clear();
        self.coarse_by_age.clear();
        self.next_id = 0;
    }
}

#[cfg(test)]
mod tests;
