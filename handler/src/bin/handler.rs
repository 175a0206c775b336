//! The Lambda function (Function URL or API Gateway HTTP API): the same
//! router as `helpsite serve`, configured from `CONTACT_*` variables.
//!
//! Build: `cargo lambda build --release -p handler --bin handler`
//! (the artifact is `target/lambda/handler/bootstrap`).

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    handler::init_tracing(true);
    let cfg = handler::Config::from_env()?;
    // The SES and S3 clients are built on the first valid submission, not
    // here: loading the AWS config doubled the cold start, and invalid,
    // spam and preflight requests never need them.
    lambda_http::run(handler::lambda_router(cfg)).await
}
