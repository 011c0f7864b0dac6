//! Progress of the long phases (reading, building, snapping, routing, what-if loops), reported
//! the way the `log` crate reports messages: the library names each phase and counts its work
//! done; whoever runs the library installs one process-wide [`Sink`] and decides what to show.
//!
//! Without a sink every call is a no-op behind one atomic load, so the library can report
//! progress on its hot paths for free. Work is counted in chunks (a PBF block, a search, a
//! settlement's search), never per node or per arc, and a count is a relaxed atomic add: the
//! sink reads it when it draws, so counting never takes a lock.
//!
//! ```
//! use servicegap::base::progress::{self, Unit};
//! let reading = progress::phase("reading", Some(4096), Unit::Bytes);
//! reading.advance(1024); // one block done
//! drop(reading); // the phase ends
//! ```

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

/// What a phase counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// Bytes of a file.
    Bytes,
    /// Whole steps: searches, scenarios, settlements, outputs.
    Items,
}

/// A phase under way, as a [`Sink`] sees it: its name, its total and how much is done.
#[derive(Debug)]
pub struct PhaseInfo {
    name: &'static str,
    total: Option<u64>,
    unit: Unit,
    done: AtomicU64,
    started: Instant,
}

impl PhaseInfo {
    /// The phase's name, a short lower-case word (`reading`, `routing`, ...).
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// How much work the phase has in all, when known beforehand.
    pub fn total(&self) -> Option<u64> {
        self.total
    }

    /// What the counts are of.
    pub fn unit(&self) -> Unit {
        self.unit
    }

    /// How much work is done so far.
    pub fn done(&self) -> u64 {
        self.done.load(Ordering::Relaxed)
    }

    /// When the phase started.
    pub fn started(&self) -> Instant {
        self.started
    }
}

/// Where progress goes: told when a phase starts and when it ends; reads
/// [`PhaseInfo::done`] in between whenever it wants to draw.
pub trait Sink: Send + Sync {
    /// A phase started. The sink may keep the handle to read the count later.
    fn start(&self, phase: &Arc<PhaseInfo>);
    /// A phase ended (finished, or dropped on an error).
    fn end(&self, phase: &PhaseInfo);
}

static SINK: OnceLock<Box<dyn Sink>> = OnceLock::new();

/// Installs the process-wide sink, once, before the first phase is reported.
///
/// # Errors
/// Gives the sink back if one is installed already.
pub fn set_sink(sink: Box<dyn Sink>) -> Result<(), Box<dyn Sink>> {
    SINK.set(sink)
}

/// Starts a phase of `total` units of work (`None`: unknown, e.g. a build step reported only
/// as busy). It ends when the returned [`Phase`] is dropped or finished.
pub fn phase(name: &'static str, total: Option<u64>, unit: Unit) -> Phase {
    let Some(sink) = SINK.get() else {
        return Phase::none();
    };
    let info = Arc::new(PhaseInfo {
        name,
        total,
        unit,
        done: AtomicU64::new(0),
        started: Instant::now(),
    });
    sink.start(&info);
    Phase(Some(info))
}

/// A phase under way; it ends when dropped. Shared by reference across threads to count.
#[derive(Debug)]
#[must_use = "a phase ends when dropped"]
pub struct Phase(Option<Arc<PhaseInfo>>);

impl Phase {
    /// A phase that reports nothing: for a step that runs inside a phase already reported.
    pub fn none() -> Phase {
        Phase(None)
    }

    /// Counts `n` more units done.
    pub fn advance(&self, n: u64) {
        if let Some(info) = &self.0 {
            info.done.fetch_add(n, Ordering::Relaxed);
        }
    }

    /// Ends the phase now (as dropping it does).
    pub fn finish(self) {}
}

impl Drop for Phase {
    fn drop(&mut self) {
        if let (Some(info), Some(sink)) = (self.0.take(), SINK.get()) {
            sink.end(&info);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_a_sink_a_phase_counts_nothing() {
        // Unit tests install no sink: the phase holds no state at all.
        let p = phase("reading", Some(10), Unit::Bytes);
        p.advance(5);
        assert!(p.0.is_none());
    }
}
