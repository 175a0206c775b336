//! `sitemap.xml` with hreflang alternates, and `robots.txt`.

use super::model::Site;
use crate::config::SiteConfig;
use crate::escape;

/// An absolute URL as the sitemap protocol wants it: percent-encoded, then escaped for XML.
fn loc(url: &str) -> String {
    escape::html(&escape::url(url))
}

pub(super) fn sitemap(site: &Site<'_>) -> String {
    use rayon::prelude::*;
    let base = site.config.base_url();
    // Each page's address once: a page's entry names it and every
    // translation of it names it again.
    let locs: Vec<String> = site
        .instances
        .par_iter()
        .map(|inst| loc(&format!("{base}{}", inst.url)))
        .collect();
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
    );
    for (inst, own) in site.instances.iter().zip(&locs) {
        xml.push_str("  <url>\n    <loc>");
        xml.push_str(own);
        xml.push_str("</loc>\n");
        if let Some(date) = inst.src.front.updated.as_ref().and_then(|d| d.date) {
            xml.push_str(&format!("    <lastmod>{date}</lastmod>\n"));
        }
        // Alternates tie real translations together; an untranslated copy is not one.
        if inst.translated {
            let mut default_href = None;
            for code in &site.languages {
                let Some(&other) = site.index.get(&(code.as_str(), inst.src.key.as_str())) else {
                    continue;
                };
                if !site.instances[other].translated {
                    continue;
                }
                let href = locs[other].as_str();
                push_alternate(&mut xml, code, href);
                if *code == site.config.default_language || default_href.is_none() {
                    default_href = Some(href);
                }
            }
            if let Some(href) = default_href {
                push_alternate(&mut xml, "x-default", href);
            }
        }
        xml.push_str("  </url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}

fn push_alternate(xml: &mut String, hreflang: &str, href: &str) {
    xml.push_str("    <xhtml:link rel=\"alternate\" hreflang=\"");
    xml.push_str(hreflang);
    xml.push_str("\" href=\"");
    xml.push_str(href);
    xml.push_str("\"/>\n");
}

pub(super) fn robots(config: &SiteConfig) -> String {
    format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}/sitemap.xml\n",
        config.base_url()
    )
}
