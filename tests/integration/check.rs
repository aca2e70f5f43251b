//! `linju check`: the report a writer reads (a snapshot in both
//! languages), its exit codes, JSON, `--strict`, and external links
//! against a local server that answers 200, 404, a redirect and never.

use std::io::Write;
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::harness::TestSite;

fn check_site() -> TestSite {
    let site = TestSite::fixture("basic");
    site.overlay("tests/fixtures/check/site");
    site
}

#[test]
fn check_reports_links_anchors_dates_and_steps_grouped_by_file() {
    let site = check_site();
    let run = site.run(&["check"]);
    assert_eq!(run.output.status.code(), Some(1), "errors exit 1");
    let report = run.stdout();
    insta::assert_snapshot!("check-report", report);
    let english = site.run_in_english(&["check"]).stdout();
    insta::assert_snapshot!("check-report.en", english);
    for fact in [
        "content/notices/links.md\n",
        "7: 错误：链接 `#nothing` 指向的小标题 `#nothing` 不存在",
        "8: 错误：链接 `@/stories/li.md#nope`",
        "9: 警告：网站发布在 /tinghu/ 下，链接 `/stories/li/` 会指到网站以外",
        "10: 错误：链接 `/tinghu/events/nothing/` 指向的地址，网站里没有",
        "11: 错误：链接 `files/agenda.pdf`",
        "12: 警告：图片没有替代文字",
        "content/events/backwards.md\n",
        "4: 错误：活动的结束时间 `end` 早于开始时间 `date`",
        "11: 错误：“决定”的日期早于前面的“协商”",
        "4: 警告：封面照片没有 `cover_alt`",
        "content/notices/old.md\n",
    ] {
        assert!(report.contains(fact), "missing `{fact}` in:\n{report}");
    }
    assert!(
        !report.contains("13: "),
        "the image with alt text is fine:\n{report}"
    );
    assert!(!site.public().exists(), "check publishes nothing");
}

#[test]
fn a_clean_site_exits_zero_and_warnings_fail_only_with_strict() {
    let site = TestSite::fixture("basic");
    let run = site.run(&["check"]);
    assert_eq!(run.output.status.code(), Some(0), "{}", run.stdout());
    assert!(
        run.stdout().contains("1 个警告"),
        "the fixture's expired notice: {}",
        run.stdout()
    );
    let strict = site.run(&["check", "--strict"]);
    assert_eq!(strict.output.status.code(), Some(1));
    site.remove("content/notices/old.md");
    let clean = site.run(&["check", "--strict"]);
    assert_eq!(clean.output.status.code(), Some(0), "{}", clean.stdout());
    assert!(
        clean.stdout().contains("没有发现问题"),
        "{}",
        clean.stdout()
    );
}

#[test]
fn a_build_error_is_a_check_error() {
    let site = TestSite::fixture("basic");
    site.write(
        "content/stories/bad.md",
        "---\ntitle: 坏\nperson: 某\ndate: 2025-13-01\n---\n",
    );
    let run = site.run(&["check", "--format", "json"]);
    assert_eq!(run.output.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_str(&run.stdout()).expect("json");
    assert_eq!(json["errors"], 1);
    let problem = &json["files"][0]["problems"][0];
    assert_eq!(json["files"][0]["file"], "content/stories/bad.md");
    assert_eq!(problem["line"], 4);
    assert_eq!(problem["severity"], "error");
    assert!(
        problem["message"]
            .as_str()
            .unwrap()
            .contains("不是有效的日期")
    );
}

/// A server on 127.0.0.1 that answers `/ok` 200, `/gone` 404, `/moved`
/// 301 to `/ok`, never answers `/hang`, and takes 300 ms over `/slow/N`
/// while counting how many requests it holds at once.
fn links_server() -> (u16, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let most = Arc::new(AtomicUsize::new(0));
    let now = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&most);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let (most, now) = (Arc::clone(&seen), Arc::clone(&now));
            std::thread::spawn(move || answer(stream, &most, &now));
        }
    });
    (port, most)
}

fn answer(mut stream: std::net::TcpStream, most: &AtomicUsize, now: &AtomicUsize) {
    let mut buffer = [0u8; 2048];
    let read = std::io::Read::read(&mut stream, &mut buffer).unwrap_or(0);
    let request = String::from_utf8_lossy(&buffer[..read]).to_string();
    let path = request.split_whitespace().nth(1).unwrap_or("/").to_string();
    let reply = match path.as_str() {
        "/ok" => "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok".to_string(),
        "/gone" => "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_string(),
        "/moved" => "HTTP/1.1 301 Moved Permanently\r\nLocation: /ok\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_string(),
        "/hang" => {
            std::thread::sleep(Duration::from_secs(30));
            return;
        }
        _ => {
            let inside = now.fetch_add(1, Ordering::SeqCst) + 1;
            most.fetch_max(inside, Ordering::SeqCst);
            std::thread::sleep(Duration::from_millis(300));
            now.fetch_sub(1, Ordering::SeqCst);
            "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_string()
        }
    };
    let _ = stream.write_all(reply.as_bytes());
}

#[test]
fn external_links_are_checked_with_a_timeout_and_a_per_host_limit() {
    let (port, most_at_once) = links_server();
    let site = TestSite::fixture("basic");
    site.remove("content/notices/old.md");
    let base = format!("http://127.0.0.1:{port}");
    let slow: String = (0..6)
        .map(|n| format!("[慢{n}]({base}/slow/{n})\n"))
        .collect();
    site.write(
        "content/notices/external.md",
        &format!(
            "---\ntitle: 外链\ndate: 2025-11-20\n---\n[好]({base}/ok)\n\n[没了]({base}/gone)\n\n[搬了]({base}/moved)\n\n[卡住]({base}/hang)\n\n{slow}"
        ),
    );
    let started = Instant::now();
    let run = site.run(&["check", "--external", "--timeout", "1", "--per-host", "2"]);
    let report = run.stdout();
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "the hang is cut off by the timeout"
    );
    assert_eq!(run.output.status.code(), Some(1), "{report}");
    assert!(
        report.contains(&format!(
            "7: 错误：外部链接 `{base}/gone` 已经不存在（404）"
        )),
        "{report}"
    );
    assert!(
        report.contains(&format!("9: 警告：外部链接 `{base}/moved` 已经搬到 /ok")),
        "{report}"
    );
    assert!(
        report.contains(&format!(
            "11: 警告：外部链接 `{base}/hang` 在 1 秒内没有回应"
        )),
        "{report}"
    );
    assert!(
        !report.contains("/ok`"),
        "a good link is not reported: {report}"
    );
    assert!(!report.contains("/slow/"), "{report}");
    let most = most_at_once.load(Ordering::SeqCst);
    assert!(
        (1..=2).contains(&most),
        "at most 2 requests to one host at once, saw {most}"
    );
    let offline = site.run(&["check"]);
    assert!(
        !offline.stdout().contains("外部链接"),
        "no network without --external"
    );
}
