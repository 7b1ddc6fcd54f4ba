//! Motion: regions that scrolled or slid between the last frame sent and the new one become
//! `CopyRect` ops, so only the newly exposed strips are encoded.
//!
//! Candidates come from probes: a few distinctive 32-pixel row segments of changed blocks are
//! looked up in the base frame along their column (vertical scroll) and along their row
//! (horizontal scroll), or failing both, all around them and all around where last frame's
//! vectors would take them (a dragged window: where it went, or as far again as last time),
//! and the offsets vote; last frame's vectors are always tried first,
//! as scrolls and drags go on for many frames. Each dirty block then takes the first candidate
//! under which its new pixels equal the base pixels *exactly* — a verified copy is never
//! wrong, whatever the probes guessed — and blocks sharing a vector merge into copy rects.
//! A block no vector explains whole may still be explained in parts (see `split`): then only
//! its rows in between are left to code.

use std::ops::RangeInclusive;

use crate::{planner, DirtyMap, FrameView, Op, Rect, BLOCK_SIZE};

mod split;
use split::{Split, STILL};

/// Columns of blocks probed per frame at most (spread over the dirty ones).
const PROBE_COLUMNS: usize = 16;
/// Probe rows per probed column.
const PROBES_PER_COLUMN: usize = 3;
/// How far a window may be dragged between two frames, in pixels along each axis, to be
/// found as a move (at 30 fps, 480 px/s; scrolls are found over any distance), and how much
/// a drag may speed up or slow down from one frame to the next to be followed at any speed.
const DRAG_RANGE: u32 = 16;
/// Probes per frame that search around themselves for a drag (each compares
/// (2 × [`DRAG_RANGE`] + 1)² places): enough votes for a window, a bounded cost when nothing
/// moved (video, typing).
const DRAG_PROBES: usize = 48;
/// How far a window may be dragged between two frames to be found without last frame's
/// vector to follow (at 30 fps, 1,920 px/s: a drag that starts fast, or goes on after a
/// frame it was missed in), searched only in frames where nothing else was found.
/// Measured on a real drag (openbox, xterm, 17 px a step): the 12 probes took 0.5 ms at
/// 128 px, 0.2 ms at 64, reading the rows around them; a video pays it every frame.
const WIDE_RANGE: u32 = 64;
/// Probes per frame that search as far as [`WIDE_RANGE`]: the middle probe of a column,
/// spread over the columns. On that drag the wide search found its first step with 12,
/// not with 6 (each compares (2 × [`WIDE_RANGE`] + 1)² places, one load each).
const WIDE_PROBES: usize = 12;
/// Changed blocks a frame needs for the wide search: a moved window changes its old and new
/// place; a pointer, a caret or a few typed letters are not worth it.
const WIDE_MIN_BLOCKS: usize = 32;
/// A probe matching more places than this (blank lines, repeated rows) does not vote.
const MAX_MATCHES_PER_PROBE: usize = 4;
/// Voted candidates tried per frame, besides last frame's vectors.
const MAX_VOTED: usize = 4;
/// Largest rect of rows left to code by blocks moved in parts (pixels; the planner's bound).
const MAX_RESIDUAL_AREA: u64 = (planner::MAX_RECT_BLOCKS as u64 * BLOCK_SIZE as u64).pow(2);

/// What [`Motion::detect`] found in a frame.
#[derive(Debug, Default)]
pub(crate) struct Moves {
    /// Copy ops, in the order they must be applied.
    pub(crate) copies: Vec<Op>,
    /// The lines (rows or columns) of blocks moved in parts that are new: to be coded, joined
    /// into strips.
    pub(crate) residuals: Vec<Rect>,
}

/// A displacement: the new pixels at `(x, y)` are the base pixels at `(x + dx, y + dy)`.
type Vector = (i32, i32);

/// Motion state across frames: the vectors that matched last time.
#[derive(Debug, Default)]
pub(crate) struct Motion {
    previous: Vec<Vector>,
}

impl Motion {
    /// Finds dirty blocks of `new` that are copies of `base` pixels elsewhere, whole or in
    /// parts, clears them from `dirty` and returns the copies (ordered so no copy overwrites
    /// a later copy's source) and what is left to code of the blocks moved in parts.
    /// `base` and `new` have the size of `dirty`'s frame.
    pub(crate) fn detect(
        &mut self,
        base: &FrameView<'_>,
        new: &FrameView<'_>,
        dirty: &mut DirtyMap,
    ) -> Moves {
        // A frame without changes (the screen redrawn slower than it is captured) leaves a
        // drag or scroll going on, and last frame's vectors stay the ones to try first.
        if dirty.is_clean() {
            return Moves::default();
        }
        let mut candidates = self.candidates(base, new, dirty);
        let mut masks = assign(base, new, dirty, &candidates);
        most_first(base, new, dirty, &mut candidates, &mut masks);
        fill_gaps(base, new, dirty, &candidates, &mut masks);
        // Blocks that no vector explains whole may still be explained in parts, by the
        // vectors that explain some whole blocks.
        let moving: Vec<Vector> = candidates
            .iter()
            .zip(&masks)
            .filter(|(_, mask)| mask.count() > 0)
            .map(|(&vector, _)| vector)
            .collect();
        let mut splits: Vec<Split> = dirty
            .iter_dirty()
            .filter(|_| !moving.is_empty())
            .filter(|&(col, row)| !masks.iter().any(|m| m.is_dirty(col, row)))
            .filter_map(|(col, row)| split::split(base, new, dirty.block_rect(col, row), &moving))
            .collect();
        split::align(&mut splits);
        // Each copy with the splits it serves (none: whole blocks), the rect nearest the
        // motion's front first: its source is not read again.
        let mut copies: Vec<(Rect, Vector, Vec<usize>)> = Vec::new();
        for (&vector, mask) in candidates.iter().zip(&masks) {
            let mut rects: Vec<(Rect, Vec<usize>)> = planner::merge(mask, u32::MAX)
                .into_iter()
                .map(|rect| (rect, Vec::new()))
                .collect();
            let parts = splits.iter().enumerate().flat_map(|(i, s)| {
                s.copies()
                    .filter(move |&(_, v)| v == vector)
                    .map(move |(rect, _)| (rect, i))
            });
            rects.extend(split::join(parts.collect(), u64::MAX));
            rects.sort_by_key(|(r, _)| {
                (
                    r.y as i64 * vector.1.signum() as i64,
                    r.x as i64 * vector.0.signum() as i64,
                )
            });
            copies.extend(rects.into_iter().map(|(rect, from)| (rect, vector, from)));
        }
        let copies = in_safe_order(copies);
        // Keep a copy only if no earlier copy wrote into its source (copies caught in a
        // cycle); a split block that loses a part is coded whole.
        let mut kept: Vec<Op> = Vec::new();
        let mut used = Vec::new();
        let mut broken = vec![false; splits.len()];
        for (dst, vector, from) in copies {
            let src = split::source(dst, vector);
            if kept.iter().any(|k| k.rect().intersect(&src).is_some()) {
                from.iter().for_each(|&i| broken[i] = true);
                continue;
            }
            if from.is_empty() {
                for block in crate::cache::blocks_inside(dst, dirty.width(), dirty.height()) {
                    dirty.set(block.x / BLOCK_SIZE, block.y / BLOCK_SIZE, false);
                }
            }
            if !used.contains(&vector) {
                used.push(vector);
            }
            kept.push(split::copy_op(dst, vector));
        }
        let mut residuals = Vec::new();
        for (i, s) in splits.iter().enumerate().filter(|&(i, _)| !broken[i]) {
            dirty.set(s.block.x / BLOCK_SIZE, s.block.y / BLOCK_SIZE, false);
            residuals.extend(s.residual().map(|rect| (rect, i)));
        }
        self.previous = used;
        Moves {
            copies: kept,
            residuals: split::join(residuals, MAX_RESIDUAL_AREA)
                .into_iter()
                .map(|(rect, _)| rect)
                .collect(),
        }
    }

    /// Last frame's vectors, then the best-voted probe offsets.
    fn candidates(
        &self,
        base: &FrameView<'_>,
        new: &FrameView<'_>,
        dirty: &DirtyMap,
    ) -> Vec<Vector> {
        let mut votes = Votes::default();
        let columns: Vec<u32> = (0..dirty.cols())
            .filter(|&c| (0..dirty.rows()).filter(|&r| dirty.is_dirty(c, r)).count() >= 2)
            .collect();
        let step = columns.len().div_ceil(PROBE_COLUMNS).max(1);
        let mut drag_searches = DRAG_PROBES;
        // The probe in the middle of each column's changed blocks: inside a moved window
        // more often than at the edges of what changed, which a drag uncovers.
        let mut middles = Vec::new();
        for &col in columns.iter().step_by(step) {
            let rows: Vec<u32> = (0..dirty.rows())
                .filter(|&r| dirty.is_dirty(col, r))
                .collect();
            // The others near its first and last changed block, one block in where there
            // are five or more: the first and last are the edges of what changed (a window's
            // edge, a strip a drag uncovers), whose rows seldom match anywhere whole. Probed,
            // they searched everything and found nothing; one block in, they find the motion
            // (window-drag: 6 % fewer instructions; frames where a vector was missed, as
            // window-drag's 44th and scroll-back's 144th, are copied whole).
            let inner = usize::from(rows.len() >= 5);
            let picks = [inner, rows.len() / 2, rows.len() - 1 - inner];
            for (k, &i) in picks.iter().take(PROBES_PER_COLUMN).enumerate() {
                let block = dirty.block_rect(col, rows[i]);
                let Some(probe_at) = distinctive_row(new, block).map(|y| (block.x, y, block.width))
                else {
                    continue;
                };
                let Some(p) = Probe::new(new, probe_at) else {
                    continue;
                };
                // A probe that last frame's vectors explain (a scroll or drag going on)
                // needs no search: they are tried first anyway. Nor does one that did not
                // change (the still part of a block, as wallpaper beside a dragged window's
                // edge): it says nothing of where anything went, and found nothing in a
                // full search (window-drag: 6–22 of the ~28 probes a frame that searched).
                // One that a vector other probes found explains votes for it without
                // searching.
                if std::iter::once(STILL)
                    .chain(self.previous.iter().copied())
                    .any(|v| p.moved_by(base, v))
                {
                    continue;
                }
                let known = votes.confirmed().find(|&v| p.moved_by(base, v));
                let found = known.map_or_else(
                    || probe(base, &p, &self.previous, &mut drag_searches),
                    |vector| vec![vector],
                );
                found.into_iter().for_each(|vector| votes.add(vector));
                if k == 1 {
                    middles.push(p);
                }
            }
        }
        // A drag that starts faster than a search around the window reaches has no vector
        // from last frame to follow: a few probes look further.
        let none_voted = votes.confirmed().next().is_none();
        if none_voted && self.previous.is_empty() && dirty.count() >= WIDE_MIN_BLOCKS {
            let step = middles.len().div_ceil(WIDE_PROBES).max(1);
            for p in middles.iter().step_by(step) {
                let mut found = Vec::new();
                p.look_around(base, (0, 0), WIDE_RANGE, &mut found);
                for vector in unambiguous(found) {
                    votes.add(vector);
                }
            }
        }
        let mut candidates = self.previous.clone();
        for vector in votes.best(MAX_VOTED) {
            if !candidates.contains(&vector) {
                candidates.push(vector);
            }
        }
        candidates
    }
}

/// The offsets probes found, with how many found each, in the order first found.
#[derive(Debug, Default)]
struct Votes(Vec<(Vector, u32)>);

impl Votes {
    fn add(&mut self, vector: Vector) {
        match self.0.iter_mut().find(|(v, _)| *v == vector) {
            Some((_, n)) => *n += 1,
            None => self.0.push((vector, 1)),
        }
    }

    /// The offsets at least two probes found: one probe alone may be a coincidence.
    fn confirmed(&self) -> impl Iterator<Item = Vector> + '_ {
        self.0.iter().filter(|&&(_, n)| n >= 2).map(|&(v, _)| v)
    }

    /// The `count` confirmed offsets found most often (ties: the smaller offset first).
    fn best(mut self, count: usize) -> Vec<Vector> {
        self.0.retain(|&(_, n)| n >= 2);
        self.0.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        self.0.into_iter().take(count).map(|(v, _)| v).collect()
    }
}

/// `copies` (destination, vector, what it serves) reordered so that none writes into the
/// source of a copy after it, each taken as early as that allows; where copies overwrite
/// each other's sources in a cycle, the first left goes next.
///
/// One vector's rects need this too: a window dragged down and right is a big rect and thin
/// strips at its edges, and sorted by row alone, a strip left of the window and lower than
/// its top went first and wrote into the big rect's source, which was then dropped
/// (measured on a real drag: 52 of 662 changed blocks copied instead of 591).
fn in_safe_order<T>(copies: Vec<(Rect, Vector, T)>) -> Vec<(Rect, Vector, T)> {
    let n = copies.len();
    let sources: Vec<Rect> = copies
        .iter()
        .map(|(dst, v, _)| split::source(*dst, *v))
        .collect();
    // waits[i]: the copies whose sources copy i overwrites, still to be taken.
    let mut waits: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut pending = vec![0usize; n];
    for (i, (dst, _, _)) in copies.iter().enumerate() {
        for (j, src) in sources.iter().enumerate() {
            if i != j && dst.intersect(src).is_some() {
                waits[j].push(i);
                pending[i] += 1;
            }
        }
    }
    let mut taken = vec![false; n];
    let mut order = Vec::with_capacity(n);
    while order.len() < n {
        let free = |i: &usize| !taken[*i] && pending[*i] == 0;
        let next = (0..n)
            .find(free)
            .or_else(|| (0..n).find(|&i| !taken[i]))
            .unwrap_or(0);
        taken[next] = true;
        order.push(next);
        for &i in &waits[next] {
            pending[i] = pending[i].saturating_sub(1);
        }
    }
    let mut slots: Vec<Option<(Rect, Vector, T)>> = copies.into_iter().map(Some).collect();
    order.into_iter().filter_map(|i| slots[i].take()).collect()
}

/// For each candidate, the dirty blocks it is the first to explain exactly.
fn assign(
    base: &FrameView<'_>,
    new: &FrameView<'_>,
    dirty: &DirtyMap,
    candidates: &[Vector],
) -> Vec<DirtyMap> {
    let mut masks: Vec<DirtyMap> = candidates.iter().map(|_| empty_like(dirty)).collect();
    for (col, row) in dirty.iter_dirty() {
        let block = dirty.block_rect(col, row);
        if let Some(i) = candidates
            .iter()
            .position(|&v| block_moved(base, new, block, v))
        {
            masks[i].set(col, row, true);
        }
    }
    masks
}

/// Puts the vector that explains the most blocks first, and so on, and gives each block to
/// the first vector in that order that explains it, as [`assign`] in that order would: its
/// copies are emitted first, and blocks that several vectors explain (blank rows) should
/// follow the main motion rather than cut it into pieces whose sources the other copies
/// overwrite. Only vectors that now come earlier and were not tried for a block are tried.
fn most_first(
    base: &FrameView<'_>,
    new: &FrameView<'_>,
    dirty: &DirtyMap,
    candidates: &mut Vec<Vector>,
    masks: &mut Vec<DirtyMap>,
) {
    let mut order: Vec<usize> = (0..candidates.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(masks[i].count()));
    if order.iter().enumerate().all(|(k, &i)| k == i) {
        return;
    }
    for (k, &i) in order.iter().enumerate() {
        // Blocks of candidate `i`: every candidate before `i` failed them.
        let untried: Vec<usize> = order[..k].iter().copied().filter(|&j| j > i).collect();
        if untried.is_empty() {
            continue;
        }
        let blocks: Vec<(u32, u32)> = masks[i].iter_dirty().collect();
        for (col, row) in blocks {
            let block = dirty.block_rect(col, row);
            if let Some(&j) = untried
                .iter()
                .find(|&&j| block_moved(base, new, block, candidates[j]))
            {
                masks[i].set(col, row, false);
                masks[j].set(col, row, true);
            }
        }
    }
    *candidates = order.iter().map(|&i| candidates[i]).collect();
    let mut taken: Vec<Option<DirtyMap>> = masks.drain(..).map(Some).collect();
    *masks = order.iter().filter_map(|&i| taken[i].take()).collect();
}

/// Widens each candidate's blocks over the unchanged blocks within their bounding box that
/// also equal the base moved by its vector, as blank lines and line ends in a scrolled page
/// do: copied along, they cost nothing, and the copy becomes a few big rects instead of one
/// per ragged run of changed blocks.
fn fill_gaps(
    base: &FrameView<'_>,
    new: &FrameView<'_>,
    dirty: &DirtyMap,
    candidates: &[Vector],
    masks: &mut [DirtyMap],
) {
    for (i, &vector) in candidates.iter().enumerate() {
        let Some((c0, r0, c1, r1)) = masks[i].iter_dirty().fold(None, |b, (c, r)| {
            let (c0, r0, c1, r1) = b.unwrap_or((c, r, c, r));
            Some((c0.min(c), r0.min(r), c1.max(c), r1.max(r)))
        }) else {
            continue;
        };
        for row in r0..=r1 {
            for col in c0..=c1 {
                let free = !dirty.is_dirty(col, row) && !masks.iter().any(|m| m.is_dirty(col, row));
                if free && block_moved(base, new, dirty.block_rect(col, row), vector) {
                    masks[i].set(col, row, true);
                }
            }
        }
    }
}

fn empty_like(map: &DirtyMap) -> DirtyMap {
    DirtyMap::new(map.width(), map.height(), map.block_size())
}

/// The bytes of `width` pixels from (`x`, `y`).
fn segment<'a>(view: &FrameView<'a>, x: u32, y: u32, width: u32) -> &'a [u8] {
    &view.row(y)[x as usize * 4..(x + width) as usize * 4]
}

/// A row of `block` (not its frame's first) whose segment is not one flat colour and differs
/// from the row above: that edge, with the row above it, says where it came from, where a
/// flat row or the inside of a flat shape would match everywhere.
fn distinctive_row(view: &FrameView<'_>, block: Rect) -> Option<u32> {
    let middle = block.y + block.height / 2;
    (middle..block.y + block.height)
        .chain(block.y..middle)
        .find(|&y| {
            let seg = segment(view, block.x, y, block.width);
            let flat = seg.chunks_exact(4).all(|px| px == &seg[..4]);
            y > 0 && !flat && seg != segment(view, block.x, y - 1, block.width)
        })
}

/// A distinctive row segment of the new frame, at (`x`, `y`), `width` pixels, and the one
/// above it: where it appears in the base frame says where its block came from.
struct Probe<'a> {
    x: u32,
    y: u32,
    width: u32,
    seg: &'a [u8],
    above: &'a [u8],
    /// Two pixels of the segment across its first edge, `head_at` pixels from its left:
    /// places are compared on these first (one load each), whole only where they match.
    /// An edge, not the start: a segment often starts on background, found everywhere.
    head: u64,
    head_at: u32,
}

impl<'a> Probe<'a> {
    /// The probe at (`x`, `y`) (not the first row); `None` when narrower than two pixels.
    fn new(new: &FrameView<'a>, (x, y, width): (u32, u32, u32)) -> Option<Self> {
        let seg = segment(new, x, y, width);
        let pixel = |i: usize| seg.get(i * 4..i * 4 + 4);
        let edge = (1..width as usize)
            .find(|&i| pixel(i) != pixel(i - 1))
            .unwrap_or(1);
        Some(Self {
            x,
            y,
            width,
            seg,
            above: segment(new, x, y - 1, width),
            head: head_at(seg, (edge - 1) * 4)?,
            head_at: edge as u32 - 1,
        })
    }

    /// The places `xs` of row `y` of `base` where the probe may start: its head is there.
    fn starts_in_row<'b>(
        &self,
        base: &FrameView<'b>,
        y: u32,
        xs: RangeInclusive<u32>,
    ) -> impl Iterator<Item = u32> + 'b {
        let k = self.head_at;
        heads_in_row(base, y, xs.start() + k..=xs.end() + k, self.head).map(move |x| x - k)
    }

    /// True when the probe's rows are at (`bx`, `by`) in `base` (not its first row; the
    /// segment inside the frame).
    fn is_at(&self, base: &FrameView<'_>, bx: u32, by: u32) -> bool {
        segment(base, bx, by, self.width) == self.seg
            && segment(base, bx, by - 1, self.width) == self.above
    }

    /// True when `vector` takes the probe to its rows in `base`.
    fn moved_by(&self, base: &FrameView<'_>, (dx, dy): Vector) -> bool {
        let (bx, by) = (
            i64::from(self.x) + i64::from(dx),
            i64::from(self.y) + i64::from(dy),
        );
        let fits = bx >= 0
            && by >= 1
            && bx + i64::from(self.width) <= i64::from(base.width())
            && by < i64::from(base.height());
        fits && self.is_at(base, bx as u32, by as u32)
    }

    /// Records the offset to (`bx`, `by`) when the probe's rows are there in `base`; once
    /// the probe is known to be ambiguous, nothing is compared whole any more.
    fn look(&self, base: &FrameView<'_>, bx: u32, by: u32, found: &mut Vec<Vector>) {
        if found.len() <= MAX_MATCHES_PER_PROBE && self.is_at(base, bx, by) {
            found.push((bx as i32 - self.x as i32, by as i32 - self.y as i32));
        }
    }

    /// Looks at the places within `reach` of where `centre` takes the probe, but in its own
    /// row and column (searched along before).
    fn look_around(
        &self,
        base: &FrameView<'_>,
        (cx, cy): Vector,
        reach: u32,
        found: &mut Vec<Vector>,
    ) {
        let (w, h) = (base.width(), base.height());
        // The places within `reach` of `at` moved by `centre`, up to `last`; none when they
        // are all off the frame (a fast drag near its edge).
        let around = |at: u32, centre: i32, last: u32| {
            let at = i64::from(at) + i64::from(centre);
            let reach = i64::from(reach);
            let (lo, hi) = ((at - reach).max(0), (at + reach).min(i64::from(last)));
            (lo <= hi).then_some(lo as u32..=hi as u32)
        };
        let ys = around(self.y, cy, h - 1);
        let (Some(ys), Some(xs)) = (ys, around(self.x, cx, w - self.width)) else {
            return;
        };
        for by in ys.filter(|&by| by != self.y && by > 0) {
            for bx in self.starts_in_row(base, by, xs.clone()) {
                if bx != self.x {
                    self.look(base, bx, by, found);
                }
            }
        }
    }
}

/// The offsets a probe found, or none when it appeared too often to say anything.
fn unambiguous(mut found: Vec<Vector>) -> Vec<Vector> {
    if found.len() > MAX_MATCHES_PER_PROBE {
        found.clear();
    }
    found
}

/// Offsets under which `probe` appears in `base`: along its column (within half the
/// height), along its row (within half the width), or else anywhere within [`DRAG_RANGE`]
/// of it or of where one of the `previous` vectors takes it (a dragged window moves both
/// ways at once; while `drag_searches` lasts).
fn probe(
    base: &FrameView<'_>,
    probe: &Probe<'_>,
    previous: &[Vector],
    drag_searches: &mut usize,
) -> Vec<Vector> {
    let (x, y) = (probe.x, probe.y);
    let (w, h) = (base.width(), base.height());
    let mut found = Vec::new();
    let (y0, y1) = (y.saturating_sub(h / 2).max(1), (y + h / 2).min(h - 1));
    let head_x = x + probe.head_at;
    for by in heads_in_column(base, head_x, y0..=y1, probe.head).filter(|&by| by != y) {
        probe.look(base, x, by, &mut found);
    }
    // Only a probe that did not scroll vertically looks along its row, and only one that
    // did not scroll at all looks around for a drag (so many per frame).
    if found.is_empty() {
        let (x0, x1) = (x.saturating_sub(w / 2), (x + w / 2).min(w - probe.width));
        for bx in probe.starts_in_row(base, y, x0..=x1) {
            if bx != x {
                probe.look(base, bx, y, &mut found);
            }
        }
    }
    // Around where the probe was, then where a drag going on as fast as last frame's took
    // it (sideways at least: a vertical vector is a scroll, searched along the column).
    let previous_drags = previous.iter().copied().filter(|&(dx, _)| dx != 0);
    for centre in std::iter::once((0, 0)).chain(previous_drags) {
        if !found.is_empty() || *drag_searches == 0 {
            break;
        }
        *drag_searches -= 1;
        probe.look_around(base, centre, DRAG_RANGE, &mut found);
    }
    unambiguous(found)
}

/// The two pixels of `bytes` from byte `at` on, as one number: a place is compared with a
/// load. `None` past the end.
fn head_at(bytes: &[u8], at: usize) -> Option<u64> {
    let pair: [u8; 8] = bytes.get(at..at + 8)?.try_into().ok()?;
    Some(u64::from_ne_bytes(pair))
}

/// The rows `ys` of `view` whose pixels from `x` on start with `head`.
fn heads_in_column<'a>(
    view: &FrameView<'a>,
    x: u32,
    ys: RangeInclusive<u32>,
    head: u64,
) -> impl Iterator<Item = u32> + 'a {
    let (data, stride) = (view.data(), view.stride());
    ys.filter(move |&y| head_at(data, y as usize * stride + x as usize * 4) == Some(head))
}

/// The columns `xs` of row `y` of `view` from which its pixels start with `head`.
fn heads_in_row<'a>(
    view: &FrameView<'a>,
    y: u32,
    xs: RangeInclusive<u32>,
    head: u64,
) -> impl Iterator<Item = u32> + 'a {
    let row = view.row(y);
    xs.filter(move |&x| head_at(row, x as usize * 4) == Some(head))
}

/// True when row `i` of `block` in `new` equals `base` at that row moved by `vector`.
fn row_moved(
    base: &FrameView<'_>,
    new: &FrameView<'_>,
    block: Rect,
    i: u32,
    (dx, dy): Vector,
) -> bool {
    let (sx, sy) = (block.x as i64 + dx as i64, (block.y + i) as i64 + dy as i64);
    let fits = sx >= 0
        && sy >= 0
        && sx + block.width as i64 <= base.width() as i64
        && sy < base.height() as i64;
    fits && segment(new, block.x, block.y + i, block.width)
        == segment(base, sx as u32, sy as u32, block.width)
}

/// True when every pixel of `block` in `new` equals `base` at the block moved by `vector`.
fn block_moved(base: &FrameView<'_>, new: &FrameView<'_>, block: Rect, vector: Vector) -> bool {
    (0..block.height).all(|i| row_moved(base, new, block, i, vector))
}

#[cfg(test)]
mod tests;
