//! Mailboxes and email syntax: what an address may be, before anything is sent.

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

/// The same mailbox: the local part exactly, the domain in any case.
pub fn same_address(a: &str, b: &str) -> bool {
    match (a.trim().rsplit_once('@'), b.trim().rsplit_once('@')) {
        (Some((la, da)), Some((lb, db))) => la == lb && da.eq_ignore_ascii_case(db),
        _ => false,
    }
}

/// Whether `text` contains the address `addr` ([`same_address`] rules),
/// not as part of a longer address.
pub fn mentions(text: &[u8], addr: &str) -> bool {
    let Some((local, domain)) = addr.trim().rsplit_once('@') else {
        return false;
    };
    let head = format!("{local}@");
    let (head, domain) = (head.as_bytes(), domain.as_bytes());
    let end = head.len() + domain.len();
    (0..text.len()).any(|i| {
        let rest = &text[i..];
        rest.starts_with(head)
            && (i == 0 || !is_local_byte(text[i - 1]))
            && rest.len() >= end
            && rest[head.len()..end].eq_ignore_ascii_case(domain)
            && !continues_domain(&rest[end..])
    })
}

fn is_local_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"._%+-".contains(&b)
}

/// Whether what follows a domain makes it a longer one (`x.com.evil`, `x.comm`).
fn continues_domain(after: &[u8]) -> bool {
    match after {
        [b, ..] if b.is_ascii_alphanumeric() || *b == b'-' => true,
        [b'.', c, ..] => c.is_ascii_alphanumeric(),
        _ => false,
    }
}

#[cfg(test)]
mod address_tests {
    use super::*;

    #[test]
    fn the_domain_matches_in_any_case_the_local_part_exactly() {
        assert!(same_address("Ann@Example.COM", "Ann@example.com"));
        assert!(!same_address("ann@example.com", "Ann@example.com"));
        let text = b"{\"x\":\"write to Ann@EXAMPLE.com.\"}";
        assert!(mentions(text, "Ann@example.com"));
        assert!(!mentions(text, "ann@example.com"));
        assert!(!mentions(b"jo.Ann@example.com", "Ann@example.com"));
        assert!(!mentions(b"Ann@example.com.evil", "Ann@example.com"));
        assert!(!mentions(b"Ann@example.community", "Ann@example.com"));
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
}
