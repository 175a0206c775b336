//! The MIME messages the handler sends: to support, and the visitor's
//! acknowledgement.
//!
//! Every header value comes from the configuration or from a validated
//! single-line field; `mail-builder` does the RFC 2047 / MIME encoding.

use mail_builder::headers::address::Address;
use mail_builder::headers::raw::Raw;
use mail_builder::MessageBuilder;

use helpsite_form::definition::{ACK_BODY, ACK_SUBJECT};

use crate::config::Config;
use crate::core::mailbox::Mailbox;
use crate::core::record::Record;
use crate::core::routes::Routes;
use crate::core::texts::Texts;
use crate::ports::mail::{Envelope, Outgoing};

/// Who messages come from and go to, and what they call the site.
#[derive(Debug, Clone, Copy)]
pub struct Letterhead<'a> {
    /// `From:` of every message.
    pub sender: &'a Mailbox,
    /// `To:` of support messages.
    pub recipients: &'a [Mailbox],
    /// Recipients per topic and language (empty: always `recipients`).
    pub routes: &'a Routes,
    /// Name shown in acknowledgements.
    pub site_name: &'a str,
    /// Acknowledgement texts per language.
    pub texts: &'a Texts,
}

impl<'a> Letterhead<'a> {
    /// The letterhead the settings describe.
    pub fn of(cfg: &'a Config) -> Letterhead<'a> {
        Letterhead {
            sender: &cfg.sender,
            recipients: &cfg.recipients,
            routes: &cfg.routes,
            site_name: &cfg.site_name,
            texts: &cfg.texts,
        }
    }
}

impl Letterhead<'_> {
    /// The recipients a submission on `topic` in `lang` goes to, as stored
    /// in its record.
    pub fn route(&self, topic: &str, lang: &str) -> Vec<String> {
        self.routes
            .pick(topic, lang, self.recipients)
            .iter()
            .map(Mailbox::to_string)
            .collect()
    }
}

fn address(m: &Mailbox) -> Address<'_> {
    Address::new_address(m.name.as_deref(), m.addr.as_str())
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

/// The subject of the support message: reference, topic, visitor's name.
pub fn support_subject(rec: &Record) -> String {
    header_text(&format!("[{}] {}: {}", rec.reference, rec.topic, rec.name))
}

/// The site's extra fields of a record: each labelled as the site's default
/// language labels it on the form, with its name beside the label.
fn extra_rows(texts: &Texts, rec: &Record) -> Vec<(String, String)> {
    let lang = texts
        .definition()
        .map_or("en", |d| d.default_language.as_str());
    let texts = texts.for_lang(lang);
    rec.fields
        .iter()
        .map(|f| {
            let key = helpsite_form::extra::label_key(&f.name);
            let label = match texts.message(&key) {
                l if l == key => f.name.clone(),
                l => format!("{l} ({})", f.name),
            };
            (label, f.value.clone())
        })
        .collect()
}

/// A support message's files: a download link per attachment of the
/// record (same order), and the bytes of those small enough to travel with it.
#[derive(Debug, Clone, Default)]
pub struct Files {
    pub links: Vec<String>,
    /// `(index in the record's attachments, bytes)`.
    pub attached: Vec<(usize, Vec<u8>)>,
}

/// One line per attachment: name, size, type, link.
fn files_text(rec: &Record, files: &Files) -> String {
    if rec.attachments.is_empty() {
        return String::new();
    }
    let mut out = String::from(
        "Attachments (the links expire):

",
    );
    for (i, a) in rec.attachments.iter().enumerate() {
        let link = files.links.get(i).map(String::as_str).unwrap_or("-");
        out.push_str(&format!(
            "- {} ({} bytes, {}): {link}
",
            a.name, a.size, a.content_type
        ));
    }
    out.push('\n');
    out
}

/// The attachments as an HTML list of links, every value escaped.
fn files_html(rec: &Record, files: &Files) -> String {
    if rec.attachments.is_empty() {
        return String::new();
    }
    let items: String = rec
        .attachments
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let label = format!("{} ({} bytes, {})", a.name, a.size, a.content_type);
            match files.links.get(i) {
                Some(l) => format!(
                    "<li><a href=\"{}\">{}</a></li>\n",
                    escape_html(l),
                    escape_html(&label)
                ),
                None => format!("<li>{}</li>\n", escape_html(&label)),
            }
        })
        .collect();
    format!("<h2 style=\"font-size:1em\">Attachments (the links expire)</h2>\n<ul>\n{items}</ul>\n")
}

/// The plain-text body of the support message.
fn support_text(rec: &Record, extra: &[(String, String)], files: &Files) -> String {
    let order = rec.order.as_deref().unwrap_or("-");
    let extra: String = extra
        .iter()
        .map(|(label, value)| format!("{label}: {value}\n"))
        .collect();
    format!(
        "New contact form submission {reference}\n\n\
         Reference: {reference}\n\
         Name: {name}\n\
         Email: {email}\n\
         Topic: {topic}\n\
         Order: {order}\n\
         {extra}\
         Language: {lang}\n\
         Received: {received}\n\n\
         Message:\n\n{message}\n\n\
         {files}--\nReply to this email to answer the visitor.\n",
        reference = rec.reference,
        name = rec.name,
        email = rec.email,
        topic = rec.topic,
        lang = rec.lang,
        received = rec.received_at,
        message = rec.message,
        files = files_text(rec, files),
    )
}

/// The HTML body of the support message: the same as the text, every
/// value escaped.
fn support_html(rec: &Record, extra: &[(String, String)], files: &Files) -> String {
    let order = rec.order.as_deref().unwrap_or("-");
    let row = |label: &str, value: &str| {
        format!(
            "<tr><th style=\"text-align:start;padding:2px 12px 2px 0\">{}</th><td dir=\"auto\">{}</td></tr>\n",
            escape_html(label),
            escape_html(value)
        )
    };
    format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{title}</title></head>\n<body>\n\
         <h1 style=\"font-size:1.2em\">{title}</h1>\n<table>\n{rows}</table>\n\
         <h2 style=\"font-size:1em\">Message</h2>\n\
         <div dir=\"auto\" style=\"white-space:pre-wrap;font-family:sans-serif\">{message}</div>\n\
         {files}<p style=\"color:#666\">Reply to this email to answer the visitor.</p>\n</body></html>\n",
        title = escape_html(&format!("Contact form submission {}", rec.reference)),
        rows = [
            row("Reference", &rec.reference),
            row("Name", &rec.name),
            row("Email", &rec.email),
            row("Topic", &rec.topic),
            row("Order", order),
            extra.iter().map(|(l, v)| row(l, v)).collect(),
            row("Language", &rec.lang),
            row("Received", &rec.received_at),
        ]
        .concat(),
        message = escape_html(&rec.message),
        files = files_html(rec, files),
    )
}

/// The recipients stored with the record (chosen by its route), else the
/// configured ones.
fn recipients_of(head: &Letterhead<'_>, rec: &Record) -> Vec<Mailbox> {
    let stored: Vec<Mailbox> = rec
        .recipients
        .iter()
        .filter_map(|r| Mailbox::parse(r))
        .collect();
    if stored.is_empty() {
        head.recipients.to_vec()
    } else {
        stored
    }
}

/// The message to the support team. `From` is the configured sender,
/// `To` the record's recipients, `Reply-To` the visitor.
pub fn support_message(head: &Letterhead<'_>, rec: &Record) -> Outgoing {
    support_message_with(head, rec, &Files::default())
}

/// [`support_message`] with links to the record's attachments (and some
/// of them attached).
pub fn support_message_with(head: &Letterhead<'_>, rec: &Record, files: &Files) -> Outgoing {
    let extra = extra_rows(head.texts, rec);
    let (text, html) = (
        support_text(rec, &extra, files),
        support_html(rec, &extra, files),
    );
    let recipients = recipients_of(head, rec);
    let to: Vec<Address<'_>> = recipients.iter().map(address).collect();
    let visitor_name = header_text(&rec.name);
    let visitor_addr = header_text(&rec.email);
    let msg = letter(head, rec, "support", "auto-generated")
        .to(Address::new_list(to))
        .reply_to(Address::new_address(
            Some(visitor_name.as_str()),
            visitor_addr.as_str(),
        ))
        .subject(support_subject(rec))
        .text_body(text)
        .html_body(html);
    let msg = files
        .attached
        .iter()
        .fold(msg, |msg, (i, bytes)| match rec.attachments.get(*i) {
            Some(a) => msg.attachment(a.content_type.clone(), a.name.clone(), bytes.clone()),
            None => msg,
        });
    let to = recipients.iter().map(|m| m.addr.clone()).collect();
    sealed(msg, head, to, format!("{}-support", rec.reference))
}

/// The acknowledgement to the visitor, in their language. It repeats none of
/// what they typed (not even the name), so it cannot carry someone else's
/// text to an address they entered.
pub fn acknowledgement(head: &Letterhead<'_>, rec: &Record) -> Outgoing {
    let t = head.texts.for_lang(&rec.lang);
    let fill = |text: &str| {
        text.replace("{site}", head.site_name)
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
    let msg = letter(head, rec, "ack", "auto-replied")
        .to(Address::new_address(None::<&str>, visitor_addr.as_str()))
        .subject(subject)
        .header("Content-Language", Raw::new(header_text(lang)))
        .text_body(format!("{body}\n"))
        .html_body(html);
    sealed(
        msg,
        head,
        vec![rec.email.clone()],
        format!("{}-ack", rec.reference),
    )
}

/// What every message of `rec` has: the sender, a message id of `kind`,
/// the receipt date, the reference, and `Auto-Submitted: <auto>`.
fn letter<'x>(
    head: &Letterhead<'x>,
    rec: &'x Record,
    kind: &str,
    auto: &'static str,
) -> MessageBuilder<'x> {
    MessageBuilder::new()
        .from(address(head.sender))
        .message_id(message_id(&rec.reference, kind, head))
        .date((rec.received_at_ms / 1000) as i64)
        .header("X-Helpsite-Reference", Raw::new(rec.reference.as_str()))
        .header("Auto-Submitted", Raw::new(auto))
}

/// The message written out, with the envelope the transport needs.
fn sealed(
    msg: MessageBuilder<'_>,
    head: &Letterhead<'_>,
    to: Vec<String>,
    file_stem: String,
) -> Outgoing {
    Outgoing {
        envelope: Envelope {
            from: head.sender.addr.clone(),
            to,
        },
        raw: msg.write_to_vec().expect("writing to a Vec cannot fail"),
        file_stem,
    }
}

fn message_id(reference: &str, kind: &str, head: &Letterhead<'_>) -> String {
    format!(
        "{}.{kind}@{}",
        reference.to_ascii_lowercase(),
        head.sender.domain()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

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
