//! The tile cache: blocks the viewer already holds, by a content hash of their pixels.
//!
//! Host and viewer each keep one, and change it by the same rule in the same order, so they
//! agree without messages: after an update, every grid block lying wholly inside a `Fill` or
//! `Palette` op (exact pixels on both sides) is inserted, and every `CacheHit` touches its
//! entry; the least recently used entry goes when the cache is full. The host names an entry
//! (`Op::CacheHit`) only when its mirror holds it, so a miss on the viewer means the two
//! disagree: an error that asks for a refresh, never wrong pixels.

use std::collections::{BTreeMap, HashMap};

use xxhash_rust::xxh3::Xxh3;

use crate::{FrameView, Op, Rect, BLOCK_SIZE};

/// Entries kept by default: two full 1080p screens of 32×32 blocks (with pixels, 32 MiB on
/// the viewer), so switching back to an application seen before is all hits.
pub const DEFAULT_CACHE_BLOCKS: usize = 8192;

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

/// The grid blocks (clipped to a `width`×`height` frame) that lie wholly inside `rect`.
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

/// What an op does to the cache, in op order: the keys it touches and the blocks it inserts.
pub(crate) enum CacheEffect {
    /// `Op::CacheHit`: the entry becomes the most recently used.
    Touch(u64),
    /// `Fill` / `Palette`: these blocks' final pixels go in.
    Insert(Rect),
    /// Ops whose pixels are not exact on both sides (AV1) or only move pixels (CopyRect).
    None,
}

/// The cache rule for one op.
pub(crate) fn effect(op: &Op) -> CacheEffect {
    match op {
        Op::CacheHit { key, .. } => CacheEffect::Touch(*key),
        Op::Fill { rect, .. } | Op::Palette { rect, .. } => CacheEffect::Insert(*rect),
        _ => CacheEffect::None,
    }
}

/// A bounded LRU map from content key to `V` (the pixels on the viewer, nothing on the host).
#[derive(Debug)]
pub(crate) struct TileCache<V> {
    capacity: usize,
    entries: HashMap<u64, (u64, V)>,
    /// Use tick → key, oldest first.
    by_age: BTreeMap<u64, u64>,
    tick: u64,
}

impl<V> TileCache<V> {
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            capacity,
            entries: HashMap::new(),
            by_age: BTreeMap::new(),
            tick: 0,
        }
    }

    pub(crate) fn contains(&self, key: u64) -> bool {
        self.entries.contains_key(&key)
    }

    pub(crate) fn get(&self, key: u64) -> Option<&V> {
        self.entries.get(&key).map(|(_, v)| v)
    }

    /// Marks `key` most recently used; false when absent.
    pub(crate) fn touch(&mut self, key: u64) -> bool {
        self.tick += 1;
        let Some((age, _)) = self.entries.get_mut(&key) else {
            return false;
        };
        self.by_age.remove(age);
        *age = self.tick;
        self.by_age.insert(self.tick, key);
        true
    }

    /// Inserts or refreshes `key`, evicting the least recently used entry when full.
    pub(crate) fn insert(&mut self, key: u64, value: V) {
        if self.capacity == 0 {
            return;
        }
        if self.touch(key) {
            return;
        }
        if self.entries.len() >= self.capacity {
            if let Some((_, old)) = self.by_age.pop_first() {
                self.entries.remove(&old);
            }
        }
        self.entries.insert(key, (self.tick, value));
        self.by_age.insert(self.tick, key);
    }

    pub(crate) fn clear(&mut self) {
        self.entries.clear();
        self.by_age.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Frame;

    #[test]
    fn least_recently_used_goes_first() {
        let mut cache = TileCache::new(2);
        cache.insert(1, 'a');
        cache.insert(2, 'b');
        assert!(cache.touch(1));
        cache.insert(3, 'c'); // evicts 2, the least recently used
        assert_eq!(
            (cache.get(1), cache.get(2), cache.get(3)),
            (Some(&'a'), None, Some(&'c'))
        );
        assert!(!cache.touch(2));
        assert_eq!(cache.entries.len(), 2);
    }

    #[test]
    fn keys_depend_on_pixels_and_size() {
        let a = Frame::filled(64, 32, [1, 2, 3, 255]).unwrap();
        let mut b = a.clone();
        let left = Rect::new(0, 0, 32, 32);
        let right = Rect::new(32, 0, 32, 32);
        assert_eq!(
            key_of(&a.view().sub(left).unwrap()),
            key_of(&a.view().sub(right).unwrap())
        );
        b.view_mut()
            .sub_mut(Rect::new(40, 31, 1, 1))
            .unwrap()
            .fill([1, 2, 4, 255]);
        assert_ne!(
            key_of(&a.view().sub(right).unwrap()),
            key_of(&b.view().sub(right).unwrap())
        );
        let wide = a.view().sub(Rect::new(0, 0, 64, 16)).unwrap();
        let tall = a.view().sub(Rect::new(0, 0, 32, 32)).unwrap();
        assert_ne!(key_of(&wide), key_of(&tall), "same bytes, other shape");
    }

    #[test]
    fn only_whole_grid_blocks_inside_a_rect() {
        let blocks: Vec<Rect> = blocks_inside(Rect::new(10, 0, 100, 64), 1000, 1000).collect();
        assert_eq!(
            blocks,
            vec![
                Rect::new(32, 0, 32, 32),
                Rect::new(64, 0, 32, 32),
                Rect::new(32, 32, 32, 32),
                Rect::new(64, 32, 32, 32),
            ]
        );
        // Clipped edge blocks count as whole at the frame's edge.
        let edge: Vec<Rect> = blocks_inside(Rect::new(64, 64, 36, 20), 100, 84).collect();
        assert_eq!(
            edge,
            vec![Rect::new(64, 64, 32, 20), Rect::new(96, 64, 4, 20)]
        );
    }
}
