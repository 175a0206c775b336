//! The webhook's HTTP client (feature `aws`): HTTP/1.1 over hyper, TLS by
//! rustls on ring with the platform's root certificates, the stack the AWS
//! SDK's client is built from.

use std::time::Duration;

use axum::body::Bytes;
use http_body_util::Full;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

use crate::core::webhook::{IDEMPOTENCY_HEADER, SIGNATURE_HEADER};
use crate::ports::webhook::{HookAnswer, HookRequest};

type Connector = hyper_rustls::HttpsConnector<hyper_util::client::legacy::connect::HttpConnector>;

/// Posts webhooks, each attempt bounded by `timeout`.
#[derive(Debug, Clone)]
pub struct HookPoster {
    client: Client<Connector, Full<Bytes>>,
    timeout: Duration,
}

impl HookPoster {
    /// Fails only when the platform has no usable root certificates.
    pub fn new(timeout: Duration) -> Result<HookPoster, String> {
        let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
        let mut http = hyper_util::client::legacy::connect::HttpConnector::new();
        http.enforce_http(false);
        http.set_connect_timeout(Some(timeout));
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_provider_and_native_roots(provider)
            .map_err(|e| format!("webhook TLS roots: {e}"))?
            // The configuration allows http:// only to loopback hosts.
            .https_or_http()
            .enable_http1()
            .wrap_connector(http);
        let client = Client::builder(TokioExecutor::new()).build(https);
        Ok(HookPoster { client, timeout })
    }

    /// One POST; the answer's body is not read beyond what hyper needs.
    pub async fn post(&self, req: &HookRequest) -> HookAnswer {
        let request = match axum::http::Request::post(&req.url)
            .header("content-type", "application/json")
            .header("user-agent", "helpsite-webhook")
            .header(SIGNATURE_HEADER, &req.signature)
            .header(IDEMPOTENCY_HEADER, &req.idempotency_key)
            .body(Full::new(Bytes::from(req.body.clone())))
        {
            Ok(r) => r,
            Err(e) => return HookAnswer::Unreachable(format!("building the request: {e}")),
        };
        match tokio::time::timeout(self.timeout, self.client.request(request)).await {
            Ok(Ok(resp)) => HookAnswer::Status(resp.status().as_u16()),
            Ok(Err(e)) => HookAnswer::Unreachable(format!("{e:?}")),
            Err(_) => {
                HookAnswer::Unreachable(format!("no answer within {} s", self.timeout.as_secs()))
            }
        }
    }
}
