//! Fuzz target `settlements_geojson`: see [`servicegap_fuzz::settlements_geojson`].
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| servicegap_fuzz::settlements_geojson(data));
