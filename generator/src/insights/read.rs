//! Reading the events the handler stored (`handler::events`) from a local
//! archive: in `feedback/<day>/` and `insights/<day>/`, empty `*.e` files
//! whose names hold the event (taken from the listing, never opened) and
//! `*.json` files of one event (reasons, and every event of older
//! handlers), plus `<day>.jsonl` files of many events (a compacted day or an
//! `aws s3` download merged by hand) — all listed and read in parallel.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use handler::events::{fact_parts, unescape_borrowed, Kind, FACT_EXT};
use rayon::prelude::*;
use serde::Deserialize;

/// One stored event (`handler::events::Event`), borrowing from the file's
/// bytes: a million of them are read at once, so no string is copied unless
/// JSON escapes force it.
#[derive(Debug, Clone, Deserialize)]
pub struct Ev<'a> {
    pub t: u64,
    pub k: Kind,
    #[serde(borrow)]
    pub l: Cow<'a, str>,
    #[serde(borrow, default)]
    pub v: Cow<'a, str>,
    #[serde(borrow, default)]
    pub p: Cow<'a, str>,
    #[serde(borrow, default)]
    pub q: Cow<'a, str>,
    #[serde(borrow, default)]
    pub y: Cow<'a, str>,
    #[serde(borrow, default)]
    pub r: Cow<'a, str>,
    #[serde(borrow, default)]
    pub x: Cow<'a, str>,
}

impl<'a> Ev<'a> {
    /// The event a fact name holds (`handler::events::fact_parts`),
    /// borrowing from the name unless it has escapes.
    fn of_name(name: &'a str, day_ms: u64) -> Option<Ev<'a>> {
        let parts = fact_parts(name)?;
        let [a, b, c, d] = parts.fields.map(unescape_borrowed);
        let none = || Cow::Borrowed("");
        let vote = parts.k == Kind::Vote;
        Some(if vote {
            Ev {
                t: day_ms,
                k: parts.k,
                l: b,
                v: Cow::Borrowed(parts.v),
                p: c,
                q: d,
                y: a,
                r: none(),
                x: none(),
            }
        } else {
            Ev {
                t: day_ms,
                k: parts.k,
                l: a,
                v: none(),
                p: none(),
                q: none(),
                y: none(),
                r: none(),
                x: b,
            }
        })
    }
}

/// Names of `.e` files with their folder's day (start, in ms).
pub type Names = Vec<(u64, String)>;

/// The archive's files, read into memory (in parallel), and the events
/// whose facts are their names (read from the listing alone).
pub struct Loaded {
    files: Vec<(PathBuf, Vec<u8>)>,
    named: Names,
    pub errors: Vec<ReadError>,
}

/// Reads every event under `root` for days on or after `since`.
pub fn load(root: &Path, since: Option<&str>) -> Loaded {
    let (paths, named) = event_files(root, since);
    let mut loaded = read_files(paths);
    loaded.named = named;
    loaded
}

/// Reads whole files (in parallel).
pub fn read_files(paths: Vec<PathBuf>) -> Loaded {
    let read: Vec<Result<(PathBuf, Vec<u8>), ReadError>> = paths
        .into_par_iter()
        .map(|p| match std::fs::read(&p) {
            Ok(b) => Ok((p, b)),
            Err(e) => Err(ReadError {
                path: p,
                line: 0,
                reason: e.to_string(),
            }),
        })
        .collect();
    let mut files = Vec::with_capacity(read.len());
    let mut errors = Vec::new();
    for r in read {
        match r {
            Ok(f) => files.push(f),
            Err(e) => errors.push(e),
        }
    }
    Loaded {
        files,
        named: Vec::new(),
        errors,
    }
}

impl Loaded {
    /// Files already read (an S3 archive's objects) and named events.
    pub fn from_parts(files: Vec<(PathBuf, Vec<u8>)>, named: Names) -> Loaded {
        Loaded {
            files,
            named,
            errors: Vec::new(),
        }
    }
}

impl Loaded {
    /// The events on or after `since`, parsed in parallel; unparsable lines
    /// are added to [`Loaded::errors`] (a bad line never hides the rest).
    pub fn events(&mut self, since: Option<&str>) -> Vec<Ev<'_>> {
        let since_ms = since.and_then(day_start_ms);
        let parsed: Vec<(Vec<Ev<'_>>, Vec<ReadError>)> = self
            .files
            .par_iter()
            .map(|(path, bytes)| parse(path, bytes, since_ms))
            .collect();
        let from_files: usize = parsed.iter().map(|p| p.0.len()).sum();
        let mut events = Vec::with_capacity(from_files + self.named.len());
        for (e, errs) in parsed {
            events.extend(e);
            self.errors.extend(errs);
        }
        let named: Vec<Result<Ev<'_>, ReadError>> = self
            .named
            .par_iter()
            .filter(|(day, _)| since_ms.is_none_or(|s| *day >= s))
            .map(|(day, name)| {
                Ev::of_name(name, *day).ok_or_else(|| ReadError {
                    path: PathBuf::from(name),
                    line: 0,
                    reason: "not an event name".into(),
                })
            })
            .collect();
        for r in named {
            match r {
                Ok(ev) => events.push(ev),
                Err(e) => self.errors.push(e),
            }
        }
        events
    }
}

fn parse<'a>(path: &Path, bytes: &'a [u8], since_ms: Option<u64>) -> (Vec<Ev<'a>>, Vec<ReadError>) {
    let mut events = Vec::new();
    let mut errors = Vec::new();
    for (i, line) in bytes.split(|b| *b == b'\n').enumerate() {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match serde_json::from_slice::<Ev<'a>>(line) {
            Ok(ev) if since_ms.is_none_or(|s| ev.t >= s) => events.push(ev),
            Ok(_) => {}
            Err(e) => errors.push(ReadError {
                path: path.to_path_buf(),
                line: i + 1,
                reason: e.to_string(),
            }),
        }
    }
    (events, errors)
}

/// A file that could not be read or an event that could not be parsed.
#[derive(Debug, thiserror::Error)]
#[error("{path}:{line}: {reason}")]
pub struct ReadError {
    pub path: PathBuf,
    pub line: usize,
    pub reason: String,
}

/// The day folders' `.json` files and the `.jsonl` files of both kinds,
/// and the events named in the day folders (`.e`, parsed from the listing).
pub(crate) fn event_files(root: &Path, since: Option<&str>) -> (Vec<PathBuf>, Names) {
    let days: Vec<PathBuf> = ["feedback", "insights"]
        .iter()
        .flat_map(|kind| entries(&root.join(kind)))
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            !name.starts_with('.') && since.is_none_or(|s| day_of(name) >= s)
        })
        .collect();
    let listed: Vec<(Vec<PathBuf>, Names)> = days
        .par_iter()
        .map(|p| {
            if p.is_dir() {
                list_day(p)
            } else {
                (vec![p.clone()], Vec::new())
            }
        })
        .collect();
    let mut files = Vec::new();
    let mut named = Vec::new();
    for (f, n) in listed {
        files.extend(f.into_iter().filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            !name.starts_with('.') && (name.ends_with(".json") || name.ends_with(".jsonl"))
        }));
        named.extend(n);
    }
    files.sort_unstable();
    (files, named)
}

/// One day folder: its files to read, and its named events.
fn list_day(dir: &Path) -> (Vec<PathBuf>, Names) {
    let day_ms = dir
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(day_start_ms)
        .unwrap_or(0);
    let mut files = Vec::new();
    let mut named = Vec::new();
    let Ok(rd) = std::fs::read_dir(dir) else {
        return (files, named);
    };
    for e in rd.flatten() {
        match e.file_name().into_string() {
            Ok(name) if is_fact_name(&name) => named.push((day_ms, name)),
            _ => files.push(e.path()),
        }
    }
    (files, named)
}

/// Whether a file name is an event's (`.e`; a hidden temporary name is not).
pub fn is_fact_name(name: &str) -> bool {
    !name.starts_with('.') && name.ends_with(FACT_EXT)
}

/// `2026-05-02` of `2026-05-02` or `2026-05-02.jsonl`.
fn day_of(name: &str) -> &str {
    name.get(..10).unwrap_or(name)
}

fn entries(dir: &Path) -> Vec<PathBuf> {
    match std::fs::read_dir(dir) {
        Ok(d) => d.filter_map(|e| e.ok().map(|e| e.path())).collect(),
        Err(_) => Vec::new(),
    }
}

/// Milliseconds at the start of a `YYYY-MM-DD` day, UTC.
pub fn day_start_ms(day: &str) -> Option<u64> {
    let mut it = day.splitn(3, '-');
    let y: i64 = it.next()?.parse().ok()?;
    let m: i64 = it.next()?.parse().ok()?;
    let d: i64 = it.next()?.parse().ok()?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    // Howard Hinnant's days-from-civil.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    u64::try_from(days * 86_400_000).ok()
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_and_files_are_both_read() {
        let dir = tempfile::tempdir().unwrap();
        let day = dir.path().join("feedback/2026-01-02");
        std::fs::create_dir_all(&day).unwrap();
        std::fs::write(day.join("viewA0001-84222325-v~no~fa~%2Ffa%2Fx%2F~.e"), "").unwrap();
        std::fs::write(
            day.join(".viewA0002-84222325-v~no~fa~%2Ffa%2Fx%2F~.e.tmp"),
            "",
        )
        .unwrap();
        std::fs::write(
            day.join("viewA0003-84222325-v.json"),
            r#"{"t":1767312000000,"k":"vote","l":"en","v":"viewA0003","p":"/en/x/","y":"yes"}"#,
        )
        .unwrap();
        let mut loaded = super::load(dir.path(), None);
        let mut ev: Vec<(String, String, String)> = loaded
            .events(None)
            .iter()
            .map(|e| (e.l.to_string(), e.p.to_string(), e.y.to_string()))
            .collect();
        ev.sort();
        assert_eq!(
            ev,
            [
                ("en".into(), "/en/x/".into(), "yes".into()),
                ("fa".into(), "/fa/x/".into(), "no".into())
            ]
        );
        assert!(loaded.errors.is_empty());
        assert_eq!(
            super::load(dir.path(), Some("2026-01-03"))
                .events(Some("2026-01-03"))
                .len(),
            0
        );
    }

    #[test]
    fn day_starts() {
        assert_eq!(super::day_start_ms("1970-01-01"), Some(0));
        assert_eq!(super::day_start_ms("2024-05-02"), Some(1_714_608_000_000));
        assert_eq!(super::day_start_ms("2024-13-02"), None);
        assert_eq!(super::day_start_ms("soon"), None);
    }
}
