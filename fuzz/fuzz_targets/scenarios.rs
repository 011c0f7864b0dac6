//! Fuzz target `scenarios`: see [`servicegap_fuzz::scenarios`].
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| servicegap_fuzz::scenarios(data));
