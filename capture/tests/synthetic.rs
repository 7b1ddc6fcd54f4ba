//! Synthetic scenes: bit-for-bit determinism, honest "unchanged" hints, and the motion each
//! scene promises (typing changes little, the pointer alone moves, switch comes back, a dialog
//! dims the whole screen).

use meekijk_capture::{Masks, Scene, Source, Synthetic, MASK_COLOR, SCENE_NAMES};
use meekijk_codec::{FrameView, Rect};
use sha2::{Digest, Sha256};

fn hash(view: &FrameView<'_>) -> [u8; 32] {
    let mut h = Sha256::new();
    for y in 0..view.height() {
        h.update(view.row(y));
    }
    h.finalize().into()
}

/// Hashes of the first `frames` frames, plus the unchanged hints.
fn run(scene: Scene, w: u32, h: u32, seed: u64, frames: usize) -> Vec<([u8; 32], bool)> {
    let mut source = Synthetic::new(scene, w, h, 30, seed).unwrap();
    assert_eq!(source.size(), (w, h));
    (0..frames)
        .map(|_| {
            let f = source
                .next_frame()
                .unwrap()
                .expect("synthetic sources never end");
            assert_eq!((f.pixels.width(), f.pixels.height()), (w, h));
            (hash(&f.pixels), f.unchanged)
        })
        .collect()
}

#[test]
fn same_scene_and_seed_give_identical_frames_at_1080p_and_an_odd_size() {
    for scene in Scene::ALL {
        for (w, h) in [(1920, 1080), (333, 187)] {
            let a = run(scene, w, h, 7, 40);
            let b = run(scene, w, h, 7, 40);
            assert!(a == b, "{scene} at {w}x{h} differs between two runs");
            let distinct: std::collections::HashSet<_> = a.iter().map(|(h, _)| h).collect();
            assert!(
                distinct.len() > 1,
                "{scene} at {w}x{h} never changes in 40 frames"
            );
        }
    }
}

#[test]
fn different_seeds_give_different_content() {
    for scene in [
        Scene::Typing,
        Scene::TerminalScroll,
        Scene::PageScroll,
        Scene::Video,
    ] {
        let a = run(scene, 640, 360, 1, 45);
        let b = run(scene, 640, 360, 2, 45);
        assert!(a != b, "{scene}: seeds 1 and 2 give the same frames");
    }
}

#[test]
fn unchanged_hint_is_never_wrong() {
    for scene in Scene::ALL {
        let frames = run(scene, 480, 270, 3, 90);
        for pair in frames.windows(2) {
            if pair[1].1 {
                assert_eq!(
                    pair[0].0, pair[1].0,
                    "{scene}: frame marked unchanged but differs"
                );
            }
        }
    }
}

#[test]
fn every_scene_renders_at_4k_and_tiny_sizes() {
    for scene in Scene::ALL {
        for (w, h) in [(3840, 2160), (16, 16), (17, 301)] {
            let mut source = Synthetic::new(scene, w, h, 60, 1).unwrap();
            for _ in 0..3 {
                source.next_frame().unwrap().expect("a frame");
            }
        }
    }
    assert!(Synthetic::new(Scene::Typing, 15, 100, 30, 1).is_err());
    assert!(Synthetic::new(Scene::Typing, 100, 100, 0, 1).is_err());
}

/// The bounding box of pixels that differ between two frames.
fn changed_box(a: &FrameView<'_>, b: &FrameView<'_>) -> Option<Rect> {
    let mut bbox: Option<Rect> = None;
    for y in 0..a.height() {
        if a.row(y) == b.row(y) {
            continue;
        }
        for x in 0..a.width() {
            if a.pixel(x, y) != b.pixel(x, y) {
                let px = Rect::new(x, y, 1, 1);
                bbox = Some(bbox.map_or(px, |r| r.union(&px)));
            }
        }
    }
    bbox
}

fn changed_pixels(a: &FrameView<'_>, b: &FrameView<'_>) -> u32 {
    let mut n = 0;
    for y in 0..a.height() {
        for x in 0..a.width() {
            n += (a.pixel(x, y) != b.pixel(x, y)) as u32;
        }
    }
    n
}

fn frames(scene: Scene, n: usize) -> Vec<meekijk_codec::Frame> {
    let mut source = Synthetic::new(scene, 1920, 1080, 30, 1).unwrap();
    (0..n)
        .map(|_| meekijk_codec::Frame::from_view(&source.next_frame().unwrap().unwrap().pixels))
        .collect()
}

#[test]
fn scenes_move_the_way_their_names_say() {
    // idle-cursor: only a pointer-sized area changes between frames.
    let idle = frames(Scene::IdleCursor, 12);
    for pair in idle.windows(2) {
        if let Some(r) = changed_box(&pair[0].view(), &pair[1].view()) {
            assert!(r.width < 120 && r.height < 120, "idle-cursor changed {r}");
        }
    }
    // typing: over 3 s some characters appear, yet under 2 % of the pixels change.
    let typing = frames(Scene::Typing, 91);
    let changed = changed_pixels(&typing[0].view(), &typing[90].view());
    assert!(
        (50..1920 * 1080 / 50).contains(&changed),
        "typing changed {changed} pixels"
    );
    // video: the 960x540 player changes every frame; the text beside it does not.
    let video = frames(Scene::Video, 3);
    let r = changed_box(&video[1].view(), &video[2].view()).expect("video moves");
    assert!(
        (900..=1000).contains(&r.width) && (500..=560).contains(&r.height),
        "video changed {r}"
    );
    // switch: after two app changes (4 s) the first app's screen returns exactly.
    let mut source = Synthetic::new(Scene::Switch, 1920, 1080, 30, 1).unwrap();
    let hashes: Vec<_> = (0..130)
        .map(|_| hash(&source.next_frame().unwrap().unwrap().pixels))
        .collect();
    assert_ne!(
        hashes[0],
        hashes[60 + 1],
        "switch shows another app after 2 s"
    );
    assert_eq!(
        hashes[0], hashes[120],
        "switch returns to the first screen after 4 s"
    );
    // dialog: after 1 s the whole screen is dimmed behind a dialog; a second later the page
    // is back exactly, the pointer (drawn over the backdrop) aside.
    let dialog = frames(Scene::Dialog, 61);
    let dimmed = changed_pixels(&dialog[29].view(), &dialog[30].view());
    assert!(
        dimmed > 1920 * 1080 * 9 / 10,
        "the dialog dimmed {dimmed} pixels"
    );
    assert_eq!(dialog[60].data(), dialog[29].data(), "the page comes back");
}

#[test]
fn rect_masks_cover_the_area_in_every_frame() {
    let secret = Rect::new(100, 100, 300, 200);
    let mut source = Synthetic::new(Scene::Video, 960, 540, 30, 1).unwrap();
    source.set_masks(Masks::new().rect(secret)).unwrap();
    for _ in 0..10 {
        let f = source.next_frame().unwrap().unwrap();
        for y in secret.y..secret.y + secret.height {
            for x in secret.x..secret.x + secret.width {
                assert_eq!(f.pixels.pixel(x, y), MASK_COLOR);
            }
        }
        assert_ne!(f.pixels.pixel(99, 99), MASK_COLOR);
    }
    assert!(source.set_masks(Masks::new().window_title("x")).is_err());
}

#[test]
fn scene_names_round_trip() {
    for (scene, name) in Scene::ALL.iter().zip(SCENE_NAMES) {
        assert_eq!(scene.name(), name);
        assert_eq!(name.parse::<Scene>().unwrap(), *scene);
        let source = meekijk_capture::open(&format!("synthetic:{name}:5"), (320, 200), 30).unwrap();
        assert_eq!(source.size(), (320, 200));
    }
}

/// The vertical shift (1..=max) that maps most rows of `band` in `before` to `after`, if
/// at least 80 % of them match.
fn vertical_shift(
    before: &FrameView<'_>,
    after: &FrameView<'_>,
    band: Rect,
    max: u32,
) -> Option<u32> {
    fn segment<'a>(v: &FrameView<'a>, y: u32, band: Rect) -> &'a [u8] {
        &v.row(y)[band.x as usize * 4..(band.x + band.width) as usize * 4]
    }
    let rows = band.y..band.y + band.height;
    if rows
        .clone()
        .all(|y| segment(after, y, band) == segment(before, y, band))
    {
        return None;
    }
    (1..=max).find(|&s| {
        let rows = band.y..band.y + band.height - s;
        let matching = rows
            .clone()
            .filter(|&y| segment(after, y, band) == segment(before, y + s, band))
            .count();
        matching * 5 >= rows.len() * 4
    })
}

#[test]
fn terminal_scrolls_by_whole_lines_and_the_page_by_a_few_pixels() {
    let terminal = frames(Scene::TerminalScroll, 30);
    let band = Rect::new(140, 150, 900, 700);
    let shifts: Vec<u32> = terminal
        .windows(2)
        .filter_map(|p| vertical_shift(&p[0].view(), &p[1].view(), band, 120))
        .collect();
    assert!(
        shifts.len() >= 10,
        "terminal scrolled in only {} of 29 frames",
        shifts.len()
    );
    let line = *shifts.iter().min().unwrap();
    assert!((12..=30).contains(&line), "one text line is {line} px");
    assert!(
        shifts.iter().all(|s| s % line == 0),
        "shifts {shifts:?} are not whole lines"
    );
    assert!(
        shifts.iter().any(|&s| s > line),
        "output never arrives in bursts: {shifts:?}"
    );

    let page = frames(Scene::PageScroll, 30);
    let band = Rect::new(500, 300, 700, 600);
    for p in page.windows(2) {
        let s = vertical_shift(&p[0].view(), &p[1].view(), band, 40)
            .expect("the page scrolls every frame");
        assert!((1..=8).contains(&s), "page scrolled {s} px in one frame");
    }
}
