//! Output files written all-or-nothing: to temporary files beside their destinations first,
//! renamed into place together only when all are complete, so a failed run leaves no output
//! behind.
//!
//! Three kinds of destination are told apart:
//! - a regular file (or a path that does not exist yet) gets the temporary file and the rename;
//!   a symbolic link is followed, so the link stays and its target gets the new contents;
//! - a device, FIFO or socket (`/dev/null`, a named pipe), or a path that leads to an open
//!   file descriptor (`/dev/stdout`, `/dev/fd/3`, `/proc/self/fd/1`), is written through as it
//!   is produced: replacing it with a regular file would be wrong (as root, renaming onto
//!   `/dev/null` replaces the device), and such a destination cannot be rolled back anyway;
//! - standard output, by [`OutputSet::write_stdout`].
//!
//! Every temporary file of every set in the process is listed in one registry, so that a
//! process that is told to stop (Ctrl-C, SIGTERM) can remove them with [`abandon_pending`].
//! Whoever ends the process owns that policy; the library installs no signal handler.

use crate::base::error::{Error, Result};
use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

/// The temporary files of every [`OutputSet`] in the process that are not yet renamed into
/// place or removed. A temporary file is created, renamed and removed only while this lock is
/// held, so a holder sees every temporary file that exists.
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Numbers temporary files, so two sets of one process never pick the same name.
static NEXT_TMP: AtomicUsize = AtomicUsize::new(0);

fn registry() -> MutexGuard<'static, Vec<PathBuf>> {
    // A panic elsewhere while the lock was held leaves the list itself intact.
    PENDING.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Removes `tmp` and forgets it; the caller holds the registry.
fn discard(pending: &mut Vec<PathBuf>, tmp: &Path) {
    let _ = std::fs::remove_file(tmp);
    pending.retain(|p| p != tmp);
}

/// Held after [`abandon_pending`]: while it lives, no [`OutputSet`] can create, rename or
/// remove a temporary file (they wait for it), so a process that exits holding it leaves no
/// temporary file and no set half moved into place.
#[must_use = "dropping it lets output sets go on creating temporary files"]
pub struct Abandoned {
    _registry: MutexGuard<'static, Vec<PathBuf>>,
}

impl std::fmt::Debug for Abandoned {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Abandoned")
    }
}

/// Removes every temporary file of every [`OutputSet`] in the process, for a process that is
/// about to end without finishing (a signal handler calls it, then exits while holding the
/// returned [`Abandoned`]). Outputs already renamed into place, and the files the sets were to
/// replace, are left as they are; a set that was being moved into place finishes first.
///
/// Safe to call from any thread; it waits while another thread creates or renames a temporary
/// file, so a file being created when it is called is removed too.
pub fn abandon_pending() -> Abandoned {
    let mut pending = registry();
    for tmp in pending.drain(..) {
        let _ = std::fs::remove_file(tmp);
    }
    Abandoned { _registry: pending }
}

/// What an output is written into: a file (temporary, or written through) or standard output.
/// It is buffered; [`OutputSet`] flushes it.
#[derive(Debug)]
pub struct OutputWriter {
    inner: BufWriter<Sink>,
}

#[derive(Debug)]
enum Sink {
    File(File),
    Stdout(std::io::StdoutLock<'static>),
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Sink::File(f) => f.write(buf),
            Sink::Stdout(s) => s.write(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Sink::File(f) => f.flush(),
            Sink::Stdout(s) => s.flush(),
        }
    }
}

impl Write for OutputWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.inner.write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.inner.write_all(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

impl OutputWriter {
    fn new(sink: Sink) -> Self {
        Self {
            inner: BufWriter::with_capacity(1 << 16, sink),
        }
    }

    /// Flushes the buffer and, for a temporary file, its contents to disk.
    fn finish(self, sync: bool) -> std::io::Result<()> {
        match self.inner.into_inner().map_err(|e| e.into_error())? {
            Sink::File(f) if sync => f.sync_all(),
            Sink::File(_) => Ok(()),
            Sink::Stdout(mut s) => s.flush(),
        }
    }
}

/// Where a path's contents go.
enum Destination {
    /// A temporary file beside this path (the link target where the path is a link), renamed
    /// onto it at commit.
    Replace(PathBuf),
    /// Opened and written as is.
    Through,
}

/// Whether `path` names a device, FIFO or socket, or leads through symbolic links to an open
/// file descriptor (`/dev/stdout` -> `/proc/self/fd/1`), which may be a regular file the
/// shell opened: renaming onto the link would replace the link, not write where it points.
fn destination(path: &Path) -> Destination {
    if let Ok(meta) = std::fs::metadata(path) {
        let kind = meta.file_type();
        if !kind.is_file() && !kind.is_dir() {
            return Destination::Through;
        }
    }
    let mut hop = path.to_path_buf();
    // As many links as the kernel follows (ELOOP past 40).
    for _ in 0..40 {
        if hop.starts_with("/proc") || hop.starts_with("/dev/fd") {
            return Destination::Through;
        }
        match std::fs::read_link(&hop) {
            Ok(target) => {
                hop = match hop.parent() {
                    Some(dir) if target.is_relative() => dir.join(target),
                    _ => target,
                };
            }
            // Not a link (or gone): `hop` is where the contents go.
            Err(_) => break,
        }
    }
    Destination::Replace(hop)
}

/// What [`OutputSet::prepare`] made ready for one output.
enum Prepared {
    /// Written through as it is produced.
    Through,
    /// A registered temporary file, renamed onto `target` at commit.
    Temporary {
        tmp: PathBuf,
        file: File,
        target: PathBuf,
    },
}

/// Creates `tmp` (which must not exist) and lists it in the registry, under one lock, so
/// [`abandon_pending`] never misses a file that is being created.
fn create_registered(tmp: &Path) -> std::io::Result<File> {
    let mut pending = registry();
    let file = OpenOptions::new().write(true).create_new(true).open(tmp)?;
    pending.push(tmp.to_path_buf());
    Ok(file)
}

/// A private, empty temporary file in the system's temporary folder, for a writer that needs
/// a path (SQLite) when the output goes to standard output, a device or a FIFO: it is filled,
/// then copied through with [`ScratchFile::copy_to`]. It is in the registry, so
/// [`abandon_pending`] removes it, and dropping it removes it too.
#[derive(Debug)]
pub struct ScratchFile {
    path: PathBuf,
}

impl ScratchFile {
    /// Creates the file.
    ///
    /// # Errors
    /// The error creating it.
    pub fn new() -> std::io::Result<Self> {
        let path = std::env::temp_dir().join(format!(
            ".servicegap.{}.{}.tmp",
            std::process::id(),
            NEXT_TMP.fetch_add(1, Ordering::Relaxed)
        ));
        create_registered(&path)?;
        Ok(ScratchFile { path })
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Copies the file's contents into `out`; the number of bytes.
    ///
    /// # Errors
    /// The error reading the file or writing `out`.
    pub fn copy_to(&self, out: &mut impl Write) -> std::io::Result<u64> {
        std::io::copy(&mut File::open(&self.path)?, out)
    }
}

impl Drop for ScratchFile {
    fn drop(&mut self) {
        discard(&mut registry(), &self.path);
    }
}

/// Output files written all-or-nothing: each regular file is written to a temporary file
/// beside its destination, and [`OutputSet::commit`] renames them all into place once every
/// one has been written. Dropping the set without committing removes the temporary files, so
/// a failed run leaves no output at all, not even the files that were complete.
///
/// Devices, FIFOs, open descriptors (`/dev/stdout`) and standard output are written through
/// when their output is written (see the module docs): they take no part in the rollback.
#[derive(Debug, Default)]
pub struct OutputSet {
    /// (temporary file, destination, the path as named, for errors).
    pending: Vec<(PathBuf, PathBuf, PathBuf)>,
    /// Every path named so far, to refuse the same one twice.
    named: Vec<PathBuf>,
}

impl OutputSet {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Writes `path`'s future contents with `write`: into a temporary file for a regular file,
    /// straight into the destination for a device, FIFO or open descriptor (which blocks, for
    /// a FIFO, until a reader opens it). Missing parent folders are created.
    ///
    /// # Errors
    /// [`Error::Write`] naming `path` if the folder, the file or any write fails, if `path`
    /// is a folder, if a parent is a file, or if the set already has an output at `path`.
    pub fn write(
        &mut self,
        path: &Path,
        write: impl FnOnce(&mut OutputWriter) -> std::io::Result<()>,
    ) -> Result<()> {
        let fail = |source| Error::Write {
            path: path.to_path_buf(),
            source,
        };
        let (tmp, file, target) = match self.prepare(path)? {
            Prepared::Through => return write_through(path, write).map_err(fail),
            Prepared::Temporary { tmp, file, target } => (tmp, file, target),
        };
        let result = (|| {
            let mut w = OutputWriter::new(Sink::File(file));
            write(&mut w)?;
            w.finish(true)
        })();
        self.keep_or_discard(result, tmp, target, path)
    }

    /// Writes `path`'s future contents with `write`, which is handed the path of an empty
    /// file to fill, for a writer that needs a path of its own (SQLite) rather than a stream.
    /// For a regular file that is the temporary file beside the destination, renamed into
    /// place at [`OutputSet::commit`] like any other; for a device, FIFO or open descriptor it
    /// is a private temporary file, copied through to the destination once `write` is done
    /// and then removed. Either way the file is in the registry, so [`abandon_pending`]
    /// removes it. `write` must leave nothing else beside the file (no journal).
    ///
    /// # Errors
    /// As [`OutputSet::write`].
    pub fn write_path(
        &mut self,
        path: &Path,
        write: impl FnOnce(&Path) -> std::io::Result<()>,
    ) -> Result<()> {
        let fail = |source| Error::Write {
            path: path.to_path_buf(),
            source,
        };
        let (tmp, file, target) = match self.prepare(path)? {
            Prepared::Through => {
                let scratch = ScratchFile::new().map_err(fail)?;
                write(scratch.path()).map_err(fail)?;
                return write_through(path, |w| scratch.copy_to(w).map(drop)).map_err(fail);
            }
            Prepared::Temporary { tmp, file, target } => (tmp, file, target),
        };
        // The writer opens the file by its path; this handle only makes its contents durable.
        let result = write(&tmp).and_then(|()| file.sync_all());
        self.keep_or_discard(result, tmp, target, path)
    }

    /// Checks `path` and, for a regular file, creates its (registered) temporary file.
    fn prepare(&mut self, path: &Path) -> Result<Prepared> {
        let fail = |source| Error::Write {
            path: path.to_path_buf(),
            source,
        };
        if self.named.iter().any(|p| p == path) {
            return Err(fail(std::io::Error::other(
                "the same file is named for two outputs",
            )));
        }
        self.named.push(path.to_path_buf());
        if path.is_dir() {
            return Err(fail(std::io::Error::other("it is a directory")));
        }
        let target = match destination(path) {
            Destination::Through => return Ok(Prepared::Through),
            Destination::Replace(target) => target,
        };
        let dir = target
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        if let Err(e) = std::fs::create_dir_all(dir) {
            // The system says "Not a directory" without saying which: name the file in the way.
            return Err(fail(match dir.ancestors().find(|a| a.is_file()) {
                Some(file) => {
                    std::io::Error::other(format!("{} is a file, not a folder", file.display()))
                }
                None => e,
            }));
        }
        let name = target
            .file_name()
            .map_or("output".into(), |n| n.to_string_lossy());
        let tmp = dir.join(format!(
            ".{name}.{}.{}.tmp",
            std::process::id(),
            NEXT_TMP.fetch_add(1, Ordering::Relaxed)
        ));
        let file = create_registered(&tmp).map_err(fail)?;
        Ok(Prepared::Temporary { tmp, file, target })
    }

    /// Keeps a written temporary file for the commit, or removes it after a failure.
    fn keep_or_discard(
        &mut self,
        result: std::io::Result<()>,
        tmp: PathBuf,
        target: PathBuf,
        path: &Path,
    ) -> Result<()> {
        match result {
            Ok(()) => {
                self.pending.push((tmp, target, path.to_path_buf()));
                Ok(())
            }
            Err(source) => {
                discard(&mut registry(), &tmp);
                Err(Error::Write {
                    path: path.to_path_buf(),
                    source,
                })
            }
        }
    }

    /// Writes an output with `write` to standard output, at once: call it after every file
    /// output is written and before [`OutputSet::commit`], so that a failure before it leaves
    /// standard output empty and a failure in it leaves no file.
    ///
    /// # Errors
    /// The error of `write` or of standard output; a reader that went away is
    /// [`std::io::ErrorKind::BrokenPipe`].
    pub fn write_stdout(
        &mut self,
        write: impl FnOnce(&mut OutputWriter) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        let mut w = OutputWriter::new(Sink::Stdout(std::io::stdout().lock()));
        write(&mut w)?;
        w.finish(false)
    }

    /// Renames every written file into place.
    ///
    /// # Errors
    /// [`Error::Write`] naming the file that could not be moved into place.
    pub fn commit(mut self) -> Result<()> {
        // One lock for all renames: an interrupted process leaves all of the set or none.
        let mut registry = registry();
        // Entries leave the list only once renamed, so a failure leaves the rest to `Drop`.
        while let Some((tmp, target, path)) = self.pending.first().cloned() {
            std::fs::rename(&tmp, &target).map_err(|source| Error::Write { path, source })?;
            registry.retain(|p| *p != tmp);
            self.pending.remove(0);
        }
        Ok(())
    }
}

/// Writes `path` as it is (a device, FIFO or open descriptor); appending, so that a regular
/// file behind a descriptor the shell opened with `>>` keeps what it had.
fn write_through(
    path: &Path,
    write: impl FnOnce(&mut OutputWriter) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let file = OpenOptions::new().append(true).open(path)?;
    let mut w = OutputWriter::new(Sink::File(file));
    write(&mut w)?;
    w.finish(false)
}

impl Drop for OutputSet {
    fn drop(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let mut registry = registry();
        for (tmp, _, _) in &self.pending {
            discard(&mut registry, tmp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regular_files_appear_only_at_commit() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("a.txt");
        std::fs::write(&path, "old").expect("write");
        let mut set = OutputSet::new();
        set.write(&path, |w| w.write_all(b"new")).expect("write");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "old");
        set.commit().expect("commit");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "new");
        assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 1);
    }

    #[test]
    fn a_dropped_set_leaves_nothing() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut set = OutputSet::new();
        set.write(&dir.path().join("a.txt"), |w| w.write_all(b"x"))
            .expect("write");
        drop(set);
        assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 0);
    }

    #[test]
    fn a_parent_that_is_a_file_is_named() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("plain");
        std::fs::write(&file, "x").expect("write");
        let err = OutputSet::new()
            .write(&file.join("sub").join("a.txt"), |w| w.write_all(b"x"))
            .expect_err("a file as folder");
        let text = err.to_string();
        assert!(
            text.ends_with(&format!("{} is a file, not a folder", file.display())),
            "{text}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_link_is_kept_and_its_target_replaced() {
        let dir = tempfile::tempdir().expect("temp dir");
        let target = dir.path().join("target.txt");
        let link = dir.path().join("link.txt");
        std::fs::write(&target, "old").expect("write");
        std::os::unix::fs::symlink(&target, &link).expect("link");
        let mut set = OutputSet::new();
        set.write(&link, |w| w.write_all(b"new")).expect("write");
        set.commit().expect("commit");
        assert!(std::fs::symlink_metadata(&link)
            .expect("link")
            .file_type()
            .is_symlink());
        assert_eq!(std::fs::read_to_string(&target).expect("read"), "new");
    }

    #[test]
    fn a_path_writer_fills_the_temporary_file_renamed_at_commit() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("a.db");
        std::fs::write(&path, "old").expect("write");
        let mut set = OutputSet::new();
        let mut handed = PathBuf::new();
        set.write_path(&path, |tmp| {
            handed = tmp.to_path_buf();
            assert_eq!(std::fs::metadata(tmp)?.len(), 0, "handed an empty file");
            std::fs::write(tmp, "new")
        })
        .expect("write");
        assert_ne!(handed, path);
        assert_eq!(handed.parent(), path.parent(), "beside its destination");
        assert!(registry().contains(&handed), "registered until the commit");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "old");
        set.commit().expect("commit");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "new");
        assert!(!registry().contains(&handed));
        assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 1);
    }

    #[test]
    fn a_failed_path_writer_leaves_nothing() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("a.db");
        let mut set = OutputSet::new();
        let err = set
            .write_path(&path, |tmp| {
                std::fs::write(tmp, "half")?;
                Err(std::io::Error::other("disk full"))
            })
            .expect_err("failed");
        assert!(err.to_string().contains("disk full"), "{err}");
        drop(set);
        assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 0);
    }

    #[test]
    fn a_dropped_set_removes_a_path_writers_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut set = OutputSet::new();
        set.write_path(&dir.path().join("a.db"), |tmp| std::fs::write(tmp, "x"))
            .expect("write");
        drop(set);
        assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 0);
    }

    #[cfg(unix)]
    #[test]
    fn a_path_writer_to_a_device_goes_through_a_private_file() {
        use std::os::unix::fs::FileTypeExt;
        let mut set = OutputSet::new();
        let mut handed = PathBuf::new();
        set.write_path(Path::new("/dev/null"), |tmp| {
            handed = tmp.to_path_buf();
            assert!(registry().contains(&handed), "registered while written");
            std::fs::write(tmp, "x")
        })
        .expect("write");
        assert!(
            handed.starts_with(std::env::temp_dir()),
            "{}",
            handed.display()
        );
        assert!(!handed.exists(), "removed once copied through");
        assert!(!registry().contains(&handed));
        assert!(std::fs::metadata("/dev/null")
            .expect("null")
            .file_type()
            .is_char_device());
        set.commit().expect("commit");
    }

    #[test]
    fn a_scratch_file_copies_and_removes_itself() {
        let scratch = ScratchFile::new().expect("scratch");
        let path = scratch.path().to_path_buf();
        std::fs::write(&path, "contents").expect("write");
        let mut out = Vec::new();
        assert_eq!(scratch.copy_to(&mut out).expect("copy"), 8);
        assert_eq!(out, b"contents");
        assert!(registry().contains(&path));
        drop(scratch);
        assert!(!path.exists());
        assert!(!registry().contains(&path));
    }
}
