//! Cache-part tests: what is left of a rect joins into few strips, and a part matches only
//! the same place of the entry it names.

use super::*;
use crate::Frame;

#[test]
fn what_is_left_joins_side_by_side_and_then_downwards() {
    // A strip 9 px wide over rows 40..170 (five grid rows): parts found in rows 96..160.
    let strip = Rect::new(70, 40, 9, 130);
    let ids = [None, None, Some(4), Some(9), None];
    assert_eq!(
        left_over(&ids, 1, 5, strip),
        vec![Rect::new(70, 40, 9, 56), Rect::new(70, 160, 9, 10)]
    );
    // A band 2 px high across three grid columns, the middle one found.
    let band = Rect::new(20, 50, 60, 2);
    assert_eq!(
        left_over(&[None, Some(1), None], 3, 1, band),
        vec![Rect::new(20, 50, 12, 2), Rect::new(64, 50, 16, 2)]
    );
}

#[test]
fn a_part_equals_only_the_same_place_of_the_entry() {
    let mut entry = Frame::filled(32, 32, [1, 2, 3, 255]).unwrap();
    let marked = Rect::new(4, 8, 3, 5);
    entry
        .view_mut()
        .sub_mut(marked)
        .unwrap()
        .fill([9, 9, 9, 255]);
    let new = Frame::filled(3, 5, [9, 9, 9, 255]).unwrap();
    assert!(same_pixels(&entry.view(), marked, &new.view()));
    assert!(!same_pixels(
        &entry.view(),
        Rect::new(5, 8, 3, 5),
        &new.view()
    ));
    // Reaching past the entry (a narrow block at the screen's edge) is never equal.
    assert!(!same_pixels(
        &entry.view(),
        Rect::new(30, 8, 3, 5),
        &new.view()
    ));
}
