//! The build: load → parse → render → write.
//!
//! [`render_site`] does everything but writing and returns the files; `build`
//! writes them atomically, `check` only reports.

mod appearance;
pub mod assets;
mod context;
mod cut;
mod form;
mod generated;
pub mod incremental;
mod links;
mod model;
mod nav;
pub mod output;
mod related;
mod sitemap;
mod stencil;
mod structure;
mod switcher;
mod toc;

pub use form::{form_definition, write_form_definition};
pub use model::{BuildOptions, Built};
pub(crate) use model::{Instance, Loaded, Site};

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::SiteConfig;
use crate::content::{self, Kind};
use crate::error::{Diagnostic, Error, Result};
use crate::i18n::{Catalogs, LocaleFormat};
use crate::markdown::{self, Labels, Rendered};
use output::OutputFile;

/// Runs `f`, adding its wall time to `timings` under `phase`.
fn timed<T>(
    timings: &mut Vec<(&'static str, std::time::Duration)>,
    phase: &'static str,
    f: impl FnOnce() -> T,
) -> T {
    let started = std::time::Instant::now();
    let out = f();
    timings.push((phase, started.elapsed()));
    out
}

/// Builds the site under `root` into `out`, replacing it only on success.
/// Files go to disk as they are rendered, so memory stays flat.
pub fn build(root: &Path, out: &Path, opts: &BuildOptions) -> Result<Built> {
    let staging = output::Staging::new(out)?;
    let mut built = render(root, opts, &|f| staging.write(&f).map(|()| None))?;
    timed(&mut built.timings, "replace the previous output", || {
        staging.commit()
    })?;
    Ok(built)
}

/// Renders the whole site in memory (for `check` and tests), writing nothing.
pub fn render_site(root: &Path, opts: &BuildOptions) -> Result<Built> {
    render(root, opts, &|f| Ok(Some(f)))
}

/// What to do with each rendered file: write it (keeping nothing), or keep it.
type Sink<'s> = dyn Fn(OutputFile) -> Result<Option<OutputFile>> + Sync + 's;

/// Loads config, theme, catalogs, locales and content. Problems in pages are
/// returned beside the result so every error of a build is reported at once.
fn load(root: &Path, opts: &BuildOptions) -> Result<(Loaded, Vec<Diagnostic>)> {
    let mut config = SiteConfig::load(root)?;
    if let Some(endpoint) = &opts.form_endpoint {
        config.form.endpoint = endpoint.clone();
    }
    let mut diags: Vec<Diagnostic> = Vec::new();

    let theme = crate::theme::Theme::load(root, &config)?;
    let catalogs = Catalogs::load(&config, root, &theme).unwrap_or_else(|d| {
        diags.extend(d);
        Catalogs::default()
    });
    diags.extend(catalogs.warnings.iter().cloned());
    let formats = locale_formats(&config, &mut diags);
    // Parsing the templates takes as long as reading a few thousand pages:
    // both at once. A site whose theme fails reports only that, as before.
    let ((tera, assets), (mut pages, page_diags)) = rayon::join(
        || {
            let tera = crate::templates::load(&theme);
            (tera, site_assets(root, &config, &theme))
        },
        || content::load(root, &config),
    );
    let tera = match tera {
        Ok((mut t, own)) => {
            t.register_filter("plural", crate::i18n::plural::PluralFilter::new(&config));
            Some((t, own))
        }
        Err(d) => {
            diags.push(d);
            None
        }
    };
    if diags.iter().any(Diagnostic::is_error) {
        return Err(Error::Site(diags));
    }
    let (tera, own_templates) = tera.expect("templates loaded");
    let (asset_files, asset_urls) = assets?;

    let failed_keys = failed_keys(&page_diags);
    diags.extend(page_diags);
    if !opts.drafts {
        pages.retain(|p| !p.front.draft);
    }
    let (made, notes) = generated::missing_pages(&config, &catalogs, &pages);
    pages.extend(made);
    diags.extend(notes);
    diags.extend(links::duplicate_urls(&pages));
    let languages = config.ordered_languages();
    let loaded = Loaded {
        root: root.to_path_buf(),
        opts: opts.clone(),
        config,
        catalogs,
        formats,
        tera,
        own_templates,
        asset_files,
        asset_urls,
        pages,
        failed_keys,
        languages,
    };
    Ok((loaded, diags))
}

/// Dates, numbers and direction of every language; a locale CLDR does not
/// know is reported.
fn locale_formats(
    config: &SiteConfig,
    diags: &mut Vec<Diagnostic>,
) -> BTreeMap<String, LocaleFormat> {
    let mut formats = BTreeMap::new();
    for (code, lc) in &config.languages {
        match LocaleFormat::new(code, lc) {
            Ok(f) => {
                formats.insert(code.clone(), f);
            }
            Err(m) => diags.push(Diagnostic::error(
                "site.toml",
                None,
                format!("[languages.{code}]: {m}"),
            )),
        }
    }
    formats
}

/// The theme's static files, and the accent stylesheet and logo of `[appearance]`.
fn site_assets(
    root: &Path,
    config: &SiteConfig,
    theme: &crate::theme::Theme,
) -> Result<(Vec<OutputFile>, assets::AssetUrls)> {
    let (mut asset_files, mut asset_urls) = assets::collect(theme)?;
    let config_text =
        std::fs::read_to_string(root.join(crate::config::CONFIG_FILE)).unwrap_or_default();
    match appearance::assets(root, config, &config_text) {
        Ok((files, urls)) => {
            asset_files.extend(files);
            asset_urls.extend(urls);
        }
        Err(d) => return Err(Error::Site(d)),
    }
    Ok((asset_files, asset_urls))
}

/// Keys of pages whose front matter is broken: links to them are not reported twice.
fn failed_keys(page_diags: &[Diagnostic]) -> HashSet<String> {
    page_diags
        .iter()
        .filter_map(|d| d.file.strip_prefix("content").ok())
        .filter_map(|p| {
            p.iter()
                .skip(1)
                .collect::<PathBuf>()
                .to_str()
                .map(|s| content::page::key_of(Path::new(s)))
        })
        .collect()
}

impl Loaded {
    fn site<'a>(&'a self, instances: &'a [Instance<'a>]) -> Site<'a> {
        let index = instances
            .iter()
            .enumerate()
            .map(|(i, inst)| ((inst.lang, inst.src.key.as_str()), i))
            .collect();
        let mut site = Site {
            config: &self.config,
            catalogs: &self.catalogs,
            formats: &self.formats,
            assets: &self.asset_urls,
            opts: &self.opts,
            instances,
            index,
            folders: structure::folders(instances),
            terms: Default::default(),
            contact: instances
                .iter()
                .rev()
                .filter(|i| i.src.front.kind == Kind::Contact)
                .map(|i| (i.lang, i.url.as_str()))
                .collect(),
            languages: self.languages.clone(),
            base: Default::default(),
            nav_closed: Default::default(),
            drawn: Default::default(),
        };
        // The words of related articles beside the shared drawing, which
        // keeps fewer workers busy than there are languages.
        let (terms, ()) = rayon::join(|| related::terms(instances), || self.draw_shared(&mut site));
        site.terms = terms;
        site
    }

    /// Each language's shared context and sidebar, at once: they read only
    /// the site and their own language.
    fn draw_shared(&self, site: &mut Site<'_>) {
        let bases = |site: &Site<'_>| {
            self.languages
                .par_iter()
                .map(|l| (l.clone(), context::base_context(site, l)))
                .collect()
        };
        site.base = bases(site);
        site.nav_closed = self
            .languages
            .par_iter()
            .flat_map_iter(|l| context::nav_closed(site, &self.tera, l))
            .collect();
        // Again, now that the shared sidebar can use the closed sections.
        site.base = bases(site);
        context::predraw(site, &self.tera, &self.own_templates);
    }
}

fn render(root: &Path, opts: &BuildOptions, sink: &Sink<'_>) -> Result<Built> {
    let started = std::time::Instant::now();
    let (mut loaded, diags) = load(root, opts)?;
    // Nothing after this build needs the markdown: it is let go of once
    // rendered, and each page's HTML once written.
    let bodies = loaded
        .pages
        .iter_mut()
        .map(|p| std::mem::take(&mut p.body))
        .collect();
    let loading = started.elapsed();
    let (_, mut built) = render_loaded(&loaded, Some(bodies), diags, sink)?;
    built
        .timings
        .insert(0, ("load config, theme, content", loading));
    Ok(built)
}

/// Renders every page of a loaded site. With the pages' markdown given
/// apart (`bodies`, by page), each body is dropped once its last page is
/// rendered, each page's HTML once it is written, and each language's
/// renderings once its pages are; the returned renderings are then empty.
/// Without, the pages keep their markdown and every rendering is returned
/// whole: `serve` keeps them for incremental rebuilds.
fn render_loaded(
    loaded: &Loaded,
    bodies: Option<Vec<String>>,
    diags: Vec<Diagnostic>,
    sink: &Sink<'_>,
) -> Result<(Vec<Rendered>, Built)> {
    let mut timings = Vec::new();
    let instances = loaded.instances();
    let site = timed(&mut timings, "shared template context", || {
        loaded.site(&instances)
    });
    let mut built = write_site(loaded, &site, bodies, diags, sink)?;
    timings.append(&mut built.0.timings);
    built.0.timings = timings;
    Ok((built.1, built.0))
}

/// Whether an instance is in its language's search index: an untranslated
/// copy is found in its own language's index; a generated page has nothing
/// of its own to find.
fn indexed(i: &Instance<'_>) -> bool {
    i.translated && !i.src.generated && !matches!(i.src.front.kind, Kind::Thanks | Kind::FormError)
}

/// Renders, checks and writes the pages, language by language.
///
/// Nothing a page shows or checks comes from another language's pages
/// (links, listings and related pages stay in the page's language), so one
/// language at a time is parsed, checked and sent through its templates;
/// each indexed page is cut into search sections as it is written, and its
/// HTML dropped. A language's search index is built while the next
/// language's pages go through their templates. Memory then holds one
/// language's HTML and the search sections of two, not the whole site's.
///
/// A check error anywhere fails the build with every error of every
/// language; from the first one on no more pages are written (the ones
/// already written are in staging, which a failed build drops).
fn write_site(
    loaded: &Loaded,
    site: &Site<'_>,
    bodies: Option<Vec<String>>,
    diags: Vec<Diagnostic>,
    sink: &Sink<'_>,
) -> Result<(Built, Vec<Rendered>)> {
    let (notes, diags): (Vec<_>, Vec<_>) = diags
        .into_iter()
        .partition(|d| d.severity == crate::error::Severity::Note);
    let bar = progress_bar(loaded.opts.progress, site.instances.len());
    let mut pass = Pass::new(loaded, site, bodies, diags);
    let by_lang = by_language(site);
    for (l, todo) in by_lang.iter().enumerate() {
        pass.markdown(todo);
        pass.check(todo);
        if !pass.failed {
            pass.templates(l, todo, &bar, sink)?;
        }
    }
    if pass.failed {
        return Err(Error::Site(sort(pass.diags)));
    }
    pass.finish(notes, sink)
}

/// Each language's instances, in order, languages in the site's order.
fn by_language(site: &Site<'_>) -> Vec<Vec<usize>> {
    let position: HashMap<&str, usize> = site
        .languages
        .iter()
        .enumerate()
        .map(|(i, l)| (l.as_str(), i))
        .collect();
    let mut by_lang: Vec<Vec<usize>> = vec![Vec::new(); site.languages.len()];
    for (n, inst) in site.instances.iter().enumerate() {
        by_lang[position[inst.lang]].push(n);
    }
    by_lang
}

/// What [`write_site`]'s pass over the languages has made so far.
struct Pass<'p, 's> {
    loaded: &'p Loaded,
    site: &'p Site<'s>,
    /// The pages' markdown, when it is let go of as it is used (`build`).
    bodies: Option<Vec<String>>,
    /// How many instances still need each page's markdown.
    uses: Vec<usize>,
    rendered: Vec<Rendered>,
    page_files: Vec<Option<OutputFile>>,
    search_files: Vec<OutputFile>,
    diags: Vec<Diagnostic>,
    failed: bool,
    /// Wall time of markdown, checks, templates and search index.
    times: [std::time::Duration; 4],
}

impl<'p, 's> Pass<'p, 's> {
    fn new(
        loaded: &'p Loaded,
        site: &'p Site<'s>,
        bodies: Option<Vec<String>>,
        diags: Vec<Diagnostic>,
    ) -> Self {
        let count = site.instances.len();
        let mut uses = vec![0usize; loaded.pages.len()];
        for inst in site.instances {
            uses[inst.page] += 1;
        }
        let mut rendered = Vec::new();
        rendered.resize_with(count, Rendered::default);
        let mut page_files = Vec::new();
        page_files.resize_with(count, || None);
        Pass {
            loaded,
            site,
            bodies,
            uses,
            rendered,
            page_files,
            search_files: Vec::new(),
            failed: diags.iter().any(Diagnostic::is_error),
            diags,
            times: [std::time::Duration::ZERO; 4],
        }
    }

    /// Whether every rendering is kept (for `serve`) rather than dropped once used.
    fn keeps(&self) -> bool {
        self.bodies.is_none()
    }

    /// The markdown of one language's instances; a body no instance still
    /// needs is dropped.
    fn markdown(&mut self, todo: &[usize]) {
        let started = std::time::Instant::now();
        let (site, loaded, bodies) = (self.site, self.loaded, &self.bodies);
        let fresh: Vec<Rendered> = todo
            .par_iter()
            .map(|&n| {
                let inst = &site.instances[n];
                let body = match bodies {
                    Some(b) => &b[inst.page],
                    None => &inst.src.body,
                };
                render_markdown(site, inst, body, &loaded.failed_keys)
            })
            .collect();
        for (&n, r) in todo.iter().zip(fresh) {
            self.rendered[n] = r;
        }
        if let Some(b) = &mut self.bodies {
            for &n in todo {
                let p = site.instances[n].page;
                self.uses[p] -= 1;
                if self.uses[p] == 0 {
                    b[p] = String::new();
                }
            }
        }
        self.times[0] += started.elapsed();
    }

    fn check(&mut self, todo: &[usize]) {
        let started = std::time::Instant::now();
        let checked = links::check_pages(self.site, &self.rendered, todo);
        self.failed |= checked.iter().any(Diagnostic::is_error);
        self.diags.extend(checked);
        self.times[1] += started.elapsed();
    }

    /// One language's pages through their templates, beside the previous
    /// language's search index.
    fn templates(
        &mut self,
        lang: usize,
        todo: &[usize],
        bar: &indicatif::ProgressBar,
        sink: &Sink<'_>,
    ) -> Result<()> {
        let keep = self.keeps();
        let html: Vec<String> = todo
            .iter()
            .map(|&n| {
                if keep {
                    self.rendered[n].html.clone()
                } else {
                    std::mem::take(&mut self.rendered[n].html)
                }
            })
            .collect();
        let (loaded, site, rendered) = (self.loaded, self.site, &self.rendered);
        // The language's search sections come from its pages' content, not
        // their templates: taken first, they are indexed beside the pages
        // (the last language's index too, which had nothing beside it).
        let sections = loaded.config.search.enabled.then(|| {
            let pages = todo.par_iter().zip(&html).filter_map(|(&n, html)| {
                let inst = &site.instances[n];
                indexed(inst).then(|| {
                    crate::search::SearchPage::from_html(
                        &inst.url,
                        inst.src.title(),
                        inst.src.front.description.as_deref(),
                        html,
                    )
                })
            });
            (lang, pages.collect())
        });
        let ((done, pages_time), (index, search_time)) = rayon::join(
            || {
                let started = std::time::Instant::now();
                let done = todo
                    .par_iter()
                    .zip(html)
                    .map_init(context::Reused::default, |reused, (&n, html)| {
                        write_page(loaded, site, reused, n, rendered, html, bar, sink)
                    })
                    .collect::<Result<Vec<_>>>();
                (done, started.elapsed())
            },
            || timed_index(site, sections, sink),
        );
        self.times[2] += pages_time;
        self.times[3] += search_time;
        self.search_files.extend(index?);
        for (n, file) in done? {
            self.page_files[n] = file;
        }
        if !keep {
            for &n in todo {
                self.rendered[n] = Rendered::default();
            }
        }
        Ok(())
    }

    /// The last language's index beside the files every site has, and the result.
    fn finish(mut self, notes: Vec<Diagnostic>, sink: &Sink<'_>) -> Result<(Built, Vec<Rendered>)> {
        self.bodies = None;
        let started = std::time::Instant::now();
        let (loaded, site) = (self.loaded, self.site);
        let extra = site_files(loaded, site)?
            .into_par_iter()
            .map(sink)
            .collect::<Result<Vec<Option<OutputFile>>>>()?;
        let [markdown, check, pages, search] = self.times;
        let timings = vec![
            ("markdown", markdown),
            ("check links and anchors", check),
            ("templates + writing pages (beside the search index)", pages),
            ("search index (beside the templates)", search),
            (
                "entry, 404 and search pages, sitemap, assets, index files",
                started.elapsed(),
            ),
        ];
        let mut files: Vec<OutputFile> = self.page_files.into_iter().flatten().collect();
        files.extend(extra.into_iter().flatten());
        files.extend(self.search_files);
        let instances = site.instances;
        let built = Built {
            files,
            warnings: sort(self.diags),
            notes: sort(notes),
            pages_per_lang: pages_per_lang(instances),
            untranslated: instances.iter().filter(|i| !i.translated).count(),
            timings,
        };
        Ok((built, self.rendered))
    }
}

/// One page through its template to the sink, cut into search sections
/// first if the language's index wants it.
#[allow(clippy::too_many_arguments)]
fn write_page(
    loaded: &Loaded,
    site: &Site<'_>,
    reused: &mut context::Reused,
    n: usize,
    rendered: &[Rendered],
    html: String,
    bar: &indicatif::ProgressBar,
    sink: &Sink<'_>,
) -> Result<(usize, Option<OutputFile>)> {
    bar.inc(1);
    let file =
        context::render_page(site, &loaded.tera, reused, n, rendered, html).and_then(sink)?;
    Ok((n, file))
}

/// A language's search index from its `sections` (none with search off),
/// through the sink, and how long it took.
fn timed_index(
    site: &Site<'_>,
    sections: Option<(usize, Vec<crate::search::SearchPage>)>,
    sink: &Sink<'_>,
) -> (Result<Vec<OutputFile>>, std::time::Duration) {
    let started = std::time::Instant::now();
    let files = match sections {
        None => Ok(Vec::new()),
        Some((l, pages)) => language_index(site, &site.languages[l], pages)
            .into_par_iter()
            .map(sink)
            .collect::<Result<Vec<_>>>()
            .map(|f| f.into_iter().flatten().collect()),
    };
    (files, started.elapsed())
}

/// The files besides the pages and the search index: entry, 404 and search
/// pages, sitemap, robots.txt, the theme's assets.
fn site_files(loaded: &Loaded, site: &Site<'_>) -> Result<Vec<OutputFile>> {
    let mut extra = context::render_extra(site, &loaded.tera)?;
    extra.push(OutputFile {
        path: "sitemap.xml".into(),
        bytes: sitemap::sitemap(site).into_bytes(),
    });
    extra.push(OutputFile {
        path: "robots.txt".into(),
        bytes: sitemap::robots(&loaded.config).into_bytes(),
    });
    extra.extend(loaded.asset_files.iter().cloned());
    Ok(extra)
}

fn pages_per_lang(instances: &[Instance<'_>]) -> BTreeMap<String, usize> {
    let mut pages_per_lang = BTreeMap::new();
    for inst in instances {
        *pages_per_lang.entry(inst.lang.to_string()).or_insert(0) += 1;
    }
    pages_per_lang
}

/// The search index of every language (or of `only` these), from the
/// rendered pages: each section and FAQ answer is its own result.
pub(crate) fn search_index(
    site: &Site<'_>,
    rendered: &[Rendered],
    only: Option<&[&str]>,
) -> Vec<OutputFile> {
    let langs: Vec<&str> = site
        .languages
        .iter()
        .map(String::as_str)
        .filter(|l| only.is_none_or(|o| o.contains(l)))
        .collect();
    langs
        .par_iter()
        .flat_map_iter(|lang| {
            let pages: Vec<crate::search::SearchPage> = site
                .instances
                .par_iter()
                .zip(rendered)
                .filter(|(i, _)| i.lang == *lang && indexed(i))
                .map(|(i, r)| {
                    crate::search::SearchPage::from_html(
                        &i.url,
                        i.src.title(),
                        i.src.front.description.as_deref(),
                        &r.html,
                    )
                })
                .collect();
            language_index(site, lang, pages)
        })
        .collect()
}

/// One language's search index files, from its pages in order (dropped
/// as they are counted).
fn language_index(
    site: &Site<'_>,
    lang: &str,
    pages: Vec<crate::search::SearchPage>,
) -> Vec<OutputFile> {
    let stem_urls = crate::search::analyze::stem_asset(lang).and_then(|name| {
        Some(crate::search::index::StemUrls {
            base: site.assets.get(crate::search::analyze::STEM_BASE_ASSET)?,
            stem: site.assets.get(&name)?,
        })
    });
    crate::search::index::build_index_from(lang, pages, stem_urls)
        .into_iter()
        .map(|(path, bytes)| OutputFile { path, bytes })
        .collect()
}

/// A bar for builds long enough to wait for; hidden otherwise, off a terminal and in CI.
fn progress_bar(wanted: bool, pages: usize) -> indicatif::ProgressBar {
    if !wanted || pages < 2_000 || std::env::var_os("CI").is_some() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(pages as u64),
        indicatif::ProgressDrawTarget::stderr(),
    );
    if let Ok(style) = indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} pages") {
        bar.set_style(style);
    }
    bar
}

fn sort(mut diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    diags.sort_by(|a, b| (&a.file, a.line, &a.message).cmp(&(&b.file, b.line, &b.message)));
    diags.dedup();
    diags
}

pub(crate) fn labels(catalogs: &Catalogs, lang: &str) -> Labels {
    let t = |k: &str| catalogs.text(lang, k).to_string();
    Labels {
        anchor: t("heading_link"),
        note: t("alert_note"),
        tip: t("alert_tip"),
        important: t("alert_important"),
        warning: t("alert_warning"),
        caution: t("alert_caution"),
        table: t("table_label"),
        question_link: t("faq_question_link"),
        footnote_back: t("footnote_back"),
        task_done: t("task_done"),
    }
}

fn render_markdown(
    site: &Site<'_>,
    inst: &Instance<'_>,
    body: &str,
    failed_keys: &HashSet<String>,
) -> Rendered {
    let src = inst.src;
    let labels = labels(site.catalogs, &src.lang);
    let page_dir = src
        .rel_path
        .parent()
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .unwrap_or_default();
    // A link with a #fragment from an untranslated page goes to the page in
    // the language the fragment was written for.
    let url_of = |key: &str, has_fragment: bool| {
        let lang = if !inst.translated && has_fragment {
            src.lang.as_str()
        } else {
            inst.lang
        };
        match site.instance(lang, key) {
            Some(target) => Some(target.url.clone()),
            None if failed_keys.contains(key) => Some(format!("/{lang}/{key}/")),
            None => None,
        }
    };
    let rtl = site
        .formats
        .get(&src.lang)
        .is_some_and(|f| f.dir == crate::config::Direction::Rtl);
    let opts = markdown::RenderOptions {
        raw_html: site.config.markdown.raw_html,
        faq: src.front.kind == Kind::Faq,
        rtl,
        labels: &labels,
        page_dir: &page_dir,
        first_line: src.body_line,
        url_of: &url_of,
    };
    let mut rendered = markdown::render(body, &opts);
    for dest in &src.front.related {
        markdown::front_link(dest, src.front.related_line, &opts, &mut rendered);
    }
    rendered
}
