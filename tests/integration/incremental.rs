//! Incremental rebuilds against fresh builds: after any sequence of edits,
//! additions, deletions and renames, a session's output must be
//! byte-identical to a full build of the same files.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use linju::BuildOptions;
use linju::{Scope, Session};

use crate::harness::{Random, TestSite};

const CLOCK: &str = "2025-12-01 10:00";

fn options(root: &Path, output: &Path) -> BuildOptions {
    BuildOptions {
        root: root.to_path_buf(),
        output: Some(output.to_path_buf()),
        clock: Some(CLOCK.into()),
        ..Default::default()
    }
}

/// Every file under `dir`, by relative path.
pub(crate) fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let relative = e.path().strip_prefix(dir).unwrap();
            (
                relative.to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

fn assert_same_as_fresh_build(site: &TestSite, live: &Path, context: &str) {
    let fresh_dir = tempfile::tempdir().unwrap();
    let fresh = fresh_dir.path().join("site");
    linju::build(&options(site.root(), &fresh)).expect("fresh build");
    let (live_tree, fresh_tree) = (tree(live), tree(&fresh));
    let only_live: Vec<&String> = live_tree
        .keys()
        .filter(|p| !fresh_tree.contains_key(*p))
        .collect();
    let only_fresh: Vec<&String> = fresh_tree
        .keys()
        .filter(|p| !live_tree.contains_key(*p))
        .collect();
    assert!(
        only_live.is_empty() && only_fresh.is_empty(),
        "file lists differ after {context}:\n  only in the live site: {only_live:?}\n  only in a fresh build: {only_fresh:?}"
    );
    for (path, bytes) in &fresh_tree {
        if live_tree[path] != *bytes {
            panic!(
                "{path} differs after {context}:\n--- incremental\n{}\n--- fresh\n{}",
                String::from_utf8_lossy(&live_tree[path]),
                String::from_utf8_lossy(bytes)
            );
        }
    }
}

/// Puts the site's files back as they were in `before`; returns the paths
/// it touched.
fn restore(root: &Path, before: &BTreeMap<String, Vec<u8>>) -> Vec<PathBuf> {
    let now = tree(root);
    let mut touched = Vec::new();
    for path in now.keys().filter(|p| !before.contains_key(*p)) {
        std::fs::remove_file(root.join(path)).unwrap();
        touched.push(root.join(path));
    }
    for (path, bytes) in before {
        if now.get(path) != Some(bytes) {
            std::fs::create_dir_all(root.join(path).parent().unwrap()).unwrap();
            std::fs::write(root.join(path), bytes).unwrap();
            touched.push(root.join(path));
        }
    }
    touched
}

/// Page files now in the site (not section files), relative to the root.
fn page_files(root: &Path) -> Vec<String> {
    let mut files: Vec<String> = walkdir::WalkDir::new(root.join("content"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| {
            let name = e.file_name().to_string_lossy();
            e.file_type().is_file() && name.ends_with(".md") && name != "_index.md"
        })
        .map(|e| {
            e.path()
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    files.sort();
    files
}

/// Pages nothing else depends on by name, safe to delete or rename
/// without making the site invalid.
fn loose_pages(root: &Path) -> Vec<String> {
    page_files(root)
        .into_iter()
        .filter(|p| !p.contains("communities/") && !p.ends_with("index.md"))
        .collect()
}

const TAGS: [&str; 5] = ["志愿服务", "创业", "敬老", "垃圾分类", "读书会"];

/// What an edit did: the paths it touched and a line for the history.
struct Applied {
    paths: Vec<PathBuf>,
    what: String,
}

impl Applied {
    fn new(paths: Vec<PathBuf>, what: impl Into<String>) -> Applied {
        Applied {
            paths,
            what: what.into(),
        }
    }
}

/// The edits a writer (or a theme author) makes, by name. The property test
/// draws from these with [`Edit::WEIGHTED`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Edit {
    /// Text added at the end of a page.
    Body,
    /// A page's title changed (moves it in lists sorted by title).
    Title,
    /// A page's `summary:` written or changed (shown in its card and
    /// feeds, never what orders pages).
    Summary,
    /// A page's tags replaced.
    Tags,
    /// A new page in a section, maybe in a community.
    NewPage,
    /// A page deleted.
    Delete,
    /// A page renamed (a new URL).
    Rename,
    /// `templates/story.html` written or removed.
    StoryTemplate,
    /// A stylesheet under `static/` changed.
    Stylesheet,
    /// The bundle's photo replaced by another.
    BundlePhoto,
    /// A plain file in a bundle written or removed.
    BundleFile,
    /// A section's title changed.
    SectionTitle,
    /// A template that calls `resize_image` added, changed or removed: the
    /// photos it asked for must leave the output with the call.
    ResizeImageTemplate,
}

impl Edit {
    /// Each edit with how often it is drawn (body edits are the commonest).
    const WEIGHTED: [(Edit, usize); 13] = [
        (Edit::Body, 3),
        (Edit::Title, 1),
        (Edit::Summary, 1),
        (Edit::Tags, 1),
        (Edit::NewPage, 1),
        (Edit::Delete, 1),
        (Edit::Rename, 1),
        (Edit::StoryTemplate, 1),
        (Edit::Stylesheet, 1),
        (Edit::BundlePhoto, 1),
        (Edit::BundleFile, 1),
        (Edit::SectionTitle, 1),
        (Edit::ResizeImageTemplate, 1),
    ];

    fn draw(random: &mut Random) -> Edit {
        let total: usize = Edit::WEIGHTED.iter().map(|(_, w)| w).sum();
        let mut at = random.below(total);
        for (edit, weight) in Edit::WEIGHTED {
            if at < weight {
                return edit;
            }
            at -= weight;
        }
        Edit::Body
    }

    fn apply(self, site: &TestSite, random: &mut Random, step: usize) -> Applied {
        match self {
            Edit::Body => edit_body(site, random, step),
            Edit::Title => edit_title(site, random, step),
            Edit::Summary => edit_summary(site, random, step),
            Edit::Tags => edit_tags(site, random),
            Edit::NewPage => new_page(site, random, step),
            Edit::Delete => delete_page(site, random),
            Edit::Rename => rename_page(site, random, step),
            Edit::StoryTemplate => story_template(site, random, step),
            Edit::Stylesheet => stylesheet(site, step),
            Edit::BundlePhoto => bundle_photo(site, step),
            Edit::BundleFile => bundle_file(site, random, step),
            Edit::SectionTitle => section_title(site, step),
            Edit::ResizeImageTemplate => resize_image_template(site, random, step),
        }
    }
}

fn read(site: &TestSite, relative: &str) -> String {
    std::fs::read_to_string(site.root().join(relative)).unwrap()
}

fn edit_body(site: &TestSite, random: &mut Random, step: usize) -> Applied {
    let file = random.pick(&page_files(site.root())).clone();
    let text = format!(
        "{}\n\n第 {step} 次补充：居民反映良好。\n",
        read(site, &file)
    );
    site.write(&file, &text);
    Applied::new(
        vec![site.root().join(&file)],
        format!("body edit of {file}"),
    )
}

fn edit_title(site: &TestSite, random: &mut Random, step: usize) -> Applied {
    let file = random.pick(&page_files(site.root())).clone();
    let text = read(site, &file).replacen("title: ", &format!("title: 改{step} "), 1);
    site.write(&file, &text);
    Applied::new(
        vec![site.root().join(&file)],
        format!("title edit of {file}"),
    )
}

fn edit_summary(site: &TestSite, random: &mut Random, step: usize) -> Applied {
    let file = random.pick(&page_files(site.root())).clone();
    let text = read(site, &file);
    let summary = format!("summary: 第 {step} 版摘要，居民一看就懂。\n");
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let edited: String = if let Some(at) = lines.iter().position(|l| l.starts_with("summary:")) {
        let mut lines: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        lines[at] = summary;
        lines.concat()
    } else {
        // After the opening `---`, before the first key.
        text.replacen("---\n", &format!("---\n{summary}"), 1)
    };
    site.write(&file, &edited);
    Applied::new(
        vec![site.root().join(&file)],
        format!("summary edit of {file}"),
    )
}

fn edit_tags(site: &TestSite, random: &mut Random) -> Applied {
    let file = random.pick(&loose_pages(site.root())).clone();
    let text = read(site, &file);
    let tags = format!("tags: [{}, {}]", random.pick(&TAGS), random.pick(&TAGS));
    // The same two tags may be drawn again: then the page is as it was.
    let unchanged = text.lines().any(|l| l == tags);
    let text = match text.lines().find(|l| l.starts_with("tags:")) {
        Some(line) => text.replacen(line, &tags, 1),
        None => text.replacen("---\n", &format!("---\n{tags}\n"), 1),
    };
    site.write(&file, &text);
    Applied::new(
        vec![site.root().join(&file)],
        format!(
            "tags edit of {file}{}",
            if unchanged { " (the same tags)" } else { "" }
        ),
    )
}

fn new_page(site: &TestSite, random: &mut Random, step: usize) -> Applied {
    let section = random.pick(&["stories", "notices", "families"]);
    let file = format!("content/{section}/new-{step}.md");
    let day = 1 + random.below(28);
    let community = random.pick(&["", "community: guiyuan\n", "community: tinghu\n"]);
    let tag = random.pick(&TAGS);
    site.write(
        &file,
        &format!("---\ntitle: 新条目{step}\ndate: 2025-10-{day:02}\n{community}tags: [{tag}]\n---\n新内容 {step}。\n"),
    );
    Applied::new(vec![site.root().join(&file)], format!("new page {file}"))
}

fn delete_page(site: &TestSite, random: &mut Random) -> Applied {
    let pages = loose_pages(site.root());
    if pages.len() < 3 {
        return Applied::new(Vec::new(), "nothing");
    }
    let file = random.pick(&pages).clone();
    std::fs::remove_file(site.root().join(&file)).unwrap();
    Applied::new(vec![site.root().join(&file)], format!("delete {file}"))
}

fn rename_page(site: &TestSite, random: &mut Random, step: usize) -> Applied {
    let file = random.pick(&loose_pages(site.root())).clone();
    let renamed = file.replace(".md", &format!("-r{step}.md"));
    std::fs::rename(site.root().join(&file), site.root().join(&renamed)).unwrap();
    Applied::new(
        vec![site.root().join(&file), site.root().join(&renamed)],
        format!("rename {file} → {renamed}"),
    )
}

fn story_template(site: &TestSite, random: &mut Random, step: usize) -> Applied {
    let file = "templates/story.html";
    let path = site.root().join(file);
    if random.below(3) == 0 && path.exists() {
        std::fs::remove_file(&path).unwrap();
        return Applied::new(vec![path], "template override removed");
    }
    site.write(
        file,
        &format!(
            "{{% extends \"base.html\" %}}{{% block content %}}<h1>{{{{ page.title }}}}</h1><p>版本 {step}</p>{{{{ page.content | safe }}}}{{% endblock content %}}"
        ),
    );
    Applied::new(vec![path], "template override of story.html")
}

fn stylesheet(site: &TestSite, step: usize) -> Applied {
    let file = "static/extra.css";
    site.write(file, &format!("body {{ margin: {step}px; }}\n"));
    Applied::new(vec![site.root().join(file)], "stylesheet edit")
}

/// A new photo in place of the bundle's: new processed files, the old ones
/// gone from the output.
fn bundle_photo(site: &TestSite, step: usize) -> Applied {
    let file = "content/events/concert/stage.png";
    let shade = (step * 37 % 200) as u8;
    let photo = image::RgbImage::from_pixel(200 + step as u32, 150, image::Rgb([shade, 90, 120]));
    photo.save(site.root().join(file)).unwrap();
    Applied::new(vec![site.root().join(file)], "bundle photo replaced")
}

fn bundle_file(site: &TestSite, random: &mut Random, step: usize) -> Applied {
    let file = format!("content/events/concert/note-{}.txt", random.below(3));
    let path = site.root().join(&file);
    if path.exists() && random.below(2) == 0 {
        std::fs::remove_file(&path).unwrap();
        return Applied::new(vec![path], format!("bundle file {file} removed"));
    }
    site.write(&file, &format!("附件 {step}"));
    Applied::new(vec![path], format!("bundle file {file} written"))
}

fn section_title(site: &TestSite, step: usize) -> Applied {
    let file = "content/stories/_index.md";
    let text = read(site, file).replacen("title: ", &format!("title: 栏{step}"), 1);
    site.write(file, &text);
    Applied::new(vec![site.root().join(file)], "section title edit")
}

/// `templates/notice.html` that asks for a thumbnail of the concert photo
/// with `resize_image` (a size chosen by `step`), or the same template
/// without the call, or no override at all.
fn resize_image_template(site: &TestSite, random: &mut Random, step: usize) -> Applied {
    let file = "templates/notice.html";
    let path = site.root().join(file);
    let (text, what) = match random.below(3) {
        0 => (
            NOTICE_WITHOUT_PHOTO.to_string(),
            "resize_image call removed",
        ),
        1 => (
            notice_with_photo(40 + step as u32),
            "resize_image call added",
        ),
        _ => {
            if path.exists() {
                std::fs::remove_file(&path).unwrap();
            }
            return Applied::new(vec![path], "notice template override removed");
        }
    };
    site.write(file, &text);
    Applied::new(vec![path], what)
}

const NOTICE_WITHOUT_PHOTO: &str = "{% extends \"base.html\" %}{% block content %}<h1>{{ page.title }}</h1>{{ page.content | safe }}{% endblock content %}";

fn notice_with_photo(size: u32) -> String {
    format!(
        "{{% extends \"base.html\" %}}{{% block content %}}{{% set thumb = resize_image(path=\"events/concert/stage.png\", width={size}, height={size}, op=\"fill\") %}}<img src=\"{{{{ thumb.url }}}}\" alt=\"\"><h1>{{{{ page.title }}}}</h1>{{{{ page.content | safe }}}}{{% endblock content %}}"
    )
}

/// How many random sequences the property test tries:
/// `LINJU_PROPERTY_SEEDS` (300 for a thorough local run), 24 by default.
fn seeds() -> u64 {
    std::env::var("LINJU_PROPERTY_SEEDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(24)
}

#[test]
fn any_sequence_of_edits_matches_a_fresh_build() {
    let mut total_narrow = 0;
    for seed in 1..=seeds() {
        let site = TestSite::fixture("basic");
        let live_dir = tempfile::tempdir().unwrap();
        let live = live_dir.path().join("site");
        let mut session = Session::new(options(site.root(), &live)).unwrap();
        session.build().expect("first build");
        let mut random = Random(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
        let mut history = Vec::new();
        let mut narrow_rebuilds = 0;
        for step in 0..8 {
            let before = tree(site.root());
            let edit = Edit::draw(&mut random);
            let Applied { paths, what } = edit.apply(&site, &mut random, step);
            history.push(what);
            let context = format!("seed {seed}: {}", history.join("; "));
            let rebuilt = session.rebuild(&paths);
            if let Ok(report) = &rebuilt {
                narrow_rebuilds += usize::from(report.narrow);
                // Only an edit of a body, a summary or a title (one that
                // keeps the page's place in its lists), or one that changed
                // nothing, may take the narrow path.
                let narrow_edit = matches!(edit, Edit::Body | Edit::Summary | Edit::Title)
                    || context.ends_with("(the same tags)");
                assert!(!report.narrow || narrow_edit, "{context}");
            }
            if let Err(errors) = rebuilt {
                // An edit that breaks the site must break a fresh build too;
                // undoing it must bring the live site back in step.
                let fresh_dir = tempfile::tempdir().unwrap();
                let fresh = linju::build(&options(site.root(), &fresh_dir.path().join("site")));
                assert!(
                    fresh.is_err(),
                    "only the rebuild failed after {context}: {errors}"
                );
                let undone = restore(site.root(), &before);
                history.push("undo".into());
                session.rebuild(&undone).expect("rebuild after undo");
            }
            assert_same_as_fresh_build(&site, &live, &context);
        }
        total_narrow += narrow_rebuilds;
    }
    // Body edits are drawn most often: some of them must have taken the
    // narrow path, or this test would not hold it to a fresh build.
    assert!(total_narrow > 0, "no rebuild took the narrow path");
}

/// The basic fixture, a session publishing it into a temporary folder
/// (kept alive by the returned guard), and that folder.
fn live_session() -> (TestSite, tempfile::TempDir, PathBuf, Session) {
    let site = TestSite::fixture("basic");
    let live_dir = tempfile::tempdir().unwrap();
    let live = live_dir.path().join("site");
    let session = Session::new(options(site.root(), &live)).unwrap();
    (site, live_dir, live, session)
}

#[test]
fn a_body_edit_rebuilds_only_what_shows_the_page() {
    let (site, _live_dir, live, mut session) = live_session();
    let first = session.build().unwrap();
    let file = "content/stories/li.md";
    let text = std::fs::read_to_string(site.root().join(file)).unwrap();
    site.write(
        file,
        &text.replace("第三位。", "第三位，也是最年轻的一位。"),
    );
    let report = session.rebuild(&[site.root().join(file)]).unwrap();
    assert_eq!(report.scope, Scope::Pages(1));
    assert!(
        report.narrow,
        "a body edit looks only at what shows the page"
    );
    assert!(
        report.rendered < first.rendered / 2,
        "rendered {} of {}",
        report.rendered,
        first.rendered
    );
    assert!(
        report
            .written
            .contains(&"stories/li/index.html".to_string())
    );
    assert!(
        !report
            .written
            .contains(&"stations/tinghu/index.html".to_string()),
        "an unrelated page was rewritten: {:?}",
        report.written
    );
    assert_same_as_fresh_build(&site, &live, "one body edit");
}

#[test]
fn a_template_edit_rerenders_only_the_pages_that_use_it() {
    let (site, _live_dir, live, mut session) = live_session();
    session.build().unwrap();
    site.write(
        "templates/station.html",
        "{% extends \"base.html\" %}{% block content %}<h1>站点：{{ page.title }}</h1>{% endblock content %}",
    );
    let report = session
        .rebuild(&[site.root().join("templates/station.html")])
        .unwrap();
    assert_eq!(report.rendered, 1, "written: {:?}", report.written);
    assert_eq!(report.written, ["stations/tinghu/index.html"]);
    assert_same_as_fresh_build(&site, &live, "a template override");
}

#[test]
fn a_failed_rebuild_keeps_the_site_and_the_fix_catches_up() {
    let (site, _live_dir, live, mut session) = live_session();
    session.build().unwrap();
    let before = tree(&live);
    let file = "content/stories/li.md";
    let good = std::fs::read_to_string(site.root().join(file)).unwrap();
    site.write(file, &good.replace("date: 2025-09-02", "date: 2025-13-02"));
    let errors = session.rebuild(&[site.root().join(file)]).unwrap_err();
    let message = errors.to_string();
    assert!(
        message.contains("li.md") && message.contains(":3"),
        "{message}"
    );
    assert_eq!(tree(&live), before, "a failed rebuild changed the site");
    // The writer fixes the page and, in the same burst, edits another one.
    site.write(file, &good.replace("第三位。", "第三位（已更正）。"));
    let other = "content/notices/water.md";
    let text = std::fs::read_to_string(site.root().join(other)).unwrap();
    site.write(other, &text.replace("明天停水。", "明天上午停水。"));
    session.rebuild(&[site.root().join(other)]).unwrap();
    assert_same_as_fresh_build(&site, &live, "a fix after a failure");
}

#[test]
fn a_photo_a_template_stops_asking_for_leaves_the_site() {
    let (site, _live_dir, live, mut session) = live_session();
    session.build().unwrap();
    let template = site.root().join("templates/notice.html");
    site.write("templates/notice.html", &notice_with_photo(48));
    session.rebuild(std::slice::from_ref(&template)).unwrap();
    let thumbnails = |dir: &Path| -> Vec<String> {
        tree(dir)
            .into_keys()
            .filter(|p| p.starts_with("processed_images/") && p.ends_with(".48x48.jpg"))
            .collect()
    };
    assert_eq!(
        thumbnails(&live).len(),
        1,
        "the thumbnail was not published"
    );
    assert_same_as_fresh_build(&site, &live, "a resize_image call added");
    site.write("templates/notice.html", NOTICE_WITHOUT_PHOTO);
    session.rebuild(std::slice::from_ref(&template)).unwrap();
    assert_eq!(
        thumbnails(&live),
        Vec::<String>::new(),
        "the thumbnail stayed"
    );
    assert_same_as_fresh_build(&site, &live, "a resize_image call removed");
}

/// A community's list that grows past what its page shows gets pages of its
/// own, and loses them again when it shrinks: both as a fresh build has them.
#[test]
fn a_community_list_growing_and_shrinking_matches_a_fresh_build() {
    let (site, _live_dir, live, mut session) = live_session();
    session.build().unwrap();
    let list = live.join("communities/tinghu/stories/index.html");
    let mut added = Vec::new();
    for n in 0..7 {
        let file = format!("content/stories/grow-{n}.md");
        site.write(
            &file,
            &format!("---\ntitle: 新人{n}\ndate: 2025-09-{:02}\nperson: 新人{n}\ncommunity: 听湖社区\n---\n新来的。\n", n + 1),
        );
        session.rebuild(&[site.root().join(&file)]).unwrap();
        assert_same_as_fresh_build(&site, &live, &format!("adding story {n}"));
        added.push(file);
    }
    assert!(
        list.exists(),
        "eight stories in 听湖社区 need a list of their own"
    );
    for file in added.iter().rev() {
        site.remove(file);
        session.rebuild(&[site.root().join(file)]).unwrap();
        assert_same_as_fresh_build(&site, &live, &format!("removing {file}"));
    }
    assert!(!list.exists(), "the list left with its stories");
}

/// An event's numbers feed `/stats/` and its community's page: an edit of
/// them rewrites both, as a fresh build has them.
#[test]
fn an_edit_of_an_events_numbers_moves_the_stats() {
    let (site, _live_dir, live, mut session) = live_session();
    session.build().unwrap();
    let file = "content/events/council.md";
    let text = read(&site, file);
    site.write(file, &text.replace("participants: 46", "participants: 64"));
    let report = session.rebuild(&[site.root().join(file)]).unwrap();
    for expected in ["stats/index.html", "communities/tinghu/index.html"] {
        assert!(
            report.written.contains(&expected.to_string()),
            "{expected} not rewritten: {:?}",
            report.written
        );
    }
    assert!(
        std::fs::read_to_string(live.join("stats/index.html"))
            .unwrap()
            .contains("64")
    );
    assert_same_as_fresh_build(&site, &live, "participants edit");
}

/// The output folder of `watch` deleted by hand: the next rebuild puts the
/// whole site back, not just the file the edit touched.
#[test]
fn an_output_folder_deleted_by_hand_comes_back_whole() {
    let (site, _live_dir, live, mut session) = live_session();
    session.build().unwrap();
    std::fs::remove_dir_all(&live).unwrap();
    let file = "content/stories/li.md";
    site.write(file, &read(&site, file).replace("第三位。", "第三位！"));
    session.rebuild(&[site.root().join(file)]).unwrap();
    assert_same_as_fresh_build(&site, &live, "a rebuild after the output was deleted");
}

#[test]
fn a_body_edit_patches_the_search_index_and_touches_nothing_else() {
    let (site, _live_dir, live, mut session) = live_session();
    session.build().unwrap();
    let file = "content/events/council.md";
    let text = std::fs::read_to_string(site.root().join(file)).unwrap();
    site.write(file, &format!("{text}\n会后大家一起品尝了藕粉圆子。\n"));
    let report = session.rebuild(&[site.root().join(file)]).unwrap();
    assert!(report.narrow, "a body edit takes the narrow path");
    let written = &report.written;
    assert!(written.contains(&"events/council/index.html".to_string()));
    // The new words are in the shards their tokens hash to, and the entry
    // names the index's new version.
    assert!(
        written.iter().any(|p| p.starts_with("search/s/")),
        "{written:?}"
    );
    assert!(written.contains(&"search/index.json".to_string()));
    // Nothing that does not show the body moved.
    for untouched in [
        "sitemap.xml",
        "stations/tinghu/index.html",
        "search/search.js",
    ] {
        assert!(
            !written.contains(&untouched.to_string()),
            "{untouched}: {written:?}"
        );
    }
    assert_same_as_fresh_build(&site, &live, "a body edit of an event");
}

#[test]
fn a_body_edit_that_adds_a_photo_takes_the_general_path() {
    let (site, _live_dir, live, mut session) = live_session();
    session.build().unwrap();
    let file = "content/events/concert/index.md";
    let photos: Vec<String> = std::fs::read_dir(site.root().join("content/events/concert"))
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".jpg") || name.ends_with(".png"))
        .collect();
    let photo = photos.first().expect("the concert bundle has a photo");
    let text = std::fs::read_to_string(site.root().join(file)).unwrap();
    site.write(file, &format!("{text}\n![演出现场]({photo})\n"));
    let report = session.rebuild(&[site.root().join(file)]).unwrap();
    assert!(
        !report.narrow,
        "a new picture in a body changes what photos the site uses"
    );
    assert_same_as_fresh_build(&site, &live, "a photo added to a body");
}

#[test]
fn a_summary_edit_takes_the_narrow_path_and_refreshes_the_lists_showing_it() {
    let (site, _live_dir, live, mut session) = live_session();
    session.build().unwrap();
    let file = "content/stations/tinghu.md";
    let text = std::fs::read_to_string(site.root().join(file)).unwrap();
    let edited = text.replacen("---\n", "---\nsummary: 听湖服务站新添了助老餐桌。\n", 1);
    site.write(file, &edited);
    let report = session.rebuild(&[site.root().join(file)]).unwrap();
    assert!(
        report.narrow,
        "a summary orders nothing: {:?}",
        report.written
    );
    assert!(
        report
            .written
            .contains(&"stations/tinghu/index.html".to_string())
    );
    assert!(
        report.written.contains(&"stations/index.html".to_string()),
        "the station list shows the card's summary: {:?}",
        report.written
    );
    assert_same_as_fresh_build(&site, &live, "a summary edit");
}

#[test]
fn a_new_title_that_keeps_its_place_takes_the_narrow_path_and_its_old_address_follows() {
    let (site, _live_dir, live, mut session) = live_session();
    let file = "content/stations/tinghu.md";
    let text = std::fs::read_to_string(site.root().join(file)).unwrap();
    site.write(
        file,
        &text.replacen("---\n", "---\naliases: [/old-tinghu/]\n", 1),
    );
    session.build().unwrap();
    site.write(
        file,
        &std::fs::read_to_string(site.root().join(file))
            .unwrap()
            .replace("title: 听湖服务站", "title: 听湖社区服务站"),
    );
    let report = session.rebuild(&[site.root().join(file)]).unwrap();
    assert!(report.narrow, "{:?}", report.written);
    // The redirect page at the old address shows the new title too.
    assert!(
        report
            .written
            .contains(&"old-tinghu/index.html".to_string())
    );
    assert_same_as_fresh_build(&site, &live, "a station's new title");
}
