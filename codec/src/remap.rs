//! Colour remaps: blocks whose new pixels are the old ones seen through one lookup table per
//! colour channel (the page dimmed behind a modal dialog, a faded area) are sent as an
//! [`Op::Remap`](crate::Op::Remap) of the pixels the viewer holds, not coded again.
//!
//! The host finds one map per frame. Each changed block whose new pixels are a function of
//! its old ones, per channel, has a map of its own (a block the dialog covers has none: one old
//! value turns into many). The blocks vote, entry by entry, and a block is sent as a remap when
//! the winners are its own map; the others are coded as before. A vote over a sample of each
//! block's pixels comes first, so that a frame that is no remap costs little. Blocks that
//! become one colour vote but are left to fills.

use crate::cache::is_solid;
use crate::{DirtyMap, FrameView, FrameViewMut};

/// Fewest changed blocks worth a remap: fewer are cheap to code, and the map costs bytes.
const MIN_BLOCKS: usize = 16;

/// The first look at each block: every 4th pixel of every 4th row.
const SAMPLE_STEP: usize = 4;

/// How far from each value it holds the map must be gentle for a block the viewer holds only
/// approximately: a refined block is a few values off the source, well within it; a hot block
/// can be further off in places, but it is refined from the source later all the same.
const GENTLE_RADIUS: usize = 16;

/// Entries of a map: 256 per channel.
const ENTRIES: usize = 3 * 256;

/// One lookup table per colour channel (blue, green, red) that maps each old value to the new
/// one; alpha is kept.
#[derive(Clone, PartialEq, Eq)]
pub struct ColourMap {
    tables: [[u8; 256]; 3],
}

impl std::fmt::Debug for ColourMap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let [b, g, r] = &self.tables;
        write!(
            f,
            "ColourMap(b 0→{} 255→{}, g 0→{} 255→{}, r 0→{} 255→{})",
            b[0], b[255], g[0], g[255], r[0], r[255]
        )
    }
}

impl ColourMap {
    /// A map from its blue, green and red tables.
    pub fn new(tables: [[u8; 256]; 3]) -> Self {
        Self { tables }
    }

    /// The map that sends `value` of channel `c` (0 blue, 1 green, 2 red) to `f(c, value)`.
    pub fn from_fn(f: impl Fn(usize, u8) -> u8) -> Self {
        let mut tables = [[0u8; 256]; 3];
        for (c, table) in tables.iter_mut().enumerate() {
            for (value, entry) in (0..=255).zip(table.iter_mut()) {
                *entry = f(c, value);
            }
        }
        Self { tables }
    }

    /// The blue, green and red tables.
    pub fn tables(&self) -> &[[u8; 256]; 3] {
        &self.tables
    }

    /// Maps every pixel of `view` in place.
    pub fn apply(&self, view: &mut FrameViewMut<'_>) {
        let [b, g, r] = &self.tables;
        for y in 0..view.height() {
            for px in view.row_mut(y).chunks_exact_mut(4) {
                px[0] = b[usize::from(px[0])];
                px[1] = g[usize::from(px[1])];
                px[2] = r[usize::from(px[2])];
            }
        }
    }

    /// Per entry (channel × 256 + value): true when every value within [`GENTLE_RADIUS`] of
    /// it maps at most as far from its image as it lies from the value, so that a pixel the
    /// viewer holds near the source (AV1) stays as near.
    fn gentle(&self) -> Vec<bool> {
        let mut gentle = vec![true; ENTRIES];
        for (c, table) in self.tables.iter().enumerate() {
            for (v, step) in table.windows(2).enumerate() {
                if step[0].abs_diff(step[1]) > 1 {
                    // The step between v and v + 1 is too steep for the values near it.
                    let near =
                        v.saturating_sub(GENTLE_RADIUS - 1)..(v + GENTLE_RADIUS + 1).min(256);
                    gentle[c * 256 + near.start..c * 256 + near.end].fill(false);
                }
            }
        }
        gentle
    }
}

/// A frame's remap: the map and the blocks it paints exactly.
#[derive(Debug)]
pub(crate) struct Remap {
    pub(crate) map: ColourMap,
    pub(crate) blocks: DirtyMap,
}

/// One entry of a block's own map: `at` is channel × 256 + old value.
#[derive(Debug, Clone, Copy)]
struct Entry {
    at: u16,
    new: u8,
}

/// The map most of the `candidates` blocks of `base` turn into `new` through, and those
/// blocks, when at least [`MIN_BLOCKS`] do. `approx(col, row)` says the viewer holds a block
/// only approximately: such a block is taken only where the map is gentle (see
/// [`ColourMap::gentle`]).
pub(crate) fn find(
    base: &FrameView<'_>,
    new: &FrameView<'_>,
    candidates: &DirtyMap,
    approx: impl Fn(u32, u32) -> bool,
) -> Option<Remap> {
    if candidates.count() < MIN_BLOCKS {
        return None;
    }
    let mut all = Vec::new();
    for (col, row) in candidates.iter_dirty() {
        let rect = candidates.block_rect(col, row);
        let solid = is_solid(&new.sub(rect).ok()?);
        // A block that became one colour tells the map only where it was one colour too:
        // else it is text or a picture cleared (everything to one value), no dimming.
        if !solid || is_solid(&base.sub(rect).ok()?) {
            all.push((col, row, solid));
        }
    }
    // A sample of each block first: on a frame that is no remap, most blocks fail here.
    let (sampled, _, _) = agreeing(base, new, candidates, &all, SAMPLE_STEP)?;
    let sampled: Vec<_> = sampled.iter().map(|b| (b.col, b.row, b.solid)).collect();
    let (blocks, own, vote) = agreeing(base, new, candidates, &sampled, 1)?;
    // A block of one colour votes (the map of a dimmed page is mostly its background's) but
    // is left to a fill: as cheap, and it needs nothing the viewer holds.
    let taken: Vec<_> = blocks.into_iter().filter(|b| !b.solid).collect();
    let map = vote.map(taken.iter().flat_map(|b| &own.entries[b.entries.clone()]));
    let gentle = map.gentle();
    let mut mapped = DirtyMap::new(
        candidates.width(),
        candidates.height(),
        candidates.block_size(),
    );
    for b in taken {
        let entries = &own.entries[b.entries];
        if !approx(b.col, b.row) || entries.iter().all(|e| gentle[usize::from(e.at)]) {
            mapped.set(b.col, b.row, true);
        }
    }
    (mapped.count() >= MIN_BLOCKS).then_some(Remap {
        map,
        blocks: mapped,
    })
}

/// A block whose own map agrees with the vote.
struct Agreeing {
    col: u32,
    row: u32,
    /// Its map, in [`OwnMaps::entries`].
    entries: std::ops::Range<usize>,
    /// Its new pixels are one colour.
    solid: bool,
}

/// The `blocks` (column, row, one colour before and after) whose own maps over every `step`th
/// pixel of every `step`th row agree with the vote of all of them, with their maps and the
/// vote; `None` when fewer than [`MIN_BLOCKS`] agree.
fn agreeing(
    base: &FrameView<'_>,
    new: &FrameView<'_>,
    grid: &DirtyMap,
    blocks: &[(u32, u32, bool)],
    step: usize,
) -> Option<(Vec<Agreeing>, OwnMaps, Vote)> {
    let mut own = OwnMaps::default();
    let mut found = Vec::new();
    for &(col, row, solid) in blocks {
        let rect = grid.block_rect(col, row);
        let (old, now) = (base.sub(rect).ok()?, new.sub(rect).ok()?);
        // One colour before and after: its first pixel is its map.
        let step = if solid { rect.width as usize } else { step };
        if let Some(entries) = own.add(&old, &now, step) {
            found.push(Agreeing {
                col,
                row,
                entries,
                solid,
            });
        }
    }
    let mut vote = Vote::default();
    for b in &found {
        own.entries[b.entries.clone()]
            .iter()
            .for_each(|&e| vote.cast(e));
    }
    found.retain(|b| own.entries[b.entries.clone()].iter().all(|&e| vote.won(e)));
    (found.len() >= MIN_BLOCKS).then_some((found, own, vote))
}

/// The maps of a frame's blocks, one after the other in `entries`.
struct OwnMaps {
    entries: Vec<Entry>,
    /// Per entry: the number of the block that set it last (from 1), and the value it set.
    stamp: Vec<(u32, u8)>,
    blocks: u32,
}

impl Default for OwnMaps {
    fn default() -> Self {
        Self {
            entries: Vec::new(),
            stamp: vec![(0, 0); ENTRIES],
            blocks: 0,
        }
    }
}

impl OwnMaps {
    /// The block's own map over every `step`th pixel of every `step`th row, as a range of
    /// `entries`: `None` when one old value of a channel becomes two new ones, or a pixel's
    /// alpha changes.
    fn add(
        &mut self,
        old: &FrameView<'_>,
        new: &FrameView<'_>,
        step: usize,
    ) -> Option<std::ops::Range<usize>> {
        self.blocks += 1;
        let start = self.entries.len();
        let pixel = |p: &[u8]| u32::from_ne_bytes([p[0], p[1], p[2], p[3]]);
        // The pair of the pixel before: runs of one colour (most of a UI) are checked once.
        let mut last = None;
        for y in (0..old.height()).step_by(step) {
            let pixels = old.row(y).chunks_exact(4).zip(new.row(y).chunks_exact(4));
            for (o, n) in pixels.step_by(step) {
                let pair = Some((pixel(o), pixel(n)));
                if pair == last {
                    continue;
                }
                last = pair;
                let fits =
                    o[3] == n[3] && (0..3).all(|c| self.fits(c * 256 + usize::from(o[c]), n[c]));
                if !fits {
                    self.entries.truncate(start);
                    return None;
                }
            }
        }
        Some(start..self.entries.len())
    }

    fn fits(&mut self, at: usize, new: u8) -> bool {
        let (block, value) = &mut self.stamp[at];
        if *block == self.blocks {
            return *value == new;
        }
        (*block, *value) = (self.blocks, new);
        // `at` < ENTRIES, which fits.
        self.entries.push(Entry { at: at as u16, new });
        true
    }
}

/// A majority vote per entry (Boyer–Moore: the winner is the majority when there is one),
/// one vote per block.
struct Vote {
    winner: [u8; ENTRIES],
    lead: [u32; ENTRIES],
}

impl Default for Vote {
    fn default() -> Self {
        Self {
            winner: [0; ENTRIES],
            lead: [0; ENTRIES],
        }
    }
}

impl Vote {
    fn cast(&mut self, e: Entry) {
        let at = usize::from(e.at);
        if self.winner[at] == e.new {
            self.lead[at] += 1;
        } else if self.lead[at] == 0 {
            (self.winner[at], self.lead[at]) = (e.new, 1);
        } else {
            self.lead[at] -= 1;
        }
    }

    fn won(&self, e: Entry) -> bool {
        self.winner[usize::from(e.at)] == e.new
    }

    /// The map of the winning `used` entries; entries no block uses lie between their used
    /// neighbours, so each table stays smooth (and small on the wire).
    fn map<'a>(&self, used: impl Iterator<Item = &'a Entry>) -> ColourMap {
        let mut known = [false; ENTRIES];
        for e in used {
            known[usize::from(e.at)] = true;
        }
        let mut tables = [[0u8; 256]; 3];
        for (c, table) in tables.iter_mut().enumerate() {
            let known: Vec<(usize, u8)> = (0..256)
                .filter(|&v| known[c * 256 + v])
                .map(|v| (v, self.winner[c * 256 + v]))
                .collect();
            for (v, entry) in table.iter_mut().enumerate() {
                let after = known.partition_point(|&(k, _)| k < v);
                *entry = match (after.checked_sub(1).map(|a| known[a]), known.get(after)) {
                    (_, Some(&(k, value))) if k == v => value,
                    (Some((a, va)), Some(&(b, vb))) => {
                        let t = (v - a) as f32 / (b - a) as f32;
                        (f32::from(va) + t * (f32::from(vb) - f32::from(va))).round() as u8
                    }
                    (Some((_, value)), None) | (None, Some(&(_, value))) => value,
                    (None, None) => v as u8,
                };
            }
        }
        ColourMap { tables }
    }
}

#[cfg(test)]
mod tests;
