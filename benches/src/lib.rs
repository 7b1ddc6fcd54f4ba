//! Shared helpers for the criterion benches: deterministic test frames.
