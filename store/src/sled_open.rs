//! Opening sled: waiting out our own lock, and turning sled's panics on damaged files into errors.
//!
//! sled 0.34 does not always return `Error::Corruption` for a damaged log or snapshot: some
//! damage makes its recovery panic (`tried to serialize Uninitialized`). [`open_sled`] catches
//! that panic on the opening thread, keeps the default panic message off stderr, and reports the
//! database as corrupted like any other damage; [`guarded`] does the same for the first reads
//! after opening.

use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;
use std::time::{Duration, Instant};

thread_local! {
    /// Set while this thread opens sled: a panic here is reported as an error, not printed.
    static OPENING: Cell<bool> = const { Cell::new(false) };
}

/// Installs, once per process, a panic hook that stays quiet for panics inside [`open_sled`]
/// and hands every other panic to the hook that was there before.
fn install_quiet_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !OPENING.with(Cell::get) {
                previous(info);
            }
        }));
    });
}

/// Opens sled, waiting briefly while its own file lock is still held. We hold the repository
/// lock, so the holder can only be a Store of this process that was just dropped: sled's
/// background jobs release the database file a moment after the last handle goes away.
pub(crate) fn open_sled(config: &sled::Config) -> sled::Result<sled::Db> {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        match open_once(config) {
            Err(sled::Error::Io(e)) if e.to_string().contains("could not acquire lock") && Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(10));
            }
            other => return other,
        }
    }
}

/// One attempt; a panic during sled's recovery becomes `Error::Corruption`.
fn open_once(config: &sled::Config) -> sled::Result<sled::Db> {
    quietly(|| config.open()).unwrap_or(Err(sled::Error::Corruption { at: None, bt: () }))
}

/// Runs `f` with its panic caught and kept off stderr: `None` when it panicked.
fn quietly<T>(f: impl FnOnce() -> T) -> Option<T> {
    install_quiet_hook();
    OPENING.with(|o| o.set(true));
    let outcome = panic::catch_unwind(AssertUnwindSafe(f));
    OPENING.with(|o| o.set(false));
    outcome.ok()
}

/// Runs `f`, which reads a database [`open_sled`] has just opened: some damage gets past sled's
/// recovery and makes the first reads panic (`cannot find pid ... in view_for_key`, seen once in
/// the damaged-files test); that panic becomes a corruption error under `context`, as at open.
pub(crate) fn guarded<T>(context: &str, f: impl FnOnce() -> crate::Result<T>) -> crate::Result<T> {
    quietly(f).unwrap_or_else(|| {
        Err(crate::StoreError::Database { context: context.into(), source: sled::Error::Corruption { at: None, bt: () } })
    })
}
