//! Fuzz target `pbf`: see [`servicegap_fuzz::pbf`].
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| servicegap_fuzz::pbf(data));
