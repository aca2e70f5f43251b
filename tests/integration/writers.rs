//! The writers' commands: `init` starts a site that builds at once, `new`
//! adds a page of a type with every field explained and never overwrites.

use crate::harness::TestSite;

#[test]
fn init_then_build_works_and_every_type_has_an_example() {
    let site = TestSite::empty();
    let run = site.run(&["init", "mysite"]);
    let said = run.ok().stdout();
    assert!(said.contains("已在 mysite 创建新网站"), "{said}");
    let root = site.root().join("mysite");
    let config = std::fs::read_to_string(root.join("linju.yaml")).unwrap();
    for key in [
        "title:",
        "base_url:",
        "language:",
        "timezone:",
        "screens:",
        "search:",
        "images:",
    ] {
        let line = config
            .lines()
            .position(|l| l.trim_start().starts_with(key))
            .unwrap_or_else(|| panic!("{key}"));
        let above = config
            .lines()
            .nth(line.saturating_sub(1))
            .unwrap_or_default();
        assert!(
            above.starts_with('#') || config.lines().nth(line).unwrap().contains('#'),
            "{key} is explained"
        );
    }
    for folder in [
        "stories",
        "families",
        "events",
        "stations",
        "notices",
        "communities",
    ] {
        let pages = std::fs::read_dir(root.join("content").join(folder))
            .unwrap()
            .count();
        assert!(pages >= 2, "{folder} has an _index.md and an example");
    }
    let built = site.run(&["build", "--root", "mysite"]).ok().stdout();
    assert!(built.contains("已生成"), "{built}");
    assert!(
        root.join("public/screens/lobby/index.html").is_file(),
        "the example screen"
    );
    assert!(root.join("public/stories/wang-ayi/index.html").is_file());
    let check = site.run(&["check", "--root", "mysite", "--strict"]);
    assert_eq!(check.output.status.code(), Some(0), "{}", check.stdout());
}

#[test]
fn init_refuses_a_folder_that_is_not_empty_and_bare_is_a_skeleton() {
    let site = TestSite::fixture("basic");
    let before = std::fs::read_to_string(site.root().join("linju.yaml")).unwrap();
    let refused = site.run(&["init"]).fails();
    assert!(refused.contains("不是空的，没有写入任何文件"), "{refused}");
    assert_eq!(
        std::fs::read_to_string(site.root().join("linju.yaml")).unwrap(),
        before
    );
    let empty = TestSite::empty();
    empty.run(&["init", "--bare"]).ok();
    assert!(empty.root().join("content/stories/_index.md").is_file());
    assert!(!empty.root().join("content/stories/wang-ayi.md").exists());
    empty.run(&["build"]).ok();
}

#[test]
fn new_writes_every_field_of_the_type_in_its_section_under_a_pinyin_name() {
    let site = TestSite::fixture("basic");
    for (type_name, folder, own_fields) in [
        (
            "story",
            "stories",
            vec!["person:", "occupation:", "quote:", "honors:"],
        ),
        (
            "family",
            "families",
            vec!["family:", "motto:", "members:", "honors:"],
        ),
        (
            "event",
            "events",
            vec![
                "end:",
                "kind:",
                "location:",
                "organizer:",
                "participants:",
                "steps:",
                "follow_up:",
                "resolved:",
            ],
        ),
        (
            "station",
            "stations",
            vec!["address:", "hours:", "phone:", "geo:", "areas:"],
        ),
        ("notice", "notices", vec!["expires:", "urgent:"]),
        (
            "community",
            "communities",
            vec!["street:", "brand:", "description:"],
        ),
    ] {
        let run = site.run(&[
            "new",
            type_name,
            "王阿姨：社区的热心人",
            "--community",
            "听湖社区",
        ]);
        let path = run.ok().stdout();
        let expected = format!("content/{folder}/wang-a-yi-she-qu-de-re-xin-ren.md");
        assert_eq!(path.trim(), expected);
        let text = std::fs::read_to_string(site.root().join(&expected)).unwrap();
        for field in own_fields.iter().chain(&[
            "title:",
            "date:",
            "tags:",
            "cover_alt:",
            "draft:",
            "aliases:",
        ]) {
            let line = text
                .lines()
                .position(|l| l.trim_start().starts_with(field))
                .unwrap_or_else(|| panic!("{type_name}: no {field}\n{text}"));
            let explained = text
                .lines()
                .take(line)
                .last()
                .is_some_and(|l| l.trim_start().starts_with('#'))
                || text.lines().nth(line).unwrap().contains('#');
            assert!(explained, "{type_name}: {field} has no comment\n{text}");
        }
        assert!(text.contains("title: \"王阿姨：社区的热心人\""), "{text}");
        if type_name != "community" {
            assert!(text.contains("community: 听湖社区"), "{text}");
        }
    }
    // Every new page builds as written.
    site.build(&[]).ok();
}

#[test]
fn new_uses_today_in_the_site_zone_and_never_overwrites() {
    let site = TestSite::fixture("basic");
    let path = site.run(&["new", "notice", "停电通知"]).ok().stdout();
    let file = site.root().join(path.trim());
    let text = std::fs::read_to_string(&file).unwrap();
    let today = jiff::ZonedDateTime::now()
        .with_time_zone(jiff::tz::TimeZone::get("Asia/Shanghai").unwrap())
        .date()
        .to_string();
    assert!(text.contains(&format!("date: {today}")), "{text}");
    std::fs::write(&file, "mine").unwrap();
    let refused = site.run(&["new", "notice", "停电通知"]).fails();
    assert!(
        refused.contains("content/notices/ting-dian-tong-zhi.md: 这个文件已经存在"),
        "{refused}"
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "mine");
}

#[test]
fn new_makes_bundles_honours_section_and_names_unknown_types() {
    let site = TestSite::fixture("basic");
    let bundle = site
        .run(&["new", "event", "中秋晚会", "--bundle"])
        .ok()
        .stdout();
    assert_eq!(bundle.trim(), "content/events/zhong-qiu-wan-hui/index.md");
    let placed = site
        .run(&["new", "story", "李师傅", "--section", "stories/"])
        .ok()
        .stdout();
    assert_eq!(placed.trim(), "content/stories/li-shi-fu.md");
    let unknown = site.run(&["new", "stroy", "某某"]).fails();
    assert!(
        unknown.contains("没有 `stroy` 这种页面类型") && unknown.contains("是不是想写 `story`？"),
        "{unknown}"
    );
    let empty = TestSite::empty();
    empty.run(&["init", "--bare"]).ok();
    std::fs::remove_file(empty.root().join("content/families/_index.md")).unwrap();
    let missing = empty.run(&["new", "family", "李家"]).fails();
    assert!(
        missing.contains("还没有最美家庭（family）类型的栏目"),
        "{missing}"
    );
}
