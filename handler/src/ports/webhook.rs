//! What a webhook transport is handed, and what it answers.

/// One signed POST.
#[derive(Debug, Clone)]
pub struct HookRequest {
    pub url: String,
    pub body: Vec<u8>,
    /// `Helpsite-Signature: t=…,v1=…`.
    pub signature: String,
    /// The submission's key, the same on every attempt.
    pub idempotency_key: String,
}

/// How a POST ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HookAnswer {
    /// The receiver answered with this status (any status: the use case
    /// decides what 2xx, 4xx and 5xx mean).
    Status(u16),
    /// No answer: could not connect, TLS failed, or the time ran out.
    Unreachable(String),
}
