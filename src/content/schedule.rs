//! When the site changes by itself: the next moment a page is published,
//! a notice expires, an event starts or ends. `watch` and `serve` rebuild
//! then; `build` says when it is, for a cron job or a CI schedule.

use jiff::ZonedDateTime;

use crate::content::PageType;
use crate::content::site::Site;
use crate::lang::{Text, tr};

/// The next moment the site will look different without an edit.
#[derive(Debug, Clone, PartialEq)]
pub struct NextChange {
    /// When, in the site's time zone.
    pub at: ZonedDateTime,
    /// Why, for the writer (`停水通知到期`).
    pub reason: Text,
    /// Whether it falls in the year of the build (then the year is not said).
    pub this_year: bool,
}

impl NextChange {
    /// `下次自动变化：12月5日 08:00，停水通知到期` and its English.
    pub fn describe(&self) -> Text {
        let (month, day) = (self.at.month(), self.at.day());
        let (hour, minute) = (self.at.hour(), self.at.minute());
        let year = if self.this_year {
            String::new()
        } else {
            format!("{}年", self.at.year())
        };
        let when_zh = format!("{year}{month}月{day}日 {hour:02}:{minute:02}");
        let when_en = self.at.strftime("%Y-%m-%d %H:%M").to_string();
        let (why_zh, why_en) = (&self.reason.zh, &self.reason.en);
        tr!(
            "下次自动变化：{when_zh}，{why_zh}",
            "next scheduled change: {when_en}, {why_en}"
        )
    }

    /// The moment as RFC 3339 with the site's offset (`2026-12-05T08:00:00+08:00`).
    pub fn rfc3339(&self) -> String {
        self.at.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
    }
}

/// The earliest moment after the build's "now" at which a page is
/// published, a notice expires, or an event starts or ends.
pub fn next_change(site: &Site) -> Option<NextChange> {
    let now = &site.now;
    let next_change = |at: &ZonedDateTime, reason: Text| NextChange {
        at: at.clone(),
        reason,
        this_year: at.year() == now.year(),
    };
    let held_back = site
        .held_back_until
        .as_ref()
        .map(|(at, title)| next_change(at, tr!("《{title}》发布", "\"{title}\" is published")));
    // The earliest moment first, without words: a rebuild looks at every
    // page, and only the winner is described. On a tie the first wins.
    let mut earliest: Option<(&ZonedDateTime, usize, Moment)> = None;
    for (index, page) in site.pages.iter().enumerate() {
        let is_event = page.page_type == PageType::Event;
        for (at, moment) in [
            (&page.expires, Moment::Expires),
            (if is_event { &page.date } else { &None }, Moment::Starts),
            (if is_event { &page.end } else { &None }, Moment::Ends),
        ] {
            let Some(at) = at.as_ref().filter(|at| *at > now) else {
                continue;
            };
            if earliest.as_ref().is_none_or(|(best, _, _)| at < *best) {
                earliest = Some((at, index, moment));
            }
        }
    }
    let from_pages = earliest.map(|(at, index, moment)| {
        let title = &site.pages[index].title;
        let reason = match moment {
            Moment::Expires => tr!("《{title}》到期", "\"{title}\" expires"),
            Moment::Starts => tr!("《{title}》开始", "\"{title}\" starts"),
            Moment::Ends => tr!("《{title}》结束", "\"{title}\" ends"),
        };
        next_change(at, reason)
    });
    match (held_back, from_pages) {
        (Some(held), Some(page)) if page.at < held.at => Some(page),
        (Some(held), _) => Some(held),
        (None, page) => page,
    }
}

/// What happens to a page at a moment.
#[derive(Clone, Copy)]
enum Moment {
    Expires,
    Starts,
    Ends,
}
