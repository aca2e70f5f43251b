//! A one-off build keeps the pages' front matter, rendered bodies and
//! search tokens under `.linju/` (`front-matter/`, `bodies/`,
//! `search-tokens/`), and the next takes those whose inputs are unchanged
//! instead of making them again. What it publishes must always be what a
//! build that made everything publishes.

use std::path::Path;

use crate::harness::TestSite;
use crate::incremental::tree;

const CLOCK: &str = "2025-12-01 10:00";

/// What a build keeps for the next, each in its folder under `.linju/`.
const KEPT: [&str; 3] = ["front-matter", "bodies", "search-tokens"];

/// How many entries `.linju/<kept>/index` holds: after its magic line
/// and four numbers, one entry of 28 bytes each, then a hash.
pub(crate) fn entries(site: &TestSite, kept: &str) -> usize {
    let index = std::fs::read(site.root().join(".linju").join(kept).join("index")).unwrap();
    let head = b"linju kept bytes 1\n".len() + 4 * 8;
    assert_eq!((index.len() - head - 8) % 28, 0, "{} bytes", index.len());
    (index.len() - head - 8) / 28
}

/// The site as a build that makes everything publishes it: built with
/// nothing kept, into a folder of its own.
fn assert_same_as_made_afresh(site: &TestSite) {
    let work = site.root().join(".linju");
    for kept in KEPT {
        std::fs::rename(work.join(kept), work.join(format!("{kept}-aside"))).unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let fresh = dir.path().join("site");
    let output = fresh.to_string_lossy().into_owned();
    site.build(&["--clock", CLOCK, "--output", &output]).ok();
    for kept in KEPT {
        std::fs::remove_dir_all(work.join(kept)).unwrap();
        std::fs::rename(work.join(format!("{kept}-aside")), work.join(kept)).unwrap();
    }
    let (built, afresh) = (tree(&site.public()), tree(&fresh));
    let differ: Vec<&String> = built
        .keys()
        .chain(afresh.keys())
        .filter(|path| built.get(*path) != afresh.get(*path))
        .collect();
    assert!(
        differ.is_empty(),
        "differ from a build that rendered all: {differ:?}"
    );
}

fn page(site: &TestSite, path: &str) -> String {
    std::fs::read_to_string(site.public().join(path).join("index.html")).unwrap()
}

#[test]
fn a_build_after_a_build_takes_what_is_unchanged_and_publishes_the_same_site() {
    let site = TestSite::fixture("basic");
    site.build(&["--clock", CLOCK]).ok();
    let first = tree(&site.public());
    let pages = entries(&site, "front-matter");
    assert!(pages >= 10, "{pages} pages' front matter kept");
    // 张桂兰.md has an `@/` link, whose target may move: its body is
    // never kept.
    let bodies = entries(&site, "bodies");
    assert!(bodies >= 8 && bodies < pages, "{bodies} bodies kept");
    assert!(entries(&site, "search-tokens") >= 8);
    site.build(&["--clock", CLOCK]).ok();
    assert!(tree(&site.public()) == first, "the second build differs");
    assert_eq!(entries(&site, "bodies"), bodies);
    assert_eq!(entries(&site, "front-matter"), pages);
    assert_same_as_made_afresh(&site);
}

#[test]
fn front_matter_is_read_again_when_its_text_changes() {
    let site = TestSite::fixture("basic");
    site.build(&["--clock", CLOCK]).ok();
    let li = "content/stories/li.md";
    let text = std::fs::read_to_string(site.root().join(li)).unwrap();
    site.write(
        li,
        &text.replace("title: 李明远", "title: 李明远（修车铺）"),
    );
    site.build(&["--clock", CLOCK]).ok();
    assert!(page(&site, "stories/li").contains("李明远（修车铺）"));
    let showing = tree(&site.public())
        .into_iter()
        .filter(|(path, bytes)| {
            path.ends_with(".html") && String::from_utf8_lossy(bytes).contains("李明远（修车铺）")
        })
        .count();
    assert!(
        showing >= 3,
        "its page and the lists show the new title: {showing}"
    );
    assert_same_as_made_afresh(&site);
}

#[test]
fn a_body_is_rendered_again_when_anything_it_is_made_from_changes() {
    let site = TestSite::fixture("basic");
    let li = "content/stories/li.md";
    let source = |path: &str| std::fs::read_to_string(site.root().join(path)).unwrap();
    let front = source(li);
    let front = &front[..front.rfind("---").unwrap() + 4];
    let body = "第三位。<span onclick=\"alert(1)\">点我</span>[办事指南](./guide.pdf)\n";
    site.write(li, &format!("{front}{body}"));
    site.build(&["--clock", CLOCK]).ok();
    let html = page(&site, "stories/li");
    assert!(html.contains("<span>点我</span>"), "sanitised: {html}");
    assert!(
        html.contains("href=\"/tinghu/stories/guide.pdf\""),
        "{html}"
    );

    // The body itself.
    site.write(li, &format!("{front}{}", body.replace("第三位", "第四位")));
    site.build(&["--clock", CLOCK]).ok();
    assert!(page(&site, "stories/li").contains("第四位"));

    // An `@/` link's target moving: the page with the link (张桂兰's) is
    // rendered again though its file did not change.
    let linked = "content/events/council.md";
    let council = source(linked).replacen(
        "---\n",
        "---\nslug: yishihui\naliases: [\"/events/council/\"]\n",
        1,
    );
    site.write(linked, &council);
    site.build(&["--clock", CLOCK]).ok();
    let zhang = page(&site, "stories/zhang-gui-lan");
    assert!(
        zhang.contains("href=\"/tinghu/events/yishihui/\">议事会</a>"),
        "{zhang}"
    );

    // The Markdown settings: raw HTML now trusted.
    let config = source("linju.yaml");
    site.write(
        "linju.yaml",
        &format!("{config}markdown:\n  unsafe_html: true\n"),
    );
    site.build(&["--clock", CLOCK]).ok();
    assert!(page(&site, "stories/li").contains("onclick=\"alert(1)\""));

    // The address relative links start from.
    let moved = source("linju.yaml").replace("/tinghu/", "/lanting/");
    site.write("linju.yaml", &moved);
    site.build(&["--clock", CLOCK]).ok();
    let html = page(&site, "stories/li");
    assert!(
        html.contains("href=\"/lanting/stories/guide.pdf\""),
        "{html}"
    );
    assert_same_as_made_afresh(&site);
}

#[test]
fn spoilt_kept_files_cost_only_time() {
    let site = TestSite::fixture("basic");
    site.build(&["--clock", CLOCK]).ok();
    let data = |kept: &str| site.root().join(".linju").join(kept).join("data");
    for kept in KEPT {
        spoil(&data(kept));
    }
    site.build(&["--clock", CLOCK]).ok();
    assert_same_as_made_afresh(&site);
    for kept in KEPT {
        let again = std::fs::read(data(kept)).unwrap();
        assert_ne!(again[..8], [0x5A; 8], "{kept} made and kept anew");
    }
}

/// Overwrites every byte of `file` in place (the same inode, so the
/// index still names it).
fn spoil(file: &Path) {
    let len = std::fs::metadata(file).unwrap().len() as usize;
    let handle = std::fs::OpenOptions::new().write(true).open(file).unwrap();
    std::os::unix::fs::FileExt::write_all_at(&handle, &vec![0x5A; len], 0).unwrap();
}
