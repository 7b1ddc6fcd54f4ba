//! A screen edited as the input says, encoded frame by frame and sent through the wire: the
//! viewer holds it exactly after every update while nothing lossy was sent.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| meekijk_codec::wire::fuzz::host_exact(data));
