//! `helpsite serve`: build, serve on 127.0.0.1, rebuild on change, reload
//! open tabs, show build errors in the browser, and answer the contact form
//! locally (mail as `.eml` files in `<root>/.outbox/`).

mod conn;
mod live;

pub use conn::Limits;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use notify::Watcher;
use tokio::sync::{broadcast, mpsc};
use tower::ServiceExt;
use tower_http::services::ServeDir;
use tower_http::timeout::{RequestBodyTimeoutLayer, TimeoutLayer};

use crate::config::SiteConfig;
use crate::site::incremental::{Incremental, Update};
use crate::site::BuildOptions;

pub struct ServeOptions {
    pub root: PathBuf,
    pub port: u16,
    /// Stop after this long (tests use it so a forgotten server cannot linger).
    pub exit_after: Option<Duration>,
    pub limits: Limits,
    /// Replaces site.toml's `[form] endpoint` in the pages.
    pub form_endpoint: Option<String>,
}

/// What open tabs are told.
#[derive(Debug, Clone)]
pub(crate) enum LiveEvent {
    Reload,
    /// The build failed: the diagnostics, as text.
    Broken(String),
}

pub(crate) struct ServeState {
    pub root: PathBuf,
    pub out: PathBuf,
    pub events: broadcast::Sender<LiveEvent>,
    pub broken: RwLock<Option<String>>,
    /// The last good build, kept so an edit rebuilds only what it affects.
    pub builder: Mutex<Option<Incremental>>,
    pub form_endpoint: Option<String>,
}

pub fn run(opts: ServeOptions) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(serve(opts))
}

async fn serve(opts: ServeOptions) -> anyhow::Result<()> {
    let root = opts
        .root
        .canonicalize()
        .map_err(|e| anyhow::anyhow!("{}: {e}", opts.root.display()))?;
    // Named after this process, so the next `serve` can tell a killed one's
    // folder from a running one's and remove it.
    crate::leftovers::remove_stale(&std::env::temp_dir(), &["helpsite-serve-"]);
    let work = tempfile::Builder::new()
        .prefix(&format!("helpsite-serve-{}-", std::process::id()))
        .tempdir()?;
    let out = work.path().join("site");
    let (events, _) = broadcast::channel(16);
    let state = Arc::new(ServeState {
        root: root.clone(),
        out: out.clone(),
        events,
        broken: RwLock::new(None),
        builder: Mutex::new(None),
        form_endpoint: opts.form_endpoint.clone(),
    });
    rebuild(&state, Vec::new()).await;

    // The contact form, answered here as it will be by the Lambda.
    let config = SiteConfig::load(&root).ok();
    let (languages, default_language, topics) = match &config {
        Some(c) => (
            c.language_codes(),
            c.default_language.clone(),
            c.form.topics.clone(),
        ),
        None => (
            vec!["en".into()],
            "en".into(),
            helpsite_form::DEFAULT_TOPICS
                .iter()
                .map(|s| s.to_string())
                .collect(),
        ),
    };
    let outbox = root.join(".outbox");
    let mut handler_config =
        handler::Config::local(&root, languages.clone(), default_language, topics);
    // The site's own texts (catalog overrides included), as the deployed
    // handler gets them through form.json.
    match crate::site::form_definition(&root).map(handler::Texts::from_definition) {
        Ok(Ok(texts)) => handler_config = handler_config.with_texts(texts),
        Ok(Err(e)) => eprintln!("contact form: {e}; answering with the shipped texts"),
        Err(_) => {} // reported by the build above
    }

    let site_routes = Router::new()
        .route("/__helpsite/livereload.js", get(live::script))
        .route("/__helpsite/overlay.css", get(live::overlay_css))
        .route("/__helpsite/events", get(live::events))
        .fallback(static_files)
        .with_state(state.clone());
    let api = handler::router(handler_config).layer(TimeoutLayer::with_status_code(
        StatusCode::REQUEST_TIMEOUT,
        opts.limits.body,
    ));
    let app = Router::new()
        .nest("/api", api)
        .merge(site_routes)
        .layer(RequestBodyTimeoutLayer::new(opts.limits.body));

    let listener =
        tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], opts.port))).await?;
    let addr = listener.local_addr()?;
    println!("listening on http://{addr}/");
    for lang in &languages {
        println!("  {lang}: http://{addr}/{lang}/");
    }
    println!(
        "contact form: http://{addr}/api/contact; mail is written to {}",
        outbox.display()
    );
    // Said only once the watcher is in place: an edit saved right after
    // this line is seen.
    let _watcher = watch(&root, state.clone())?;
    println!("watching site.toml, content/ and themes/ (files there replace the built-in theme's); Ctrl+C stops");
    let server = conn::serve(listener, app, opts.limits.clone());
    let stop = async {
        match opts.exit_after {
            Some(d) => tokio::time::sleep(d).await,
            None => std::future::pending().await,
        }
    };
    // Returning drops `work`, which removes the built site: on Ctrl+C and on
    // SIGTERM (what `kill`, systemd and containers send) alike.
    tokio::select! {
        r = server => r?,
        _ = tokio::signal::ctrl_c() => {},
        _ = terminated() => {},
        _ = stop => {},
    }
    drop(work);
    Ok(())
}

#[cfg(unix)]
async fn terminated() {
    match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        Ok(mut s) => {
            s.recv().await;
        }
        Err(_) => std::future::pending().await,
    }
}

#[cfg(not(unix))]
async fn terminated() {
    std::future::pending::<()>().await
}

/// Rebuilds what `changed` affects (everything when nothing was built yet)
/// and tells open tabs.
async fn rebuild(state: &Arc<ServeState>, changed: Vec<PathBuf>) {
    let s = state.clone();
    let started = Instant::now();
    let result = tokio::task::spawn_blocking(move || {
        let mut builder = s.builder.lock().expect("lock");
        match builder.as_mut() {
            Some(b) => b.update(&changed).map(|u| (u, Vec::new())),
            None => {
                let opts = BuildOptions {
                    drafts: true,
                    live_reload: true,
                    progress: false,
                    form_endpoint: s.form_endpoint.clone(),
                };
                Incremental::build(&s.root, &s.out, &opts).map(|(b, built)| {
                    *builder = Some(b);
                    (
                        Update::Full(built.pages_per_lang.values().sum()),
                        built.warnings,
                    )
                })
            }
        }
    })
    .await;
    match result {
        Ok(Ok((update, warnings))) => {
            for w in &warnings {
                eprintln!("{w}");
            }
            let ms = started.elapsed().as_secs_f64() * 1000.0;
            match update {
                Update::Pages(n) => println!("rebuilt {n} page(s) in {ms:.1} ms"),
                Update::Full(n) => println!("rebuilt {n} pages in {ms:.0} ms"),
            }
            *state.broken.write().expect("lock") = None;
            let _ = state.events.send(LiveEvent::Reload);
            // The edited page is out; now bring search up to date behind it.
            let s = state.clone();
            let started = std::time::Instant::now();
            let refreshed = tokio::task::spawn_blocking(move || {
                s.builder
                    .lock()
                    .expect("lock")
                    .as_mut()
                    .map(Incremental::refresh_search)
            })
            .await;
            match refreshed {
                Ok(Some(Err(e))) => eprintln!("search index not updated: {e}"),
                Ok(Some(Ok(n))) if n > 0 => println!(
                    "search index of {n} language(s) updated in {:.0} ms",
                    started.elapsed().as_secs_f64() * 1000.0
                ),
                _ => {}
            }
        }
        Ok(Err(e)) => {
            let text = e.to_string();
            eprintln!("{text}");
            eprintln!("fix the file and save: the site rebuilds by itself");
            *state.broken.write().expect("lock") = Some(text.clone());
            let _ = state.events.send(LiveEvent::Broken(text));
        }
        Err(e) => eprintln!("build task failed: {e}"),
    }
}

/// Folders of the site root whose whole tree is watched.
const WATCHED_DIRS: [&str; 2] = ["content", "themes"];

/// Watches what a site is made of; a burst of saves is one rebuild. The
/// built-in theme cannot change while serving; the site's `themes/` can,
/// and is watched from the moment it exists.
fn watch(
    root: &Path,
    state: Arc<ServeState>,
) -> anyhow::Result<Arc<Mutex<notify::RecommendedWatcher>>> {
    let (tx, mut rx) = mpsc::unbounded_channel::<Vec<PathBuf>>();
    // Only the site's inputs: the form's own .outbox/ and .archive/ (and any
    // other file in the root) must not rebuild the site and reload open tabs.
    let inputs = SiteInputs::new(root);
    let watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
        if let Ok(event) = res {
            if !matches!(event.kind, notify::EventKind::Access(_)) {
                let paths: Vec<PathBuf> = event
                    .paths
                    .into_iter()
                    .filter(|p| inputs.contains(p))
                    .collect();
                if !paths.is_empty() {
                    let _ = tx.send(paths);
                }
            }
        }
    })?;
    let watcher = Arc::new(Mutex::new(watcher));
    let mut watched = Vec::new();
    {
        let mut w = watcher.lock().expect("lock");
        // The folder, not the file: editors save by replacing site.toml.
        w.watch(root, notify::RecursiveMode::NonRecursive)?;
        for dir in WATCHED_DIRS {
            let path = root.join(dir);
            if path.is_dir() {
                w.watch(&path, notify::RecursiveMode::Recursive)?;
                watched.push(path);
            }
        }
    }
    let root = root.to_path_buf();
    let adder = watcher.clone();
    tokio::spawn(async move {
        while let Some(mut paths) = rx.recv().await {
            tokio::time::sleep(Duration::from_millis(30)).await;
            while let Ok(more) = rx.try_recv() {
                paths.extend(more);
            }
            paths.sort();
            paths.dedup();
            // A content/ or themes/ folder made after serve started.
            for dir in WATCHED_DIRS {
                let path = root.join(dir);
                if !watched.contains(&path) && path.is_dir() {
                    let added = adder
                        .lock()
                        .expect("lock")
                        .watch(&path, notify::RecursiveMode::Recursive);
                    match added {
                        Ok(()) => watched.push(path),
                        Err(e) => eprintln!("cannot watch {}: {e}", path.display()),
                    }
                }
            }
            // Editors' swap and backup files are not part of the site.
            paths.retain(|p| {
                !p.file_name().is_some_and(|n| {
                    n.to_string_lossy().ends_with('~') || n.to_string_lossy().starts_with(".#")
                })
            });
            if !paths.is_empty() {
                rebuild(&state, paths).await;
            }
        }
    });
    Ok(watcher)
}

/// What a site is built from.
struct SiteInputs {
    config: PathBuf,
    dirs: Vec<PathBuf>,
}

impl SiteInputs {
    fn new(root: &Path) -> SiteInputs {
        SiteInputs {
            config: root.join(crate::config::CONFIG_FILE),
            dirs: WATCHED_DIRS.iter().map(|d| root.join(d)).collect(),
        }
    }

    fn contains(&self, path: &Path) -> bool {
        path == self.config || self.dirs.iter().any(|d| path.starts_with(d))
    }
}

/// The built site; a missing page gets its language's 404 page.
async fn static_files(State(state): State<Arc<ServeState>>, req: Request) -> Response {
    let path = req.uri().path().to_string();
    let response = match ServeDir::new(&state.out).oneshot(req).await {
        Ok(r) => r.map(Body::new),
        Err(e) => return (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    };
    if response.status() != StatusCode::NOT_FOUND {
        return response;
    }
    let lang = path.trim_start_matches('/').split('/').next().unwrap_or("");
    let page = [
        state.out.join(lang).join("404.html"),
        state.out.join("404.html"),
    ]
    .into_iter()
    .find(|p| !lang.is_empty() && p.is_file() || p.is_file());
    if let Some(body) = page.and_then(|p| std::fs::read(p).ok()) {
        return (
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            body,
        )
            .into_response();
    }
    match state.broken.read().expect("lock").clone() {
        Some(text) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            text,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
