//! The list of HTML files a site has ([`Target`]s), and what each one shows
//! ([`select`] gives its [`Selection`]): home page lists, section and tag
//! pagers, community pages' lists.

use crate::content::PageType;
use crate::content::site::Site;
use crate::render::context::{is_expired, is_upcoming, type_label};
use crate::render::select::{Extra, Selection, Source, Total, pager_path, tag_path};

/// How many items the home page shows per list. Every list of the home
/// page is bounded, so a district's archive never makes a page a phone
/// cannot load; each says how many there are and links to the whole list.
const HOME_LIST_LEN: usize = 6;

/// How many community links the home page shows.
const HOME_COMMUNITIES_LEN: usize = 30;

/// How many items a community page shows per list; a longer list has its
/// own paginated pages under the community's address.
pub const COMMUNITY_LIST_LEN: usize = 6;

/// One HTML file to render.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// `index.html`.
    Home,
    /// One page of a section's list.
    SectionPager {
        /// Index into `Site::sections`.
        section: usize,
        /// 1-based pager number.
        number: usize,
        /// Pagers in all.
        total: usize,
    },
    /// A page (index into `Site::pages`).
    Page(usize),
    /// `tags/index.html`.
    TagIndex,
    /// One page of a tag's list.
    Tag {
        /// Index into `Site::tags`.
        tag: usize,
        /// 1-based pager number.
        number: usize,
        /// Pagers in all.
        total: usize,
    },
    /// `404.html`.
    NotFound,
    /// `search/index.html`, the search page (unless `search: false`).
    Search,
    /// `stats/index.html`, the year in pictures.
    Stats,
    /// `stats/2025/index.html`, one year's numbers.
    StatsYear {
        /// Index into `render::stats::years` (newest first).
        index: usize,
        /// The year.
        year: i16,
    },
    /// One page of a community's list of one kind (`communities/x/stories/`),
    /// for lists longer than the community page shows.
    CommunityList {
        /// Index into `Site::pages` of the community page.
        community: usize,
        /// Index into [`COMMUNITY_LISTS`].
        list: usize,
        /// 1-based pager number.
        number: usize,
        /// Pagers in all.
        total: usize,
    },
}

/// Every HTML file the site has.
pub fn plan(site: &Site, lookup: &Lookup) -> Vec<Target> {
    let mut targets = vec![
        Target::Home,
        Target::TagIndex,
        Target::NotFound,
        Target::Stats,
    ];
    if site.config.search.enabled {
        targets.push(Target::Search);
    }
    for (index, section) in site.sections.iter().enumerate().skip(1) {
        let total = section.pages.len().div_ceil(section.paginate_by).max(1);
        targets.extend((1..=total).map(|number| Target::SectionPager {
            section: index,
            number,
            total,
        }));
    }
    targets.extend((0..site.pages.len()).map(Target::Page));
    let per_pager = site.config.paginate_by.max(1);
    for (index, tag) in site.tags.iter().enumerate() {
        let total = tag.pages.len().div_ceil(per_pager).max(1);
        targets.extend((1..=total).map(|number| Target::Tag {
            tag: index,
            number,
            total,
        }));
    }
    let years = crate::render::stats::years(site);
    targets.extend(
        years
            .into_iter()
            .enumerate()
            .map(|(index, year)| Target::StatsYear { index, year }),
    );
    targets.extend(community_list_targets(site, lookup));
    targets
}

/// Addresses of list pages besides sections and tags, for the sitemap: the
/// tag index, the year in pictures and the first page of every community
/// list.
pub fn other_list_paths(site: &Site) -> Vec<String> {
    let lookup = Lookup::without_related(site);
    let mut paths = vec!["tags/".to_string(), "stats/".to_string()];
    paths.extend(
        crate::render::stats::years(site)
            .into_iter()
            .map(|year| format!("stats/{year}/")),
    );
    for target in community_list_targets(site, &lookup) {
        if let Target::CommunityList {
            community,
            list,
            number: 1,
            ..
        } = target
        {
            paths.push(format!(
                "{}{}/",
                site.pages[community].path, COMMUNITY_LISTS[list].0
            ));
        }
    }
    paths
}

/// The pagers of every community list longer than its community page shows.
fn community_list_targets(site: &Site, lookup: &Lookup) -> Vec<Target> {
    let per_pager = site.config.paginate_by.max(1);
    let mut communities: Vec<&usize> = lookup.community_lists.keys().collect();
    communities.sort_unstable();
    let mut targets = Vec::new();
    for &community in communities {
        for (list, (_, pages)) in lookup.community_lists[&community].iter().enumerate() {
            if pages.len() <= COMMUNITY_LIST_LEN {
                continue;
            }
            let total = pages.len().div_ceil(per_pager);
            targets.extend((1..=total).map(|number| Target::CommunityList {
                community,
                list,
                number,
                total,
            }));
        }
    }
    targets
}

/// Lists several files need, computed once per build instead of once per
/// file: what each community page lists.
#[derive(Debug, Default)]
pub struct Lookup {
    community_lists: std::collections::HashMap<usize, Vec<(&'static str, Vec<usize>)>>,
    /// What belongs together, for each page's `related` list.
    related: std::sync::Arc<crate::render::related::RelatedLists>,
}

/// The page types a community page lists, with their context names.
const COMMUNITY_LISTS: [(&str, PageType); 5] = [
    ("stories", PageType::Story),
    ("families", PageType::Family),
    ("events", PageType::Event),
    ("stations", PageType::Station),
    ("notices", PageType::Notice),
];

impl Lookup {
    /// Walks the site's pages once, and scores every page's related list.
    #[cfg(test)]
    pub fn new(site: &Site) -> Lookup {
        let related = std::sync::Arc::new(crate::render::related::RelatedLists::compute(site));
        Lookup::with_related(site, related)
    }

    /// With related lists already made (kept from the last rebuild).
    pub fn with_related(
        site: &Site,
        related: std::sync::Arc<crate::render::related::RelatedLists>,
    ) -> Lookup {
        Lookup {
            related,
            ..Lookup::without_related(site)
        }
    }

    /// Walks the site's pages once; pages get no related list (enough for
    /// addresses, such as the sitemap's).
    fn without_related(site: &Site) -> Lookup {
        let mut community_lists: std::collections::HashMap<usize, Vec<(&'static str, Vec<usize>)>> =
            site.communities
                .iter()
                .map(|&c| {
                    (
                        c,
                        COMMUNITY_LISTS
                            .iter()
                            .map(|(name, _)| (*name, Vec::new()))
                            .collect(),
                    )
                })
                .collect();
        for (slot, (_, page_type)) in COMMUNITY_LISTS.iter().enumerate() {
            for (index, page) in site.pages_of_type(*page_type) {
                if let Some(lists) = page.community.and_then(|c| community_lists.get_mut(&c)) {
                    lists[slot].1.push(index);
                }
            }
        }
        Lookup {
            community_lists,
            related: Default::default(),
        }
    }
}

/// What `target` shows.
pub fn select(site: &Site, lookup: &Lookup, target: Target) -> Selection {
    match target {
        Target::Home => home_selection(site),
        Target::SectionPager {
            section,
            number,
            total,
        } => section_selection(site, section, number, total),
        Target::Page(index) => page_selection(site, lookup, index),
        Target::TagIndex => tag_index_selection(),
        Target::Tag { tag, number, total } => tag_selection(site, tag, number, total),
        Target::NotFound => Selection::new(
            "404.html".into(),
            "404.html".into(),
            Source::Named("404"),
            "",
        ),
        Target::Search => Selection::new(
            "search/index.html".into(),
            "search.html".into(),
            Source::Named("search"),
            "search/",
        ),
        Target::Stats => {
            let mut selection = Selection::new(
                "stats/index.html".into(),
                "stats.html".into(),
                Source::Named("stats"),
                "stats/",
            );
            selection.extras = vec![Extra::Stats];
            selection
        }
        Target::StatsYear { index, year } => {
            let mut selection = Selection::new(
                format!("stats/{year}/index.html"),
                "stats_year.html".into(),
                Source::Named("stats"),
                &format!("stats/{year}/"),
            );
            selection.extras = vec![Extra::StatsYear(index)];
            selection
        }
        Target::CommunityList {
            community,
            list,
            number,
            total,
        } => community_list_selection(site, lookup, community, list, number, total),
    }
}

fn home_selection(site: &Site) -> Selection {
    let of_type = |t: PageType| -> Vec<usize> { site.pages_of_type(t).map(|(i, _)| i).collect() };
    let mut selection = Selection::new(
        "index.html".into(),
        template_or(&site.home().meta.template, "index.html"),
        Source::Section(0),
        "",
    );
    selection.section = Some(0);
    let full_lists = [
        ("stories", of_type(PageType::Story), PageType::Story),
        ("families", of_type(PageType::Family), PageType::Family),
        ("upcoming_events", upcoming_events(site), PageType::Event),
        ("recent_events", recent_events(site), PageType::Event),
        ("notices", current_notices(site), PageType::Notice),
        ("stations", of_type(PageType::Station), PageType::Station),
        ("communities", site.communities.clone(), PageType::Community),
    ];
    let mut totals = Vec::new();
    for (name, mut pages, page_type) in full_lists {
        totals.push(Total {
            name,
            count: pages.len(),
            path: section_of_type(site, page_type),
        });
        let shown = match page_type {
            PageType::Community => HOME_COMMUNITIES_LEN,
            _ => HOME_LIST_LEN,
        };
        pages.truncate(shown);
        selection.lists.push((name, pages));
    }
    selection.extras = vec![Extra::Totals(totals), Extra::Stats];
    selection
}

/// The address of the first section whose pages are of `page_type`: where
/// a bounded list of that type leads to.
fn section_of_type(site: &Site, page_type: PageType) -> Option<String> {
    site.sections
        .iter()
        .skip(1)
        .find(|s| s.page_type == page_type)
        .map(|s| s.path.clone())
}

/// Events still to come, soonest first.
pub fn upcoming_events(site: &Site) -> Vec<usize> {
    let mut events: Vec<usize> = site
        .pages_of_type(PageType::Event)
        .filter(|(_, p)| is_upcoming(site, p))
        .map(|(i, _)| i)
        .collect();
    events.sort_by(|&a, &b| site.pages[a].date.cmp(&site.pages[b].date));
    events
}

fn recent_events(site: &Site) -> Vec<usize> {
    let mut events: Vec<usize> = site
        .pages_of_type(PageType::Event)
        .filter(|(_, p)| !is_upcoming(site, p))
        .map(|(i, _)| i)
        .collect();
    events.sort_by(|&a, &b| site.pages[b].date.cmp(&site.pages[a].date));
    events
}

/// Notices not yet expired, urgent ones first, newest first.
pub fn current_notices(site: &Site) -> Vec<usize> {
    let mut notices: Vec<usize> = site
        .pages_of_type(PageType::Notice)
        .filter(|(_, p)| !is_expired(site, p))
        .map(|(i, _)| i)
        .collect();
    notices.sort_by(|&a, &b| {
        let (a, b) = (&site.pages[a], &site.pages[b]);
        b.meta
            .urgent
            .cmp(&a.meta.urgent)
            .then_with(|| b.date.cmp(&a.date))
    });
    notices
}

fn template_or(chosen: &Option<String>, default: &str) -> String {
    chosen.clone().unwrap_or_else(|| default.to_string())
}

/// The slice of `pages` pager `number` shows.
fn pager_slice(pages: &[usize], per_pager: usize, number: usize) -> Vec<usize> {
    let start = ((number - 1) * per_pager).min(pages.len());
    let end = (start + per_pager).min(pages.len());
    pages[start..end].to_vec()
}

fn section_selection(site: &Site, index: usize, number: usize, total: usize) -> Selection {
    let section = &site.sections[index];
    let mut selection = Selection::new(
        format!("{}index.html", pager_path(&section.path, number)),
        template_or(&section.meta.template, "section.html"),
        Source::Section(index),
        &section.path,
    );
    selection.section = Some(index);
    selection.lists = vec![(
        "pages",
        pager_slice(&section.pages, section.paginate_by, number),
    )];
    selection.extras = vec![Extra::Paginator {
        list_path: section.path.clone(),
        number,
        total,
    }];
    selection
}

fn page_selection(site: &Site, lookup: &Lookup, index: usize) -> Selection {
    let page = &site.pages[index];
    let section = &site.sections[page.section];
    let default = format!("{}.html", page.page_type.name());
    let template = page
        .meta
        .template
        .clone()
        .or_else(|| section.meta.page_template.clone())
        .unwrap_or(default);
    let mut selection = Selection::new(
        format!("{}index.html", page.path),
        template,
        Source::Page(index),
        &page.path,
    );
    selection.page = Some(index);
    selection.section_brief = Some(page.section);
    selection.lists.push(("related", lookup.related.of(index)));
    if let Some(lists) = lookup.community_lists.get(&index) {
        let mut totals = Vec::new();
        for (name, pages) in lists {
            let longer = pages.len() > COMMUNITY_LIST_LEN;
            totals.push(Total {
                name,
                count: pages.len(),
                path: longer.then(|| format!("{}{name}/", page.path)),
            });
            let shown = pages[..pages.len().min(COMMUNITY_LIST_LEN)].to_vec();
            selection.lists.push((name, shown));
        }
        selection.extras = vec![Extra::Totals(totals), Extra::CommunityStats(index)];
    }
    selection
}

/// Pager `number` of a community's list `list` (its stories, say).
fn community_list_selection(
    site: &Site,
    lookup: &Lookup,
    community: usize,
    list: usize,
    number: usize,
    total: usize,
) -> Selection {
    let page = &site.pages[community];
    let (name, page_type) = COMMUNITY_LISTS[list];
    let list_path = format!("{}{name}/", page.path);
    let mut selection = Selection::new(
        format!("{}index.html", pager_path(&list_path, number)),
        "community_list.html".into(),
        Source::Page(community),
        &list_path,
    );
    let pages = lookup
        .community_lists
        .get(&community)
        .map(|lists| lists[list].1.as_slice())
        .unwrap_or_default();
    selection.lists = vec![(
        "pages",
        pager_slice(pages, site.config.paginate_by.max(1), number),
    )];
    selection.extras = vec![
        Extra::Community(community),
        Extra::List {
            name,
            title: type_label(page_type),
            count: pages.len(),
        },
        Extra::Paginator {
            list_path,
            number,
            total,
        },
    ];
    selection
}

fn tag_index_selection() -> Selection {
    let mut selection = Selection::new(
        "tags/index.html".into(),
        "tags.html".into(),
        Source::Named("tags"),
        "tags/",
    );
    selection.extras = vec![Extra::Terms];
    selection
}

/// A tag's list is paginated like a section's, so a tag on thousands of
/// pages neither makes a page residents cannot load on a phone nor costs
/// more to rebuild than the pager an edit touched.
fn tag_selection(site: &Site, index: usize, number: usize, total: usize) -> Selection {
    let path = tag_path(site, index);
    let mut selection = Selection::new(
        format!("{}index.html", pager_path(&path, number)),
        "tag.html".into(),
        Source::Tag(index),
        &path,
    );
    selection.lists = vec![(
        "pages",
        pager_slice(
            &site.tags[index].pages,
            site.config.paginate_by.max(1),
            number,
        ),
    )];
    selection.extras = vec![
        Extra::Term(index),
        Extra::Paginator {
            list_path: path,
            number,
            total,
        },
    ];
    selection
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::shared::Shared;

    use crate::render::fixture;

    fn signatures(site: &Site) -> Vec<(String, u64)> {
        let shared = Shared::compute(site);
        let lookup = Lookup::new(site);
        plan(site, &lookup)
            .into_iter()
            .map(|target| {
                let selection = select(site, &lookup, target);
                let signature = selection.signature(site, &shared, 0);
                (selection.output, signature)
            })
            .collect()
    }

    /// The outputs whose signature differs between two plans of one site.
    fn moved<'a>(before: &'a [(String, u64)], after: &[(String, u64)]) -> Vec<&'a str> {
        before
            .iter()
            .zip(after)
            .filter(|(b, a)| b.1 != a.1)
            .map(|(b, _)| b.0.as_str())
            .collect()
    }

    #[test]
    fn pagers_slice_the_list_and_name_their_folders() {
        let pages: Vec<usize> = (0..5).collect();
        assert_eq!(pager_slice(&pages, 2, 1), [0, 1]);
        assert_eq!(pager_slice(&pages, 2, 3), [4]);
        assert_eq!(pager_slice(&pages, 2, 4), Vec::<usize>::new());
        assert_eq!(pager_path("events/", 1), "events/");
        assert_eq!(pager_path("events/", 2), "events/page/2/");
    }

    #[test]
    fn the_plan_has_one_file_per_page_pager_and_tag_pager() {
        let site = fixture();
        let outputs: Vec<String> = signatures(&site).into_iter().map(|(o, _)| o).collect();
        let unique: std::collections::BTreeSet<&String> = outputs.iter().collect();
        assert_eq!(unique.len(), outputs.len(), "two targets write one file");
        assert!(outputs.contains(&"index.html".to_string()));
        assert!(outputs.contains(&"stories/li/index.html".to_string()));
        // paginate_by: 2 and three published stories: two pagers.
        assert!(outputs.contains(&"stories/page/2/index.html".to_string()));
        assert!(!outputs.contains(&"stories/page/3/index.html".to_string()));
        assert!(!outputs.iter().any(|o| o.contains("draft-story")));
    }

    #[test]
    fn the_home_page_lists_current_notices_urgent_first_and_no_expired_one() {
        let site = fixture();
        let notices: Vec<&str> = current_notices(&site)
            .into_iter()
            .map(|i| site.pages[i].slug.as_str())
            .collect();
        assert_eq!(notices, ["water"], "old.md has expired by the clock");
    }

    #[test]
    fn a_body_edit_moves_the_signatures_of_what_shows_the_page_only() {
        let site = fixture();
        let before = signatures(&site);
        let mut edited = site.clone();
        let li = edited.pages.iter().position(|p| p.slug == "li").unwrap();
        let body = &mut edited.pages[li].rendered;
        body.html = format!("{}<p>补充</p>", body.html.text()).into();
        body.html_hash = crate::hash::hash_bytes(body.html.text().as_bytes());
        let after = signatures(&edited);
        let moved = moved(&before, &after);
        assert_eq!(moved, ["stories/li/index.html"]);
    }

    #[test]
    fn a_title_edit_moves_every_list_that_shows_the_card() {
        let site = fixture();
        let before = signatures(&site);
        let mut edited = site.clone();
        let li = edited.pages.iter().position(|p| p.slug == "li").unwrap();
        edited.pages[li].title = "李明远（更正）".into();
        let after = signatures(&edited);
        let moved = moved(&before, &after);
        for expected in [
            "stories/li/index.html",
            "index.html",
            "tags/chuang-ye/index.html",
        ] {
            assert!(
                moved.contains(&expected),
                "{expected} not re-rendered: {moved:?}"
            );
        }
        assert!(!moved.contains(&"stations/tinghu/index.html"), "{moved:?}");
    }
}
