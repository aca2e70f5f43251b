//! The site search: what the index holds (and never holds), what a query
//! finds, in which order, and what an edit rewrites. Queries run through
//! the real `search.js` under Node (`tests/search/query.js`); the browser
//! tests that type into the search box are in `search_browser.rs`.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use linju::{BuildOptions, Session, unpack_search_file};
use serde_json::Value;

use crate::harness::TestSite;

const CLOCK: &str = "2025-12-01 10:00";

/// The search fixture, built at a fixed clock.
pub fn built_fixture() -> TestSite {
    let site = TestSite::fixture("search");
    site.build(&["--clock", CLOCK]).ok();
    site
}

/// Runs queries through search.js against a built site: one JSON value
/// per query (`total`, `urls` and `titles` of the first 20, `ranks`).
/// Node is required: without it the test fails rather than pass unchecked.
pub fn search(public: &Path, queries: &[&str]) -> Vec<Value> {
    search_with(public, queries, false)
}

/// [`search`], optionally as a browser without `TextDecoder` (the packed
/// files are then decoded by search.js's own UTF-8 reader).
fn search_with(public: &Path, queries: &[&str], without_text_decoder: bool) -> Vec<Value> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/search/query.js");
    let mut command = Command::new("node");
    let flag = if without_text_decoder { "1" } else { "0" };
    command
        .env("LINJU_NO_TEXTDECODER", flag)
        .arg(script)
        .arg(public)
        .args(queries);
    let output = node(command);
    let lines: Vec<Value> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(lines.len(), queries.len());
    lines
}

/// Runs a Node command, which must succeed. Node is required: without it
/// the test fails rather than pass unchecked.
fn node(mut command: Command) -> std::process::Output {
    let output = command
        .output()
        .expect("node is needed for the search tests (apt-get install nodejs)");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn urls(result: &Value) -> Vec<String> {
    result["urls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u.as_str().unwrap().to_string())
        .collect()
}

/// Every file under `dir` (relative path → bytes), packed search files
/// unpacked so their text can be read.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let relative = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let bytes = std::fs::read(e.path()).unwrap();
            if relative.ends_with(".dz") {
                let text = unpack_search_file(&bytes)
                    .unwrap_or_else(|| panic!("{relative} is not packed"));
                return (relative, text.into_bytes());
            }
            (relative, bytes)
        })
        .collect()
}

#[test]
fn residents_find_names_places_areas_phones_and_words() {
    let site = built_fixture();
    let cases: [(&str, &str); 13] = [
        ("张桂兰", "stories/zhang-guilan/"),
        ("zhangguilan", "stories/zhang-guilan/"),
        ("zhanggui", "stories/zhang-guilan/"),
        ("zgl", "stories/zhang-guilan/"),
        ("ZGL", "stories/zhang-guilan/"),
        ("豆浆", "stories/zhang-guilan/"),
        ("法律诊所", "stations/tinghu/"),
        ("听湖路", "stations/tinghu/"),
        ("0571-8600 1101", "stations/tinghu/"),
        ("057186001101", "stations/tinghu/"),
        ("86001101", "stations/tinghu/"),
        ("wi-fi", "stories/wang/"),
        ("ＷｉＦｉ", "stories/wang/"),
    ];
    let queries: Vec<&str> = cases.iter().map(|(q, _)| *q).collect();
    for ((query, want), result) in cases.iter().zip(search(&site.public(), &queries)) {
        assert_eq!(
            urls(&result).first().map(String::as_str),
            Some(*want),
            "{query}: {result}"
        );
    }
}

#[test]
fn a_query_with_nothing_behind_it_finds_nothing() {
    let site = built_fixture();
    for result in search(&site.public(), &["火星基地", "qqqq", "99999"]) {
        assert_eq!(result["total"], 0, "{result}");
    }
}

/// Every piece of two to four Han characters of a page's own text finds
/// the page: the tokeniser in Rust and in search.js agree.
#[test]
fn every_two_to_four_characters_of_a_page_find_it() {
    let site = built_fixture();
    // Each text is one contiguous run of the page (a field or the body):
    // pieces that straddle two fields are not on the page.
    let texts = [
        (
            "stories/zhang-guilan/",
            "每天清晨四点，她就揉好了第一盆面。街坊说她家的豆浆最地道。",
        ),
        ("stories/zhang-guilan/", "早餐店店主"),
        ("stations/tinghu/", "一楼无台阶，轮椅可以直接进来。"),
        ("stations/tinghu/", "每周三下午律师坐诊"),
        ("stations/tinghu/", "就业服务台"),
        ("events/charging/", "居民代表讨论了充电桩的位置和收费。"),
        ("events/charging/", "听湖社区居委会"),
    ];
    for (url, text) in texts {
        let chars: Vec<char> = text.chars().collect();
        let mut queries: Vec<String> = Vec::new();
        for len in 2..=4 {
            for window in chars.windows(len) {
                if window.iter().all(|c| ('\u{4e00}'..='\u{9fff}').contains(c)) {
                    queries.push(window.iter().collect());
                }
            }
        }
        let refs: Vec<&str> = queries.iter().map(String::as_str).collect();
        for (query, result) in refs.iter().zip(search(&site.public(), &refs)) {
            assert!(
                urls(&result).iter().any(|u| u == url),
                "{query} did not find {url}: {result}"
            );
        }
    }
}

#[test]
fn title_and_name_hits_rank_above_body_hits_and_newer_above_older() {
    let site = built_fixture();
    let found = search(&site.public(), &["充电桩", "张桂兰", "议事会", "王"]);
    // 充电桩: in the newer page's title, in the older one's body.
    assert_eq!(
        urls(&found[0]),
        ["events/charging/", "events/old-charging/"]
    );
    // 张桂兰: a striver's own name above a mention in another's body.
    assert_eq!(urls(&found[1]), ["stories/zhang-guilan/", "stories/wang/"]);
    // 议事会: in both titles, newer first.
    assert_eq!(
        urls(&found[2]),
        ["events/charging/", "events/old-charging/"]
    );
    // One character searches titles and names only.
    assert_eq!(urls(&found[3]), ["stories/wang/"]);
}

#[test]
fn nothing_unpublished_reaches_any_output_file() {
    let site = built_fixture();
    for (path, bytes) in tree(&site.public()) {
        let text = String::from_utf8_lossy(&bytes);
        for secret in [
            "草稿正文",
            "草稿人",
            "定时正文",
            "未来人",
            "还没写完",
            "明年才发布",
        ] {
            assert!(!text.contains(secret), "{secret} in {path}");
        }
        if path.starts_with("search/") {
            assert!(!text.contains("年检"), "an expired notice in {path}");
        }
    }
    // The expired notice keeps its own page (marked expired), outside the index.
    assert!(site.exists("notices/expired/index.html"));
    let found = search(&site.public(), &["年检", "草稿", "定时正文"]);
    assert!(found.iter().all(|r| r["total"] == 0), "{found:?}");
}

#[test]
fn expired_notices_are_found_last_when_the_site_keeps_them() {
    let site = TestSite::fixture("search");
    let config = std::fs::read_to_string(site.root().join("linju.yaml")).unwrap();
    site.write(
        "linju.yaml",
        &format!("{config}search:\n  expired_notices: true\n"),
    );
    site.build(&["--clock", CLOCK]).ok();
    let found = search(&site.public(), &["年检", "通知"]);
    assert_eq!(urls(&found[0]), ["notices/expired/"]);
    assert_eq!(urls(&found[1]), ["notices/water/", "notices/expired/"]);
}

#[test]
fn search_false_leaves_out_the_index_the_page_and_the_box() {
    let site = TestSite::fixture("search");
    let config = std::fs::read_to_string(site.root().join("linju.yaml")).unwrap();
    site.write("linju.yaml", &format!("{config}search: false\n"));
    site.build(&["--clock", CLOCK]).ok();
    assert!(!site.exists("search"));
    let home = site.read("index.html");
    assert!(!home.contains("data-linju-search"), "{home}");
    assert!(!home.contains("search.js"));
}

#[test]
fn the_box_and_the_page_work_under_the_sites_base_path() {
    let site = built_fixture();
    let home = site.read("index.html");
    assert!(home.contains(r#"action="/linjiang/search/""#), "{home}");
    assert!(home.contains(r#"src="/linjiang/search/search.js""#));
    let page = site.read("search/index.html");
    assert!(page.contains("data-linju-results") && page.contains(r#"aria-live="polite""#));
    // Every `?q=` is the same page to a search engine: one canonical
    // address, and no entry in the sitemap.
    assert!(
        page.contains(r#"<link rel="canonical" href="https://example.org/linjiang/search/">"#),
        "{page}"
    );
    assert!(!site.read("sitemap.xml").contains("search/"));
    // Addresses in the index are relative to the base, so the folder can
    // be served anywhere.
    let fragment =
        unpack_search_file(&std::fs::read(site.public().join("search/f/0.dz")).unwrap()).unwrap();
    assert!(
        !fragment.contains("linjiang") && !fragment.contains("https:"),
        "{fragment}"
    );
}

/// Enough pages of varied text that the index needs many shards: each
/// body is a deterministic run of Han characters, so most bigrams are new.
fn many_pages(site: &TestSite) {
    let mut seed: u32 = 7;
    for n in 0..200 {
        let body: String = (0..60)
            .map(|_| {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                char::from_u32(0x4e00 + (seed >> 16) % 3000).unwrap_or('一')
            })
            .collect();
        site.write(
            &format!("content/events/extra-{n:03}.md"),
            &format!(
                "---\ntitle: 第{n}次楼道议事\ndate: 2024-01-{:02}\n---\n{body}\n",
                n % 28 + 1
            ),
        );
    }
}

/// The many-page search fixture built by a live session (as under
/// `serve`), which rebuilds after edits.
struct LiveSite {
    _dir: tempfile::TempDir,
    output: std::path::PathBuf,
    session: Session,
}

fn options(site: &TestSite, output: &Path) -> BuildOptions {
    BuildOptions {
        root: site.root().to_path_buf(),
        output: Some(output.to_path_buf()),
        clock: Some(CLOCK.into()),
        ..Default::default()
    }
}

impl LiveSite {
    fn start() -> (TestSite, LiveSite) {
        let site = TestSite::fixture("search");
        many_pages(&site);
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("site");
        let mut session = Session::new(options(&site, &output)).unwrap();
        session.build().unwrap();
        let live = LiveSite {
            _dir: dir,
            output,
            session,
        };
        (site, live)
    }
}

/// The live index is byte for byte a fresh build's.
fn assert_same_as_fresh(site: &TestSite, live: &Path) {
    let fresh_dir = tempfile::tempdir().unwrap();
    let fresh = fresh_dir.path().join("site");
    Session::new(options(site, &fresh))
        .unwrap()
        .build()
        .unwrap();
    assert!(
        tree(&live.join("search")) == tree(&fresh.join("search")),
        "the live index differs from a fresh build's"
    );
}

#[test]
fn a_body_edit_rewrites_only_the_shards_it_touches() {
    let (site, mut running) = LiveSite::start();
    let live = running.output.clone();
    let session = &mut running.session;
    let shards = std::fs::read_dir(live.join("search/s")).unwrap().count();
    assert!(
        shards >= 4,
        "the fixture should need several shards, has {shards}"
    );
    let file = site.root().join("content/stories/wang.md");
    let text = std::fs::read_to_string(&file).unwrap();
    site.write(
        "content/stories/wang.md",
        &text.replace("修理铺", "修理铺和理发角"),
    );
    let report = session.rebuild(&[file]).unwrap();
    let written: Vec<&String> = report
        .written
        .iter()
        .filter(|p| p.starts_with("search/"))
        .collect();
    let shards_written = written
        .iter()
        .filter(|p| p.starts_with("search/s/"))
        .count();
    assert!(
        shards_written >= 1 && shards_written < shards / 2,
        "{written:?} of {shards} shards"
    );
    // The edited page's own result file, and no other.
    let found = &search(&live, &["理发角"])[0];
    assert_eq!(found["urls"][0], "stories/wang/");
    let own = format!("search/f/{}.dz", found["ids"][0]);
    let fragments: Vec<&&String> = written
        .iter()
        .filter(|p| p.starts_with("search/f/"))
        .collect();
    assert_eq!(fragments, [&&own], "{written:?}");
    assert_same_as_fresh(&site, &live);
}

/// A build after a build takes the result files of unchanged pages, and
/// the shards whose text is unchanged, from the last one instead of
/// packing them again; what it publishes is still byte for byte a fresh
/// build's: the edited page's result has its new text, and a result file
/// or a shard spoiled by hand is made again.
#[test]
fn a_build_after_a_build_keeps_unchanged_results_and_remakes_the_rest() {
    let site = TestSite::fixture("search");
    many_pages(&site);
    site.build(&["--clock", CLOCK]).ok();
    let public = site.public();
    let text = std::fs::read_to_string(site.root().join("content/stories/wang.md")).unwrap();
    site.write(
        "content/stories/wang.md",
        &text.replace("修理铺", "修理铺和理发角"),
    );
    let spoiled = public.join("search/f/3.dz");
    std::fs::write(&spoiled, b"not a result").unwrap();
    let spoiled_shard = public.join("search/s/1.dz");
    std::fs::write(&spoiled_shard, b"not a shard").unwrap();

    site.build(&["--clock", CLOCK]).ok();
    let found = &search(&public, &["理发角"])[0];
    assert_eq!(found["urls"][0], "stories/wang/");
    let own = format!("search/f/{}.dz", found["ids"][0]);
    let result = unpack_search_file(&std::fs::read(public.join(own)).unwrap()).unwrap();
    assert!(result.contains("修理铺和理发角"), "{result}");
    let remade = unpack_search_file(&std::fs::read(&spoiled).unwrap());
    assert!(remade.is_some_and(|r| r.contains("\"u\":")));
    let shard = unpack_search_file(&std::fs::read(&spoiled_shard).unwrap());
    assert!(
        shard.is_some_and(|s| s.starts_with("{\"")),
        "the shard is made again"
    );
    assert_same_as_fresh(&site, &public);
}

/// How many pages' tokens `.linju/search-tokens/index` keeps.
fn tokens_kept(site: &TestSite) -> usize {
    crate::kept_for_next::entries(site, "search-tokens")
}

/// A build after a build takes the tokens of unchanged pages from
/// `.linju/search-tokens/` instead of tokenising them again. It keeps
/// the tokens of the pages it indexed and no others, and what it
/// publishes is still a fresh build's: after an edit and a removed page,
/// and with every kept token spoilt.
#[test]
fn a_build_after_a_build_takes_unchanged_pages_tokens_from_the_last() {
    let site = TestSite::fixture("search");
    many_pages(&site);
    site.build(&["--clock", CLOCK]).ok();
    let public = site.public();
    let indexed = tokens_kept(&site);
    assert!(indexed > 200, "{indexed} pages' tokens kept");

    let text = std::fs::read_to_string(site.root().join("content/stories/wang.md")).unwrap();
    site.write(
        "content/stories/wang.md",
        &text.replace("修理铺", "修理铺和理发角"),
    );
    std::fs::remove_file(site.root().join("content/events/extra-007.md")).unwrap();
    site.build(&["--clock", CLOCK]).ok();
    assert_eq!(
        tokens_kept(&site),
        indexed - 1,
        "the removed page's are dropped"
    );
    let found = &search(&public, &["理发角"])[0];
    assert_eq!(found["urls"][0], "stories/wang/");
    assert_same_as_fresh(&site, &public);

    let data = site.root().join(".linju/search-tokens/data");
    let len = std::fs::metadata(&data).unwrap().len() as usize;
    let file = std::fs::OpenOptions::new().write(true).open(&data).unwrap();
    std::os::unix::fs::FileExt::write_all_at(&file, &vec![0x5A; len], 0).unwrap();
    site.build(&["--clock", CLOCK]).ok();
    let found = &search(&public, &["理发角"])[0];
    assert_eq!(found["urls"][0], "stories/wang/");
    assert_same_as_fresh(&site, &public);
    assert_eq!(tokens_kept(&site), indexed - 1);
    assert_ne!(std::fs::read(&data).unwrap()[..4], [0x5A; 4], "made again");
}

/// Old WebViews have no `TextDecoder`: search.js's own UTF-8 reader gives
/// the same results and titles (Han, Latin, digits, and a character
/// outside the Basic Multilingual Plane).
#[test]
fn without_text_decoder_the_results_are_the_same() {
    let site = TestSite::fixture("search");
    site.write(
        "content/stories/rare.md",
        "---\ntitle: 𠮷野家的老顾客\ndate: 2024-06-01\nperson: 𠮷田\n---\n常来吃早饭。\n",
    );
    site.build(&["--clock", CLOCK]).ok();
    let queries = ["张桂兰", "zgl", "wi-fi", "0571", "𠮷野", "早饭"];
    let modern = search_with(&site.public(), &queries, false);
    let old = search_with(&site.public(), &queries, true);
    assert_eq!(modern, old);
    assert_eq!(old[4]["titles"][0], "𠮷野家的老顾客", "{}", old[4]);
    assert!(old.iter().all(|r| r["total"].as_u64() > Some(0)), "{old:?}");
}

/// A page dated after every other (what a writer adds today) takes the
/// next id: nothing is renumbered, and the index equals a fresh build's.
#[test]
fn a_new_page_of_today_is_added_without_renumbering() {
    let (site, mut running) = LiveSite::start();
    let live = running.output.clone();
    let session = &mut running.session;
    let shards = std::fs::read_dir(live.join("search/s")).unwrap().count();
    let pages = std::fs::read_dir(live.join("search/f")).unwrap().count();
    site.write(
        "content/events/today.md",
        "---\ntitle: 晾衣\ndate: 2025-12-01\n---\n晾衣架\n",
    );
    let report = session
        .rebuild(&[site.root().join("content/events/today.md")])
        .unwrap();
    let written: Vec<&String> = report
        .written
        .iter()
        .filter(|p| p.starts_with("search/"))
        .collect();
    let fragments: Vec<&&String> = written
        .iter()
        .filter(|p| p.starts_with("search/f/"))
        .collect();
    assert_eq!(fragments, [&&format!("search/f/{pages}.dz")], "{written:?}");
    let shards_written = written
        .iter()
        .filter(|p| p.starts_with("search/s/"))
        .count();
    assert!(
        shards_written < shards / 2,
        "{written:?} of {shards} shards"
    );
    assert_eq!(search(&live, &["晾衣架"])[0]["urls"][0], "events/today/");
    assert_same_as_fresh(&site, &live);
}

/// search.js (with its inflater and the theme's behaviour spliced in) is
/// plain ES5, for old Android WebViews and WeChat's browser. Checked by a
/// real parser (acorn, `tests/js/`: `npm ci --prefix tests/js`, which
/// `.ci/run` does); without it the test fails rather than pass unchecked.
#[test]
fn the_search_script_is_plain_es5() {
    let site = built_fixture();
    let tools = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/js");
    assert!(
        tools.join("node_modules/acorn").exists(),
        "acorn is missing: run `npm ci --prefix tests/js`"
    );
    let mut es5 = Command::new("node");
    es5.arg(tools.join("es5.js"))
        .arg(site.public().join("search/search.js"));
    node(es5);
}
