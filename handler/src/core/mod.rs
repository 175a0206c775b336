//! Core types, no I/O: submissions and their records, mailboxes and email
//! syntax, references, time, visitor signals, and the texts per language.

pub mod event;
pub mod mailbox;
pub mod record;
pub mod reference;
pub mod routes;
pub mod submission;
pub mod texts;
pub mod time;
pub mod upload;
pub mod webhook;
