//! From stored events to what an editor wants to know, per language.

use std::collections::{BTreeMap, HashMap, HashSet};

use handler::events::{Event, Kind};
use serde::Serialize;

/// How many entries each top list keeps.
pub const TOP: usize = 20;

#[derive(Debug, Default, Serialize, PartialEq)]
pub struct Summary {
    /// Events read (before duplicates were dropped).
    pub events: usize,
    pub languages: BTreeMap<String, Language>,
}

#[derive(Debug, Default, Serialize, PartialEq)]
pub struct Language {
    pub yes: u64,
    pub no: u64,
    /// yes / (yes + no); `None` without votes.
    pub helpful_ratio: Option<f64>,
    /// Pages and FAQ answers with the most "No" votes, with their reasons.
    pub most_unhelpful: Vec<Target>,
    /// Searches that found nothing, most frequent first.
    pub zero_hit_queries: Vec<Count>,
    /// Suggested answers opened from the contact form.
    pub suggestions_opened: u64,
    /// What was typed when a suggestion was opened, most frequent first.
    pub suggestion_queries: Vec<Count>,
}

/// A page (`/en/billing/`) or one FAQ answer (`/en/faq/#refunds`).
#[derive(Debug, Default, Serialize, PartialEq)]
pub struct Target {
    pub page: String,
    pub question: String,
    pub yes: u64,
    pub no: u64,
    /// Reason choice → how often it was picked.
    pub reasons: BTreeMap<String, u64>,
    /// The visitors' own words, newest first (at most 50).
    pub comments: Vec<String>,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct Count {
    pub query: String,
    pub count: u64,
}

/// Aggregates `events`; a vote or reason repeated from one page view counts once.
pub fn summarize(mut events: Vec<Event>) -> Summary {
    let total = events.len();
    // Oldest first, so the first of duplicates is kept and comments can be reversed.
    events.sort_unstable_by_key(|e| e.t);
    let mut seen: HashSet<(Kind, &str, &str, &str)> = HashSet::with_capacity(events.len());
    let mut langs: BTreeMap<String, Acc> = BTreeMap::new();
    for ev in &events {
        if matches!(ev.k, Kind::Vote | Kind::Reason)
            && !seen.insert((ev.k, ev.v.as_str(), ev.p.as_str(), ev.q.as_str()))
        {
            continue;
        }
        langs.entry(ev.l.clone()).or_default().add(ev);
    }
    Summary {
        events: total,
        languages: langs.into_iter().map(|(l, a)| (l, a.finish())).collect(),
    }
}

#[derive(Default)]
struct Acc {
    yes: u64,
    no: u64,
    targets: HashMap<(String, String), Target>,
    zero: HashMap<String, u64>,
    opened: u64,
    opened_queries: HashMap<String, u64>,
}

impl Acc {
    fn target(&mut self, ev: &Event) -> &mut Target {
        self.targets
            .entry((ev.p.clone(), ev.q.clone()))
            .or_insert_with(|| Target {
                page: ev.p.clone(),
                question: ev.q.clone(),
                ..Default::default()
            })
    }

    fn add(&mut self, ev: &Event) {
        match ev.k {
            Kind::Vote if ev.y == "yes" => {
                self.yes += 1;
                self.target(ev).yes += 1;
            }
            Kind::Vote => {
                self.no += 1;
                self.target(ev).no += 1;
            }
            Kind::Reason => {
                let t = self.target(ev);
                if !ev.r.is_empty() {
                    *t.reasons.entry(ev.r.clone()).or_default() += 1;
                }
                if !ev.x.trim().is_empty() {
                    t.comments.push(ev.x.trim().to_string());
                }
            }
            Kind::ZeroHits => *self.zero.entry(ev.x.clone()).or_default() += 1,
            Kind::SuggestionOpened => {
                self.opened += 1;
                *self.opened_queries.entry(ev.x.clone()).or_default() += 1;
            }
        }
    }

    fn finish(self) -> Language {
        let mut targets: Vec<Target> = self
            .targets
            .into_values()
            .filter(|t| t.no > 0 || !t.reasons.is_empty() || !t.comments.is_empty())
            .map(|mut t| {
                t.comments.reverse();
                t.comments.truncate(50);
                t
            })
            .collect();
        targets.sort_by(|a, b| {
            b.no.cmp(&a.no)
                .then(a.page.cmp(&b.page))
                .then(a.question.cmp(&b.question))
        });
        targets.truncate(TOP);
        let votes = self.yes + self.no;
        Language {
            yes: self.yes,
            no: self.no,
            helpful_ratio: (votes > 0).then(|| self.yes as f64 / votes as f64),
            most_unhelpful: targets,
            zero_hit_queries: top(self.zero),
            suggestions_opened: self.opened,
            suggestion_queries: top(self.opened_queries),
        }
    }
}

fn top(counts: HashMap<String, u64>) -> Vec<Count> {
    let mut v: Vec<Count> = counts
        .into_iter()
        .map(|(query, count)| Count { query, count })
        .collect();
    v.sort_by(|a, b| b.count.cmp(&a.count).then(a.query.cmp(&b.query)));
    v.truncate(TOP);
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(k: Kind, v: &str, y: &str, x: &str) -> Event {
        Event {
            t: 1,
            k,
            l: "fa".into(),
            v: v.into(),
            p: "/fa/billing/".into(),
            q: String::new(),
            y: y.into(),
            r: if k == Kind::Reason {
                "unclear".into()
            } else {
                String::new()
            },
            x: x.into(),
        }
    }

    #[test]
    fn duplicates_from_one_view_count_once() {
        let s = summarize(vec![
            ev(Kind::Vote, "a1", "no", ""),
            ev(Kind::Vote, "a1", "no", ""),
            ev(Kind::Reason, "a1", "", "مبهم"),
            ev(Kind::Vote, "b2", "yes", ""),
            ev(Kind::ZeroHits, "", "", "gift card"),
            ev(Kind::ZeroHits, "", "", "gift card"),
            ev(Kind::SuggestionOpened, "", "", "refund"),
        ]);
        let fa = &s.languages["fa"];
        assert_eq!((fa.yes, fa.no), (1, 1));
        assert_eq!(fa.helpful_ratio, Some(0.5));
        assert_eq!(fa.most_unhelpful[0].reasons["unclear"], 1);
        assert_eq!(fa.most_unhelpful[0].comments, vec!["مبهم".to_string()]);
        assert_eq!(fa.zero_hit_queries[0].count, 2);
        assert_eq!(fa.suggestions_opened, 1);
    }
}
