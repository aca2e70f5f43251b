//! What a writer is told when something is wrong, and that nothing is lost.

use crate::harness::TestSite;

#[test]
fn bad_yaml_names_the_file_and_the_line_in_the_file() {
    let site = TestSite::fixture("basic");
    site.write(
        "content/notices/bad.md",
        "---\ntitle: 停电\ndate: 2025-01-01\nurgent: [oops\n---\n正文\n",
    );
    let stderr = site.build(&[]).fails();
    assert!(stderr.contains("content/notices/bad.md:"), "{stderr}");
    let line: usize = stderr
        .split("content/notices/bad.md:")
        .nth(1)
        .and_then(|rest| rest.split(':').next())
        .and_then(|n| n.parse().ok())
        .expect("a line number");
    assert!(
        (4..=5).contains(&line),
        "line {line} should point at the broken value: {stderr}"
    );
}

#[test]
fn wrong_value_type_names_its_line() {
    let site = TestSite::fixture("basic");
    site.write(
        "content/events/bad.md",
        "---\ntitle: 活动\ndate: 2025-01-01\nparticipants: 很多\n---\n",
    );
    let stderr = site.build(&[]).fails();
    assert!(stderr.contains("content/events/bad.md:4"), "{stderr}");
}

#[test]
fn bad_date_names_its_line_and_the_accepted_forms() {
    let site = TestSite::fixture("basic");
    site.write(
        "content/notices/bad.md",
        "---\ntitle: 通知\n\ndate: 2025-13-45\n---\n",
    );
    let stderr = site.build(&[]).fails();
    assert!(stderr.contains("content/notices/bad.md:4"), "{stderr}");
    assert!(
        stderr.contains("2025-11-10"),
        "the hint shows a valid form: {stderr}"
    );
}

#[test]
fn unknown_field_is_an_error_with_a_suggestion() {
    let site = TestSite::fixture("basic");
    site.write(
        "content/stories/typo.md",
        "---\ntitle: 某人\nperson: 某人\noccupaton: 教师\n---\n",
    );
    let stderr = site.build(&[]).fails();
    assert!(stderr.contains("content/stories/typo.md:4"), "{stderr}");
    assert!(stderr.contains("unknown field `occupaton`"));
    assert!(stderr.contains("did you mean `occupation`?"), "{stderr}");
}

#[test]
fn field_of_another_type_is_an_error() {
    let site = TestSite::fixture("basic");
    site.write(
        "content/events/wrong.md",
        "---\ntitle: 活动\ndate: 2025-01-01\naddress: 某路\n---\n",
    );
    let stderr = site.build(&[]).fails();
    assert!(stderr.contains("content/events/wrong.md:4"), "{stderr}");
    assert!(stderr.contains("station"), "{stderr}");
}

#[test]
fn missing_required_field_is_an_error() {
    let site = TestSite::fixture("basic");
    site.write(
        "content/stations/nowhere.md",
        "---\ntitle: 没有地址的站\n---\n",
    );
    let stderr = site.build(&[]).fails();
    assert!(stderr.contains("content/stations/nowhere.md"), "{stderr}");
    assert!(stderr.contains("`address`"), "{stderr}");
}

#[test]
fn unknown_community_is_an_error_with_a_suggestion() {
    let site = TestSite::fixture("basic");
    site.write(
        "content/stories/x.md",
        "---\ntitle: 某人\nperson: 某人\ncommunity: 听湖小区\n---\n",
    );
    let stderr = site.build(&[]).fails();
    assert!(stderr.contains("content/stories/x.md:4"), "{stderr}");
    assert!(stderr.contains("unknown community `听湖小区`"));
    assert!(stderr.contains("did you mean `听湖社区`?"), "{stderr}");
}

#[test]
fn duplicate_urls_name_both_files() {
    let site = TestSite::fixture("basic");
    site.write(
        "content/stories/copy.md",
        "---\ntitle: 另一个\nperson: 某人\nslug: li\n---\n",
    );
    let stderr = site.build(&[]).fails();
    assert!(stderr.contains("content/stories/li.md"), "{stderr}");
    assert!(stderr.contains("content/stories/copy.md"), "{stderr}");
    assert!(stderr.contains("/stories/li/"));
}

#[test]
fn broken_internal_link_names_file_and_line() {
    let site = TestSite::fixture("basic");
    site.write(
        "content/notices/link.md",
        "---\ntitle: 通知\n---\n第一段。\n\n见[这里](@/events/nope.md)。\n",
    );
    let stderr = site.build(&[]).fails();
    assert!(stderr.contains("content/notices/link.md:6"), "{stderr}");
    assert!(stderr.contains("@/events/nope.md"));
}

#[test]
fn every_bad_file_is_reported_not_just_the_first() {
    let site = TestSite::fixture("basic");
    site.write(
        "content/notices/a.md",
        "---\ntitle: 甲\nurgnet: true\n---\n",
    );
    site.write(
        "content/stories/b.md",
        "---\ntitle: 乙\nperson: 乙\ncommunity: 不存在\n---\n",
    );
    site.write("content/events/c.md", "---\ntitle: 丙\n---\n");
    let stderr = site.build(&[]).fails();
    for file in [
        "content/notices/a.md",
        "content/stories/b.md",
        "content/events/c.md",
    ] {
        assert!(stderr.contains(file), "{file} not reported: {stderr}");
    }
    assert!(stderr.contains("build failed with 3 errors"), "{stderr}");
}

#[test]
fn a_failed_build_keeps_the_previous_site() {
    let site = TestSite::fixture("basic");
    site.build(&[]).ok();
    let before = site.read("index.html");
    site.write("content/notices/bad.md", "---\ntitle: [broken\n---\n");
    site.build(&[]).fails();
    assert_eq!(site.read("index.html"), before);
    assert!(site.exists("stories/zhang-gui-lan/index.html"));
    let leftovers = site.leftovers("linju-");
    assert!(
        leftovers.is_empty(),
        "staging folders left behind: {leftovers:?}"
    );
}

#[test]
fn a_template_error_fails_the_build_and_keeps_the_site() {
    let site = TestSite::fixture("basic");
    site.build(&[]).ok();
    site.write("templates/story.html", "{{ page.no_such_field }}");
    let stderr = site.build(&[]).fails();
    assert!(stderr.contains("story.html"), "{stderr}");
    assert!(
        site.read("stories/zhang-gui-lan/index.html")
            .contains("张桂兰")
    );
}

#[test]
fn unknown_config_key_suggests_the_right_one() {
    let site = TestSite::fixture("basic");
    site.write("linju.yaml", "title: 站\npaginat_by: 3\n");
    let stderr = site.build(&[]).fails();
    assert!(stderr.contains("linju.yaml:2"), "{stderr}");
    assert!(stderr.contains("did you mean `paginate_by`?"), "{stderr}");
}

#[test]
fn refuses_to_write_over_the_site_itself() {
    let site = TestSite::fixture("basic");
    for output in [".", "content", ".."] {
        let stderr = site.build(&["--output", output]).fails();
        assert!(stderr.contains("refusing"), "{output}: {stderr}");
    }
    assert!(site.root().join("content/stories/li.md").exists());
}

#[test]
fn unclosed_front_matter_is_reported() {
    let site = TestSite::fixture("basic");
    site.write("content/notices/open.md", "---\ntitle: 没关上\n正文\n");
    let stderr = site.build(&[]).fails();
    assert!(stderr.contains("content/notices/open.md:1"), "{stderr}");
    assert!(stderr.contains("never closed"));
}

#[test]
fn non_utf8_files_get_a_hint() {
    let site = TestSite::fixture("basic");
    std::fs::write(
        site.root().join("content/notices/gbk.md"),
        [0x2d, 0x2d, 0x2d, 0x0a, 0xc4, 0xe3, 0x0a],
    )
    .unwrap();
    let stderr = site.build(&[]).fails();
    assert!(stderr.contains("content/notices/gbk.md"), "{stderr}");
    assert!(stderr.contains("UTF-8"), "{stderr}");
}

#[test]
fn missing_config_says_what_to_do() {
    let site = TestSite::empty();
    let stderr = site.build(&[]).fails();
    assert!(stderr.contains("linju.yaml"), "{stderr}");
    assert!(stderr.contains("--root"), "{stderr}");
}

#[test]
fn bad_screen_and_photo_settings_name_their_line() {
    let config = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/basic/linju.yaml"),
    )
    .unwrap();
    for (broken, expected) in [
        (
            config.replace("orientation: portrait", "orientation: sideways"),
            "landscape or portrait",
        ),
        (
            config.replace("name: lobby", "name: Lobby 1"),
            "lowercase letters",
        ),
        (
            config.replace("hours: \"07:00-22:00\"", "hours: \"7 to 10\""),
            "HH:MM-HH:MM",
        ),
        (
            format!("{config}images:\n  jpeg_quality: 150\n"),
            "from 1 to 100",
        ),
    ] {
        let site = TestSite::fixture("basic");
        site.write("linju.yaml", &broken);
        let stderr = site.build(&[]).fails();
        assert!(
            stderr.contains("linju.yaml:") && stderr.contains(expected),
            "{stderr}"
        );
        assert!(stderr.contains("hint:"), "{stderr}");
    }
}
