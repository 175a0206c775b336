//! The checks of rendered pages: links and their anchors, FAQ questions,
//! heading levels, and pages that would share a URL.

use std::collections::{BTreeSet, HashMap};

use super::model::Site;
use crate::content::{Kind, SourcePage};
use crate::error::Diagnostic;
use crate::markdown::{LinkTarget, Rendered};

/// Two pages of one language that would be written to the same URL.
pub(super) fn duplicate_urls(pages: &[SourcePage]) -> Vec<Diagnostic> {
    let mut seen: HashMap<(&str, String), &SourcePage> = HashMap::new();
    let mut diags = Vec::new();
    for p in pages {
        if let Some(first) = seen.insert((p.lang.as_str(), p.url_path()), p) {
            diags.push(
                Diagnostic::error(
                    &p.shown_path,
                    None,
                    format!(
                        "writes the same URL /{}/{} as {}",
                        p.lang,
                        p.url_path(),
                        first.shown_path.display()
                    ),
                )
                .with_help("give one of them a different slug in its front matter"),
            );
        }
    }
    diags
}

/// Ids the templates put on every page, which content may link to.
const TEMPLATE_IDS: &[&str] = &["main", "top", "toc"];

/// Checks the instances `which` (by index, all of one language: links are
/// followed only within the language, so only its renderings are read).
pub(super) fn check_pages(
    site: &Site<'_>,
    rendered: &[Rendered],
    which: &[usize],
) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let ids: HashMap<usize, BTreeSet<&str>> = which
        .iter()
        .map(|&t| (t, rendered[t].ids.iter().map(String::as_str).collect()))
        .collect();
    let has_id = |t: usize, id: &str| match ids.get(&t) {
        Some(set) => set.contains(id),
        None => rendered[t].ids.iter().any(|x| x == id),
    };
    for &i in which {
        let (inst, r) = (&site.instances[i], &rendered[i]);
        // Each source file is reported once: by its own language's page.
        if !inst.translated {
            continue;
        }
        let file = &inst.src.shown_path;
        for f in &r.findings {
            let d = if f.error {
                Diagnostic::error(file, Some(f.line), &f.message)
            } else {
                Diagnostic::warning(file, Some(f.line), &f.message)
            };
            diags.push(d.with_help(&f.help));
        }
        for link in &r.links {
            let Some(fragment) = &link.fragment else {
                continue;
            };
            let target = match &link.target {
                LinkTarget::SamePage => Some(i),
                LinkTarget::Page(key) => site.index.get(&(inst.lang, key.as_str())).copied(),
            };
            let Some(t) = target else { continue };
            let fragment = percent_decode(fragment);
            if !has_id(t, &fragment) && !TEMPLATE_IDS.contains(&fragment.as_str()) {
                let target_file = &site.instances[t].src.shown_path;
                diags.push(
                    Diagnostic::error(file, Some(link.line), format!("link \"{}\": no heading with id \"{fragment}\" in {}", link.written, target_file.display()))
                        .with_help(format!("use one of the headings' ids, or add {{#{fragment}}} after the heading you mean in {}", target_file.display())),
                );
            }
        }
        if inst.src.front.kind == Kind::Faq && r.questions.is_empty() {
            diags.push(
                Diagnostic::error(
                    file,
                    Some(inst.src.body_line),
                    "this FAQ page has no questions",
                )
                .with_help("write each question as a ## heading with its answer below it"),
            );
        }
        let mut previous = 1u8;
        for h in &r.headings {
            if h.level == 1 {
                diags.push(
                    Diagnostic::warning(
                        file,
                        Some(h.line),
                        "a # heading repeats the page title level",
                    )
                    .with_help("the title comes from front matter; start sections with ##"),
                );
            } else if h.level > previous + 1 {
                diags.push(
                    Diagnostic::warning(
                        file,
                        Some(h.line),
                        format!("heading skips from level {previous} to {}", h.level),
                    )
                    .with_help(format!(
                        "use {} for this heading",
                        "#".repeat(previous as usize + 1)
                    )),
                );
            }
            previous = h.level;
        }
    }
    diags
}

fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}
