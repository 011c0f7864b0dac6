//! Fuzz target `services_geojson`: see [`servicegap_fuzz::services_geojson`].
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| servicegap_fuzz::services_geojson(data));
