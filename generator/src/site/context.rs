//! What templates see, and rendering them into output files.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Serialize;
use serde_json::{json, Value};
use tera::{Context, Tera};

use super::cut::Cut;
use super::model::{Drawn, Instance, Link, LinkCuts, Piece, Site};
use super::output::OutputFile;
use super::stencil::{LinkText, Stencils};
use super::structure::{self, Entry};
use super::switcher::{self, LanguageLink};
use crate::content::Kind;
use crate::error::{Error, Result};
use crate::markdown::Rendered;
use crate::templates::OwnTemplates;

#[derive(Serialize)]
struct Alternate {
    hreflang: String,
    href: String,
}

/// ` lang="…" dir="…"` of the fallback language for an element whose text is
/// the UI string `key`, when it is shown from that language; empty otherwise
/// (the element then has the page's language).
fn fallback_attrs(site: &Site<'_>, lang: &str, key: &str) -> String {
    if !site.catalogs.is_fallback(lang, key) {
        return String::new();
    }
    let fallback = site.config.i18n.fallback.as_deref().unwrap_or(lang);
    format!(
        r#" lang="{}" dir="{}""#,
        crate::escape::html(fallback),
        site.dir_of(fallback)
    )
}

/// UI strings as element text (`{{ ui_html.KEY | safe }}`): escaped, and
/// those shown from the fallback language inside `<span lang dir>` of it, so
/// screen readers and hyphenation treat them as that language. Strings of
/// the page's own language are exactly what `{{ ui.KEY }}` gives.
fn ui_html(site: &Site<'_>, lang: &str, fallback_lang: &str) -> serde_json::Map<String, Value> {
    let open = format!(
        r#"<span lang="{}" dir="{}">"#,
        crate::escape::html(fallback_lang),
        site.dir_of(fallback_lang)
    );
    site.catalogs
        .get(lang)
        .iter()
        .map(|(key, message)| {
            let text = crate::escape::html(message.text());
            let html = if site.catalogs.is_fallback(lang, key) {
                format!("{open}{text}</span>")
            } else {
                text
            };
            (key.clone(), Value::String(html))
        })
        .collect()
}

/// The parts of the context every page of a language shares.
pub(super) fn base_context(site: &Site<'_>, lang: &str) -> Context {
    let config = site.config;
    let lc = &config.languages[lang];
    let mut ctx = Context::new();
    ctx.insert(
        "site",
        &json!({
            "title": lc.title.clone().unwrap_or_else(|| config.title.clone()),
            "base_url": config.base_url(),
            "default_language": config.default_language,
        }),
    );
    ctx.insert(
        "lang",
        &json!({
            "code": lang,
            "name": lc.name,
            "dir": site.dir_of(lang),
            "home": format!("/{lang}/"),
        }),
    );
    ctx.insert("ui", site.catalogs.get(lang));
    // `lang`/`dir` of UI strings shown from the fallback language.
    let fallback_lang = config.i18n.fallback.as_deref().unwrap_or(lang);
    let marks: serde_json::Map<String, Value> = site
        .catalogs
        .from_fallback
        .get(lang)
        .into_iter()
        .flatten()
        .map(|k| {
            (
                k.clone(),
                json!({ "lang": fallback_lang, "dir": site.dir_of(fallback_lang) }),
            )
        })
        .collect();
    ctx.insert("ui_fallback", &marks);
    ctx.insert("ui_html", &ui_html(site, lang, fallback_lang));
    ctx.insert("assets", site.assets);
    ctx.insert(
        "appearance",
        &json!({
            "css": site.assets.get("appearance.css"),
            "logo": site.assets.get("logo.svg"),
        }),
    );
    ctx.insert("live_reload", &site.opts.live_reload);
    let rtl: Vec<&str> = site
        .languages
        .iter()
        .map(String::as_str)
        .filter(|l| site.dir_of(l) == "rtl")
        .collect();
    ctx.insert(
        "search",
        &json!({
            "enabled": config.search.enabled,
            "insights": (config.search.enabled && config.search.insights)
                .then(|| sibling_endpoint(&config.form.endpoint, "insights")),
            "languages": site.languages.join(" "),
            "rtl_languages": rtl.join(" "),
        }),
    );
    ctx.insert("contact_url", &site.contact.get(lang));
    ctx.insert("nav", &super::nav::tree(site, lang, None, &|_| None));
    ctx
}

/// The closed top-level sections of `lang`'s sidebar, each drawn once
/// through the theme's macro. A section the theme cannot draw alone is left
/// to every page, and all of them when the theme's macro does not draw an
/// entry's `html` as it is (a theme ejected before the macro took it).
pub(super) fn nav_closed(site: &Site<'_>, tera: &Tera, lang: &str) -> Vec<(usize, String)> {
    let mut ctx = site.base[lang].clone();
    let mut draw = |nodes: &[super::nav::Node]| {
        ctx.insert("nav", nodes);
        tera.render(crate::templates::NAV_ONE, &ctx).ok()
    };
    if !draws_html_as_is(&mut draw) {
        return Vec::new();
    }
    super::nav::closed(site, lang, |node| draw(std::slice::from_ref(node)))
}

/// Whether the theme's sidebar macro puts an entry's `html` in as it is.
fn draws_html_as_is(draw: &mut impl FnMut(&[super::nav::Node]) -> Option<String>) -> bool {
    let probe = "<li>drawn</li>\n";
    let drawn = super::nav::Node::drawn(probe.to_string());
    draw(std::slice::from_ref(&drawn)) == Some(super::nav::list(probe))
}

/// The sidebar's links to the pages of `folder`, drawn once per language
/// when a page first opens the folder (so a one-page rebuild draws one
/// folder's, not every page's).
fn folder_links(
    site: &Site<'_>,
    tera: &Tera,
    lang: &str,
    folder: &str,
) -> foldhash::HashMap<usize, Link> {
    let pages = super::structure::inside(site, lang, folder);
    if let Some(cuts) = site.drawn.get(lang).and_then(|d| d.link_cuts.as_ref()) {
        return super::nav::links_from(site, pages, cuts)
            .into_iter()
            .collect();
    }
    let mut ctx = site.base[lang].clone();
    let mut draw = |nodes: &[super::nav::Node]| {
        ctx.insert("nav", nodes);
        tera.render(crate::templates::NAV_ONE, &ctx).ok()
    };
    if !draws_html_as_is(&mut draw) {
        return Default::default();
    }
    super::nav::links(site, pages, LINK_MARK, draw)
        .into_iter()
        .collect()
}

/// The sidebar's page links of `lang` cut where their values go, when the
/// sidebar macro is the built-in one (`nav_builtin`): what it does with them
/// is known.
fn link_cuts(site: &Site<'_>, tera: &Tera, lang: &str, nav_builtin: bool) -> Option<LinkCuts> {
    if !nav_builtin {
        return None;
    }
    let mut ctx = site.base[lang].clone();
    super::nav::link_cuts(|nodes| {
        ctx.insert("nav", nodes);
        tera.render(crate::templates::NAV_ONE, &ctx).ok()
    })
}

/// Between the page links drawn together (`nav::links`), to cut them apart.
const LINK_MARK: &str = "\u{E000}link\u{E000}";

/// Stand-ins for the page's URL while a partial is drawn once (marks: they
/// start with `cut::MARK_EDGE`).
const URL_MARK: &str = "\u{E000}page-url\u{E000}";
const QUERY_MARK: &str = "\u{E000}page-query\u{E000}";

const SEARCH_PARTIAL: &str = "partials/search.html";
const HEAD_PARTIAL: &str = "partials/head.html";
const RELATED_PARTIAL: &str = "partials/related.html";
const PREV_NEXT_PARTIAL: &str = "partials/prev-next.html";
const NAV_MACRO: &str = "macros/nav.html";
const FEEDBACK_PARTIAL: &str = "partials/feedback.html";

/// Draws each language's shared partials: the search box and the head's
/// assets into its shared context (`drawn.search`, `drawn.head`), the
/// feedback widget, sidebar parts and switchers into `site.drawn`.
pub(super) fn predraw(site: &mut Site<'_>, tera: &Tera, own: &OwnTemplates) {
    // Partials the language's shared context carries drawn (`drawn.<key>`).
    let shared: Vec<(&str, &str)> = [("search", SEARCH_PARTIAL), ("head", HEAD_PARTIAL)]
        .into_iter()
        .filter(|(_, partial)| own.is_builtin(partial))
        .collect();
    let feedback = own.is_builtin(FEEDBACK_PARTIAL);
    let switcher = own.is_builtin(switcher::PARTIAL);
    let nav = own.is_builtin(NAV_MACRO);
    let mut all = Vec::new();
    for lang in &site.languages {
        let base = &site.base[lang];
        let drawn_shared: serde_json::Map<String, Value> = shared
            .iter()
            .filter_map(|(key, partial)| {
                let html = tera.render(partial, base).ok()?;
                Some((key.to_string(), Value::String(html)))
            })
            .collect();
        let feedback = feedback
            .then(|| predraw_feedback(site, tera, lang))
            .flatten();
        let links = site
            .folders
            .keys()
            .filter(|(l, _)| l == lang)
            .map(|(_, folder)| (folder.to_string(), OnceLock::new()))
            .collect();
        let switchers = switcher.then(switcher::Switchers::default);
        all.push((
            lang.clone(),
            drawn_shared,
            Drawn {
                feedback,
                links,
                switchers,
                branches: Default::default(),
                link_cuts: link_cuts(site, tera, lang, nav),
                builtin_only: own.none(),
                related: own.is_builtin(RELATED_PARTIAL).then(Stencils::default),
                prev_next: own.is_builtin(PREV_NEXT_PARTIAL).then(Stencils::default),
            },
        ));
    }
    for (lang, drawn_shared, drawn) in all {
        if !drawn_shared.is_empty() {
            let ctx = site.base.get_mut(&lang).expect("every language has a base");
            ctx.insert_value("drawn", Value::Object(drawn_shared));
        }
        site.drawn.insert(lang, drawn);
    }
}

fn predraw_feedback(site: &Site<'_>, tera: &Tera, lang: &str) -> Option<(Value, Cut<Piece>)> {
    let shared = feedback_shared(site, lang);
    let mut value = shared.clone();
    value["contact"] = feedback_contact(site, lang, QUERY_MARK).into();
    let mut ctx = site.base[lang].clone();
    ctx.insert("page", &json!({ "url": URL_MARK }));
    ctx.insert_value("feedback", value);
    let html = tera.render(FEEDBACK_PARTIAL, &ctx).ok()?;
    let cut = Cut::new(&html, &[(URL_MARK, Piece::Url), (QUERY_MARK, Piece::Query)])?;
    Some((shared, cut))
}

/// The feedback context of page `url`: the language's, drawn.
fn drawn_feedback(
    site: &Site<'_>,
    lang: &str,
    url: &str,
    shared: &Value,
    cut: &Cut<Piece>,
) -> Value {
    let query = page_query(url);
    let escaped = crate::escape::html(url);
    let html = cut.fill(|piece, out| {
        out.push_str(match piece {
            Piece::Url => &escaped,
            Piece::Query => &query,
        })
    });
    let mut value = shared.clone();
    value["contact"] = feedback_contact(site, lang, &query).into();
    value["html"] = html.into();
    value
}

/// An entry as the link partials show it.
fn text(e: &Entry) -> LinkText<'_> {
    LinkText {
        url: &e.url,
        title: &e.title,
        lang: e.lang.as_deref().zip(e.dir),
    }
}

/// A page's related articles and previous and next pages, drawn from
/// their partials' stencils when those are the built-in ones.
struct Links {
    related: Option<String>,
    prev_next: Option<String>,
    /// Every template is the built-in one.
    builtin_only: bool,
}

impl Links {
    fn draw(
        site: &Site<'_>,
        tera: &Tera,
        lang: &str,
        related: &[Entry],
        prev_next: [Option<&Entry>; 2],
    ) -> Links {
        let drawn = site.drawn.get(lang);
        let draw = |partial: &str, page: Value| {
            let mut ctx = site.base[lang].clone();
            ctx.insert_value("page", page);
            tera.render(partial, &ctx).ok()
        };
        let related = drawn.and_then(|d| d.related.as_ref()).and_then(|s| {
            let links: Vec<Option<LinkText<'_>>> = related.iter().map(|e| Some(text(e))).collect();
            s.fill(&links, |marked| {
                draw(RELATED_PARTIAL, json!({ "related": marked }))
            })
        });
        let prev_next = drawn.and_then(|d| d.prev_next.as_ref()).and_then(|s| {
            s.fill(&prev_next.map(|e| e.map(text)), |marked| {
                draw(
                    PREV_NEXT_PARTIAL,
                    json!({ "prev": marked[0], "next": marked[1] }),
                )
            })
        });
        Links {
            related,
            prev_next,
            builtin_only: drawn.is_some_and(|d| d.builtin_only),
        }
    }

    /// `value` for the page's context, or nothing when only its partial,
    /// drawn (`html`), would read it: every template is the built-in one.
    fn unread<T: Serialize>(&self, html: &Option<String>, value: &T) -> Value {
        if html.is_some() && self.builtin_only {
            Value::Null
        } else {
            serde_json::to_value(value).expect("serializable")
        }
    }
}

/// Rendered HTML beyond which a page offers "back to top" (several screens).
const LONG_PAGE_BYTES: usize = 6_000;

/// A worker's own copy of each language's shared context, reused from page
/// to page: a page replaces its own keys instead of copying the language's
/// UI strings, twice over, every time.
#[derive(Default)]
pub(super) struct Reused(HashMap<String, Context>);

/// Keys only some pages set ([`insert_kind_context`]); the next page must
/// not see the last one's.
const KIND_KEYS: [&str; 3] = ["form", "feedback", "form_errors"];

/// Keys every page sets; the large ones are let go of after rendering.
const PAGE_KEYS: [&str; 7] = [
    "page",
    "nav",
    "nav_html",
    "languages",
    "languages_html",
    "related_html",
    "prev_next_html",
];

/// Page `n` through its template. Its HTML comes apart from `rendered`,
/// owned, so that it moves into the template context instead of being
/// copied, and a build can let go of it as soon as the page is written.
pub(super) fn render_page(
    site: &Site<'_>,
    tera: &Tera,
    reused: &mut Reused,
    n: usize,
    rendered: &[Rendered],
    html: String,
) -> Result<OutputFile> {
    let inst = &site.instances[n];
    let r = &rendered[n];
    let config = site.config;
    let src = inst.src;
    let lang = inst.lang;
    let base = config.base_url();
    let ctx = match reused.0.get_mut(lang) {
        Some(ctx) => ctx,
        None => reused
            .0
            .entry(lang.to_string())
            .or_insert_with(|| site.base[lang].clone()),
    };
    for key in KIND_KEYS {
        ctx.remove(key);
    }

    let Translations {
        languages,
        alternates,
        x_default,
        canonical,
    } = translations(site, inst);

    let updated = src.front.updated.as_ref().and_then(|d| d.date);
    let fmt = &site.formats[lang];
    let updated_display = updated.and_then(|d| fmt.date(i32::from(d.year), d.month, d.day));
    let toc = super::toc::toc(&r.headings);
    let groups = if structure::is_section(inst) {
        structure::section_listing(site, rendered, lang, &src.key)
    } else {
        Vec::new()
    };
    let description = match &src.front.description {
        Some(d) => d.clone(),
        None if r.summary.is_empty() && !groups.is_empty() => {
            let titles: Vec<&str> = groups
                .iter()
                .flat_map(|g| g.section.iter().chain(&g.items))
                .map(|c| c.title.as_str())
                .collect();
            crate::markdown::summary::describe(&titles.join(" · "))
        }
        None => r.summary.clone(),
    };
    let crumbs = structure::breadcrumbs(site, inst);
    let (prev, next) = structure::prev_next(site, inst);
    let related = super::related::related(site, n, rendered);
    let links = Links::draw(site, tera, lang, &related, [prev.as_ref(), next.as_ref()]);
    // Long enough that a way back up saves scrolling.
    let long = html.len() > LONG_PAGE_BYTES || r.headings.len() >= 6 || r.questions.len() >= 8;

    let mut page = json!({
        "title": src.title(),
        "description": description,
        "kind": src.front.kind.as_str(),
        "key": src.key,
        "url": inst.url,
        "permalink": format!("{base}{}", inst.url),
        // Moved in below: `json!` would copy it.
        "content": Value::Null,
        "content_lang": src.lang,
        "content_dir": site.dir_of(&src.lang),
        // Asked by the template as a flag: a `trim` filter there copies the whole HTML.
        "has_content": !html.trim().is_empty(),
        "translated": inst.translated,
        // A generated page's title is a UI string, maybe a fallback one.
        "title_attrs": match src.front.kind {
            Kind::Thanks if src.generated => fallback_attrs(site, lang, "thanks_title"),
            Kind::FormError if src.generated => fallback_attrs(site, lang, "form_error_title"),
            _ => String::new(),
        },
        "show_untranslated_notice": !inst.translated && config.i18n.untranslated_notice,
        "draft": src.front.draft,
        "updated_iso": updated.map(|d| d.to_string()),
        "updated_display": updated_display,
        "toc": toc,
        "generated": src.generated,
        "groups": groups,
        "icon": src.front.icon,
        "breadcrumbs": crumbs,
        "breadcrumbs_jsonld": (!crumbs.is_empty()).then(|| structure::breadcrumbs_jsonld(&crumbs, base)),
        "related": links.unread(&links.related, &related),
        "long": long,
        "prev": links.unread(&links.prev_next, &prev),
        "next": links.unread(&links.prev_next, &next),
        "questions": r.questions,
        "question_count": fmt.number(r.questions.len() as i64),
        "question_total": r.questions.len(),
        "faq_jsonld": (src.front.kind == Kind::Faq).then(|| faq_jsonld(&r.questions, lang)),
    });
    page["content"] = Value::String(html);
    ctx.insert_value("page", page);
    if let Some(html) = links.related {
        ctx.insert_value("related_html", Value::String(html));
    }
    if let Some(html) = links.prev_next {
        ctx.insert_value("prev_next_html", Value::String(html));
    }
    let links = |folder: &str| {
        let cell = site.drawn.get(lang)?.links.get(folder)?;
        Some(cell.get_or_init(|| folder_links(site, tera, lang, folder)))
    };
    let drawn = site.drawn.get(lang);
    let drawn_nav = drawn.and_then(|d| {
        let mut draw = |nodes: &[super::nav::Node]| {
            ctx.insert("nav", nodes);
            tera.render(crate::templates::NAV_ONE, ctx).ok()
        };
        super::nav::drawn(site, lang, inst, &links, &d.branches, &mut draw)
    });
    match drawn_nav {
        Some(html) => {
            // The built-in macro draws a given entry as it is, in a list:
            // `base.html` puts that in without calling the macro.
            if drawn.is_some_and(|d| d.link_cuts.is_some()) {
                let list = super::nav::list(&html);
                ctx.insert_value("nav_html", Value::String(list));
            }
            let entry = serde_json::Map::from_iter([("html".to_string(), Value::String(html))]);
            ctx.insert_value("nav", Value::Array(vec![Value::Object(entry)]));
        }
        None => ctx.insert("nav", &super::nav::tree(site, lang, Some(inst), &links)),
    }
    let switcher = drawn.and_then(|d| d.switchers.as_ref());
    let switched = match switcher.and_then(|s| s.draw(tera, &site.base[lang], &languages)) {
        Some(html) => {
            ctx.insert_value("languages_html", Value::String(html));
            true
        }
        None => false,
    };
    // With every template the built-in one, only the switcher reads the
    // links, and it has them drawn.
    if !(switched && drawn.is_some_and(|d| d.builtin_only)) {
        ctx.insert("languages", &languages);
    }
    ctx.insert("alternates", &alternates);
    ctx.insert("x_default", &x_default);
    ctx.insert("canonical", &canonical);
    insert_kind_context(ctx, site, inst);
    let template = match (src.key.is_empty(), src.front.kind) {
        (true, Kind::Page) => "home.html".to_string(),
        (_, kind) => format!("{}.html", kind.as_str()),
    };
    let html = render(tera, &template, ctx, &src.shown_path);
    // The page's own values (its whole HTML among them) are not kept
    // until the worker's next page of this language replaces them.
    for key in PAGE_KEYS {
        ctx.remove(key);
    }
    let html = html?;
    Ok(OutputFile {
        path: format!("{lang}/{}index.html", src.url_path()),
        bytes: html,
    })
}

/// The page in every language, for the switcher and search engines.
struct Translations {
    languages: Vec<LanguageLink>,
    alternates: Vec<Alternate>,
    x_default: Option<String>,
    canonical: String,
}

fn translations(site: &Site<'_>, inst: &Instance<'_>) -> Translations {
    let config = site.config;
    let src = inst.src;
    let lang = inst.lang;
    let base = config.base_url();
    let mut languages = Vec::new();
    let mut alternates = Vec::new();
    for code in &site.languages {
        let Some(other) = site.instance(code, &src.key) else {
            continue;
        };
        languages.push(LanguageLink {
            code: code.clone(),
            name: config.languages[code].name.clone(),
            dir: site.dir_of(code),
            url: other.url.clone(),
            current: code == lang,
            translated: other.translated,
        });
        if other.translated {
            alternates.push(Alternate {
                hreflang: code.clone(),
                href: format!("{base}{}", other.url),
            });
        }
    }
    let x_default = site
        .instance(&config.default_language, &src.key)
        .filter(|i| i.translated)
        .map(|i| format!("{base}{}", i.url))
        .or_else(|| alternates.first().map(|a| a.href.clone()));
    // An untranslated page is a copy: its canonical URL is the original's.
    let canonical = if inst.translated {
        format!("{base}{}", inst.url)
    } else {
        format!("{base}/{}/{}", src.lang, src.url_path())
    };

    Translations {
        languages,
        alternates,
        x_default,
        canonical,
    }
}

/// What only some kinds of page show: the contact form, the feedback
/// question, the form error reasons.
fn insert_kind_context(ctx: &mut Context, site: &Site<'_>, inst: &Instance<'_>) {
    let src = inst.src;
    let lang = inst.lang;
    if src.front.kind == Kind::Contact {
        ctx.insert("form", &form_context(site, lang));
    }
    if matches!(src.front.kind, Kind::Page | Kind::Faq) && !src.key.is_empty() {
        let value = match site.drawn.get(lang).and_then(|d| d.feedback.as_ref()) {
            Some((shared, cut)) => drawn_feedback(site, lang, &inst.url, shared, cut),
            None => feedback_context(site, lang, &inst.url),
        };
        ctx.insert_value("feedback", value);
    }
    if src.front.kind == Kind::FormError {
        // Every reason the handler can give, in this language; the page's
        // script shows the one named by ?code=.
        let reasons: Vec<Value> = helpsite_form::ErrorCode::ALL
            .iter()
            .map(|c| {
                let text = site
                    .catalogs
                    .text(lang, &c.message_key())
                    .replace("{max}", "…");
                let attrs = fallback_attrs(site, lang, &c.message_key());
                json!({ "code": c.as_str(), "message": text, "attrs": attrs })
            })
            .collect();
        ctx.insert("form_errors", &reasons);
    }
}

/// The contact form, from the one definition the handler validates against.
fn form_context(site: &Site<'_>, lang: &str) -> Value {
    let ui = site.catalogs.get(lang);
    let text = |k: String| ui.get(&k).map(|m| m.text().to_string());
    let fields: Vec<Value> = helpsite_form::FIELDS
        .iter()
        .map(|f| {
            json!({
                "name": f.name,
                "kind": f.kind,
                "required": f.required,
                "max_len": f.max_len,
                "autocomplete": f.autocomplete,
                "label": text(format!("form_{}_label", f.name)).unwrap_or_else(|| f.name.to_string()),
                "label_attrs": fallback_attrs(site, lang, &format!("form_{}_label", f.name)),
                "hint": text(format!("form_{}_hint", f.name)),
                "hint_attrs": fallback_attrs(site, lang, &format!("form_{}_hint", f.name)),
            })
        })
        .collect();
    let topics: Vec<Value> = site
        .config
        .form
        .topics
        .iter()
        .map(|t| {
            let key = format!("topic_{t}");
            let attrs = fallback_attrs(site, lang, &key);
            json!({ "id": t, "label": text(key).unwrap_or_else(|| t.clone()), "attrs": attrs })
        })
        .collect();
    let extra = extra_fields_context(site, lang);
    let uploads = &site.config.form.uploads;
    json!({
        "endpoint": site.config.form.endpoint,
        "fields": fields,
        "topics": topics,
        "extra": extra,
        "uploads": (uploads.max_files > 0).then(|| json!({
            "endpoint": sibling_endpoint(&site.config.form.endpoint, "contact/uploads"),
            "max_files": uploads.max_files,
            "max_bytes": uploads.max_bytes,
            "size": size_label(uploads.max_bytes),
            "accept": uploads.types.join(","),
        })),
    })
}

/// The site's own fields: labels, options and the topics that show or
/// require each, for the page's script (ids) and for readers without it
/// (a note naming the topics).
fn extra_fields_context(site: &Site<'_>, lang: &str) -> Vec<Value> {
    use helpsite_form::extra::ExtraKind;
    let ui = site.catalogs.get(lang);
    let text = |k: &str| ui.get(k).map(|m| m.text().to_string());
    let topic_list = |ids: &[String]| {
        let labels: Vec<String> = ids
            .iter()
            .map(|t| text(&format!("topic_{t}")).unwrap_or_else(|| t.clone()))
            .collect();
        labels.join(list_separator(lang))
    };
    let note = |key: &str, ids: &[String]| {
        (!ids.is_empty()).then(|| {
            site.catalogs
                .text(lang, key)
                .replace("{topics}", &topic_list(ids))
        })
    };
    site.config
        .form
        .fields
        .iter()
        .map(|f| {
            let (input_type, inputmode, autocomplete, ltr) = match f.kind {
                ExtraKind::Phone => ("tel", None, Some("tel"), true),
                ExtraKind::Url => ("url", None, Some("url"), true),
                ExtraKind::Date => ("date", None, None, true),
                ExtraKind::Number => ("text", Some("decimal"), None, true),
                ExtraKind::Text | ExtraKind::Select => ("text", None, None, false),
            };
            let options: Vec<Value> = f
                .options
                .iter()
                .map(|o| json!({ "value": o, "label": text(&f.option_key(o)).unwrap_or_else(|| o.clone()) }))
                .collect();
            json!({
                "name": f.name,
                "kind": f.kind.as_str(),
                "input_type": input_type,
                "inputmode": inputmode,
                "autocomplete": autocomplete,
                "ltr": ltr,
                "max_len": f.max_len(),
                "label": text(&f.label_key()).unwrap_or_else(|| f.name.clone()),
                "hint": text(&f.hint_key()),
                "options": options,
                "topics": f.topics.join(" "),
                "required_for": f.required_for.join(" "),
                "topics_note": note("form_field_topics_note", &f.topics),
                "required_note": note("form_field_required_note", &f.required_for),
            })
        })
        .collect()
}

/// How a language separates the items of a short list.
fn list_separator(lang: &str) -> &'static str {
    match lang.split('-').next().unwrap_or(lang) {
        "zh" | "ja" => "、",
        "ar" | "fa" | "ur" => "، ",
        _ => ", ",
    }
}

/// A file size limit as the page shows it before its script formats it in
/// the visitor's language (`10 MB`, `500 kB`).
fn size_label(bytes: u64) -> String {
    const MB: u64 = 1024 * 1024;
    if bytes >= MB && bytes.is_multiple_of(MB) {
        format!("{} MB", bytes / MB)
    } else if bytes >= 1024 {
        format!("{} kB", bytes / 1024)
    } else {
        format!("{bytes} B")
    }
}

/// "Was this helpful?": where it posts and the reasons offered after a No.
fn feedback_context(site: &Site<'_>, lang: &str, page_url: &str) -> Value {
    let mut value = feedback_shared(site, lang);
    value["contact"] = feedback_contact(site, lang, &page_query(page_url)).into();
    value
}

/// The page's URL as a query value (the contact link's `page=`).
fn page_query(page_url: &str) -> String {
    percent_encoding::utf8_percent_encode(page_url, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// The feedback context of every page of `lang`, less its contact link.
fn feedback_shared(site: &Site<'_>, lang: &str) -> Value {
    let catalog = site.catalogs.get(lang);
    let reasons: Vec<Value> = helpsite_form::FEEDBACK_REASONS
        .iter()
        .map(|r| {
            let label = catalog
                .get(&format!("feedback_reason_{r}"))
                .map(|m| m.text().to_string())
                .unwrap_or_else(|| r.to_string());
            let attrs = fallback_attrs(site, lang, &format!("feedback_reason_{r}"));
            json!({ "id": r, "label": label, "attrs": attrs })
        })
        .collect();
    json!({
        "endpoint": sibling_endpoint(&site.config.form.endpoint, "feedback"),
        "reasons": reasons,
        "text_max": helpsite_form::FEEDBACK_TEXT_MAX,
    })
}

/// The contact page, asked to fill in the topic and the page (`query`, the
/// page's URL encoded).
fn feedback_contact(site: &Site<'_>, lang: &str, query: &str) -> Option<String> {
    let topic = if site.config.form.topics.iter().any(|t| t == "other") {
        "topic=other&"
    } else {
        ""
    };
    site.contact
        .get(lang)
        .map(|url| format!("{url}?{topic}page={query}"))
}

/// The handler's other endpoints beside the contact form's:
/// `/api/contact` → `/api/feedback`, `https://x/contact` → `https://x/feedback`.
fn sibling_endpoint(contact: &str, name: &str) -> String {
    let base = contact
        .strip_suffix("/contact")
        .unwrap_or(contact.trim_end_matches('/'));
    format!("{base}/{name}")
}

/// schema.org FAQPage, so search engines show the questions.
fn faq_jsonld(questions: &[crate::markdown::Question], lang: &str) -> String {
    let entities: Vec<Value> = questions
        .iter()
        .map(|q| {
            json!({
                "@type": "Question",
                "name": q.text,
                "acceptedAnswer": { "@type": "Answer", "text": q.answer_html.trim() },
            })
        })
        .collect();
    let doc = json!({ "@context": "https://schema.org", "@type": "FAQPage", "inLanguage": lang, "mainEntity": entities });
    crate::escape::json_in_html(&doc)
}

/// `template` drawn into bytes: a page goes to disk as bytes, and rendering
/// into a `String` would check the whole page's UTF-8 once more.
fn render(
    tera: &Tera,
    template: &str,
    ctx: &Context,
    for_file: &std::path::Path,
) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(16 * 1024);
    tera.render_to(template, ctx, &mut out).map_err(|e| {
        Error::Template(format!(
            "{template} (rendering {}): {}",
            for_file.display(),
            crate::templates::error_chain(&e)
        ))
    })?;
    Ok(out)
}

/// The site's entry page and the 404 pages.
pub(super) fn render_extra(site: &Site<'_>, tera: &Tera) -> Result<Vec<OutputFile>> {
    let config = site.config;
    let mut files = Vec::new();
    let default = &config.default_language;
    let languages: Vec<LanguageLink> = site
        .languages
        .iter()
        .map(|code| LanguageLink {
            code: code.clone(),
            name: config.languages[code].name.clone(),
            dir: site.dir_of(code),
            url: format!("/{code}/"),
            current: code == default,
            translated: true,
        })
        .collect();

    let mut ctx = site.base[default.as_str()].clone();
    ctx.insert("languages", &languages);
    ctx.insert("canonical", &format!("{}/", config.base_url()));
    let html = render(tera, "root.html", &ctx, std::path::Path::new("index.html"))?;
    files.push(OutputFile {
        path: "index.html".into(),
        bytes: html,
    });

    for code in &site.languages {
        let mut ctx = site.base[code.as_str()].clone();
        let languages: Vec<LanguageLink> = languages
            .iter()
            .map(|l| LanguageLink {
                current: l.code == *code,
                ..l.clone()
            })
            .collect();
        ctx.insert("languages", &languages);
        if config.search.enabled {
            let mut search_ctx = ctx.clone();
            let links: Vec<LanguageLink> = languages
                .iter()
                .map(|l| LanguageLink {
                    url: format!("/{}/search/", l.code),
                    current: l.code == *code,
                    ..l.clone()
                })
                .collect();
            search_ctx.insert("languages", &links);
            search_ctx.insert(
                "canonical",
                &format!("{}/{code}/search/", config.base_url()),
            );
            let html = render(
                tera,
                "search.html",
                &search_ctx,
                std::path::Path::new("search.html"),
            )?;
            files.push(OutputFile {
                path: format!("{code}/search/index.html"),
                bytes: html,
            });
        }
        let html = render(tera, "404.html", &ctx, std::path::Path::new("404.html"))?;
        if code == default {
            files.push(OutputFile {
                path: "404.html".into(),
                bytes: html.clone(),
            });
        }
        files.push(OutputFile {
            path: format!("{code}/404.html"),
            bytes: html,
        });
    }
    Ok(files)
}
