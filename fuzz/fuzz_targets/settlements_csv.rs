//! Fuzz target `settlements_csv`: see [`servicegap_fuzz::settlements_csv`].
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| servicegap_fuzz::settlements_csv(data));
