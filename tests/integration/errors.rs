//! What a writer is told when something is wrong, and that nothing is lost.
//! Mistakes in content and configuration are fixture folders
//! (`tests/fixtures/errors/<case>/`) whose whole message is a snapshot;
//! the tests here cover what a fixture cannot (the command line, bytes
//! that are not UTF-8, a previous site kept).

use crate::harness::TestSite;

/// What a YAML or serde parser says, which must never reach a writer.
const RAW_PARSER_WORDS: [&str; 7] = [
    "invalid type",
    "expected u64",
    "unknown variant",
    "cannot start any token",
    "did not find expected",
    "more than one document",
    "\\x",
];

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
    assert!(stderr.contains("生成失败，共 3 个错误"), "{stderr}");
    let english = site.run_in_english(&["build"]).fails();
    assert!(english.contains("build failed with 3 errors"), "{english}");
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
fn refuses_to_write_over_the_site_itself() {
    let site = TestSite::fixture("basic");
    for output in [".", "content", ".."] {
        let stderr = site.build(&["--output", output]).fails();
        assert!(
            stderr.contains("不能把网站输出到这个文件夹"),
            "{output}: {stderr}"
        );
    }
    assert!(site.root().join("content/stories/li.md").exists());
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
            "只能是 landscape 或 portrait",
        ),
        (
            config.replace("name: lobby", "name: Lobby 1"),
            "只能用小写字母、数字和 -",
        ),
        (
            config.replace("hours: \"07:00-22:00\"", "hours: \"7 to 10\""),
            "不是 HH:MM-HH:MM 的写法",
        ),
        (
            format!("{config}images:\n  jpeg_quality: 150\n"),
            "要在 1 到 100 之间",
        ),
    ] {
        let site = TestSite::fixture("basic");
        site.write("linju.yaml", &broken);
        let stderr = site.build(&[]).fails();
        assert!(
            stderr.contains("linju.yaml:") && stderr.contains(expected),
            "{stderr}"
        );
        assert!(stderr.contains("提示："), "{stderr}");
    }
}

/// Every case in `tests/fixtures/errors/`: its `site/` files laid over the
/// `basic` fixture. The build must fail, write nothing, and tell the
/// writer exactly what the case's snapshot says (the whole message, so a
/// change of wording or hint shows in review). `INSTA_UPDATE=always`
/// writes new snapshots; `cargo insta review` shows the differences.
#[test]
fn writers_mistakes_get_the_message_in_their_snapshot() {
    let cases_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/errors");
    let mut cases: Vec<std::path::PathBuf> = std::fs::read_dir(&cases_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() >= 10, "the error fixtures are missing");
    for case in cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let site = TestSite::fixture("basic");
        let overlay = case.join("site");
        let mut named = Vec::new();
        for entry in walkdir::WalkDir::new(&overlay) {
            let entry = entry.unwrap();
            if entry.file_type().is_file() {
                let relative = entry.path().strip_prefix(&overlay).unwrap();
                named.push(relative.to_string_lossy().into_owned());
                let text = std::fs::read_to_string(entry.path()).unwrap();
                site.write(&relative.to_string_lossy(), &text);
            }
        }
        let chinese = site.build(&[]).fails();
        let english = site.run_in_english(&["build"]).fails();
        assert!(
            !site.public().exists(),
            "{name}: a failed build wrote a site"
        );
        for stderr in [&chinese, &english] {
            for file in &named {
                assert!(
                    stderr.contains(file.as_str()),
                    "{name}: {file} is not named:\n{stderr}"
                );
            }
            for raw in RAW_PARSER_WORDS {
                assert!(
                    !stderr.contains(raw),
                    "{name}: parser text `{raw}`:\n{stderr}"
                );
            }
        }
        assert!(
            chinese.contains("错误：") && chinese.contains("生成失败"),
            "{name}: not in Chinese:\n{chinese}"
        );
        let root = site.root().display().to_string();
        insta::assert_snapshot!(name.clone(), chinese.replace(&root, "<site>"));
        insta::assert_snapshot!(format!("{name}.en"), english.replace(&root, "<site>"));
    }
}

#[test]
fn a_configuration_saved_with_a_byte_order_mark_builds() {
    let site = TestSite::fixture("basic");
    let config = std::fs::read_to_string(site.root().join("linju.yaml")).unwrap();
    site.write("linju.yaml", &format!("\u{feff}{config}"));
    site.write(
        "content/notices/bom.md",
        "\u{feff}---\ntitle: 记事本保存的通知\n---\n正文\n",
    );
    site.build(&[]).ok();
    assert!(
        site.read("notices/bom/index.html")
            .contains("记事本保存的通知")
    );
}

#[test]
fn an_english_site_and_linju_lang_get_english_messages() {
    let site = TestSite::fixture("basic");
    site.write("content/stories/nobody.md", "---\ntitle: 无名\n---\n");
    let chinese = site.build(&[]).fails();
    assert!(
        chinese.contains("身边的奋斗者页面必须有 `person`"),
        "{chinese}"
    );
    let forced = site.run_in_english(&["build"]).fails();
    assert!(forced.contains("story pages need `person`"), "{forced}");
    let config = std::fs::read_to_string(site.root().join("linju.yaml")).unwrap();
    site.write("linju.yaml", &format!("{config}language: en\n"));
    let english = site.build(&[]).fails();
    assert!(
        english.contains("error: ") && english.contains("hint: "),
        "{english}"
    );
    let back = site
        .run_with_env(&["build"], &[("LINJU_LANG", "zh")])
        .fails();
    assert!(back.contains("错误："), "{back}");
}

#[test]
fn a_site_without_base_url_is_warned_about_relative_feed_addresses() {
    let site = TestSite::fixture("basic");
    let config = std::fs::read_to_string(site.root().join("linju.yaml")).unwrap();
    let without: String = config
        .lines()
        .filter(|line| !line.starts_with("base_url:"))
        .map(|line| format!("{line}\n"))
        .collect();
    site.write("linju.yaml", &without);
    let warned = site.build(&[]).ok().stderr();
    assert!(
        warned.contains("警告：linju.yaml: 没有写 `base_url`")
            && warned.contains("base_url: https://"),
        "{warned}"
    );
    let told = site
        .build(&["--base-url", "https://example.org/"])
        .ok()
        .stderr();
    assert!(!told.contains("base_url"), "{told}");
}
