//! The Lambda function (Function URL or API Gateway HTTP API): the same
//! router as `helpsite serve`, configured from `CONTACT_*` variables.
//!
//! Build: `cargo lambda build --release -p handler --bin handler`
//! (the artifact is `target/lambda/handler/bootstrap`).

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    handler::init_tracing(true);
    let cfg = handler::Config::from_env()?;
    let state = std::sync::Arc::new(match handler::Services::from_config(&cfg).await {
        Ok(services) => handler::AppState::with_services(cfg, services),
        Err(e) => return Err(e.into()),
    });
    let app = handler::app::routes(state, handler::LAMBDA_PATHS);
    lambda_http::run(app).await
}
