//! Fuzz target `services_xlsx`: see [`servicegap_fuzz::services_xlsx`].
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| servicegap_fuzz::services_xlsx(data));
