//! Warnings: something in the input that the run carries on past but the planner must hear
//! about (points outside the extract, a duplicate point, values read in a fallback way). The
//! library collects them beside its results; only the command line prints them, one line each.

use std::fmt;
use std::path::PathBuf;

/// One warning: the file it concerns (when there is one) and what was noticed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    /// The input file the warning is about, if any.
    pub file: Option<PathBuf>,
    /// What was noticed, and what it means for the results; one line, no trailing full stop.
    pub message: String,
}

impl Warning {
    /// A warning about `file`.
    pub fn in_file(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Warning {
            file: Some(file.into()),
            message: message.into(),
        }
    }

    /// A warning about the run as a whole.
    pub fn general(message: impl Into<String>) -> Self {
        Warning {
            file: None,
            message: message.into(),
        }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.file {
            Some(file) => write!(f, "{}: {}", file.display(), self.message),
            None => f.write_str(&self.message),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_file_first() {
        let w = Warning::in_file("a.csv", "2 points repeat another point of the same kind");
        assert_eq!(
            w.to_string(),
            "a.csv: 2 points repeat another point of the same kind"
        );
        assert_eq!(Warning::general("x").to_string(), "x");
    }
}
