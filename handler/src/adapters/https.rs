//! The handler's one HTTP client (feature `aws`): HTTP/1.1 only, over rustls
//! with ring and the platform's root certificates. The AWS SDK calls it
//! through [`client`], the webhook (adapters/webhook.rs) through
//! [`http1_client`]; one client type means one copy of hyper's client code in
//! the Lambda binary and one read of the root certificates per process.
//!
//! The SDK's own client (`aws-smithy-http-client`) always compiles HTTP/2
//! (h2) and its connection-pool machinery; SES v2 and S3 answer HTTP/1.1, so
//! this smaller client, hyper's pooled HTTP/1.1 client behind an HTTPS
//! connector, takes its place in the Lambda binary. Errors are sorted as the
//! SDK's client sorts them (connect and I/O failures, timeouts, a connection
//! closed mid-answer) so the SDK's retries treat them the same way.

use std::error::Error;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::retry::ErrorKind;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::HttpConnector as TcpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioTimer};

/// How long an idle pooled connection is kept: the SDK client's default.
const POOL_IDLE: Duration = Duration::from_secs(90);

/// The client to give `aws_config::ConfigLoader::http_client`.
pub fn client() -> SharedHttpClient {
    SharedHttpClient::new(Http1Client::default())
}

/// One connector (and so one connection pool) per connect timeout; the SDK
/// asks for a connector on every request attempt.
#[derive(Debug, Default)]
struct Http1Client {
    connectors: Mutex<Vec<(Option<Duration>, SharedHttpConnector)>>,
}

impl HttpClient for Http1Client {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        _: &RuntimeComponents,
    ) -> SharedHttpConnector {
        let connect = settings.connect_timeout();
        // A poisoned lock only means another request panicked while pushing;
        // the list itself is always whole.
        let mut connectors = self.connectors.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, c)) = connectors.iter().find(|(t, _)| *t == connect) {
            return c.clone();
        }
        let c = SharedHttpConnector::new(Http1Connector::new(connect, settings.read_timeout()));
        connectors.push((connect, c.clone()));
        c
    }
}

/// hyper's pooled HTTP/1.1 client over rustls, with the SDK's body type.
pub type Http1 = Client<HttpsConnector<TcpConnector>, SdkBody>;

/// A pooled HTTP/1.1 client; `connect_timeout` bounds the TCP connect.
/// http:// stays allowed: for local endpoints (SES_ENDPOINT_URL, moto) and,
/// as the webhook configuration allows, loopback webhooks.
pub fn http1_client(connect_timeout: Option<Duration>, tls: Arc<rustls::ClientConfig>) -> Http1 {
    let mut tcp = TcpConnector::new();
    tcp.enforce_http(false);
    tcp.set_connect_timeout(connect_timeout);
    tcp.set_nodelay(true);
    // No ALPN in `tls`: HTTP/1.1 only (hyper-rustls's `From` keeps the config).
    let https = HttpsConnector::from((tcp, tls));
    Client::builder(TokioExecutor::new())
        .pool_timer(TokioTimer::new())
        .pool_idle_timeout(POOL_IDLE)
        .build(https)
}

#[derive(Debug, Clone)]
struct Http1Connector {
    client: Http1,
    /// Time allowed until the answer's head arrives.
    read_timeout: Option<Duration>,
}

impl Http1Connector {
    fn new(connect_timeout: Option<Duration>, read_timeout: Option<Duration>) -> Http1Connector {
        Http1Connector {
            client: http1_client(connect_timeout, tls_config().0),
            read_timeout,
        }
    }
}

/// TLS 1.2 and 1.3 with ring, trusting the platform's root certificates
/// (on Lambda, the runtime image's CA bundle), and how many roots were
/// usable. Built once per process: every client shares it.
pub fn tls_config() -> (Arc<rustls::ClientConfig>, usize) {
    static CONFIG: OnceLock<(Arc<rustls::ClientConfig>, usize)> = OnceLock::new();
    CONFIG
        .get_or_init(|| {
            let found = rustls_native_certs::load_native_certs();
            let mut roots = rustls::RootCertStore::empty();
            let (added, _) = roots.add_parsable_certificates(found.certs);
            if added == 0 {
                tracing::warn!(errors = ?found.errors, "no root certificates found: HTTPS requests will fail");
            }
            let provider = Arc::new(rustls::crypto::ring::default_provider());
            let config = rustls::ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                // ring implements every default protocol version and cipher suite.
                .expect("ring supports TLS 1.2 and 1.3")
                .with_root_certificates(roots)
                .with_no_client_auth();
            (Arc::new(config), added)
        })
        .clone()
}

impl HttpConnector for Http1Connector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let request = match request.try_into_http1x() {
            Ok(r) => r,
            Err(e) => return HttpConnectorFuture::ready(Err(ConnectorError::user(e.into()))),
        };
        let answer = self.client.request(request);
        let read_timeout = self.read_timeout;
        HttpConnectorFuture::new(async move {
            let answer = match read_timeout {
                Some(t) => match tokio::time::timeout(t, answer).await {
                    Ok(a) => a,
                    Err(elapsed) => return Err(ConnectorError::timeout(elapsed.into())),
                },
                None => answer.await,
            };
            match answer {
                Ok(a) => HttpResponse::try_from(a.map(SdkBody::from_body_1_x))
                    .map_err(|e| ConnectorError::other(e.into(), None)),
                Err(e) => Err(connector_error(e)),
            }
        })
    }
}

/// Sorts a failed exchange for the SDK's retry policy.
fn connector_error(err: hyper_util::client::legacy::Error) -> ConnectorError {
    if err.is_connect() {
        return ConnectorError::io(err.into());
    }
    if let Some(h) = find_source::<hyper::Error>(&err) {
        if h.is_timeout() {
            return ConnectorError::timeout(err.into());
        }
        if h.is_user() {
            return ConnectorError::user(err.into());
        }
        if h.is_closed() || h.is_canceled() || find_source::<std::io::Error>(h).is_some() {
            return ConnectorError::io(err.into());
        }
        // S3 sometimes closes a kept-alive connection as the request is sent.
        if h.is_incomplete_message() {
            return ConnectorError::other(err.into(), Some(ErrorKind::TransientError));
        }
    }
    if find_source::<std::io::Error>(&err).is_some() {
        return ConnectorError::io(err.into());
    }
    ConnectorError::other(err.into(), None)
}

fn find_source<'a, E: Error + 'static>(err: &'a (dyn Error + 'static)) -> Option<&'a E> {
    let mut next = Some(err);
    while let Some(e) = next {
        if let Some(found) = e.downcast_ref::<E>() {
            return Some(found);
        }
        next = e.source();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_refused_connection_is_an_io_error_the_sdk_retries() {
        // A port nothing listens on: bind, note the port, close.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free local port");
        let c = Http1Connector::new(Some(Duration::from_secs(2)), None);
        let req = HttpRequest::get(format!("http://127.0.0.1:{port}/")).expect("valid request");
        let err = c.call(req).await.expect_err("nothing listens there");
        assert!(err.is_io(), "{err:?}");
    }
}
