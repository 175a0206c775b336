//! What templates see, and rendering them into output files.

use serde::Serialize;
use serde_json::{json, Value};
use tera::{Context, Tera};

use super::output::OutputFile;
use super::structure::{self, Entry};
use super::Site;
use crate::content::Kind;
use crate::error::{Error, Result};
use crate::markdown::Rendered;

#[derive(Serialize, Clone)]
struct LanguageLink {
    code: String,
    name: String,
    dir: &'static str,
    url: String,
    current: bool,
    translated: bool,
}

#[derive(Serialize)]
struct Alternate {
    hreflang: String,
    href: String,
}

pub(super) fn dir_of(site: &Site<'_>, lang: &str) -> &'static str {
    site.formats
        .get(lang)
        .map(|f| f.dir.as_str())
        .unwrap_or("ltr")
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
            "dir": dir_of(site, lang),
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
                json!({ "lang": fallback_lang, "dir": dir_of(site, fallback_lang) }),
            )
        })
        .collect();
    ctx.insert("ui_fallback", &marks);
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
        .filter(|l| dir_of(site, l) == "rtl")
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
    ctx.insert("nav", &nav_items(site, lang));
    ctx
}

/// Rendered HTML beyond which a page offers "back to top" (several screens).
const LONG_PAGE_BYTES: usize = 6_000;

/// The navigation of one language: its top-level pages and sections
/// (`guides/_index.md` is the section `guides`), by weight then title.
/// Deeper pages are reached from their section, so every page's sidebar stays
/// short however large the site grows.
fn nav_items(site: &Site<'_>, lang: &str) -> Vec<Entry> {
    structure::inside(site, lang, "")
        .iter()
        .map(|&n| structure::entry(site, n, None))
        .collect()
}

pub(super) fn render_page(
    site: &Site<'_>,
    tera: &Tera,
    n: usize,
    rendered: &[Rendered],
) -> Result<OutputFile> {
    let inst = &site.instances[n];
    let r = &rendered[n];
    let config = site.config;
    let src = inst.src;
    let lang = inst.lang;
    let base = config.base_url();
    let mut ctx = site.base[lang].clone();

    let mut languages = Vec::new();
    let mut alternates = Vec::new();
    for code in &site.languages {
        let Some(other) = site.instance(code, &src.key) else {
            continue;
        };
        languages.push(LanguageLink {
            code: code.clone(),
            name: config.languages[code].name.clone(),
            dir: dir_of(site, code),
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
    let open = structure::open_branch(site, inst);

    ctx.insert(
        "page",
        &json!({
            "title": src.title(),
            "description": description,
            "kind": src.front.kind.as_str(),
            "key": src.key,
            "url": inst.url,
            "permalink": format!("{base}{}", inst.url),
            "content": r.html,
            "content_lang": src.lang,
            "content_dir": dir_of(site, &src.lang),
            "translated": inst.translated,
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
            "related": related,
            "nav_open": open.as_ref().map(|(url, subs)| json!({ "url": url, "sections": subs })),
            // Long enough that a way back up saves scrolling.
            "long": r.html.len() > LONG_PAGE_BYTES || r.headings.len() >= 6 || r.questions.len() >= 8,
            "prev": prev,
            "next": next,
            "questions": r.questions,
            "question_count": fmt.number(r.questions.len() as i64),
            "question_total": r.questions.len(),
            "faq_jsonld": (src.front.kind == Kind::Faq).then(|| faq_jsonld(&r.questions, lang)),
        }),
    );
    ctx.insert("languages", &languages);
    ctx.insert("alternates", &alternates);
    ctx.insert("x_default", &x_default);
    ctx.insert("canonical", &canonical);
    if src.front.kind == Kind::Contact {
        ctx.insert("form", &form_context(site, lang));
    }
    if matches!(src.front.kind, Kind::Page | Kind::Faq) && !src.key.is_empty() {
        ctx.insert("feedback", &feedback_context(site, lang, &inst.url));
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
                json!({ "code": c.as_str(), "message": text })
            })
            .collect();
        ctx.insert("form_errors", &reasons);
    }
    let template = match (src.key.is_empty(), src.front.kind) {
        (true, Kind::Page) => "home.html".to_string(),
        (_, kind) => format!("{}.html", kind.as_str()),
    };
    let html = render(tera, &template, &ctx, &src.shown_path)?;
    Ok(OutputFile {
        path: format!("{lang}/{}index.html", src.url_path()),
        bytes: html.into_bytes(),
    })
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
                "hint": text(format!("form_{}_hint", f.name)),
            })
        })
        .collect();
    let topics: Vec<Value> = site
        .config
        .form
        .topics
        .iter()
        .map(|t| json!({ "id": t, "label": text(format!("topic_{t}")).unwrap_or_else(|| t.clone()) }))
        .collect();
    let uploads = &site.config.form.uploads;
    json!({
        "endpoint": site.config.form.endpoint,
        "fields": fields,
        "topics": topics,
        "uploads": (uploads.max_files > 0).then(|| json!({
            "endpoint": sibling_endpoint(&site.config.form.endpoint, "contact/uploads"),
            "max_files": uploads.max_files,
            "max_bytes": uploads.max_bytes,
            "size": size_label(uploads.max_bytes),
            "accept": uploads.types.join(","),
        })),
    })
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
    let catalog = site.catalogs.get(lang);
    let reasons: Vec<Value> = helpsite_form::FEEDBACK_REASONS
        .iter()
        .map(|r| {
            let label = catalog
                .get(&format!("feedback_reason_{r}"))
                .map(|m| m.text().to_string())
                .unwrap_or_else(|| r.to_string());
            json!({ "id": r, "label": label })
        })
        .collect();
    // The contact page, asked to fill in the topic and this page.
    let topic = if site.config.form.topics.iter().any(|t| t == "other") {
        "topic=other&"
    } else {
        ""
    };
    let page = percent_encoding::utf8_percent_encode(page_url, percent_encoding::NON_ALPHANUMERIC);
    let contact = site
        .contact
        .get(lang)
        .map(|url| format!("{url}?{topic}page={page}"));
    json!({
        "contact": contact,
        "endpoint": sibling_endpoint(&site.config.form.endpoint, "feedback"),
        "reasons": reasons,
        "text_max": helpsite_form::FEEDBACK_TEXT_MAX,
    })
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

fn render(
    tera: &Tera,
    template: &str,
    ctx: &Context,
    for_file: &std::path::Path,
) -> Result<String> {
    tera.render(template, ctx).map_err(|e| {
        Error::Template(format!(
            "{template} (rendering {}): {}",
            for_file.display(),
            crate::templates::error_chain(&e)
        ))
    })
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
            dir: dir_of(site, code),
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
        bytes: html.into_bytes(),
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
                bytes: html.into_bytes(),
            });
        }
        let html = render(tera, "404.html", &ctx, std::path::Path::new("404.html"))?;
        if code == default {
            files.push(OutputFile {
                path: "404.html".into(),
                bytes: html.clone().into_bytes(),
            });
        }
        files.push(OutputFile {
            path: format!("{code}/404.html"),
            bytes: html.into_bytes(),
        });
    }
    Ok(files)
}
