//! Fuzz target `settings`: see [`servicegap_fuzz::settings`].
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| servicegap_fuzz::settings(data));
