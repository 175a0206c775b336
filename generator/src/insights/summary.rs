//! From stored events to what an editor wants to know, per language.

use std::collections::BTreeMap;

use handler::events::Kind;
use serde::Serialize;

use super::read::Ev;

type HashMap<K, V> = foldhash::HashMap<K, V>;
type HashSet<K> = foldhash::HashSet<K>;

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
pub fn summarize(events: &[Ev<'_>]) -> Summary {
    // Keys of the votes and reasons seen: a 64-bit hash of kind, view, page
    // and question (a million of them fit in 8 MB; a collision is 1 in 10^7).
    let mut seen: HashSet<u64> =
        HashSet::with_capacity_and_hasher(events.len(), Default::default());
    let mut langs: BTreeMap<&str, Acc<'_>> = BTreeMap::new();
    for ev in events {
        if matches!(ev.k, Kind::Vote | Kind::Reason) && !seen.insert(view_key(ev)) {
            continue;
        }
        let l: &str = &ev.l;
        match langs.get_mut(l) {
            Some(acc) => acc.add(ev),
            None => langs.entry(l).or_default().add(ev),
        }
    }
    Summary {
        events: events.len(),
        languages: langs
            .into_iter()
            .map(|(l, a)| (l.to_string(), a.finish()))
            .collect(),
    }
}

fn view_key(ev: &Ev<'_>) -> u64 {
    use std::hash::{BuildHasher, Hash, Hasher};
    let mut h = foldhash::fast::FixedState::with_seed(7).build_hasher();
    (ev.k as u8).hash(&mut h);
    ev.v.hash(&mut h);
    ev.p.hash(&mut h);
    ev.q.hash(&mut h);
    h.finish()
}

/// Counts of one page or FAQ answer while reading.
#[derive(Default)]
struct TargetAcc<'a> {
    yes: u64,
    no: u64,
    reasons: BTreeMap<&'a str, u64>,
    comments: Vec<(u64, &'a str)>,
}

#[derive(Default)]
struct Acc<'a> {
    yes: u64,
    no: u64,
    targets: HashMap<(&'a str, &'a str), TargetAcc<'a>>,
    zero: HashMap<&'a str, u64>,
    opened: u64,
    opened_queries: HashMap<&'a str, u64>,
}

impl<'a> Acc<'a> {
    fn target(&mut self, ev: &'a Ev<'a>) -> &mut TargetAcc<'a> {
        self.targets.entry((&*ev.p, &*ev.q)).or_default()
    }

    fn add(&mut self, ev: &'a Ev<'a>) {
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
                    *t.reasons.entry(&ev.r).or_default() += 1;
                }
                if !ev.x.trim().is_empty() {
                    t.comments.push((ev.t, ev.x.trim()));
                }
            }
            Kind::ZeroHits => *self.zero.entry(&ev.x).or_default() += 1,
            Kind::SuggestionOpened => {
                self.opened += 1;
                *self.opened_queries.entry(&ev.x).or_default() += 1;
            }
        }
    }

    fn finish(self) -> Language {
        let mut targets: Vec<Target> = self
            .targets
            .into_iter()
            .filter(|(_, t)| t.no > 0 || !t.reasons.is_empty() || !t.comments.is_empty())
            .map(|((page, question), mut t)| {
                // Newest first.
                t.comments.sort_by_key(|c| std::cmp::Reverse(c.0));
                Target {
                    page: page.to_string(),
                    question: question.to_string(),
                    yes: t.yes,
                    no: t.no,
                    reasons: t
                        .reasons
                        .into_iter()
                        .map(|(r, n)| (r.to_string(), n))
                        .collect(),
                    comments: t
                        .comments
                        .iter()
                        .take(50)
                        .map(|c| c.1.to_string())
                        .collect(),
                }
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

fn top(counts: HashMap<&str, u64>) -> Vec<Count> {
    let mut v: Vec<Count> = counts
        .into_iter()
        .map(|(query, count)| Count {
            query: query.to_string(),
            count,
        })
        .collect();
    v.sort_by(|a, b| b.count.cmp(&a.count).then(a.query.cmp(&b.query)));
    v.truncate(TOP);
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev<'a>(k: Kind, v: &'a str, y: &'a str, x: &'a str) -> Ev<'a> {
        let r = if k == Kind::Reason { "unclear" } else { "" };
        Ev {
            t: 1,
            k,
            l: "fa".into(),
            v: v.into(),
            p: "/fa/billing/".into(),
            q: "".into(),
            y: y.into(),
            r: r.into(),
            x: x.into(),
        }
    }

    #[test]
    fn duplicates_from_one_view_count_once() {
        let s = summarize(&[
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
