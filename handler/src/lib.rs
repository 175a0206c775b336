//! Contact-form handler (placeholder; see issue 3).
