//! The session colour table: palette ops name colours by one index for the whole session, so
//! a glyph packs to the same bytes in every op and the session stream finds it again.
//!
//! Both sides grow the table by the same rule: an op appends the colours it uses that the
//! table lacks, in the order of the op's palette, and the table empties when the compression
//! stream restarts. The host restarts rather than let the table pass [`SESSION_COLOURS`].

use std::collections::HashMap;

/// Most colours the session table holds: indices are at most 16 bits.
pub const SESSION_COLOURS: usize = 1 << 16;

/// The host's half of the table: each colour's session index.
#[derive(Debug, Default)]
pub(crate) struct ColourIndex {
    index: HashMap<[u8; 4], u16>,
}

impl ColourIndex {
    /// Forgets every colour (the stream restarts with the next op).
    pub(crate) fn clear(&mut self) {
        self.index.clear();
    }

    /// True when `colours` more colours might not fit.
    pub(crate) fn is_short_of(&self, colours: usize) -> bool {
        self.index.len() + colours > SESSION_COLOURS
    }

    /// Session indices of an op's `colours` into `remap` (one per colour, in order). The
    /// colours the table lacks are appended to it and their bytes to `new`; returns how many.
    /// The caller checks [`Self::is_short_of`] first.
    pub(crate) fn map(
        &mut self,
        colours: &[[u8; 4]],
        remap: &mut Vec<u16>,
        new: &mut Vec<u8>,
    ) -> usize {
        remap.clear();
        let mut added = 0;
        for colour in colours {
            let next = self.index.len() as u16;
            let index = *self.index.entry(*colour).or_insert_with(|| {
                new.extend_from_slice(colour);
                added += 1;
                next
            });
            remap.push(index);
        }
        added
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_colours_keep_their_index_and_new_ones_append_in_palette_order() {
        let (mut table, mut remap, mut new) = (ColourIndex::default(), Vec::new(), Vec::new());
        let (a, b, c) = ([1, 2, 3, 255], [4, 5, 6, 255], [7, 8, 9, 255]);
        assert_eq!(table.map(&[a, b], &mut remap, &mut new), 2);
        assert_eq!(remap, [0, 1]);
        new.clear();
        assert_eq!(table.map(&[c, b, a], &mut remap, &mut new), 1);
        assert_eq!(remap, [2, 1, 0]);
        assert_eq!(new, c);
        assert!(!table.is_short_of(SESSION_COLOURS - 3));
        assert!(table.is_short_of(SESSION_COLOURS - 2));
        table.clear();
        new.clear();
        assert_eq!(table.map(&[c], &mut remap, &mut new), 1);
        assert_eq!(remap, [0]);
    }
}
