//! TOML files (the settings file, scenario files): deserialized with the line of an error.

/// Text that is not TOML, or not the TOML a file expects: the parser's message and the
/// 1-based line where known.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub(crate) struct TomlError {
    pub(crate) line: Option<u64>,
    pub(crate) message: String,
}

/// Deserializes TOML text; errors carry the 1-based line where known. Every TOML file
/// servicegap reads (settings, scenarios) goes through here.
pub(crate) fn parse_toml<T: serde::de::DeserializeOwned>(
    text: &str,
) -> std::result::Result<T, TomlError> {
    toml::from_str(text).map_err(|e| {
        let line = e
            .span()
            .map(|s| text[..s.start.min(text.len())].matches('\n').count() as u64 + 1);
        TomlError {
            line,
            message: e.message().trim().to_owned(),
        }
    })
}

/// The 1-based line where `key` is set (`key =` at a line start), if it is.
pub(crate) fn line_of_key(text: &str, key: &str) -> Option<u64> {
    text.lines()
        .position(|l| sets_key(l, key))
        .map(|i| i as u64 + 1)
}

/// The 1-based line where `key` is set inside `[section]`, falling back to the first line
/// setting `key` anywhere (a key of the same name may be in several sections).
pub(crate) fn line_in_section(text: &str, section: &str, key: &str) -> Option<u64> {
    let header = format!("[{section}]");
    let start = text.lines().position(|l| l.trim() == header);
    let in_section = start.and_then(|start| {
        text.lines()
            .enumerate()
            .skip(start + 1)
            .take_while(|(_, l)| !l.trim_start().starts_with('['))
            .find(|(_, l)| sets_key(l, key))
            .map(|(i, _)| i as u64 + 1)
    });
    in_section.or_else(|| line_of_key(text, key))
}

fn sets_key(line: &str, key: &str) -> bool {
    line.trim_start()
        .strip_prefix(key)
        .is_some_and(|rest| rest.trim_start().starts_with('='))
}
