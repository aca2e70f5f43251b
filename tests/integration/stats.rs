//! The year in pictures: `/stats/` and each community page's numbers come
//! from the event records and profiles, and move when the records do.

use crate::harness::{TestSite, fragment, texts};

const CLOCK: &str = "2025-12-01 10:00";

/// The big numbers of the first block of `selector` in a page, as
/// `(label, number)`.
fn numbers(html: &str, selector: &str) -> Vec<(String, u64)> {
    let block = fragment(html, selector);
    let labels = texts(&block, ".stat-numbers dt");
    let values = texts(&block, ".stat-numbers dd strong");
    labels
        .into_iter()
        .zip(values)
        .map(|(label, value)| (label, value.parse().unwrap()))
        .collect()
}

fn number(numbers: &[(String, u64)], label: &str) -> u64 {
    numbers
        .iter()
        .find(|(l, _)| l == label)
        .unwrap_or_else(|| panic!("no {label} in {numbers:?}"))
        .1
}

/// The width of the bar labelled `label` in the chart `id`, in percent.
fn bar_width(html: &str, id: &str, label: &str) -> f64 {
    let chart = fragment(html, &format!("svg[aria-labelledby^='{id}-t']"));
    let labels = texts(&chart, ".chart-label");
    let row = labels
        .iter()
        .position(|l| l == label)
        .unwrap_or_else(|| panic!("no bar {label} in {chart}"));
    let document = scraper::Html::parse_fragment(&chart);
    let bars = scraper::Selector::parse(".chart-bar").unwrap();
    let width = document
        .select(&bars)
        .nth(row)
        .and_then(|b| b.value().attr("width"))
        .unwrap();
    width.trim_end_matches('%').parse().unwrap()
}

/// A table beside a chart: the row for `label`, as `label number unit`.
fn table_value(html: &str, id: &str, label: &str) -> String {
    let block = fragment(html, &format!("section[aria-labelledby='{id}-h']"));
    let heads = texts(&block, ".chart-table tbody th");
    let cells = texts(&block, ".chart-table tbody td");
    heads
        .iter()
        .zip(cells)
        .find(|(head, _)| head.as_str() == label)
        .map(|(head, cell)| format!("{head} {cell}"))
        .unwrap_or_else(|| panic!("no row {label} in {block}"))
}

#[test]
fn the_stats_page_counts_what_the_records_say() {
    let site = TestSite::fixture("basic");
    site.build(&["--clock", CLOCK]).ok();
    let stats = site.read("stats/index.html");
    let all = numbers(&stats, "section[aria-labelledby=stats-all]");
    // One council held (the concert is in 2099), 60 + 37 matters resolved,
    // 46 people, two published strivers and one family.
    assert_eq!(
        all,
        [
            ("居民议事会".to_string(), 1),
            ("办成的实事".to_string(), 97),
            ("社区活动".to_string(), 1),
            ("参与居民".to_string(), 46),
            ("身边的奋斗者".to_string(), 2),
            ("最美家庭".to_string(), 1),
        ]
    );
    assert_eq!(bar_width(&stats, "all-resolved", "新装充电口"), 100.0);
    assert!((bar_width(&stats, "all-resolved", "清理飞线充电") - 61.67).abs() < 0.01);
    assert_eq!(
        table_value(&stats, "all-resolved", "清理飞线充电"),
        "清理飞线充电 37 件"
    );
    // The latest year, the months of 2025 with September's 46 people; and
    // the same on the year's own page.
    assert_eq!(texts(&stats, "h2#stats-latest"), ["2025 年"]);
    for page in [&stats, &site.read("stats/2025/index.html")] {
        assert_eq!(table_value(page, "y2025-months", "9月"), "9月 46 人次");
        assert_eq!(table_value(page, "y2025-months", "10月"), "10月 0 人次");
    }
    // Every chart has its words for a screen reader.
    let description = fragment(&stats, "desc#all-resolved-d");
    assert!(
        description.contains("新装充电口：60件；清理飞线充电：37件"),
        "{description}"
    );
}

#[test]
fn changing_an_event_moves_the_numbers_and_the_bars() {
    let site = TestSite::fixture("basic");
    site.build(&["--clock", CLOCK]).ok();
    let before = site.read("stats/index.html");
    assert_eq!(bar_width(&before, "all-people", "听湖社区"), 100.0);

    let council = std::fs::read_to_string(site.root().join("content/events/council.md")).unwrap();
    site.write(
        "content/events/council.md",
        &council
            .replace("participants: 46", "participants: 80")
            .replace(
                "    count: 37\n",
                "    count: 37\n  - category: 修好路灯\n    count: 120\n",
            ),
    );
    // A second council in the other community, half as many people.
    site.write(
        "content/events/guiyuan-council.md",
        "---\ntitle: 桂园议事会\ndate: 2025-11-20 19:00\nkind: council\nparticipants: 40\ncommunity: guiyuan\nresolved:\n  - category: 修好路灯\n    count: 3\n---\n议事。\n",
    );
    site.build(&["--clock", CLOCK]).ok();
    let after = site.read("stats/index.html");
    let all = numbers(&after, "section[aria-labelledby=stats-all]");
    assert_eq!(number(&all, "居民议事会"), 2);
    assert_eq!(number(&all, "参与居民"), 120);
    assert_eq!(number(&all, "办成的实事"), 60 + 37 + 120 + 3);
    // 修好路灯 (123) is now the longest bar; 新装充电口 shrinks beside it.
    assert_eq!(bar_width(&after, "all-resolved", "修好路灯"), 100.0);
    assert!((bar_width(&after, "all-resolved", "新装充电口") - 48.78).abs() < 0.01);
    assert_eq!(bar_width(&after, "all-people", "听湖社区"), 100.0);
    assert_eq!(bar_width(&after, "all-people", "桂园社区"), 50.0);
    assert_eq!(table_value(&after, "y2025-months", "11月"), "11月 40 人次");

    // Each community page counts its own.
    let guiyuan = site.read("communities/guiyuan/index.html");
    let own = numbers(&guiyuan, ".community-stats");
    assert_eq!(number(&own, "居民议事会"), 1);
    assert_eq!(number(&own, "参与居民"), 40);
    assert_eq!(number(&own, "办成的实事"), 3);
    let tinghu = site.read("communities/tinghu/index.html");
    assert_eq!(
        number(&numbers(&tinghu, ".community-stats"), "参与居民"),
        80
    );
}

#[test]
fn an_event_counts_once_it_has_happened() {
    let site = TestSite::fixture("basic");
    site.build(&["--clock", CLOCK]).ok();
    let now = numbers(
        &site.read("stats/index.html"),
        "section[aria-labelledby=stats-all]",
    );
    assert_eq!(
        number(&now, "社区活动"),
        1,
        "the 2099 concert has not happened"
    );
    site.build(&["--clock", "2100-01-01 10:00"]).ok();
    let later = numbers(
        &site.read("stats/index.html"),
        "section[aria-labelledby=stats-all]",
    );
    assert_eq!(number(&later, "社区活动"), 2);
    let stats = site.read("stats/index.html");
    assert_eq!(texts(&stats, "h2#stats-latest"), ["2099 年"]);
    assert_eq!(
        texts(&stats, "section[aria-labelledby=stats-years] th a"),
        ["2099 年", "2025 年"]
    );
    assert!(site.exists("stats/2099/index.html") && site.exists("stats/2025/index.html"));
}

#[test]
fn long_lists_are_summed_into_one_row_and_each_year_has_its_page() {
    let site = TestSite::fixture("basic");
    for year in 2001..=2012 {
        let resolved: String = (0..20)
            .map(|n| format!("  - category: 第{n}类\n    count: {}\n", 100 - n))
            .collect();
        site.write(
            &format!("content/events/y{year}.md"),
            &format!("---\ntitle: {year}年议事会\ndate: {year}-05-01 19:00\nkind: council\nparticipants: 10\ncommunity: 听湖社区\nresolved:\n{resolved}---\n议事。\n"),
        );
    }
    site.build(&["--clock", CLOCK]).ok();
    let stats = site.read("stats/index.html");
    let rows = texts(
        &fragment(&stats, "section[aria-labelledby='all-resolved-h'] svg"),
        ".chart-label",
    );
    assert_eq!(rows.len(), 15, "{rows:?}");
    assert_eq!(rows.last().map(String::as_str), Some("其余 8 项"));
    // Twenty categories over twelve years: 第14类 to 第19类 and the fixture's
    // two are the rest, 12 × (86 + ... + 81) + 60 + 37.
    assert_eq!(
        table_value(&stats, "all-resolved", "其余 8 项"),
        format!("其余 8 项 {} 件", 12 * (86 + 85 + 84 + 83 + 82 + 81) + 97)
    );
    for year in 2001..=2012 {
        assert!(site.exists(&format!("stats/{year}/index.html")), "{year}");
    }
    let sitemap = site.read("sitemap.xml");
    assert!(sitemap.contains("/stats/2005/</loc>"), "{sitemap}");
}
