//! Scroll-history tests: which rows a scroll pushes out and keeps, how intervals subtract, and
//! how a stored row of many spans is found again.

use super::*;
use crate::Frame;

fn copy(src: Rect, dst_x: u32, dst_y: u32) -> Op {
    Op::CopyRect { src, dst_x, dst_y }
}

/// A frame whose every row is different (and no 32-pixel segment one colour).
fn striped(width: u32, height: u32, seed: u32) -> Frame {
    let mut frame = Frame::new(width, height).unwrap();
    for y in 0..height {
        let row = frame.view_mut().row_mut(y).to_vec();
        let pixels: Vec<u8> = (0..row.len() as u32)
            .map(|i| (i.wrapping_mul(7) ^ (y + seed).wrapping_mul(131)) as u8)
            .collect();
        frame.view_mut().row_mut(y).copy_from_slice(&pixels);
    }
    frame
}

/// A run of rows with the same spans: first row, rows, spans, up.
type Run = (u32, u32, Vec<(u32, u32)>, bool);

/// The rows of `gone` as runs.
fn runs(gone: &[Gone]) -> Vec<Run> {
    let mut runs: Vec<Run> = Vec::new();
    for row in gone {
        match runs.last_mut() {
            Some(run) if run.0 + run.1 == row.y && run.2 == row.spans && run.3 == row.up => {
                run.1 += 1;
            }
            _ => runs.push((row.y, 1, row.spans.clone(), row.up)),
        }
    }
    runs
}

#[test]
fn a_scroll_pushes_out_the_rows_its_copy_overwrites_and_does_not_read() {
    // Content moves up 40 rows: rows 100..140 leave at the top.
    let up = copy(Rect::new(64, 140, 320, 400), 64, 100);
    assert_eq!(
        runs(&scrolled_out(&[up])),
        [(100, 40, vec![(64, 320)], true)]
    );
    // Content moves down 40 rows: rows 500..540 leave at the bottom.
    let down = copy(Rect::new(64, 100, 320, 440), 64, 140);
    assert_eq!(
        runs(&scrolled_out(&[down])),
        [(540, 40, vec![(64, 320)], false)]
    );
    // One region copied in two stacked pieces: only its top rows leave.
    let top = copy(Rect::new(64, 140, 320, 200), 64, 100);
    let bottom = copy(Rect::new(64, 340, 320, 200), 64, 300);
    assert_eq!(
        runs(&scrolled_out(&[top, bottom])),
        [(100, 40, vec![(64, 320)], true)]
    );
    // A moved window and a sideways scroll push nothing out of a page.
    assert!(scrolled_out(&[copy(Rect::new(64, 140, 320, 400), 70, 100)]).is_empty());
    assert!(scrolled_out(&[copy(Rect::new(64, 140, 320, 400), 80, 140)]).is_empty());
}

#[test]
fn rows_another_copy_reads_are_kept_out_and_the_rest_joined_per_row() {
    // A pointer's column (96..128) copied on its own: the rows it reads stay in view there,
    // and the rows its copy overwrites leave instead.
    let main = copy(Rect::new(0, 140, 320, 400), 0, 100);
    let beside = copy(Rect::new(96, 100, 32, 40), 96, 60);
    assert_eq!(
        runs(&scrolled_out(&[main, beside])),
        [
            (60, 40, vec![(96, 32)], true),
            (100, 40, vec![(0, 96), (128, 192)], true)
        ]
    );
    // Two pieces of one pane side by side, one starting 4 rows lower: each row is one span
    // where both lost it.
    let left = copy(Rect::new(0, 140, 160, 400), 0, 100);
    let right = copy(Rect::new(160, 144, 160, 396), 160, 104);
    assert_eq!(
        runs(&scrolled_out(&[left, right])),
        [
            (100, 4, vec![(0, 160)], true),
            (104, 36, vec![(0, 320)], true),
            (140, 4, vec![(160, 160)], true)
        ]
    );
}

#[test]
fn copies_that_overlap_or_crowd_an_update_cost_little() {
    // A hostile update: the same scroll many times over is the scroll once.
    let up = copy(Rect::new(64, 140, 320, 400), 64, 100);
    let once = scrolled_out(std::slice::from_ref(&up));
    assert_eq!(scrolled_out(&vec![up.clone(); MAX_SCROLL_COPIES]), once);
    // Past the bound nothing is kept (on both sides, by the same rule): 65,536 copies cut
    // into slivers would otherwise cost the viewer minutes.
    let mut many = vec![up];
    many.extend((0..65_535u32).map(|i| copy(Rect::new(i % 300, 33 + i % 500, 1, 1), i % 300, 32)));
    assert!(scrolled_out(&many).is_empty());
}

#[test]
fn intervals_subtract_at_both_ends_and_inside() {
    let from = [(0, 10), (20, 30), (40, 50)];
    assert_eq!(subtract(&from, &[]), from);
    assert_eq!(
        subtract(&from, &[(5, 22), (25, 26), (29, 45)]),
        [(0, 5), (22, 25), (26, 29), (45, 50)]
    );
    assert_eq!(subtract(&from, &[(0, 50)]), []);
    assert_eq!(
        union(vec![(5, 9), (0, 3), (3, 4), (8, 12)]),
        [(0, 4), (5, 12)]
    );
}

#[test]
fn a_row_of_many_spans_finds_the_one_that_holds_a_rect() {
    let frame = striped(640, 1, 3);
    // 200 spans of 2 pixels, 1 apart: 0..2, 3..5, ...
    let spans: Vec<(u32, u32)> = (0..200).map(|i| (i * 3, 2)).collect();
    let gone = [Gone {
        y: 0,
        up: true,
        spans,
    }];
    let mut store = RowStore::new(HISTORY_PIXELS);
    store.append(rows_of(&frame.view(), &gone, |_| true).unwrap(), |_, _| {});
    let row = store.get(0).unwrap();
    for x in [0, 1, 3, 300, 597, 598] {
        let (span, pixels) = row.span(x, 1).unwrap();
        assert_eq!(span.x, x - x % 3);
        assert_eq!(pixels, &frame.view().row(0)[x as usize * 4..][..4]);
    }
    // A gap, a rect across a gap, and past the last span.
    for (x, width) in [(2, 1), (1, 2), (599, 1), (700, 1)] {
        assert!(row.span(x, width).is_none(), "{x} {width}");
    }
}

#[test]
fn the_store_evicts_the_oldest_rows_and_recall_checks_what_it_paints() {
    let frame = striped(128, 10, 0);
    let gone: Vec<Gone> = (0..10)
        .map(|y| Gone {
            y,
            up: true,
            spans: vec![(32, 64)],
        })
        .collect();
    let mut store = RowStore::new(64 * 16);
    let rows = || rows_of(&frame.view(), &gone, |_| true).unwrap();
    let mut evicted = Vec::new();
    assert_eq!(store.append(rows(), |id, _| evicted.push(id)), 0..10);
    assert_eq!(store.append(rows(), |id, _| evicted.push(id)), 10..20);
    assert_eq!(evicted, [0, 1, 2, 3]);
    // 20 rows of 64 pixels in room for 16: rows 0..4 are gone.
    assert!(store.get(3).is_none() && store.get(4).is_some());
    let rect = Rect::new(48, 0, 32, 6);
    let expected = frame.view().sub(Rect::new(48, 4, 32, 6)).unwrap();
    let check = check_of(&expected);
    let mut out = Frame::new(32, 6).unwrap();
    store.recall(rect, 14, check, &mut out.view_mut()).unwrap();
    assert!(out.data() == Frame::from_view(&expected).data());
    let miss = |rect: Rect, first, check| {
        let mut out = Frame::new(rect.width, rect.height).unwrap();
        match store.recall(rect, first, check, &mut out.view_mut()) {
            Err(Error::HistoryMiss { reason, .. }) => reason,
            other => panic!("{other:?}"),
        }
    };
    let outside = "a row that does not span the rect";
    assert_eq!(miss(rect, 14, check ^ 1), "pixels that fail the check");
    assert_eq!(miss(rect, 0, check), "a row not held");
    assert_eq!(miss(rect, 16, check), "a row not held");
    assert_eq!(miss(Rect::new(16, 0, 32, 6), 14, check), outside);
    assert_eq!(miss(Rect::new(80, 0, 32, 6), 14, check), outside);
}

#[test]
fn the_host_finds_rows_that_come_back_only_the_way_they_left() {
    let page = striped(256, 200, 1);
    let mut history = HostHistory::new(HISTORY_PIXELS);
    // Rows 0..60 of the page left at the top of a pane at x = 64.
    let left: Vec<Gone> = (0..60)
        .map(|y| Gone {
            y,
            up: true,
            spans: vec![(64, 256)],
        })
        .collect();
    let mut base = Frame::new(512, 300).unwrap();
    base.view_mut()
        .sub_mut(Rect::new(64, 0, 256, 200))
        .unwrap()
        .copy_from(&page.view())
        .unwrap();
    history.stash(rows_of(&base.view(), &left, |_| true).unwrap());
    // They come back 30 rows lower, below 10 rows that never left.
    let mut screen = Frame::new(512, 300).unwrap();
    let back = page.view().sub(Rect::new(0, 0, 256, 60)).unwrap();
    screen
        .view_mut()
        .sub_mut(Rect::new(64, 40, 256, 60))
        .unwrap()
        .copy_from(&back)
        .unwrap();
    let fresh = striped(256, 10, 99);
    screen
        .view_mut()
        .sub_mut(Rect::new(64, 30, 256, 10))
        .unwrap()
        .copy_from(&fresh.view())
        .unwrap();
    let rect = Rect::new(64, 30, 256, 70);
    let down = Returning {
        top: true,
        bottom: false,
    };
    let mut budget = PROBE_BUDGET;
    let pieces = history
        .find(&screen.view(), rect, down, &[], &mut budget)
        .unwrap();
    assert_eq!(
        pieces,
        [
            Piece::Left(Rect::new(64, 30, 256, 10)),
            Piece::Recalled {
                rect: Rect::new(64, 40, 256, 60),
                first: 0
            }
        ]
    );
    // A narrower rect inside the stored columns is found too.
    let inside = Rect::new(128, 40, 64, 60);
    let found = history.find(&screen.view(), inside, down, &[], &mut budget);
    assert_eq!(
        found.unwrap(),
        [Piece::Recalled {
            rect: inside,
            first: 0
        }]
    );
    // While the content goes on moving up, the same rows are not taken back.
    let up = Returning {
        top: false,
        bottom: true,
    };
    let found = history.find(&screen.view(), rect, up, &[], &mut budget);
    assert!(found.unwrap().is_empty());
    // Rows the viewer holds only approximately (lossy) are never recalled.
    let mut lossy = HostHistory::new(HISTORY_PIXELS);
    lossy.stash(rows_of(&base.view(), &left, |_| false).unwrap());
    let found = lossy.find(&screen.view(), rect, down, &[], &mut budget);
    assert!(found.unwrap().is_empty());
}
