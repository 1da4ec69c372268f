//! The last line of defence: a panic while one letter is made (a bug, never
//! the inspector's mistake) becomes that letter's error, so `batch` renders
//! the others and `serve` and `watch` keep running. It is not the fix: every
//! panic found is a bug to fix where it happens.

use std::panic::{AssertUnwindSafe, catch_unwind};

use super::LetterError;

/// Runs one letter's `work`, turning a panic in it into
/// [`LetterError::Internal`] with what the panic said.
///
/// Unwind safety: what `work` shares between letters (the renderer's caches,
/// the batch's progress) is behind locks that are used poison-tolerantly and
/// updated whole, so a letter that panics leaves nothing half-done for the
/// next one.
pub fn guarded<T>(work: impl FnOnce() -> Result<T, LetterError>) -> Result<T, LetterError> {
    catch_unwind(AssertUnwindSafe(work)).unwrap_or_else(|panic| {
        let said = panic
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| panic.downcast_ref::<&str>().copied())
            .unwrap_or("no message");
        Err(LetterError::Internal(said.to_owned()))
    })
}

/// A test-only way to make one letter panic: in a debug build, a finding
/// file holding the text of `LETTERPRESS_PANIC_ON` panics when it is read,
/// so the tests can show that a panic ends one letter, not the run.
/// Release builds have no such trigger.
pub(super) fn test_trigger(text: &str) {
    #[cfg(debug_assertions)]
    if let Some(marker) = std::env::var_os("LETTERPRESS_PANIC_ON") {
        let marker = marker.to_string_lossy();
        assert!(marker.is_empty() || !text.contains(&*marker), "test trigger: {marker}");
    }
    #[cfg(not(debug_assertions))]
    let _ = text;
}
