//! Use cases: judging input, storing and sending submissions, redelivering,
//! storing signals, and the messages sent. They take the few settings they
//! need (sender and recipients, languages and topics), not the whole
//! configuration.

pub mod erase;
pub mod input;
pub mod messages;
pub mod multipart;
pub mod redeliver;
pub mod signals;
pub mod submit;
pub mod uploads;
pub mod webhook;
