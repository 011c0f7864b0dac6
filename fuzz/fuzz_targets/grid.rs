//! Fuzz target `grid`: see [`servicegap_fuzz::grid`].
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| servicegap_fuzz::grid(data));
