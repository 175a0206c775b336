//! The theme's Tera templates.

use std::collections::BTreeSet;

use tera::Tera;

use crate::error::Diagnostic;
use crate::theme::Theme;

/// The templates of a site's own: its theme's files that are not the
/// built-in template of that name byte for byte (an ejected copy left as it
/// is counts as built-in).
#[derive(Debug, Default, Clone)]
pub struct OwnTemplates(BTreeSet<String>);

impl OwnTemplates {
    /// Whether template `name` is the built-in one, so what it reads from
    /// the context is known.
    pub(crate) fn is_builtin(&self, name: &str) -> bool {
        !self.0.contains(name) && crate::theme::builtin(&format!("templates/{name}")).is_some()
    }

    /// Whether every template is the built-in one.
    pub(crate) fn none(&self) -> bool {
        self.0.is_empty()
    }
}

/// Loads every `templates/**/*.html` of the theme, the site's replacing the
/// built-in ones; a template is named by its path below `templates/`.
pub fn load(theme: &Theme) -> Result<(Tera, OwnTemplates), Diagnostic> {
    let mut sources = Vec::new();
    let mut own = BTreeSet::new();
    for file in theme.files_under("templates") {
        let Some(name) = file.rel.strip_prefix("templates/") else {
            continue;
        };
        if !name.ends_with(".html") {
            continue;
        }
        let text = std::str::from_utf8(file.bytes).map_err(|_| {
            Diagnostic::error(theme.shown(&file), None, "template is not UTF-8 text")
        })?;
        let builtin = crate::theme::builtin(file.rel);
        if file.from_site && builtin != Some(file.bytes) {
            own.insert(name.to_string());
        }
        sources.push((name, text));
    }
    sources.push((NAV_ONE, NAV_ONE_SOURCE));
    let mut tera = Tera::default();
    tera.add_raw_templates(sources).map_err(|e| {
        // Tera names the template in its message; the folder tells where to look.
        let shown = if theme.site_dir.is_some() {
            theme.site_path("templates")
        } else {
            std::path::Path::new(crate::theme::BUILTIN_SHOWN).join("templates")
        };
        Diagnostic::error(shown, None, error_chain(&e))
    })?;
    // Templates produce HTML and XML; escape everything that is not marked safe.
    tera.autoescape_on(vec![".html", ".xml"]);
    tera.set_escape_fn(escape);
    // JSON for `<script type="application/ld+json">` or a data attribute:
    // `{{ value | json_in_html | safe }}`.
    tera.register_filter("json_in_html", json_in_html_filter);
    Ok((tera, OwnTemplates(own)))
}

/// The sidebar tree of `nav` drawn as `base.html` draws it, for the closed
/// sections every page of a language shares (`site::nav::closed`). Its name
/// is not a path below `templates/`, so no theme file replaces it.
pub(crate) const NAV_ONE: &str = "<helpsite>/nav-one.html";
const NAV_ONE_SOURCE: &str = r#"{% import "macros/nav.html" as navtree %}{{ navtree::list(nodes=nav, all=ui.section_all, fb=ui_fallback.section_all | default(value=""), lang=lang.code) }}"#;

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

#[cfg(test)]
mod tests {
    use super::*;

    fn with(name: &str, source: &str) -> Tera {
        let mut tera = Tera::default();
        tera.add_raw_template(name, source).unwrap();
        tera
    }

    /// Lookups through `patches/tera`: a dotted part is unescaped (`~1`,
    /// `~0`) only when it has a `~`, with the same result as before.
    #[test]
    fn names_are_looked_up_as_tera_reads_them() {
        let mut ctx = tera::Context::new();
        ctx.insert(
            "m",
            &serde_json::json!({
                "a/b": "slash", "a~b": "tilde", "a~1b": "escaped",
                "plain": {"deep": ["zero", "one"]},
                "html": "x".repeat(100_000),
            }),
        );
        let tera = with(
            "t.html",
            r#"{{ m["a/b"] }} {{ m["a~b"] }} {{ m.plain.deep.1 }} {{ m["plain"].deep[0] }} {{ m.html is defined }} {{ m.none is defined }} {{ m.html is string }}"#,
        );
        assert_eq!(
            tera.render("t.html", &ctx).unwrap(),
            "slash tilde one zero true false true"
        );
    }

    #[test]
    fn a_template_is_builtin_when_it_is_the_builtin_file() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("themes/default/templates/partials");
        std::fs::create_dir_all(&dir).unwrap();
        let builtin = crate::theme::builtin("templates/partials/search.html").unwrap();
        // An ejected copy left as it is, a changed one, and one of the site's own.
        std::fs::write(dir.join("search.html"), builtin).unwrap();
        let changed =
            std::str::from_utf8(builtin)
                .unwrap()
                .replacen("site-search", "our-search", 1);
        std::fs::write(dir.join("feedback.html"), changed).unwrap();
        std::fs::write(dir.join("ours.html"), "<p>ours</p>").unwrap();
        let config = crate::config::SiteConfig::parse(
            "[languages.en]\nname = \"English\"\n",
            std::path::Path::new("site.toml"),
        )
        .unwrap();
        let theme = crate::theme::Theme::load(root.path(), &config).unwrap();
        let (_, own) = load(&theme).unwrap();
        assert!(own.is_builtin("partials/search.html"));
        assert!(own.is_builtin("base.html"));
        assert!(!own.is_builtin("partials/feedback.html"));
        assert!(!own.is_builtin("partials/ours.html"));
        assert!(!own.is_builtin("partials/none.html"));
        assert!(!own.none());
        let bare = crate::theme::Theme::load(tempfile::tempdir().unwrap().path(), &config).unwrap();
        assert!(load(&bare).unwrap().1.none());
    }
}
