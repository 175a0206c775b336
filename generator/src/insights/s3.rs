//! Reading an archive in S3 (`--archive s3://bucket/prefix`): the day
//! prefixes of `feedback/` and `insights/` listed (ListObjectsV2, paginated,
//! several days at once), events named in their keys taken from the listing,
//! and only `.json`/`.jsonl` objects fetched (GetObject, many at once).
//! Credentials and region come from the SDK's usual chain (environment,
//! profile, instance or task role); `AWS_ENDPOINT_URL` points it elsewhere
//! (path-style addressing then, as S3-compatible servers expect).

use std::path::PathBuf;

use aws_config::BehaviorVersion;
use aws_sdk_s3::Client;
use futures_util::stream::{self, StreamExt, TryStreamExt};

use super::read::{day_start_ms, is_fact_name, Loaded, Names};

/// Day prefixes listed at once.
const LIST_CONCURRENCY: usize = 8;
/// Objects fetched at once.
const GET_CONCURRENCY: usize = 32;

/// `s3://bucket/prefix` split into the bucket and the key prefix (`""` or ending in `/`).
pub fn parse_url(url: &str) -> Result<(String, String), String> {
    let rest = url
        .strip_prefix("s3://")
        .ok_or_else(|| format!("{url:?}: expected s3://bucket/prefix"))?;
    let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
    if bucket.is_empty() {
        return Err(format!("{url:?}: no bucket"));
    }
    let prefix = prefix.trim_matches('/');
    let prefix = if prefix.is_empty() {
        String::new()
    } else {
        format!("{prefix}/")
    };
    Ok((bucket.to_string(), prefix))
}

/// Reads the events under `url` for days on or after `since`.
pub fn load(url: &str, since: Option<&str>) -> Result<Loaded, String> {
    let (bucket, prefix) = parse_url(url)?;
    let rt = tokio::runtime::Runtime::new().map_err(|e| format!("starting the runtime: {e}"))?;
    rt.block_on(async {
        let client = client().await;
        let s3 = Archive {
            client,
            bucket,
            prefix,
        };
        s3.load(since).await
    })
}

async fn client() -> Client {
    let sdk = aws_config::defaults(BehaviorVersion::latest())
        .http_client(handler::adapters::aws::https_client())
        .load()
        .await;
    let path_style = std::env::var_os("AWS_ENDPOINT_URL").is_some();
    Client::from_conf(
        aws_sdk_s3::config::Builder::from(&sdk)
            .force_path_style(path_style)
            .build(),
    )
}

struct Archive {
    client: Client,
    bucket: String,
    prefix: String,
}

impl Archive {
    async fn load(&self, since: Option<&str>) -> Result<Loaded, String> {
        let mut days = Vec::new();
        let mut keys = Vec::new();
        for kind in ["feedback", "insights"] {
            let (subs, objects) = self.list(&format!("{}{kind}/", self.prefix), true).await?;
            let recent = |name: &str| since.is_none_or(|s| name.get(..10).unwrap_or(name) >= s);
            days.extend(subs.into_iter().filter(|d| recent(last_segment(d))));
            keys.extend(objects.into_iter().filter(|k| recent(last_segment(k))));
        }
        let listed: Vec<(Vec<String>, Names)> = stream::iter(days)
            .map(|day| self.list_day(day))
            .buffer_unordered(LIST_CONCURRENCY)
            .try_collect()
            .await?;
        let mut named = Vec::new();
        for (k, n) in listed {
            keys.extend(k);
            named.extend(n);
        }
        keys.retain(|k| k.ends_with(".json") || k.ends_with(".jsonl"));
        keys.sort_unstable();
        let files: Vec<(PathBuf, Vec<u8>)> = stream::iter(keys)
            .map(|k| self.get(k))
            .buffered(GET_CONCURRENCY)
            .try_collect()
            .await?;
        Ok(Loaded::from_parts(files, named))
    }

    /// One day prefix: the keys to fetch and the events named in keys.
    async fn list_day(&self, day: String) -> Result<(Vec<String>, Names), String> {
        let day_ms = day_start_ms(last_segment(&day)).unwrap_or(0);
        let (_, keys) = self.list(&day, false).await?;
        let mut fetch = Vec::new();
        let mut named = Vec::new();
        for k in keys {
            let name = last_segment(&k);
            if is_fact_name(name) {
                named.push((day_ms, name.to_string()));
            } else {
                fetch.push(k);
            }
        }
        Ok((fetch, named))
    }

    /// Every key under `prefix` (all pages); with `folders`, the next
    /// level's prefixes apart and only the keys directly under it.
    async fn list(
        &self,
        prefix: &str,
        folders: bool,
    ) -> Result<(Vec<String>, Vec<String>), String> {
        let mut subs = Vec::new();
        let mut keys = Vec::new();
        let mut req = self
            .client
            .list_objects_v2()
            .bucket(&self.bucket)
            .prefix(prefix);
        if folders {
            req = req.delimiter("/");
        }
        let mut pages = req.into_paginator().send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| sdk_error("ListObjectsV2", prefix, &e))?;
            subs.extend(
                page.common_prefixes()
                    .iter()
                    .filter_map(|p| p.prefix().map(str::to_string)),
            );
            keys.extend(
                page.contents()
                    .iter()
                    .filter_map(|o| o.key().map(str::to_string)),
            );
        }
        Ok((subs, keys))
    }

    async fn get(&self, key: String) -> Result<(PathBuf, Vec<u8>), String> {
        let out = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(&key)
            .send()
            .await
            .map_err(|e| sdk_error("GetObject", &key, &e))?;
        let bytes = out
            .body
            .collect()
            .await
            .map_err(|e| format!("GetObject {key}: {e}"))?;
        Ok((
            PathBuf::from(format!("s3://{}/{key}", self.bucket)),
            bytes.to_vec(),
        ))
    }
}

/// `2026-05-02` of `…/feedback/2026-05-02/` and `a.e` of `…/2026-05-02/a.e`.
fn last_segment(key: &str) -> &str {
    key.trim_end_matches('/').rsplit('/').next().unwrap_or(key)
}

fn sdk_error<E: std::error::Error + 'static>(op: &str, key: &str, e: &E) -> String {
    // The SDK's Display is only "service error"; the chain says which.
    let mut msg = format!("{op} {key}: {e}");
    let mut source = e.source();
    while let Some(s) = source {
        msg.push_str(&format!(": {s}"));
        source = s.source();
    }
    msg
}

#[cfg(test)]
mod tests {
    #[test]
    fn urls() {
        assert_eq!(
            super::parse_url("s3://b/site/archive/").unwrap(),
            ("b".into(), "site/archive/".into())
        );
        assert_eq!(
            super::parse_url("s3://b").unwrap(),
            ("b".into(), String::new())
        );
        assert!(super::parse_url("s3:///x").is_err());
        assert_eq!(super::last_segment("p/feedback/2026-05-02/"), "2026-05-02");
    }
}
