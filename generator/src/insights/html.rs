//! The report as one self-contained HTML file: charts drawn as SVG here, no
//! script. Every chart has a table with the same numbers beside it.

use std::fmt::Write as _;

use super::summary::{Count, Language, Summary};
use super::target_label;
use crate::markdown::attr as esc;

const STYLE: &str = "body{font:16px/1.5 system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:1rem;color:#1b1f24}\
h1{font-size:1.6rem}h2{margin-top:2.5rem;border-bottom:1px solid #d5dae1}\
table{border-collapse:collapse;margin:.5rem 0 1.5rem}th,td{border:1px solid #d5dae1;padding:.25rem .5rem;text-align:start;vertical-align:top}\
td.n{text-align:end;font-variant-numeric:tabular-nums}svg{display:block;max-width:100%;height:auto}\
.muted{color:#4a5360}blockquote{margin:.25rem 0;padding-inline-start:.5rem;border-inline-start:3px solid #d5dae1}";

/// Horizontal bars, one per `(label, value)`, scaled to the largest value.
fn bars(id: &str, title: &str, rows: &[(String, u64)], color: &str) -> String {
    let row_h = 28;
    let label_w = 360;
    let bar_w = 360.0;
    let height = row_h * rows.len().max(1) + 8;
    let max = rows.iter().map(|r| r.1).max().unwrap_or(0).max(1) as f64;
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg id=\"{id}\" role=\"img\" aria-labelledby=\"{id}-t\" viewBox=\"0 0 {} {height}\" width=\"{}\" height=\"{height}\"><title id=\"{id}-t\">{}</title>",
        label_w + bar_w as usize + 80,
        label_w + bar_w as usize + 80,
        esc(title)
    );
    for (i, (label, v)) in rows.iter().enumerate() {
        let y = i * row_h + 4;
        let w = (*v as f64 / max * bar_w).max(1.0);
        let short: String = label.chars().take(48).collect();
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" font-size=\"13\" fill=\"#1b1f24\">{}</text>\
             <rect x=\"{}\" y=\"{y}\" width=\"{w:.1}\" height=\"{}\" fill=\"{color}\"/>\
             <text x=\"{:.1}\" y=\"{}\" font-size=\"13\" fill=\"#1b1f24\">{v}</text>",
            label_w - 8,
            y + 17,
            esc(&short),
            label_w,
            row_h - 8,
            label_w as f64 + w + 6.0,
            y + 17
        );
    }
    s.push_str("</svg>");
    s
}

/// The share of "Yes" votes as one stacked bar.
fn ratio_bar(id: &str, lang: &str, l: &Language) -> String {
    let total = (l.yes + l.no).max(1) as f64;
    let yes_w = l.yes as f64 / total * 600.0;
    format!(
        "<svg id=\"{id}\" role=\"img\" aria-labelledby=\"{id}-t\" viewBox=\"0 0 600 24\" width=\"600\" height=\"24\"><title id=\"{id}-t\">{}: {} yes, {} no</title>\
         <rect x=\"0\" y=\"0\" width=\"{yes_w:.1}\" height=\"24\" fill=\"#1a7f37\"/><rect x=\"{yes_w:.1}\" y=\"0\" width=\"{:.1}\" height=\"24\" fill=\"#b42318\"/></svg>",
        esc(lang),
        l.yes,
        l.no,
        600.0 - yes_w
    )
}

fn counts_table(caption: &str, lang: &str, rows: &[Count]) -> String {
    let mut s = format!(
        "<table><caption>{}</caption><thead><tr><th scope=\"col\">query</th><th scope=\"col\">count</th></tr></thead><tbody>",
        esc(caption)
    );
    for r in rows {
        let _ = write!(
            s,
            "<tr><td lang=\"{}\" dir=\"auto\">{}</td><td class=\"n\">{}</td></tr>",
            esc(lang),
            esc(&r.query),
            r.count
        );
    }
    s.push_str("</tbody></table>");
    s
}

fn language_section(i: usize, lang: &str, l: &Language) -> String {
    let mut s = String::new();
    let ratio = l
        .helpful_ratio
        .map(|r| format!("{:.0}%", r * 100.0))
        .unwrap_or_else(|| "no votes".into());
    let _ = write!(
        s,
        "<section aria-labelledby=\"l{i}\"><h2 id=\"l{i}\">Language {}</h2><p>{} yes, {} no: helpful {ratio}</p>{}",
        esc(lang),
        l.yes,
        l.no,
        ratio_bar(&format!("r{i}"), lang, l)
    );
    s.push_str("<h3>Most \"No\" votes</h3>");
    if l.most_unhelpful.is_empty() {
        s.push_str("<p class=\"muted\">None.</p>");
    } else {
        let rows: Vec<(String, u64)> = l
            .most_unhelpful
            .iter()
            .map(|t| (target_label(&t.page, &t.question), t.no))
            .collect();
        s.push_str(&bars(
            &format!("n{i}"),
            &format!("\"No\" votes per page, {lang}"),
            &rows,
            "#b42318",
        ));
        s.push_str("<table><caption>Pages and answers with the most \"No\" votes</caption><thead><tr><th scope=\"col\">page</th><th scope=\"col\">no</th><th scope=\"col\">yes</th><th scope=\"col\">reasons</th><th scope=\"col\">comments</th></tr></thead><tbody>");
        for t in &l.most_unhelpful {
            let reasons: Vec<String> = t
                .reasons
                .iter()
                .map(|(r, n)| format!("{} {n}", esc(r)))
                .collect();
            let comments: String = t
                .comments
                .iter()
                .map(|c| {
                    format!(
                        "<blockquote lang=\"{}\" dir=\"auto\">{}</blockquote>",
                        esc(lang),
                        esc(c)
                    )
                })
                .collect();
            let _ = write!(
                s,
                "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td><td>{comments}</td></tr>",
                esc(&target_label(&t.page, &t.question)),
                t.no,
                t.yes,
                reasons.join(", ")
            );
        }
        s.push_str("</tbody></table>");
    }
    s.push_str("<h3>Searches that found nothing</h3>");
    if l.zero_hit_queries.is_empty() {
        s.push_str("<p class=\"muted\">None.</p>");
    } else {
        let rows: Vec<(String, u64)> = l
            .zero_hit_queries
            .iter()
            .map(|c| (c.query.clone(), c.count))
            .collect();
        s.push_str(&bars(
            &format!("z{i}"),
            &format!("Searches that found nothing, {lang}"),
            &rows,
            "#0b57d0",
        ));
        s.push_str(&counts_table(
            "Searches that found nothing",
            lang,
            &l.zero_hit_queries,
        ));
    }
    let _ = write!(
        s,
        "<h3>Suggested answers opened from the contact form</h3><p>{} opened.</p>",
        l.suggestions_opened
    );
    if !l.suggestion_queries.is_empty() {
        s.push_str(&counts_table(
            "What was typed before a suggestion was opened",
            lang,
            &l.suggestion_queries,
        ));
    }
    s.push_str("</section>");
    s
}

/// The whole report page.
pub fn page(s: &Summary, since: Option<&str>) -> String {
    let mut o = format!(
        "<!DOCTYPE html>\n<html lang=\"en\" dir=\"ltr\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>helpsite insights</title><style>{STYLE}</style></head><body><main><h1>helpsite insights</h1><p>{} event(s){}.</p>",
        s.events,
        since.map(|d| format!(" since {}", esc(d))).unwrap_or_default()
    );
    if s.languages.is_empty() {
        o.push_str("<p>Nothing stored yet.</p>");
    }
    for (i, (lang, l)) in s.languages.iter().enumerate() {
        o.push_str(&language_section(i, lang, l));
    }
    o.push_str("</main></body></html>\n");
    o
}
