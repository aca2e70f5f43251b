//! Light pages at any size: every list of the home page and of a community
//! page is bounded, says how many there are and leads to the whole list, so
//! no HTML page grows with the site.

use crate::harness::{TestSite, texts};

/// The basic fixture with `stories` more stories, `stations` more stations
/// and `notices` more current notices, all in 听湖社区.
pub fn crowded(stories: usize, stations: usize, notices: usize) -> TestSite {
    let site = TestSite::fixture("basic");
    for n in 0..stories {
        site.write(
            &format!("content/stories/extra-{n:04}.md"),
            &format!(
                "---\ntitle: 第{n}位奋斗者\ndate: 2025-0{}-{:02}\nperson: 居民{n}\ncommunity: 听湖社区\n---\n{}\n",
                1 + n % 9,
                1 + n % 28,
                "每天早上六点出门，晚上九点回家，二十年如一日。".repeat(4)
            ),
        );
    }
    for n in 0..stations {
        site.write(
            &format!("content/stations/extra-{n:04}.md"),
            &format!(
                "---\ntitle: 第{n}服务点\naddress: 听湖路 {n} 号\ncommunity: 听湖社区\n---\n一楼。\n"
            ),
        );
    }
    for n in 0..notices {
        site.write(
            &format!("content/notices/extra-{n:04}.md"),
            &format!(
                "---\ntitle: 第{n}号通知\ndate: 2025-11-{:02}\nexpires: 2030-01-01\ncommunity: 听湖社区\n---\n请留意。\n",
                1 + n % 28
            ),
        );
    }
    site
}

const CLOCK: &str = "2025-12-01 10:00";

#[test]
fn the_home_page_shows_a_few_of_each_kind_and_how_many_there_are() {
    let site = crowded(20, 15, 12);
    site.build(&["--clock", CLOCK]).ok();
    let home = site.read("index.html");
    for (block, expected) in [
        ("home-stories", 6),
        ("home-stations", 6),
        ("home-notices", 6),
    ] {
        let cards = texts(
            &home,
            &format!("section[aria-labelledby={block}] .card-title"),
        );
        assert_eq!(cards.len(), expected, "{block}: {cards:?}");
    }
    let more = texts(&home, ".more a");
    // 22 published stories (the fixture's two and twenty more), 16 stations,
    // 13 current notices.
    for expected in [
        "查看全部奋斗者（共 22 条）",
        "查看全部服务站（共 16 条）",
        "查看全部通知（共 13 条）",
    ] {
        assert!(more.iter().any(|m| m == expected), "{expected} in {more:?}");
    }
    let story_link = scraper::Html::parse_document(&home)
        .select(&scraper::Selector::parse("section[aria-labelledby=home-stories] .more a").unwrap())
        .next()
        .and_then(|a| a.value().attr("href").map(str::to_string));
    assert_eq!(story_link.as_deref(), Some("/tinghu/stories/"));
}

#[test]
fn a_community_page_leads_to_its_whole_list_page_by_page() {
    let site = crowded(20, 0, 0);
    site.build(&["--clock", CLOCK]).ok();
    let community = site.read("communities/tinghu/index.html");
    let more: Vec<String> = texts(&community, ".more a")
        .into_iter()
        .filter(|m| m.starts_with("查看"))
        .collect();
    assert_eq!(more, ["查看本社区全部奋斗者（共 21 条）"], "{community}");
    assert!(community.contains(r#"href="/tinghu/communities/tinghu/stories/""#));
    let shown = community.matches("class=\"card card-story").count();
    assert_eq!(shown, 6, "the community page shows six stories");

    // paginate_by: 2 in the fixture: 21 stories on 11 pagers, each once.
    let mut seen = Vec::new();
    for number in 1..=11 {
        let path = if number == 1 {
            "communities/tinghu/stories/index.html".to_string()
        } else {
            format!("communities/tinghu/stories/page/{number}/index.html")
        };
        let pager = site.read(&path);
        if number == 1 {
            assert_eq!(texts(&pager, "h1"), ["听湖社区 · 身边的奋斗者"]);
            assert_eq!(texts(&pager, ".lead"), ["共 21 条"]);
        }
        seen.extend(texts(&pager, ".card-title"));
    }
    assert!(!site.exists("communities/tinghu/stories/page/12/index.html"));
    let unique: std::collections::BTreeSet<&String> = seen.iter().collect();
    assert_eq!((seen.len(), unique.len()), (21, 21), "{seen:?}");
    // A short list has no page of its own.
    assert!(!site.exists("communities/tinghu/families/index.html"));
}

#[test]
fn no_page_grows_past_200_kb_with_the_site() {
    let site = crowded(900, 300, 300);
    site.build(&["--clock", CLOCK]).ok();
    let mut largest = (0, String::new());
    for entry in walkdir::WalkDir::new(site.public()) {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|e| e == "html") {
            let size = entry.metadata().unwrap().len();
            if size > largest.0 {
                largest = (size, entry.path().display().to_string());
            }
        }
    }
    assert!(
        largest.0 < 200 * 1024,
        "{} is {} KB",
        largest.1,
        largest.0 / 1024
    );
    // Bounded means independent of the site's size, not just small today.
    let small = crowded(7, 7, 7);
    small.build(&["--clock", CLOCK]).ok();
    for page in ["index.html", "communities/tinghu/index.html"] {
        let (big, little) = (site.read(page).len(), small.read(page).len());
        assert!(
            big < little + 2048,
            "{page} grew from {little} to {big} bytes with the site"
        );
    }
}
