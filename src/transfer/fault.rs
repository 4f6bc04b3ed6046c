//! A test-only fault, so the tests can prove that a task that dies is a failed file, never a
//! silent success: `FASTIO_TEST_PANIC=NAME` (read by `settings.rs`) makes the task of the file
//! named NAME panic as it starts; `FASTIO_TEST_PANIC=batch:NAME` makes the batch holding it
//! panic (every file of that batch is left without an outcome); `walk:NAME` makes the walk
//! panic when it meets it (what it did not reach is never planned). Unset, it costs one check.

use std::sync::OnceLock;

static PANIC_ON: OnceLock<String> = OnceLock::new();

/// Arm the fault for this process (the first call wins).
pub fn arm(spec: String) {
    let _ = PANIC_ON.set(spec);
}

/// Panic if the fault names this file (its remote name).
pub(super) fn file_task(name: &str) {
    if PANIC_ON.get().is_some_and(|n| n == name) {
        panic!("test fault (FASTIO_TEST_PANIC) in the task of `{name}`");
    }
}

/// Panic if the fault names this file for the walk.
pub(super) fn walk(name: &str) {
    if PANIC_ON.get().and_then(|s| s.strip_prefix("walk:")) == Some(name) {
        panic!("test fault (FASTIO_TEST_PANIC) in the walk, at `{name}`");
    }
}

/// Panic if the fault names a file of this batch.
pub(super) fn batch<'a>(mut names: impl Iterator<Item = &'a str>) {
    if let Some(name) = PANIC_ON.get().and_then(|s| s.strip_prefix("batch:"))
        && names.any(|n| n == name)
    {
        panic!("test fault (FASTIO_TEST_PANIC) in the batch holding `{name}`");
    }
}
