//! Lobby screens in headless Chromium: slides advance at their pace,
//! expired items leave by themselves, a new playlist is picked up without
//! a reload, a dropped server does not stop the show, urgent notices take
//! over, and the QR codes lead to the right pages.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::browser::{browser_or_skip, headless};
use crate::harness::TestSite;

/// A small static server for the built site, which a test can make fail
/// (every connection closed at once) or make serve another playlist.
struct Server {
    port: u16,
    failing: Arc<AtomicBool>,
    fail_after_page: Arc<AtomicBool>,
    playlist: Arc<Mutex<Option<Vec<u8>>>>,
}

impl Server {
    fn start(public: &Path) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = Server {
            port,
            failing: Arc::new(AtomicBool::new(false)),
            fail_after_page: Arc::new(AtomicBool::new(false)),
            playlist: Arc::new(Mutex::new(None)),
        };
        let (root, failing, fail_after_page, playlist) = (
            public.to_path_buf(),
            Arc::clone(&server.failing),
            Arc::clone(&server.fail_after_page),
            Arc::clone(&server.playlist),
        );
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                if failing.load(Ordering::SeqCst) {
                    continue; // dropped: the connection closes unanswered
                }
                let mut line = String::new();
                if BufReader::new(&stream).read_line(&mut line).is_err() {
                    continue;
                }
                let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
                let path = path.split('?').next().unwrap_or("/").to_string();
                let relative = path.trim_start_matches("/tinghu/").to_string();
                let mut file = root.join(&relative);
                if file.is_dir() {
                    file = file.join("index.html");
                }
                let replaced = if relative.ends_with("playlist.json") {
                    playlist.lock().unwrap().clone()
                } else {
                    None
                };
                let body = replaced.or_else(|| std::fs::read(&file).ok());
                let response = match body {
                    Some(body) => {
                        let kind = match file.extension().and_then(|e| e.to_str()) {
                            Some("html") => "text/html; charset=utf-8",
                            Some("json") => "application/json",
                            Some("js") => "text/javascript",
                            Some("jpg") => "image/jpeg",
                            Some("webp") => "image/webp",
                            _ => "application/octet-stream",
                        };
                        let mut head = format!(
                            "HTTP/1.1 200 OK\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
                            body.len()
                        )
                        .into_bytes();
                        head.extend(body);
                        head
                    }
                    None => {
                        b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                            .to_vec()
                    }
                };
                let _ = stream.write_all(&response);
                if fail_after_page.load(Ordering::SeqCst) && relative.ends_with('/') {
                    failing.store(true, Ordering::SeqCst);
                }
            }
        });
        server
    }

    fn url(&self, screen: &str, query: &str) -> String {
        format!(
            "http://127.0.0.1:{}/tinghu/screens/{screen}/{query}",
            self.port
        )
    }
}

/// The fixture with its urgent water notice moved to 桂园社区, so the 听湖
/// lobby screen plays its own slides while site-wide screens show it.
fn built_with_water_in_guiyuan() -> TestSite {
    let site = TestSite::fixture("basic");
    let notice = std::fs::read_to_string(site.root().join("content/notices/water.md")).unwrap();
    site.write(
        "content/notices/water.md",
        &notice.replace("urgent: true", "urgent: true\ncommunity: guiyuan"),
    );
    site.build(&["--clock", "2025-12-01 10:00"]).ok();
    site
}

fn built() -> TestSite {
    let site = TestSite::fixture("basic");
    site.build(&["--clock", "2025-12-01 10:00"]).ok();
    site
}

/// The player's DOM after `budget_ms` of (virtual) time.
pub(crate) fn run_player(
    browser: &Path,
    url: &str,
    budget_ms: u32,
    width: u32,
    height: u32,
) -> String {
    let profile = tempfile::tempdir().unwrap();
    let output = headless(browser, profile.path())
        .arg(format!("--virtual-time-budget={budget_ms}"))
        .arg(format!("--window-size={width},{height}"))
        .arg("--dump-dom")
        .arg(url)
        .output()
        .expect("run chromium");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub(crate) fn attribute(dom: &str, name: &str) -> String {
    let marker = format!("{name}=\"");
    let start = dom
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} in {dom}"))
        + marker.len();
    dom[start..start + dom[start..].find('"').unwrap()].to_string()
}

/// (slide id, screen time in ms) of every slide shown, in order.
pub(crate) fn history(dom: &str) -> Vec<(String, i64)> {
    attribute(dom, "data-history")
        .split(' ')
        .map(|entry| {
            let (id, t) = entry.rsplit_once('@').unwrap();
            (id.to_string(), t.parse().unwrap())
        })
        .collect()
}

pub(crate) fn epoch_ms(text: &str) -> i64 {
    let time: jiff::Timestamp = text.parse().unwrap();
    time.as_millisecond()
}

#[test]
fn slides_advance_at_the_configured_pace() {
    let Some(browser) = browser_or_skip() else {
        return;
    };
    let site = built();
    let server = Server::start(&site.public());
    // The lobby screen shows each slide for 4 s: at 0, 4, 8, 12 and 16 s.
    let dom = run_player(&browser, &server.url("lobby", ""), 18_000, 1920, 1080);
    let shown: usize = attribute(&dom, "data-shown").parse().unwrap();
    assert_eq!(shown, 5, "{}", attribute(&dom, "data-history"));
    let seen = history(&dom);
    let gaps: Vec<i64> = seen.windows(2).map(|w| w[1].1 - w[0].1).collect();
    // Virtual time still lets a busy machine (the whole suite running)
    // delay the first change by a timer's slice: 4 s, within 300 ms.
    assert!(gaps.iter().all(|g| (3_900..=4_300).contains(g)), "{gaps:?}");
    assert_ne!(seen[0].0, seen[1].0, "the slides change");
}

#[test]
fn an_item_leaves_the_rotation_when_it_expires() {
    let Some(browser) = browser_or_skip() else {
        return;
    };
    let site = built();
    let server = Server::start(&site.public());
    // The water notice expires at 2099-12-06 00:00 (+08:00); start 3 s before.
    let expiry = epoch_ms("2099-12-05T16:00:00Z");
    let query = format!("?now={}", expiry - 3_000);
    let dom = run_player(&browser, &server.url("tall", &query), 22_000, 1080, 1920);
    let seen = history(&dom);
    assert!(
        seen.iter()
            .any(|(id, t)| id == "notices/water/" && *t < expiry),
        "the notice showed while in force: {seen:?}"
    );
    assert!(
        !seen
            .iter()
            .any(|(id, t)| id == "notices/water/" && *t >= expiry),
        "the notice showed after it expired: {seen:?}"
    );
    assert!(seen.len() >= 4, "{seen:?}");
    // Its urgent takeover has gone too.
    let urgent_box = &dom[dom.find("id=\"urgent\"").unwrap()..];
    assert!(
        urgent_box[..urgent_box.find('>').unwrap()]
            .replace(' ', "")
            .contains("display:none"),
        "{urgent_box}"
    );
}

#[test]
fn a_new_playlist_is_picked_up_without_a_reload() {
    let Some(browser) = browser_or_skip() else {
        return;
    };
    let site = built();
    let server = Server::start(&site.public());
    let mut playlist: serde_json::Value =
        serde_json::from_str(&site.read("screens/lobby/playlist.json")).unwrap();
    let mut extra = playlist["slides"][0].clone();
    extra["id"] = "notices/brand-new/".into();
    extra["title"] = "刚刚发布的新通知".into();
    extra["image"] = serde_json::Value::Null;
    playlist["slides"].as_array_mut().unwrap().insert(0, extra);
    playlist["version"] = "rebuilt".into();
    *server.playlist.lock().unwrap() = Some(playlist.to_string().into_bytes());
    let dom = run_player(
        &browser,
        &server.url("lobby", "?poll_seconds=5"),
        22_000,
        1920,
        1080,
    );
    assert_eq!(attribute(&dom, "data-version"), "rebuilt");
    let seen = history(&dom);
    let first_new = seen
        .iter()
        .position(|(id, _)| id == "notices/brand-new/")
        .unwrap_or_else(|| panic!("the new slide never showed: {seen:?}"));
    assert!(
        first_new > 0,
        "slides from before the switch are in the same page's history: {seen:?}"
    );
}

#[test]
fn the_show_goes_on_when_the_server_drops() {
    let Some(browser) = browser_or_skip() else {
        return;
    };
    let site = built();
    let server = Server::start(&site.public());
    server.fail_after_page.store(true, Ordering::SeqCst);
    let dom = run_player(
        &browser,
        &server.url("lobby", "?poll_seconds=3&urgent_poll_seconds=3"),
        18_000,
        1920,
        1080,
    );
    assert!(
        server.failing.load(Ordering::SeqCst),
        "the server never dropped"
    );
    let shown: usize = attribute(&dom, "data-shown").parse().unwrap();
    assert!(shown >= 4, "the slides stopped: {shown}");
    assert!(dom.contains("class=\"slide is-current"));
    assert!(dom.contains("<h1>"), "a slide is on screen");
}

#[test]
fn urgent_notices_take_over_the_screens_of_their_community() {
    let Some(browser) = browser_or_skip() else {
        return;
    };
    let site = built_with_water_in_guiyuan();
    let server = Server::start(&site.public());
    // The water notice is urgent and belongs to 桂园: the site-wide screen
    // shows it over everything, the 听湖 lobby does not.
    let tall = run_player(&browser, &server.url("tall", ""), 2_000, 1080, 1920);
    assert!(
        tall.contains("id=\"urgent\" role=\"alert\" style=\"display: block;\""),
        "{tall}"
    );
    assert!(tall.contains("紧急通知") && tall.contains("停水"));
    let lobby = run_player(&browser, &server.url("lobby", ""), 2_000, 1920, 1080);
    let urgent_box = &lobby[lobby.find("id=\"urgent\"").unwrap()..];
    let urgent_box = &urgent_box[..urgent_box.find("</section>").unwrap()];
    assert!(
        urgent_box.replace(' ', "").contains("display:none") && !urgent_box.contains("停水"),
        "{urgent_box}"
    );
}

/// Where screenshots are kept for people to look at.
pub(crate) fn artefacts() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screens");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub(crate) fn screenshot(
    browser: &Path,
    url: &str,
    width: u32,
    height: u32,
    name: &str,
) -> PathBuf {
    let profile = tempfile::tempdir().unwrap();
    let file = artefacts().join(name);
    let status = headless(browser, profile.path())
        .args(["--hide-scrollbars", "--virtual-time-budget=2000"])
        .arg(format!("--window-size={width},{height}"))
        .arg(format!("--screenshot={}", file.display()))
        .arg(url)
        .output()
        .expect("run chromium");
    assert!(file.is_file(), "no screenshot: {status:?}");
    file
}

pub(crate) fn decode_qr(png: &Path) -> String {
    let image = image::open(png).unwrap().to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(image);
    let grids = prepared.detect_grids();
    assert!(!grids.is_empty(), "no QR code found in {}", png.display());
    grids[0].decode().expect("QR decodes").1
}

#[test]
fn qr_codes_lead_to_their_pages_in_landscape_and_portrait() {
    let Some(browser) = browser_or_skip() else {
        return;
    };
    let site = built_with_water_in_guiyuan();
    let server = Server::start(&site.public());
    let playlist: serde_json::Value =
        serde_json::from_str(&site.read("screens/lobby/playlist.json")).unwrap();
    let landscape = screenshot(
        &browser,
        &server.url("lobby", ""),
        1920,
        1080,
        "lobby-landscape.png",
    );
    let first = playlist["slides"][0]["url"].as_str().unwrap();
    assert_ne!(first, "https://example.org/tinghu/notices/water/");
    assert_eq!(decode_qr(&landscape), first);
    // The portrait screen opens on the urgent takeover, whose code leads to
    // the notice.
    let portrait = screenshot(
        &browser,
        &server.url("tall", ""),
        1080,
        1920,
        "tall-portrait.png",
    );
    assert_eq!(
        decode_qr(&portrait),
        "https://example.org/tinghu/notices/water/"
    );
}

#[test]
fn the_staff_index_lists_every_screen_and_its_playlist() {
    let site = built();
    let index = site.read("screens/index.html");
    assert!(index.contains("href=\"/tinghu/screens/lobby/\""));
    assert!(index.contains("href=\"/tinghu/screens/tall/\""));
    assert!(index.contains("竖屏 1080×1920"));
    assert!(index.contains("<li>停水通知</li>"));
    let player = site.read("screens/lobby/index.html");
    assert!(
        !player.contains("http://") || player.contains("https://example.org"),
        "no external request"
    );
    assert!(!player.contains("<script src="), "everything is inline");
}

#[test]
fn day_parted_sources_show_only_in_their_hours() {
    let Some(browser) = browser_or_skip() else {
        return;
    };
    let site = built();
    let server = Server::start(&site.public());
    // The tall screen shows its 创业 stories from 07:00 to 22:00 only.
    let night = format!("?now={}", epoch_ms("2025-12-01T19:00:00Z")); // 03:00 in Shanghai
    let dom = run_player(&browser, &server.url("tall", &night), 16_000, 1080, 1920);
    let seen = history(&dom);
    assert!(
        !seen.iter().any(|(id, _)| id.starts_with("stories/")),
        "{seen:?}"
    );
    let morning = format!("?now={}", epoch_ms("2025-12-01T02:00:00Z")); // 10:00
    let dom = run_player(&browser, &server.url("tall", &morning), 16_000, 1080, 1920);
    let seen = history(&dom);
    assert!(
        seen.iter().any(|(id, _)| id.starts_with("stories/")),
        "{seen:?}"
    );
}

#[test]
fn a_day_of_rotation_leaves_the_page_as_small_as_it_started() {
    let Some(browser) = browser_or_skip() else {
        return;
    };
    let site = built();
    let server = Server::start(&site.public());
    // Two hours of screen time at 4 s a slide: 1,800 slides.
    let early = run_player(
        &browser,
        &server.url("lobby", "?poll_seconds=600"),
        9_000,
        1920,
        1080,
    );
    let late = run_player(
        &browser,
        &server.url("lobby", "?poll_seconds=600"),
        7_200_000,
        1920,
        1080,
    );
    let shown: usize = attribute(&late, "data-shown").parse().unwrap();
    assert!(shown > 1_700, "{shown}");
    let nodes = |dom: &str| -> i64 { attribute(dom, "data-nodes").parse().unwrap() };
    // The same slides come round: the element count stays within one slide's worth.
    assert!(
        (nodes(&late) - nodes(&early)).abs() < 60,
        "{} vs {}",
        nodes(&early),
        nodes(&late)
    );
    assert!(history(&late).len() <= 40, "the history is capped");
}
