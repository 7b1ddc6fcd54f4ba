//! Replays every committed fuzz input on stable: the seed corpora (`fuzz/corpus/<target>/`) and
//! every crash the fuzzers ever found (`fuzz/regressions/<target>/`), through the same functions
//! the cargo-fuzz targets call. A crash that comes back fails `cargo test`, nightly or not.
//!
//! Each fixed crash also has a named test below, so the failure says what broke.

use std::path::{Path, PathBuf};

use meekijk_codec::wire::fuzz;

/// Fuzz target name → the crate function it wraps. A target missing here fails the replay.
const TARGETS: &[(&str, fn(&[u8]))] = &[
    ("wire_decode", fuzz::decode_stream),
    ("wire_round_trip", fuzz::round_trip),
];

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz")
}

fn target_fn(name: &str) -> fn(&[u8]) {
    TARGETS
        .iter()
        .find(|(target, _)| *target == name)
        .unwrap_or_else(|| panic!("fuzz target {name} has inputs but no replay function"))
        .1
}

/// Runs every file under `<dir>/<target>/` through its target.
fn replay(dir: &Path) {
    let Ok(targets) = std::fs::read_dir(dir) else {
        return;
    };
    for target in targets {
        let target = target.unwrap();
        if !target.file_type().unwrap().is_dir() {
            continue;
        }
        let run = target_fn(&target.file_name().to_string_lossy());
        for input in std::fs::read_dir(target.path()).unwrap() {
            let path = input.unwrap().path();
            let data = std::fs::read(&path).unwrap();
            let outcome = std::panic::catch_unwind(|| run(&data));
            assert!(outcome.is_ok(), "{} fails again", path.display());
        }
    }
}

#[test]
fn seed_corpora_replay_cleanly() {
    replay(&fuzz_dir().join("corpus"));
    for (target, _) in TARGETS {
        let dir = fuzz_dir().join("corpus").join(target);
        let seeds = std::fs::read_dir(&dir).map_or(0, Iterator::count);
        assert!(seeds > 0, "{} has no seed corpus", dir.display());
    }
}

#[test]
fn found_crashes_stay_fixed() {
    replay(&fuzz_dir().join("regressions"));
}
