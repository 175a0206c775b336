//! `sitemap.xml` with hreflang alternates, and `robots.txt`.

use super::model::Site;
use crate::config::SiteConfig;
use crate::escape;

/// An absolute URL as the sitemap protocol wants it: percent-encoded, then escaped for XML.
fn loc(url: &str) -> String {
    escape::html(&escape::url(url))
}

pub(super) fn sitemap(site: &Site<'_>) -> String {
    let base = site.config.base_url();
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
    );
    for inst in site.instances {
        xml.push_str(&format!(
            "  <url>\n    <loc>{}</loc>\n",
            loc(&format!("{base}{}", inst.url))
        ));
        if let Some(date) = inst.src.front.updated.as_ref().and_then(|d| d.date) {
            xml.push_str(&format!("    <lastmod>{date}</lastmod>\n"));
        }
        // Alternates tie real translations together; an untranslated copy is not one.
        if inst.translated {
            let mut default_href = None;
            for code in &site.languages {
                let Some(other) = site.instance(code, &inst.src.key).filter(|o| o.translated)
                else {
                    continue;
                };
                let href = loc(&format!("{base}{}", other.url));
                xml.push_str(&format!(
                    "    <xhtml:link rel=\"alternate\" hreflang=\"{code}\" href=\"{href}\"/>\n"
                ));
                if *code == site.config.default_language || default_href.is_none() {
                    default_href = Some(href);
                }
            }
            if let Some(href) = default_href {
                xml.push_str(&format!(
                    "    <xhtml:link rel=\"alternate\" hreflang=\"x-default\" href=\"{href}\"/>\n"
                ));
            }
        }
        xml.push_str("  </url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}

pub(super) fn robots(config: &SiteConfig) -> String {
    format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}/sitemap.xml\n",
        config.base_url()
    )
}
