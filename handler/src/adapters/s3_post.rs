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
    let signature = sign_policy(signer.secret_key, now, signer.region, &policy);
    fields.insert("policy".into(), policy);
    fields.insert("x-amz-signature".into(), signature);
    UploadTarget {
        key: upload.key.to_string(),
        url: upload.url.clone(),
        method: "post",
        fields,
    }
}

/// The SigV4 signature of a POST: the base64 policy itself is the string
/// to sign, under the signing key of the day of `now`, `region` and `s3`.
pub fn sign_policy(secret_key: &str, now: SystemTime, region: &str, policy: &str) -> String {
    let key = aws_sigv4::sign::v4::generate_signing_key(secret_key, now, region, "s3");
    aws_sigv4::sign::v4::calculate_signature(key, policy.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use hmac::{Hmac, KeyInit, Mac};
    use sha2::Sha256;

    /// The example of the S3 API reference, "Example: Browser-Based Upload
    /// using HTTP POST (Using AWS Signature Version 4)": its credentials,
    /// its policy as base64 (CRLF line ends) and the signature it gives.
    const EXAMPLE_SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    const EXAMPLE_POLICY: &str = "eyAiZXhwaXJhdGlvbiI6ICIyMDE1LTEyLTMwVDEyOjAwOjAwLjAwMFoiLA0KICAiY29uZGl0aW9ucyI6IFsNCiAgICB7ImJ1Y2tldCI6ICJzaWd2NGV4YW1wbGVidWNrZXQifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRrZXkiLCAidXNlci91c2VyMS8iXSwNCiAgICB7ImFjbCI6ICJwdWJsaWMtcmVhZCJ9LA0KICAgIHsic3VjY2Vzc19hY3Rpb25fcmVkaXJlY3QiOiAiaHR0cDovL3NpZ3Y0ZXhhbXBsZWJ1Y2tldC5zMy5hbWF6b25hd3MuY29tL3N1Y2Nlc3NmdWxfdXBsb2FkLmh0bWwifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRDb250ZW50LVR5cGUiLCAiaW1hZ2UvIl0sDQogICAgeyJ4LWFtei1tZXRhLXV1aWQiOiAiMTQzNjUxMjM2NTEyNzQifSwNCiAgICB7IngtYW16LXNlcnZlci1zaWRlLWVuY3J5cHRpb24iOiAiQUVTMjU2In0sDQogICAgWyJzdGFydHMtd2l0aCIsICIkeC1hbXotbWV0YS10YWciLCAiIl0sDQoNCiAgICB7IngtYW16LWNyZWRlbnRpYWwiOiAiQUtJQUlPU0ZPRE5ON0VYQU1QTEUvMjAxNTEyMjkvdXMtZWFzdC0xL3MzL2F3czRfcmVxdWVzdCJ9LA0KICAgIHsieC1hbXotYWxnb3JpdGhtIjogIkFXUzQtSE1BQy1TSEEyNTYifSwNCiAgICB7IngtYW16LWRhdGUiOiAiMjAxNTEyMjlUMDAwMDAwWiIgfQ0KICBdDQp9";
    const EXAMPLE_SIGNATURE: &str =
        "8afdbf4008c03f22c2cd3cdb72e4afbb1f6a588f3255ac628749a66d7f09699e";
    /// 2015-12-29T00:00:00Z, the example's `x-amz-date`.
    const EXAMPLE_DAY: u64 = 1_451_347_200;

    fn hmac(key: &[u8], data: &str) -> Vec<u8> {
        let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
        mac.update(data.as_bytes());
        mac.finalize().into_bytes().to_vec()
    }

    /// SigV4 for a POST policy step by step as the S3 reference describes
    /// it, apart from the SDK: `AWS4` + secret, then the date, region,
    /// service and `aws4_request`, then the policy.
    fn reference_signature(secret: &str, date: &str, region: &str, policy: &str) -> String {
        let k = hmac(format!("AWS4{secret}").as_bytes(), date);
        let k = hmac(&k, region);
        let k = hmac(&k, "s3");
        let k = hmac(&k, "aws4_request");
        hmac(&k, policy)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    #[test]
    fn the_signature_of_the_published_example_is_reproduced() {
        assert_eq!(
            reference_signature(EXAMPLE_SECRET, "20151229", "us-east-1", EXAMPLE_POLICY),
            EXAMPLE_SIGNATURE,
            "the reference implementation itself"
        );
        let day = UNIX_EPOCH + Duration::from_secs(EXAMPLE_DAY);
        assert_eq!(
            sign_policy(EXAMPLE_SECRET, day, "us-east-1", EXAMPLE_POLICY),
            EXAMPLE_SIGNATURE
        );
        // Any time of that day signs with the same key.
        let evening = day + Duration::from_secs(23 * 3600);
        assert_eq!(
            sign_policy(EXAMPLE_SECRET, evening, "us-east-1", EXAMPLE_POLICY),
            EXAMPLE_SIGNATURE
        );
        assert_ne!(
            sign_policy(EXAMPLE_SECRET, day, "eu-north-1", EXAMPLE_POLICY),
            EXAMPLE_SIGNATURE
        );
    }

    #[test]
    fn a_presigned_post_is_signed_over_its_policy_for_its_credential_scope() {
        let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
        let signer = Signer {
            access_key: "AKIDEXAMPLE",
            secret_key: secret,
            session_token: None,
            region: "eu-north-1",
        };
        let upload = Upload {
            url: "https://bucket.example/".into(),
            bucket: "archive",
            key: "uploads/abcdefgh/1-скриншот.png",
            content_type: "image/png",
            max_bytes: 10,
            ttl: Duration::from_secs(600),
        };
        // Just before midnight: the scope's date is the signing day's.
        let at = UNIX_EPOCH + Duration::from_secs(1_714_694_399);
        let t = presign(&signer, &upload, at);
        let scope: Vec<&str> = t.fields["x-amz-credential"].split('/').collect();
        assert_eq!(
            scope,
            [
                "AKIDEXAMPLE",
                "20240502",
                "eu-north-1",
                "s3",
                "aws4_request"
            ]
        );
        assert_eq!(t.fields["x-amz-date"], "20240502T235959Z");
        let policy = aws_smithy_types::base64::decode(&t.fields["policy"]).unwrap();
        let policy: serde_json::Value = serde_json::from_slice(&policy).unwrap();
        let signed: Vec<&serde_json::Value> = policy["conditions"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c.get("x-amz-date").is_some() || c.get("x-amz-credential").is_some())
            .collect();
        assert_eq!(
            signed.len(),
            2,
            "the policy names the scope it is signed for"
        );
        for c in signed {
            let (k, v) = c.as_object().unwrap().iter().next().unwrap();
            assert_eq!(v, &t.fields[k.as_str()]);
        }
        assert_eq!(
            t.fields["x-amz-signature"],
            reference_signature(secret, scope[1], scope[2], &t.fields["policy"])
        );
    }

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
