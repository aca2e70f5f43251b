//! Rendering the bodies of a loaded site's pages and sections: in
//! parallel, `@/` links resolved against the site, each page's Markdown
//! dropped and its HTML spooled (a one-off build of a big site) as soon
//! as it is rendered.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::Config;
use crate::content::load_options::LoadOptions;
use crate::content::{Page, Section};
use crate::error::{Error, Errors};
use crate::kept_bytes::KeptBytes;
use crate::markdown::{self, HtmlPolicy, LinkContext, PhotoContext, Rendered};
use crate::spool::Spool;
use crate::timings::Timings;

/// The spool the bodies of `pages` pages go to, if `options` asks for one
/// at that size and it can be made; without it they stay in memory, which
/// only costs memory.
pub(super) fn spool_for(root: &Path, options: &LoadOptions, pages: usize) -> Option<Arc<Spool>> {
    if options.spool_from_pages.is_none_or(|from| pages < from) {
        return None;
    }
    Spool::create(&root.join(crate::fs::WORK_DIR))
        .ok()
        .map(Arc::new)
}

/// Notes in `timings` how long writing to `spool` took, if there was one.
pub(super) fn record_spool(timings: &mut Timings, spool: Option<&Arc<Spool>>) {
    if let Some(spool) = spool {
        timings.record_summed("spool", spool.write_time());
    }
}

/// Renders every body in parallel, resolving `@/` links against the site;
/// with a spool, each page's body goes there as soon as it is rendered.
pub(super) fn render_all(
    root: &Path,
    config: &Config,
    urls: &HashMap<String, String>,
    (options, spool): (&LoadOptions, Option<&Arc<Spool>>),
    sections: &mut [Section],
    (pages, rendered_current): (&mut [Page], &[bool]),
    errors: &mut Errors,
) {
    let resolve = |target: &str| urls.get(target.trim_end_matches('/')).cloned();
    let html = HtmlPolicy::for_settings(&config.markdown);
    let section_paths: Vec<String> = sections.iter().map(|s| s.path.clone()).collect();
    let no_body: Arc<str> = Arc::from("");
    let kept = KeptBodies::open(root, config, options);
    let page_results: Vec<(Vec<Error>, Option<u64>)> = pages
        .par_iter_mut()
        .zip(rendered_current.par_iter())
        .filter(|(_, current)| !**current)
        .map(|(page, _)| {
            let base = config.url_path(page.asset_base(&section_paths[page.section]));
            let key = kept.as_ref().and_then(|k| k.key(&page.body, &base));
            let taken = key.and_then(|key| kept.as_ref()?.get(key));
            let result = taken.map(Ok).unwrap_or_else(|| {
                let source = BodySource::new(root, &page.file, &page.body, page.body_line);
                let result = render_body(&source, &base, &resolve, options, html.as_ref());
                if let (Ok(rendered), Some(key), Some(kept)) = (&result, key, &kept) {
                    kept.put(key, rendered);
                }
                result
            });
            let used = key.filter(|_| result.is_ok());
            let errors = store_rendered(result, &mut page.rendered);
            // Dropped as soon as it is rendered, not after every page is:
            // a big site would hold all its Markdown and all its HTML at once.
            if !options.keep_markdown {
                page.body = Arc::clone(&no_body);
            }
            if let Some(spool) = spool {
                page.rendered.html.spool_into(spool);
            }
            (errors, used)
        })
        .collect();
    let (page_errors, used): (Vec<Vec<Error>>, Vec<Option<u64>>) = page_results.into_iter().unzip();
    if let Some(kept) = kept {
        kept.finish(&used.into_iter().flatten().collect::<Vec<_>>());
    }
    let section_errors: Vec<Vec<Error>> = sections
        .par_iter_mut()
        .map(|section| {
            let base = config.url_path(&section.path);
            let source = BodySource::new(root, &section.file, &section.body, section.body_line);
            store_rendered(
                render_body(&source, &base, &resolve, options, html.as_ref()),
                &mut section.rendered,
            )
        })
        .collect();
    for error in page_errors.into_iter().chain(section_errors).flatten() {
        errors.push(error);
    }
}

/// The bodies a one-off build keeps for the next in `.linju/bodies/`, by
/// a key of everything a body's HTML is made from: its text, the address
/// its relative links start from, the site's Markdown settings and
/// whether photos are made. A body with an `@/` link (whose target may
/// move) or a photo (which may change beside it) is not kept.
struct KeptBodies {
    kept: KeptBytes,
    /// The settings part of every key.
    settings: u64,
}

impl KeptBodies {
    fn open(root: &Path, config: &Config, options: &LoadOptions) -> Option<KeptBodies> {
        if !options.keep_for_next {
            return None;
        }
        let mut hasher = crate::hash::fingerprint();
        (&config.markdown, options.images.is_some()).hash(&mut hasher);
        Some(KeptBodies {
            kept: KeptBytes::open(root, "bodies")?,
            settings: hasher.finish(),
        })
    }

    /// The key of `body` rendered with relative links from `base`;
    /// `None` for a body that is not kept.
    fn key(&self, body: &str, base: &str) -> Option<u64> {
        if body.contains("@/") {
            return None;
        }
        let mut hasher = crate::hash::fingerprint();
        hasher.write_u64(self.settings);
        for text in [base, body] {
            // Length-prefixed, so ("ab", "c") and ("a", "bc") differ.
            hasher.write_usize(text.len());
            hasher.write(text.as_bytes());
        }
        Some(hasher.finish())
    }

    fn get(&self, key: u64) -> Option<Rendered> {
        let rendered = markdown::kept::decode(&self.kept.get(key)?);
        if rendered.is_none() {
            self.kept.spoilt(key);
        }
        rendered
    }

    fn put(&self, key: u64, rendered: &Rendered) {
        if let Some(bytes) = markdown::kept::encode(rendered) {
            self.kept.put(key, &bytes);
        }
    }

    fn finish(&self, used: &[u64]) {
        self.kept.finish(used);
    }
}

/// The Markdown of a page or section and where it sits in its file.
pub(super) struct BodySource<'a> {
    pub(super) file: &'a Path,
    pub(super) body: &'a str,
    pub(super) body_line: usize,
    /// The folder its relative images are in.
    pub(super) dir: PathBuf,
}

impl<'a> BodySource<'a> {
    /// The body of the content file `file` (relative to `root`), which
    /// starts at `body_line`.
    pub(super) fn new(root: &Path, file: &'a Path, body: &'a str, body_line: usize) -> Self {
        BodySource {
            file,
            body,
            body_line,
            dir: folder_of(root, file),
        }
    }
}

/// The folder holding a content file (`file` relative to `root`; a section
/// without `_index.md` is its folder itself).
fn folder_of(root: &Path, file: &Path) -> PathBuf {
    let path = root.join(file);
    if path.is_dir() {
        path
    } else {
        path.parent()
            .map_or_else(|| root.to_path_buf(), Path::to_path_buf)
    }
}

pub(super) fn render_body(
    source: &BodySource<'_>,
    relative_base: &str,
    resolve: &(dyn Fn(&str) -> Option<String> + Sync),
    options: &LoadOptions,
    html: Option<&HtmlPolicy>,
) -> Result<Rendered, Vec<Error>> {
    let context = LinkContext {
        path: source.file,
        body_line: source.body_line,
        resolve,
        relative_base,
        html,
        images: options.images.as_deref().map(|images| PhotoContext {
            images,
            dir: &source.dir,
        }),
    };
    markdown::render(source.body, &context)
}

/// Keeps a successful render, returns the errors of a failed one.
pub(super) fn store_rendered(
    result: Result<Rendered, Vec<Error>>,
    slot: &mut Rendered,
) -> Vec<Error> {
    match result {
        Ok(rendered) => {
            *slot = rendered;
            Vec::new()
        }
        Err(errors) => errors,
    }
}
