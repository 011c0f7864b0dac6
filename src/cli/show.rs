//! What a run shows besides its outputs, all on standard error: progress bars (only on a
//! terminal, only for phases that last), one line per phase with `-v`, warnings; and nothing
//! but errors with `--quiet`. The library reports its phases through
//! [`servicegap::base::progress`]; the sink installed here decides what of them to draw.
//!
//! `SERVICEGAP_PROGRESS_DELAY_MS` sets how long a phase runs before its bar appears
//! (default 1000 ms; 0 draws every bar at once, as the tests do). `NO_COLOR` (any value
//! but empty) draws the bars without colour.

use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
use servicegap::base::progress::{self, PhaseInfo, Sink, Unit};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};
use std::time::Duration;

/// How long a phase runs before its bar appears, unless the environment says otherwise:
/// shorter phases would only flicker.
const DEFAULT_DELAY: Duration = Duration::from_millis(1000);

/// How often the bars are redrawn from the phases' counts.
const TICK: Duration = Duration::from_millis(50);

static QUIET: AtomicBool = AtomicBool::new(false);

/// The bars, for [`clear`] on an interrupt.
static BARS: OnceLock<Arc<Bars>> = OnceLock::new();

/// How much a run shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// Errors only.
    Quiet,
    /// Summaries, warnings and progress bars on a terminal.
    Normal,
    /// As normal, and each phase's time and the peak memory when it ends.
    Verbose,
}

/// Sets what the run shows; called once, before the command runs.
pub fn install(level: Level) {
    QUIET.store(level == Level::Quiet, Ordering::Relaxed);
    let stderr_is_terminal = std::io::stderr().is_terminal();
    let bars = (level != Level::Quiet && stderr_is_terminal).then(|| {
        let no_colour = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Arc::new(Bars {
            multi: MultiProgress::new(),
            delay: delay(),
            colour: !no_colour,
            stopped: AtomicBool::new(false),
            active: Mutex::new(Vec::new()),
        })
    });
    let verbose = level == Level::Verbose;
    if bars.is_none() && !verbose {
        // Nothing to show: the library's phases stay no-ops.
        return;
    }
    if let Some(bars) = &bars {
        let _ = BARS.set(Arc::clone(bars));
        let bars = Arc::clone(bars);
        // The thread lives as long as the process: it only reads counts and draws.
        std::thread::spawn(move || loop {
            std::thread::sleep(TICK);
            bars.tick();
        });
    }
    let _ = progress::set_sink(Box::new(Shown { verbose, bars }));
}

/// Takes every bar off the terminal (the process is about to end mid-phase), and stops
/// drawing.
pub fn clear() {
    if let Some(bars) = BARS.get() {
        let mut active = bars.active();
        for (_, bar) in active.drain(..) {
            if let Some(bar) = bar {
                bar.finish_and_clear();
            }
        }
        bars.stopped.store(true, Ordering::Relaxed);
        let _ = bars.multi.clear();
    }
}

/// Whether the run prints nothing but errors.
pub fn quiet() -> bool {
    QUIET.load(Ordering::Relaxed)
}

/// Prints a warning on standard error, unless the run is quiet.
pub fn warn(text: impl std::fmt::Display) {
    if !quiet() {
        eprintln!("warning: {text}");
    }
}

/// The bar delay from `SERVICEGAP_PROGRESS_DELAY_MS`, else the default.
fn delay() -> Duration {
    std::env::var("SERVICEGAP_PROGRESS_DELAY_MS")
        .ok()
        .and_then(|ms| ms.trim().parse().ok())
        .map_or(DEFAULT_DELAY, Duration::from_millis)
}

/// The sink: bars on a terminal, lines with `-v`.
struct Shown {
    verbose: bool,
    bars: Option<Arc<Bars>>,
}

impl Sink for Shown {
    fn start(&self, phase: &Arc<PhaseInfo>) {
        if let Some(bars) = &self.bars {
            bars.start(phase);
        }
    }

    fn end(&self, phase: &PhaseInfo) {
        if let Some(bars) = &self.bars {
            bars.end(phase);
        }
        if self.verbose {
            let line = format!(
                "{}: {:.2} s, peak {}",
                phase.name(),
                phase.started().elapsed().as_secs_f64(),
                peak_memory()
            );
            match &self.bars {
                // Printed above any bar still drawn, not through it.
                Some(bars) => bars.multi.suspend(|| eprintln!("{line}")),
                None => eprintln!("{line}"),
            }
        }
    }
}

/// The phases under way and their bars, once shown.
struct Bars {
    multi: MultiProgress,
    delay: Duration,
    colour: bool,
    /// Set by [`clear`]: no bar is drawn any more.
    stopped: AtomicBool,
    active: Mutex<Vec<(Arc<PhaseInfo>, Option<ProgressBar>)>>,
}

impl Bars {
    fn active(&self) -> MutexGuard<'_, Vec<(Arc<PhaseInfo>, Option<ProgressBar>)>> {
        // A panic while drawing leaves the list as good as it was.
        self.active.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn start(&self, phase: &Arc<PhaseInfo>) {
        if self.stopped.load(Ordering::Relaxed) {
            return;
        }
        let bar = self.delay.is_zero().then(|| self.bar(phase));
        self.active().push((Arc::clone(phase), bar));
    }

    fn end(&self, phase: &PhaseInfo) {
        let mut active = self.active();
        if let Some(i) = active.iter().position(|(p, _)| std::ptr::eq(&**p, phase)) {
            let (_, bar) = active.remove(i);
            if let Some(bar) = bar {
                bar.finish_and_clear();
                self.multi.remove(&bar);
            }
        }
    }

    /// Shows the bars of the phases that have run long enough, and redraws the counts.
    fn tick(&self) {
        let mut active = self.active();
        if self.stopped.load(Ordering::Relaxed) {
            return;
        }
        for (phase, bar) in active.iter_mut() {
            match bar {
                Some(bar) if phase.total().is_some() => bar.set_position(phase.done()),
                Some(bar) => bar.tick(),
                None if phase.started().elapsed() >= self.delay => *bar = Some(self.bar(phase)),
                None => {}
            }
        }
    }

    /// A new bar for `phase`, drawn at once.
    fn bar(&self, phase: &PhaseInfo) -> ProgressBar {
        let (tint, bar) = if self.colour {
            (".cyan", "{bar:30.cyan/blue}")
        } else {
            ("", "{bar:30}")
        };
        let template = match (phase.total(), phase.unit()) {
            (Some(_), Unit::Bytes) => {
                format!("{{prefix:>13{tint}}} [{bar}] {{bytes}}/{{total_bytes}} ({{eta}} left)")
            }
            (Some(_), Unit::Items) => format!("{{prefix:>13{tint}}} [{bar}] {{pos}}/{{len}}"),
            (None, _) => format!("{{prefix:>13{tint}}} {{spinner}} {{elapsed}}"),
        };
        let style = ProgressStyle::with_template(&template)
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
        let bar = match phase.total() {
            Some(total) => ProgressBar::new(total),
            None => ProgressBar::new_spinner(),
        };
        let bar = self
            .multi
            .add(bar.with_style(style).with_prefix(phase.name()));
        bar.set_position(phase.done());
        bar.tick();
        bar
    }
}

/// The process's peak resident memory (VmHWM), e.g. `512 MB`; `n/a` where the system does
/// not tell.
fn peak_memory() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().strip_suffix("kB"))
        .and_then(|kb| kb.trim().parse::<u64>().ok())
        .map_or_else(
            || "n/a".to_owned(),
            |kb| format!("{} MB", kb.div_ceil(1024)),
        )
}
