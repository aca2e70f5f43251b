//! What a successful build writes.

use crate::harness::{TestSite, assert_well_formed_xml, fragment, texts};

fn built() -> TestSite {
    let site = TestSite::fixture("basic");
    site.build(&[]).ok();
    site
}

#[test]
fn renders_story_fields() {
    let site = built();
    let html = site.read("stories/zhang-gui-lan/index.html");
    assert_eq!(texts(&html, "h1"), ["张桂兰的早餐铺"]);
    assert!(
        html.contains("<html lang=\"zh-CN\">"),
        "the page says it is Chinese"
    );
    insta::assert_snapshot!("story_main", fragment(&html, "main"));
}

#[test]
fn chinese_emphasis_renders_bold() {
    let site = built();
    let html = site.read("stories/zhang-gui-lan/index.html");
    assert!(
        html.contains("<strong>注意：</strong>本周六上午九点集合"),
        "{html}"
    );
}

#[test]
fn chinese_file_names_become_pinyin_slugs() {
    let site = built();
    assert!(site.exists("stories/zhang-gui-lan/index.html"));
    assert!(
        site.read("stories/index.html")
            .contains("/tinghu/stories/zhang-gui-lan/")
    );
}

#[test]
fn chinese_headings_get_ids_and_internal_links_resolve() {
    let site = built();
    let html = site.read("stories/zhang-gui-lan/index.html");
    assert!(
        html.contains("<h2 id=\"yi-long-bao-zi-de-zhang\">一笼包子的账</h2>"),
        "{html}"
    );
    assert!(html.contains("href=\"/tinghu/events/council/\""));
}

#[test]
fn renders_family_members_and_motto() {
    let site = built();
    let html = site.read("families/zhou/index.html");
    assert!(html.contains("周德明家庭"));
    assert!(html.contains(
        "<span class=\"member-name\">周子涵</span><span class=\"member-relation\">孙女</span>"
    ));
    assert!(html.contains("书香传家"));
}

#[test]
fn renders_where_a_council_matter_stands() {
    let site = built();
    let html = site.read("events/council/index.html");
    let current = texts(&html, ".step.is-current");
    assert_eq!(current.len(), 1, "one step is current");
    assert!(current[0].contains("协商"), "{current:?}");
    assert_eq!(texts(&html, ".step.is-done").len(), 1);
    insta::assert_snapshot!("council_main", fragment(&html, "main"));
}

#[test]
fn renders_station_areas_hours_and_tap_to_call() {
    let site = built();
    let html = site.read("stations/tinghu/index.html");
    assert!(fragment(&html, "a[href^='tel:']").contains("href=\"tel:057186001101\""));
    assert!(texts(&html, "h3").contains(&"法律服务室".to_string()));
    insta::assert_snapshot!("station_main", fragment(&html, "main"));
}

#[test]
fn renders_urgent_notices_with_their_validity() {
    let site = built();
    let html = site.read("notices/water/index.html");
    assert!(html.contains("badge-urgent"));
    assert!(html.contains("有效期至"));
    let old = site.read("notices/old/index.html");
    assert!(old.contains("本通知已于 2025年2月1日 星期六 过期"), "{old}");
}

#[test]
fn community_pages_list_their_members() {
    let site = built();
    let html = site.read("communities/tinghu/index.html");
    for expected in [
        "张桂兰的早餐铺",
        "周家读书会",
        "充电桩议事会",
        "听湖服务站",
        "听湖议事厅",
    ] {
        assert!(html.contains(expected), "community page lacks {expected}");
    }
    assert!(
        !html.contains("李明远"),
        "a page of another community is listed"
    );
    let other = site.read("communities/guiyuan/index.html");
    assert!(
        other.contains("李明远"),
        "community named by slug is linked"
    );
}

#[test]
fn home_page_shows_latest_upcoming_unexpired_and_stations() {
    let site = built();
    let html = site.read("index.html");
    assert!(html.contains("首页标题"));
    assert!(html.contains("张桂兰的早餐铺"));
    assert!(html.contains("周家读书会"));
    assert!(html.contains("新年音乐会"), "upcoming event missing");
    assert!(html.contains("停水通知"));
    assert!(!html.contains("过期通知"), "expired notice shown on home");
    assert!(html.contains("听湖服务站"));
}

#[test]
fn sub_path_base_url_prefixes_every_link() {
    let site = built();
    let html = site.read("index.html");
    assert!(html.contains("href=\"/tinghu/style.css\""));
    assert!(html.contains("href=\"/tinghu/stories/\""));
    for (i, _) in html.match_indices("href=\"/") {
        let rest = &html[i + 7..];
        assert!(
            rest.starts_with("tinghu/"),
            "link without the sub-path: {}",
            &rest[..40.min(rest.len())]
        );
    }
    let feed = site.read("atom.xml");
    assert!(feed.contains("https://example.org/tinghu/stories/zhang-gui-lan/"));
}

#[test]
fn base_url_option_overrides_the_config() {
    let site = TestSite::fixture("basic");
    site.build(&["--base-url", "https://other.example/"]).ok();
    let html = site.read("index.html");
    assert!(html.contains("href=\"/style.css\""));
    assert!(
        site.read("sitemap.xml")
            .contains("https://other.example/stories/")
    );
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let site = built();
    assert!(!site.exists("stories/draft-story/index.html"));
    assert!(!site.read("stories/index.html").contains("草稿人物"));
    site.build(&["--drafts"]).ok();
    assert!(site.exists("stories/draft-story/index.html"));
}

#[test]
fn future_pages_wait_for_their_publish_time() {
    let site = built();
    assert!(!site.exists("stories/future-story/index.html"));
    site.build(&["--future"]).ok();
    assert!(site.exists("stories/future-story/index.html"));
    site.build(&["--clock", "2099-01-01 09:00"]).ok();
    assert!(site.exists("stories/future-story/index.html"));
    site.build(&["--clock", "2098-12-31 23:00"]).ok();
    assert!(!site.exists("stories/future-story/index.html"));
}

#[test]
fn clock_decides_which_notices_are_current() {
    let site = TestSite::fixture("basic");
    site.build(&["--clock", "2025-01-15"]).ok();
    assert!(site.read("index.html").contains("过期通知"));
}

#[test]
fn sections_are_paginated() {
    let site = built();
    let first = site.read("stories/index.html");
    assert!(first.contains("第 1 / 2 页"));
    assert!(first.contains("href=\"/tinghu/stories/page/2/\""));
    let second = site.read("stories/page/2/index.html");
    assert!(second.contains("href=\"/tinghu/stories/\""));
    let listed = |html: &str, title: &str| html.contains(title) as usize;
    let total: usize = ["张桂兰的早餐铺", "李明远"]
        .iter()
        .map(|t| listed(&first, t) + listed(&second, t))
        .sum();
    assert_eq!(total, 2, "each page appears exactly once across the pages");
}

#[test]
fn bundles_copy_their_files_and_resolve_relative_links() {
    let site = built();
    // Photos are published only as processed versions (no metadata).
    assert!(!site.exists("events/concert/stage.png"));
    assert!(site.exists("events/concert/program.txt"));
    let html = site.read("events/concert/index.html");
    assert!(
        html.contains(
            "<picture><source type=\"image/webp\" srcset=\"/tinghu/processed_images/stage."
        )
    );
    assert!(html.contains("href=\"/tinghu/events/concert/program.txt\""));
    assert!(
        html.contains("og:image\" content=\"https://example.org/tinghu/processed_images/stage.")
    );
}

#[test]
fn tag_pages_list_tagged_pages() {
    let site = built();
    let index = site.read("tags/index.html");
    assert!(index.contains("#创业"));
    let tag = site.read("tags/chuang-ye/index.html");
    assert!(tag.contains("张桂兰的早餐铺") && tag.contains("李明远"));
}

#[test]
fn feeds_and_sitemap_are_well_formed() {
    let site = built();
    for file in [
        "atom.xml",
        "stories/atom.xml",
        "events/atom.xml",
        "sitemap.xml",
    ] {
        assert_well_formed_xml(&site.read(file));
    }
    let feed = site.read("atom.xml");
    assert!(feed.contains("<title>张桂兰的早餐铺</title>"));
    assert!(feed.contains("<published>2025-10-18T00:00:00+08:00</published>"));
    let sitemap = site.read("sitemap.xml");
    assert!(sitemap.contains("<loc>https://example.org/tinghu/stations/tinghu/</loc>"));
    assert!(
        site.read("robots.txt")
            .contains("Sitemap: https://example.org/tinghu/sitemap.xml")
    );
}

#[test]
fn writes_404_and_theme_static_files() {
    let site = built();
    assert!(site.read("404.html").contains("没有找到这个页面"));
    assert!(site.read("style.css").contains("@media print"));
}

#[test]
fn footer_shows_record_numbers_linked_to_the_registries() {
    let site = built();
    let html = site.read("stories/li/index.html");
    assert!(html.contains(
        "<a href=\"https://beian.miit.gov.cn/\" rel=\"noopener\">浙ICP备12345678号-1</a>"
    ));
    assert!(html.contains("code=33010202000001"));
}

#[test]
fn pages_carry_open_graph_tags_and_no_external_assets() {
    let site = built();
    let html = site.read("stories/zhang-gui-lan/index.html");
    assert!(html.contains("<meta property=\"og:title\" content=\"张桂兰的早餐铺\">"));
    assert!(html.contains(
        "<meta property=\"og:url\" content=\"https://example.org/tinghu/stories/zhang-gui-lan/\">"
    ));
    assert!(!html.contains("<script src=\"http"), "external script");
    assert!(
        !html.contains("stylesheet\" href=\"http"),
        "external stylesheet"
    );
}

#[test]
fn site_templates_override_the_theme_by_name() {
    let site = TestSite::fixture("basic");
    site.write("templates/notice.html", "OVERRIDE {{ page.title }}");
    site.build(&[]).ok();
    assert_eq!(site.read("notices/water/index.html"), "OVERRIDE 停水通知");
    assert!(
        site.read("index.html").contains("首页标题"),
        "other templates still come from the theme"
    );
}

#[test]
fn site_static_files_are_copied() {
    let site = TestSite::fixture("basic");
    site.write("static/images/logo.svg", "<svg/>");
    site.build(&[]).ok();
    assert_eq!(site.read("images/logo.svg"), "<svg/>");
}

#[test]
fn a_bare_content_folder_builds_with_the_built_in_theme() {
    let site = TestSite::empty();
    site.write("linju.yaml", "title: 最小站点\n");
    site.write("content/hello.md", "---\ntitle: 你好\n---\n正文\n");
    site.build(&[]).ok();
    assert!(site.read("hello/index.html").contains("你好"));
    assert!(site.exists("style.css"));
}

#[test]
fn slug_field_wins_and_cannot_escape_the_output() {
    let site = TestSite::fixture("basic");
    site.write(
        "content/notices/a.md",
        "---\ntitle: 甲\nslug: ../../escape\n---\n",
    );
    site.write(
        "content/notices/b.md",
        "---\ntitle: 乙\nslug: custom-name\n---\n",
    );
    site.build(&[]).ok();
    assert!(site.exists("notices/custom-name/index.html"));
    assert!(site.exists("notices/escape/index.html"));
    assert!(!site.root().join("escape").exists());
}

#[test]
fn menu_follows_section_weight() {
    let site = TestSite::fixture("basic");
    site.write(
        "content/stations/_index.md",
        "---\ntitle: 服务站\ntype: station\nweight: 1\n---\n",
    );
    site.build(&[]).ok();
    let html = site.read("index.html");
    let nav = &html[html.find("site-nav").unwrap()..html.find("</nav>").unwrap()];
    let first_link = nav.find("<a href=").unwrap();
    assert!(
        nav[first_link..].starts_with("<a href=\"/tinghu/stations/\""),
        "{nav}"
    );
}

#[test]
fn only_one_previous_site_is_kept_the_spare_the_next_build_stages_into() {
    let site = built();
    for _ in 0..3 {
        site.build(&[]).ok();
    }
    let stale = || !site.leftovers(".linju-old-").is_empty();
    // Anything set aside is removed by a detached process; give it a moment.
    for _ in 0..100 {
        if !stale() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(!stale(), "a previous site was never removed");
    let spare = site.root().join(".linju/spare/public");
    assert!(spare.join("index.html").is_file(), "no spare kept");
    assert_eq!(
        std::fs::read_dir(site.root().join(".linju/spare"))
            .unwrap()
            .count(),
        1
    );
    assert!(site.exists("index.html"));
}

#[test]
fn nested_sections_inherit_their_parents_type() {
    let site = TestSite::fixture("basic");
    site.write(
        "content/events/archive/_index.md",
        "---\ntitle: 往期活动\n---\n",
    );
    site.write(
        "content/events/archive/old-meeting.md",
        "---\ntitle: 往期议事会\ndate: 2024-05-01 19:00\nkind: council\nparticipants: 12\n---\n",
    );
    site.build(&[]).ok();
    let html = site.read("events/archive/old-meeting/index.html");
    assert!(
        html.contains("<strong class=\"count\">12</strong>"),
        "rendered with the event template"
    );
    assert!(
        site.read("events/index.html")
            .contains("href=\"/tinghu/events/archive/\""),
        "parent lists the subsection"
    );
}

#[test]
fn sections_sort_by_weight_or_title_when_asked() {
    let site = TestSite::fixture("basic");
    site.write(
        "content/notices/_index.md",
        "---\ntitle: 通知公告\ntype: notice\nsort_by: weight\n---\n",
    );
    site.write(
        "content/notices/water.md",
        "---\ntitle: 停水通知\nweight: 2\n---\n",
    );
    site.write(
        "content/notices/old.md",
        "---\ntitle: 过期通知\nweight: 1\n---\n",
    );
    site.build(&[]).ok();
    let html = site.read("notices/index.html");
    assert!(
        html.find("过期通知").unwrap() < html.find("停水通知").unwrap(),
        "lighter weight first"
    );
}

#[test]
fn template_and_page_template_choose_templates() {
    let site = TestSite::fixture("basic");
    site.write("templates/plain.html", "PLAIN {{ section.title }}");
    site.write("templates/item.html", "ITEM {{ page.title }}");
    site.write("templates/special.html", "SPECIAL {{ page.title }}");
    site.write(
        "content/notices/_index.md",
        "---\ntitle: 通知公告\ntype: notice\ntemplate: plain.html\npage_template: item.html\n---\n",
    );
    site.write(
        "content/notices/old.md",
        "---\ntitle: 过期通知\ntemplate: special.html\n---\n",
    );
    site.build(&[]).ok();
    assert_eq!(site.read("notices/index.html"), "PLAIN 通知公告");
    assert_eq!(site.read("notices/water/index.html"), "ITEM 停水通知");
    assert_eq!(site.read("notices/old/index.html"), "SPECIAL 过期通知");
}

#[test]
fn the_example_site_builds() {
    let site = TestSite::empty();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = site.root().join("out");
    let run = site.run(&[
        "build",
        "--root",
        &root.to_string_lossy(),
        "--output",
        &output.to_string_lossy(),
    ]);
    let run = run.ok();
    assert!(run.stdout().contains("已生成"), "{}", run.stdout());
    let home = std::fs::read_to_string(output.join("index.html")).unwrap();
    assert!(home.contains("邻里家园"));
    for council in ["charging-piles", "pipe-repair", "parking"] {
        assert!(
            output
                .join(format!("events/{council}/index.html"))
                .is_file(),
            "{council}"
        );
    }
}
