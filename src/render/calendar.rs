//! Calendars (RFC 5545) for residents' phones: each event page's own
//! `calendar.ics` (the theme's "加入日历" button), and feeds of events not
//! yet over for the whole site (`/calendar.ics`), each section of events and
//! each community, which a phone subscribes to with a `webcal://` link.
//!
//! Written here rather than with a crate: the one maintained writer
//! (`ics`) folds continuation lines at 76 octets, one over the limit, and
//! what a calendar needs from us is small. Every file has CRLF line ends,
//! lines folded at 75 octets without splitting a character, text escaped
//! (`\ ; ,` and newlines), a UID made from the page's address (so a
//! re-published event replaces itself), a DTSTAMP from the content, never
//! the build's clock (a rebuild changes nothing), and times in the site's
//! zone with its VTIMEZONE when the zone keeps one offset all year (China
//! does); otherwise times are written in UTC.

use std::collections::HashMap;

use rayon::prelude::*;

use jiff::ZonedDateTime;
use jiff::tz::TimeZone;

use crate::content::site::Site;
use crate::content::{Page, PageType};
use crate::render::Output;

/// The file name of a calendar beside the page or list it belongs to.
pub const CALENDAR_FILE: &str = "calendar.ics";

/// Every calendar file of the site (none without events).
pub fn render_calendars(site: &Site) -> Vec<Output> {
    let events: Vec<usize> = dated_events(site);
    if events.is_empty() {
        return Vec::new();
    }
    let coming = coming_events(site, &events);
    // One file per event: a district has tens of thousands, made on every
    // full rebuild, so they are made in parallel.
    let mut outputs: Vec<Output> = events
        .par_iter()
        .map(|&index| event_file(site, index))
        .collect();
    outputs.push(site_file(site, &coming));
    // Grouped in one pass: a district has hundreds of communities and
    // thousands of events, and a filter per list grows with their product.
    let mut by_section: HashMap<usize, Vec<usize>> = HashMap::new();
    let mut by_community: HashMap<usize, Vec<usize>> = HashMap::new();
    for &index in &coming {
        let page = &site.pages[index];
        by_section.entry(page.section).or_default().push(index);
        if let Some(community) = page.community {
            by_community.entry(community).or_default().push(index);
        }
    }
    let none = Vec::new();
    for (n, section) in site.sections.iter().enumerate() {
        if section.page_type == PageType::Event {
            outputs.push(section_file(site, n, by_section.get(&n).unwrap_or(&none)));
        }
    }
    for &community in &site.communities {
        let own = by_community.get(&community).unwrap_or(&none);
        outputs.push(community_file(site, community, own));
    }
    outputs
}

/// The calendar files that show any of the pages `changed`, when nothing
/// but those pages' bodies changed since every calendar was made: each
/// changed event's own file, and the lists of coming events it is on.
pub fn render_calendars_showing(site: &Site, changed: &[usize]) -> Vec<Output> {
    let changed_events: Vec<usize> = changed
        .iter()
        .copied()
        .filter(|&i| site.pages[i].page_type == PageType::Event && site.pages[i].date.is_some())
        .collect();
    if changed_events.is_empty() {
        return Vec::new();
    }
    let mut outputs: Vec<Output> = changed_events
        .iter()
        .map(|&index| event_file(site, index))
        .collect();
    let coming = coming_events(site, &dated_events(site));
    let changed_coming: Vec<&Page> = changed_events
        .iter()
        .filter(|i| coming.contains(i))
        .map(|&i| &site.pages[i])
        .collect();
    if changed_coming.is_empty() {
        return outputs;
    }
    outputs.push(site_file(site, &coming));
    let coming_where = |keep: &dyn Fn(&Page) -> bool| -> Vec<usize> {
        coming
            .iter()
            .copied()
            .filter(|&i| keep(&site.pages[i]))
            .collect()
    };
    let mut sections: Vec<usize> = changed_coming
        .iter()
        .map(|p| p.section)
        .filter(|&s| site.sections[s].page_type == PageType::Event)
        .collect();
    sections.sort_unstable();
    sections.dedup();
    for section in sections {
        let own = coming_where(&|page| page.section == section);
        outputs.push(section_file(site, section, &own));
    }
    let mut communities: Vec<usize> = changed_coming.iter().filter_map(|p| p.community).collect();
    communities.sort_unstable();
    communities.dedup();
    for community in communities {
        let own = coming_where(&|page| page.community == Some(community));
        outputs.push(community_file(site, community, &own));
    }
    outputs
}

/// Every event with a date, in page order.
fn dated_events(site: &Site) -> Vec<usize> {
    site.pages_of_type(PageType::Event)
        .filter(|(_, page)| page.date.is_some())
        .map(|(index, _)| index)
        .collect()
}

/// The `events` not over by the build's clock.
fn coming_events(site: &Site, events: &[usize]) -> Vec<usize> {
    events
        .iter()
        .copied()
        .filter(|&i| !is_over(site, &site.pages[i]))
        .collect()
}

fn event_file(site: &Site, index: usize) -> Output {
    let page = &site.pages[index];
    Output {
        path: format!("{}{CALENDAR_FILE}", page.path),
        bytes: calendar(site, &page.title, &[index]).into_bytes(),
    }
}

fn site_file(site: &Site, coming: &[usize]) -> Output {
    Output {
        path: CALENDAR_FILE.to_string(),
        bytes: calendar(site, &site.config.title, coming).into_bytes(),
    }
}

fn section_file(site: &Site, section: usize, own: &[usize]) -> Output {
    let section = &site.sections[section];
    let name = format!("{} - {}", section.title, site.config.title);
    Output {
        path: format!("{}{CALENDAR_FILE}", section.path),
        bytes: calendar(site, &name, own).into_bytes(),
    }
}

fn community_file(site: &Site, community: usize, own: &[usize]) -> Output {
    let page = &site.pages[community];
    let name = format!("{} - {}", page.title, site.config.title);
    Output {
        path: format!("{}{CALENDAR_FILE}", page.path),
        bytes: calendar(site, &name, own).into_bytes(),
    }
}

/// Whether an event has ended by the build's clock (its end, or the end of
/// its day without one).
fn is_over(site: &Site, page: &Page) -> bool {
    let end = page.end.clone().or_else(|| {
        let date = page.date.as_ref()?;
        date.date()
            .tomorrow()
            .ok()?
            .to_zoned_datetime(date.time_zone().clone())
            .ok()
    });
    end.is_some_and(|end| end <= site.now)
}

/// One calendar of `events`, named `name`.
fn calendar(site: &Site, name: &str, events: &[usize]) -> String {
    let zone = &site.config.timezone;
    let zone_name = site.config.timezone_name.as_str();
    let fixed = fixed_offset(zone, events.iter().map(|&i| &site.pages[i]));
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_string(),
        "VERSION:2.0".to_string(),
        "PRODID:-//linju//linju static site generator//ZH".to_string(),
        "CALSCALE:GREGORIAN".to_string(),
        "METHOD:PUBLISH".to_string(),
        format!("X-WR-CALNAME:{}", escape(name)),
    ];
    if let Some(offset) = fixed {
        lines.push(format!("X-WR-TIMEZONE:{zone_name}"));
        lines.extend(vtimezone(zone_name, offset));
    }
    for &index in events {
        lines.extend(vevent(site, &site.pages[index], fixed.map(|_| zone_name)));
    }
    lines.push("END:VCALENDAR".to_string());
    let mut out = String::new();
    for line in &lines {
        fold_into(&mut out, line);
    }
    out
}

/// The zone's one offset (seconds) over the years of `pages`, if it keeps
/// one all year (no summer time); `None` otherwise.
fn fixed_offset<'a>(zone: &TimeZone, pages: impl Iterator<Item = &'a Page>) -> Option<i32> {
    let mut offset = None;
    for page in pages {
        let Some(date) = &page.date else { continue };
        for month in [1, 4, 7, 10] {
            let moment = jiff::civil::date(date.year(), month, 1)
                .to_datetime(jiff::civil::Time::midnight())
                .to_zoned_datetime(zone.clone())
                .ok()?;
            let seconds = moment.offset().seconds();
            if *offset.get_or_insert(seconds) != seconds {
                return None;
            }
        }
    }
    Some(offset.unwrap_or_else(|| zone.to_offset(jiff::Timestamp::UNIX_EPOCH).seconds()))
}

fn vtimezone(zone_name: &str, offset: i32) -> Vec<String> {
    let sign = if offset < 0 { '-' } else { '+' };
    let minutes = offset.unsigned_abs() / 60;
    let written = format!("{sign}{:02}{:02}", minutes / 60, minutes % 60);
    vec![
        "BEGIN:VTIMEZONE".to_string(),
        format!("TZID:{zone_name}"),
        "BEGIN:STANDARD".to_string(),
        "DTSTART:19700101T000000".to_string(),
        format!("TZOFFSETFROM:{written}"),
        format!("TZOFFSETTO:{written}"),
        "END:STANDARD".to_string(),
        "END:VTIMEZONE".to_string(),
    ]
}

fn vevent(site: &Site, page: &Page, zone_name: Option<&str>) -> Vec<String> {
    let mut lines = vec!["BEGIN:VEVENT".to_string()];
    lines.push(format!("UID:{}", escape(&uid(site, page))));
    let stamped = page
        .updated
        .as_ref()
        .or(page.publish.as_ref())
        .or(page.date.as_ref());
    if let Some(stamp) = stamped {
        lines.push(format!("DTSTAMP:{}", utc(stamp)));
    }
    if let Some(start) = &page.date {
        let all_day = page.end.is_none() && start.time() == jiff::civil::Time::midnight();
        if all_day {
            lines.push(format!("DTSTART;VALUE=DATE:{}", start.strftime("%Y%m%d")));
            if let Ok(next) = start.date().tomorrow() {
                lines.push(format!("DTEND;VALUE=DATE:{}", next.strftime("%Y%m%d")));
            }
        } else {
            lines.push(moment("DTSTART", start, zone_name));
            if let Some(end) = &page.end {
                lines.push(moment("DTEND", end, zone_name));
            }
        }
    }
    lines.push(format!("SUMMARY:{}", escape(&page.title)));
    if let Some(location) = &page.meta.location {
        lines.push(format!("LOCATION:{}", escape(location)));
    }
    let url = site.config.permalink(&page.path);
    let mut description = page.meta.summary.clone().unwrap_or_default();
    if let Some(organizer) = &page.meta.organizer {
        description = format!("{description}\n组织单位：{organizer}");
    }
    description = format!("{}\n{url}", description.trim());
    lines.push(format!("DESCRIPTION:{}", escape(description.trim())));
    lines.push(format!("URL:{url}"));
    lines.push("END:VEVENT".to_string());
    lines
}

/// A stable identifier: the page's address at the site's host.
fn uid(site: &Site, page: &Page) -> String {
    let host = site
        .config
        .base_url
        .split("://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .filter(|host| !host.is_empty())
        .unwrap_or("linju.invalid");
    let path = site.config.url_path(&page.path);
    format!("{}@{host}", path.trim_matches('/').replace('/', "-"))
}

fn moment(name: &str, time: &ZonedDateTime, zone_name: Option<&str>) -> String {
    match zone_name {
        Some(zone) => format!("{name};TZID={zone}:{}", time.strftime("%Y%m%dT%H%M%S")),
        None => format!("{name}:{}", utc(time)),
    }
}

fn utc(time: &ZonedDateTime) -> String {
    time.timestamp().strftime("%Y%m%dT%H%M%SZ").to_string()
}

/// A TEXT value: backslash, semicolon, comma and line breaks escaped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends `line` folded at 75 octets (a continuation line's leading space
/// counts), never inside a character, each piece ended with CRLF.
pub fn fold_into(out: &mut String, line: &str) {
    const LIMIT: usize = 75;
    let mut rest = line;
    let mut room = LIMIT;
    loop {
        if rest.len() <= room {
            out.push_str(rest);
            out.push_str("\r\n");
            return;
        }
        let mut cut = room;
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        out.push_str(&rest[..cut]);
        out.push_str("\r\n ");
        rest = &rest[cut..];
        room = LIMIT - 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_long_lines_fold_within_75_octets_between_characters() {
        assert_eq!(
            escape("议事会; 地点, 议事厅\\二楼\n请准时"),
            "议事会\\; 地点\\, 议事厅\\\\二楼\\n请准时"
        );
        let line = format!("SUMMARY:{}", "听湖社区居民议事会：电动车充电桩".repeat(6));
        let mut out = String::new();
        fold_into(&mut out, &line);
        assert!(out.ends_with("\r\n"));
        let pieces: Vec<&str> = out.trim_end_matches("\r\n").split("\r\n").collect();
        assert!(pieces.len() > 3);
        for piece in &pieces {
            assert!(piece.len() <= 75, "{} octets: {piece}", piece.len());
        }
        assert!(pieces[1..].iter().all(|p| p.starts_with(' ')));
        let unfolded: String = pieces
            .iter()
            .enumerate()
            .map(|(i, p)| if i == 0 { *p } else { &p[1..] })
            .collect();
        assert_eq!(unfolded, line);
    }
}
