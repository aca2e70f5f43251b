//! What a station's card adds for its template: its opening hours as rows,
//! as data for `opening.js` (which says 现在开放 / 已下班 on the phone's
//! clock) and as schema.org data; and links that open its place in a map
//! instead of bare coordinates.

use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::{Value, json};

use crate::content::Page;
use crate::content::site::Site;
use crate::opening;

/// Where an address link leads: 高德's public search by keyword, which
/// opens the app on a phone that has it and a web map otherwise.
const ADDRESS_SEARCH: &str = "https://uri.amap.com/search?keyword=";

/// Whether a station is open now, on the device's clock: the one script
/// the station page (`/opening.js`) and the lobby player both run.
pub const OPENING_JS: &str = include_str!("opening.js");

/// `/opening.js`, when any page has opening hours.
pub fn opening_script(site: &Site) -> Option<crate::render::Output> {
    site.pages
        .iter()
        .any(|p| p.meta.hours.is_some())
        .then(|| crate::render::Output {
            path: "opening.js".to_string(),
            bytes: OPENING_JS.as_bytes().to_vec(),
        })
}

/// The data `linjuOpening.status` reads for a page, if it has hours.
pub fn opening_data(site: &Site, page: &Page) -> Option<Value> {
    let hours = opening::parse(page.meta.hours.as_deref()?).ok()?;
    Some(status_data(site, &hours))
}

/// The week, holidays and make-up days in the site's zone, for the script.
fn status_data(site: &Site, hours: &opening::OpeningHours) -> Value {
    let offset_minutes = site.now.offset().seconds() / 60;
    hours.to_json(&site.config.calendar, offset_minutes)
}

/// `opening` and `map` for a page's card (null for a page without them).
pub(super) fn station_facts(site: &Site, page: &Page) -> [(&'static str, Value); 2] {
    [
        ("opening", opening_value(site, page)),
        ("map", map_value(page)),
    ]
}

fn opening_value(site: &Site, page: &Page) -> Value {
    // Checked when the page was loaded; a page that got here parses.
    let Some(hours) = page
        .meta
        .hours
        .as_deref()
        .and_then(|h| opening::parse(h).ok())
    else {
        return Value::Null;
    };
    let data = status_data(site, &hours);
    let rows: Vec<Value> = hours
        .rows()
        .into_iter()
        .map(|(days, times)| {
            let ranges: Vec<&str> = times.split('、').collect();
            json!({"days": days, "times": times, "ranges": ranges})
        })
        .collect();
    json!({
        "rows": rows,
        "data": data.to_string(),
        "json_ld": json_ld(site, page, &hours),
    })
}

/// The station as schema.org `GovernmentOffice`, ready for a
/// `<script type="application/ld+json">` (`<` escaped so no text of the
/// page can close the script).
fn json_ld(site: &Site, page: &Page, hours: &opening::OpeningHours) -> String {
    let (regular, special) = hours.schema(&site.config.calendar);
    let mut value = json!({
        "@context": "https://schema.org",
        "@type": "GovernmentOffice",
        "name": page.title,
        "url": site.config.permalink(&page.path),
        "openingHoursSpecification": regular,
    });
    if !special.is_empty() {
        value["specialOpeningHoursSpecification"] = json!(special);
    }
    if let Some(address) = &page.meta.address {
        value["address"] = json!({"@type": "PostalAddress", "streetAddress": address});
    }
    if let Some(phone) = &page.meta.phone {
        value["telephone"] = json!(phone);
    }
    if let Some(geo) = &page.meta.geo {
        value["geo"] =
            json!({"@type": "GeoCoordinates", "latitude": geo.lat, "longitude": geo.lng});
    }
    value.to_string().replace('<', "\\u003c")
}

/// `geo:` (RFC 5870, which a phone hands to its own map app) when the page
/// has coordinates, and an address search when it has an address.
fn map_value(page: &Page) -> Value {
    let geo = page.meta.geo.as_ref().map(|geo| {
        let label = utf8_percent_encode(&page.title, NON_ALPHANUMERIC);
        format!(
            "geo:{lat},{lng}?q={lat},{lng}({label})",
            lat = geo.lat,
            lng = geo.lng
        )
    });
    let address = page.meta.address.as_deref().map(|address| {
        format!(
            "{ADDRESS_SEARCH}{}",
            utf8_percent_encode(address, NON_ALPHANUMERIC)
        )
    });
    if geo.is_none() && address.is_none() {
        return Value::Null;
    }
    json!({"geo": geo, "address_url": address})
}
