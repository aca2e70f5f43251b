//! Machine-read outputs: Atom feeds (site and per section), `sitemap.xml`
//! and `robots.txt`. Written by hand with careful escaping, since they are
//! fixed formats no theme needs to change.

use std::fmt::Write;
use std::hash::{Hash, Hasher};

use crate::content::Page;
use crate::content::site::Site;
use crate::dates;
use crate::render::Output;
use crate::render::plan::other_list_paths;

/// Entries per feed.
const FEED_LEN: usize = 20;

/// The sitemap's path.
pub const SITEMAP: &str = "sitemap.xml";

/// A hash of everything the sitemap is made from (every URL and date), far
/// cheaper than writing it: a rebuild skips the sitemap when it is unchanged.
pub fn sitemap_signature(site: &Site) -> u64 {
    let mut hasher = crate::hash::fingerprint();
    site.config.base_url.hash(&mut hasher);
    for section in &site.sections {
        section.path.hash(&mut hasher);
    }
    for page in &site.pages {
        page.path.hash(&mut hasher);
        last_change(page).map(|d| d.date()).hash(&mut hasher);
    }
    for tag in &site.tags {
        tag.slug.hash(&mut hasher);
    }
    other_list_paths(site).hash(&mut hasher);
    hasher.finish()
}

/// All feeds, robots.txt and, if `with_sitemap`, the sitemap.
pub fn render_feeds(site: &Site, with_sitemap: bool) -> Vec<Output> {
    let mut outputs = Vec::new();
    let all: Vec<usize> = dated_newest_first(site, (0..site.pages.len()).collect());
    outputs.push(Output {
        path: "atom.xml".into(),
        bytes: atom(site, &site.config.title, "", &all).into_bytes(),
    });
    for section in site.sections.iter().skip(1) {
        let pages = dated_newest_first(site, section.pages.clone());
        let title = format!("{} - {}", section.title, site.config.title);
        outputs.push(Output {
            path: format!("{}atom.xml", section.path),
            bytes: atom(site, &title, &section.path, &pages).into_bytes(),
        });
    }
    if with_sitemap {
        outputs.push(Output {
            path: SITEMAP.into(),
            bytes: sitemap(site).into_bytes(),
        });
    }
    outputs.push(Output {
        path: "robots.txt".into(),
        bytes: format!(
            "User-agent: *\nAllow: /\nSitemap: {}\n",
            site.config.permalink("sitemap.xml")
        )
        .into_bytes(),
    });
    outputs
}

fn dated_newest_first(site: &Site, mut pages: Vec<usize>) -> Vec<usize> {
    pages.retain(|&i| site.pages[i].date.is_some() || site.pages[i].updated.is_some());
    pages.sort_by(|&a, &b| last_change(&site.pages[b]).cmp(&last_change(&site.pages[a])));
    pages.truncate(FEED_LEN);
    pages
}

/// The latest date of the whole site: a feed with no dated entries says
/// this rather than the build time, so rebuilding does not change it.
fn newest_change(site: &Site) -> Option<&jiff::ZonedDateTime> {
    site.pages.iter().filter_map(last_change).max()
}

fn last_change(page: &Page) -> Option<&jiff::ZonedDateTime> {
    page.updated.as_ref().or(page.date.as_ref())
}

/// Escapes text for XML content and attributes.
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\t' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

fn atom(site: &Site, title: &str, section_path: &str, pages: &[usize]) -> String {
    let config = &site.config;
    let updated = pages
        .first()
        .and_then(|&i| last_change(&site.pages[i]))
        .or_else(|| newest_change(site))
        .unwrap_or(&site.now);
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    let _ = writeln!(
        xml,
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">",
        xml_escape(&config.language)
    );
    let _ = writeln!(xml, "  <title>{}</title>", xml_escape(title));
    let _ = writeln!(
        xml,
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>",
        xml_escape(&config.permalink(&format!("{section_path}atom.xml")))
    );
    let _ = writeln!(
        xml,
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
        xml_escape(&config.permalink(section_path))
    );
    let _ = writeln!(
        xml,
        "  <id>{}</id>",
        xml_escape(&config.permalink(section_path))
    );
    let _ = writeln!(
        xml,
        "  <updated>{}</updated>",
        dates::to_context_string(updated)
    );
    let _ = writeln!(xml, "  <generator>linju</generator>");
    if let Some(organisation) = &config.organisation {
        let _ = writeln!(
            xml,
            "  <author><name>{}</name></author>",
            xml_escape(organisation)
        );
    }
    for &index in pages {
        write_entry(&mut xml, site, &site.pages[index]);
    }
    xml.push_str("</feed>\n");
    xml
}

fn write_entry(xml: &mut String, site: &Site, page: &Page) {
    let config = &site.config;
    let permalink = config.permalink(&page.path);
    let published = page
        .date
        .as_ref()
        .or(page.updated.as_ref())
        .unwrap_or(&site.now);
    let updated = last_change(page).unwrap_or(&site.now);
    let _ = writeln!(xml, "  <entry>");
    let _ = writeln!(xml, "    <title>{}</title>", xml_escape(&page.title));
    let _ = writeln!(
        xml,
        "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
        xml_escape(&permalink)
    );
    let _ = writeln!(xml, "    <id>{}</id>", xml_escape(&permalink));
    let _ = writeln!(
        xml,
        "    <published>{}</published>",
        dates::to_context_string(published)
    );
    let _ = writeln!(
        xml,
        "    <updated>{}</updated>",
        dates::to_context_string(updated)
    );
    let summary = page
        .meta
        .summary
        .clone()
        .unwrap_or_else(|| page.rendered.summary_html.clone());
    let _ = writeln!(
        xml,
        "    <summary type=\"html\">{}</summary>",
        xml_escape(&summary)
    );
    let _ = writeln!(
        xml,
        "    <content type=\"html\">{}</content>",
        xml_escape(&page.rendered.html)
    );
    let _ = writeln!(xml, "  </entry>");
}

fn sitemap(site: &Site) -> String {
    let config = &site.config;
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for section in &site.sections {
        let _ = writeln!(
            xml,
            "  <url><loc>{}</loc></url>",
            xml_escape(&config.permalink(&section.path))
        );
    }
    for page in &site.pages {
        let _ = write!(
            xml,
            "  <url><loc>{}</loc>",
            xml_escape(&config.permalink(&page.path))
        );
        if let Some(changed) = last_change(page) {
            let _ = write!(xml, "<lastmod>{}</lastmod>", changed.date());
        }
        xml.push_str("</url>\n");
    }
    for tag in &site.tags {
        let _ = writeln!(
            xml,
            "  <url><loc>{}</loc></url>",
            xml_escape(&config.permalink(&format!("tags/{}/", tag.slug)))
        );
    }
    for path in other_list_paths(site) {
        let _ = writeln!(
            xml,
            "  <url><loc>{}</loc></url>",
            xml_escape(&config.permalink(&path))
        );
    }
    xml.push_str("</urlset>\n");
    xml
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_drops_control_characters() {
        assert_eq!(
            xml_escape("<b>\"A&B\"</b>\u{1}"),
            "&lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt;"
        );
    }
}
