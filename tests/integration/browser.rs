//! Pages in a real browser (headless Chromium): on a phone-sized screen
//! nothing scrolls sideways, type is large, and the call button is a real
//! tap target; on a lobby screen the layout holds too.
//!
//! Needs `chromium` (`.ci/run` installs it). Without it these tests fail,
//! so a run never claims what it did not check; `LINJU_SKIP_BROWSER=1`
//! skips them on purpose (each says so on stderr), never under CI.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::harness::TestSite;

/// A host page that shows the page under test in a frame of the wanted
/// size (headless windows have a minimum width, frames do not), measures
/// what a resident would notice, and writes it into the DOM for
/// `--dump-dom` to carry out.
const HOST: &str = r#"<!DOCTYPE html><html><body style="margin:0">
<iframe id="frame" src="PAGE" width="WIDTH" height="HEIGHT" style="border:0"></iframe>
<script>
document.getElementById('frame').addEventListener('load', function () {
  var win = this.contentWindow, doc = win.document, root = doc.documentElement;
  var call = doc.querySelector('a[href^="tel:"]');
  var header = doc.querySelector('.site-header');
  var outside = [];
  var all = doc.body.querySelectorAll('*');
  for (var i = 0; i < all.length; i++) {
    var box = all[i].getBoundingClientRect();
    if (box.width > 0 && box.right > win.innerWidth + 0.5) { outside.push(all[i].tagName + '.' + all[i].className); }
  }
  var result = {
    overflow: root.scrollWidth - win.innerWidth,
    outside: outside,
    width: win.innerWidth,
    fontSize: parseFloat(win.getComputedStyle(doc.body).fontSize),
    callHeight: call ? call.getBoundingClientRect().height : null,
    styled: header ? win.getComputedStyle(header).backgroundColor : null
  };
  var pre = document.createElement('pre');
  pre.id = 'probe';
  pre.textContent = JSON.stringify(result);
  document.body.appendChild(pre);
});
</script></body></html>"#;

fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|name| {
            let found = Command::new("which").arg(name).output().ok()?;
            found
                .status
                .success()
                .then(|| PathBuf::from(String::from_utf8_lossy(&found.stdout).trim()))
        })
}

/// Headless Chromium with a throwaway profile, quiet and offline.
pub fn headless(browser: &Path, profile: &Path) -> Command {
    let mut command = Command::new(browser);
    command
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ])
        .arg(format!("--user-data-dir={}", profile.display()));
    command
}

/// The browser, or `None` when the person running the tests asked to skip
/// browser tests (`LINJU_SKIP_BROWSER=1`, refused under CI). Without a
/// browser and without that request the test fails: a test that could not
/// run must not report `ok`.
pub fn browser_or_skip() -> Option<PathBuf> {
    if let Some(browser) = chromium() {
        return Some(browser);
    }
    let asked_to_skip = std::env::var_os("LINJU_SKIP_BROWSER").is_some_and(|v| v == "1");
    assert!(
        asked_to_skip && std::env::var_os("CI").is_none(),
        "chromium is not installed: install it (apt-get install chromium fonts-wqy-microhei), \
         or set LINJU_SKIP_BROWSER=1 to skip the browser tests on purpose (not under CI)"
    );
    eprintln!("skipped on request (LINJU_SKIP_BROWSER=1): chromium is not installed");
    None
}

/// Measures `page` (relative to public/) at `width`×`height`.
fn measure(
    browser: &Path,
    site: &TestSite,
    page: &str,
    width: u32,
    height: u32,
) -> serde_json::Value {
    let target = site.public().join(page);
    let host = HOST
        .replace("PAGE", &format!("file://{}", target.display()))
        .replace("WIDTH", &width.to_string())
        .replace("HEIGHT", &height.to_string());
    let probed = site.root().join(format!("probe-{width}x{height}.html"));
    std::fs::write(&probed, host).unwrap();
    let profile = tempfile::tempdir().unwrap();
    let output = headless(browser, profile.path())
        .args([
            "--hide-scrollbars",
            "--allow-file-access-from-files",
            "--virtual-time-budget=5000",
            "--dump-dom",
        ])
        .arg(format!("--window-size={},{}", width + 40, height + 40))
        .arg(format!("file://{}", probed.display()))
        .output()
        .expect("run chromium");
    let dom = String::from_utf8_lossy(&output.stdout);
    let start = dom
        .find("<pre id=\"probe\">")
        .unwrap_or_else(|| panic!("no probe result for {page}: {dom}"));
    let json = &dom[start + 16..];
    let json = &json[..json.find("</pre>").expect("end of probe")];
    serde_json::from_str(&json.replace("&quot;", "\"")).expect("probe JSON")
}

fn built_for_file_urls() -> TestSite {
    let site = TestSite::fixture("basic");
    let base = format!("{}/", site.public().display());
    site.build(&["--base-url", &base]).ok();
    site
}

const PAGES: [&str; 6] = [
    "index.html",
    "search/index.html",
    "events/council/index.html",
    "stations/tinghu/index.html",
    "families/zhou/index.html",
    "stories/zhang-gui-lan/index.html",
];

#[test]
fn phone_screens_never_scroll_sideways_and_type_is_large() {
    let Some(browser) = browser_or_skip() else {
        return;
    };
    let site = built_for_file_urls();
    // 360 is today's common phone; 320 the small old ones many elderly
    // residents still use.
    for (page, width) in PAGES.iter().flat_map(|p| [(p, 360), (p, 320)]) {
        let result = measure(&browser, &site, page, width, 740);
        assert_eq!(result["width"], width, "{page}: {result}");
        assert!(
            result["overflow"].as_f64().unwrap() <= 0.0,
            "{page} scrolls sideways: {result}"
        );
        // Nothing is cut off at the right edge either (a clipped overflow
        // does not scroll, but the resident loses what is cut).
        assert_eq!(
            result["outside"],
            serde_json::json!([]),
            "{page} sticks out: {result}"
        );
        assert!(
            result["fontSize"].as_f64().unwrap() >= 18.0,
            "{page} type too small: {result}"
        );
        assert_ne!(
            result["styled"], "rgba(0, 0, 0, 0)",
            "{page}: stylesheet not applied: {result}"
        );
    }
}

#[test]
fn the_call_button_is_a_comfortable_tap_target() {
    let Some(browser) = browser_or_skip() else {
        return;
    };
    let site = built_for_file_urls();
    let result = measure(&browser, &site, "stations/tinghu/index.html", 360, 740);
    assert!(result["callHeight"].as_f64().unwrap() >= 44.0, "{result}");
}

#[test]
fn lobby_screens_hold_the_layout_landscape_and_portrait() {
    let Some(browser) = browser_or_skip() else {
        return;
    };
    let site = built_for_file_urls();
    for (width, height) in [(1920, 1080), (1080, 1920)] {
        for page in PAGES {
            let result = measure(&browser, &site, page, width, height);
            assert!(
                result["overflow"].as_f64().unwrap() <= 0.0,
                "{page} at {width}x{height}: {result}"
            );
        }
    }
}
