//! The build: load → parse → render → write.
//!
//! [`render_site`] does everything but writing and returns the files; `build`
//! writes them atomically, `check` only reports.

mod appearance;
pub mod assets;
mod context;
mod form;
mod generated;
pub mod incremental;
mod links;
mod model;
mod nav;
pub mod output;
mod related;
mod sitemap;
mod structure;
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
    let tera = match crate::templates::load(&theme) {
        Ok(mut t) => {
            t.register_filter("plural", crate::i18n::plural::PluralFilter::new(&config));
            Some(t)
        }
        Err(d) => {
            diags.push(d);
            None
        }
    };
    if diags.iter().any(Diagnostic::is_error) {
        return Err(Error::Site(diags));
    }
    let tera = tera.expect("templates loaded");
    let (asset_files, asset_urls) = site_assets(root, &config, &theme)?;

    let (mut pages, page_diags) = content::load(root, &config);
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
            terms: related::terms(instances),
            contact: instances
                .iter()
                .rev()
                .filter(|i| i.src.front.kind == Kind::Contact)
                .map(|i| (i.lang, i.url.as_str()))
                .collect(),
            languages: self.languages.clone(),
            base: HashMap::new(),
            nav_closed: HashMap::new(),
            drawn: HashMap::new(),
        };
        let bases = |site: &Site<'_>| {
            self.languages
                .iter()
                .map(|l| (l.clone(), context::base_context(site, l)))
                .collect()
        };
        site.base = bases(&site);
        site.nav_closed = self
            .languages
            .iter()
            .flat_map(|l| context::nav_closed(&site, &self.tera, l))
            .collect();
        // Again, now that the shared sidebar can use the closed sections.
        site.base = bases(&site);
        context::predraw(&mut site, &self.tera);
        site
    }
}

fn render(root: &Path, opts: &BuildOptions, sink: &Sink<'_>) -> Result<Built> {
    let started = std::time::Instant::now();
    let (loaded, diags) = load(root, opts)?;
    let loading = started.elapsed();
    let (_, mut built) = render_loaded(&loaded, diags, sink)?;
    built
        .timings
        .insert(0, ("load config, theme, content", loading));
    Ok(built)
}

/// Renders every page of a loaded site; returns the rendered markdown too,
/// which `serve` keeps for incremental rebuilds.
fn render_loaded(
    loaded: &Loaded,
    diags: Vec<Diagnostic>,
    sink: &Sink<'_>,
) -> Result<(Vec<Rendered>, Built)> {
    let mut timings = Vec::new();
    let instances = loaded.instances();
    let site = timed(&mut timings, "shared template context", || {
        loaded.site(&instances)
    });
    let rendered: Vec<Rendered> = timed(&mut timings, "markdown", || {
        instances
            .par_iter()
            .map(|inst| render_markdown(&site, inst, &loaded.failed_keys))
            .collect()
    });
    let mut built = write_site(loaded, &site, &rendered, diags, sink)?;
    timings.append(&mut built.timings);
    built.timings = timings;
    Ok((rendered, built))
}

/// Checks the rendered pages, then renders templates and hands every file to `sink`.
fn write_site(
    loaded: &Loaded,
    site: &Site<'_>,
    rendered: &[Rendered],
    diags: Vec<Diagnostic>,
    sink: &Sink<'_>,
) -> Result<Built> {
    let mut timings = Vec::new();
    let (notes, mut diags): (Vec<_>, Vec<_>) = diags
        .into_iter()
        .partition(|d| d.severity == crate::error::Severity::Note);
    let checked = timed(&mut timings, "check links and anchors", || {
        links::check_pages(site, rendered)
    });
    diags.extend(checked);
    if diags.iter().any(Diagnostic::is_error) {
        return Err(Error::Site(sort(diags)));
    }
    let instances = site.instances;
    let bar = progress_bar(loaded.opts.progress, instances.len());
    // The search index needs only the rendered markdown: it is built while
    // the pages go through their templates, so neither waits for the other.
    let ((pages, pages_time), (search, search_time)) = rayon::join(
        || {
            let started = std::time::Instant::now();
            let pages = instances
                .par_iter()
                .enumerate()
                .map_init(context::Reused::default, |reused, (n, _)| {
                    bar.inc(1);
                    context::render_page(site, &loaded.tera, reused, n, rendered).and_then(sink)
                })
                .collect::<Result<Vec<_>>>();
            (pages, started.elapsed())
        },
        || {
            let started = std::time::Instant::now();
            let files = if loaded.config.search.enabled {
                search_index(site, rendered, None)
            } else {
                Vec::new()
            };
            (files, started.elapsed())
        },
    );
    timings.push((
        "templates + writing pages (beside the search index)",
        pages_time,
    ));
    timings.push(("search index (beside the templates)", search_time));
    let mut files: Vec<OutputFile> = pages?.into_iter().flatten().collect();
    let started = std::time::Instant::now();
    let extra = site_files(loaded, site, search)?;
    let extra: Vec<Option<OutputFile>> = extra.into_par_iter().map(sink).collect::<Result<_>>()?;
    files.extend(extra.into_iter().flatten());
    timings.push((
        "entry, 404 and search pages, sitemap, assets, index files",
        started.elapsed(),
    ));
    Ok(Built {
        files,
        warnings: sort(diags),
        notes: sort(notes),
        pages_per_lang: pages_per_lang(instances),
        untranslated: instances.iter().filter(|i| !i.translated).count(),
        timings,
    })
}

/// The files besides the pages: entry, 404 and search pages, sitemap,
/// robots.txt, the theme's assets and the search index.
fn site_files(
    loaded: &Loaded,
    site: &Site<'_>,
    search: Vec<OutputFile>,
) -> Result<Vec<OutputFile>> {
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
    extra.extend(search);
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
                // An untranslated copy is found in its own language's index;
                // a generated page has nothing of its own to find.
                .filter(|(i, _)| {
                    i.lang == *lang
                        && i.translated
                        && !i.src.generated
                        && !matches!(i.src.front.kind, Kind::Thanks | Kind::FormError)
                })
                .map(|(i, r)| {
                    crate::search::SearchPage::from_html(
                        &i.url,
                        i.src.title(),
                        i.src.front.description.as_deref(),
                        &r.html,
                    )
                })
                .collect();
            let stem_urls = crate::search::analyze::stem_asset(lang).and_then(|name| {
                Some(crate::search::index::StemUrls {
                    base: site.assets.get(crate::search::analyze::STEM_BASE_ASSET)?,
                    stem: site.assets.get(&name)?,
                })
            });
            crate::search::index::build_index_with(lang, &pages, stem_urls)
                .into_iter()
                .map(|(path, bytes)| OutputFile { path, bytes })
        })
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
    let mut rendered = markdown::render(&src.body, &opts);
    for dest in &src.front.related {
        markdown::front_link(dest, src.front.related_line, &opts, &mut rendered);
    }
    rendered
}
