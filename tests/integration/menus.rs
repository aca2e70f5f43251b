//! Menus from `linju.yaml` (issue 17): the office's links among the
//! automatic section entries by weight, a page named by its source file,
//! one level of children, and mistakes named at their line.

use crate::harness::TestSite;

const MENU: &str = "
menu:
  - title: 数据统计
    url: /stats/
    weight: 15
  - title: 街道官网
    url: https://example.gov.cn/linjiang/
  - title: 办事指南
    weight: 5
    children:
      - title: 听湖服务站
        url: \"@/stations/tinghu.md\"
      - title: 市民热线
        url: tel:12345
";

fn with_menu(menu: &str) -> TestSite {
    let site = TestSite::fixture("basic");
    let config = std::fs::read_to_string(site.root().join("linju.yaml")).unwrap();
    site.write("linju.yaml", &format!("{config}{menu}"));
    site
}

/// The titles of the main menu, in order (children after their heading).
fn menu_titles(html: &str) -> Vec<String> {
    let nav = &html[html.find("<nav class=\"site-nav\"").unwrap()..];
    let nav = &nav[..nav.find("</nav>").unwrap()];
    nav.split('<')
        .filter_map(|piece| piece.split_once('>'))
        .map(|(_, text)| text.trim())
        .filter(|text| !text.is_empty())
        .map(str::to_string)
        .collect()
}

#[test]
fn office_links_take_their_place_among_the_sections() {
    let site = with_menu(MENU);
    site.build(&["--clock", "2025-12-01 10:00"]).ok();
    let home = site.read("index.html");
    let titles = menu_titles(&home);
    // 办事指南 (5) before every section, 数据统计 (15) after the first,
    // 街道官网 (no weight) last.
    assert_eq!(titles[0], "办事指南", "{titles:?}");
    assert_eq!(titles[1..3], ["听湖服务站", "市民热线"], "{titles:?}");
    assert_eq!(titles[4], "数据统计", "{titles:?}");
    assert_eq!(titles.last().unwrap(), "街道官网", "{titles:?}");
    assert!(home.contains("<a href=\"/tinghu/stations/tinghu/\">听湖服务站</a>"));
    assert!(home.contains("<a href=\"/tinghu/stats/\">数据统计</a>"));
    assert!(home.contains("<a href=\"https://example.gov.cn/linjiang/\">街道官网</a>"));
    assert!(home.contains("<details><summary>办事指南</summary>"));
    // The stats page marks its own entry as the current one.
    let stats = site.read("stats/index.html");
    assert!(stats.contains("<a href=\"/tinghu/stats/\" aria-current=\"page\">数据统计</a>"));
    assert!(!home.contains("aria-current=\"page\">数据统计"));
}

#[test]
fn menu_mistakes_are_named_at_their_line() {
    for (menu, expected, line) in [
        (
            "\nmenu:\n  - title: 数据统计\n",
            "菜单项「数据统计」没有 url",
            "linju.yaml:",
        ),
        (
            "\nmenu:\n  - title: 官网\n    url: www.example.gov.cn\n",
            "`www.example.gov.cn` 不是链接",
            "linju.yaml:",
        ),
        (
            "\nmenu:\n  - title: 指南\n    children:\n      - title: 下面\n        children:\n          - title: 更下面\n            url: /stats/\n",
            "放在了第二层下面",
            "linju.yaml:",
        ),
        (
            "\nmenu:\n  - title: 中心\n    url: \"@/stations/no-such.md\"\n",
            "`@/stations/no-such.md` 不存在",
            "linju.yaml:",
        ),
    ] {
        let site = with_menu(menu);
        let stderr = site.build(&[]).fails();
        assert!(stderr.contains(expected), "{stderr}");
        assert!(
            stderr.contains(line) && stderr.contains("提示："),
            "{stderr}"
        );
        assert!(!site.public().exists());
    }
}
