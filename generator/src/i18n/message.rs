//! One UI string of a catalog, which the catalogs and the plural rules share.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One UI string: a text, or its plural forms by CLDR category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Message {
    Text(String),
    Plural(BTreeMap<String, String>),
}

impl Message {
    /// The text for a count-free use: the plural table's `other` form.
    pub fn text(&self) -> &str {
        match self {
            Message::Text(t) => t,
            Message::Plural(forms) => forms.get("other").map(String::as_str).unwrap_or(""),
        }
    }
}
