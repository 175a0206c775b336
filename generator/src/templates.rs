//! The theme's Tera templates.

use std::path::Path;

use tera::Tera;

use crate::error::Diagnostic;

/// Loads every `*.html` under `<theme>/templates`.
pub fn load(theme_dir: &Path, shown: &Path) -> Result<Tera, Diagnostic> {
    let dir = theme_dir.join("templates");
    let glob = format!("{}/**/*.html", dir.display());
    let mut tera = Tera::new(&glob)
        .map_err(|e| Diagnostic::error(shown.join("templates"), None, error_chain(&e)))?;
    // Templates produce HTML and XML; escape everything that is not marked safe.
    tera.autoescape_on(vec![".html", ".xml"]);
    tera.set_escape_fn(escape);
    // JSON for `<script type="application/ld+json">` or a data attribute:
    // `{{ value | json_in_html | safe }}`.
    tera.register_filter("json_in_html", json_in_html_filter);
    Ok(tera)
}

/// Escapes what HTML and XML need, no more: Tera's default also turns every
/// `/` into `&#x2F;`, which bloats every URL in a page.
fn escape(input: &str) -> String {
    crate::escape::html(input)
}

fn json_in_html_filter(
    value: &tera::Value,
    _: &std::collections::HashMap<String, tera::Value>,
) -> tera::Result<tera::Value> {
    Ok(tera::Value::String(crate::escape::json_in_html(value)))
}

/// Tera nests the useful part of its errors; print the whole chain on one line.
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut parts = vec![e.to_string()];
    let mut source = e.source();
    while let Some(s) = source {
        parts.push(s.to_string());
        source = s.source();
    }
    parts.join(": ")
}
