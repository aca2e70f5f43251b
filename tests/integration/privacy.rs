//! The privacy guard: what it finds in content, what it leaves alone, and
//! how a page says a number is public.

use crate::harness::TestSite;

fn privacy_site() -> TestSite {
    let site = TestSite::fixture("basic");
    site.overlay("tests/fixtures/privacy/site");
    site
}

#[test]
fn build_warns_of_ids_mobiles_and_cards_on_their_lines() {
    let site = privacy_site();
    let warned = site.build(&[]).ok().stderr();
    let file = "content/stories/found.md";
    for (line, what) in [
        (6, "居民身份证号：11010519491231002X"),
        (7, "居民身份证号：110105491231002"),
        (8, "手机号码：138-1234-5678"),
        (9, "银行卡号：6222 0212 3456 7890 128"),
    ] {
        let expected = format!("警告：{file}:{line}: 这里");
        assert!(
            warned.contains(&expected) && warned.contains(what),
            "line {line} ({what}) not reported:\n{warned}"
        );
    }
    assert_eq!(
        warned.matches("警告：").count(),
        4,
        "only the four findings, nothing from the look-alikes, the allowed number or the phone fields:\n{warned}"
    );
    assert!(!warned.contains("lookalikes.md"), "{warned}");
}

#[test]
fn the_findings_read_in_english_too() {
    let site = privacy_site();
    let warned = site.run_in_english(&["build"]).ok().stderr();
    assert!(
        warned.contains(
            "warning: content/stories/found.md:8: this is a mobile number: 138-1234-5678"
        ),
        "{warned}"
    );
    assert!(warned.contains("public_numbers"), "{warned}");
}
