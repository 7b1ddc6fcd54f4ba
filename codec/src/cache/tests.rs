//! Unit tests of the tile cache: eviction order, ids, keys and the cell layout of hits.

use super::*;
use crate::Frame;

#[test]
fn least_recently_used_goes_first() {
    let mut cache = TileCache::new(2);
    let a = cache.insert(10, 'a').unwrap();
    let b = cache.insert(20, 'b').unwrap();
    assert!(cache.touch(a));
    let c = cache.insert(30, 'c').unwrap(); // evicts b, the least recently used
    assert_eq!(
        (cache.get(a), cache.get(b), cache.get(c)),
        (Some((10, &'a')), None, Some((30, &'c')))
    );
    assert!(!cache.touch(b));
    assert_eq!(cache.find(20), None, "an evicted key is not found");
    assert_eq!(cache.entries.len(), 2);
}

#[test]
fn ids_are_serial_and_restart_with_a_keyframe() {
    let mut cache = TileCache::new(8);
    let ids: Vec<u32> = (0..3).map(|k| cache.insert(k, ()).unwrap()).collect();
    assert_eq!(ids, [0, 1, 2]);
    cache.clear();
    assert_eq!(cache.get(1), None);
    assert_eq!(cache.insert(7, ()), Some(0));
    assert_eq!(
        TileCache::<()>::new(0).insert(1, ()),
        None,
        "a cache of 0 is off"
    );
}

#[test]
fn the_same_pixels_may_live_under_several_ids() {
    let mut cache = TileCache::new(3);
    let first = cache.insert(5, 'x').unwrap();
    let second = cache.insert(5, 'x').unwrap();
    assert_ne!(first, second);
    assert!(cache.holds(first, 5) && cache.holds(second, 5));
    assert!(!cache.holds(first, 6));
    assert_eq!(cache.find(5), Some(second), "find names the newest");
    // Evicting the older copy keeps the newer one findable.
    cache.insert(6, 'y');
    cache.insert(7, 'z');
    assert_eq!((cache.get(first), cache.find(5)), (None, Some(second)));
}

#[test]
fn no_id_is_reused_before_a_keyframe() {
    let mut cache = TileCache::new(1);
    cache.next_id = LAST_ID - 1;
    assert_eq!(cache.ids_left(), 1);
    assert_eq!(cache.insert(1, ()), Some(LAST_ID - 1));
    assert_eq!(cache.insert(2, ()), None, "out of ids: nothing goes in");
    assert!(cache.holds(LAST_ID - 1, 1));
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

#[test]
fn hit_cells_step_by_stride_between_rows() {
    let cells = hit_cells(Rect::new(5, 7, 40, 33), 100, 8).unwrap();
    assert_eq!(
        cells,
        vec![
            (Rect::new(5, 7, 32, 32), 100),
            (Rect::new(37, 7, 8, 32), 101),
            (Rect::new(5, 39, 32, 1), 108),
            (Rect::new(37, 39, 8, 1), 109),
        ]
    );
    assert_eq!(
        hit_cells(Rect::new(0, 0, 64, 32), LAST_ID, 0),
        None,
        "past the last id"
    );
    assert!(hit_cells(Rect::new(0, 0, 32, 64), LAST_ID - 1, 1).is_some());
}

#[test]
fn the_check_covers_keys_and_their_order() {
    assert_ne!(check_of([1, 2].into_iter()), check_of([2, 1].into_iter()));
    assert_ne!(check_of([1].into_iter()), check_of([1, 1].into_iter()));
}

#[test]
fn hits_group_into_rects_of_serial_ids() {
    // A 4×3-block frame, 100×80 px: the right column and bottom row are clipped blocks.
    let map = crate::DirtyMap::new(100, 80, BLOCK_SIZE);
    let ids = [
        Some(10),
        Some(11),
        Some(12),
        Some(40),
        Some(18),
        Some(19),
        Some(20),
        None,
        Some(26),
        Some(27),
        Some(5),
        Some(6),
    ];
    let mut cache = TileCache::new(64);
    for id in 0..41u32 {
        assert_eq!(cache.insert(u64::from(id) * 3, ()), Some(id));
    }
    let hits: Vec<(Rect, u32, u32)> = hit_ops(&map, &ids, &cache)
        .into_iter()
        .map(|op| match op {
            Op::CacheHit {
                rect,
                first,
                stride,
                check,
            } => {
                let cells = hit_cells(rect, first, stride).unwrap();
                let named = cells.iter().map(|&(_, id)| u64::from(id) * 3);
                assert_eq!(check, check_of(named), "check of {rect:?}");
                (rect, first, stride)
            }
            other => panic!("not a hit: {other:?}"),
        })
        .collect();
    assert_eq!(
        hits,
        vec![
            (Rect::new(0, 0, 96, 64), 10, 8),
            (Rect::new(96, 0, 4, 32), 40, 0),
            (Rect::new(0, 64, 64, 16), 26, 0),
            (Rect::new(64, 64, 36, 16), 5, 0),
        ]
    );
}

#[test]
fn kept_av1_blocks_are_keyed_by_their_data_and_place() {
    let rect = Rect::new(64, 32, 96, 64);
    let block = Rect::new(96, 64, 32, 32);
    let key = decoded_key(7, rect, block);
    assert_eq!(
        key,
        decoded_key(7, rect, block),
        "both sides derive the same key"
    );
    assert_ne!(key, decoded_key(8, rect, block), "other data");
    assert_ne!(
        key,
        decoded_key(7, rect, Rect::new(128, 64, 32, 32)),
        "another block"
    );
    // The same picture elsewhere decodes to the same pixels: the place is within the op.
    let moved = Rect::new(rect.x + 320, rect.y, rect.width, rect.height);
    assert_eq!(key, decoded_key(7, moved, Rect::new(416, 64, 32, 32)));
}

#[test]
fn coarse_av1_is_kept_apart_from_near_lossless() {
    let av1 = |quality| Op::Av1 {
        rect: Rect::new(0, 0, 64, 64),
        quality,
        data: bytes::Bytes::from_static(b"obu"),
    };
    assert!(matches!(
        effect(&av1(KEPT_AV1_QUANTIZER)),
        CacheEffect::Insert {
            decoded: Some(_),
            coarse: false,
            ..
        }
    ));
    assert!(matches!(
        effect(&av1(KEPT_AV1_QUANTIZER + 1)),
        CacheEffect::Insert {
            decoded: Some(_),
            coarse: true,
            ..
        }
    ));
}

#[test]
fn coarse_entries_take_at_most_a_quarter_and_push_out_only_each_other() {
    let mut cache = TileCache::new(8);
    let exact: Vec<u32> = (0..4).map(|k| cache.insert(k, 'e').unwrap()).collect();
    let coarse: Vec<u32> = (10..12)
        .map(|k| cache.insert_found_by(k, k, true, 'c').unwrap())
        .collect();
    assert!(cache.touch(coarse[0]));
    // A third coarse entry evicts the least recently used coarse one, not an older exact one.
    let third = cache.insert_found_by(12, 12, true, 'c').unwrap();
    assert_eq!(cache.get(coarse[1]), None);
    assert!(cache.holds(coarse[0], 10) && cache.holds(third, 12));
    assert!(exact.iter().all(|&id| cache.get(id).is_some()));
    assert!(cache.is_coarse(third) && !cache.is_coarse(exact[0]));
    // Exact entries still fill the rest and evict by age, coarse or not.
    cache.insert(4, 'e');
    cache.insert(5, 'e');
    assert_eq!(cache.entries.len(), 8);
    cache.insert(6, 'e');
    assert_eq!(cache.get(exact[0]), None, "the oldest entry goes when full");
    assert_eq!(
        TileCache::new(3).insert_found_by(1, 1, true, ()),
        None,
        "a cache too small for a quarter keeps no coarse entry"
    );
}

#[test]
fn an_entry_is_found_by_its_source_and_checked_by_its_key() {
    let mut cache = TileCache::new(4);
    let id = cache.insert_found_by(111, 222, false, ()).unwrap();
    assert_eq!((cache.find(222), cache.find(111)), (Some(id), None));
    assert!(cache.holds(id, 222) && !cache.holds(id, 111));
    assert_eq!(
        cache.get(id),
        Some((111, &())),
        "hits are checked by the shared key"
    );
}
