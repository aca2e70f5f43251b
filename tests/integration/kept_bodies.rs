//! A one-off build keeps the pages' rendered bodies in `.linju/bodies/`
//! and the next takes those whose inputs are unchanged instead of
//! rendering them again. What it publishes must always be what a build
//! that rendered everything publishes.

use std::path::Path;

use crate::harness::TestSite;
use crate::incremental::tree;

const CLOCK: &str = "2025-12-01 10:00";

/// How many bodies `.linju/bodies/index` keeps: after its magic line and
/// four numbers, one entry of 28 bytes each, then a hash.
fn bodies_kept(site: &TestSite) -> usize {
    let index = std::fs::read(site.root().join(".linju/bodies/index")).unwrap();
    let head = b"linju kept bytes 1\n".len() + 4 * 8;
    assert_eq!((index.len() - head - 8) % 28, 0, "{} bytes", index.len());
    (index.len() - head - 8) / 28
}

/// The site as a build that renders every body publishes it: built with
/// nothing kept, into a folder of its own.
fn assert_same_as_rendered_afresh(site: &TestSite) {
    let kept = site.root().join(".linju/bodies");
    let aside = site.root().join(".linju/bodies-aside");
    std::fs::rename(&kept, &aside).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let fresh = dir.path().join("site");
    let output = fresh.to_string_lossy().into_owned();
    site.build(&["--clock", CLOCK, "--output", &output]).ok();
    std::fs::remove_dir_all(&kept).unwrap();
    std::fs::rename(&aside, &kept).unwrap();
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
fn a_build_after_a_build_takes_unchanged_bodies_and_publishes_the_same_site() {
    let site = TestSite::fixture("basic");
    site.build(&["--clock", CLOCK]).ok();
    let first = tree(&site.public());
    let kept = bodies_kept(&site);
    // 张桂兰.md has an `@/` link, whose target may move: never kept.
    assert!(kept >= 8, "{kept} bodies kept");
    site.build(&["--clock", CLOCK]).ok();
    assert!(tree(&site.public()) == first, "the second build differs");
    assert_eq!(bodies_kept(&site), kept);
    assert_same_as_rendered_afresh(&site);
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
    assert_same_as_rendered_afresh(&site);
}

#[test]
fn spoilt_kept_bodies_cost_only_time() {
    let site = TestSite::fixture("basic");
    site.build(&["--clock", CLOCK]).ok();
    let data = site.root().join(".linju/bodies/data");
    spoil(&data);
    site.build(&["--clock", CLOCK]).ok();
    assert_same_as_rendered_afresh(&site);
    let again = std::fs::read(&data).unwrap();
    assert_ne!(again[..8], [0x5A; 8], "rendered and kept anew");
}

/// Overwrites every byte of `file` in place (the same inode, so the
/// index still names it).
fn spoil(file: &Path) {
    let len = std::fs::metadata(file).unwrap().len() as usize;
    let handle = std::fs::OpenOptions::new().write(true).open(file).unwrap();
    std::os::unix::fs::FileExt::write_all_at(&handle, &vec![0x5A; len], 0).unwrap();
}
