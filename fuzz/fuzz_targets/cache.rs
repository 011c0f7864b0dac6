//! Fuzz target `cache`: see [`servicegap_fuzz::cache`].
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| servicegap_fuzz::cache(data));
