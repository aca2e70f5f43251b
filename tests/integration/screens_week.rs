//! Lobby screens that run a building's week (the `screens` fixture, its
//! clock the week of Monday 2026-12-07 in Shanghai): sources by weekday and
//! hour, overnight windows, each source's pace, pinned and scheduled pages
//! and what wins, night, type that fits, a video that plays to its end and
//! again offline, a broken one skipped, the status corner's QR code, and the
//! week preview agreeing with the player.
//!
//! The player runs in headless Chromium with virtual time (`?now=` sets the
//! screen's clock), except the video, which plays on the media clock and is
//! driven in real time by `tests/js/screens.mjs`.

use std::path::Path;
use std::process::Command;

use crate::browser::browser_or_skip;
use crate::harness::TestSite;
use crate::js_tools::{node_json, package};
use crate::screens::{artefacts, attribute, epoch_ms, history, run_player, screenshot};
use crate::static_server::serve;

/// The fixture with its two-second clip made by ffmpeg, built on the
/// Wednesday night the urgent gas notice is in force, and served.
struct Week {
    site: TestSite,
    port: u16,
}

fn week() -> Week {
    let site = TestSite::fixture("screens");
    let clip = site.root().join("content/videos/clip/clip.webm");
    let made = Command::new("ffmpeg")
        .args(["-loglevel", "error", "-y", "-f", "lavfi"])
        .args(["-i", "testsrc=duration=2:size=320x180:rate=10"])
        .args(["-c:v", "libvpx", "-b:v", "200k", "-an"])
        .arg(&clip)
        .status()
        .expect("ffmpeg is needed to make the test clip (apt-get install ffmpeg)");
    assert!(made.success() && clip.is_file(), "ffmpeg made no clip");
    let street = site.root().join("static/videos/street.webm");
    std::fs::create_dir_all(street.parent().unwrap()).unwrap();
    std::fs::copy(&clip, &street).unwrap();
    site.build(&["--clock", "2026-12-09 23:40"]).ok();
    let port = serve(&site.public(), "/lobby/", None);
    Week { site, port }
}

impl Week {
    fn url(&self, screen: &str, query: &str) -> String {
        format!(
            "http://127.0.0.1:{}/lobby/screens/{screen}/{query}",
            self.port
        )
    }

    /// The player of `screen` at Shanghai time `at` (`2026-12-07T10:00`)
    /// after `budget_ms` of screen time.
    fn play(&self, browser: &Path, screen: &str, at: &str, budget_ms: u32) -> String {
        let (width, height) = if screen == "late" || screen == "video" {
            (1080, 1920)
        } else {
            (1920, 1080)
        };
        let query = format!("?now={}", shanghai(at));
        run_player(browser, &self.url(screen, &query), budget_ms, width, height)
    }
}

fn shanghai(at: &str) -> i64 {
    epoch_ms(&format!("{at}:00+08:00"))
}

fn ids(dom: &str) -> Vec<String> {
    history(dom).into_iter().map(|(id, _)| id).collect()
}

#[test]
fn a_weekday_source_is_absent_on_sunday_and_present_on_monday() {
    let Some(browser) = browser_or_skip() else {
        return;
    };
    let week = week();
    let sunday = ids(&week.play(&browser, "week", "2026-12-06T10:00", 20_000));
    assert!(
        !sunday.iter().any(|id| id.starts_with("stories/")),
        "{sunday:?}"
    );
    assert!(
        !sunday.contains(&"notices/concert/".to_string()),
        "{sunday:?}"
    );
    assert!(
        sunday.contains(&"notices/repair/".to_string()),
        "{sunday:?}"
    );
    let monday = ids(&week.play(&browser, "week", "2026-12-07T10:00", 30_000));
    assert!(monday.contains(&"stories/wu/".to_string()), "{monday:?}");
    assert!(
        monday.contains(&"notices/concert/".to_string()),
        "{monday:?}"
    );
    // The concert poster ends with Friday: absent on Saturday, the day itself.
    let saturday = ids(&week.play(&browser, "week", "2026-12-12T10:00", 20_000));
    assert!(
        !saturday.contains(&"notices/concert/".to_string()),
        "{saturday:?}"
    );
}

#[test]
fn an_overnight_window_runs_from_friday_evening_into_saturday_morning() {
    let Some(browser) = browser_or_skip() else {
        return;
    };
    let week = week();
    let family = "families/he/".to_string();
    for (at, shown) in [
        ("2026-12-11T21:30", false),
        ("2026-12-11T23:30", true),
        ("2026-12-12T01:30", true),
        ("2026-12-12T02:30", false),
        ("2026-12-12T23:30", false),
        ("2026-12-10T23:30", false),
    ] {
        let seen = ids(&week.play(&browser, "late", at, 10_000));
        assert_eq!(seen.contains(&family), shown, "at {at}: {seen:?}");
    }
}

#[test]
fn each_source_keeps_its_own_pace_and_long_notices_take_a_turn_a_page() {
    let Some(browser) = browser_or_skip() else {
        return;
    };
    let week = week();
    let seen = history(&week.play(&browser, "week", "2026-12-07T10:00", 30_000));
    let order: Vec<&str> = seen.iter().map(|(id, _)| id.as_str()).collect();
    // Scheduled pages first (the concert poster, the weekday stories), then
    // the default mix, in the playlist's order.
    assert_eq!(
        order[..5],
        [
            "notices/concert/",
            "stories/wu/",
            "stories/chen/",
            "notices/repair/",
            "notices/rules/"
        ],
        "{seen:?}"
    );
    let lasted = |id: &str| -> i64 {
        let at = seen.iter().position(|(i, _)| i == id).unwrap();
        seen[at + 1].1 - seen[at].1
    };
    let near = |got: i64, want: i64| (want - 100..=want + 400).contains(&got);
    assert!(near(lasted("stories/wu/"), 6_000), "stories: 6 s, {seen:?}");
    assert!(
        near(lasted("notices/repair/"), 4_000),
        "screen pace: 4 s, {seen:?}"
    );
    // Two pages of rules, 4 s each.
    assert!(near(lasted("notices/rules/"), 8_000), "{seen:?}");
}

#[test]
fn urgent_beats_night_pinned_beats_the_rest_and_nothing_left_is_the_idle_slide() {
    let Some(browser) = browser_or_skip() else {
        return;
    };
    let week = week();
    // Thursday morning: the pinned vote notice is all that plays.
    let vote = week.play(&browser, "week", "2026-12-10T09:00", 14_000);
    assert_eq!(attribute(&vote, "data-mode"), "pinned");
    assert!(
        ids(&vote).iter().all(|id| id == "notices/vote/"),
        "{:?}",
        ids(&vote)
    );
    // After its window the week goes on as before.
    let after = ids(&week.play(&browser, "week", "2026-12-10T12:30", 10_000));
    assert!(!after.contains(&"notices/vote/".to_string()), "{after:?}");
    // Wednesday 23:45: night, and the urgent gas notice over it.
    let night = week.play(&browser, "week", "2026-12-09T23:45", 3_000);
    assert_eq!(attribute(&night, "data-mode"), "blank");
    let urgent = &night[night.find("id=\"urgent\"").unwrap()..];
    assert!(
        urgent.starts_with("id=\"urgent\" role=\"alert\" style=\"display: block;\"")
            && urgent.contains("燃气"),
        "{}",
        &urgent[..200.min(urgent.len())]
    );
    // A screen whose only source is for weekends shows its idle slide.
    let idle = week.play(&browser, "weekend-only", "2026-12-07T10:00", 10_000);
    assert_eq!(attribute(&idle, "data-mode"), "idle");
    assert!(ids(&idle).iter().all(|id| id == "idle"), "{:?}", ids(&idle));
    assert!(idle.contains("屏幕测试站") && idle.contains("12月7日 星期一"));
}

#[test]
fn the_night_window_blanks_the_screen_and_it_wakes_at_the_end() {
    let Some(browser) = browser_or_skip() else {
        return;
    };
    let week = week();
    let evening = week.play(&browser, "week", "2026-12-07T22:59", 70_000);
    let eleven = shanghai("2026-12-07T23:00");
    let seen = history(&evening);
    assert!(
        seen.iter().any(|(id, t)| id != "blank" && *t < eleven),
        "{seen:?}"
    );
    let dark = seen
        .iter()
        .find(|(id, _)| id == "blank")
        .expect("it went dark");
    assert!((eleven..eleven + 1_000).contains(&dark.1), "{seen:?}");
    assert!(
        seen.iter().all(|(id, t)| *t < eleven || id == "blank"),
        "{seen:?}"
    );
    assert_eq!(attribute(&evening, "data-mode"), "blank");
    assert!(evening.contains("class=\"landscape is-blank\""));
    assert!(evening.contains("night-clock"), "a dim clock, not nothing");

    let dawn = week.play(&browser, "week", "2026-12-08T06:29", 70_000);
    let half_past = shanghai("2026-12-08T06:30");
    let seen = history(&dawn);
    assert_eq!(seen[0].0, "blank", "{seen:?}");
    let woke = seen.iter().find(|(id, _)| id != "blank").expect("it woke");
    assert!((half_past..half_past + 1_000).contains(&woke.1), "{seen:?}");
    assert_ne!(attribute(&dawn, "data-mode"), "blank");
}

/// The current slide's element: `class="slide is-current ..."` up to `>`.
fn current_slide(dom: &str) -> &str {
    let at = dom
        .find("class=\"slide is-current")
        .expect("a current slide");
    let start = dom[..at].rfind("<article").unwrap();
    &dom[start..start + dom[start..].find('>').unwrap()]
}

#[test]
fn short_texts_are_set_large_and_long_ones_paged_never_cut() {
    let Some(browser) = browser_or_skip() else {
        return;
    };
    let week = week();
    let size = |element: &str| -> u32 { attribute(element, "data-font").parse().unwrap() };
    // 1920×1080: the concert poster's one line fills its space.
    let short = week.play(&browser, "week", "2026-12-07T10:00", 2_000);
    let slide = current_slide(&short);
    assert!(slide.contains(" notice "), "{slide}");
    assert!(size(slide) >= 90, "a short notice is large: {slide}");
    assert_eq!(attribute(slide, "data-pages"), "1");
    // The rules (372 characters) at the smallest size, two pages, whole.
    let long = week.play(&browser, "week", "2026-12-07T10:00", 21_000);
    let slide = current_slide(&long);
    assert!(size(slide) <= 50, "{slide}");
    assert_eq!(attribute(slide, "data-pages"), "2", "{slide}");
    assert_eq!(attribute(slide, "data-page"), "1");
    assert!(
        long.contains("当面询问。"),
        "the whole text is on the slide"
    );
    assert!(long.contains("第 1/2 页"));
    screenshot(
        &browser,
        &week.url("week", &format!("?now={}", shanghai("2026-12-07T10:00"))),
        1920,
        1080,
        "week-short-notice.png",
    );
    // Portrait: a family's motto, large.
    let tall = week.play(&browser, "late", "2026-12-11T23:30", 2_000);
    let slide = current_slide(&tall);
    assert!(size(slide) >= 90, "{slide}");
}

#[test]
fn a_video_plays_to_its_end_a_broken_one_is_skipped_and_both_hold_offline() {
    let Some(browser) = browser_or_skip() else {
        return;
    };
    package("playwright-core");
    let week = week();
    let url = week.url(
        "video",
        &format!("?now={}&poll_seconds=3", shanghai("2026-12-07T10:00")),
    );
    let report = node_json("screens.mjs", &[&browser.to_string_lossy(), &url]);
    for run in ["online", "offline"] {
        let facts = &report[run];
        assert_eq!(
            facts["controlled"], true,
            "{run}: the service worker serves the screen"
        );
        let seen: Vec<(String, i64)> = facts["history"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["id"].as_str().unwrap().to_string(),
                    e["at"].as_i64().unwrap(),
                )
            })
            .collect();
        let clip = seen.iter().position(|(id, _)| id == "videos/clip/");
        let clip = clip.unwrap_or_else(|| panic!("{run}: the clip never showed: {facts}"));
        let next = seen
            .get(clip + 1)
            .unwrap_or_else(|| panic!("{run}: {facts}"));
        // The two-second clip plays to its end, not for the 4 s pace.
        let lasted = next.1 - seen[clip].1;
        assert!(
            (1_900..3_900).contains(&lasted),
            "{run}: {lasted} ms {facts}"
        );
        assert!(facts["ended"].as_i64().unwrap() >= 1, "{run}: {facts}");
        assert!(
            !seen.iter().any(|(id, _)| id == "videos/broken/"),
            "{run}: the broken clip never takes the screen: {facts}"
        );
        assert_ne!(next.0, "videos/broken/");
        let errors = facts["status"]["errors"].to_string();
        assert!(errors.contains("坏掉的视频"), "{run}: noted: {errors}");
    }
}

/// Every QR code in a screenshot, decoded.
fn decode_all_qr(png: &Path) -> Vec<String> {
    let image = image::open(png).unwrap().to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(image);
    prepared
        .detect_grids()
        .iter()
        .filter_map(|grid| grid.decode().ok().map(|(_, text)| text))
        .collect()
}

#[test]
fn the_status_corner_codes_the_screen_state_for_the_status_page() {
    let Some(browser) = browser_or_skip() else {
        return;
    };
    let week = week();
    let playlist: serde_json::Value =
        serde_json::from_str(&week.site.read("screens/week/playlist.json")).unwrap();
    let build = playlist["version"].as_str().unwrap();
    let query = format!("?now={}&status=1", shanghai("2026-12-07T10:00"));
    let shot = screenshot(
        &browser,
        &week.url("week", &query),
        1920,
        1080,
        "status-corner.png",
    );
    let codes = decode_all_qr(&shot);
    let status = codes
        .iter()
        .find(|c| c.starts_with("https://example.org/lobby/screens/status/#"))
        .unwrap_or_else(|| panic!("no status code among {codes:?} ({})", shot.display()));
    assert!(status.contains("s=week&"), "{status}");
    assert!(status.contains(&format!("b={build}&")), "{status}");
    // On a phone, the status page shows it and compares it with the site.
    let hash = &status[status.find('#').unwrap()..];
    let page = format!("http://127.0.0.1:{}/lobby/screens/status/{hash}", week.port);
    let dom = run_player(&browser, &page, 3_000, 400, 800);
    assert!(
        dom.contains(&format!("data-field=\"build\">{build}<")),
        "{dom}"
    );
    assert!(dom.contains("data-field=\"screen\">week<"));
    assert!(dom.contains("屏幕放的是网站现在的节目"), "{dom}");
    assert!(artefacts().join("status-corner.png").is_file());
}

/// The preview's rows: (from, until, mode, ids).
fn preview_rows(dom: &str) -> Vec<(i64, i64, String, Vec<String>)> {
    // The timetable, not the player's own script further down.
    let week = &dom[dom.find("<div id=\"week\"").unwrap()..];
    let week = &week[..week.find("<script").unwrap_or(week.len())];
    week.split("<tr data-from=\"")
        .skip(1)
        .map(|row| {
            let value = |name: &str| attribute(&format!(" {row}"), name);
            let from: i64 = row[..row.find('"').unwrap()].parse().unwrap();
            let ids = value("data-ids");
            (
                from,
                value("data-until").parse().unwrap(),
                value("data-mode"),
                ids.split(' ')
                    .filter(|s| !s.is_empty())
                    .map(String::from)
                    .collect(),
            )
        })
        .collect()
}

#[test]
fn the_week_preview_shows_what_the_player_plays() {
    let Some(browser) = browser_or_skip() else {
        return;
    };
    let week = week();
    let dom = run_player(
        &browser,
        &week.url("week", "?week=2026-12-07"),
        2_000,
        1280,
        900,
    );
    assert!(dom.contains("一周播放安排") && dom.contains("12月13日 星期日"));
    let rows = preview_rows(&dom);
    assert!(rows.len() >= 14, "{rows:?}");
    for at in ["2026-12-07T10:00", "2026-12-10T09:30", "2026-12-09T23:45"] {
        let t = shanghai(at);
        let (_, _, mode, planned) = rows
            .iter()
            .find(|(from, until, _, _)| *from <= t && t < *until)
            .unwrap_or_else(|| panic!("no row holds {at}"));
        let played = week.play(&browser, "week", at, 30_000);
        assert_eq!(&attribute(&played, "data-mode"), mode, "at {at}");
        let mut shown = ids(&played);
        shown.sort();
        shown.dedup();
        let mut planned = planned.clone();
        planned.sort();
        if mode == "blank" {
            planned = vec!["blank".to_string()];
        }
        assert_eq!(shown, planned, "at {at}");
    }
    assert!(dom.contains("紧急通知全屏：夜间燃气抢修"));
    assert!(dom.contains("黑屏（夜间）"));
}

#[test]
fn two_hours_of_a_playlist_with_a_video_leave_the_page_as_small_as_it_started() {
    let Some(browser) = browser_or_skip() else {
        return;
    };
    let week = week();
    let url = week.url(
        "video",
        &format!("?now={}&poll_seconds=600", shanghai("2026-12-07T10:00")),
    );
    let early = run_player(&browser, &url, 20_000, 1080, 1920);
    let late = run_player(&browser, &url, 7_200_000, 1080, 1920);
    let shown: usize = attribute(&late, "data-shown").parse().unwrap();
    assert!(shown > 600, "{shown}");
    let nodes = |dom: &str| -> i64 { attribute(dom, "data-nodes").parse().unwrap() };
    assert!(
        (nodes(&late) - nodes(&early)).abs() < 60,
        "{} vs {}",
        nodes(&early),
        nodes(&late)
    );
    // Media keep real time, which virtual time outruns: a clip may wait for
    // its data for a while, but it keeps coming round.
    let videos: usize = attribute(&late, "data-videos-shown").parse().unwrap();
    assert!(
        videos >= 20,
        "the clip came round {videos} times in two hours"
    );
    // The player's own script is inline and writes `<video` too; only
    // elements count.
    let elements = late
        .split("<script")
        .map(|part| part.find("</script>").map_or(part, |end| &part[end..]))
        .map(|part| part.matches("<video").count())
        .sum::<usize>();
    assert!(
        elements <= 2,
        "{elements} video elements, one per buffer at most"
    );
}

/// The code a display box runs (the player, its service worker, the QR
/// encoder of the status corner) and the status page a phone opens are
/// plain ES5, checked by a real parser (acorn, in `tests/js/`).
#[test]
fn every_script_of_the_screens_is_plain_es5() {
    let site = TestSite::fixture("screens");
    site.write("content/videos/clip/clip.webm", "a clip is not needed here");
    site.write("static/videos/street.webm", "nor here");
    site.build(&["--clock", "2026-12-09 23:40"]).ok();
    let scratch = tempfile::tempdir().unwrap();
    let mut files = vec![
        site.public().join("screens/sw.js"),
        site.public().join("screens/qr.js"),
    ];
    for page in ["screens/week/index.html", "screens/status/index.html"] {
        let html = site.read(page);
        let start = html.rfind("<script>").expect("an inline script") + "<script>".len();
        let script = &html[start..start + html[start..].find("</script>").unwrap()];
        let file = scratch.path().join(page.replace('/', "-") + ".js");
        std::fs::write(&file, script).unwrap();
        files.push(file);
    }
    crate::js_tools::assert_es5(&files);
}

/// Collects what arrives at a listening port: each request's head and body.
fn listen_for_beats() -> (u16, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    use std::io::{BufRead, BufReader, Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let kept = std::sync::Arc::clone(&seen);
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut head = String::new();
            let mut length = 0;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(value) = line.to_lowercase().strip_prefix("content-length:") {
                    length = value.trim().parse().unwrap_or(0);
                }
                head.push_str(&line);
            }
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            kept.lock()
                .unwrap()
                .push(format!("{head}\n{}", String::from_utf8_lossy(&body)));
            let _ = stream.write_all(
                b"HTTP/1.1 204 No Content\r\nAccess-Control-Allow-Origin: *\r\nConnection: close\r\n\r\n",
            );
        }
    });
    (port, seen)
}

#[test]
fn a_heartbeat_goes_only_where_the_office_asked_and_says_what_the_readme_says() {
    let Some(browser) = browser_or_skip() else {
        return;
    };
    let week = week();
    // Off by default: the player has no address to send to.
    assert!(
        week.site
            .read("screens/week/index.html")
            .contains("\"heartbeat_url\":null")
    );
    let (port, beats) = listen_for_beats();
    let config = std::fs::read_to_string(week.site.root().join("linju.yaml")).unwrap();
    week.site.write(
        "linju.yaml",
        &config.replacen(
            "    blank: \"23:00-06:30\"\n",
            &format!(
                "    blank: \"23:00-06:30\"\n    heartbeat_url: http://127.0.0.1:{port}/beat\n"
            ),
            1,
        ),
    );
    week.site.build(&["--clock", "2026-12-09 23:40"]).ok();
    let query = format!("?now={}&poll_seconds=3", shanghai("2026-12-07T10:00"));
    run_player(&browser, &week.url("week", &query), 8_000, 1920, 1080);
    let beats = beats.lock().unwrap();
    let beat = beats
        .iter()
        .find(|b| b.starts_with("POST /beat "))
        .unwrap_or_else(|| panic!("no heartbeat: {beats:?}"));
    let body: serde_json::Value =
        serde_json::from_str(&beat[beat.find("\n\n").unwrap() + 2..]).unwrap();
    let mut keys: Vec<&str> = body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "at",
            "build",
            "errors",
            "fetched",
            "offline_ms",
            "offline_since",
            "screen",
            "shown",
            "started"
        ]
    );
    assert_eq!(body["screen"], "week");
}

#[test]
fn a_source_can_be_a_clip_of_its_own_with_the_sources_window() {
    let site = TestSite::fixture("screens");
    site.write("content/videos/clip/clip.webm", "not played here");
    site.write("static/videos/street.webm", "not played here");
    site.build(&["--clock", "2026-12-09 23:40"]).ok();
    let playlist: serde_json::Value =
        serde_json::from_str(&site.read("screens/video/playlist.json")).unwrap();
    let clip = playlist["slides"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "clips/videos/street.webm")
        .unwrap_or_else(|| panic!("no clip slide: {playlist}"));
    assert_eq!(clip["title"], "街道宣传片");
    assert_eq!(clip["video"]["url"], "/lobby/videos/street.webm");
    assert_eq!(clip["video"]["type"], "video/webm");
    assert_eq!(clip["when"]["days"], serde_json::json!([1, 2, 3, 4, 5]));
    assert_eq!(clip["scheduled"], true);
    assert!(site.public().join("videos/street.webm").is_file());
    // A clip that is not there is named, at its line.
    std::fs::remove_file(site.root().join("static/videos/street.webm")).unwrap();
    let stderr = site.build(&[]).fails();
    assert!(
        stderr.contains("linju.yaml:") && stderr.contains("找不到视频 static/videos/street.webm"),
        "{stderr}"
    );
}
