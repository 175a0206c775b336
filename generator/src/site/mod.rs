//! The build: load → parse → render → write.
//!
//! [`render_site`] does everything but writing and returns the files; `build`
//! writes them atomically, `check` only reports.

mod appearance;
pub mod assets;
mod context;
mod generated;
pub mod incremental;
pub mod output;
mod related;
mod sitemap;
mod structure;
mod toc;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::SiteConfig;
use crate::content::{self, Kind, SourcePage};
use crate::error::{Diagnostic, Error, Result};
use crate::i18n::{Catalogs, LocaleFormat};
use crate::markdown::{self, Labels, Rendered};
use output::OutputFile;

#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Write pages marked `draft = true` (with a visible badge).
    pub drafts: bool,
    /// Add the live-reload script (serve only).
    pub live_reload: bool,
    /// Show a progress bar for long builds (drawn only on a terminal, never in CI).
    pub progress: bool,
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

/// One page as a visitor of one language gets it: its own translation, or
/// the default language's page with a notice.
pub(crate) struct Instance<'a> {
    pub lang: &'a str,
    pub src: &'a SourcePage,
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
    pub folders: HashMap<(&'a str, &'a str), Vec<usize>>,
    /// The words "related articles" are computed from.
    pub terms: related::Terms,
    /// lang → the URL of its contact page, where the site has one.
    pub contact: HashMap<&'a str, &'a str>,
    /// What every page of a language shares in its template context
    /// (navigation, UI strings, assets…), built once per language.
    pub base: HashMap<String, tera::Context>,
    pub languages: Vec<String>,
}

impl<'a> Site<'a> {
    pub fn instance(&self, lang: &str, key: &str) -> Option<&Instance<'a>> {
        self.index.get(&(lang, key)).map(|&i| &self.instances[i])
    }
}

/// Everything a build reads from disk. `serve` keeps it between rebuilds.
pub(crate) struct Loaded {
    pub root: PathBuf,
    pub opts: BuildOptions,
    pub config: SiteConfig,
    pub catalogs: Catalogs,
    pub formats: BTreeMap<String, LocaleFormat>,
    pub tera: tera::Tera,
    pub asset_files: Vec<OutputFile>,
    pub asset_urls: assets::AssetUrls,
    pub pages: Vec<SourcePage>,
    /// Keys of pages whose front matter is broken: links to them are not reported twice.
    pub failed_keys: HashSet<String>,
    pub languages: Vec<String>,
}

/// The contact form's definition and texts for the handler (`form.json`):
/// the site's languages and topics, and per language the catalog's texts
/// for answers and emails with CLDR direction and numbers.
pub fn form_definition(root: &Path) -> Result<helpsite_form::definition::FormDefinition> {
    let config = SiteConfig::load(root)?;
    let theme = crate::theme::Theme::load(root, &config)?;
    let catalogs = Catalogs::load(&config, root, &theme).map_err(Error::Site)?;
    let mut formats = BTreeMap::new();
    for (code, lc) in &config.languages {
        let f = LocaleFormat::new(code, lc).map_err(|m| {
            Error::Site(vec![Diagnostic::error(
                "site.toml",
                None,
                format!("[languages.{code}]: {m}"),
            )])
        })?;
        formats.insert(code.clone(), f);
    }
    Ok(crate::i18n::form_texts::definition(
        &config, &catalogs, &formats,
    ))
}

/// Writes [`form_definition`] as JSON to `file`: a temporary file beside
/// it, flushed to disk, then renamed over it.
pub fn write_form_definition(root: &Path, file: &Path) -> Result<()> {
    use std::io::Write;
    let def = form_definition(root)?;
    let json = serde_json::to_vec_pretty(&def).expect("serializable definition");
    let dir = file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| Error::io(dir, e))?;
    tmp.write_all(&json)
        .and_then(|_| tmp.as_file().sync_all())
        .map_err(|e| Error::io(file, e))?;
    // Readable by the function's user, like the rest of a deployment package.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o644))
            .map_err(|e| Error::io(file, e))?;
    }
    tmp.persist(file).map_err(|e| Error::io(file, e.error))?;
    Ok(())
}

/// Loads config, theme, catalogs, locales and content. Problems in pages are
/// returned beside the result so every error of a build is reported at once.
fn load(root: &Path, opts: &BuildOptions) -> Result<(Loaded, Vec<Diagnostic>)> {
    let config = SiteConfig::load(root)?;
    let mut diags: Vec<Diagnostic> = Vec::new();

    let theme = crate::theme::Theme::load(root, &config)?;
    let catalogs = Catalogs::load(&config, root, &theme).unwrap_or_else(|d| {
        diags.extend(d);
        Catalogs::default()
    });
    diags.extend(catalogs.warnings.iter().cloned());
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
    let (mut asset_files, mut asset_urls) = assets::collect(&theme)?;
    let config_text =
        std::fs::read_to_string(root.join(crate::config::CONFIG_FILE)).unwrap_or_default();
    match appearance::assets(root, &config, &config_text) {
        Ok((files, urls)) => {
            asset_files.extend(files);
            asset_urls.extend(urls);
        }
        Err(d) => return Err(Error::Site(d)),
    }

    let (mut pages, page_diags) = content::load(root, &config);
    let failed_keys: HashSet<String> = page_diags
        .iter()
        .filter_map(|d| d.file.strip_prefix("content").ok())
        .filter_map(|p| {
            p.iter()
                .skip(1)
                .collect::<PathBuf>()
                .to_str()
                .map(|s| content::page::key_of(Path::new(s)))
        })
        .collect();
    diags.extend(page_diags);
    if !opts.drafts {
        pages.retain(|p| !p.front.draft);
    }
    let (made, notes) = generated::missing_pages(&config, &catalogs, &pages);
    pages.extend(made);
    diags.extend(notes);
    diags.extend(duplicate_urls(&pages));
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

impl Loaded {
    fn instances(&self) -> Vec<Instance<'_>> {
        instances(&self.config, &self.languages, &self.pages)
    }

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
        };
        site.base = self
            .languages
            .iter()
            .map(|l| (l.clone(), context::base_context(&site, l)))
            .collect();
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
        check_pages(site, rendered)
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
                .map(|(n, _)| {
                    bar.inc(1);
                    context::render_page(site, &loaded.tera, n, rendered).and_then(sink)
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
    let extra: Vec<Option<OutputFile>> = extra.into_par_iter().map(sink).collect::<Result<_>>()?;
    files.extend(extra.into_iter().flatten());
    timings.push((
        "entry, 404 and search pages, sitemap, assets, index files",
        started.elapsed(),
    ));
    let mut pages_per_lang = BTreeMap::new();
    for inst in instances {
        *pages_per_lang.entry(inst.lang.to_string()).or_insert(0) += 1;
    }
    Ok(Built {
        files,
        warnings: sort(diags),
        notes: sort(notes),
        pages_per_lang,
        untranslated: instances.iter().filter(|i| !i.translated).count(),
        timings,
    })
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

/// Two pages of one language that would be written to the same URL.
fn duplicate_urls(pages: &[SourcePage]) -> Vec<Diagnostic> {
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

fn instances<'a>(
    config: &SiteConfig,
    languages: &'a [String],
    pages: &'a [SourcePage],
) -> Vec<Instance<'a>> {
    let mut by_key: BTreeMap<&str, BTreeMap<&str, &SourcePage>> = BTreeMap::new();
    for p in pages {
        by_key
            .entry(p.key.as_str())
            .or_default()
            .insert(p.lang.as_str(), p);
    }
    let mut out = Vec::new();
    for translations in by_key.values() {
        for lang in languages {
            let (src, translated) = match translations.get(lang.as_str()) {
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
                translated,
                url: format!("/{lang}/{}", src.url_path()),
            });
        }
    }
    out
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

/// Ids the templates put on every page, which content may link to.
const TEMPLATE_IDS: &[&str] = &["main", "top", "toc"];

fn check_pages(site: &Site<'_>, rendered: &[Rendered]) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let ids: Vec<BTreeSet<&str>> = rendered
        .iter()
        .map(|r| r.ids.iter().map(String::as_str).collect())
        .collect();
    for (i, (inst, r)) in site.instances.iter().zip(rendered).enumerate() {
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
            let target = if link.key == "\0self" {
                Some(i)
            } else {
                site.index.get(&(inst.lang, link.key.as_str())).copied()
            };
            let Some(t) = target else { continue };
            let fragment = percent_decode(fragment);
            if !ids[t].contains(fragment.as_str()) && !TEMPLATE_IDS.contains(&fragment.as_str()) {
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
