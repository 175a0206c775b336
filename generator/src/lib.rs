//! helpsite's generator: a multilingual help center from markdown.
//!
//! Data flows one way: [`config`] → [`content`] → [`markdown`] →
//! [`templates`] → [`site::output`]; [`site`] drives it.

pub mod check;
pub mod cldr;
pub mod config;
pub mod content;
pub mod error;
pub mod escape;
pub mod i18n;
pub mod init;
pub mod insights;
pub mod leftovers;
pub mod markdown;
pub mod report;
pub mod search;
pub mod serve;
pub mod site;
pub mod templates;
pub mod theme;
pub mod toml_error;

pub use error::{Diagnostic, Error, Result};
