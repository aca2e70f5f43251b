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

/// Whether `path` is one of the files a sitemap index lists
/// (`sitemap-3.xml`): kept, like `sitemap.xml`, when a rebuild does not
/// make the sitemap again.
pub fn is_sitemap_part(path: &str) -> bool {
    path.starts_with("sitemap-") && path.ends_with(".xml") && !path.contains('/')
}

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

/// Which pages each Atom feed lists, newest first: the site's feed, then
/// each section's (by index). Kept by a session so that a rebuild after a
/// body edit re-makes only the feeds that list the edited page.
#[derive(Debug, Clone, Default)]
pub struct FeedLists(Vec<(Option<usize>, Vec<usize>)>);

impl FeedLists {
    /// The lists of `site`'s feeds.
    pub fn of(site: &Site) -> FeedLists {
        let mut lists = vec![(
            None,
            dated_newest_first(site, (0..site.pages.len()).collect()),
        )];
        for (n, section) in site.sections.iter().enumerate().skip(1) {
            lists.push((Some(n), dated_newest_first(site, section.pages.clone())));
        }
        FeedLists(lists)
    }
}

/// All feeds (Atom and the events' calendars), robots.txt and, if
/// `with_sitemap`, the sitemap; with the lists of the Atom feeds.
pub fn render_feeds(site: &Site, with_sitemap: bool) -> (Vec<Output>, FeedLists) {
    let lists = FeedLists::of(site);
    let mut outputs: Vec<Output> = lists.0.iter().map(|list| atom_file(site, list)).collect();
    if with_sitemap {
        let permalink = |path: &str| site.config.permalink(path);
        outputs.extend(sitemap_files(
            sitemap_entries(site),
            SITEMAP_URLS,
            &permalink,
        ));
    }
    outputs.extend(crate::render::calendar::render_calendars(site));
    outputs.push(Output {
        path: "robots.txt".into(),
        bytes: format!(
            "User-agent: *\nAllow: /\nSitemap: {}\n",
            site.config.permalink("sitemap.xml")
        )
        .into_bytes(),
    });
    (outputs, lists)
}

/// The feeds that list any of the pages `changed`, when nothing but those
/// pages' bodies changed since `lists` were made (so no feed's list moved):
/// the Atom feeds they are in and the calendars that show them.
pub fn render_feeds_showing(site: &Site, lists: &FeedLists, changed: &[usize]) -> Vec<Output> {
    let mut outputs: Vec<Output> = lists
        .0
        .iter()
        .filter(|(_, pages)| pages.iter().any(|p| changed.contains(p)))
        .map(|list| atom_file(site, list))
        .collect();
    outputs.extend(crate::render::calendar::render_calendars_showing(
        site, changed,
    ));
    outputs
}

/// One Atom feed: the site's (`None`) or a section's.
fn atom_file(site: &Site, (section, pages): &(Option<usize>, Vec<usize>)) -> Output {
    match section {
        None => Output {
            path: "atom.xml".into(),
            bytes: atom(site, &site.config.title, "", pages).into_bytes(),
        },
        Some(n) => {
            let section = &site.sections[*n];
            let title = format!("{} - {}", section.title, site.config.title);
            Output {
                path: format!("{}atom.xml", section.path),
                bytes: atom(site, &title, &section.path, pages).into_bytes(),
            }
        }
    }
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
        xml_escape(&page.rendered.html.text())
    );
    let _ = writeln!(xml, "  </entry>");
}

/// The most URLs one sitemap file may list (the sitemaps protocol's limit).
const SITEMAP_URLS: usize = 50_000;

const XML_HEAD: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";
const SITEMAP_NS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";

/// One `<url>` line per address the site publishes: sections, pages (with
/// their last change), tags and the other lists.
fn sitemap_entries(site: &Site) -> Vec<String> {
    let config = &site.config;
    let plain = |path: &str| {
        format!(
            "  <url><loc>{}</loc></url>\n",
            xml_escape(&config.permalink(path))
        )
    };
    let mut entries: Vec<String> = site.sections.iter().map(|s| plain(&s.path)).collect();
    for page in &site.pages {
        let loc = xml_escape(&config.permalink(&page.path));
        entries.push(match last_change(page) {
            Some(changed) => format!(
                "  <url><loc>{loc}</loc><lastmod>{}</lastmod></url>\n",
                changed.date()
            ),
            None => format!("  <url><loc>{loc}</loc></url>\n"),
        });
    }
    entries.extend(
        site.tags
            .iter()
            .map(|tag| plain(&format!("tags/{}/", tag.slug))),
    );
    entries.extend(other_list_paths(site).iter().map(|path| plain(path)));
    entries
}

/// `sitemap.xml` listing `entries`; past `limit` of them, `sitemap.xml` is
/// an index of `sitemap-1.xml`, `sitemap-2.xml`... of `limit` each, as
/// search engines read no more than 50,000 URLs from one file.
fn sitemap_files(
    entries: Vec<String>,
    limit: usize,
    permalink: &dyn Fn(&str) -> String,
) -> Vec<Output> {
    let urlset = |entries: &[String]| Output {
        path: String::new(),
        bytes: format!(
            "{XML_HEAD}<urlset xmlns=\"{SITEMAP_NS}\">\n{}</urlset>\n",
            entries.concat()
        )
        .into_bytes(),
    };
    if entries.len() <= limit {
        let mut only = urlset(&entries);
        only.path = SITEMAP.into();
        return vec![only];
    }
    let mut files: Vec<Output> = entries
        .chunks(limit.max(1))
        .enumerate()
        .map(|(n, chunk)| Output {
            path: format!("sitemap-{}.xml", n + 1),
            ..urlset(chunk)
        })
        .collect();
    let listed: String = files
        .iter()
        .map(|file| {
            format!(
                "  <sitemap><loc>{}</loc></sitemap>\n",
                xml_escape(&permalink(&file.path))
            )
        })
        .collect();
    files.push(Output {
        path: SITEMAP.into(),
        bytes: format!(
            "{XML_HEAD}<sitemapindex xmlns=\"{SITEMAP_NS}\">\n{listed}</sitemapindex>\n"
        )
        .into_bytes(),
    });
    files
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

    fn text(output: &Output) -> &str {
        std::str::from_utf8(&output.bytes).unwrap()
    }

    #[test]
    fn a_sitemap_past_the_limit_becomes_an_index_of_files_within_it() {
        let entries: Vec<String> = (1..=5)
            .map(|n| format!("  <url><loc>https://x.org/{n}/</loc></url>\n"))
            .collect();
        let permalink = |path: &str| format!("https://x.org/{path}");
        let one = sitemap_files(entries.clone(), 5, &permalink);
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].path, "sitemap.xml");
        assert_eq!(text(&one[0]).matches("<url>").count(), 5);

        let split = sitemap_files(entries, 2, &permalink);
        let paths: Vec<&str> = split.iter().map(|o| o.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "sitemap-1.xml",
                "sitemap-2.xml",
                "sitemap-3.xml",
                "sitemap.xml"
            ]
        );
        let counts: Vec<usize> = split[..3]
            .iter()
            .map(|o| text(o).matches("<url>").count())
            .collect();
        assert_eq!(counts, [2, 2, 1]);
        assert!(text(&split[2]).contains("https://x.org/5/"));
        let index = text(&split[3]);
        assert!(index.contains("<sitemapindex"), "{index}");
        assert!(
            index.contains("<loc>https://x.org/sitemap-3.xml</loc>"),
            "{index}"
        );
        assert!(!index.contains("<url>"));
        assert!(is_sitemap_part("sitemap-3.xml"));
        assert!(!is_sitemap_part("events/sitemap-3.xml"));
        assert!(!is_sitemap_part("sitemap.xml"));
    }
}
