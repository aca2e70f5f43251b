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

/// Every story page of a site folder, with its bytes.
fn story_pages(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut pages: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir.join("stories"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name() == "index.html")
        .map(|e| {
            let path = e.path().strip_prefix(dir).unwrap().display().to_string();
            (path, std::fs::read(e.path()).unwrap())
        })
        .collect();
    pages.sort();
    pages
}

#[test]
fn a_rebuild_among_hundreds_of_pages_scores_again_only_near_the_change() {
    // Hundreds of strivers in three tags, a day apart: each tag's bucket is
    // far longer than the window a page looks at, so an added, removed or
    // re-tagged page moves only its neighbours' lists. (Debug builds also
    // check every patched set of lists against one scored from scratch.)
    let site = TestSite::fixture("basic");
    let tags = ["巡河", "助老", "托管"];
    for n in 0..240 {
        let date = jiff::civil::date(2024, 1, 1) + jiff::Span::new().days(n);
        site.write(
            &format!("content/stories/volunteer-{n:03}.md"),
            &format!(
                "---\ntitle: 志愿者{n}\ndate: {date}\nperson: 志愿者{n}\ntags: [{}]\n---\n服务。\n",
                tags[n as usize % 3]
            ),
        );
    }
    let live_dir = tempfile::tempdir().unwrap();
    let live = live_dir.path().join("site");
    let options = |output: &Path| BuildOptions {
        root: site.root().to_path_buf(),
        output: Some(output.to_path_buf()),
        clock: Some("2025-12-01 10:00".into()),
        ..Default::default()
    };
    let mut session = Session::new(options(&live)).unwrap();
    session.build().unwrap();
    let edits: [(&str, Option<&str>); 3] = [
        (
            "content/stories/newcomer.md",
            Some(
                "---\ntitle: 新来的志愿者\ndate: 2024-04-15\nperson: 新来的志愿者\ntags: [助老]\n---\n刚加入。\n",
            ),
        ),
        ("content/stories/volunteer-100.md", None),
        (
            "content/stories/volunteer-150.md",
            Some(
                "---\ntitle: 志愿者150\ndate: 2024-05-30\nperson: 志愿者150\ntags: [巡河, 托管]\n---\n服务。\n",
            ),
        ),
    ];
    for (file, text) in edits {
        match text {
            Some(text) => site.write(file, text),
            None => site.remove(file),
        };
        session.rebuild(&[site.root().join(file)]).unwrap();
        let fresh_dir = tempfile::tempdir().unwrap();
        let fresh = fresh_dir.path().join("site");
        linju::build(&options(&fresh)).unwrap();
        assert!(
            story_pages(&live) == story_pages(&fresh),
            "after {file}, a story page differs from a fresh build"
        );
    }
    let newcomer = related_titles_in(&live, "stories/newcomer/");
    assert_eq!(newcomer.len(), 4, "{newcomer:?}");
}

fn related_titles_in(dir: &Path, page: &str) -> Vec<String> {
    let html = std::fs::read_to_string(dir.join(page).join("index.html")).unwrap();
    texts(&html, ".related-list a")
}
