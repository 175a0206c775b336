//! Storage and transport: the local archive and outbox (files that are
//! complete or absent), and with the `aws` feature S3 and SES.

#[cfg(feature = "aws")]
pub mod aws;
pub mod durable;
#[cfg(feature = "aws")]
mod https;
pub mod local_archive;
pub mod local_files;
pub mod local_objects;
pub mod outbox;
#[cfg(feature = "aws")]
pub mod s3_post;
#[cfg(feature = "aws")]
pub mod webhook;
