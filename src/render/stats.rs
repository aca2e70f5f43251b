//! The year in pictures: numbers computed from the event records and the
//! profiles, for the whole site, per year and per community. Templates see
//! them as `stats` (the home and `/stats/` pages) and `community_stats` (a
//! community's page); `render::charts` draws any of the `{label, value}`
//! lists as a bar chart.
//!
//! Only what has happened counts: an event is counted once its start has
//! passed (so the numbers move with the build's clock, like "upcoming").
//!
//! Nothing here grows with the site: a chart's list keeps its largest rows
//! and sums the rest into one (`MAX_ROWS`), the table of communities keeps
//! the most active (`MAX_COMMUNITIES`), and each year has a page of its own
//! (`/stats/2025/`), so `/stats/` shows the whole site and the latest year.

/// Rows a chart shows at most; the rest are summed into a last row.
const MAX_ROWS: usize = 15;

/// Communities the table on `/stats/` lists at most (the most active).
const MAX_COMMUNITIES: usize = 40;

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;
use serde::Serialize;
use serde_json::Value;

use crate::content::frontmatter::EventKind;
use crate::content::site::Site;
use crate::content::{Page, PageType};
use crate::hash::hash_json;

/// One bar: a label and its number.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Row {
    /// What is counted (a category, a month, a community).
    pub label: String,
    /// How many.
    pub value: u64,
    /// Where it leads (a community's page), if anywhere.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// The numbers of one scope (the site, a year or a community).
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Block {
    /// Council meetings held.
    pub councils: u64,
    /// Events held, of every kind.
    pub events: u64,
    /// Participants of the events held (人次).
    pub participants: u64,
    /// Matters resolved, all categories together.
    pub resolved_total: u64,
    /// Matters resolved by category, most first.
    pub resolved: Vec<Row>,
    /// Events held by kind, most first.
    pub events_by_kind: Vec<Row>,
    /// Participants by month (`2025-11`), oldest first; in a year's block,
    /// all twelve months of it.
    pub participants_by_month: Vec<Row>,
    /// Participants by community (site and year blocks only).
    pub participants_by_community: Vec<Row>,
    /// Strivers' profiles (身边的奋斗者).
    pub stories: u64,
    /// Families (最美家庭).
    pub families: u64,
    /// Profiles by community (site and year blocks only).
    pub stories_by_community: Vec<Row>,
    /// Families by community (site and year blocks only).
    pub families_by_community: Vec<Row>,
}

/// A year's block.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Year {
    /// The year.
    pub year: i16,
    /// Its numbers.
    #[serde(flatten)]
    pub block: Block,
}

/// Every number templates see, with hashes for signatures.
#[derive(Debug, Clone)]
pub struct Stats {
    /// `stats`: `{site, latest, years, communities, community_count}`.
    pub value: tera::Value,
    /// A hash of `value`.
    pub hash: u64,
    /// Each year's block (`year` on `/stats/YYYY/`), newest first, with its hash.
    pub years: Vec<(i16, tera::Value, u64)>,
    /// Each community page's block (by index into `Site::pages`) and its hash.
    pub communities: BTreeMap<usize, (tera::Value, u64)>,
}

/// What one page adds to a block.
struct Counted<'a> {
    page: &'a Page,
    community: Option<&'a Label>,
}

/// A community's title and address, made once per community rather than
/// once per page that belongs to it.
type Label = (String, String);

fn community_labels(site: &Site) -> FxHashMap<usize, Label> {
    site.communities
        .iter()
        .map(|&c| {
            let page = &site.pages[c];
            (c, (page.title.clone(), site.config.url_path(&page.path)))
        })
        .collect()
}

impl Stats {
    /// Counts everything once.
    pub fn compute(site: &Site) -> Stats {
        let labels = community_labels(site);
        let counted = counted_pages(site, &labels);
        let all: Vec<&Counted> = counted.iter().collect();
        let site_block = block_of(site, &all, true);
        // Grouped in one pass each: filtering the whole list once per year
        // or per community grows with the square of a district's archive.
        let mut by_year: BTreeMap<std::cmp::Reverse<i16>, Vec<&Counted>> = BTreeMap::new();
        let mut by_community: BTreeMap<usize, Vec<&Counted>> = BTreeMap::new();
        for c in &counted {
            if let Some(date) = &c.page.date {
                by_year
                    .entry(std::cmp::Reverse(date.year()))
                    .or_default()
                    .push(c);
            }
            if let Some(community) = c.page.community {
                by_community.entry(community).or_default().push(c);
            }
        }
        let years: Vec<Year> = by_year
            .into_iter()
            .map(|(std::cmp::Reverse(year), in_year)| {
                let mut block = block_of(site, &in_year, true);
                block.participants_by_month = twelve_months(year, &block.participants_by_month);
                Year { year, block }
            })
            .collect();
        let mut communities = BTreeMap::new();
        let mut community_values = Vec::new();
        for &community in &site.communities {
            let members = by_community.get(&community).map_or(&[][..], Vec::as_slice);
            let own = block_of(site, members, false);
            let page = &site.pages[community];
            let mut value = serde_json::to_value(&own).unwrap_or(Value::Null);
            if let Some(map) = value.as_object_mut() {
                map.insert("title".into(), Value::from(page.title.clone()));
                map.insert("url".into(), Value::from(site.config.url_path(&page.path)));
            }
            let hash = hash_json(&value);
            community_values.push((own.participants, own.events, value.clone()));
            communities.insert(community, (tera::Value::from_serializable(&value), hash));
        }
        let community_count = community_values.len();
        community_values.sort_by_key(|(people, events, _)| std::cmp::Reverse((*people, *events)));
        community_values.truncate(MAX_COMMUNITIES);
        let year_values: Vec<(i16, Value)> = years
            .iter()
            .map(|y| (y.year, serde_json::to_value(y).unwrap_or(Value::Null)))
            .collect();
        let value = serde_json::json!({
            "site": site_block,
            "latest": year_values.first().map(|(_, v)| v.clone()),
            "years": years.iter().map(|y| serde_json::json!({
                "year": y.year,
                "url": site.config.url_path(&format!("stats/{}/", y.year)),
                "events": y.block.events,
                "participants": y.block.participants,
                "resolved_total": y.block.resolved_total,
            })).collect::<Vec<_>>(),
            "communities": community_values.into_iter().map(|(_, _, v)| v).collect::<Vec<_>>(),
            "community_count": community_count,
        });
        Stats {
            hash: hash_json(&value),
            value: tera::Value::from_serializable(&value),
            years: year_values
                .into_iter()
                .map(|(year, v)| (year, tera::Value::from_serializable(&v), hash_json(&v)))
                .collect(),
            communities,
        }
    }
}

/// The years anything counted happened in, newest first: each has a page
/// (`/stats/2025/`).
pub fn years(site: &Site) -> Vec<i16> {
    let mut years: Vec<i16> = counted_pages(site, &FxHashMap::default())
        .iter()
        .filter_map(|c| c.page.date.as_ref().map(|d| d.year()))
        .collect();
    years.sort_unstable_by(|a, b| b.cmp(a));
    years.dedup();
    years
}

/// Events that have started, and every published profile and family.
fn counted_pages<'a>(site: &'a Site, labels: &'a FxHashMap<usize, Label>) -> Vec<Counted<'a>> {
    let counted_types = [PageType::Event, PageType::Story, PageType::Family];
    counted_types
        .iter()
        .flat_map(|&t| site.pages_of_type(t))
        .map(|(_, page)| page)
        .filter(|page| {
            page.page_type != PageType::Event || page.date.as_ref().is_some_and(|d| *d <= site.now)
        })
        .map(|page| Counted {
            page,
            community: page.community.and_then(|c| labels.get(&c)),
        })
        .collect()
}

fn block_of(site: &Site, counted: &[&Counted], by_community: bool) -> Block {
    let mut block = Block::default();
    let mut resolved = Tally::default();
    let mut kinds = Tally::default();
    let mut months = Tally::default();
    let mut participants = Tally::default();
    let mut stories = Tally::default();
    let mut families = Tally::default();
    for counted in counted {
        let page = counted.page;
        let community = counted.community;
        match page.page_type {
            PageType::Event => {
                block.events += 1;
                let people = page.meta.participants.unwrap_or(0);
                block.participants += people;
                if page.meta.kind == Some(EventKind::Council) {
                    block.councils += 1;
                }
                kinds.add(kind_label(page.meta.kind), 1, None);
                if let Some(date) = &page.date {
                    let month = format!("{}-{:02}", date.year(), date.month());
                    months.add(&month, people, None);
                }
                if let Some((title, url)) = community {
                    participants.add(title, people, Some(url));
                }
                for matter in &page.meta.resolved {
                    block.resolved_total += matter.count;
                    resolved.add(&matter.category, matter.count, None);
                }
            }
            PageType::Story => {
                block.stories += 1;
                if let Some((title, url)) = community {
                    stories.add(title, 1, Some(url));
                }
            }
            PageType::Family => {
                block.families += 1;
                if let Some((title, url)) = community {
                    families.add(title, 1, Some(url));
                }
            }
            _ => {}
        }
    }
    block.resolved = capped(resolved.most_first(), "其余 {n} 项");
    block.events_by_kind = kinds.most_first();
    block.participants_by_month = months.in_order();
    if by_community {
        let every_community = |tally: Tally| capped(tally.for_communities(site), "其余 {n} 个社区");
        block.participants_by_community = every_community(participants);
        block.stories_by_community = every_community(stories);
        block.families_by_community = every_community(families);
    }
    block
}

/// The largest `MAX_ROWS - 1` rows, and the rest summed into one row
/// (`其余 12 项`; `{n}` in `rest_label` is how many), so no chart grows
/// with the site.
fn capped(mut rows: Vec<Row>, rest_label: &str) -> Vec<Row> {
    if rows.len() <= MAX_ROWS {
        return rows;
    }
    rows.sort_by_key(|row| std::cmp::Reverse(row.value));
    let rest: Vec<Row> = rows.split_off(MAX_ROWS - 1);
    rows.push(Row {
        label: rest_label.replace("{n}", &rest.len().to_string()),
        value: rest.iter().map(|r| r.value).sum(),
        url: None,
    });
    rows
}

fn kind_label(kind: Option<EventKind>) -> &'static str {
    match kind {
        Some(EventKind::Council) => "居民议事",
        Some(EventKind::Culture) => "文化活动",
        Some(EventKind::Volunteer) => "志愿服务",
        Some(EventKind::Service) => "便民服务",
        Some(EventKind::Other) | None => "其他活动",
    }
}

/// All twelve months of `year` (`1月` ... `12月`), zero where nothing happened.
fn twelve_months(year: i16, months: &[Row]) -> Vec<Row> {
    (1..=12)
        .map(|month| {
            let key = format!("{year}-{month:02}");
            Row {
                label: format!("{month}月"),
                value: months
                    .iter()
                    .find(|r| r.label == key)
                    .map_or(0, |r| r.value),
                url: None,
            }
        })
        .collect()
}

/// Sums by label, in the order labels first appear.
#[derive(Default)]
struct Tally {
    rows: Vec<Row>,
    /// Where each label's row is: a district has hundreds of communities,
    /// and a search through the rows for each page grows with their square.
    row_of: FxHashMap<String, usize>,
}

impl Tally {
    fn add(&mut self, label: &str, value: u64, url: Option<&String>) {
        match self.row_of.get(label) {
            Some(&row) => self.rows[row].value += value,
            None => {
                self.row_of.insert(label.to_string(), self.rows.len());
                self.rows.push(Row {
                    label: label.to_string(),
                    value,
                    url: url.cloned(),
                });
            }
        }
    }

    fn most_first(mut self) -> Vec<Row> {
        self.rows
            .sort_by(|a, b| b.value.cmp(&a.value).then_with(|| a.label.cmp(&b.label)));
        self.rows
    }

    fn in_order(mut self) -> Vec<Row> {
        self.rows.sort_by(|a, b| a.label.cmp(&b.label));
        self.rows
    }

    /// One row per community of the site, in the site's order, zeros kept:
    /// a community with nothing to show is a fact too.
    fn for_communities(self, site: &Site) -> Vec<Row> {
        site.communities
            .iter()
            .map(|&c| {
                let page = &site.pages[c];
                let value = self
                    .row_of
                    .get(&page.title)
                    .map_or(0, |&row| self.rows[row].value);
                Row {
                    label: page.title.clone(),
                    value,
                    url: Some(site.config.url_path(&page.path)),
                }
            })
            .collect()
    }
}
