//! Live reload over server-sent events, and the build-error overlay.

use std::convert::Infallible;
use std::sync::Arc;

use axum::extract::State;
use axum::http::header;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::IntoResponse;
use futures_util::stream::{self, Stream, StreamExt};
use tokio_stream::wrappers::BroadcastStream;

use super::{LiveEvent, ServeState};

const SCRIPT: &str = r#"// helpsite serve: reload on rebuild, show build errors over the page.
(function () {
  "use strict";
  var overlay = null;
  function show(text) {
    if (!overlay) {
      var css = document.createElement("link");
      css.rel = "stylesheet";
      css.href = "/__helpsite/overlay.css";
      document.head.appendChild(css);
      overlay = document.createElement("div");
      overlay.className = "helpsite-overlay";
      overlay.setAttribute("role", "alertdialog");
      overlay.setAttribute("aria-label", "Build error");
      var title = document.createElement("p");
      title.className = "helpsite-overlay-title";
      title.textContent = "The site could not be rebuilt. Fix the file named below and save; this page updates by itself.";
      var pre = document.createElement("pre");
      overlay.appendChild(title);
      overlay.appendChild(pre);
      document.body.appendChild(overlay);
    }
    overlay.querySelector("pre").textContent = text;
  }
  var source = new EventSource("/__helpsite/events");
  source.addEventListener("reload", function () { location.reload(); });
  source.addEventListener("broken", function (e) { show(e.data); });
})();
"#;

const OVERLAY_CSS: &str = ".helpsite-overlay{position:fixed;inset:0;z-index:99999;overflow:auto;background:rgba(20,0,0,.92);color:#fff;padding:2rem;font:16px/1.5 system-ui,sans-serif}\
.helpsite-overlay-title{font-size:1.25rem;font-weight:700;margin-block:0 1rem}\
.helpsite-overlay pre{white-space:pre-wrap;font:15px/1.5 ui-monospace,monospace;color:#ffd7d7}\n";

pub(super) async fn script() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        SCRIPT,
    )
}

pub(super) async fn overlay_css() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        OVERLAY_CSS,
    )
}

fn to_sse(event: LiveEvent) -> Event {
    match event {
        LiveEvent::Reload => Event::default().event("reload").data("reload"),
        LiveEvent::Broken(text) => Event::default().event("broken").data(text),
    }
}

/// The event stream: the current state first (a tab opened while the build
/// is broken sees the error at once), then every rebuild.
pub(super) async fn events(
    State(state): State<Arc<ServeState>>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let current = state
        .broken
        .read()
        .expect("lock")
        .clone()
        .map(LiveEvent::Broken);
    let first = stream::iter(current.map(|e| Ok(to_sse(e))));
    let rest = BroadcastStream::new(state.events.subscribe())
        .filter_map(|e| async move { e.ok().map(|e| Ok(to_sse(e))) });
    Sse::new(first.chain(rest)).keep_alive(KeepAlive::default())
}
