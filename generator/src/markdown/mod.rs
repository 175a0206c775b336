//! Markdown → HTML with what a help center needs on top of CommonMark:
//! script-preserving heading ids, GitHub alerts in the page's language,
//! FAQ questions as `<details>`, links between pages checked and resolved.

pub mod anchor;
pub mod autolink;
pub mod bidi;
pub mod summary;

use pulldown_cmark::{BlockQuoteKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use pulldown_cmark_escape::{escape_href, escape_html};
use serde::Serialize;

use anchor::{slugify, Ids};

/// Localized words the renderer puts into pages.
#[derive(Debug, Clone, Default)]
pub struct Labels {
    pub anchor: String,
    pub note: String,
    pub tip: String,
    pub important: String,
    pub warning: String,
    pub caution: String,
    pub table: String,
    pub question_link: String,
    pub footnote_back: String,
    pub task_done: String,
}

pub struct RenderOptions<'a> {
    pub raw_html: bool,
    /// Every `##` is a question (`kind = "faq"`).
    pub faq: bool,
    pub rtl: bool,
    pub labels: &'a Labels,
    /// Directory of the page inside its language folder (`contact` for
    /// `contact/thanks.md`), for resolving relative `.md` links.
    pub page_dir: &'a str,
    /// Line of the body's first line in the source file.
    pub first_line: usize,
    /// Content key (and whether the link has a `#fragment`) → URL of that
    /// page for this visitor, if it exists.
    pub url_of: &'a dyn Fn(&str, bool) -> Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
    #[serde(skip)]
    pub line: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Question {
    pub id: String,
    pub text: String,
    pub answer_html: String,
    #[serde(skip)]
    pub line: usize,
}

/// The page an internal link goes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkTarget {
    /// `#fragment` alone: the page the link stands on.
    SamePage,
    /// Another page (or this one by its file name), by content key.
    Page(String),
}

/// A link to check once every page is rendered.
#[derive(Debug, Clone)]
pub struct InternalLink {
    pub target: LinkTarget,
    pub fragment: Option<String>,
    pub line: usize,
    pub written: String,
}

/// A problem found while rendering, with its line in the source file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub line: usize,
    pub message: String,
    pub help: String,
    pub error: bool,
}

#[derive(Debug, Default)]
pub struct Rendered {
    pub html: String,
    pub headings: Vec<Heading>,
    pub questions: Vec<Question>,
    pub links: Vec<InternalLink>,
    pub findings: Vec<Finding>,
    /// Every id the page's content defines (headings, questions, footnotes).
    pub ids: Vec<String>,
    /// The first paragraph as plain text, cut to a meta description's length.
    pub summary: String,
    /// Keys (and fragments) of the pages front matter's `related` names, resolved.
    pub related: Vec<(String, Option<String>)>,
}

/// Options every page is parsed with: CommonMark plus the GitHub extensions
/// docs/reference.md lists under "Pages".
pub fn parser_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
}

struct LineIndex(Vec<usize>);

impl LineIndex {
    fn new(text: &str) -> Self {
        LineIndex(
            std::iter::once(0)
                .chain(text.match_indices('\n').map(|(i, _)| i + 1))
                .collect(),
        )
    }
    fn line(&self, offset: usize) -> usize {
        self.0.partition_point(|&s| s <= offset)
    }
}

/// A question being collected in an FAQ page.
struct OpenQuestion<'a> {
    id: String,
    text: String,
    heading_html: String,
    line: usize,
    answer: Vec<Event<'a>>,
}

pub fn render(body: &str, opts: &RenderOptions<'_>) -> Rendered {
    let lines = LineIndex::new(body);
    // Without raw HTML, markup the author typed is text wherever it appears
    // (headings, questions, table cells, alt text, …): converted before
    // anything is collected or buffered, and before text runs are merged so
    // an address is never split.
    let events = Parser::new_ext(body, parser_options())
        .into_offset_iter()
        .map(|(event, range)| match event {
            Event::Html(h) | Event::InlineHtml(h) if !opts.raw_html => (Event::Text(h), range),
            other => (other, range),
        });
    let mut r = Renderer::new(opts);
    for (event, range) in pulldown_cmark::TextMergeWithOffset::new(events) {
        r.event(event, opts.first_line + lines.line(range.start) - 1);
    }
    r.finish()
}

/// A heading being collected: its id comes from its whole text.
struct OpenHeading<'a> {
    level: u8,
    explicit: Option<String>,
    line: usize,
    events: Vec<Event<'a>>,
}

/// The state of one page's rendering, event by event.
struct Renderer<'o, 'a> {
    opts: &'o RenderOptions<'o>,
    out: Rendered,
    ids: Ids,
    main: Vec<Event<'a>>,
    question: Option<OpenQuestion<'a>>,
    finished: Vec<OpenQuestion<'a>>,
    heading: Option<OpenHeading<'a>>,
    image_alt: Option<(usize, String)>,
    in_code: bool,
    footnotes: Vec<String>,
    /// Inside a link that is already isolated left-to-right.
    in_ltr_link: bool,
    /// Inside any link: its text is not searched for addresses to link.
    in_link: bool,
    /// The first paragraph's text, while it is being read.
    first_paragraph: Option<String>,
    summary_done: bool,
    /// A link or image whose URL could run script is dropped; its text stays.
    dropped_link: bool,
    dropped_image: bool,
}

impl<'o, 'a> Renderer<'o, 'a> {
    fn new(opts: &'o RenderOptions<'o>) -> Self {
        Renderer {
            opts,
            out: Rendered::default(),
            ids: Ids::default(),
            main: Vec::new(),
            question: None,
            finished: Vec::new(),
            heading: None,
            image_alt: None,
            in_code: false,
            footnotes: Vec::new(),
            in_ltr_link: false,
            in_link: false,
            first_paragraph: None,
            summary_done: false,
            dropped_link: false,
            dropped_image: false,
        }
    }

    /// Where output goes: the open question's answer, or the page.
    fn sink(&mut self) -> &mut Vec<Event<'a>> {
        sink(&mut self.question, &mut self.main)
    }

    fn event(&mut self, event: Event<'a>, line: usize) {
        let event = match neutralize_script_urls(event, line, self.opts, &mut self.out) {
            Neutralized::Keep(e) => e,
            Neutralized::DropLink => {
                self.dropped_link = true;
                return;
            }
            Neutralized::DropImage => {
                self.dropped_image = true;
                return;
            }
        };
        match &event {
            Event::End(TagEnd::Link) if self.dropped_link => {
                self.dropped_link = false;
                return;
            }
            Event::End(TagEnd::Image) if self.dropped_image => {
                self.dropped_image = false;
                return;
            }
            _ => {}
        }
        // Headings are buffered whole: their id comes from their text.
        if let Some(open) = self.heading.as_mut() {
            if let Event::End(TagEnd::Heading(_)) = event {
                let open = self.heading.take().expect("open heading");
                self.close_heading(open);
            } else {
                open.events.push(event);
            }
            return;
        }
        if let Some(event) = self.transform(event, line) {
            self.sink().push(event);
        }
    }

    /// A heading's id: the one written after it if it is usable, or its text's.
    fn heading_id(&mut self, explicit: Option<String>, text: &str, line: usize) -> String {
        // An id ends up in `href="#…"` links: only what needs no escaping there.
        let explicit = explicit.filter(|id| match crate::content::url_name::problem(id) {
            None if !id.is_empty() => true,
            problem => {
                self.out.findings.push(Finding {
                    line,
                    message: format!(
                        "heading id \"{id}\": {}",
                        problem.unwrap_or_else(|| "is empty".into())
                    ),
                    help: "use letters, digits, '-', '_' or '.', like {#refunds}".into(),
                    error: true,
                });
                false
            }
        });
        self.ids.unique(explicit.unwrap_or_else(|| slugify(text)))
    }

    fn close_heading(&mut self, open: OpenHeading<'a>) {
        let OpenHeading {
            level,
            explicit,
            line,
            events,
        } = open;
        let text = plain_text(&events);
        let inner = html_of(events);
        let id = self.heading_id(explicit, &text, line);
        self.out.ids.push(id.clone());
        self.out.headings.push(Heading {
            level,
            id: id.clone(),
            text: text.clone(),
            line,
        });
        if self.opts.faq && level == 2 {
            if let Some(q) = self.question.take() {
                self.finished.push(q);
            }
            self.question = Some(OpenQuestion {
                id,
                text,
                heading_html: inner,
                line,
                answer: Vec::new(),
            });
        } else {
            let mut h = String::new();
            let _ = escape_html(&mut h, &id);
            let label = attr(&format!("{}: {}", self.opts.labels.anchor, text));
            let html = format!(
                "<h{level} id=\"{h}\">{inner}<a class=\"anchor\" href=\"#{h}\"><span class=\"visually-hidden\">{label}</span></a></h{level}>\n"
            );
            self.sink().push(Event::Html(html.into()));
        }
    }

    /// The event as it goes into the page, or `None` when it is held back.
    fn transform(&mut self, event: Event<'a>, line: usize) -> Option<Event<'a>> {
        Some(match event {
            Event::Start(Tag::Heading { level, id, .. }) => {
                self.heading = Some(OpenHeading {
                    level: level_num(level),
                    explicit: id.map(|s| s.to_string()),
                    line,
                    events: Vec::new(),
                });
                return None;
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => self.start_link(link_type, dest_url, title, id, line),
            Event::End(TagEnd::Link) => {
                self.in_ltr_link = false;
                self.in_link = false;
                Event::End(TagEnd::Link)
            }
            Event::Start(Tag::Image { .. }) => {
                self.image_alt = Some((line, String::new()));
                event
            }
            Event::End(TagEnd::Image) => {
                self.end_image();
                event
            }
            Event::Text(t) => self.text(t),
            Event::Code(c) => {
                if let Some(p) = self.first_paragraph.as_mut() {
                    p.push_str(&c);
                }
                Event::Code(c)
            }
            e @ (Event::SoftBreak | Event::HardBreak) => {
                if let Some(p) = self.first_paragraph.as_mut() {
                    p.push(' ');
                }
                e
            }
            other => self.block(other),
        })
    }

    /// Alerts, tables, code blocks, the first paragraph, footnotes, task boxes.
    fn block(&mut self, event: Event<'a>) -> Event<'a> {
        let labels = self.opts.labels;
        match event {
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                let (class, label) = alert(kind, labels);
                Event::Html(format!("<div class=\"callout callout-{class}\"><p class=\"callout-title\">{}</p>\n", attr(label)).into())
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => Event::Html("</div>\n".into()),
            Event::Start(Tag::Table(a)) => {
                let wrap = format!("<div class=\"table-scroll\" role=\"region\" tabindex=\"0\" aria-label=\"{}\">\n", attr(&labels.table));
                self.sink().push(Event::Html(wrap.into()));
                Event::Start(Tag::Table(a))
            }
            Event::End(TagEnd::Table) => {
                self.sink().push(Event::End(TagEnd::Table));
                Event::Html("</div>\n".into())
            }
            Event::Start(Tag::CodeBlock(k)) => {
                self.in_code = true;
                code_block_start(&k)
            }
            Event::End(TagEnd::CodeBlock) => {
                self.in_code = false;
                Event::Html("</code></pre>\n".into())
            }
            Event::Start(Tag::Paragraph)
                if !self.summary_done && self.first_paragraph.is_none() =>
            {
                self.first_paragraph = Some(String::new());
                Event::Start(Tag::Paragraph)
            }
            Event::End(TagEnd::Paragraph) if self.first_paragraph.is_some() => {
                let text = self.first_paragraph.take().unwrap_or_default();
                self.out.summary = summary::describe(&text);
                self.summary_done = !self.out.summary.is_empty();
                Event::End(TagEnd::Paragraph)
            }
            Event::FootnoteReference(name) => self.footnote_reference(&name),
            Event::Start(Tag::FootnoteDefinition(name)) => self.footnote_definition(&name),
            Event::End(TagEnd::FootnoteDefinition) => Event::Html("</div>\n".into()),
            // A checklist item: a drawn box, not a disabled form control
            // without a name; the done state is said in words.
            Event::TaskListMarker(done) => {
                let html = if done {
                    format!("<span class=\"task task-done\" aria-hidden=\"true\"></span><span class=\"visually-hidden\">{} </span>", attr(&labels.task_done))
                } else {
                    "<span class=\"task\" aria-hidden=\"true\"></span>".to_string()
                };
                Event::InlineHtml(html.into())
            }
            other => other,
        }
    }

    fn start_link(
        &mut self,
        link_type: pulldown_cmark::LinkType,
        dest_url: pulldown_cmark::CowStr<'a>,
        title: pulldown_cmark::CowStr<'a>,
        id: pulldown_cmark::CowStr<'a>,
        line: usize,
    ) -> Event<'a> {
        self.in_link = true;
        let email = link_type == pulldown_cmark::LinkType::Email;
        match link(&dest_url, line, self.opts, &mut self.out) {
            _ if email => {
                self.in_ltr_link = true;
                Event::Html(format!("<a href=\"mailto:{}\" dir=\"ltr\">", attr(&dest_url)).into())
            }
            LinkOutcome::Keep => Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }),
            LinkOutcome::Rewrite(url) => Event::Start(Tag::Link {
                link_type,
                dest_url: url.into(),
                title,
                id,
            }),
            LinkOutcome::Ltr => {
                self.in_ltr_link = true;
                let mut href = String::new();
                let _ = escape_href(&mut href, &dest_url);
                Event::Html(format!("<a href=\"{}\" dir=\"ltr\">", attr_escaped(&href)).into())
            }
        }
    }

    fn end_image(&mut self) {
        if let Some((l, alt)) = self.image_alt.take() {
            if alt.trim().is_empty() {
                self.out.findings.push(Finding {
                    line: l,
                    message: "image has no alt text".into(),
                    help: "describe the image inside the brackets: ![What the picture shows](file.png)".into(),
                    error: false,
                });
            }
        }
    }

    fn text(&mut self, t: pulldown_cmark::CowStr<'a>) -> Event<'a> {
        if let Some((_, alt)) = self.image_alt.as_mut() {
            alt.push_str(&t);
        }
        if let (Some(p), None) = (self.first_paragraph.as_mut(), &self.image_alt) {
            p.push_str(&t);
        }
        let rtl = self.opts.rtl && !self.in_code && !self.in_ltr_link;
        let html = if self.in_code || self.in_link || self.image_alt.is_some() {
            rtl.then(|| bidi::isolate_ltr_runs(&t)).flatten()
        } else {
            autolink::text_html(&t, rtl)
        };
        match html {
            Some(html) => Event::InlineHtml(html.into()),
            None => Event::Text(t),
        }
    }

    // Footnotes: numbered in order of first reference, with links both ways.
    fn footnote_reference(&mut self, name: &str) -> Event<'a> {
        let n = footnote_number(&mut self.footnotes, name);
        let id = attr(&slugify(name));
        let first = !self.out.ids.contains(&format!("fnref-{id}"));
        let back = if first {
            self.out.ids.push(format!("fnref-{id}"));
            format!(" id=\"fnref-{id}\"")
        } else {
            String::new()
        };
        Event::InlineHtml(
            format!("<sup class=\"footnote-ref\"><a href=\"#fn-{id}\"{back}>{n}</a></sup>").into(),
        )
    }

    fn footnote_definition(&mut self, name: &str) -> Event<'a> {
        let n = footnote_number(&mut self.footnotes, name);
        let id = attr(&slugify(name));
        self.out.ids.push(format!("fn-{id}"));
        Event::Html(
            format!(
                "<div class=\"footnote\" id=\"fn-{id}\"><p class=\"footnote-label\"><a href=\"#fnref-{id}\">{n}<span class=\"visually-hidden\"> {}</span></a></p>\n",
                attr(&self.opts.labels.footnote_back)
            )
            .into(),
        )
    }

    /// The page's HTML: the body, then the FAQ's questions as disclosures.
    fn finish(mut self) -> Rendered {
        if let Some(q) = self.question.take() {
            self.finished.push(q);
        }
        let mut html = html_of(self.main);
        for q in self.finished {
            let answer_html = html_of(q.answer);
            let id = attr(&q.id);
            html.push_str(&format!(
                "<details class=\"faq-item\" id=\"{id}\">\n<summary class=\"faq-question\"><h2>{}</h2></summary>\n<div class=\"faq-answer\">\n{answer_html}<p class=\"faq-permalink\"><a href=\"#{id}\">{}</a></p>\n</div>\n</details>\n",
                q.heading_html,
                attr(&self.opts.labels.question_link),
            ));
            self.out.questions.push(Question {
                id: q.id,
                text: q.text,
                answer_html,
                line: q.line,
            });
        }
        // Every page's HTML stays in memory until the search index and the link
        // checks are done: without the growth slack, a third less at 20,000 pages.
        html.shrink_to_fit();
        self.out.html = html;
        self.out
    }
}

/// `<pre><code>` with the fenced block's language as a class. A long line
/// scrolls inside the block, which keyboard users then need to reach: the
/// block takes focus.
fn code_block_start<'a>(kind: &pulldown_cmark::CodeBlockKind<'_>) -> Event<'a> {
    let lang = match kind {
        pulldown_cmark::CodeBlockKind::Fenced(info) => {
            info.split_whitespace().next().unwrap_or("").to_string()
        }
        pulldown_cmark::CodeBlockKind::Indented => String::new(),
    };
    let class = if lang.is_empty() {
        String::new()
    } else {
        format!(" class=\"language-{}\"", attr(&lang))
    };
    Event::Html(format!("<pre tabindex=\"0\"><code{class}>").into())
}

enum Neutralized<'a> {
    Keep(Event<'a>),
    DropLink,
    DropImage,
}

/// Without raw HTML, a link or image to a `javascript:`, `vbscript:` or
/// (for links) `data:` URL is written as its text, with a warning.
fn neutralize_script_urls<'a>(
    event: Event<'a>,
    line: usize,
    opts: &RenderOptions<'_>,
    out: &mut Rendered,
) -> Neutralized<'a> {
    if opts.raw_html {
        return Neutralized::Keep(event);
    }
    let (dest, image) = match &event {
        Event::Start(Tag::Link { dest_url, .. }) => (dest_url, false),
        Event::Start(Tag::Image { dest_url, .. }) => (dest_url, true),
        _ => return Neutralized::Keep(event),
    };
    let Some(scheme) = script_scheme(dest, image) else {
        return Neutralized::Keep(event);
    };
    out.findings.push(Finding {
        line,
        message: format!("a {scheme}: URL is not allowed; it was written as plain text"),
        help: "link to a page or an http(s), mailto: or tel: address".into(),
        error: false,
    });
    if image {
        Neutralized::DropImage
    } else {
        Neutralized::DropLink
    }
}

/// The scheme of `url` if a browser would run it as script (`data:` only in
/// links: an image cannot run a data URL's script). Browsers ignore tabs and
/// newlines anywhere in a URL and leading spaces and controls; so does this.
fn script_scheme(url: &str, image: bool) -> Option<&'static str> {
    let cleaned: String = url
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .take(16)
        .collect::<String>()
        .to_ascii_lowercase();
    ["javascript", "vbscript", "data"]
        .into_iter()
        .filter(|s| !(image && *s == "data"))
        .find(|s| {
            cleaned
                .strip_prefix(s)
                .is_some_and(|rest| rest.starts_with(':'))
        })
}

fn sink<'s, 'a>(
    question: &'s mut Option<OpenQuestion<'a>>,
    main: &'s mut Vec<Event<'a>>,
) -> &'s mut Vec<Event<'a>> {
    match question {
        Some(q) => &mut q.answer,
        None => main,
    }
}

enum LinkOutcome {
    Keep,
    Rewrite(String),
    /// mailto:/tel: — left-to-right, isolated from the surrounding text.
    Ltr,
}

fn link(dest: &str, line: usize, opts: &RenderOptions<'_>, out: &mut Rendered) -> LinkOutcome {
    if dest.starts_with("mailto:") || dest.starts_with("tel:") {
        return LinkOutcome::Ltr;
    }
    if dest.contains("://") || dest.starts_with("//") || dest.starts_with("data:") {
        return LinkOutcome::Keep;
    }
    if let Some(fragment) = dest.strip_prefix('#') {
        out.links.push(InternalLink {
            target: LinkTarget::SamePage,
            fragment: Some(fragment.to_string()),
            line,
            written: dest.into(),
        });
        return LinkOutcome::Keep;
    }
    let (path, fragment) = match dest.split_once('#') {
        Some((p, f)) => (p, Some(f.to_string())),
        None => (dest, None),
    };
    if !path.ends_with(".md") {
        return LinkOutcome::Keep;
    }
    let joined = if let Some(abs) = path.strip_prefix('/') {
        abs.to_string()
    } else {
        join(opts.page_dir, path)
    };
    let key = crate::content::page::key_of(std::path::Path::new(&joined));
    match (opts.url_of)(&key, fragment.is_some()) {
        Some(url) => {
            out.links.push(InternalLink {
                target: LinkTarget::Page(key),
                fragment: fragment.clone(),
                line,
                written: dest.into(),
            });
            LinkOutcome::Rewrite(match fragment {
                Some(f) => format!("{url}#{f}"),
                None => url,
            })
        }
        None => {
            out.findings.push(Finding {
                line,
                message: format!("link to \"{dest}\": no such page"),
                help:
                    "link to a file in the same language folder, like [Refunds](refund-policy.md)"
                        .into(),
                error: true,
            });
            LinkOutcome::Keep
        }
    }
}

/// Resolves a page named in front matter (`related = ["billing.md#vat"]`)
/// as a link in the text is resolved and checked: a missing page or heading
/// is reported at `line`.
pub fn front_link(dest: &str, line: usize, opts: &RenderOptions<'_>, out: &mut Rendered) {
    let before = out.findings.len();
    if let LinkOutcome::Rewrite(_) = link(dest, line, opts, out) {
        if let Some(InternalLink {
            target: LinkTarget::Page(key),
            fragment,
            ..
        }) = out.links.last()
        {
            out.related.push((key.clone(), fragment.clone()));
        }
    } else if out.findings.len() == before {
        out.findings.push(Finding {
            line,
            message: format!("related \"{dest}\": not a page of this site"),
            help: "name a page file in the same language folder, like \"refund-policy.md\"".into(),
            error: true,
        });
    }
}

/// `contact` + `../billing.md` → `billing.md`.
fn join(dir: &str, rel: &str) -> String {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

fn footnote_number(seen: &mut Vec<String>, name: &str) -> usize {
    match seen.iter().position(|n| n == name) {
        Some(i) => i + 1,
        None => {
            seen.push(name.to_string());
            seen.len()
        }
    }
}

fn level_num(level: HeadingLevel) -> u8 {
    level as u8
}

fn alert(kind: BlockQuoteKind, labels: &Labels) -> (&'static str, &str) {
    match kind {
        BlockQuoteKind::Note => ("note", &labels.note),
        BlockQuoteKind::Tip => ("tip", &labels.tip),
        BlockQuoteKind::Important => ("important", &labels.important),
        BlockQuoteKind::Warning => ("warning", &labels.warning),
        BlockQuoteKind::Caution => ("caution", &labels.caution),
    }
}

fn plain_text(events: &[Event]) -> String {
    let mut s = String::new();
    for e in events {
        match e {
            Event::Text(t) | Event::Code(t) => s.push_str(t),
            Event::InlineHtml(_) | Event::Html(_) => {}
            Event::SoftBreak | Event::HardBreak => s.push(' '),
            _ => {}
        }
    }
    s
}

fn html_of<'a>(events: impl IntoIterator<Item = Event<'a>>) -> String {
    let mut s = String::new();
    pulldown_cmark::html::push_html(&mut s, events.into_iter());
    s
}

/// Text escaped for an HTML attribute or element.
pub fn attr(text: &str) -> String {
    crate::escape::html(text)
}

fn attr_escaped(href: &str) -> String {
    href.replace('"', "&quot;")
}

#[cfg(test)]
mod tests;
