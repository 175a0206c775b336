//! For the benchmarks (bench/insights/load.sh): the handler's router on
//! 127.0.0.1 with the local archive in `<root>/.archive` and no per-client
//! rate limit, so one load generator can post thousands of votes.
//!
//! `cargo run -p handler --no-default-features --example signals_server -- <root> <port>`

use std::net::SocketAddr;
use std::path::PathBuf;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let root = PathBuf::from(args.next().unwrap_or_else(|| ".".into()));
    let port: u16 = args.next().and_then(|p| p.parse().ok()).unwrap_or(8788);
    let langs: Vec<String> = ["en", "fi", "ru", "bn", "fa"].map(String::from).to_vec();
    let mut cfg = handler::Config::local(&root, langs, "en".into(), Vec::new());
    cfg.rate_limit = None;
    let app = axum::Router::new().nest("/api", handler::router(cfg));
    let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], port))).await?;
    println!("listening on http://127.0.0.1:{port}/api/feedback");
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .await
}
