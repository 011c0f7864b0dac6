//! Output files written all-or-nothing: to temporary files beside their destinations first,
//! renamed into place together only when all are complete, so a failed run leaves no output
//! behind.

use crate::base::error::{Error, Result};
use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

/// Output files written all-or-nothing: each is written to a temporary file beside its
/// destination, and [`OutputSet::commit`] renames them all into place once every one has been
/// written. Dropping the set without committing removes the temporary files, so a failed run
/// leaves no output at all, not even the files that were complete.
#[derive(Debug, Default)]
pub struct OutputSet {
    pending: Vec<(PathBuf, PathBuf)>,
}

impl OutputSet {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Writes `path`'s future contents with `write` into a temporary file. Missing parent
    /// folders are created.
    ///
    /// # Errors
    /// [`Error::Write`] naming `path` if the folder, the file or any write fails.
    pub fn write(
        &mut self,
        path: &Path,
        write: impl FnOnce(&mut BufWriter<File>) -> std::io::Result<()>,
    ) -> Result<()> {
        let fail = |source| Error::Write {
            path: path.to_path_buf(),
            source,
        };
        if self.pending.iter().any(|(_, p)| p == path) {
            return Err(fail(std::io::Error::other(
                "the same file is named for two outputs",
            )));
        }
        if path.is_dir() {
            return Err(fail(std::io::Error::other("it is a directory")));
        }
        let dir = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(fail)?;
        let name = path
            .file_name()
            .map_or("output".into(), |n| n.to_string_lossy());
        let tmp = dir.join(format!(
            ".{name}.{}.{}.tmp",
            std::process::id(),
            self.pending.len()
        ));
        let result = (|| {
            let mut w = BufWriter::new(File::create(&tmp)?);
            write(&mut w)?;
            w.into_inner().map_err(|e| e.into_error())?.sync_all()
        })();
        match result {
            Ok(()) => {
                self.pending.push((tmp, path.to_path_buf()));
                Ok(())
            }
            Err(e) => {
                let _ = std::fs::remove_file(&tmp);
                Err(fail(e))
            }
        }
    }

    /// Renames every written file into place.
    ///
    /// # Errors
    /// [`Error::Write`] naming the file that could not be moved into place.
    pub fn commit(mut self) -> Result<()> {
        // Entries leave the list only once renamed, so a failure leaves the rest to `Drop`.
        while let Some((tmp, path)) = self.pending.first().cloned() {
            std::fs::rename(&tmp, &path).map_err(|source| Error::Write { path, source })?;
            self.pending.remove(0);
        }
        Ok(())
    }
}

impl Drop for OutputSet {
    fn drop(&mut self) {
        for (tmp, _) in &self.pending {
            let _ = std::fs::remove_file(tmp);
        }
    }
}
