//! Stations that know when they are open (issue 17): `hours:` read as
//! offices write it, the site's holidays and make-up working days from
//! `linju.yaml`, the week as a table and as schema.org data, map links,
//! and 现在开放 / 已下班 worked out on the phone's clock (fixture
//! `tests/fixtures/stations`, the National Day holiday of 2026).

use std::path::Path;

use serde_json::Value;

use crate::browser::browser_or_skip;
use crate::harness::{TestSite, texts};
use crate::screens::epoch_ms;
use crate::static_server::serve;

fn built() -> TestSite {
    let site = TestSite::fixture("stations");
    site.build(&["--clock", "2026-12-07 10:00"]).ok();
    site
}

/// The page's schema.org data.
fn json_ld(html: &str) -> Value {
    let start = html
        .find("<script type=\"application/ld+json\">")
        .expect("the station page has schema.org data");
    let rest = &html[start..];
    let body = &rest[rest.find('>').unwrap() + 1..rest.find("</script>").unwrap()];
    serde_json::from_str(body).expect("the schema.org data is JSON")
}

#[test]
fn the_week_is_a_table_residents_read() {
    let site = built();
    let html = site.read("stations/tinghu/index.html");
    assert_eq!(
        texts(&html, ".hours-table th"),
        ["周一至周五", "周六", "周日", "法定节假日"]
    );
    assert_eq!(
        texts(&html, ".hours-table td"),
        ["08:30-12:0013:30-17:30", "09:00-12:00", "休息", "休息"]
    );
    let night = site.read("stations/yeban/index.html");
    assert_eq!(
        texts(&night, ".hours-table th"),
        ["周一", "周二至周日", "法定节假日"]
    );
    assert_eq!(
        texts(&night, ".hours-table td"),
        ["休息", "18:00-02:00", "照常开放"]
    );
    let all_day = site.read("stations/quantian/index.html");
    assert_eq!(texts(&all_day, ".hours-table td")[0], "全天开放");
}

#[test]
fn schema_org_has_the_week_the_holidays_and_the_make_up_days() {
    let site = built();
    let data = json_ld(&site.read("stations/tinghu/index.html"));
    assert_eq!(data["@type"], "GovernmentOffice");
    assert_eq!(data["url"], "https://example.org/jiedao/stations/tinghu/");
    assert_eq!(data["telephone"], "0571-8600 1101");
    assert_eq!(data["geo"]["latitude"], 30.2741);
    let week = data["openingHoursSpecification"].as_array().unwrap();
    let spans: Vec<(String, String, usize)> = week
        .iter()
        .map(|s| {
            let days = s["dayOfWeek"].as_array().unwrap().len();
            (s["opens"].to_string(), s["closes"].to_string(), days)
        })
        .collect();
    assert_eq!(
        spans,
        [
            ("\"08:30\"".into(), "\"12:00\"".into(), 5),
            ("\"13:30\"".into(), "\"17:30\"".into(), 5),
            ("\"09:00\"".into(), "\"12:00\"".into(), 1),
        ]
    );
    let special = data["specialOpeningHoursSpecification"].as_array().unwrap();
    let national_day = &special[0];
    assert_eq!(national_day["validFrom"], "2026-10-01");
    assert_eq!(national_day["validThrough"], "2026-10-07");
    assert_eq!(
        (&national_day["opens"], &national_day["closes"]),
        (&Value::from("00:00"), &Value::from("00:00")),
        "closed all day is written as opening and closing at midnight"
    );
    let make_up: Vec<&Value> = special
        .iter()
        .filter(|s| s["validFrom"] == "2026-10-10")
        .collect();
    assert_eq!(
        make_up.len(),
        2,
        "a make-up day opens as a weekday, both spans"
    );
    assert_eq!(make_up[1]["closes"], "17:30");
    // A station open on holidays has no closed days among its specials.
    let night = json_ld(&site.read("stations/yeban/index.html"));
    let specials = night["specialOpeningHoursSpecification"]
        .as_array()
        .unwrap();
    assert!(specials.iter().all(|s| s["validFrom"] != "2026-10-01"));
}

#[test]
fn a_station_links_to_maps_not_bare_coordinates() {
    let site = built();
    let html = site.read("stations/tinghu/index.html");
    assert!(html.contains(
        "href=\"geo:30.2741,120.1551?q=30.2741,120.1551(%E5%90%AC%E6%B9%96%E6%9C%8D%E5%8A%A1%E7%AB%99)\""
    ));
    assert!(html.contains(
        "href=\"https://uri.amap.com/search?keyword=%E5%90%AC%E6%B9%96%E8%B7%AF%2088%20%E5%8F%B7\""
    ));
    assert!(!html.contains("北纬"), "coordinates are a link, not text");
    let no_geo = site.read("stations/quantian/index.html");
    assert!(!no_geo.contains("geo:"));
    assert!(no_geo.contains("uri.amap.com/search?keyword="));
}

/// What the station at `page` says at each Shanghai time, in a browser
/// whose own zone is New York's.
fn said_at(site: &TestSite, browser: &Path, page: &str, times: &[&str]) -> Vec<(String, bool)> {
    let port = serve(&site.public(), "/jiedao/", None);
    let url = format!("http://127.0.0.1:{port}/jiedao/stations/{page}/");
    let moments: Vec<String> = times
        .iter()
        .map(|t| epoch_ms(&format!("{t}:00+08:00")).to_string())
        .collect();
    let mut args = vec![browser.to_str().unwrap(), url.as_str()];
    args.extend(moments.iter().map(String::as_str));
    let facts = crate::js_tools::node_json("opening.mjs", &args);
    moments
        .iter()
        .map(|m| {
            let fact = &facts[m.as_str()];
            assert_eq!(fact["hidden"], false, "the status is shown at {m}");
            (
                fact["text"].as_str().unwrap_or_default().to_string(),
                fact["open"] == true,
            )
        })
        .collect()
}

#[test]
fn the_page_says_whether_the_station_is_open_on_the_phones_clock() {
    let Some(browser) = browser_or_skip() else {
        return;
    };
    let site = built();
    let said = said_at(
        &site,
        &browser,
        "tinghu",
        &[
            "2026-12-07T07:00",
            "2026-12-07T10:00",
            "2026-12-07T12:30",
            "2026-12-07T15:00",
            "2026-12-07T18:00",
            "2026-12-12T13:00",
            "2026-12-13T10:00",
            "2026-10-02T10:00",
            "2026-09-30T18:00",
            "2026-10-10T10:00",
        ],
    );
    let expected = [
        ("还没开门，今天 08:30 开门", false),
        ("现在开放，12:00 暂停（13:30 再开）", true),
        ("现在休息，今天 13:30 开门", false),
        ("现在开放，17:30 下班", true),
        ("已下班，明天 08:30 开门", false),
        ("已下班，周一（12月14日）08:30 开门", false),
        ("今天休息，明天 08:30 开门", false),
        ("今天节假日休息，周四（10月8日）08:30 开门", false),
        ("已下班，10月8日 08:30 开门", false),
        ("现在开放，12:00 暂停（13:30 再开）", true),
    ];
    let expected: Vec<(String, bool)> = expected
        .iter()
        .map(|(text, open)| (text.to_string(), *open))
        .collect();
    assert_eq!(said, expected);
}

#[test]
fn a_night_station_stays_open_past_midnight_and_an_all_day_one_says_so() {
    let Some(browser) = browser_or_skip() else {
        return;
    };
    let site = built();
    let night = said_at(
        &site,
        &browser,
        "yeban",
        &[
            "2026-12-07T01:30",
            "2026-12-07T02:30",
            "2026-12-08T10:00",
            "2026-10-03T19:00",
        ],
    );
    assert_eq!(
        night,
        [
            // Monday is closed, but its small hours are Sunday's night.
            ("现在开放，02:00 下班".to_string(), true),
            ("今天休息，明天 18:00 开门".to_string(), false),
            ("还没开门，今天 18:00 开门".to_string(), false),
            // A holiday, open as usual.
            ("现在开放，02:00 下班".to_string(), true),
        ]
    );
    let all_day = said_at(&site, &browser, "quantian", &["2026-10-01T03:00"]);
    assert_eq!(all_day, [("现在开放（全天开放）".to_string(), true)]);
}

#[test]
fn the_opening_script_is_plain_es5_and_only_where_a_station_has_hours() {
    let site = built();
    crate::js_tools::assert_es5(&[site.public().join("opening.js")]);
    let without = TestSite::fixture("basic");
    let station =
        std::fs::read_to_string(without.root().join("content/stations/tinghu.md")).unwrap();
    let no_hours: String = station
        .lines()
        .filter(|l| !l.starts_with("hours:"))
        .map(|l| format!("{l}\n"))
        .collect();
    without.write("content/stations/tinghu.md", &no_hours);
    without.build(&[]).ok();
    assert!(!without.exists("opening.js"));
}

#[test]
fn the_lobby_screen_says_so_too_by_the_same_rules() {
    let Some(browser) = browser_or_skip() else {
        return;
    };
    let site = built();
    let port = serve(&site.public(), "/jiedao/", None);
    let status_at = |at: &str| {
        let now = epoch_ms(&format!("{at}:00+08:00"));
        let url = format!("http://127.0.0.1:{port}/jiedao/screens/lobby/?now={now}");
        let dom = crate::screens::run_player(&browser, &url, 2000, 1920, 1080);
        texts(&dom, ".slide .open-status")
    };
    // The mark before the words is the stylesheet's, not the text's.
    assert_eq!(
        status_at("2026-12-07T10:00"),
        ["现在开放，12:00 暂停（13:30 再开）"]
    );
    assert_eq!(
        status_at("2026-10-02T10:00"),
        ["今天节假日休息，周四（10月8日）08:30 开门"]
    );
}
