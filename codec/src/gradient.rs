//! Smooth gradients (a wallpaper, a sky): many colours in tiny steps, dear to code
//! losslessly and nearly free for AV1, so large areas of them go to AV1: at once at the
//! smooth preset ([`Quality::Smooth`](crate::tile::Quality::Smooth)), never re-sent; while
//! they change (a slide fading in) like any changing picture, hot, then at the smooth preset
//! once still (the host decides which, `HostEncoder::plan_mask`).
//!
//! Measured on the scenes' wallpaper (a diagonal gradient with soft glows, 1920×1080 alone):
//! the palette codec 213 KB, WebP lossless 136 KB, AV1 at the smooth preset 12.7 KB at
//! 50.4 dB. A palette op packs each pixel's index into the session colour table, and a
//! gradient's steps fall at irregular places that zstd cannot predict; AV1's transforms code
//! a ramp in a few coefficients. Text is never a gradient (a glyph's edge steps by far more
//! than [`MAX_STEP`]), so it stays bit-exact.

use crate::tile::{classify, Class};
use crate::{blocks_touched, planner, DirtyMap, FrameView, Rect, Result};

/// A block of a gradient has more colours than this: one colour is a fill, two (a panel
/// with a hairline) pack to a bit a pixel. A wallpaper spread over a 1080p screen has only
/// 3–10 colours a block; `meekijk bench` on the scenes, more than 2 / 4 / 8 colours (sent
/// at the refined quantizer then): idle-cursor 181 / 182 / 205 kbit/s, window-drag 400 /
/// 413 / 424.
const MIN_COLOURS: usize = 2;

/// The largest step between neighbouring pixels of a smooth gradient, in any channel.
/// Dithered gradients step by 1–2 levels; an anti-aliased glyph edge by tens. One pixel
/// over it (the faintest dot of text) keeps the whole block lossless.
const MAX_STEP: u8 = 3;

/// The smallest area (pixels) coded as one AV1 rect of gradient: four blocks; smaller
/// pieces stay lossless. Measured on Debian 12's eight wallpapers as a 1080p keyframe (total
/// 1,505 KB losslessly), rects of at least 1 / 2 / 4 / 8 blocks: 903 / 951 / 1,055 / 1,120
/// KB, but under 4 blocks two of them grew (`homeworld` 67 → 80 KB, `futureprototype` 45 →
/// 49 KB: a lone smooth block can cost AV1 more than the palette); at 4 none did. On the
/// scenes (`meekijk bench`) 1 block against 4: within 1 % (terminal-scroll 166.5 / 168.0
/// kbit/s, idle-cursor 153.8 / 154.8), 8 blocks 1–3 % more.
const MIN_AREA: u64 = 4 * 32 * 32;

/// Splits the gradient blocks off `mask`: the rects of at least [`MIN_AREA`] that they
/// form, and the mask without them.
pub(crate) fn split(frame: &FrameView<'_>, mask: &DirtyMap) -> Result<(Vec<Rect>, DirtyMap)> {
    let mut gradient = DirtyMap::new(mask.width(), mask.height(), mask.block_size());
    for (col, row) in mask.iter_dirty() {
        if is_gradient(&frame.sub(mask.block_rect(col, row))?) {
            gradient.set(col, row, true);
        }
    }
    let mut rest = mask.clone();
    if gradient.is_clean() {
        return Ok((Vec::new(), rest));
    }
    let rects: Vec<Rect> = planner::merge(&gradient, planner::MAX_RECT_BLOCKS)
        .into_iter()
        .filter(|rect| rect.area() >= MIN_AREA)
        .collect();
    for (col, row) in rects.iter().flat_map(|&rect| blocks_touched(rect)) {
        rest.set(col, row, false);
    }
    Ok((rects, rest))
}

/// The smallest part of blocks (rows or columns a moved window uncovers) coded as
/// gradient: a block's worth of pixels. `meekijk bench`, `window-drag` (a window dragged
/// over the gradient wallpaper, 6–10 px strips uncovered each frame): parts of at least
/// 1,024 / 4,096 pixels to AV1 cost 190.3 / 238.0 kbit/s, none 345.6.
const MIN_PART_AREA: u64 = 32 * 32;

/// True when `part` (rows or columns of blocks left to code beside copied pixels) is a
/// smooth gradient of at least [`MIN_PART_AREA`]: the wallpaper a moved window uncovered.
pub(crate) fn is_gradient_part(frame: &FrameView<'_>, part: Rect) -> Result<bool> {
    Ok(part.area() >= MIN_PART_AREA && is_gradient(&frame.sub(part)?))
}

/// True for a smooth gradient of more than [`MIN_COLOURS`] colours (the count stops there).
fn is_gradient(block: &FrameView<'_>) -> bool {
    classify(block, MIN_COLOURS) == Class::Natural && ramps_both_ways(block)
}

/// True when `view` ramps both ways: every pixel within [`MAX_STEP`] levels of its left and
/// upper neighbours in each colour channel, and the colour changes both along rows and down
/// columns. A ramp along one axis only is a colour per row (or column) to the palette codec,
/// cheaper than AV1: Debian's `futureprototype` wallpaper, a vertical ramp under soft shapes,
/// 45 KB losslessly and 58 KB as AV1.
fn ramps_both_ways(view: &FrameView<'_>) -> bool {
    let width = view.width() as usize;
    let near = |a: &[u8], b: &[u8]| {
        a[..3]
            .iter()
            .zip(&b[..3])
            .all(|(&p, &q)| p.abs_diff(q) <= MAX_STEP)
    };
    let (mut across, mut down) = (false, false);
    let mut above: Option<&[u8]> = None;
    for y in 0..view.height() {
        let row = view.row(y);
        for x in 0..width {
            let px = &row[x * 4..x * 4 + 4];
            if x > 0 {
                let left = &row[x * 4 - 4..x * 4];
                if !near(px, left) {
                    return false;
                }
                across |= px != left;
            }
            if let Some(above) = above {
                let up = &above[x * 4..x * 4 + 4];
                if !near(px, up) {
                    return false;
                }
                down |= px != up;
            }
        }
        above = Some(row);
    }
    across && down
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Frame;

    fn frame_from(width: u32, height: u32, pixel: impl Fn(u32, u32) -> [u8; 4]) -> Frame {
        let pixel = &pixel;
        let data = (0..height)
            .flat_map(|y| (0..width).flat_map(move |x| pixel(x, y)))
            .collect();
        Frame::from_vec(data, width, height).unwrap()
    }

    /// A diagonal ramp with a dither of one level, as gradient wallpapers are drawn.
    fn ramp(x: u32, y: u32) -> [u8; 4] {
        let dither = ((x * 7 + y * 13) % 3) as u8;
        let v = ((x + y) / 3) as u8;
        [v / 2 + dither, 40 + v / 3, 200 - v / 4, 255]
    }

    #[test]
    fn a_dithered_ramp_is_a_gradient_text_flat_ui_one_way_ramps_and_noise_are_not() {
        assert!(is_gradient(&frame_from(32, 32, ramp).view()));
        // Text: glyph strokes in many shades on the same ramp.
        let text = frame_from(32, 32, |x, y| {
            if x % 6 == 2 && y % 16 < 11 {
                [250, 250, (x * 8) as u8, 255]
            } else {
                ramp(x, y)
            }
        });
        assert!(!is_gradient(&text.view()));
        // Flat UI: smooth but two colours (a panel with a hairline).
        let panel = frame_from(32, 32, |x, _| {
            let v = if x == 0 { 202 } else { 204 };
            [v, v, v, 255]
        });
        assert!(!is_gradient(&panel.view()));
        // A ramp down the screen only: a colour per row, cheaper losslessly.
        let vertical = frame_from(32, 32, |_, y| [60 + y as u8, 70, 80 + y as u8 / 2, 255]);
        assert!(!is_gradient(&vertical.view()));
        // Grain: many colours in steps far over a few levels (a photo, video).
        let grain = frame_from(32, 32, |x, y| {
            let v = (x * 7919 + y * 104_729).wrapping_mul(2_654_435_761) >> 26;
            [v as u8, 80, 90, 255]
        });
        assert!(!is_gradient(&grain.view()));
    }

    #[test]
    fn large_gradients_leave_the_mask_and_small_ones_stay() {
        // 8×4 blocks of wallpaper ramp, but text in columns 5 and 6 and below the top block
        // of column 7, which is left a lone gradient block.
        let frame = frame_from(256, 128, |x, y| {
            if (160..224).contains(&x) || (x >= 224 && y >= 32) {
                if (x + y) % 5 == 0 {
                    [255, 255, 255, 255]
                } else {
                    [0, 0, 0, 255]
                }
            } else {
                ramp(x, y)
            }
        });
        let mut mask = DirtyMap::new(256, 128, 32);
        mask.mark_all();
        let (rects, rest) = split(&frame.view(), &mask).unwrap();
        assert_eq!(rects, vec![Rect::new(0, 0, 160, 128)]);
        for (col, row) in (0..8).flat_map(|c| (0..4).map(move |r| (c, r))) {
            assert_eq!(rest.is_dirty(col, row), col >= 5, "block ({col}, {row})");
        }
    }
}
