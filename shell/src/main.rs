//! `meekijk`: the command-line shell around the codec engine.
#![forbid(unsafe_code)]

fn main() {}
