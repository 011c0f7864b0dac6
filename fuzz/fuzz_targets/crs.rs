//! Fuzz target `crs`: see [`servicegap_fuzz::crs`].
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| servicegap_fuzz::crs(data));
