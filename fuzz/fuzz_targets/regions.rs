//! Fuzz target `regions`: see [`servicegap_fuzz::regions`].
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| servicegap_fuzz::regions(data));
