//! Calendars for residents' phones (issue 17's first part): each event's
//! `calendar.ics` behind a "加入日历" button, and feeds of events not yet
//! over for the site, each events section and each community, linked as
//! `webcal://`. Checked byte by byte against RFC 5545 here, and read by a
//! real parser (Python's icalendar, `tests/py/ics_facts.py`).

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::harness::TestSite;

/// An event whose text needs every escape and whose lines must fold.
const TRICKY: &str = "---
title: 议事会：停车位, 充电桩; 还有\\反斜杠
date: 2099-06-01 19:00
end: 2099-06-01 21:00
kind: council
location: 听湖社区党群服务中心二楼议事厅（从东门进，电梯到二楼右转第三间，门口有“听湖议事厅”牌子）
community: 听湖社区
summary: 居民代表商量地面停车位划线和电动车充电桩的位置，欢迎旁听。
---
正文。
";

fn built(clock: &str) -> TestSite {
    let site = TestSite::fixture("basic");
    site.write("content/events/tricky.md", TRICKY);
    site.build(&["--clock", clock]).ok();
    site
}

/// What Python's icalendar read from each file (keyed by its path).
fn parsed(files: &[&Path]) -> Value {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/py/ics_facts.py");
    let output = Command::new("python3")
        .arg(&script)
        .args(files)
        .output()
        .expect("python3 is needed for this test");
    assert!(
        output.status.success(),
        "icalendar could not read the calendars (python3 -m pip install icalendar==6.1.0):\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn every_calendar_is_rfc_5545_to_the_byte() {
    let site = built("2025-12-01 10:00");
    for file in [
        "calendar.ics",
        "events/calendar.ics",
        "events/tricky/calendar.ics",
        "events/concert/calendar.ics",
        "events/council/calendar.ics",
        "communities/tinghu/calendar.ics",
    ] {
        let bytes = std::fs::read(site.public().join(file)).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.ends_with("END:VCALENDAR\r\n"), "{file}");
        assert!(
            !text.replace("\r\n", "").contains('\n'),
            "{file}: a bare LF"
        );
        for line in text.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(line.len() <= 75, "{file}: {} octets: {line}", line.len());
        }
        assert!(
            text.contains("BEGIN:VTIMEZONE\r\nTZID:Asia/Shanghai\r\n"),
            "{file}"
        );
    }
    let tricky = site.read("events/tricky/calendar.ics");
    let unfolded = tricky.replace("\r\n ", "");
    assert!(
        unfolded.contains("SUMMARY:议事会：停车位\\, 充电桩\\; 还有\\\\反斜杠\r\n"),
        "{unfolded}"
    );
    assert!(unfolded.contains("DTSTART;TZID=Asia/Shanghai:20990601T190000\r\n"));
    assert!(unfolded.contains("DTEND;TZID=Asia/Shanghai:20990601T210000\r\n"));
    assert!(unfolded.contains("UID:tinghu-events-tricky@example.org\r\n"));
    assert!(unfolded.contains("URL:https://example.org/tinghu/events/tricky/\r\n"));
    assert!(
        tricky.contains("\r\n "),
        "the location is long enough to fold"
    );
}

#[test]
fn a_real_parser_reads_what_residents_need() {
    let site = built("2025-12-01 10:00");
    let public = site.public();
    let tricky = public.join("events/tricky/calendar.ics");
    let site_wide = public.join("calendar.ics");
    let community = public.join("communities/tinghu/calendar.ics");
    let facts = parsed(&[&tricky, &site_wide, &community]);
    let one = &facts[tricky.to_str().unwrap()];
    assert_eq!(one["zones"], serde_json::json!(["Asia/Shanghai"]));
    let event = &one["events"][0];
    assert_eq!(event["summary"], "议事会：停车位, 充电桩; 还有\\反斜杠");
    assert_eq!(event["start"]["iso"], "2099-06-01T19:00:00+08:00");
    assert_eq!(event["start"]["zone"], "Asia/Shanghai");
    assert_eq!(event["end"]["iso"], "2099-06-01T21:00:00+08:00");
    assert!(
        event["location"]
            .as_str()
            .unwrap()
            .ends_with("门口有“听湖议事厅”牌子）")
    );
    assert!(
        event["description"]
            .as_str()
            .unwrap()
            .starts_with("居民代表商量地面停车位划线")
    );
    assert_eq!(event["url"], "https://example.org/tinghu/events/tricky/");
    // The feeds hold events not yet over: the September council has passed.
    let uids = |file: &Path| -> Vec<String> {
        facts[file.to_str().unwrap()]["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["uid"].as_str().unwrap().to_string())
            .collect()
    };
    let all = uids(&site_wide);
    assert!(
        all.contains(&"tinghu-events-tricky@example.org".to_string()),
        "{all:?}"
    );
    assert!(
        all.contains(&"tinghu-events-concert@example.org".to_string()),
        "{all:?}"
    );
    assert!(
        !all.contains(&"tinghu-events-council@example.org".to_string()),
        "{all:?}"
    );
    // The community's feed: only its own events (the concert has none).
    assert_eq!(uids(&community), ["tinghu-events-tricky@example.org"]);
}

#[test]
fn calendars_do_not_change_with_the_build_clock_and_uids_stay_put() {
    let first = built("2025-12-01 10:00");
    let later = built("2025-12-02 08:00");
    for file in ["events/tricky/calendar.ics", "calendar.ics"] {
        assert_eq!(first.read(file), later.read(file), "{file}");
    }
}

#[test]
fn event_pages_offer_add_to_calendar_and_lists_a_subscription() {
    let site = built("2025-12-01 10:00");
    let event = site.read("events/tricky/index.html");
    assert!(
        event.contains("<a href=\"/tinghu/events/tricky/calendar.ics\" download>加入日历</a>"),
        "{event}"
    );
    // A past event has its file but no button.
    let past = site.read("events/council/index.html");
    assert!(!past.contains("加入日历"));
    assert!(site.public().join("events/council/calendar.ics").is_file());
    let list = site.read("events/index.html");
    assert!(
        list.contains(
            "<a href=\"webcal://example.org/tinghu/events/calendar.ics\">订阅活动日历</a>"
        )
    );
    let community = site.read("communities/tinghu/index.html");
    assert!(community.contains(
        "<a href=\"webcal://example.org/tinghu/communities/tinghu/calendar.ics\">订阅本社区活动日历</a>"
    ));
}
