//! The editor in a real browser: a staff member opens the address `serve`
//! printed, writes a striver's profile with two photos through the forms
//! of Decap CMS in headless Chromium (`tests/js/editor.mjs` drives it and
//! reports), is refused first by the form and then by linju's own check,
//! publishes, and the page is in the served site.

use std::path::Path;

use serde_json::Value;

use crate::browser::browser_or_skip;
use crate::editor::{Editor, editor_in};
use crate::harness::TestSite;
use crate::js_tools::{node_json, package};
use crate::serve::eventually;

#[test]
fn a_story_written_in_the_editor_with_two_photos_is_served() {
    let Some(browser) = browser_or_skip() else {
        return;
    };
    package("playwright-core");
    let Editor {
        site,
        running,
        token,
    } = editor_in("zh");
    let port = running.port;
    let address = format!("http://127.0.0.1:{port}/admin/#token={token}");
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    let cover = demo.join("stories/zhang-guilan/shop.jpg");
    let second = demo.join("events/mid-autumn/lanterns.jpg");
    let shots = std::env::var("LINJU_EDITOR_SHOTS").unwrap_or_default();
    let facts: Value = node_json(
        "editor.mjs",
        &[
            &browser.to_string_lossy(),
            &address,
            &cover.to_string_lossy(),
            &second.to_string_lossy(),
            &shots,
        ],
    );

    assert!(
        facts["failure"].is_null(),
        "the walk through failed: {facts:#}"
    );
    assert_eq!(
        facts["cdnRequests"],
        Value::Array(vec![]),
        "nothing from another host"
    );
    assert_eq!(
        facts["errors"],
        Value::Array(vec![]),
        "no script errors: {facts:#}"
    );
    assert_eq!(facts["errorsOnSaving"], Value::Array(vec![]));
    assert_eq!(
        facts["addressAfterOpening"].as_str().unwrap_or_default(),
        format!("http://127.0.0.1:{port}/admin/#/"),
        "the token leaves the address bar"
    );
    let refused_in_form = facts["refusedInForm"].to_string();
    assert!(
        refused_in_form.contains("人物姓名") && refused_in_form.contains("必填"),
        "{refused_in_form}"
    );
    assert_eq!(
        facts["communityChoices"],
        serde_json::json!(["听湖社区", "桂园社区"])
    );
    assert_eq!(
        facts["phoneScrollWidth"], 360,
        "the form fits a phone: {facts:#}"
    );
    assert!(facts["phoneTitleFieldWidth"].as_f64().unwrap_or(999.0) <= 360.0);
    let refused = facts["refusedBySite"].as_str().unwrap_or_default();
    assert!(
        refused.contains("站内链接 `@/notices/nowhere.md` 指向的页面不存在")
            && refused.contains("提示：站内链接写 content/ 下的文件名"),
        "the build's own message and hint: {refused}"
    );

    // The files, as a writer would have typed them.
    let bundle = std::fs::read_dir(site.root().join("content/stories"))
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.join("index.md").is_file())
        .expect("the story is a bundle");
    let page = std::fs::read_to_string(bundle.join("index.md")).unwrap();
    for line in [
        "title: 周海：修车铺里的手艺人",
        "person: 周海",
        "community: 听湖社区",
        "cover: shop.jpg",
        "cover_alt: 周海在修车铺前给自行车打气",
        "![中秋夜，楼下挂满了灯笼](lanterns.jpg)",
    ] {
        assert!(page.contains(line), "`{line}` in:\n{page}");
    }
    assert!(
        page.lines()
            .any(|l| l.starts_with("date: 20") && l.len() == "date: 2025-10-08 09:30".len()),
        "dated when written, in the site's form:\n{page}"
    );
    assert!(
        !page.contains("nowhere"),
        "the refused text was not written"
    );
    assert!(bundle.join("shop.jpg").is_file() && bundle.join("lanterns.jpg").is_file());

    eventually("the story is in the served site with both photos", || {
        let served = running.get("/tinghu/stories/zhou-hai-xiu-che-pu-li-de-shou-yi-ren/");
        served.status == 200
            && served.body.contains("老人的轮椅坏了，他不收钱")
            && served.body.contains("alt=\"周海在修车铺前给自行车打气\"")
            && served.body.contains("alt=\"中秋夜，楼下挂满了灯笼\"")
    });
}

#[test]
fn the_editor_for_a_git_host_is_published_with_the_site_and_shows_its_login() {
    let Some(browser) = browser_or_skip() else {
        return;
    };
    package("playwright-core");
    let site = TestSite::fixture("basic");
    let refused = site
        .run(&["cms", "--host", "gitea", "--repo", "jiedao/site"])
        .fails();
    assert!(refused.contains("--app-id"), "says what to add: {refused}");
    site.run(&[
        "cms",
        "--host",
        "gitea",
        "--repo",
        "jiedao/site",
        "--base-url",
        "https://git.example.org",
        "--app-id",
        "5e1d2c",
    ])
    .ok();
    let admin = site.root().join("static/admin");
    let licence = std::fs::read_to_string(admin.join("LICENSE")).unwrap();
    assert!(licence.contains("MIT License"));
    let page = std::fs::read_to_string(admin.join("index.html")).unwrap();
    for fact in [
        "\"name\":\"gitea\"",
        "\"app_id\":\"5e1d2c\"",
        "\"api_root\":\"https://git.example.org/api/v1\"",
        "\"folder\":\"content/stories\"",
        "<script src=\"decap-cms.js\">",
        "<script src=\"linju-cms.js\">",
    ] {
        assert!(page.contains(fact), "{fact} in static/admin/index.html");
    }
    let script = std::fs::read(admin.join("decap-cms.js")).unwrap();
    assert!(
        script.len() > 1_000_000 && !script.starts_with(&[0x1f, 0x8b]),
        "unpacked"
    );

    site.build(&[]).ok();
    let port = crate::static_server::serve(&site.public(), "/tinghu/", None);
    let shots = std::env::var("LINJU_EDITOR_SHOTS")
        .map(|dir| format!("{dir}/git-editor-login.png"))
        .unwrap_or_default();
    let facts = node_json(
        "git-editor.mjs",
        &[
            &browser.to_string_lossy(),
            &format!("http://127.0.0.1:{port}/tinghu/admin/"),
            &shots,
        ],
    );
    assert!(facts["failure"].is_null(), "{facts:#}");
    assert!(
        facts["buttons"].to_string().contains("Gitea"),
        "the login names the host: {facts:#}"
    );
    assert_eq!(
        facts["elsewhere"],
        Value::Array(vec![]),
        "nothing from another host before login"
    );
    assert_eq!(facts["errors"], Value::Array(vec![]));
}
