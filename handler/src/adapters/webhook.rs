//! The webhook's HTTP client (feature `aws`): the handler's one HTTP/1.1
//! client (adapters/https.rs), the one the AWS SDK uses.

use std::time::Duration;

use aws_smithy_types::body::SdkBody;

use super::https::{http1_client, tls_config, Http1};
use crate::core::webhook::{IDEMPOTENCY_HEADER, SIGNATURE_HEADER};
use crate::ports::webhook::{HookAnswer, HookRequest};

/// Posts webhooks, each attempt bounded by `timeout`.
#[derive(Debug, Clone)]
pub struct HookPoster {
    client: Http1,
    timeout: Duration,
}

impl HookPoster {
    /// Fails only when the platform has no usable root certificates.
    pub fn new(timeout: Duration) -> Result<HookPoster, String> {
        let (tls, roots) = tls_config();
        if roots == 0 {
            return Err("webhook TLS roots: no usable root certificates found".to_owned());
        }
        Ok(HookPoster {
            client: http1_client(Some(timeout), tls),
            timeout,
        })
    }

    /// One POST; the answer's body is not read beyond what hyper needs.
    pub async fn post(&self, req: &HookRequest) -> HookAnswer {
        let request = match axum::http::Request::post(&req.url)
            .header("content-type", "application/json")
            .header("user-agent", "helpsite-webhook")
            .header(SIGNATURE_HEADER, &req.signature)
            .header(IDEMPOTENCY_HEADER, &req.idempotency_key)
            .body(SdkBody::from(req.body.clone()))
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
