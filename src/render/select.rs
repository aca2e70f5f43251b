//! A [`Selection`]: what one HTML file shows, as plain numbers. Both its
//! Tera context and its signature come from it, so a file whose signature
//! did not change cannot have changed.

use std::hash::{Hash, Hasher};

use serde_json::{Value, json};
use tera::Context;

use crate::content::site::Site;
use crate::hash::{Fingerprint, fingerprint};
use crate::render::context::page_full;
use crate::render::shared::Shared;

/// What one HTML file shows: everything its context is made from.
#[derive(Debug, Clone)]
pub struct Selection {
    /// Output path (`events/a/index.html`).
    pub output: String,
    /// Template name.
    pub template: String,
    /// What it comes from, for error messages.
    pub(super) source: Source,
    pub(super) current_path: String,
    /// The section shown whole (lists).
    pub(super) section: Option<usize>,
    /// The section shown as a brief reference (a page's own section):
    /// without its page count or body, so adding a page to a section does
    /// not change every page in it.
    pub(super) section_brief: Option<usize>,
    pub(super) page: Option<usize>,
    pub(super) lists: Vec<(&'static str, Vec<usize>)>,
    pub(super) extras: Vec<Extra>,
}

/// Where a file comes from, named in error messages only (formatting a
/// path for every file on every rebuild would cost more than the rebuild).
#[derive(Debug, Clone, Copy)]
pub(super) enum Source {
    Page(usize),
    Section(usize),
    Tag(usize),
    Named(&'static str),
}

impl Source {
    pub(super) fn describe(self, site: &Site) -> String {
        match self {
            Source::Page(index) => site.pages[index].file.display().to_string(),
            Source::Section(index) => site.sections[index].file.display().to_string(),
            Source::Tag(index) => format!("tag `{}`", site.tags[index].name),
            Source::Named(name) => name.to_string(),
        }
    }
}

/// Values a file shows besides cards, kept as plain numbers until the file
/// is rendered: building a paginator's JSON for every pager of a big tag on
/// every rebuild would cost more than the rebuild itself.
#[derive(Debug, Clone)]
pub(super) enum Extra {
    /// `paginator` for pager `number` of `total` of the list at `list_path`.
    Paginator {
        list_path: String,
        number: usize,
        total: usize,
    },
    /// `term`: a tag (index into `Site::tags`).
    Term(usize),
    /// `terms`: every tag.
    Terms,
    /// `totals`: how many items each bounded list has in all, and where
    /// the whole list is.
    Totals(Vec<Total>),
    /// `community`: the card of the community a list belongs to (index into
    /// `Site::pages`).
    Community(usize),
    /// `stats`: the year in pictures (`render::stats`).
    Stats,
    /// `year`: one year's numbers (index into the newest-first years).
    StatsYear(usize),
    /// `community_stats`: one community's numbers (index into `Site::pages`).
    CommunityStats(usize),
    /// `list`: which of a community's lists a file shows, and its length.
    List {
        name: &'static str,
        title: &'static str,
        count: usize,
    },
}

/// One bounded list's length in all, and the address of the whole list
/// (relative to the base), if it has one.
#[derive(Debug, Clone, Hash)]
pub(super) struct Total {
    pub(super) name: &'static str,
    pub(super) count: usize,
    pub(super) path: Option<String>,
}

impl Extra {
    fn hash_into(&self, site: &Site, shared: &Shared, hasher: &mut Fingerprint) {
        let hash_tag = |index: usize, hasher: &mut Fingerprint| {
            let tag = &site.tags[index];
            (&tag.name, &tag.slug, tag.pages.len()).hash(hasher);
        };
        match self {
            Extra::Paginator {
                list_path,
                number,
                total,
            } => (0u8, list_path, number, total).hash(hasher),
            Extra::Term(index) => {
                1u8.hash(hasher);
                hash_tag(*index, hasher);
            }
            Extra::Terms => {
                (2u8, site.tags.len()).hash(hasher);
                (0..site.tags.len()).for_each(|i| hash_tag(i, hasher));
            }
            Extra::Totals(totals) => (3u8, totals).hash(hasher),
            Extra::Community(index) => (4u8, shared.cards[*index].hash).hash(hasher),
            Extra::List { name, title, count } => (5u8, name, title, count).hash(hasher),
            Extra::Stats => (6u8, shared.stats.hash).hash(hasher),
            Extra::StatsYear(index) => {
                (
                    8u8,
                    shared.stats.years.get(*index).map(|(y, _, h)| (*y, *h)),
                )
                    .hash(hasher);
            }
            Extra::CommunityStats(index) => {
                (7u8, shared.stats.communities.get(index).map(|(_, h)| *h)).hash(hasher);
            }
        }
    }

    fn insert_into(&self, site: &Site, shared: &Shared, context: &mut Context) {
        match self {
            Extra::Paginator {
                list_path,
                number,
                total,
            } => context.insert("paginator", &paginator(site, list_path, *number, *total)),
            Extra::Term(index) => context.insert("term", &tag_term(site, *index)),
            Extra::Terms => {
                let terms: Vec<Value> = (0..site.tags.len()).map(|i| tag_term(site, i)).collect();
                context.insert("terms", &terms);
            }
            Extra::Totals(totals) => {
                let totals: serde_json::Map<String, Value> = totals
                    .iter()
                    .map(|total| {
                        let url = total.path.as_deref().map(|p| site.config.url_path(p));
                        (
                            total.name.to_string(),
                            json!({"count": total.count, "url": url}),
                        )
                    })
                    .collect();
                context.insert("totals", &totals);
            }
            Extra::Community(index) => {
                context.insert_value("community", shared.card(site, *index));
            }
            Extra::List { name, title, count } => {
                context.insert(
                    "list",
                    &json!({"name": name, "title": title, "count": count}),
                );
            }
            Extra::Stats => context.insert_value("stats", shared.stats.value.clone()),
            Extra::StatsYear(index) => {
                if let Some((_, value, _)) = shared.stats.years.get(*index) {
                    context.insert_value("year", value.clone());
                }
            }
            Extra::CommunityStats(index) => {
                if let Some((value, _)) = shared.stats.communities.get(index) {
                    context.insert_value("community_stats", value.clone());
                }
            }
        }
    }
}

impl Selection {
    pub(super) fn new(
        output: String,
        template: String,
        source: Source,
        current_path: &str,
    ) -> Selection {
        Selection {
            output,
            template,
            source,
            current_path: current_path.to_string(),
            section: None,
            section_brief: None,
            page: None,
            lists: Vec::new(),
            extras: Vec::new(),
        }
    }

    /// Whether the file is a page's own (not a list, the home page or a tag).
    pub fn is_page(&self) -> bool {
        self.page.is_some()
    }

    /// Every page whose card or full value the file shows: its own page,
    /// the pages its lists show, the community it belongs to. Its signature
    /// moves with theirs (see [`Selection::signature`]).
    pub fn pages_shown(&self) -> impl Iterator<Item = usize> + '_ {
        let communities = self.extras.iter().filter_map(|extra| match extra {
            Extra::Community(index) => Some(*index),
            _ => None,
        });
        self.pages_listed().chain(communities)
    }

    /// Its own page and the pages its lists show (not its community).
    pub fn pages_listed(&self) -> impl Iterator<Item = usize> + '_ {
        self.page.into_iter().chain(
            self.lists
                .iter()
                .flat_map(|(_, pages)| pages.iter().copied()),
        )
    }

    /// [`Selection::signature`] with the version of its template looked up
    /// in `template_versions` (a template not there counts as version 0).
    pub fn signature_in(
        &self,
        site: &Site,
        shared: &Shared,
        template_versions: &std::collections::HashMap<String, u64>,
    ) -> u64 {
        let version = template_versions.get(&self.template).copied().unwrap_or(0);
        self.signature(site, shared, version)
    }

    /// A hash of everything the file is made from: the template (as
    /// `template_version`, which covers the templates it uses), the site
    /// value, its section, its page and every card it lists. 0 when
    /// `shared` has no hashes (a one-off build's, which keeps none).
    pub fn signature(&self, site: &Site, shared: &Shared, template_version: u64) -> u64 {
        if !shared.hashed {
            return 0;
        }
        let mut hasher = fingerprint();
        template_version.hash(&mut hasher);
        self.template.hash(&mut hasher);
        self.output.hash(&mut hasher);
        self.current_path.hash(&mut hasher);
        shared.site_hash.hash(&mut hasher);
        self.section
            .map(|s| shared.sections[s].hash)
            .hash(&mut hasher);
        self.section_brief
            .map(|s| shared.sections[s].brief_hash)
            .hash(&mut hasher);
        self.page
            .map(|p| shared.cards[p].full_hash)
            .hash(&mut hasher);
        for (name, pages) in &self.lists {
            name.hash(&mut hasher);
            pages.len().hash(&mut hasher);
            for &page in pages {
                shared.cards[page].hash.hash(&mut hasher);
            }
        }
        for extra in &self.extras {
            extra.hash_into(site, shared, &mut hasher);
        }
        hasher.finish()
    }

    pub(super) fn context(&self, site: &Site, shared: &Shared) -> Context {
        let mut context = Context::new();
        context.insert_value("site", shared.site.clone());
        context.insert("current_path", &self.current_path);
        if let Some(section) = self.section {
            context.insert_value("section", shared.sections[section].value.clone());
        }
        if let Some(section) = self.section_brief {
            context.insert_value("section", shared.sections[section].brief.clone());
        }
        if let Some(index) = self.page {
            context.insert_value(
                "page",
                page_full(site, &site.pages[index], &shared.card(site, index)),
            );
        }
        for (name, pages) in &self.lists {
            let cards: Vec<tera::Value> = pages.iter().map(|&i| shared.card(site, i)).collect();
            context.insert_value(*name, tera::Value::from(cards));
        }
        for extra in &self.extras {
            extra.insert_into(site, shared, &mut context);
        }
        context
    }
}

/// `events/` for the first page, `events/page/2/` after it.
pub(super) fn pager_path(list_path: &str, number: usize) -> String {
    if number == 1 {
        list_path.to_string()
    } else {
        format!("{list_path}page/{number}/")
    }
}

/// How many pagers either side of the current one `paginator.pagers` lists.
const PAGER_WINDOW: usize = 2;

/// The paginator of pager `number` of `total`. Its `pagers` are the first,
/// the last and the ones near the current one, never all of them: a
/// section of 30,000 pages has 3,000 pagers, and listing every one on
/// every one of them made the build's cost grow with the square of the
/// site (and a page nobody could use).
pub(super) fn paginator(site: &Site, list_path: &str, number: usize, total: usize) -> Value {
    let url = |n: usize| site.config.url_path(&pager_path(list_path, n));
    let pagers: Vec<Value> = pager_numbers(number, total)
        .into_iter()
        .map(|n| json!({"number": n, "url": url(n), "current": n == number}))
        .collect();
    json!({
        "current": number,
        "total": total,
        "previous": (number > 1).then(|| url(number - 1)),
        "next": (number < total).then(|| url(number + 1)),
        "first": url(1),
        "last": url(total),
        "pagers": pagers,
    })
}

/// 1, the numbers within [`PAGER_WINDOW`] of `number`, and `total`, in order.
fn pager_numbers(number: usize, total: usize) -> Vec<usize> {
    let near = number.saturating_sub(PAGER_WINDOW).max(1)..=(number + PAGER_WINDOW).min(total);
    let mut numbers: Vec<usize> = std::iter::once(1)
        .chain(near)
        .chain(std::iter::once(total))
        .filter(|&n| n >= 1 && n <= total)
        .collect();
    numbers.dedup();
    numbers
}

pub(super) fn tag_path(site: &Site, index: usize) -> String {
    format!("tags/{}/", site.tags[index].slug)
}

pub(super) fn tag_term(site: &Site, index: usize) -> Value {
    let tag = &site.tags[index];
    json!({
        "name": tag.name,
        "slug": tag.slug,
        "url": site.config.url_path(&tag_path(site, index)),
        "count": tag.pages.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::pager_numbers;

    #[test]
    fn pagers_are_the_ends_and_the_neighbours_of_the_current_one() {
        assert_eq!(pager_numbers(1, 1), [1]);
        assert_eq!(pager_numbers(1, 3), [1, 2, 3]);
        assert_eq!(pager_numbers(1, 3000), [1, 2, 3, 3000]);
        assert_eq!(
            pager_numbers(1500, 3000),
            [1, 1498, 1499, 1500, 1501, 1502, 3000]
        );
        assert_eq!(pager_numbers(3000, 3000), [1, 2998, 2999, 3000]);
    }
}
