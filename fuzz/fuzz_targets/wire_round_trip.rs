//! Whatever decodes re-encodes to the very same bytes and decodes to the same value.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| meekijk_codec::wire::fuzz::round_trip(data));
