//! serve's incremental rebuild: a body edit rewrites only that page; a
//! structural edit rebuilds everything; a broken edit changes nothing.

mod common;

use std::time::SystemTime;

use common::*;
use generator::site::incremental::{Incremental, Update};
use generator::site::BuildOptions;

fn mtime(p: &std::path::Path) -> SystemTime {
    std::fs::metadata(p).unwrap().modified().unwrap()
}

#[test]
fn a_body_edit_rewrites_only_that_page() {
    let site = copy_site(&fixture("i18n"));
    let out = site.path().join("public");
    let (mut inc, built) = Incremental::build(site.path(), &out, &BuildOptions::default()).unwrap();
    assert_eq!(built.pages_per_lang["en"], 3);
    let other = out.join("en/refunds/index.html");
    let before_other = mtime(&other);
    std::thread::sleep(std::time::Duration::from_millis(20));

    let page = site.path().join("content/en/billing.md");
    edit(&page, "Open the portal.", "Open the customer portal.");
    assert_eq!(
        inc.update(std::slice::from_ref(&page)).unwrap(),
        Update::Pages(1)
    );
    assert!(read(&out, "en/billing/index.html").contains("Open the customer portal."));
    // Search follows once asked: only the edited language's index is rewritten.
    let docs = |lang: &str| search_docs(&out, lang);
    assert!(!docs("en").contains("customer portal"));
    assert_eq!(inc.refresh_search().unwrap(), 1);
    assert!(docs("en").contains("customer portal"));
    assert_eq!(inc.refresh_search().unwrap(), 0);
    assert_eq!(
        mtime(&other),
        before_other,
        "an unrelated page was rewritten"
    );

    // A title changes the navigation of every page: a full build.
    edit(
        &page,
        "title = \"Billing FAQ\"",
        "title = \"Billing questions\"",
    );
    assert!(matches!(
        inc.update(std::slice::from_ref(&page)).unwrap(),
        Update::Full(_)
    ));
    assert!(read(&out, "en/refunds/index.html").contains("Billing questions"));
}

#[test]
fn an_untranslated_copy_follows_its_source() {
    let site = copy_site(&fixture("i18n"));
    let out = site.path().join("public");
    let (mut inc, _) = Incremental::build(site.path(), &out, &BuildOptions::default()).unwrap();
    let page = site.path().join("content/en/refunds.md");
    edit(&page, "Within 30 days.", "Within 14 days.");
    // en, and the fa and bn pages shown from it.
    assert_eq!(
        inc.update(std::slice::from_ref(&page)).unwrap(),
        Update::Pages(3)
    );
    assert!(read(&out, "fa/refunds/index.html").contains("Within 14 days."));
}

#[test]
fn a_broken_edit_is_reported_and_changes_nothing() {
    let site = copy_site(&fixture("i18n"));
    let out = site.path().join("public");
    let (mut inc, _) = Incremental::build(site.path(), &out, &BuildOptions::default()).unwrap();
    let before = read(&out, "en/index.html");
    let page = site.path().join("content/en/_index.md");
    let good = std::fs::read_to_string(&page).unwrap();
    edit(&page, "refunds.md#request", "refunds.md#requets");
    let err = inc
        .update(std::slice::from_ref(&page))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("content/en/_index.md:4") && err.contains("no heading with id \"requets\""),
        "{err}"
    );
    assert_eq!(read(&out, "en/index.html"), before);

    // The anchor target's own page removing the id breaks links elsewhere: caught too.
    let target = site.path().join("content/en/refunds.md");
    let t = std::fs::read_to_string(&target).unwrap();
    std::fs::write(&page, &good).unwrap();
    inc.update(std::slice::from_ref(&page)).unwrap();
    edit(&target, " {#request}", "");
    let err = inc
        .update(std::slice::from_ref(&target))
        .unwrap_err()
        .to_string();
    assert!(err.contains("no heading with id \"request\""), "{err}");
    std::fs::write(&target, &t).unwrap();
    assert_eq!(
        inc.update(std::slice::from_ref(&target)).unwrap(),
        Update::Pages(3)
    );
}
