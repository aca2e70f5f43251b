//! Rendering: every HTML page of the site through Tera, in parallel.
//! Takes `&Site` and the Tera instance and hands each finished file (path +
//! bytes) to a sink; never touches the file system itself.

use rayon::prelude::*;
use serde_json::{Value, json};
use tera::{Context, Tera};

use crate::content::PageType;
use crate::context::{is_upcoming, page_card, page_full, section_value, site_value};
use crate::error::{Error, Errors};
use crate::feeds;
use crate::site::Site;
use crate::theme::template_error;

/// One file to write: path relative to the output folder, and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    /// Relative path, `/`-separated (`events/a/index.html`).
    pub path: String,
    /// Contents.
    pub bytes: Vec<u8>,
}

/// Where rendered files go as soon as each is ready (the caller decides
/// whether that is a folder or a vector), so a big site is never held in
/// memory whole.
pub type Sink<'a> = dyn Fn(Output) -> Result<(), Error> + Sync + 'a;

/// How many items the home page shows per list.
const HOME_LIST_LEN: usize = 6;

/// One HTML file to render.
#[derive(Debug, Clone, Copy)]
enum Target {
    Home,
    SectionPager {
        section: usize,
        number: usize,
        total: usize,
    },
    Page(usize),
    TagIndex,
    Tag(usize),
    NotFound,
}

/// A target with its template and data, ready for Tera.
struct Job {
    template: String,
    output: String,
    context: Context,
    /// The content file it comes from, for error messages.
    source: String,
}

/// Values shared by all templates, computed once.
struct Shared {
    site: tera::Value,
    cards: Vec<tera::Value>,
    sections: Vec<tera::Value>,
}

/// Renders every HTML page, feed and sitemap of `site`, handing each file
/// to `sink` as soon as it is ready. Reports every failure.
pub fn render_site(site: &Site, tera: &Tera, sink: &Sink<'_>) -> Result<(), Errors> {
    let shared = Shared {
        site: tera::Value::from_serializable(&site_value(site)),
        cards: site
            .pages
            .par_iter()
            .map(|p| tera::Value::from_serializable(&page_card(site, p)))
            .collect(),
        sections: site
            .sections
            .iter()
            .map(|s| tera::Value::from_serializable(&section_value(site, s)))
            .collect(),
    };
    let targets = plan(site);
    let mut errors = Errors::default();
    let failures: Vec<Error> = targets
        .par_iter()
        .filter_map(|&target| {
            let job = prepare(site, &shared, target);
            render_job(tera, &job).and_then(sink).err()
        })
        .collect();
    failures.into_iter().for_each(|e| errors.push(e));
    for output in feeds::render_feeds(site) {
        errors.keep(sink(output));
    }
    errors.into_result(())
}

/// Every HTML file the site has.
fn plan(site: &Site) -> Vec<Target> {
    let mut targets = vec![Target::Home, Target::TagIndex, Target::NotFound];
    for (index, section) in site.sections.iter().enumerate().skip(1) {
        let total = section.pages.len().div_ceil(section.paginate_by).max(1);
        targets.extend((1..=total).map(|number| Target::SectionPager {
            section: index,
            number,
            total,
        }));
    }
    targets.extend((0..site.pages.len()).map(Target::Page));
    targets.extend((0..site.tags.len()).map(Target::Tag));
    targets
}

fn prepare(site: &Site, shared: &Shared, target: Target) -> Job {
    match target {
        Target::Home => home_job(site, shared),
        Target::SectionPager {
            section,
            number,
            total,
        } => section_job(site, shared, section, number, total),
        Target::Page(index) => page_job(site, shared, index),
        Target::TagIndex => tag_index_job(site, shared),
        Target::Tag(index) => tag_job(site, shared, index),
        Target::NotFound => Job {
            template: "404.html".into(),
            output: "404.html".into(),
            context: base_context(shared, ""),
            source: "404".into(),
        },
    }
}

fn render_job(tera: &Tera, job: &Job) -> Result<Output, Error> {
    let html = tera.render(&job.template, &job.context).map_err(|err| {
        let mut error = template_error(&err);
        error.message = format!("while rendering {} with `{}`: {}", job.source, job.template, error.message);
        error.with_hint("the theme or the site's templates/ has a mistake; if you did not change templates, report this")
    })?;
    Ok(Output {
        path: job.output.clone(),
        bytes: html.into_bytes(),
    })
}

fn base_context(shared: &Shared, current_path: &str) -> Context {
    let mut context = Context::new();
    context.insert_value("site", shared.site.clone());
    context.insert("current_path", current_path);
    context
}

fn cards_of<'a>(shared: &Shared, pages: impl IntoIterator<Item = &'a usize>) -> tera::Value {
    let cards: Vec<tera::Value> = pages
        .into_iter()
        .map(|&i| shared.cards[i].clone())
        .collect();
    tera::Value::from(cards)
}

fn home_job(site: &Site, shared: &Shared) -> Job {
    let of_type = |t: PageType| -> Vec<usize> { site.pages_of_type(t).map(|(i, _)| i).collect() };
    let mut context = base_context(shared, "");
    context.insert_value("section", shared.sections[0].clone());
    context.insert_value(
        "stories",
        cards_of(shared, of_type(PageType::Story).iter().take(HOME_LIST_LEN)),
    );
    context.insert_value(
        "families",
        cards_of(shared, of_type(PageType::Family).iter().take(HOME_LIST_LEN)),
    );
    context.insert_value("upcoming_events", cards_of(shared, &upcoming_events(site)));
    context.insert_value("recent_events", cards_of(shared, &recent_events(site)));
    context.insert_value("notices", cards_of(shared, &current_notices(site)));
    context.insert_value("stations", cards_of(shared, &of_type(PageType::Station)));
    context.insert_value("communities", cards_of(shared, &site.communities));
    Job {
        template: template_or(&site.home().meta.template, "index.html"),
        output: "index.html".into(),
        context,
        source: site.home().file.display().to_string(),
    }
}

/// Events still to come, soonest first.
pub fn upcoming_events(site: &Site) -> Vec<usize> {
    let mut events: Vec<usize> = site
        .pages_of_type(PageType::Event)
        .filter(|(_, p)| is_upcoming(site, p))
        .map(|(i, _)| i)
        .collect();
    events.sort_by(|&a, &b| site.pages[a].date.cmp(&site.pages[b].date));
    events.truncate(HOME_LIST_LEN);
    events
}

fn recent_events(site: &Site) -> Vec<usize> {
    let mut events: Vec<usize> = site
        .pages_of_type(PageType::Event)
        .filter(|(_, p)| !is_upcoming(site, p))
        .map(|(i, _)| i)
        .collect();
    events.sort_by(|&a, &b| site.pages[b].date.cmp(&site.pages[a].date));
    events.truncate(HOME_LIST_LEN);
    events
}

/// Notices not yet expired, urgent ones first, newest first.
pub fn current_notices(site: &Site) -> Vec<usize> {
    let mut notices: Vec<usize> = site
        .pages_of_type(PageType::Notice)
        .filter(|(_, p)| p.expires.as_ref().is_none_or(|e| *e >= site.now))
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

fn section_job(site: &Site, shared: &Shared, index: usize, number: usize, total: usize) -> Job {
    let section = &site.sections[index];
    let start = (number - 1) * section.paginate_by;
    let end = (start + section.paginate_by).min(section.pages.len());
    let mut context = base_context(shared, &section.path);
    context.insert_value("section", shared.sections[index].clone());
    context.insert_value(
        "pages",
        cards_of(shared, &section.pages[start.min(end)..end]),
    );
    context.insert("paginator", &paginator(site, &section.path, number, total));
    Job {
        template: template_or(&section.meta.template, "section.html"),
        output: format!("{}index.html", pager_path(&section.path, number)),
        context,
        source: section.file.display().to_string(),
    }
}

/// `events/` for the first page, `events/page/2/` after it.
fn pager_path(section_path: &str, number: usize) -> String {
    if number == 1 {
        section_path.to_string()
    } else {
        format!("{section_path}page/{number}/")
    }
}

fn paginator(site: &Site, section_path: &str, number: usize, total: usize) -> Value {
    let url = |n: usize| site.config.url_path(&pager_path(section_path, n));
    let pagers: Vec<Value> = (1..=total)
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

fn page_job(site: &Site, shared: &Shared, index: usize) -> Job {
    let page = &site.pages[index];
    let section = &site.sections[page.section];
    let mut context = base_context(shared, &page.path);
    context.insert_value("page", page_full(site, page, &shared.cards[index]));
    context.insert_value("section", shared.sections[page.section].clone());
    if page.page_type == PageType::Community {
        add_community_lists(site, shared, index, &mut context);
    }
    let default = format!("{}.html", page.page_type.name());
    let template = page
        .meta
        .template
        .clone()
        .or_else(|| section.meta.page_template.clone())
        .unwrap_or(default);
    Job {
        template,
        output: format!("{}index.html", page.path),
        context,
        source: page.file.display().to_string(),
    }
}

fn add_community_lists(site: &Site, shared: &Shared, community: usize, context: &mut Context) {
    let members = |t: PageType| -> tera::Value {
        let indexes: Vec<usize> = site
            .pages_of_type(t)
            .filter(|(_, p)| p.community == Some(community))
            .map(|(i, _)| i)
            .collect();
        cards_of(shared, &indexes)
    };
    context.insert_value("stories", members(PageType::Story));
    context.insert_value("families", members(PageType::Family));
    context.insert_value("events", members(PageType::Event));
    context.insert_value("stations", members(PageType::Station));
    context.insert_value("notices", members(PageType::Notice));
}

fn tag_term(site: &Site, index: usize) -> Value {
    let tag = &site.tags[index];
    json!({
        "name": tag.name,
        "slug": tag.slug,
        "url": site.config.url_path(&format!("tags/{}/", tag.slug)),
        "count": tag.pages.len(),
    })
}

fn tag_index_job(site: &Site, shared: &Shared) -> Job {
    let terms: Vec<Value> = (0..site.tags.len()).map(|i| tag_term(site, i)).collect();
    let mut context = base_context(shared, "tags/");
    context.insert("terms", &terms);
    Job {
        template: "tags.html".into(),
        output: "tags/index.html".into(),
        context,
        source: "tags".into(),
    }
}

fn tag_job(site: &Site, shared: &Shared, index: usize) -> Job {
    let tag = &site.tags[index];
    let mut context = base_context(shared, &format!("tags/{}/", tag.slug));
    context.insert("term", &tag_term(site, index));
    context.insert_value("pages", cards_of(shared, &tag.pages));
    Job {
        template: "tag.html".into(),
        output: format!("tags/{}/index.html", tag.slug),
        context,
        source: format!("tag `{}`", tag.name),
    }
}
