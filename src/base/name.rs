//! Names a planner may misspell (kinds, units, settings keys, file columns, regions): the
//! closest of the names known, offered as "did you mean".

/// The name among `names` closest in spelling to `name` (case aside), if any is close enough to
/// be what was meant: for "did you mean" in errors.
pub fn closest_name<'a>(name: &str, names: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    // Jaro-Winkler weighs a shared beginning, as in typos of a word's end (`grocey`, `kms`);
    // 0.8 keeps unrelated words (`bakery` and `grocery` score 0.61) from being offered.
    const CLOSE: f64 = 0.8;
    let name = name.trim().to_lowercase();
    names
        .into_iter()
        .map(|n| (strsim::jaro_winkler(&name, n), n))
        .filter(|&(score, _)| score >= CLOSE)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, n)| n)
}
