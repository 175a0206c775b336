//! `helpsite insights --compact`: each finished day's one-file-per-event
//! folder becomes one `<day>.jsonl` (a million small files take seconds of
//! system calls to open; one file per day takes milliseconds).
//!
//! Only days at least two days old are touched: the handler writes into
//! today's folder (and yesterday's, for a request in flight at midnight).
//! Each line keeps its file's name (`"n"`), so a compaction interrupted
//! after the `.jsonl` was written and before the files were removed is
//! finished by the next run without merging anything twice.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};

/// What a compaction did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Compacted {
    pub days: usize,
    pub events: usize,
}

/// Compacts every day folder of `feedback/` and `insights/` under `root`
/// older than `today` minus two days (`today` as `YYYY-MM-DD`).
pub fn compact(root: &Path, today: &str) -> std::io::Result<Compacted> {
    let cutoff = super::read::day_start_ms(today)
        .map(|ms| ms.saturating_sub(2 * 86_400_000))
        .unwrap_or(0);
    let mut done = Compacted::default();
    for kind in ["feedback", "insights"] {
        let dir = root.join(kind);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut days: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_dir())
            .filter(|p| {
                let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
                super::read::day_start_ms(name).is_some_and(|ms| ms < cutoff)
            })
            .collect();
        days.sort();
        for day in days {
            done.events += compact_day(&day)?;
            done.days += 1;
        }
    }
    Ok(done)
}

fn compact_day(day: &Path) -> std::io::Result<usize> {
    let jsonl = day.with_extension("jsonl");
    let existing = std::fs::read(&jsonl).unwrap_or_default();
    let merged: HashSet<String> = existing
        .split(|b| *b == b'\n')
        .filter_map(|l| serde_json::from_slice::<serde_json::Value>(l).ok())
        .filter_map(|v| v.get("n").and_then(|n| n.as_str()).map(str::to_string))
        .collect();
    let mut files: Vec<PathBuf> = std::fs::read_dir(day)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let mut out = existing;
    if !out.is_empty() && !out.ends_with(b"\n") {
        out.push(b'\n');
    }
    let mut added = 0;
    for f in &files {
        let stem = f
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("")
            .to_string();
        if merged.contains(&stem) {
            continue;
        }
        let bytes = std::fs::read(f)?;
        for line in bytes
            .split(|b| *b == b'\n')
            .filter(|l| !l.iter().all(u8::is_ascii_whitespace))
        {
            // An unparsable file is left in place for the report to name.
            let Ok(serde_json::Value::Object(mut obj)) = serde_json::from_slice(line) else {
                continue;
            };
            obj.insert("n".into(), stem.clone().into());
            serde_json::to_writer(&mut out, &obj).map_err(std::io::Error::other)?;
            out.push(b'\n');
            added += 1;
        }
    }
    write_atomically(&jsonl, &out)?;
    for f in &files {
        let stem = f.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        let parsed = std::fs::read(f)
            .ok()
            .is_some_and(|b| serde_json::from_slice::<serde_json::Value>(b.trim_ascii()).is_ok());
        if parsed || merged.contains(stem) {
            std::fs::remove_file(f)?;
        }
    }
    let _ = std::fs::remove_dir(day); // only if empty: temp files of a live write stay
    Ok(added)
}

/// Temp file, flushed and fsynced, renamed over `path`, folder fsynced.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().expect("has a folder");
    let tmp = dir.join(format!(
        ".{}.tmp",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("day")
    ));
    let mut f = std::fs::File::create(&tmp)?;
    f.write_all(bytes)?;
    f.flush()?;
    f.sync_all()?;
    drop(f);
    std::fs::rename(&tmp, path)?;
    std::fs::File::open(dir)?.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(p: &Path, s: &str) {
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, s).unwrap();
    }

    #[test]
    fn old_days_become_one_file_and_a_rerun_merges_nothing_twice() {
        let dir = tempfile::tempdir().unwrap();
        let old = dir.path().join("feedback/2026-01-01");
        write(
            &old.join("a-v.json"),
            "{\"t\":1,\"k\":\"vote\",\"l\":\"en\",\"v\":\"a\",\"y\":\"no\"}\n",
        );
        write(
            &old.join("b-v.json"),
            "{\"t\":2,\"k\":\"vote\",\"l\":\"en\",\"v\":\"b\",\"y\":\"yes\"}\n",
        );
        let recent = dir.path().join("feedback/2026-01-09");
        write(
            &recent.join("c-v.json"),
            "{\"t\":3,\"k\":\"vote\",\"l\":\"en\",\"v\":\"c\",\"y\":\"yes\"}\n",
        );
        let done = compact(dir.path(), "2026-01-10").unwrap();
        assert_eq!(done, Compacted { days: 1, events: 2 });
        assert!(!old.exists());
        assert!(recent.join("c-v.json").exists());
        let jsonl = std::fs::read_to_string(dir.path().join("feedback/2026-01-01.jsonl")).unwrap();
        assert_eq!(jsonl.lines().count(), 2);
        // A run interrupted before the files went: the next one only removes them.
        write(
            &old.join("a-v.json"),
            "{\"t\":1,\"k\":\"vote\",\"l\":\"en\",\"v\":\"a\",\"y\":\"no\"}\n",
        );
        compact(dir.path(), "2026-01-10").unwrap();
        let again = std::fs::read_to_string(dir.path().join("feedback/2026-01-01.jsonl")).unwrap();
        assert_eq!(again, jsonl);
        assert!(!old.exists());
    }
}
