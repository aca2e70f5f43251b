//! 关怀版 (care mode) and 朗读 (read aloud) in headless Chromium, driven by
//! Playwright (`tests/js/care.mjs` measures, this file says what the
//! measurements must be): the switch, the choice kept across pages, type,
//! leading, contrast, targets, one column, no motion, the focus outline,
//! the path without JavaScript, the system's contrast and motion settings,
//! and the read-aloud controls with a recording speech synthesis.

use serde_json::Value;

use crate::browser::browser_or_skip;
use crate::harness::TestSite;
use crate::js_tools::{node_json, package};
use crate::static_server::serve;

/// The fixture built and served under its base path; the probe's report,
/// made once for every test here.
fn measured() -> Option<Value> {
    static REPORT: std::sync::OnceLock<Option<Value>> = std::sync::OnceLock::new();
    REPORT.get_or_init(measure).clone()
}

fn measure() -> Option<Value> {
    let browser = browser_or_skip()?;
    package("playwright-core");
    let site = TestSite::fixture("basic");
    site.build(&["--clock", "2025-12-01 10:00"]).ok();
    let port = serve(&site.public(), "/tinghu/", None);
    let base = format!("http://127.0.0.1:{port}/tinghu/");
    Some(node_json(
        "care.mjs",
        &[&browser.to_string_lossy(), &base, "stories/li/", ""],
    ))
}

fn number(value: &Value) -> f64 {
    value
        .as_f64()
        .unwrap_or_else(|| panic!("not a number: {value}"))
}

#[test]
fn care_mode_is_large_clear_and_calm_and_the_choice_holds() {
    let Some(report) = measured() else { return };
    let standard = &report["standard"];
    assert!(number(&standard["fontSize"]) >= 18.0, "{standard}");
    assert!(number(&standard["contrast"]["ratio"]) >= 4.5, "{standard}");
    assert_eq!(standard["enterShown"], true, "the 关怀版 switch is visible");
    assert_eq!(standard["exitShown"], false);

    for (name, mode) in [
        ("after the switch", &report["switched"]),
        ("on the next page", &report["otherPage"]),
        ("on a wide screen", &report["wideCare"]),
        ("without JavaScript", &report["noScriptCare"]),
    ] {
        assert_eq!(mode["care"], true, "{name}: {mode}");
        assert!(
            number(&mode["fontSize"]) >= 22.0,
            "{name}: body text {mode}"
        );
        assert!(number(&mode["lineHeight"]) >= 1.8, "{name}: leading {mode}");
        assert!(
            number(&mode["contrast"]["ratio"]) >= 7.0,
            "{name}: contrast {}",
            mode["contrast"]
        );
        assert!(
            number(&mode["smallestTarget"]["size"]) >= 60.0,
            "{name}: a target under 60 px: {}",
            mode["smallestTarget"]
        );
        assert_eq!(mode["moving"], 0, "{name}: nothing moves");
        assert_eq!(
            (&mode["enterShown"], &mode["exitShown"]),
            (&Value::Bool(false), &Value::Bool(true)),
            "{name}: the 标准版 switch replaces 关怀版"
        );
    }
    assert_eq!(report["wideCare"]["columns"], 1, "one column at 1280 px");
    assert_eq!(report["stored"], "1", "remembered in localStorage");
    assert!(number(&report["careFocus"]["width"]) > number(&report["standardFocus"]["width"]));
    assert!(number(&report["careFocus"]["width"]) >= 4.0);

    // Back to standard, and it stays so on the first page again.
    for mode in [&report["switchedBack"], &report["backOnFirst"]] {
        assert_eq!(mode["care"], false, "{mode}");
        assert!(number(&mode["fontSize"]) < 22.0);
    }
    // The way back without JavaScript is a link to the same page.
    assert_eq!(
        report["noScriptStandard"]["exitHref"],
        "/tinghu/stories/li/"
    );
    assert!(
        report["noScriptUrl"]
            .as_str()
            .unwrap()
            .ends_with("/tinghu/stories/li/#care")
    );
}

#[test]
fn the_system_settings_for_contrast_and_motion_are_followed() {
    let Some(report) = measured() else { return };
    let more = &report["moreContrast"];
    assert_eq!(more["care"], false);
    assert!(
        number(&more["contrast"]["ratio"]) >= 7.0,
        "prefers-contrast: more: {}",
        more["contrast"]
    );
    assert_eq!(more["moving"], 0, "prefers-reduced-motion: {more}");
}

#[test]
fn read_aloud_reads_the_title_and_text_with_a_chinese_voice_and_stops() {
    let Some(report) = measured() else { return };
    let reading = &report["reading"];
    let reader = |step: &str| reading[step]["reader"].clone();
    assert_eq!(
        reader("before")["hidden"],
        false,
        "offered with a Chinese voice"
    );
    assert_eq!(
        reading["before"]["visibleReadButtons"],
        serde_json::json!(["朗读全文"])
    );
    assert_eq!(reader("speaking")["status"], "正在朗读");
    assert_eq!(
        reading["speaking"]["visibleReadButtons"],
        serde_json::json!(["暂停", "停止"])
    );
    assert_eq!(reader("paused")["status"], "已暂停");
    assert_eq!(
        reading["paused"]["visibleReadButtons"],
        serde_json::json!(["继续", "停止"])
    );
    assert_eq!(reader("resumed")["state"], "speaking");
    assert_eq!(reader("stopped")["state"], "idle");

    let calls = reading["calls"].as_array().unwrap();
    let spoken: Vec<&str> = calls.iter().filter_map(|c| c["speak"].as_str()).collect();
    assert_eq!(
        spoken.first(),
        Some(&"李明远"),
        "the title first: {spoken:?}"
    );
    assert!(
        spoken.contains(&"姓名：李明远"),
        "the facts, term by term: {spoken:?}"
    );
    assert!(spoken.contains(&"第三位。"), "the text: {spoken:?}");
    assert!(
        calls
            .iter()
            .all(|c| c["speak"].is_null() || c["voice"] == "zh-CN")
    );
    for menu in reading["menu"].as_array().unwrap() {
        let menu = menu.as_str().unwrap();
        assert!(
            !spoken.contains(&menu),
            "read the menu item `{menu}`: {spoken:?}"
        );
    }
    for chrome in [
        "跳到正文",
        "关怀版",
        "搜索",
        "订阅更新",
        "ICP",
        "首页",
        "阅读约",
    ] {
        assert!(
            !spoken.iter().any(|s| s.contains(chrome)),
            "read `{chrome}` from around the text: {spoken:?}"
        );
    }
    let order: Vec<&str> = calls
        .iter()
        .filter(|c| c["speak"].is_null())
        .filter_map(|c| c.as_object()?.keys().next().map(String::as_str))
        .collect();
    assert_eq!(order, ["cancel", "pause", "resume", "cancel"]);
}

#[test]
fn read_aloud_is_hidden_without_a_chinese_voice() {
    let Some(report) = measured() else { return };
    for name in ["englishOnly", "noSpeech", "standard"] {
        assert_eq!(
            report[name]["reader"]["hidden"], true,
            "{name}: {}",
            report[name]
        );
    }
}

/// care.js runs on the old WebViews residents have: plain ES5, checked by a
/// real parser (acorn).
#[test]
fn the_care_script_is_plain_es5() {
    package("acorn");
    let site = TestSite::fixture("basic");
    site.build(&[]).ok();
    crate::js_tools::assert_es5(&[site.public().join("care.js")]);
}
