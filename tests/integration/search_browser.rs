//! The search box and page in headless Chromium, as a resident uses them:
//! the site is served under its sub-path (`/linjiang/`) by a small static
//! server, and a probe page on the same origin types into the real box,
//! waits, and writes down what the page shows (status line, results,
//! snippets, focus, the address). `--dump-dom` carries that out.
//!
//! Needs `chromium` like the other browser tests (`browser.rs`).

use std::path::Path;

use serde_json::Value;

use crate::browser::{browser_or_skip, headless};
use crate::harness::TestSite;
use crate::search::built_fixture;
use crate::static_server::serve;

/// Where the fixture's `base_url` puts the site.
const PREFIX: &str = "/linjiang/";

/// The probe: runs STEPS one after another in a frame and records what
/// each left on the page. A step loads an address, types a query, picks a
/// filter option by its label, clicks a suggestion or presses a key.
const PROBE: &str = r#"<!DOCTYPE html><html><body>
<iframe id="frame" width="360" height="800"></iframe>
<script>
var steps = STEPS, records = [], frame = document.getElementById('frame');
function doc() { return frame.contentWindow.document; }
function record(step) {
  var d = doc(), panel = d.querySelector('[data-linju-results]') || d.querySelector('.search-preview');
  var status = panel ? panel.querySelector('[data-search-status]') : null;
  var items = panel ? panel.querySelectorAll('.search-list li') : [];
  var results = [];
  for (var i = 0; i < items.length; i++) {
    var a = items[i].querySelector('a'), s = items[i].querySelector('.search-snippet');
    results.push({ text: a ? a.textContent : '', href: a ? a.getAttribute('href') : '',
      title: a ? a.innerHTML : '', snippet: s ? s.innerHTML : '', loose: / search-loose/.test(items[i].className) });
  }
  records.push({ step: step.name, status: status ? status.textContent : null,
    live: status ? status.getAttribute('aria-live') : null,
    hidden: panel ? panel.hidden : null, results: results,
    focus: d.activeElement ? d.activeElement.textContent : '',
    address: frame.contentWindow.location.pathname + frame.contentWindow.location.search,
    suggestions: panel ? panel.querySelectorAll('.search-suggest').length : 0,
    suggestion: suggestionColours(panel) });
}
function suggestionColours(panel) {
  var button = panel ? panel.querySelector('.search-suggest') : null;
  if (!button) { return null; }
  // The text colour and the colour behind it (the button's own, or the
  // panel's where the button is transparent).
  var style = frame.contentWindow.getComputedStyle(button);
  var behind = style.backgroundColor;
  if (behind === 'rgba(0, 0, 0, 0)' || behind === 'transparent') {
    behind = frame.contentWindow.getComputedStyle(panel).backgroundColor;
  }
  return [style.color, behind];
}
function input() { return doc().querySelector('form[data-linju-search] input[name="q"]'); }
function act(step, then) {
  if (step.load) { frame.onload = function () { setTimeout(then, 1500); }; frame.src = step.load; return; }
  if (step.type !== undefined) {
    input().focus(); input().value = step.type;
    input().dispatchEvent(new Event('input', { bubbles: true }));
  }
  (step.filters || []).forEach(function (filter) {
    var select = doc().querySelector('select[data-filter="' + filter[0] + '"]');
    for (var i = 0; i < select.options.length; i++) {
      if (select.options[i].textContent === filter[1]) { select.selectedIndex = i; }
    }
    select.dispatchEvent(new Event('change', { bubbles: true }));
  });
  if (step.click) { doc().querySelector(step.click).click(); }
  if (step.key) {
    var event = new KeyboardEvent('keydown', { bubbles: true, cancelable: true });
    Object.defineProperty(event, 'keyCode', { get: function () { return step.key; } });
    doc().activeElement.dispatchEvent(event);
  }
  setTimeout(then, 1500);
}
function next(i) {
  if (i === steps.length) {
    var pre = document.createElement('pre'); pre.id = 'probe';
    pre.textContent = JSON.stringify(records); document.body.appendChild(pre); return;
  }
  act(steps[i], function () { record(steps[i]); next(i + 1); });
}
next(0);
</script></body></html>"#;

/// Serves `public` under [`PREFIX`] and the probe at `PREFIX/__probe/`;
/// anything outside the prefix is a 404, so a request that forgot the
/// sub-path fails the test.
/// Runs the steps in Chromium against the built search fixture and returns
/// one record per step, or `None` when browser tests are skipped.
fn run_steps(steps: Value) -> Option<Vec<Value>> {
    let site = built_fixture();
    run_steps_on(&site.public(), steps)
}

/// Runs the steps against a built site in `public`.
fn run_steps_on(public: &Path, steps: Value) -> Option<Vec<Value>> {
    let browser = browser_or_skip()?;
    let port = serve(
        public,
        PREFIX,
        Some(PROBE.replace("STEPS", &steps.to_string())),
    );
    let profile = tempfile::tempdir().unwrap();
    let output = headless(&browser, profile.path())
        .arg("--virtual-time-budget=60000")
        .arg("--dump-dom")
        .arg(format!("http://127.0.0.1:{port}{PREFIX}__probe/"))
        .output()
        .expect("run chromium");
    let dom = String::from_utf8_lossy(&output.stdout);
    let start = dom.find("<pre id=\"probe\">").map(|at| at + 16);
    let json = start.and_then(|s| dom[s..].find("</pre>").map(|e| &dom[s..s + e]));
    let json = json.unwrap_or_else(|| panic!("the probe did not finish: {dom}"));
    let unescaped = json
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&");
    let records: Vec<Value> = serde_json::from_str(&unescaped).unwrap();
    assert_eq!(records.len(), steps.as_array().unwrap().len());
    Some(records)
}

/// The results' addresses below the site's base (`events/x/`); an address
/// outside the base path panics.
fn hrefs(record: &Value) -> Vec<String> {
    record["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| below_base(r["href"].as_str().unwrap()))
        .collect()
}

fn below_base(href: &str) -> String {
    let path = href.find("://").map_or(href, |at| {
        let rest = &href[at + 3..];
        &rest[rest.find('/').unwrap_or(rest.len())..]
    });
    match path.strip_prefix(PREFIX) {
        Some(below) => below.to_string(),
        None => panic!("{href} is outside {PREFIX}"),
    }
}

fn status(record: &Value) -> &str {
    record["status"].as_str().unwrap_or("")
}

#[test]
fn residents_find_words_names_pinyin_and_areas_on_the_search_page() {
    let steps = serde_json::json!([
        {"name": "address", "load": format!("{PREFIX}search/?q=%E5%85%85%E7%94%B5")},
        {"name": "name", "type": "张桂兰"},
        {"name": "pinyin", "type": "zhangguilan"},
        {"name": "initials", "type": "zgl"},
        {"name": "body", "type": "豆浆"},
        {"name": "area", "type": "法律诊所"},
        {"name": "keys", "key": 40, "from": "#search-q"},
    ]);
    let Some(records) = run_steps(steps) else {
        return;
    };
    let [address, name, pinyin, initials, body, area, keys] = &records[..] else {
        unreachable!()
    };
    // ?q= in the address runs the search: a two-character word finds both pages.
    assert_eq!(
        hrefs(address),
        ["events/charging/", "events/old-charging/"],
        "{address}"
    );
    assert!(status(address).contains("找到 2 条结果"), "{address}");
    assert_eq!(address["live"], "polite");
    assert!(
        address["results"][0]["title"]
            .as_str()
            .unwrap()
            .contains("<mark>充电</mark>"),
        "{address}"
    );
    // Typing runs the search as the resident types and keeps the address current.
    assert_eq!(
        hrefs(name)[..2],
        ["stories/zhang-guilan/", "stories/wang/"],
        "{name}"
    );
    assert_eq!(
        name["address"],
        format!("{PREFIX}search/?q=%E5%BC%A0%E6%A1%82%E5%85%B0")
    );
    assert_eq!(hrefs(pinyin)[0], "stories/zhang-guilan/", "{pinyin}");
    assert_eq!(hrefs(initials)[0], "stories/zhang-guilan/", "{initials}");
    // A word only in the body is found, and the snippet shows it marked.
    assert_eq!(hrefs(body), ["stories/zhang-guilan/"], "{body}");
    assert!(
        body["results"][0]["snippet"]
            .as_str()
            .unwrap()
            .contains("<mark>豆浆</mark>"),
        "{body}"
    );
    assert_eq!(hrefs(area), ["stations/tinghu/"], "{area}");
    // Arrow down from the box moves to the first result.
    assert_eq!(keys["focus"], area["results"][0]["text"], "{keys}");
}

#[test]
fn filters_narrow_results_and_no_result_offers_what_to_try() {
    let steps = serde_json::json!([
        {"name": "load", "load": format!("{PREFIX}search/")},
        {"name": "all", "type": "社区"},
        {"name": "events", "filters": [["type", "活动与议事"]]},
        {"name": "fenglin", "filters": [["community", "枫林社区"]]},
        {"name": "filtered", "type": "创业"},
        {"name": "none", "filters": [["type", "全部类别"], ["community", "全部社区"]], "type": "火星基地"},
        {"name": "suggested", "click": ".search-suggest"},
    ]);
    let Some(records) = run_steps(steps) else {
        return;
    };
    let [_, all, events, fenglin, filtered, none, suggested] = &records[..] else {
        unreachable!()
    };
    assert!(status(all).contains("找到 8 条结果"), "{all}");
    assert_eq!(
        hrefs(events),
        ["events/charging/", "events/old-charging/"],
        "{events}"
    );
    assert!(status(events).contains("找到 2 条结果"), "{events}");
    assert_eq!(hrefs(fenglin), ["events/old-charging/"], "{fenglin}");
    // Nothing in the chosen community: the status says the filters did it.
    assert!(hrefs(filtered).is_empty(), "{filtered}");
    assert!(status(filtered).contains("筛选"), "{filtered}");
    assert!(status(none).contains("没有找到“火星基地”"), "{none}");
    assert!(!status(none).contains("筛选"), "{none}");
    assert!(status(none).contains("zgl"), "{none}");
    assert!(
        hrefs(none).is_empty() && none["suggestions"].as_u64() > Some(0),
        "{none}"
    );
    // The suggestion (the site's most used tag, 创业) runs a search that finds.
    assert!(status(suggested).contains("找到 1 条结果"), "{suggested}");
    assert_eq!(hrefs(suggested), ["stories/zhang-guilan/"], "{suggested}");
}

#[test]
fn the_header_box_on_any_page_shows_a_short_list_under_the_sub_path() {
    let steps = serde_json::json!([
        {"name": "home", "load": PREFIX},
        {"name": "typed", "type": "社区"},
        {"name": "cleared", "type": ""},
        {"name": "none", "type": "火星基地"},
        {"name": "suggested", "click": ".search-preview .search-suggest"},
    ]);
    let Some(records) = run_steps(steps) else {
        return;
    };
    let [home, typed, cleared, none, suggested] = &records[..] else {
        unreachable!()
    };
    assert_eq!(home["hidden"], true, "{home}");
    assert_eq!(typed["hidden"], false, "{typed}");
    let results = typed["results"].as_array().unwrap();
    // Five previews and a link to all eight on the search page.
    assert_eq!(results.len(), 6, "{typed}");
    let all = &results[5];
    assert!(
        all["text"].as_str().unwrap().contains("查看全部 8 条结果"),
        "{typed}"
    );
    assert_eq!(hrefs(typed)[5], "search/?q=%E7%A4%BE%E5%8C%BA", "{typed}");
    assert_eq!(cleared["hidden"], true, "{cleared}");
    // No result: what to try, with the suggestions readable (not white on
    // white) and working from the header too.
    assert!(status(none).contains("没有找到“火星基地”"), "{none}");
    let colours = none["suggestion"].as_array().expect("a suggestion button");
    assert_ne!(colours[0], colours[1], "{none}");
    assert!(status(suggested).contains("找到 1 条结果"), "{suggested}");
    assert_eq!(hrefs(suggested), ["stories/zhang-guilan/"], "{suggested}");
}

/// The example site in this repository, built under `/linjiang/`: what a
/// resident types into its box finds what its pages say.
#[test]
fn the_example_sites_box_finds_names_pinyin_bodies_and_areas() {
    let site = TestSite::empty();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = site.root().join("out");
    let (root, output_arg) = (root.to_string_lossy(), output.to_string_lossy());
    let base = "https://example.org/linjiang/";
    site.run(&[
        "build",
        "--root",
        &root,
        "--output",
        &output_arg,
        "--base-url",
        base,
    ])
    .ok();
    let steps = serde_json::json!([
        {"name": "word", "load": format!("{PREFIX}search/?q=%E5%85%85%E7%94%B5")},
        {"name": "name", "type": "张桂兰"},
        {"name": "pinyin", "type": "zhangguilan"},
        {"name": "initials", "type": "zgl"},
        {"name": "body", "type": "雷打不动"},
        {"name": "area", "type": "法律服务室"},
        {"name": "stations", "type": "社区", "filters": [["type", "服务站点"]]},
        {"name": "none", "type": "火星基地"},
    ]);
    let Some(records) = run_steps_on(&output, steps) else {
        return;
    };
    let [word, name, pinyin, initials, body, area, stations, none] = &records[..] else {
        unreachable!()
    };
    assert_eq!(hrefs(word), ["events/charging-piles/"], "{word}");
    for found in [name, pinyin, initials] {
        assert_eq!(hrefs(found)[0], "stories/zhang-guilan/", "{found}");
    }
    assert_eq!(hrefs(body), ["stories/zhang-guilan/"], "{body}");
    assert!(
        body["results"][0]["snippet"]
            .as_str()
            .unwrap()
            .contains("<mark>雷打不动</mark>"),
        "{body}"
    );
    assert!(
        hrefs(area).contains(&"stations/tinghu-station/".to_string()),
        "{area}"
    );
    let stations = hrefs(stations);
    assert!(
        stations.len() >= 2 && stations.iter().all(|h| h.starts_with("stations/")),
        "{stations:?}"
    );
    assert!(status(none).contains("没有找到"), "{none}");
}
