//! A site's own contact-form fields (tests/fixtures/topic-fields): the page
//! shows them with the topics they are for, `form.json` carries them to the
//! handler, and `check` names a label missing in a language.

mod common;

use common::*;

#[test]
fn the_contact_page_shows_each_field_with_its_topics() {
    let (_tmp, out) = build(&fixture("topic-fields"));
    let en = read(&out, "en/contact/index.html");
    insta::assert_snapshot!("topic_fields_en_contact", unhash(&en));
    // Without JavaScript every field shows, with a note naming its topics.
    assert!(
        en.contains("For these topics: Billing and payments, Refunds and returns")
            && en.contains("Required for: Billing and payments"),
        "{en}"
    );
    let fa = read(&out, "fa/contact/index.html");
    insta::assert_snapshot!("topic_fields_fa_contact", unhash(&fa));
    assert!(fa.contains("شماره سفارش"), "the site's own label");
    // The built-in fields and their names are unchanged.
    for name in [
        "name", "email", "topic", "order", "message", "lang", "website",
    ] {
        assert!(en.contains(&format!("name=\"{name}\"")), "{name}");
    }
}

#[test]
fn the_form_definition_carries_the_fields_and_their_labels() {
    let def = generator::site::form_definition(&fixture("topic-fields")).unwrap();
    let names: Vec<&str> = def.fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "order_number",
            "plan",
            "purchase_date",
            "app_version",
            "callback",
            "page_address"
        ]
    );
    assert_eq!(def.fields[0].required_for, ["billing"]);
    let fa = &def.texts["fa"];
    assert_eq!(fa.messages["form_field_order_number_label"], "شماره سفارش");
    assert!(fa.messages["error_required_for_topic"].contains("الزامی"));
    // The field's limit in Persian digits, for "at most {max} characters".
    assert_eq!(fa.numbers["40"], "۴۰");
}

#[test]
fn check_names_a_label_missing_in_a_language() {
    // Missing in one language only: the catalogs already refuse it.
    let site = copy_site(&fixture("topic-fields"));
    edit(
        &site.path().join("i18n/fa.toml"),
        "form_field_plan_option_yearly = \"سالانه\"\n",
        "",
    );
    let report = generator::check::check(site.path()).unwrap();
    assert!(
        report.diagnostics.iter().any(|d| d.to_string().contains(
            "i18n/fa.toml: error: UI string \"form_field_plan_option_yearly\" is missing in language \"fa\""
        )),
        "{:?}",
        report.diagnostics
    );
    // Missing in every language: check names it once per language.
    edit(
        &site.path().join("i18n/en.toml"),
        "form_field_plan_option_yearly = \"Yearly\"\n",
        "",
    );
    let report = generator::check::check(site.path()).unwrap();
    let found: Vec<String> = report
        .diagnostics
        .iter()
        .filter(|d| d.message.contains("contact form field"))
        .map(|d| d.to_string())
        .collect();
    assert_eq!(found.len(), 2, "{found:?}");
    for (i, lang) in ["en", "fa"].iter().enumerate() {
        assert!(
            found[i].contains(&format!("i18n/{lang}.toml"))
                && found[i].contains("form_field_plan_option_yearly")
                && found[i].contains(&format!("language \"{lang}\"")),
            "{found:?}"
        );
    }
    let full = generator::check::check(&fixture("topic-fields")).unwrap();
    assert!(
        !full
            .diagnostics
            .iter()
            .any(|d| d.message.contains("contact form field")),
        "the fixture is complete"
    );
}
