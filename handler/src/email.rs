//! Addresses and the MIME messages the handler sends.
//!
//! Every header value comes from the configuration or from a validated
//! single-line field; `mail-builder` does the RFC 2047 / MIME encoding.

use mail_builder::headers::address::Address;
use mail_builder::headers::raw::Raw;
use mail_builder::MessageBuilder;

use helpsite_form::definition::{ACK_BODY, ACK_SUBJECT};

use crate::archive::Record;
use crate::config::Config;

/// A display name and an address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mailbox {
    pub name: Option<String>,
    pub addr: String,
}

impl Mailbox {
    pub fn new(name: Option<&str>, addr: &str) -> Mailbox {
        Mailbox {
            name: name.map(str::to_string),
            addr: addr.to_string(),
        }
    }

    /// `Name <addr@domain>`, `"Name" <addr@domain>` or `addr@domain`.
    pub fn parse(s: &str) -> Option<Mailbox> {
        if s.chars().any(char::is_control) {
            return None;
        }
        let s = s.trim();
        if let Some(open) = s.rfind('<') {
            let addr = s[open + 1..].strip_suffix('>')?.trim();
            let name = s[..open].trim().trim_matches('"').trim();
            if !is_valid_email(addr) {
                return None;
            }
            Some(Mailbox {
                name: (!name.is_empty()).then(|| name.to_string()),
                addr: addr.to_string(),
            })
        } else {
            is_valid_email(s).then(|| Mailbox {
                name: None,
                addr: s.to_string(),
            })
        }
    }

    fn to_address(&self) -> Address<'_> {
        Address::new_address(self.name.as_deref(), self.addr.as_str())
    }

    /// The domain part of the address.
    pub fn domain(&self) -> &str {
        self.addr
            .rsplit_once('@')
            .map(|(_, d)| d)
            .unwrap_or("localhost")
    }
}

impl std::fmt::Display for Mailbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.name {
            Some(n) => write!(f, "{n} <{}>", self.addr),
            None => f.write_str(&self.addr),
        }
    }
}

/// Email syntax after OWASP's Input Validation Cheat Sheet: two parts around
/// one `@`; no dangerous characters (quotes, backticks, NUL, whitespace, angle
/// brackets...); a domain of letters, digits, hyphens and dots; local part at
/// most 63 characters, the whole at most 254. Only ASCII (an internationalized
/// domain has to be given in its `xn--` form), so the address is safe in a
/// `Reply-To` header as it is. `=?` and `?=` are refused too: mail readers
/// take them for an RFC 2047 encoded-word and show another address than the
/// one we would write.
pub fn is_valid_email(s: &str) -> bool {
    if s.len() > helpsite_form::EMAIL_MAX || !s.is_ascii() || s.contains("=?") || s.contains("?=") {
        return false;
    }
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    if local.is_empty() || local.len() > 63 || domain.contains('@') {
        return false;
    }
    let local_ok = local
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"!#$%&*+/=?^_{|}~.-".contains(&b))
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..");
    if !local_ok {
        return false;
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 || domain.len() > 253 {
        return false;
    }
    let labels_ok = labels.iter().all(|l| {
        !l.is_empty()
            && l.len() <= 63
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    });
    let tld = labels[labels.len() - 1];
    labels_ok && tld.len() >= 2 && !tld.bytes().all(|b| b.is_ascii_digit())
}

/// Escapes text for HTML element content and attribute values.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A visitor's text made safe for a header value: line breaks and other
/// control characters become spaces (validation refuses them already; this
/// is the second line of defence), and an RFC 2047 opener `=?` is broken up,
/// so a visitor cannot smuggle an encoded-word that decodes to a line break.
pub fn header_text(s: &str) -> String {
    let out: String = s
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') {
                ' '
            } else {
                c
            }
        })
        .collect();
    out.replace("=?", "= ?")
}

/// Who a message goes to and comes from, for the transport (SES takes these
/// from the configuration; the request never names a recipient).
#[derive(Debug, Clone)]
pub struct Envelope {
    pub from: String,
    pub to: Vec<String>,
}

/// A message ready to send.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub envelope: Envelope,
    pub raw: Vec<u8>,
    /// Used to name outbox files: reference plus kind.
    pub file_stem: String,
}

/// The subject of the support message: reference, topic, visitor's name.
pub fn support_subject(rec: &Record) -> String {
    header_text(&format!("[{}] {}: {}", rec.reference, rec.topic, rec.name))
}

/// The message to the support team. `From` is the configured sender,
/// `To` the configured recipients, `Reply-To` the visitor.
pub fn support_message(cfg: &Config, rec: &Record) -> Outgoing {
    let order = rec.order.as_deref().unwrap_or("-");
    let text = format!(
        "New contact form submission {reference}\n\n\
         Reference: {reference}\n\
         Name: {name}\n\
         Email: {email}\n\
         Topic: {topic}\n\
         Order: {order}\n\
         Language: {lang}\n\
         Received: {received}\n\n\
         Message:\n\n{message}\n\n\
         --\nReply to this email to answer the visitor.\n",
        reference = rec.reference,
        name = rec.name,
        email = rec.email,
        topic = rec.topic,
        lang = rec.lang,
        received = rec.received_at,
        message = rec.message,
    );
    let row = |label: &str, value: &str| {
        format!(
            "<tr><th style=\"text-align:start;padding:2px 12px 2px 0\">{}</th><td dir=\"auto\">{}</td></tr>\n",
            escape_html(label),
            escape_html(value)
        )
    };
    let html = format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{title}</title></head>\n<body>\n\
         <h1 style=\"font-size:1.2em\">{title}</h1>\n<table>\n{rows}</table>\n\
         <h2 style=\"font-size:1em\">Message</h2>\n\
         <div dir=\"auto\" style=\"white-space:pre-wrap;font-family:sans-serif\">{message}</div>\n\
         <p style=\"color:#666\">Reply to this email to answer the visitor.</p>\n</body></html>\n",
        title = escape_html(&format!("Contact form submission {}", rec.reference)),
        rows = [
            row("Reference", &rec.reference),
            row("Name", &rec.name),
            row("Email", &rec.email),
            row("Topic", &rec.topic),
            row("Order", order),
            row("Language", &rec.lang),
            row("Received", &rec.received_at),
        ]
        .concat(),
        message = escape_html(&rec.message),
    );
    let to: Vec<Address<'_>> = cfg.recipients.iter().map(Mailbox::to_address).collect();
    let visitor_name = header_text(&rec.name);
    let visitor_addr = header_text(&rec.email);
    let raw = MessageBuilder::new()
        .from(cfg.sender.to_address())
        .to(Address::new_list(to))
        .reply_to(Address::new_address(
            Some(visitor_name.as_str()),
            visitor_addr.as_str(),
        ))
        .subject(support_subject(rec))
        .message_id(message_id(&rec.reference, "support", cfg))
        .date((rec.received_at_ms / 1000) as i64)
        .header("X-Helpsite-Reference", Raw::new(rec.reference.as_str()))
        .header("Auto-Submitted", Raw::new("auto-generated"))
        .text_body(text)
        .html_body(html)
        .write_to_vec()
        .expect("writing to a Vec cannot fail");
    Outgoing {
        envelope: Envelope {
            from: cfg.sender.addr.clone(),
            to: cfg.recipients.iter().map(|m| m.addr.clone()).collect(),
        },
        raw,
        file_stem: format!("{}-support", rec.reference),
    }
}

/// The acknowledgement to the visitor, in their language. It repeats none of
/// what they typed (not even the name), so it cannot carry someone else's
/// text to an address they entered.
pub fn acknowledgement(cfg: &Config, rec: &Record) -> Outgoing {
    let t = cfg.texts.for_lang(&rec.lang);
    let fill = |text: &str| {
        text.replace("{site}", &cfg.site_name)
            .replace("{ref}", &rec.reference)
    };
    let subject = header_text(&fill(t.message(ACK_SUBJECT)));
    let visitor_addr = header_text(&rec.email);
    let body = fill(t.message(ACK_BODY).trim());
    // The language the text is written in (a fallback's, if the site's
    // language had none) and its direction from CLDR.
    let (lang, dir) = (t.lang, t.dir);
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\" dir=\"{dir}\"><head><meta charset=\"utf-8\"><title>{title}</title></head>\n<body>\n{paras}</body></html>\n",
        lang = escape_html(lang),
        title = escape_html(&subject),
        paras = body.split("\n\n").map(|p| format!("<p>{}</p>\n", escape_html(p))).collect::<String>(),
    );
    let raw = MessageBuilder::new()
        .from(cfg.sender.to_address())
        .to(Address::new_address(None::<&str>, visitor_addr.as_str()))
        .subject(subject)
        .message_id(message_id(&rec.reference, "ack", cfg))
        .date((rec.received_at_ms / 1000) as i64)
        .header("X-Helpsite-Reference", Raw::new(rec.reference.as_str()))
        .header("Auto-Submitted", Raw::new("auto-replied"))
        .header("Content-Language", Raw::new(header_text(lang)))
        .text_body(format!("{body}\n"))
        .html_body(html)
        .write_to_vec()
        .expect("writing to a Vec cannot fail");
    Outgoing {
        envelope: Envelope {
            from: cfg.sender.addr.clone(),
            to: vec![rec.email.clone()],
        },
        raw,
        file_stem: format!("{}-ack", rec.reference),
    }
}

fn message_id(reference: &str, kind: &str, cfg: &Config) -> String {
    format!(
        "{}.{kind}@{}",
        reference.to_ascii_lowercase(),
        cfg.sender.domain()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owasp_email_syntax() {
        for ok in [
            "a@example.com",
            "first.last+tag@sub.example.co.uk",
            "x_y-z@xn--80ak6aa92e.com",
        ] {
            assert!(is_valid_email(ok), "{ok}");
        }
        for bad in [
            "",
            "plain",
            "@example.com",
            "a@",
            "a@b",
            "a@@example.com",
            "a@b@example.com",
            "a b@example.com",
            "\"quoted\"@example.com",
            "o'k@example.com",
            "back`tick@example.com",
            "nul\0@example.com",
            "a@-example.com",
            "a@example-.com",
            "a@example..com",
            ".a@example.com",
            "a.@example.com",
            "a..b@example.com",
            "a@example.123",
            "a@ex_ample.com",
            "<a@example.com>",
            "a@example.com\r\nBcc: x@example.com",
            "имя@example.com",
            "a@пример.рф",
            "=?utf-8?b?YUBiLmM=?=@example.com",
            "=?utf-8?q?a?=@example.com",
            "a=?b@example.com",
            "a?=b@example.com",
        ] {
            assert!(!is_valid_email(bad), "{bad:?}");
        }
        let long_local = format!("{}@example.com", "a".repeat(64));
        assert!(!is_valid_email(&long_local));
        let long = format!("a@{}.com", "b".repeat(250));
        assert!(!is_valid_email(&long));
    }

    #[test]
    fn mailbox_parsing() {
        assert_eq!(
            Mailbox::parse("Help <help@example.com>"),
            Some(Mailbox::new(Some("Help"), "help@example.com"))
        );
        assert_eq!(
            Mailbox::parse("\"Help, Desk\" <h@example.com>")
                .unwrap()
                .name
                .as_deref(),
            Some("Help, Desk")
        );
        assert_eq!(
            Mailbox::parse("h@example.com"),
            Some(Mailbox::new(None, "h@example.com"))
        );
        assert_eq!(Mailbox::parse("Help <nope>"), None);
        assert_eq!(Mailbox::parse("Help\r\n <h@example.com>"), None);
    }

    #[test]
    fn header_text_defuses_line_breaks_and_encoded_words() {
        assert_eq!(header_text("a\r\nBcc: x"), "a  Bcc: x");
        assert_eq!(header_text("=?utf-8?B?DQo=?="), "= ?utf-8?B?DQo= ?=");
        assert_eq!(header_text("Zoë \u{2028}"), "Zoë  ");
    }

    #[test]
    fn html_escaping() {
        assert_eq!(
            escape_html("<b a=\"1\">&'</b>"),
            "&lt;b a=&quot;1&quot;&gt;&amp;&#39;&lt;/b&gt;"
        );
    }
}
