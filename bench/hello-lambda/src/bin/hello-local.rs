//! The same hello-world as a local server on 127.0.0.1 (axum, like
//! `handler-local`): the baseline for the local cold start.
//! `hello-local [PORT]` (default 8788).
use axum::routing::any;
use axum::Router;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let port: u16 = std::env::args()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(8788);
    let app = Router::new().route("/{*path}", any(|| async { "hello" }));
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    axum::serve(listener, app).await?;
    Ok(())
}
