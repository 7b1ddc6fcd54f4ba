//! Any bytes, cut into frames as a stream and decoded both ways, never panic or over-allocate.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| meekijk_codec::wire::fuzz::decode_stream(data));
