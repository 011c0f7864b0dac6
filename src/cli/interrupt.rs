//! Ctrl-C and SIGTERM: the temporary files of unfinished outputs are removed, the files they
//! were to replace stay as they were, and the process ends with 128 + the signal's number
//! (130 for SIGINT, 143 for SIGTERM), as a shell reports a process the signal ended.

/// Starts a thread that waits for SIGINT or SIGTERM and then ends the process as above. Without
/// it (the handler cannot be installed) a signal ends the process at once, leaving temporary
/// files; that is said on standard error and the command runs all the same.
#[cfg(unix)]
pub fn install() {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let mut signals = match signal_hook::iterator::Signals::new([SIGINT, SIGTERM]) {
        Ok(signals) => signals,
        Err(e) => {
            eprintln!(
                "warning: cannot catch Ctrl-C ({e}): an interrupted run may leave temporary files"
            );
            return;
        }
    };
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            // Held until the process ends: no output set starts or renames a file meanwhile.
            let _held = servicegap::store::output::abandon_pending();
            super::show::clear();
            let name = if signal == SIGINT {
                "SIGINT"
            } else {
                "SIGTERM"
            };
            eprintln!(
                "servicegap: interrupted ({name}): unfinished outputs removed, earlier files left as they were"
            );
            std::process::exit(128 + signal);
        }
    });
}

/// Elsewhere the system's default applies.
#[cfg(not(unix))]
pub fn install() {}
