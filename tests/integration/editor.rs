//! The editor's local back end (`/__linju/cms` under `linju serve`), as the
//! CMS in the browser uses it and as an attacker would: every action of
//! Decap CMS's proxy protocol, the token and `Origin` checks, paths that
//! try to leave `content/`, oversized uploads, a file changed on disk
//! since it was read, and an entry the build would refuse.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;

use base64::Engine;
use serde_json::{Value, json};

use crate::harness::TestSite;
use crate::serve::{PATIENCE, Reply, Running, eventually, free_port, start_in};

/// A fixture site served with its editor, and the editor's token.
pub struct Editor {
    pub site: TestSite,
    pub running: Running,
    pub token: String,
}

/// The `basic` fixture served with messages in `lang`, and its editor.
pub fn editor_in(lang: &str) -> Editor {
    let site = TestSite::fixture("basic");
    let port = free_port();
    let running = start_in(
        site.root(),
        &["serve", "--port", &port.to_string()],
        port,
        lang,
    );
    let marker = if lang == "zh" {
        "编辑器："
    } else {
        "editor at"
    };
    let lines = running.wait_for_line(marker);
    let token = lines
        .last()
        .and_then(|line| line.split("#token=").nth(1))
        .map(|rest| rest.chars().take_while(char::is_ascii_hexdigit).collect())
        .expect("the editor's address carries a token");
    Editor {
        site,
        running,
        token,
    }
}

fn editor() -> Editor {
    editor_in("en")
}

/// A raw reply: status and body.
struct Answer {
    status: u16,
    body: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    fn error(&self) -> String {
        self.json()["error"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }
}

/// One POST with the given headers and body over a fresh connection.
fn post(port: u16, target: &str, headers: &[(&str, String)], body: &[u8]) -> Answer {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    let mut head = format!(
        "POST {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\nContent-Type: application/json\r\n"
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    // The server may answer (and close) before the whole body is sent.
    let _ = stream.write_all(body);
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    let reply = Reply::parse(&raw);
    Answer {
        status: reply.status,
        body: reply.body,
    }
}

impl Editor {
    fn port(&self) -> u16 {
        self.running.port
    }

    fn origin(&self) -> String {
        format!("http://127.0.0.1:{}", self.port())
    }

    /// An action as the editor's own page sends it.
    fn act(&self, action: &str, params: Value) -> Answer {
        let body = json!({"branch": "main", "action": action, "params": params}).to_string();
        post(
            self.port(),
            &format!("/__linju/cms?token={}", self.token),
            &[
                ("Origin", self.origin()),
                ("Content-Length", body.len().to_string()),
            ],
            body.as_bytes(),
        )
    }

    fn ok(&self, action: &str, params: Value) -> Value {
        let answer = self.act(action, params);
        assert_eq!(answer.status, 200, "{action}: {}", answer.body);
        answer.json()
    }

    fn file(&self, relative: &str) -> Option<String> {
        std::fs::read_to_string(self.site.root().join(relative)).ok()
    }
}

const NEW_STORY: &str = "---\ntitle: 周海：修车铺里的手艺人\ndate: 2025-10-08 09:30\nperson: 周海\ncommunity: 听湖社区\ncover: photo.jpg\n---\n\n周海在小区门口修了十五年自行车。\n";

fn photo_asset(path: &str) -> Value {
    let bytes = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/basic/content/events/concert/stage.png"),
    )
    .unwrap();
    json!({
        "path": path,
        "content": base64::engine::general_purpose::STANDARD.encode(bytes),
        "encoding": "base64",
    })
}

fn new_story(path: &str, raw: &str, assets: Value) -> Value {
    json!({
        "entry": {"slug": "zhou-hai", "path": path, "raw": raw},
        "dataFiles": [{"path": path, "raw": raw, "slug": "zhou-hai"}],
        "assets": assets,
        "options": {"commitMessage": "新建"},
    })
}

#[test]
fn the_editor_and_its_files_come_from_linju_itself() {
    let editor = editor();
    let page = editor.running.get("/admin/");
    assert_eq!(page.status, 200);
    assert!(
        page.body
            .contains("<script src=\"/admin/decap/decap-cms.js\">"),
        "{}",
        page.body
    );
    assert!(
        !page.body.contains("https://"),
        "no request to a CDN: {}",
        page.body
    );
    assert!(page.body.contains("noindex"));

    let script = editor.running.get("/admin/decap/decap-cms.js");
    assert_eq!(script.status, 200);
    assert_eq!(script.header("Content-Encoding").as_deref(), Some("gzip"));

    let vendor = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/editor/vendor/decap-cms");
    let licence =
        std::fs::read_to_string(vendor.join("LICENSE")).expect("the licence beside the files");
    assert!(licence.contains("MIT License"), "{licence}");

    let config: Value =
        serde_json::from_str(&editor.running.get("/admin/config.json").body).unwrap();
    assert_eq!(config["backend"]["name"], "proxy");
    assert_eq!(config["locale"], "zh_Hans");
    let stories = config["collections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "stories")
        .expect("a collection for content/stories");
    assert_eq!(stories["folder"], "content/stories");
    assert_eq!(
        stories["path"], "{{slug}}/index",
        "pages are bundles with their photos"
    );
    assert_eq!(stories["media_folder"], "", "photos beside the page");
    let community = stories["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "community")
        .unwrap();
    assert_eq!(community["widget"], "select");
    assert_eq!(community["options"], json!(["听湖社区", "桂园社区"]));

    assert_eq!(
        editor.running.get("/admin/decap/../../linju.yaml").status,
        404
    );
    let posted = post(
        editor.port(),
        "/admin/config.json",
        &[("Content-Length", "2".into())],
        b"{}",
    );
    assert_eq!(posted.status, 405, "only the back end takes a POST");
}

#[test]
fn every_action_of_the_back_end_answers_as_decap_expects() {
    let editor = editor();
    let info = editor.ok("info", json!({}));
    assert_eq!(info["publish_modes"], json!(["simple"]));

    let listed = editor.ok(
        "entriesByFolder",
        json!({"folder": "content/stories", "extension": "md", "depth": 2}),
    );
    let paths: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["file"]["path"].as_str().unwrap())
        .collect();
    assert!(paths.contains(&"content/stories/li.md"), "{paths:?}");
    assert!(
        !paths.contains(&"content/stories/_index.md"),
        "the section page is not an entry"
    );
    let li = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["file"]["path"] == "content/stories/li.md")
        .unwrap();
    assert!(li["data"].as_str().unwrap().contains("person: 李明远"));

    let by_files = editor.ok(
        "entriesByFiles",
        json!({"files": [{"path": "content/notices/water.md"}]}),
    );
    assert!(by_files[0]["data"].as_str().unwrap().starts_with("---"));
    let entry = editor.ok("getEntry", json!({"path": "content/stations/tinghu.md"}));
    assert_eq!(entry["file"]["path"], "content/stations/tinghu.md");

    // A new story with its photo, as a bundle.
    let path = "content/stories/zhou-hai/index.md";
    editor.ok(
        "persistEntry",
        new_story(
            path,
            NEW_STORY,
            json!([photo_asset("content/stories/zhou-hai/photo.jpg")]),
        ),
    );
    assert_eq!(editor.file(path).as_deref(), Some(NEW_STORY));
    assert!(
        editor
            .site
            .root()
            .join("content/stories/zhou-hai/photo.jpg")
            .is_file()
    );
    eventually("the preview rebuilds with the new story", || {
        editor
            .running
            .get("/tinghu/stories/zhou-hai/")
            .body
            .contains("周海在小区门口修了十五年自行车")
    });

    let media = editor.ok(
        "getMedia",
        json!({"mediaFolder": "content/stories/zhou-hai"}),
    );
    assert_eq!(
        media.as_array().unwrap().len(),
        1,
        "the photo, not the page: {media}"
    );
    let file = editor.ok(
        "getMediaFile",
        json!({"path": "content/stories/zhou-hai/photo.jpg"}),
    );
    assert_eq!(file["encoding"], "base64");

    let uploaded = editor.ok(
        "persistMedia",
        json!({"asset": photo_asset("static/uploads/poster.png")}),
    );
    assert_eq!(uploaded["path"], "static/uploads/poster.png");
    assert!(
        editor
            .site
            .root()
            .join("static/uploads/poster.png")
            .is_file()
    );

    editor.ok("deleteFile", json!({"path": "static/uploads/poster.png"}));
    assert!(
        !editor
            .site
            .root()
            .join("static/uploads/poster.png")
            .exists()
    );
    editor.ok(
        "deleteFiles",
        json!({"paths": [path, "content/stories/zhou-hai/photo.jpg"]}),
    );
    assert!(editor.file(path).is_none());
    eventually("the deleted story leaves the preview", || {
        editor.running.get("/tinghu/stories/zhou-hai/").status == 404
    });
    assert!(
        !editor.site.root().join("content/stories/zhou-hai").exists(),
        "the empty bundle folder goes too"
    );
    assert!(editor.site.root().join("content/stories").is_dir());

    assert_eq!(editor.ok("getDeployPreview", json!({})), Value::Null);
    assert_eq!(editor.act("unpublishedEntries", json!({})).status, 404);
    assert_eq!(editor.act("launchMissiles", json!({})).status, 422);
}

#[test]
fn a_saved_page_keeps_what_the_form_has_no_field_for() {
    let editor = editor();
    let path = "content/notices/water.md";
    std::fs::write(
        editor.site.root().join(path),
        "---\ntitle: 停水通知\ndate: 2025-11-20\nextra:\n  poster: 物业\n---\n\n周三停水。\n",
    )
    .unwrap();
    editor.ok("getEntry", json!({"path": path}));
    // What the form writes: an empty field it offers, no `extra`.
    let form = "---\ntitle: 停水通知\ndate: 2025-11-20\nsummary: ''\nexpires: null\n---\n\n周三上午停水。\n";
    editor.ok(
        "persistEntry",
        json!({"dataFiles": [{"path": path, "raw": form}], "assets": []}),
    );
    assert_eq!(
        editor.file(path).unwrap(),
        "---\ntitle: 停水通知\ndate: 2025-11-20\nextra:\n  poster: 物业\n---\n\n周三上午停水。\n"
    );
}

#[test]
fn what_a_form_leaves_empty_is_not_set_at_any_depth() {
    let editor = editor();
    let path = "content/events/lights/index.md";
    // A council whose second step's date was cleared, a map position never
    // filled, an empty list of members: as Decap writes them.
    let form = "---\ntitle: 路灯议事会\ndate: 2025-10-15 19:30\nkind: council\nparticipants: null\nresolved: []\ngeo:\n  lat: null\n  lng: null\nsteps:\n  proposal:\n    date: 2025-09-20\n    note: 居民反映路灯不亮\n    done: true\n  consultation:\n    date: ''\n    note: ''\n    done: false\n---\n\n议事记录。\n";
    editor.ok(
        "persistEntry",
        json!({"dataFiles": [{"path": path, "raw": form}], "assets": []}),
    );
    assert_eq!(
        editor.file(path).unwrap(),
        "---\ntitle: 路灯议事会\ndate: 2025-10-15 19:30\nkind: council\nsteps:\n  proposal:\n    date: 2025-09-20\n    note: 居民反映路灯不亮\n    done: true\n  consultation:\n    done: false\n---\n\n议事记录。\n"
    );
}

#[test]
fn without_the_token_or_from_another_page_nothing_is_read_or_written() {
    let editor = editor();
    let body = new_story("content/stories/x/index.md", NEW_STORY, json!([])).to_string();
    let body =
        json!({"action": "persistEntry", "params": serde_json::from_str::<Value>(&body).unwrap()})
            .to_string();
    let length = ("Content-Length", body.len().to_string());
    let token = &editor.token;
    let wrong: String = token.chars().rev().collect();
    for (what, target, origin) in [
        (
            "no token",
            "/__linju/cms".to_string(),
            Some(editor.origin()),
        ),
        (
            "a wrong token",
            format!("/__linju/cms?token={wrong}"),
            Some(editor.origin()),
        ),
        (
            "a short token",
            format!("/__linju/cms?token={}", &token[..8]),
            Some(editor.origin()),
        ),
        ("no Origin", format!("/__linju/cms?token={token}"), None),
        (
            "another site's page",
            format!("/__linju/cms?token={token}"),
            Some("http://evil.example".into()),
        ),
        (
            "another port",
            format!("/__linju/cms?token={token}"),
            Some("http://127.0.0.1:1".into()),
        ),
    ] {
        let mut headers = vec![length.clone()];
        headers.extend(origin.map(|o| ("Origin", o)));
        let answer = post(editor.port(), &target, &headers, body.as_bytes());
        assert_eq!(answer.status, 403, "{what}: {}", answer.body);
        assert!(!answer.error().is_empty(), "{what}: the refusal says why");
    }
    assert!(editor.file("content/stories/x/index.md").is_none());
}

#[test]
fn paths_that_leave_content_are_refused() {
    let editor = editor();
    let outside = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(
        outside.path(),
        editor.site.root().join("content/stories/away"),
    )
    .unwrap();
    std::fs::write(outside.path().join("secret.md"), "secret").unwrap();
    for path in [
        "../escape.md",
        "/etc/passwd",
        "content/../linju.yaml",
        "content/stories/../../linju.yaml",
        "linju.yaml",
        "themes/default/templates/base.html",
        "static/site.css",
        "content\\stories\\x.md",
        "content/stories/away/index.md",
        "content/stories/away/secret.md",
        "",
    ] {
        let write = editor.act("persistEntry", new_story(path, NEW_STORY, json!([])));
        assert_eq!(write.status, 403, "writing {path:?}: {}", write.body);
        assert!(
            write.error().contains("content/"),
            "{path:?}: {}",
            write.body
        );
        let read = editor.act("getEntry", json!({"path": path}));
        assert_eq!(read.status, 403, "reading {path:?}: {}", read.body);
        let media = editor.act("persistMedia", json!({"asset": photo_asset(path)}));
        assert_eq!(media.status, 403, "uploading to {path:?}");
        let delete = editor.act("deleteFile", json!({"path": path}));
        assert_eq!(delete.status, 403, "deleting {path:?}");
    }
    let listed = editor.act(
        "entriesByFolder",
        json!({"folder": "content/stories/away", "extension": "md", "depth": 2}),
    );
    assert_eq!(
        listed.status, 403,
        "listing through a link: {}",
        listed.body
    );
    let asset_outside = new_story(
        "content/stories/fine/index.md",
        NEW_STORY,
        json!([photo_asset("content/../photo.jpg")]),
    );
    assert_eq!(editor.act("persistEntry", asset_outside).status, 403);
    assert!(
        editor.file("content/stories/fine/index.md").is_none(),
        "nothing written when one file is refused"
    );
    assert_eq!(
        std::fs::read_to_string(outside.path().join("secret.md")).unwrap(),
        "secret"
    );
    assert!(editor.file("linju.yaml").unwrap().contains("测试社区站"));
}

#[test]
fn an_oversized_upload_is_refused_before_it_is_read() {
    let editor = editor();
    // Declared larger than any request the back end reads: refused from
    // the head alone.
    let answer = post(
        editor.port(),
        &format!("/__linju/cms?token={}", editor.token),
        &[
            ("Origin", editor.origin()),
            ("Content-Length", (40 * 1024 * 1024).to_string()),
        ],
        b"{",
    );
    assert_eq!(answer.status, 413, "{}", answer.body);
    assert!(answer.error().contains("20 MB"), "{}", answer.body);

    // Within the request limit, but a photo over 20 MB once decoded.
    let big = vec![0u8; 20 * 1024 * 1024 + 3];
    let asset = json!({
        "path": "content/stories/zhou-hai/huge.jpg",
        "content": base64::engine::general_purpose::STANDARD.encode(&big),
    });
    let answer = editor.act(
        "persistEntry",
        new_story(
            "content/stories/zhou-hai/index.md",
            NEW_STORY,
            json!([asset]),
        ),
    );
    assert_eq!(
        answer.status,
        413,
        "{}",
        &answer.body[..answer.body.len().min(200)]
    );
    assert!(editor.file("content/stories/zhou-hai/index.md").is_none());
    assert!(
        !editor
            .site
            .root()
            .join("content/stories/zhou-hai/huge.jpg")
            .exists()
    );
}

#[test]
fn a_page_changed_on_disk_since_it_was_read_is_not_overwritten() {
    let editor = editor_in("zh");
    let path = "content/stories/li.md";
    let read = editor.ok("getEntry", json!({"path": path}));
    let from_form = read["data"]
        .as_str()
        .unwrap()
        .replace("第三位。", "第三位，改过。");
    let on_disk = editor
        .file(path)
        .unwrap()
        .replace("第三位。", "别人在文件里改的。");
    std::fs::write(editor.site.root().join(path), &on_disk).unwrap();

    let answer = editor.act(
        "persistEntry",
        json!({"dataFiles": [{"path": path, "raw": from_form}], "assets": []}),
    );
    assert_eq!(answer.status, 409, "{}", answer.body);
    insta::assert_snapshot!("editor-conflict", answer.error());
    assert_eq!(
        editor.file(path).unwrap(),
        on_disk,
        "the other change is kept"
    );

    // A new entry whose address is taken by a page the editor never read.
    let taken = editor.act(
        "persistEntry",
        new_story("content/stories/li.md", NEW_STORY, json!([])),
    );
    assert_eq!(taken.status, 409, "{}", taken.body);

    // After reading it again, the save goes through.
    editor.ok("getEntry", json!({"path": path}));
    editor.ok(
        "persistEntry",
        json!({"dataFiles": [{"path": path, "raw": from_form}], "assets": []}),
    );
    assert_eq!(editor.file(path).unwrap(), from_form);
}

#[test]
fn an_entry_the_build_would_refuse_is_refused_with_its_message() {
    let editor = editor_in("zh");
    let path = "content/stories/wrong/index.md";
    let photo = "content/stories/wrong/photo.jpg";
    let cases = [
        (
            "missing-person",
            "---\ntitle: 没写人名\ndate: 2025-10-08\n---\n\n正文。\n",
        ),
        (
            "bad-date",
            "---\ntitle: 日期不对\ndate: 2025年10月8日\nperson: 周海\n---\n\n正文。\n",
        ),
        (
            "unknown-community",
            "---\ntitle: 社区不对\nperson: 周海\ncommunity: 听河社区\n---\n\n正文。\n",
        ),
        (
            "unknown-field",
            "---\ntitle: 多了字段\nperson: 周海\nphone: 13800000000\n---\n\n正文。\n",
        ),
        (
            "broken-link",
            "---\ntitle: 链接不对\nperson: 周海\n---\n\n见[通知](@/notices/nowhere.md)。\n",
        ),
        (
            "bad-yaml",
            "---\ntitle: [未闭合\nperson: 周海\n---\n\n正文。\n",
        ),
    ];
    for (name, raw) in cases {
        let answer = editor.act(
            "persistEntry",
            new_story(path, raw, json!([photo_asset(photo)])),
        );
        assert_eq!(answer.status, 422, "{name}: {}", answer.body);
        insta::assert_snapshot!(format!("editor-refused-{name}"), answer.error());
        assert!(
            editor.file(path).is_none(),
            "{name}: the page is not written"
        );
        assert!(
            !editor.site.root().join(photo).exists(),
            "{name}: nor its photo"
        );
    }
    let outside_sections = editor.act(
        "persistEntry",
        new_story("content/loose.md", NEW_STORY, json!([])),
    );
    assert_eq!(outside_sections.status, 422, "{}", outside_sections.body);
}
