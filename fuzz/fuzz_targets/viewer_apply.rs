//! A viewer's received stream (Hello, Updates) applied to a framebuffer: never panics, rejected
//! updates change nothing, applied ones write only inside their ops' rects.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| meekijk_codec::wire::fuzz::apply_stream(data));
