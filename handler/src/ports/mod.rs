//! What the use cases ask of storage and mail, and how those fail: the
//! archive's entries, claims and errors; the outgoing message and mail errors.

pub mod archive;
pub mod mail;
pub mod webhook;
