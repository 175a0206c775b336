//! The site model: what a build loads, the pages each language gets, and
//! what rendering them shares.

use std::collections::BTreeMap;
use std::path::PathBuf;

// Looked up on every page, by short keys: foldhash, not SipHash.
use foldhash::HashMap;

use super::assets;
use super::cut::{Cut, Drawings};
use super::output::OutputFile;
use crate::config::SiteConfig;
use crate::content::SourcePage;
use crate::error::Diagnostic;
use crate::i18n::{Catalogs, LocaleFormat};

#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Write pages marked `draft = true` (with a visible badge).
    pub drafts: bool,
    /// Add the live-reload script (serve only).
    pub live_reload: bool,
    /// Show a progress bar for long builds (drawn only on a terminal, never in CI).
    pub progress: bool,
    /// Replaces site.toml's `[form] endpoint` (the command line takes it
    /// from `HELPSITE_FORM_ENDPOINT`; parsing site.toml reads no environment).
    pub form_endpoint: Option<String>,
}

/// A rendered site, not yet written.
#[derive(Debug)]
pub struct Built {
    pub files: Vec<OutputFile>,
    /// Warnings: reported, not fatal.
    pub warnings: Vec<Diagnostic>,
    /// Notes: what the build did for the site (`check` shows them).
    pub notes: Vec<Diagnostic>,
    /// Pages written per language code (including untranslated fallbacks).
    pub pages_per_lang: BTreeMap<String, usize>,
    pub untranslated: usize,
    /// Wall time of each phase, in order (`helpsite build --timings`). The
    /// templates and the search index run side by side, so their times overlap.
    pub timings: Vec<(&'static str, std::time::Duration)>,
}

/// One page as a visitor of one language gets it: its own translation, or
/// the default language's page with a notice.
pub(crate) struct Instance<'a> {
    pub lang: &'a str,
    pub src: &'a SourcePage,
    /// Index of `src` in the loaded pages.
    pub page: usize,
    pub translated: bool,
    /// `/fi/billing/`
    pub url: String,
}

/// Everything the rendering of pages shares.
pub(crate) struct Site<'a> {
    pub config: &'a SiteConfig,
    pub catalogs: &'a Catalogs,
    pub formats: &'a BTreeMap<String, LocaleFormat>,
    pub assets: &'a assets::AssetUrls,
    pub opts: &'a BuildOptions,
    pub instances: &'a [Instance<'a>],
    /// (lang, key) → index into `instances`
    pub index: HashMap<(&'a str, &'a str), usize>,
    /// (lang, folder key) → the instances directly inside it, in order.
    pub folders: HashMap<(&'a str, &'a str), Folder>,
    /// The words "related articles" are computed from.
    pub terms: Terms,
    /// lang → the URL of its contact page, where the site has one.
    pub contact: HashMap<&'a str, &'a str>,
    /// What every page of a language shares in its template context
    /// (navigation, UI strings, assets…), built once per language.
    pub base: HashMap<String, tera::Context>,
    /// Top-level sections drawn closed in the sidebar, by instance: the same
    /// on every page of their language outside them (`nav::closed`).
    pub nav_closed: HashMap<usize, String>,
    /// lang → its partials drawn once (`context::predraw`).
    pub drawn: HashMap<String, Drawn>,
    pub languages: Vec<String>,
}

impl<'a> Site<'a> {
    pub fn instance(&self, lang: &str, key: &str) -> Option<&Instance<'a>> {
        self.index.get(&(lang, key)).map(|&i| &self.instances[i])
    }

    /// `ltr` or `rtl`: the direction of `lang`'s text.
    pub fn dir_of(&self, lang: &str) -> &'static str {
        self.formats
            .get(lang)
            .map(|f| f.dir.as_str())
            .unwrap_or("ltr")
    }
}

/// Each instance's words, and per language which instances have each word.
#[derive(Default)]
pub(crate) struct Terms {
    pub(super) of: Vec<Vec<String>>,
    /// language → word → instances
    pub(super) pages: HashMap<String, HashMap<String, Vec<usize>>>,
}

/// Everything a build reads from disk. `serve` keeps it between rebuilds.
pub(crate) struct Loaded {
    pub root: PathBuf,
    pub opts: BuildOptions,
    pub config: SiteConfig,
    pub catalogs: Catalogs,
    pub formats: BTreeMap<String, LocaleFormat>,
    pub tera: tera::Tera,
    pub own_templates: crate::templates::OwnTemplates,
    pub asset_files: Vec<OutputFile>,
    pub asset_urls: assets::AssetUrls,
    pub pages: Vec<SourcePage>,
    /// Keys of pages whose front matter is broken: links to them are not reported twice.
    pub failed_keys: std::collections::HashSet<String>,
    pub languages: Vec<String>,
}

impl Loaded {
    pub(crate) fn instances(&self) -> Vec<Instance<'_>> {
        instances(&self.config, &self.languages, &self.pages)
    }
}

pub(crate) fn instances<'a>(
    config: &SiteConfig,
    languages: &'a [String],
    pages: &'a [SourcePage],
) -> Vec<Instance<'a>> {
    let mut by_key: BTreeMap<&str, BTreeMap<&str, (usize, &SourcePage)>> = BTreeMap::new();
    for (i, p) in pages.iter().enumerate() {
        by_key
            .entry(p.key.as_str())
            .or_default()
            .insert(p.lang.as_str(), (i, p));
    }
    let mut out = Vec::new();
    for translations in by_key.values() {
        for lang in languages {
            let ((page, src), translated) = match translations.get(lang.as_str()) {
                Some(p) => (*p, true),
                None => match translations.get(config.default_language.as_str()) {
                    Some(p) => (*p, false),
                    // Not in the default language either: the first language that has it.
                    None => (
                        *translations.values().next().expect("a key has a page"),
                        false,
                    ),
                },
            };
            out.push(Instance {
                lang,
                src,
                page,
                translated,
                url: format!("/{lang}/{}", src.url_path()),
            });
        }
    }
    out
}

/// What all pages of a language draw alike, or alike but for the page's
/// URL, drawn once per language through the theme's own partials; only when
/// a partial is the built-in one, so what it reads from the context is known
/// (a page then draws the partial itself).
pub(crate) struct Drawn {
    /// The language's feedback context less the contact link, and the
    /// widget cut where the page's URL goes.
    pub(crate) feedback: Option<(serde_json::Value, Cut<Piece>)>,
    /// By folder key: the sidebar's links to its pages (`context::folder_links`).
    pub(crate) links: HashMap<String, std::sync::OnceLock<HashMap<usize, Link>>>,
    /// The language switcher, by the page's set of translations.
    pub(crate) switchers: Option<super::switcher::Switchers>,
    /// The sidebar's open sections, cut where their pages' parts go.
    pub(crate) branches: Branches,
    /// The sidebar's page links cut where their values go; only when the
    /// sidebar macro is the built-in one.
    pub(crate) link_cuts: Option<LinkCuts>,
    /// Every template is the built-in one: what each reads is known.
    pub(crate) builtin_only: bool,
    /// The related articles and the previous and next links, by shape.
    pub(crate) related: Option<super::stencil::Stencils>,
    pub(crate) prev_next: Option<super::stencil::Stencils>,
}

/// A page's entry in the sidebar, drawn once: as other pages show it, and
/// as its own page does (marked current).
pub(crate) struct Link {
    pub(crate) other: String,
    pub(crate) own: String,
}

/// Where a page link's own values go in a link drawn once with marks.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum LinkPart {
    Url,
    Title,
    Lang,
    Dir,
}

/// A sidebar page link drawn once with marks for its values, for a page in
/// the sidebar's language or not (then marked with its own), shown on other
/// pages or on its own: `[foreign][own]` (`nav::link_cuts`).
pub(crate) type LinkCuts = [[Cut<LinkPart>; 2]; 2];

/// Where a page's own parts go in an open section of the sidebar drawn once.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Slot {
    /// The open sub-section holding the page.
    Sub,
    /// The links to the pages around the page (`nav::window`).
    Window,
}

/// An open section of the sidebar as pages see it alike: the section, its
/// open sub-section, and whether the page is the section's own.
pub(crate) type BranchKey = (usize, Option<usize>, bool);

/// A language's open sections, drawn as pages first ask for them.
pub(crate) type Branches = Drawings<BranchKey, Slot>;

/// What is directly inside a folder that visitors browse, by weight then
/// title: everything, and its sub-sections and pages apart, with each page's
/// place among the pages (the sidebar and previous/next ask for them on
/// every page, and a section can hold thousands; `structure::folders`
/// works them out).
#[derive(Default)]
pub(crate) struct Folder {
    pub all: Vec<usize>,
    pub sections: Vec<usize>,
    pub pages: Vec<usize>,
    /// Instance → its position in `pages`.
    pub page_at: HashMap<usize, usize>,
}

/// Where a page's own URL goes in its feedback widget drawn once.
#[derive(Clone, Copy)]
pub(crate) enum Piece {
    /// The page's URL, escaped.
    Url,
    /// The page's URL as a query value (`page_query`).
    Query,
}
