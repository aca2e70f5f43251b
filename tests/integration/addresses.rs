//! Addresses that never die: `aliases:` redirect pages, and the record of
//! published addresses that fails a build which would drop one.

use crate::harness::TestSite;

const RECORD: &str = "published-addresses.txt";

#[test]
fn a_renamed_page_fails_the_build_until_its_old_address_is_an_alias() {
    let site = TestSite::fixture("basic");
    site.build(&[]).ok();
    let record = std::fs::read_to_string(site.root().join(RECORD)).unwrap();
    assert!(
        record.contains("/stories/li/") && record.contains("content/stories/li.md"),
        "{record}"
    );
    let before = site.read("stories/li/index.html");

    let text = std::fs::read_to_string(site.root().join("content/stories/li.md")).unwrap();
    site.remove("content/stories/li.md");
    site.write("content/stories/li-shifu.md", &text);
    let failed = site.build(&[]).fails();
    let root = site.root().display().to_string();
    insta::assert_snapshot!("dropped-address", failed.replace(&root, "<site>"));
    let english = site.run_in_english(&["build"]).fails();
    insta::assert_snapshot!("dropped-address.en", english.replace(&root, "<site>"));
    assert!(
        failed.contains("网址 /stories/li/ 已经发布过（上次由 content/stories/li.md 生成）"),
        "{failed}"
    );
    assert!(failed.contains("aliases: [\"/stories/li/\"]"), "{failed}");
    assert_eq!(
        site.read("stories/li/index.html"),
        before,
        "nothing was written"
    );
    assert!(!site.exists("stories/li-shifu/index.html"));

    site.write(
        "content/stories/li-shifu.md",
        &text.replacen("---\n", "---\naliases: [\"/stories/li/\"]\n", 1),
    );
    site.build(&[]).ok();
    let redirect = site.read("stories/li/index.html");
    assert!(
        redirect
            .contains("<meta http-equiv=\"refresh\" content=\"0; url=/tinghu/stories/li-shifu/\">"),
        "{redirect}"
    );
    assert!(
        redirect.contains(
            "<link rel=\"canonical\" href=\"https://example.org/tinghu/stories/li-shifu/\">"
        ),
        "{redirect}"
    );
    assert!(redirect.contains("noindex"));
    let sitemap = site.read("sitemap.xml");
    assert!(
        !sitemap.contains("/stories/li/<"),
        "an alias is not a page of the sitemap"
    );
    let record = std::fs::read_to_string(site.root().join(RECORD)).unwrap();
    assert!(record.contains("/stories/li-shifu/"), "{record}");
    let old_address = record.lines().find(|l| l.starts_with("/stories/li/ "));
    assert!(
        old_address.is_some_and(|l| l.ends_with("content/stories/li-shifu.md")),
        "the old address is now made by the renamed file: {record}"
    );
}

#[test]
fn an_address_removed_from_the_record_on_purpose_may_go() {
    let site = TestSite::fixture("basic");
    site.build(&[]).ok();
    site.remove("content/stories/li.md");
    site.build(&[]).fails();
    let record = std::fs::read_to_string(site.root().join(RECORD)).unwrap();
    let kept: String = record
        .lines()
        .filter(|line| !line.starts_with("/stories/li/ "))
        .map(|line| format!("{line}\n"))
        .collect();
    site.write(RECORD, &kept);
    site.build(&[]).ok();
    assert!(!site.exists("stories/li/index.html"));
}

#[test]
fn serve_and_check_compare_but_only_build_records() {
    let site = TestSite::fixture("basic");
    site.run(&["check"]);
    assert!(!site.root().join(RECORD).exists(), "check does not record");
    site.build(&["--drafts"]).ok();
    assert!(
        !site.root().join(RECORD).exists(),
        "a build with drafts publishes nothing for good"
    );
    site.build(&[]).ok();
    site.remove("content/stories/li.md");
    let report = site.run(&["check"]).stdout();
    assert!(report.contains("网址 /stories/li/ 已经发布过"), "{report}");
}

#[test]
fn an_alias_may_not_take_a_page_address() {
    let site = TestSite::fixture("basic");
    let text = std::fs::read_to_string(site.root().join("content/stories/li.md")).unwrap();
    site.write(
        "content/stories/li.md",
        &text.replacen(
            "---\n",
            "---\naliases: [\"/notices/water/\", \"https://x.org/a\"]\n",
            1,
        ),
    );
    let failed = site.build(&[]).fails();
    assert!(failed.contains("网址 /notices/water/ 已经被"), "{failed}");
    assert!(
        failed.contains("`https://x.org/a` 不能用作 alias"),
        "{failed}"
    );
}
