//! S3's presigned POST: a policy the browser's upload must satisfy (bucket,
//! exact key and `Content-Type`, a size range, an expiry), signed with SigV4.
//! The SDK presigns only GET and PUT, and a presigned PUT cannot limit the size.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::json;

use crate::ports::archive::UploadTarget;

/// The signer's credentials and region.
pub struct Signer<'a> {
    pub access_key: &'a str,
    pub secret_key: &'a str,
    pub session_token: Option<&'a str>,
    pub region: &'a str,
}

/// What one upload may be.
pub struct Upload<'a> {
    pub url: String,
    pub bucket: &'a str,
    pub key: &'a str,
    pub content_type: &'a str,
    pub max_bytes: u64,
    pub ttl: Duration,
}

/// The form fields of a presigned POST of `upload`, signed at `now`.
pub fn presign(signer: &Signer<'_>, upload: &Upload<'_>, now: SystemTime) -> UploadTarget {
    let now_ms = now
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0);
    let stamp = crate::core::time::rfc3339(now_ms).replace(['-', ':'], "");
    let date = &stamp[..8];
    let credential = format!(
        "{}/{date}/{}/s3/aws4_request",
        signer.access_key, signer.region
    );
    let expires = now_ms + upload.ttl.as_millis() as u64;
    let mut fields = BTreeMap::new();
    fields.insert("key".to_string(), upload.key.to_string());
    fields.insert("Content-Type".into(), upload.content_type.to_string());
    fields.insert("x-amz-algorithm".into(), "AWS4-HMAC-SHA256".into());
    fields.insert("x-amz-credential".into(), credential);
    fields.insert("x-amz-date".into(), stamp.clone());
    if let Some(token) = signer.session_token {
        fields.insert("x-amz-security-token".into(), token.to_string());
    }
    let mut conditions = vec![
        json!({ "bucket": upload.bucket }),
        json!(["content-length-range", 1, upload.max_bytes]),
    ];
    conditions.extend(fields.iter().map(|(k, v)| json!({ k: v })));
    let policy = json!({
        "expiration": crate::core::time::rfc3339(expires).replace('Z', ".000Z"),
        "conditions": conditions,
    });
    let policy = aws_smithy_types::base64::encode(policy.to_string());
    let key =
        aws_sigv4::sign::v4::generate_signing_key(signer.secret_key, now, signer.region, "s3");
    let signature = aws_sigv4::sign::v4::calculate_signature(key, policy.as_bytes());
    fields.insert("policy".into(), policy);
    fields.insert("x-amz-signature".into(), signature);
    UploadTarget {
        key: upload.key.to_string(),
        url: upload.url.clone(),
        method: "post",
        fields,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_names_every_field_and_the_size_range() {
        let signer = Signer {
            access_key: "AKIDEXAMPLE",
            secret_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            session_token: Some("token"),
            region: "eu-north-1",
        };
        let upload = Upload {
            url: "https://bucket.example/".into(),
            bucket: "archive",
            key: "uploads/abcdefgh/1-a.png",
            content_type: "image/png",
            max_bytes: 10,
            ttl: Duration::from_secs(600),
        };
        let at = UNIX_EPOCH + Duration::from_secs(1_714_657_500);
        let t = presign(&signer, &upload, at);
        assert_eq!(t.method, "post");
        assert_eq!(t.fields["x-amz-date"], "20240502T134500Z");
        assert_eq!(
            t.fields["x-amz-credential"],
            "AKIDEXAMPLE/20240502/eu-north-1/s3/aws4_request"
        );
        let policy = aws_smithy_types::base64::decode(&t.fields["policy"]).unwrap();
        let policy: serde_json::Value = serde_json::from_slice(&policy).unwrap();
        assert_eq!(policy["expiration"], "2024-05-02T13:55:00.000Z");
        let conditions = policy["conditions"].to_string();
        for part in [
            r#"["content-length-range",1,10]"#,
            r#"{"Content-Type":"image/png"}"#,
            r#"{"key":"uploads/abcdefgh/1-a.png"}"#,
            r#"{"x-amz-security-token":"token"}"#,
            r#"{"bucket":"archive"}"#,
        ] {
            assert!(conditions.contains(part), "{part} in {conditions}");
        }
        assert_eq!(t.fields["x-amz-signature"].len(), 64);
    }
}
