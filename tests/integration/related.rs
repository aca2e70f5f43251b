//! What belongs together (issue 17): each profile, family, event, station
//! and notice lists up to four related pages, chosen at build time by what
//! they share (a person or family, tags, the community, the kind of event),
//! and a rebuild keeps the lists right when a related page changes.

use std::path::Path;

use linju::{BuildOptions, Session};

use crate::harness::{TestSite, texts};

fn related_titles(site: &TestSite, page: &str) -> Vec<String> {
    texts(&site.read(&format!("{page}index.html")), ".related-list a")
}

/// The basic fixture with a striver whose family has an entry of its own,
/// six volunteers sharing a tag and an expired notice with the same tag.
fn site_with_neighbours() -> TestSite {
    let site = TestSite::fixture("basic");
    site.write(
        "content/stories/chen.md",
        "---\ntitle: 陈秀英的裁缝铺\ndate: 2025-08-01\nperson: 陈秀英\n---\n缝补三十年。\n",
    );
    site.write(
        "content/families/chen-family.md",
        "---\ntitle: 陈家：三代人的裁缝铺\ndate: 2024-05-01\nfamily: 陈家\nmembers:\n  - name: 陈秀英\n    relation: 奶奶\n---\n一家人。\n",
    );
    for n in 1..=6 {
        site.write(
            &format!("content/stories/volunteer-{n}.md"),
            &format!(
                "---\ntitle: 巡河志愿者{n}\ndate: 2025-07-0{n}\nperson: 志愿者{n}\ntags: [巡河]\n---\n巡河。\n"
            ),
        );
    }
    site.write(
        "content/notices/river-closed.md",
        "---\ntitle: 河道封闭已结束\ndate: 2025-07-03\nexpires: 2025-07-10\ntags: [巡河]\n---\n已结束。\n",
    );
    site.build(&["--clock", "2025-12-01 10:00"]).ok();
    site
}

#[test]
fn a_striver_and_her_familys_entry_find_each_other_first() {
    let site = site_with_neighbours();
    let family = related_titles(&site, "families/chen-family/");
    assert_eq!(family.first().map(String::as_str), Some("陈秀英的裁缝铺"));
    let story = related_titles(&site, "stories/chen/");
    assert_eq!(
        story.first().map(String::as_str),
        Some("陈家：三代人的裁缝铺")
    );
}

#[test]
fn a_page_lists_four_that_share_its_tag_and_never_an_expired_notice() {
    let site = site_with_neighbours();
    let related = related_titles(&site, "stories/volunteer-3/");
    assert_eq!(related.len(), 4, "{related:?}");
    assert!(
        related.iter().all(|t| t.starts_with("巡河志愿者")),
        "{related:?}"
    );
    assert!(!related.contains(&"巡河志愿者3".to_string()), "not itself");
    // Nearest in time first among equals: the 2nd and 4th, then 1st and 5th.
    assert_eq!(related[..2], ["巡河志愿者4", "巡河志愿者2"]);
    for page in ["stories/volunteer-1/", "stories/volunteer-6/"] {
        assert!(!related_titles(&site, page).contains(&"河道封闭已结束".to_string()));
    }
}

#[test]
fn a_related_list_says_what_each_page_is() {
    let site = site_with_neighbours();
    let html = site.read("families/chen-family/index.html");
    let meta = texts(&html, ".related-meta");
    assert!(meta[0].starts_with("身边的奋斗者"), "{meta:?}");
    assert!(meta[0].contains("2025年8月1日"), "{meta:?}");
    assert!(html.contains("<h2 id=\"related-title\">相关内容</h2>"));
    // Plain pages and community pages do not take part.
    assert!(
        !site
            .read("communities/tinghu/index.html")
            .contains("related-list")
    );
}

#[test]
fn a_rebuild_shows_the_new_title_of_a_related_page() {
    let site = site_with_neighbours();
    let live_dir = tempfile::tempdir().unwrap();
    let live = live_dir.path().join("site");
    let options = BuildOptions {
        root: site.root().to_path_buf(),
        output: Some(live.clone()),
        clock: Some("2025-12-01 10:00".into()),
        ..Default::default()
    };
    let mut session = Session::new(options).unwrap();
    session.build().unwrap();
    let file = "content/stories/chen.md";
    let text = std::fs::read_to_string(site.root().join(file)).unwrap();
    site.write(
        file,
        &text.replace("陈秀英的裁缝铺", "陈秀英：针线里的三十年"),
    );
    session.rebuild(&[site.root().join(file)]).unwrap();
    let family =
        std::fs::read_to_string(Path::new(&live).join("families/chen-family/index.html")).unwrap();
    assert_eq!(
        texts(&family, ".related-list a")
            .first()
            .map(String::as_str),
        Some("陈秀英：针线里的三十年")
    );
}
