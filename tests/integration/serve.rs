//! `linju serve` and `linju watch` as a writer uses them: start the real
//! binary on a free port, fetch pages, edit, add and delete files, and
//! watch the output and the reload events follow.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use crate::harness::TestSite;

/// How long anything here may take before the test fails.
pub const PATIENCE: Duration = Duration::from_secs(20);

/// A running `linju serve` (or `watch`), killed when dropped.
pub struct Running {
    child: Child,
    pub port: u16,
    output: Receiver<String>,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts the binary with `args` in `root`; its stdout and stderr lines
/// arrive on a channel.
pub fn start(root: &Path, args: &[&str], port: u16) -> Running {
    start_in(root, args, port, "en")
}

/// [`start`] with messages in `lang` (`zh` or `en`); the tests that read
/// addresses and counts from the output use English.
pub fn start_in(root: &Path, args: &[&str], port: u16, lang: &str) -> Running {
    let mut child = Command::new(env!("CARGO_BIN_EXE_linju"))
        .env("LINJU_LANG", lang)
        .args(args)
        .arg("--root")
        .arg(root)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start linju");
    let (sender, output) = channel();
    for stream in [
        Box::new(child.stdout.take().unwrap()) as Box<dyn Read + Send>,
        Box::new(child.stderr.take().unwrap()),
    ] {
        let sender = sender.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                let _ = sender.send(line);
            }
        });
    }
    Running {
        child,
        port,
        output,
    }
}

fn serve(site: &TestSite) -> Running {
    let port = free_port();
    let running = start(site.root(), &["serve", "--port", &port.to_string()], port);
    running.wait_for_line("serving the site at");
    running
}

impl Running {
    /// Waits for an output line containing `text`; returns all lines seen.
    pub fn wait_for_line(&self, text: &str) -> Vec<String> {
        let deadline = Instant::now() + PATIENCE;
        let mut seen = Vec::new();
        while Instant::now() < deadline {
            if let Ok(line) = self.output.recv_timeout(Duration::from_millis(100)) {
                let found = line.contains(text);
                seen.push(line);
                if found {
                    return seen;
                }
            }
        }
        panic!("no line with `{text}` in:\n{}", seen.join("\n"));
    }

    pub fn get(&self, path: &str) -> Reply {
        request(self.port, "GET", path)
    }
}

/// A parsed HTTP reply.
pub struct Reply {
    pub status: u16,
    pub head: String,
    pub body: String,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<String> {
        self.head.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name)
                .then(|| value.trim().to_string())
        })
    }
}

/// One request over a fresh connection, the path sent exactly as given.
fn request(port: u16, method: &str, path: &str) -> Reply {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    Reply::parse(&raw)
}

impl Reply {
    /// A reply as read from the socket: status line, head, body.
    pub fn parse(raw: &[u8]) -> Reply {
        let text = String::from_utf8_lossy(raw).into_owned();
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let status = head
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        Reply {
            status,
            head: head.to_string(),
            body: body.to_string(),
        }
    }
}

/// A page's open event stream; closed when dropped, as a page that goes.
struct Events {
    lines: Receiver<String>,
    stream: TcpStream,
}

impl Drop for Events {
    fn drop(&mut self) {
        let _ = self.stream.shutdown(std::net::Shutdown::Both);
    }
}

impl Events {
    fn open(port: u16) -> Events {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        write!(
            stream,
            "GET /__linju/events HTTP/1.1\r\nHost: localhost\r\n\r\n"
        )
        .unwrap();
        let (sender, lines) = channel();
        let kept = stream.try_clone().expect("clone the stream");
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        let events = Events {
            lines,
            stream: kept,
        };
        events.wait_for("retry:");
        events
    }

    /// Waits for a line starting with `prefix`; returns the next line too
    /// (an event's data).
    fn wait_for(&self, prefix: &str) -> String {
        let deadline = Instant::now() + PATIENCE;
        while Instant::now() < deadline {
            if let Ok(line) = self.lines.recv_timeout(Duration::from_millis(100))
                && line.starts_with(prefix)
            {
                let data = self
                    .lines
                    .recv_timeout(Duration::from_secs(1))
                    .unwrap_or_default();
                return format!("{line}\n{data}");
            }
        }
        panic!("no `{prefix}` event");
    }
}

/// Polls until `check` holds.
pub fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + PATIENCE;
    while Instant::now() < deadline {
        if check() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("never happened: {what}");
}

#[test]
fn serves_the_site_under_its_sub_path_with_the_reload_script() {
    let site = TestSite::fixture("basic");
    let server = serve(&site);
    let home = server.get("/tinghu/");
    assert_eq!(home.status, 200);
    assert_eq!(
        home.header("content-type").as_deref(),
        Some("text/html; charset=utf-8")
    );
    assert!(
        home.body.contains("/__linju/events"),
        "no live-reload script"
    );
    assert!(
        home.body
            .contains(&format!("http://127.0.0.1:{}/tinghu/", server.port)),
        "permalinks should point at the local server"
    );
    let built = std::fs::read_to_string(site.root().join(".linju/serve/index.html")).unwrap();
    assert!(
        !built.contains("__linju"),
        "the script must not be in the files"
    );
    assert_eq!(server.get("/").status, 301);
    assert_eq!(server.get("/tinghu/stories").status, 301);
    let story = server.get("/tinghu/stories/li/");
    assert_eq!(story.status, 200);
    assert!(story.body.contains("李明远"));
    let css = server.get("/tinghu/style.css");
    assert_eq!(
        css.header("content-type").as_deref(),
        Some("text/css; charset=utf-8")
    );
    let feed = server.get("/tinghu/atom.xml");
    assert_eq!(
        feed.header("content-type").as_deref(),
        Some("application/xml; charset=utf-8")
    );
    let missing = server.get("/tinghu/no-such-page/");
    assert_eq!(missing.status, 404);
    assert!(
        missing.body.contains("<html"),
        "the site's 404 page is served"
    );
    let head = request(server.port, "HEAD", "/tinghu/");
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty(), "HEAD has no body");
    assert_eq!(request(server.port, "POST", "/tinghu/").status, 405);
    assert!(
        std::fs::read_to_string(site.root().join(".linju/.gitignore"))
            .unwrap()
            .contains('*')
    );
}

#[test]
fn refuses_paths_that_leave_the_site() {
    let site = TestSite::fixture("basic");
    site.write(".linju/secret.txt", "secret");
    let server = serve(&site);
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        site.root().join("linju.yaml"),
        site.root().join(".linju/serve/config.txt"),
    )
    .unwrap();
    for path in [
        "/tinghu/../secret.txt",
        "/tinghu/..%2fsecret.txt",
        "/tinghu/%2e%2e/secret.txt",
        "/tinghu/%2E%2E%2F%2E%2E%2Flinju.yaml",
        "/tinghu/..%5c..%5clinju.yaml",
        "/tinghu/config.txt",
    ] {
        let reply = server.get(path);
        assert!(
            reply.status == 403 || reply.status == 404,
            "{path} gave {}",
            reply.status
        );
        assert!(
            !reply.body.contains("secret") && !reply.body.contains("base_url"),
            "{path} leaked a file"
        );
    }
}

#[test]
fn edits_additions_and_deletions_reach_the_browser() {
    let site = TestSite::fixture("basic");
    let server = serve(&site);
    let events = Events::open(server.port);

    // A body edit: the page changes and open pages are told to reload.
    let file = "content/stories/li.md";
    let text = std::fs::read_to_string(site.root().join(file)).unwrap();
    site.write(file, &text.replace("第三位。", "第三位，今天更新。"));
    events.wait_for("event: reload");
    assert!(server.get("/tinghu/stories/li/").body.contains("今天更新"));
    let lines = server.wait_for_line("rebuilt");
    assert!(
        lines.iter().any(|l| l.contains("stories/li.md")),
        "the changed file is named: {lines:?}"
    );

    // A new page appears, and in its section's list.
    site.write(
        "content/notices/new.md",
        "---\ntitle: 新通知\ndate: 2025-11-30\n---\n周末义诊。\n",
    );
    events.wait_for("event: reload");
    eventually("the new page is served", || {
        server.get("/tinghu/notices/new/").status == 200
    });
    assert!(server.get("/tinghu/notices/").body.contains("新通知"));

    // A deleted page's URL is gone and lists forget it.
    std::fs::remove_file(site.root().join("content/notices/new.md")).unwrap();
    events.wait_for("event: reload");
    eventually("the deleted page is gone", || {
        server.get("/tinghu/notices/new/").status == 404
    });
    assert!(!server.get("/tinghu/notices/").body.contains("新通知"));
    assert!(!site.root().join(".linju/serve/notices/new").exists());
}

#[test]
fn an_error_shows_over_the_page_and_the_fix_clears_it() {
    let site = TestSite::fixture("basic");
    let server = serve(&site);
    let events = Events::open(server.port);
    let file = "content/stories/li.md";
    let good = std::fs::read_to_string(site.root().join(file)).unwrap();
    site.write(file, &good.replace("date: 2025-09-02", "date: 2025-13-02"));
    let failed = events.wait_for("event: failed");
    assert!(
        failed.contains("li.md:3"),
        "the overlay names file and line: {failed}"
    );
    // The last good site is still served.
    let page = server.get("/tinghu/stories/li/");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("李明远"));
    // A page opened now learns about the failure at once.
    let late = Events::open(server.port);
    late.wait_for("event: failed");

    site.write(file, &good.replace("第三位。", "第三位，已修正。"));
    events.wait_for("event: reload");
    assert!(server.get("/tinghu/stories/li/").body.contains("已修正"));
}

#[test]
fn editor_saves_and_a_checkout_of_many_files_give_one_rebuild() {
    let site = TestSite::fixture("basic");
    let server = serve(&site);
    let root = site.root();
    // Vim's way: a write test file, a backup by rename, the new file, and
    // the backup removed.
    let file = root.join("content/stories/li.md");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(root.join("content/stories/4913"), "").unwrap();
    std::fs::remove_file(root.join("content/stories/4913")).unwrap();
    std::fs::rename(&file, root.join("content/stories/li.md~")).unwrap();
    std::fs::write(&file, text.replace("第三位。", "第三位（vim）。")).unwrap();
    std::fs::remove_file(root.join("content/stories/li.md~")).unwrap();
    server.wait_for_line("rebuilt");
    assert!(server.get("/tinghu/stories/li/").body.contains("（vim）"));

    // An atomic save through a temporary file and a rename.
    let temporary = root.join("content/stories/.li.md.tmp");
    std::fs::write(&temporary, text.replace("第三位。", "第三位（原子保存）。")).unwrap();
    std::fs::rename(&temporary, &file).unwrap();
    server.wait_for_line("rebuilt");
    assert!(server.get("/tinghu/stories/li/").body.contains("原子保存"));

    // A checkout writing 200 files in one go.
    for n in 0..200 {
        site.write(
            &format!("content/notices/batch-{n:03}.md"),
            &format!("---\ntitle: 批量通知{n}\ndate: 2025-11-20\n---\n第 {n} 条。\n"),
        );
    }
    let lines = server.wait_for_line("rebuilt");
    eventually("all 200 pages are served", || {
        server.get("/tinghu/notices/batch-199/").status == 200
    });
    // Give any straggling rebuild time to show itself.
    std::thread::sleep(Duration::from_millis(500));
    let mut extra = Vec::new();
    while let Ok(line) = server.output.try_recv() {
        extra.push(line);
    }
    let rebuilds = lines
        .iter()
        .chain(&extra)
        .filter(|l| l.starts_with("rebuilt"))
        .count();
    assert_eq!(rebuilds, 1, "one burst, one rebuild: {lines:?} {extra:?}");
}

#[test]
fn a_taken_port_is_reported_with_what_to_do() {
    let site = TestSite::fixture("basic");
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let output = Command::new(env!("CARGO_BIN_EXE_linju"))
        .args(["serve", "--port", &port.to_string(), "--root"])
        .arg(site.root())
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(&port.to_string()), "{stderr}");
    assert!(stderr.contains("--port"), "{stderr}");
}

#[test]
fn watch_keeps_the_output_folder_current() {
    let site = TestSite::fixture("basic");
    let output = site.root().join("public");
    let running = start(site.root(), &["watch"], 0);
    running.wait_for_line("built");
    assert!(output.join("stories/li/index.html").is_file());
    let file = "content/stories/li.md";
    let good = std::fs::read_to_string(site.root().join(file)).unwrap();
    site.write(file, &good.replace("第三位。", "第三位（watch）。"));
    running.wait_for_line("rebuilt");
    let page = std::fs::read_to_string(output.join("stories/li/index.html")).unwrap();
    assert!(page.contains("（watch）"));
    assert!(
        !page.contains("__linju"),
        "watch output has no reload script"
    );
    // A broken file leaves the last good site in place.
    site.write(file, &good.replace("date: 2025-09-02", "date: 2025-13-02"));
    running.wait_for_line("build failed");
    let still = std::fs::read_to_string(output.join("stories/li/index.html")).unwrap();
    assert_eq!(still, page);
}

/// The page as headless Chromium has it after its scripts ran a while.
fn dom_after_scripts(browser: &Path, url: &str) -> String {
    let profile = tempfile::tempdir().unwrap();
    let output = crate::browser::headless(browser, profile.path())
        // Not a virtual-time budget: the page's event stream never ends,
        // and virtual time stands still while a request is open.
        .args(["--timeout=3000", "--dump-dom"])
        .arg(url)
        .output()
        .expect("run chromium");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn the_error_overlay_shows_in_a_real_browser_and_goes_with_the_fix() {
    let Some(browser) = crate::browser::browser_or_skip() else {
        return;
    };
    let site = TestSite::fixture("basic");
    let server = serve(&site);
    let url = format!("http://127.0.0.1:{}/tinghu/stories/li/", server.port);
    let calm = dom_after_scripts(&browser, &url);
    assert!(
        calm.contains("李明远") && !calm.contains("id=\"linju-error\" role=\"alert\""),
        "{calm}"
    );

    let file = "content/stories/li.md";
    let good = std::fs::read_to_string(site.root().join(file)).unwrap();
    site.write(file, &good.replace("date: 2025-09-02", "date: 2025-13-02"));
    server.wait_for_line("build failed");
    let broken = dom_after_scripts(&browser, &url);
    assert!(
        broken.contains("id=\"linju-error\" role=\"alert\""),
        "no overlay: {broken}"
    );
    assert!(broken.contains("li.md:3"), "the overlay names the line");
    assert!(
        broken.contains("李明远"),
        "the last good page is still there"
    );

    site.write(file, &good);
    server.wait_for_line("rebuilt");
    let fixed = dom_after_scripts(&browser, &url);
    assert!(
        !fixed.contains("id=\"linju-error\" role=\"alert\""),
        "the overlay stayed"
    );
}

#[test]
fn a_stylesheet_change_swaps_styles_without_a_reload() {
    let site = TestSite::fixture("basic");
    site.write("static/extra.css", "body { color: #111; }\n");
    let server = serve(&site);
    let events = Events::open(server.port);
    site.write("static/extra.css", "body { color: #222; }\n");
    events.wait_for("event: styles");
    assert_eq!(
        server.get("/tinghu/extra.css").body,
        "body { color: #222; }\n"
    );
}

/// `build` says when the site next changes by itself, in the writer's
/// words and, with `--next-change`, as a bare RFC 3339 time.
#[test]
fn build_names_the_next_scheduled_change() {
    let site = TestSite::fixture("basic");
    site.write(
        "content/notices/later.md",
        "---\ntitle: 供暖通知\ndate: 2026-12-01\npublish: 2026-12-05 08:00\n---\n明天供暖。\n",
    );
    let clock = ["--clock", "2026-12-03 10:00"];
    let said = site.build(&clock).ok().stdout();
    assert!(
        said.contains("下次自动变化：12月5日 08:00，《供暖通知》发布"),
        "{said}"
    );
    let bare = site
        .build(&["--clock", "2026-12-03 10:00", "--next-change"])
        .ok()
        .stdout();
    assert_eq!(bare.trim(), "2026-12-05T08:00:00+08:00");
    // Once it is published, the next change is one of the fixture's
    // far-future ones.
    let after = site
        .build(&["--clock", "2026-12-06 10:00", "--next-change"])
        .ok()
        .stdout();
    assert!(after.trim().starts_with("2099-"), "{after}");
}

/// `watch` rebuilds at the scheduled moment without any file change: a
/// page whose `publish` time comes three seconds into the session appears,
/// and a notice that expires then leaves the lobby screen's playlist.
#[test]
fn watch_rebuilds_when_a_scheduled_moment_comes() {
    let site = TestSite::fixture("basic");
    site.write(
        "content/notices/soon.md",
        "---\ntitle: 马上发布的通知\ndate: 2026-12-01\npublish: 2026-12-05 08:00:03\n---\n正文。\n",
    );
    site.write(
        "content/notices/ending.md",
        "---\ntitle: 马上到期的通知\ndate: 2026-12-01\nexpires: 2026-12-05 08:00:05\n---\n正文。\n",
    );
    let running = start_in(
        site.root(),
        &["watch", "--clock", "2026-12-05 08:00:00"],
        0,
        "zh",
    );
    running.wait_for_line("已生成");
    let output = site.root().join("public");
    assert!(!output.join("notices/soon/index.html").exists());
    let playlist = || std::fs::read_to_string(output.join("screens/tall/playlist.json")).unwrap();
    assert!(playlist().contains("马上到期的通知"));
    running.wait_for_line("到点自动更新：《马上发布的通知》发布");
    running.wait_for_line("已重新生成");
    assert!(output.join("notices/soon/index.html").is_file());
    running.wait_for_line("到点自动更新：《马上到期的通知》到期");
    running.wait_for_line("已重新生成");
    assert!(!playlist().contains("马上到期的通知"), "{}", playlist());
}

/// The server process's open file descriptors.
fn open_descriptors(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd")).map_or(0, |d| d.count())
}

/// The server process's resident memory, in KB.
fn resident_kb(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

#[test]
fn a_request_head_past_16_kb_is_refused_and_the_server_stays_small() {
    let site = TestSite::fixture("basic");
    let running = serve(&site);
    let pid = running.child.id();
    let big = format!(
        "GET /tinghu/ HTTP/1.1\r\nX-Filler: {}\r\n\r\n",
        "a".repeat(17 * 1024)
    );
    let mut stream = TcpStream::connect(("127.0.0.1", running.port)).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    stream.write_all(big.as_bytes()).unwrap();
    let mut reply = String::new();
    let _ = stream.read_to_string(&mut reply);
    assert!(reply.starts_with("HTTP/1.1 431"), "{reply}");
    let before = resident_kb(pid);
    // Twenty clients each pushing 8 MB of header: none is kept.
    let pushers: Vec<_> = (0..20)
        .map(|_| {
            let port = running.port;
            std::thread::spawn(move || {
                let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
                    return;
                };
                let _ = stream.write_all(b"GET / HTTP/1.1\r\nX-Filler: ");
                let chunk = vec![b'a'; 64 * 1024];
                for _ in 0..128 {
                    if stream.write_all(&chunk).is_err() {
                        break;
                    }
                }
            })
        })
        .collect();
    for pusher in pushers {
        let _ = pusher.join();
    }
    let after = resident_kb(pid);
    assert!(
        after < before + 30_000,
        "resident memory grew from {before} KB to {after} KB"
    );
    assert_eq!(running.get("/tinghu/").status, 200);
}

#[test]
fn closed_reload_streams_release_their_sockets_and_open_ones_are_capped() {
    let site = TestSite::fixture("basic");
    let running = serve(&site);
    let pid = running.child.id();
    let baseline = open_descriptors(pid);
    for _ in 0..300 {
        drop(Events::open(running.port));
    }
    eventually("closed streams to be released", || {
        open_descriptors(pid) <= baseline + 8
    });
    // A stream holds two descriptors on the server (its socket and the
    // hub's handle): 64 streams at most, not the 100 pages open.
    let kept: Vec<Events> = (0..100).map(|_| Events::open(running.port)).collect();
    eventually("open streams to be capped", || {
        open_descriptors(pid) <= baseline + 2 * 64 + 8
    });
    assert_eq!(running.get("/tinghu/").status, 200);
    drop(kept);
}

#[test]
fn a_flood_of_silent_connections_does_not_stop_the_server() {
    let site = TestSite::fixture("basic");
    let running = serve(&site);
    let silent: Vec<TcpStream> = (0..300)
        .filter_map(|_| TcpStream::connect(("127.0.0.1", running.port)).ok())
        .collect();
    let started = Instant::now();
    assert_eq!(running.get("/tinghu/").status, 200);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    drop(silent);
}

#[test]
fn a_double_slash_never_redirects_to_another_host() {
    let site = TestSite::fixture("basic");
    let running = serve(&site);
    for path in ["//tinghu/stories", "//tinghu", "/tinghu//stories"] {
        let reply = running.get(path);
        let location = reply.header("Location").unwrap_or_default();
        assert_eq!(reply.status, 301, "{path}");
        assert!(
            location.starts_with('/') && !location.starts_with("//"),
            "{path} → {location}"
        );
    }
}
