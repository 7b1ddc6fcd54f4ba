//! The session colour table: palette ops name colours by one index for the whole session, so
//! a glyph packs to the same bytes in every op and the session stream finds it again.
//!
//! Both sides grow the table by the same rule: an op appends the colours it uses that the
//! table lacks, in the order it sends them (the host sends them as differences, darkest first
//! and then each time the nearest), and the table empties when the compression stream
//! restarts. The host restarts rather than let the table pass [`SESSION_COLOURS`].

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

    /// How many of `colours` the table lacks.
    pub(crate) fn count_new(&self, colours: &[[u8; 4]]) -> usize {
        colours
            .iter()
            .filter(|c| !self.index.contains_key(*c))
            .count()
    }

    /// Session indices of an op's `colours` into `remap` (one per colour, in order). The
    /// colours the table lacks are appended to it in [`append_order`] (darkest first, then
    /// each time the nearest) and written to `new` as differences (see [`write_new`]);
    /// returns how many. The caller checks [`Self::is_short_of`] first.
    pub(crate) fn map(
        &mut self,
        colours: &[[u8; 4]],
        remap: &mut Vec<u16>,
        new: &mut Vec<u8>,
    ) -> usize {
        let mut added: Vec<[u8; 4]> = colours
            .iter()
            .filter(|c| !self.index.contains_key(*c))
            .copied()
            .collect();
        append_order(&mut added);
        for colour in &added {
            let next = self.index.len() as u16;
            self.index.insert(*colour, next);
        }
        write_new(&added, new);
        remap.clear();
        // Every colour is in the table now.
        remap.extend(
            colours
                .iter()
                .map(|c| self.index.get(c).copied().unwrap_or(0)),
        );
        added.len()
    }
}

/// How far ahead (in luma order) [`walk_nearest`] looks for the nearest colour, at most.
const WALK_REACH: usize = 256;
/// Colour comparisons [`walk_nearest`] makes per op at most: an op of 4,096 new colours
/// looks 64 ahead. Measured: such an op (random colours, 64×64 pixels) takes 0.86 ms to
/// encode instead of 0.47; reaching 256 ahead, 4.2 ms.
const WALK_COMPARISONS: usize = 1 << 18;

/// Puts an op's new colours in the order it appends them: darkest first, then each time the
/// nearest of the next ones in order of luma ([`walk_nearest`]). The anti-aliasing ramps of
/// different text colours interleave in luma; walked one after the other, their differences
/// ([`write_new`]) are small. Measured on the 1080p keyframes against luma order alone:
/// typing 63.8 → 60.6 KB, page-scroll 79.3 → 76.2, terminal-scroll 60.0 → 58.1, the
/// corpus's `shell-typing` 13.4 → 13.3.
fn append_order(colours: &mut [[u8; 4]]) {
    colours.sort_unstable_by_key(|colour| (luma(colour), *colour));
    let luma_order = colours.to_vec();
    walk_nearest(colours);
    // A walk that is not a tenth shorter than luma order keeps luma order: its differences
    // cost about the same, and indices in order of brightness pack glyph edges better
    // (`shell-typing`'s keyframe: 13.7 KB walked, 13.3 in luma order).
    if path(colours) * 10 > path(&luma_order) * 9 {
        colours.copy_from_slice(&luma_order);
    }
}

/// Reorders `colours` (in luma order) so that each one after the first is the nearest of the
/// next [`WALK_REACH`] (fewer for long lists, see [`WALK_COMPARISONS`]) to the one before;
/// the colours passed over keep their order.
fn walk_nearest(colours: &mut [[u8; 4]]) {
    let reach = (WALK_COMPARISONS / colours.len().max(1)).clamp(1, WALK_REACH);
    let mut distances = [0u32; WALK_REACH];
    for i in 1..colours.len() {
        let last = colours[i - 1];
        let ahead = &colours[i..colours.len().min(i + reach)];
        // All distances, then the first smallest: the distances alone vectorise.
        for (d, &colour) in distances.iter_mut().zip(ahead) {
            *d = distance(last, colour);
        }
        let nearest = distances[..ahead.len()]
            .iter()
            .enumerate()
            .min_by_key(|&(_, &d)| d)
            .map_or(0, |(j, _)| j);
        colours[i..=i + nearest].rotate_right(1);
    }
}

/// Luma of a BGRA colour, times 256 (BT.601 weights).
fn luma(colour: &[u8; 4]) -> u32 {
    let [b, g, r, _] = colour.map(u32::from);
    29 * b + 150 * g + 77 * r
}

/// L1 distance of two colours over their bytes.
fn distance(a: [u8; 4], b: [u8; 4]) -> u32 {
    a.iter()
        .zip(&b)
        .map(|(x, y)| u32::from(x.abs_diff(*y)))
        .sum()
}

/// The distances from each colour of `order` to the next, added up.
fn path(order: &[[u8; 4]]) -> u32 {
    order
        .windows(2)
        .map(|pair| distance(pair[0], pair[1]))
        .sum()
}

/// Writes `colours` as byte-wise differences (wrapping) from the colour before, the first
/// from zero: measured on the 1080p keyframes, the new colours then compress to about 45 %
/// of the bytes they take as they are (typing 17.8 → 8.5 KB).
fn write_new(colours: &[[u8; 4]], out: &mut Vec<u8>) {
    let mut previous = [0u8; 4];
    for colour in colours {
        out.extend((0..4).map(|i| colour[i].wrapping_sub(previous[i])));
        previous = *colour;
    }
}

/// Reads colours written by [`write_new`] (whole 4-byte groups of `bytes`) onto `table`.
pub(crate) fn read_new(bytes: &[u8], table: &mut Vec<[u8; 4]>) {
    let mut previous = [0u8; 4];
    for delta in bytes.chunks_exact(4) {
        let colour: [u8; 4] = std::array::from_fn(|i| previous[i].wrapping_add(delta[i]));
        table.push(colour);
        previous = colour;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_colours_keep_their_index_and_new_ones_append_darkest_first() {
        let (mut table, mut remap, mut new) = (ColourIndex::default(), Vec::new(), Vec::new());
        let (light, dark, mid) = ([200, 210, 220, 255], [1, 2, 3, 255], [90, 100, 110, 255]);
        assert_eq!(table.map(&[light, dark], &mut remap, &mut new), 2);
        assert_eq!(remap, [1, 0]);
        let mut read = Vec::new();
        read_new(&new, &mut read);
        assert_eq!(read, [dark, light], "sent in table order");
        new.clear();
        assert_eq!(table.map(&[mid, light, dark], &mut remap, &mut new), 1);
        assert_eq!(remap, [2, 1, 0]);
        assert_eq!(new, mid, "the first new colour is a difference from zero");
        assert!(!table.is_short_of(SESSION_COLOURS - 3));
        assert!(table.is_short_of(SESSION_COLOURS - 2));
        table.clear();
        new.clear();
        assert_eq!(table.map(&[mid], &mut remap, &mut new), 1);
        assert_eq!(remap, [0]);
    }

    #[test]
    fn new_colours_walk_each_anti_aliasing_ramp_in_turn() {
        // White and green text on one dark background: the two ramps interleave in luma.
        let background = [40, 30, 30, 255];
        let blend = |text: [u8; 4], step: u8| -> [u8; 4] {
            std::array::from_fn(|i| {
                let (from, to) = (i32::from(background[i]), i32::from(text[i]));
                (from + (to - from) * i32::from(step) / 8) as u8
            })
        };
        let (white, green) = ([230, 230, 230, 255], [60, 200, 80, 255]);
        let colours: Vec<[u8; 4]> = (1..=8)
            .flat_map(|step| [blend(white, step), blend(green, step)])
            .chain([background])
            .collect();
        let (mut table, mut remap, mut new) = (ColourIndex::default(), Vec::new(), Vec::new());
        assert_eq!(table.map(&colours, &mut remap, &mut new), colours.len());
        let mut sent = Vec::new();
        read_new(&new, &mut sent);
        assert_eq!(sent[0], background, "darkest first");
        // Up one ramp, then across to the other's nearest step and along it: the differences
        // sent are far smaller than in luma order, which zigzags between the ramps.
        let mut by_luma = colours.clone();
        by_luma.sort_by_key(luma);
        assert!(
            path(&sent) * 4 < path(&by_luma) * 3,
            "{} against {} in luma order: {sent:?}",
            path(&sent),
            path(&by_luma)
        );
        let mut sorted = sent.clone();
        sorted.sort_unstable();
        let mut expected = colours.clone();
        expected.sort_unstable();
        assert_eq!(sorted, expected, "every colour once");
    }

    #[test]
    fn differences_wrap_and_read_back_exactly() {
        let colours = [
            [255, 0, 128, 255],
            [0, 255, 127, 0],
            [3, 3, 3, 3],
            [3, 3, 3, 3],
        ];
        let mut bytes = Vec::new();
        write_new(&colours, &mut bytes);
        assert_eq!(&bytes[4..8], [1, 255, 255, 1]);
        assert_eq!(&bytes[12..], [0; 4]);
        let mut read = vec![[9; 4]];
        read_new(&bytes, &mut read);
        assert_eq!(read[1..], colours, "appended after what the table held");
    }
}
