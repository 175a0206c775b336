//! `helpsite insights`: what visitors found unhelpful and could not find,
//! from the events the handler stored (see README, "Feedback and insights").

pub mod compact;
mod html;
pub mod read;
#[cfg(feature = "s3")]
pub mod s3;
pub mod summary;

use std::fmt::Write as _;
use std::path::Path;

pub use read::{load, ReadError};
pub use summary::{summarize, Summary};

/// The report's formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Html,
}

/// Reads the local archive at `root` and renders the report.
pub fn run(root: &Path, since: Option<&str>, format: Format) -> (String, Vec<ReadError>) {
    report(load(root, since), since, format)
}

/// Renders the report of what was read (a local folder or S3).
pub fn report(
    mut loaded: read::Loaded,
    since: Option<&str>,
    format: Format,
) -> (String, Vec<ReadError>) {
    let summary = summarize(&loaded.events(since));
    let errors = std::mem::take(&mut loaded.errors);
    let out = match format {
        Format::Text => text(&summary, since),
        Format::Json => serde_json::to_string_pretty(&summary).expect("serializable") + "\n",
        Format::Html => html::page(&summary, since),
    };
    (out, errors)
}

fn percent(r: Option<f64>) -> String {
    r.map(|r| format!("{:.0}%", r * 100.0))
        .unwrap_or_else(|| "–".into())
}

/// Where a target is: the page, plus `#question` for a FAQ answer.
pub fn target_label(page: &str, question: &str) -> String {
    if question.is_empty() {
        page.to_string()
    } else {
        format!("{page}#{question}")
    }
}

/// Plain text for a terminal. Visitor text is shown on one line, control
/// characters replaced, so it cannot move the cursor or fake lines.
fn text(s: &Summary, since: Option<&str>) -> String {
    let clean = |t: &str| -> String {
        t.chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect()
    };
    let mut o = String::new();
    let _ = writeln!(
        o,
        "helpsite insights: {} event(s){}",
        s.events,
        since.map(|d| format!(" since {d}")).unwrap_or_default()
    );
    if s.languages.is_empty() {
        o.push_str("nothing stored yet\n");
    }
    for (lang, l) in &s.languages {
        let _ = writeln!(
            o,
            "\n== {lang}: {} yes, {} no, helpful {}",
            l.yes,
            l.no,
            percent(l.helpful_ratio)
        );
        if !l.most_unhelpful.is_empty() {
            o.push_str("most \"No\" votes:\n");
        }
        for t in &l.most_unhelpful {
            let _ = writeln!(
                o,
                "  {:>5} no {:>5} yes  {}",
                t.no,
                t.yes,
                clean(&target_label(&t.page, &t.question))
            );
            let reasons: Vec<String> = t.reasons.iter().map(|(r, n)| format!("{r} {n}")).collect();
            if !reasons.is_empty() {
                let _ = writeln!(o, "         reasons: {}", reasons.join(", "));
            }
            for c in t.comments.iter().take(5) {
                let _ = writeln!(o, "         \"{}\"", clean(c));
            }
        }
        if !l.zero_hit_queries.is_empty() {
            o.push_str("searches that found nothing:\n");
        }
        for q in &l.zero_hit_queries {
            let _ = writeln!(o, "  {:>5}  {}", q.count, clean(&q.query));
        }
        let _ = writeln!(
            o,
            "suggested answers opened from the contact form: {}",
            l.suggestions_opened
        );
        for q in &l.suggestion_queries {
            let _ = writeln!(o, "  {:>5}  {}", q.count, clean(&q.query));
        }
    }
    o
}
