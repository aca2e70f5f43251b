//! Rendering: every HTML page of the site through Tera, in parallel.
//! Takes `&Site` and the Tera instance, returns outputs (path + bytes);
//! never touches the file system.

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

/// How many items the home page shows per list.
const HOME_LIST_LEN: usize = 6;

/// One page to render, before it is rendered.
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
    cards: Vec<Value>,
}

/// Renders every HTML page, feed and sitemap of `site`.
pub fn render_site(site: &Site, tera: &Tera) -> Result<Vec<Output>, Errors> {
    let shared = Shared {
        site: tera::Value::from_serializable(&site_value(site)),
        cards: site.pages.par_iter().map(|p| page_card(site, p)).collect(),
    };
    let mut jobs = Vec::new();
    jobs.push(home_job(site, &shared));
    jobs.extend(section_jobs(site, &shared));
    jobs.extend(page_jobs(site, &shared));
    jobs.extend(tag_jobs(site, &shared));
    jobs.push(plain_job(&shared, "404.html", "404.html", "404"));
    let results: Vec<Result<Output, Error>> =
        jobs.par_iter().map(|job| render_job(tera, job)).collect();
    let mut errors = Errors::default();
    let mut outputs: Vec<Output> = results.into_iter().filter_map(|r| errors.keep(r)).collect();
    outputs.extend(feeds::render_feeds(site));
    errors.into_result(outputs)
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

fn plain_job(shared: &Shared, template: &str, output: &str, source: &str) -> Job {
    Job {
        template: template.to_string(),
        output: output.to_string(),
        context: base_context(shared, ""),
        source: source.to_string(),
    }
}

fn cards_of<'a>(shared: &Shared, pages: impl IntoIterator<Item = &'a usize>) -> Vec<Value> {
    pages
        .into_iter()
        .map(|&i| shared.cards[i].clone())
        .collect()
}

fn home_job(site: &Site, shared: &Shared) -> Job {
    let of_type = |t: PageType| -> Vec<usize> { site.pages_of_type(t).map(|(i, _)| i).collect() };
    let mut context = base_context(shared, "");
    context.insert("section", &section_value(site, site.home()));
    context.insert(
        "stories",
        &cards_of(shared, of_type(PageType::Story).iter().take(HOME_LIST_LEN)),
    );
    context.insert(
        "families",
        &cards_of(shared, of_type(PageType::Family).iter().take(HOME_LIST_LEN)),
    );
    context.insert("upcoming_events", &cards_of(shared, &upcoming_events(site)));
    context.insert("recent_events", &cards_of(shared, &recent_events(site)));
    context.insert("notices", &cards_of(shared, &current_notices(site)));
    context.insert("stations", &cards_of(shared, &of_type(PageType::Station)));
    context.insert("communities", &cards_of(shared, &site.communities));
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

fn section_jobs(site: &Site, shared: &Shared) -> Vec<Job> {
    let mut jobs = Vec::new();
    for section in site.sections.iter().skip(1) {
        let section_data = tera::Value::from_serializable(&section_value(site, section));
        let chunks: Vec<&[usize]> = if section.pages.is_empty() {
            vec![&[]]
        } else {
            section.pages.chunks(section.paginate_by).collect()
        };
        let total = chunks.len();
        for (index, chunk) in chunks.iter().enumerate() {
            let number = index + 1;
            let mut context = base_context(shared, &section.path);
            context.insert_value("section", section_data.clone());
            context.insert("pages", &cards_of(shared, chunk.iter()));
            context.insert("paginator", &paginator(site, &section.path, number, total));
            jobs.push(Job {
                template: template_or(&section.meta.template, "section.html"),
                output: format!("{}index.html", pager_path(&section.path, number)),
                context,
                source: section.file.display().to_string(),
            });
        }
    }
    jobs
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

fn page_jobs(site: &Site, shared: &Shared) -> Vec<Job> {
    site.pages
        .par_iter()
        .enumerate()
        .map(|(index, page)| {
            let section = &site.sections[page.section];
            let mut context = base_context(shared, &page.path);
            context.insert("page", &page_full(site, page));
            context.insert("section", &section_value(site, section));
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
        })
        .collect()
}

fn add_community_lists(site: &Site, shared: &Shared, community: usize, context: &mut Context) {
    let members = |t: PageType| -> Vec<Value> {
        let indexes: Vec<usize> = site
            .pages_of_type(t)
            .filter(|(_, p)| p.community == Some(community))
            .map(|(i, _)| i)
            .collect();
        cards_of(shared, &indexes)
    };
    context.insert("stories", &members(PageType::Story));
    context.insert("families", &members(PageType::Family));
    context.insert("events", &members(PageType::Event));
    context.insert("stations", &members(PageType::Station));
    context.insert("notices", &members(PageType::Notice));
}

fn tag_jobs(site: &Site, shared: &Shared) -> Vec<Job> {
    let terms: Vec<Value> = site
        .tags
        .iter()
        .map(|t| json!({"name": t.name, "slug": t.slug, "url": site.config.url_path(&format!("tags/{}/", t.slug)), "count": t.pages.len()}))
        .collect();
    let mut jobs = Vec::new();
    let mut index = base_context(shared, "tags/");
    index.insert("terms", &terms);
    jobs.push(Job {
        template: "tags.html".into(),
        output: "tags/index.html".into(),
        context: index,
        source: "tags".into(),
    });
    for (tag, term) in site.tags.iter().zip(&terms) {
        let mut context = base_context(shared, &format!("tags/{}/", tag.slug));
        context.insert("term", term);
        context.insert("pages", &cards_of(shared, &tag.pages));
        jobs.push(Job {
            template: "tag.html".into(),
            output: format!("tags/{}/index.html", tag.slug),
            context,
            source: format!("tag `{}`", tag.name),
        });
    }
    jobs
}
