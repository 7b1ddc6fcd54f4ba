//! `DirtyMap`: which blocks of a frame changed.

use crate::Rect;

/// A grid of blocks over a frame, each marked dirty (changed) or clean.
#[derive(Clone, PartialEq, Eq)]
pub struct DirtyMap {
    width: u32,
    height: u32,
    block: u32,
    cols: u32,
    rows: u32,
    dirty: Vec<bool>,
}

impl std::fmt::Debug for DirtyMap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "DirtyMap {}x{} blocks of {}:",
            self.cols, self.rows, self.block
        )?;
        for row in self.dirty.chunks(self.cols as usize) {
            let line: String = row.iter().map(|&d| if d { '#' } else { '.' }).collect();
            writeln!(f, "  {line}")?;
        }
        Ok(())
    }
}

impl DirtyMap {
    /// An all-clean map over a `width`×`height` frame with `block`-pixel blocks.
    pub fn new(width: u32, height: u32, block: u32) -> Self {
        let cols = width.div_ceil(block);
        let rows = height.div_ceil(block);
        Self {
            width,
            height,
            block,
            cols,
            rows,
            dirty: vec![false; cols as usize * rows as usize],
        }
    }

    /// Width of the frame the map covers.
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Height of the frame the map covers.
    pub fn height(&self) -> u32 {
        self.height
    }

    /// Block edge in pixels.
    pub fn block_size(&self) -> u32 {
        self.block
    }

    /// Blocks per row.
    pub fn cols(&self) -> u32 {
        self.cols
    }

    /// Rows of blocks.
    pub fn rows(&self) -> u32 {
        self.rows
    }

    /// Whether block (`col`, `row`) changed. Out-of-range blocks are clean.
    pub fn is_dirty(&self, col: u32, row: u32) -> bool {
        col < self.cols && row < self.rows && self.dirty[(row * self.cols + col) as usize]
    }

    /// Marks block (`col`, `row`); ignored when out of range.
    pub fn set(&mut self, col: u32, row: u32, dirty: bool) {
        if col < self.cols && row < self.rows {
            self.dirty[(row * self.cols + col) as usize] = dirty;
        }
    }

    /// Marks every block.
    pub fn mark_all(&mut self) {
        self.dirty.fill(true);
    }

    /// Number of dirty blocks.
    pub fn count(&self) -> usize {
        self.dirty.iter().filter(|&&d| d).count()
    }

    /// True when nothing changed.
    pub fn is_clean(&self) -> bool {
        !self.dirty.contains(&true)
    }

    /// The pixel rect of block (`col`, `row`), clipped to the frame.
    pub fn block_rect(&self, col: u32, row: u32) -> Rect {
        let x = col * self.block;
        let y = row * self.block;
        Rect::new(
            x,
            y,
            self.block.min(self.width - x),
            self.block.min(self.height - y),
        )
    }

    /// (`col`, `row`) of every dirty block, in row-major order.
    pub fn iter_dirty(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        let cols = self.cols;
        self.dirty
            .iter()
            .enumerate()
            .filter(|(_, &d)| d)
            .map(move |(i, _)| (i as u32 % cols, i as u32 / cols))
    }

    pub(super) fn band_mut(&mut self, row: u32) -> &mut [bool] {
        let cols = self.cols as usize;
        &mut self.dirty[row as usize * cols..(row as usize + 1) * cols]
    }
}
