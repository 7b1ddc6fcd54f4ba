//! Scroll history: rows that scrolled out of view, kept on both sides, so that scrolling back
//! recalls them instead of coding them again.
//!
//! A scroll copies a region up or down, and the rows it pushes out of the region leave the
//! screen but not the page: people scroll back. Those rows are a function of the update's
//! copies alone ([`scrolled_out`]: what vertical copies overwrite and no copy reads), so both
//! sides keep them without a byte on the wire: after each update, the rows as they were
//! before it are appended, top to bottom, to a store of rows under consecutive ids, the
//! oldest going once it holds [`HISTORY_PIXELS`] pixels. When rows come back into view,
//! [`Op::Recall`](crate::Op::Recall) paints a rect from consecutive stored rows (as of before
//! the update), each of which must span the rect's columns; a check over the recalled pixels
//! makes a viewer out of step fail the update instead of painting wrong pixels.
//!
//! Both sides change the store by the same rule in the same order and empty it at a
//! keyframe, so they agree without messages. The host's store may be smaller than the
//! viewer's but not larger: eviction is oldest first, so every row the host holds, the viewer
//! holds too. The host never recalls a row the viewer holds only approximately (pixels of an
//! AV1 tile, hot or refined): it stores them, to keep the ids in step, but marks them
//! inexact.

use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasherDefault, Hasher};

use xxhash_rust::xxh3::{xxh3_64_with_seed, Xxh3};

use crate::{Error, FrameView, FrameViewMut, Op, Rect, Result, BLOCK_SIZE};

#[cfg(test)]
mod tests;

/// Pixels of stored rows the viewer keeps (16 MiB): some 2,800 rows of a 1,500-pixel-wide
/// page, two and a half 1080p screens to scroll back through.
pub const HISTORY_PIXELS: usize = 4 << 20;

/// Width of the row segments the host finds stored rows by: one block, at block-aligned x.
const SEGMENT: u32 = BLOCK_SIZE;

/// Fewest rows a recall covers (unless it is the whole rect): a few rows are as cheap to
/// code, and a short run found by a common segment (a rule, a scroll bar's track) is often
/// one of many alike (scrolling a page down and back up: 4 rows 24.1 KB, 8 rows 23.7 KB).
const MIN_RECALL_ROWS: u32 = 8;

/// Pixels of the smallest copy that counts as a scroll bringing rows back: motion also finds
/// small copies inside new text (a line that starts as the one above it did), whose
/// direction says nothing about the page.
const SCROLL_AREA: u64 = 128 * 64;

/// Look-ups that may find nothing per frame: bounds the search when the history holds
/// nothing of what changed (video after a scroll) to a few hundred microseconds.
pub(crate) const PROBE_BUDGET: u32 = 2048;

/// The check of a `Recall`: the low 32 bits of xxh3-64 over the recalled pixels, row by row.
pub(crate) fn check_of(view: &FrameView<'_>) -> u32 {
    let mut hasher = Xxh3::new();
    for y in 0..view.height() {
        hasher.update(view.row(y));
    }
    hasher.digest() as u32
}

/// Pixels of one stored row that lie side by side on the screen.
#[derive(Debug)]
struct Span {
    /// Screen column of the first pixel.
    x: u32,
    /// BGRA.
    pixels: Vec<u8>,
    /// The viewer holds these pixels exactly (always on the viewer; on the host, not when
    /// they were part of a lossy AV1 tile).
    exact: bool,
}

/// One stored row: what an update pushed out of view on one screen row, in one direction.
#[derive(Debug)]
pub(crate) struct Row {
    spans: Vec<Span>,
    /// It left at the top of its region.
    up: bool,
}

impl Row {
    /// The span holding columns `x..x + width`, and its pixels there. Spans run left to
    /// right without touching, so the only candidate is the last one starting at or before
    /// `x` (a binary search: a row may hold hundreds of spans, and a hostile update may
    /// recall one row thousands of times).
    fn span(&self, x: u32, width: u32) -> Option<(&Span, &[u8])> {
        let after = self.spans.partition_point(|span| span.x <= x);
        let span = &self.spans[after.checked_sub(1)?];
        let start = (x - span.x) as usize * 4;
        let pixels = span.pixels.get(start..start + width as usize * 4)?;
        Some((span, pixels))
    }

    fn pixels(&self) -> usize {
        self.spans.iter().map(|s| s.pixels.len() / 4).sum()
    }
}

/// The `gone` rows of `frame` (the picture before the update) as they are stored; `exact`
/// says which spans the viewer holds exactly.
///
/// # Errors
/// [`Error::RectOutOfBounds`] for a span outside `frame` (never for the spans of copies
/// that fit it).
pub(crate) fn rows_of(
    frame: &FrameView<'_>,
    gone: &[Gone],
    exact: impl Fn(Rect) -> bool,
) -> Result<Vec<Row>> {
    gone.iter()
        .map(|row| {
            let spans = row.spans.iter().map(|&(x, width)| {
                let rect = Rect::new(x, row.y, width, 1);
                Ok(Span {
                    x,
                    pixels: frame.sub(rect)?.row(0).to_vec(),
                    exact: exact(rect),
                })
            });
            Ok(Row {
                spans: spans.collect::<Result<_>>()?,
                up: row.up,
            })
        })
        .collect()
}

/// Rows by consecutive id, at most `capacity` pixels of them, oldest evicted first.
#[derive(Debug)]
pub(crate) struct RowStore {
    capacity: usize,
    /// Id of `rows[0]`.
    first: u64,
    rows: VecDeque<Row>,
    pixels: usize,
}

impl RowStore {
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            capacity,
            first: 0,
            rows: VecDeque::new(),
            pixels: 0,
        }
    }

    /// Forgets every row and restarts the ids (a keyframe).
    pub(crate) fn clear(&mut self) {
        self.rows.clear();
        self.pixels = 0;
        self.first = 0;
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    fn get(&self, id: u64) -> Option<&Row> {
        let index = usize::try_from(id.checked_sub(self.first)?).ok()?;
        self.rows.get(index)
    }

    /// Appends `rows`, in order, evicting the oldest rows to make room (each passed to
    /// `evicted` with its id); returns the ids of `rows`.
    pub(crate) fn append(
        &mut self,
        rows: Vec<Row>,
        mut evicted: impl FnMut(u64, Row),
    ) -> std::ops::Range<u64> {
        let start = self.first + self.rows.len() as u64;
        for row in rows {
            let size = row.pixels();
            while self.pixels + size > self.capacity {
                let Some(old) = self.rows.pop_front() else {
                    break;
                };
                self.pixels -= old.pixels();
                evicted(self.first, old);
                self.first += 1;
            }
            self.rows.push_back(row);
            self.pixels += size;
        }
        start..self.first + self.rows.len() as u64
    }

    /// Paints `out` (the size of `rect`) from the rows `first..` that span `rect`'s columns.
    ///
    /// # Errors
    /// [`Error::HistoryMiss`] for a row not held or too narrow, or pixels failing `check`.
    pub(crate) fn recall(
        &self,
        rect: Rect,
        first: u64,
        check: u32,
        out: &mut FrameViewMut<'_>,
    ) -> Result<()> {
        let miss = |reason| Error::HistoryMiss { first, reason };
        for y in 0..rect.height {
            let row = first
                .checked_add(y.into())
                .and_then(|id| self.get(id))
                .ok_or(miss("a row not held"))?;
            let (_, pixels) = row
                .span(rect.x, rect.width)
                .ok_or(miss("a row that does not span the rect"))?;
            out.row_mut(y).copy_from_slice(pixels);
        }
        if check_of(&out.as_view()) != check {
            return Err(miss("pixels that fail the check"));
        }
        Ok(())
    }
}

/// What [`HostHistory::find`] makes of a rect: rows to recall and rows left to code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Piece {
    /// Rows of the rect painted from stored rows `first..`.
    Recalled { rect: Rect, first: u64 },
    /// Rows of the rect the store does not hold.
    Left(Rect),
}

/// The host's mirror of the viewer's store, with the pixels (to verify candidates exactly)
/// and an index of row segments to find them by.
#[derive(Debug)]
pub(crate) struct HostHistory {
    store: RowStore,
    /// Key of a segment (its pixels and screen x, see [`segment_key`]) → the newest row
    /// holding it there. A hit is always verified.
    index: HashMap<u64, u64, BuildHasherDefault<KeyHasher>>,
}

impl HostHistory {
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            store: RowStore::new(capacity.min(HISTORY_PIXELS)),
            index: HashMap::default(),
        }
    }

    pub(crate) fn clear(&mut self) {
        self.store.clear();
        self.index.clear();
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.store.is_empty()
    }

    /// Stores `rows` (taken from the last frame sent, see [`rows_of`]) as the viewer stores
    /// the same rows from its framebuffer.
    pub(crate) fn stash(&mut self, rows: Vec<Row>) {
        let index = &mut self.index;
        let ids = self.store.append(rows, |id, old| {
            for key in row_keys(&old) {
                if index.get(&key) == Some(&id) {
                    index.remove(&key);
                }
            }
        });
        for id in ids {
            if let Some(row) = self.store.get(id) {
                for key in row_keys(row) {
                    self.index.insert(key, id);
                }
            }
        }
    }

    /// Splits `rect` of `frame` into runs of rows the store holds (consecutive stored rows
    /// spanning the rect's columns with exactly its pixels) and the rows left between them.
    /// Empty when nothing is held.
    ///
    /// Only rows `returning` admits are recalled. A row is found by the ids `hints` (pieces
    /// found beside the rect) imply for it, or else by its first block-aligned segment that
    /// is not one colour; then the run grows up and down row by row. Each look-up that finds
    /// nothing costs one of `budget`; the search stops when it runs out.
    pub(crate) fn find(
        &self,
        frame: &FrameView<'_>,
        rect: Rect,
        returning: Returning,
        hints: &[Piece],
        budget: &mut u32,
    ) -> Result<Vec<Piece>> {
        let mut pieces = Vec::new();
        if self.store.is_empty() || rect.width < SEGMENT {
            return Ok(pieces);
        }
        let view = frame.sub(rect)?;
        let holds = |y: u32, id: u64| {
            self.store
                .get(id)
                .filter(|row| returning.admits(row))
                .and_then(|row| row.span(rect.x, rect.width))
                .is_some_and(|(span, stored)| span.exact && stored == view.row(y))
        };
        let hinted = |y: u32| {
            hints.iter().find_map(|hint| match *hint {
                Piece::Recalled { rect: h, first }
                    if (h.y..h.y + h.height).contains(&(rect.y + y)) =>
                {
                    Some(first + u64::from(rect.y + y - h.y))
                }
                _ => None,
            })
        };
        let (mut y, mut left_from) = (0, 0);
        while y < rect.height && *budget > 0 {
            let id = match hinted(y).filter(|&id| holds(y, id)) {
                Some(id) => id,
                None => {
                    let probe = segments(view.row(y), rect.x, rect.width).next();
                    let Some((x, segment)) = probe else {
                        y += 1;
                        continue;
                    };
                    let found = self.index.get(&segment_key(x, segment));
                    let Some(&id) = found.filter(|&&id| holds(y, id)) else {
                        *budget -= 1;
                        y += 1;
                        continue;
                    };
                    id
                }
            };
            let mut top = y;
            while top > left_from
                && id >= u64::from(y - top + 1)
                && holds(top - 1, id - u64::from(y - top + 1))
            {
                top -= 1;
            }
            let mut bottom = y + 1;
            while bottom < rect.height && holds(bottom, id + u64::from(bottom - y)) {
                bottom += 1;
            }
            if bottom - top >= MIN_RECALL_ROWS.min(rect.height) {
                if top > left_from {
                    pieces.push(Piece::Left(rows(rect, left_from, top)));
                }
                let first = id - u64::from(y - top);
                pieces.push(Piece::Recalled {
                    rect: rows(rect, top, bottom),
                    first,
                });
                left_from = bottom;
            }
            y = bottom;
        }
        if !pieces.is_empty() && left_from < rect.height {
            pieces.push(Piece::Left(rows(rect, left_from, rect.height)));
        }
        Ok(pieces)
    }

    /// The `Recall` op for a piece found in `frame`.
    pub(crate) fn recall_op(frame: &FrameView<'_>, rect: Rect, first: u64) -> Result<Op> {
        Ok(Op::Recall {
            rect,
            first,
            check: check_of(&frame.sub(rect)?),
        })
    }
}

/// One screen row's pixels that an update's copies push out of view, moving one way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Gone {
    /// Screen row.
    pub(crate) y: u32,
    /// The content moved up: these pixels left at the top of their region.
    pub(crate) up: bool,
    /// Runs of pixels (x, width), left to right, not touching.
    pub(crate) spans: Vec<(u32, u32)>,
}

/// Most copies an update may hold for the rows they push out of view to be kept (an honest
/// host's updates hold fewer than 100). Beyond it nothing is kept, on both sides: the work
/// below grows with the square of the copies, and a hostile host can send 65,536 of them
/// in a few compressed bytes.
const MAX_SCROLL_COPIES: usize = 256;

/// The pixels that vertical copies overwrite and no copy reads: rows a scroll pushed out of
/// view, as rows of spans, those that left at the top first, each group top to bottom.
/// Worked out in slabs between the copies' left and right edges, where every rect spans the
/// slab or misses it; a row's spans are the slabs that lost it, joined where they touch.
/// Nothing for an update of more than [`MAX_SCROLL_COPIES`] copies.
pub(crate) fn scrolled_out(copies: &[Op]) -> Vec<Gone> {
    let mut sources = Vec::new();
    // Destinations of vertical copies, and whether each moves its content up.
    let mut written = Vec::new();
    for op in copies {
        if let Op::CopyRect { src, dst_x, dst_y } = *op {
            sources.push(src);
            if dst_x == src.x && dst_y != src.y {
                written.push((op.rect(), dst_y < src.y));
            }
        }
    }
    if written.is_empty() || sources.len() > MAX_SCROLL_COPIES {
        return Vec::new();
    }
    let mut edges: Vec<u32> = written
        .iter()
        .map(|(r, _)| r)
        .chain(&sources)
        .flat_map(|r| [r.x, r.x + r.width])
        .collect();
    edges.sort_unstable();
    edges.dedup();
    let row_union = |rects: &mut dyn Iterator<Item = &Rect>| -> Vec<(u32, u32)> {
        union(rects.map(|r| (r.y, r.y + r.height)).collect())
    };
    // Per slab and direction, the runs of rows lost: (x0, x1, top, bottom).
    let mut lost: [Vec<(u32, u32, u32, u32)>; 2] = [Vec::new(), Vec::new()];
    for slab in edges.windows(2) {
        let (x0, x1) = (slab[0], slab[1]);
        let spans = |r: &&Rect| r.x <= x0 && x1 <= r.x + r.width;
        let read = row_union(&mut sources.iter().filter(spans));
        for (up, runs) in [true, false].into_iter().zip(&mut lost) {
            let mut moved = written.iter().filter(|(_, u)| *u == up).map(|(r, _)| r);
            let wrote = row_union(&mut moved.by_ref().filter(spans));
            runs.extend(
                subtract(&wrote, &read)
                    .into_iter()
                    .map(|(top, bottom)| (x0, x1, top, bottom)),
            );
        }
    }
    let mut rows = Vec::new();
    for (up, mut runs) in [true, false].into_iter().zip(lost) {
        // A sweep down the rows with the runs that cover the current one, left to right.
        runs.sort_unstable_by_key(|run| (run.2, run.0));
        let mut active: Vec<(u32, u32, u32)> = Vec::new();
        let mut next = 0;
        let Some(mut y) = runs.first().map(|run| run.2) else {
            continue;
        };
        loop {
            active.retain(|run| run.2 > y);
            while let Some(&(x0, x1, _, bottom)) = runs.get(next).filter(|run| run.2 == y) {
                active.push((x0, x1, bottom));
                next += 1;
            }
            if active.is_empty() {
                match runs.get(next) {
                    Some(run) => y = run.2,
                    None => break,
                }
                continue;
            }
            active.sort_unstable_by_key(|run| run.0);
            let mut spans: Vec<(u32, u32)> = Vec::new();
            for &(x0, x1, _) in &active {
                match spans.last_mut() {
                    Some((x, width)) if *x + *width == x0 => *width += x1 - x0,
                    _ => spans.push((x0, x1 - x0)),
                }
            }
            rows.push(Gone { y, up, spans });
            y += 1;
        }
    }
    rows
}

/// The union of intervals `(start, end)`, sorted and disjoint.
pub(crate) fn union(mut intervals: Vec<(u32, u32)>) -> Vec<(u32, u32)> {
    intervals.sort_unstable();
    let mut out: Vec<(u32, u32)> = Vec::with_capacity(intervals.len());
    for (start, end) in intervals {
        match out.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => out.push((start, end)),
        }
    }
    out
}

/// `from` less `cut`, both sorted and disjoint.
pub(crate) fn subtract(from: &[(u32, u32)], cut: &[(u32, u32)]) -> Vec<(u32, u32)> {
    let mut out = Vec::new();
    let mut cuts = cut.iter().peekable();
    for &(mut start, end) in from {
        while let Some(&&(c_start, c_end)) = cuts.peek() {
            if c_end <= start {
                cuts.next();
                continue;
            }
            if c_start >= end {
                break;
            }
            if c_start > start {
                out.push((start, c_start));
            }
            start = start.max(c_end);
            if c_end >= end {
                break;
            }
            cuts.next();
        }
        if start < end {
            out.push((start, end));
        }
    }
    out
}

/// Which stored rows can come back into view in an update: rows that left at the top come
/// back when content moves down, and the other way round. A row that matches while its
/// region goes on scrolling the way it left is a coincidence (a new line of a terminal that
/// starts as an old one did), which the palette stream codes as cheaply.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Returning {
    /// Some content moves down: rows that left at the top may return.
    pub(crate) top: bool,
    /// Some content moves up: rows that left at the bottom may return.
    pub(crate) bottom: bool,
}

impl Returning {
    /// What the scrolls among `copies` (vertical copies of at least [`SCROLL_AREA`] pixels)
    /// can bring back.
    pub(crate) fn of(copies: &[Op]) -> Self {
        let mut returning = Self::default();
        for op in copies {
            if let Op::CopyRect { src, dst_x, dst_y } = *op {
                if dst_x == src.x && src.area() >= SCROLL_AREA {
                    returning.top |= dst_y > src.y;
                    returning.bottom |= dst_y < src.y;
                }
            }
        }
        returning
    }

    fn admits(&self, row: &Row) -> bool {
        if row.up {
            self.top
        } else {
            self.bottom
        }
    }
}

/// The key a segment is found by: xxh3-64 of its pixels, seeded with its screen column.
fn segment_key(x: u32, segment: &[u8]) -> u64 {
    xxh3_64_with_seed(segment, x.into())
}

/// The keys of a stored row's exact segments.
fn row_keys(row: &Row) -> impl Iterator<Item = u64> + '_ {
    row.spans
        .iter()
        .filter(|span| span.exact)
        .flat_map(|span| segments(&span.pixels, span.x, (span.pixels.len() / 4) as u32))
        .map(|(x, segment)| segment_key(x, segment))
}

/// Hashes the index's keys, which are xxh3 output already, by taking them as they are.
#[derive(Debug, Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only `write_u64` is used; fold anything else in anyway.
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = value;
    }
}

/// Rows `top..bottom` of `rect` (relative to its top).
fn rows(rect: Rect, top: u32, bottom: u32) -> Rect {
    Rect::new(rect.x, rect.y + top, rect.width, bottom - top)
}

/// The block-aligned [`SEGMENT`]s of a row of pixels starting at screen column `x`, `width`
/// wide, that are not one colour, with their screen columns.
fn segments(row: &[u8], x: u32, width: u32) -> impl Iterator<Item = (u32, &[u8])> {
    let start = x.next_multiple_of(SEGMENT);
    let end = x + width;
    (start..end.saturating_sub(SEGMENT - 1))
        .step_by(SEGMENT as usize)
        .map(move |sx| {
            let at = (sx - x) as usize * 4;
            (sx, &row[at..at + SEGMENT as usize * 4])
        })
        .filter(|(_, segment)| segment.chunks_exact(4).any(|px| px != &segment[..4]))
}
