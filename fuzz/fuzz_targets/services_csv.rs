//! Fuzz target `services_csv`: see [`servicegap_fuzz::services_csv`].
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| servicegap_fuzz::services_csv(data));
