//! The axum application: `POST /contact`, `/feedback`, `/insights` and
//! their preflights, over one shared [`AppState`].

pub mod common;
pub mod contact;
pub mod signals;
pub mod uploads;

use std::collections::HashMap;
use std::sync::atomic::AtomicU64;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use tokio::sync::OnceCell;

use crate::config::{Config, ConfigError, RateLimit};
use crate::wiring::Services;

/// State shared by every request of one router.
pub struct AppState {
    pub config: Config,
    services: OnceCell<Services>,
    pub(crate) limiter: RateLimiter,
    /// Spam posts answered as accepted since the start (logged, never stored).
    pub(crate) spam: AtomicU64,
}

impl AppState {
    pub fn new(config: Config) -> AppState {
        AppState {
            limiter: RateLimiter::new(config.rate_limit),
            config,
            services: OnceCell::new(),
            spam: AtomicU64::new(0),
        }
    }

    /// The clients, built on the first request that needs them: loading
    /// the AWS config doubled the cold start, and invalid, spam and
    /// preflight requests never need it.
    pub(crate) async fn services(&self) -> Result<&Services, ConfigError> {
        self.services
            .get_or_try_init(|| Services::from_config(&self.config))
            .await
    }
}

/// Token buckets per client address.
pub(crate) struct RateLimiter {
    limit: Option<RateLimit>,
    buckets: Mutex<HashMap<String, (f64, Instant)>>,
}

impl RateLimiter {
    pub(crate) fn new(limit: Option<RateLimit>) -> RateLimiter {
        RateLimiter {
            limit,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// `Err(retry_after)` when the client has no token left.
    pub(crate) fn check(&self, key: &str) -> Result<(), Duration> {
        let Some(limit) = self.limit else {
            return Ok(());
        };
        let burst = f64::from(limit.burst);
        let rate = burst / limit.per.as_secs_f64(); // tokens per second
        let now = Instant::now();
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if buckets.len() > 10_000 {
            buckets.retain(|_, (tokens, at)| {
                *tokens + now.duration_since(*at).as_secs_f64() * rate < burst
            });
        }
        let (tokens, at) = buckets.entry(key.to_string()).or_insert((burst, now));
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() * rate).min(burst);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64(
                ((1.0 - *tokens) / rate).ceil().max(1.0),
            ))
        }
    }
}
