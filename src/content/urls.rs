//! URLs: no two sources may publish at one address (nor at one linju
//! writes itself), and where each `@/` link target leads.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use crate::config::Config;
use crate::content::frontmatter::PageFrontMatter;
use crate::content::{Page, Section};
use crate::error::{Error, Errors};
use crate::lang::tr;
use crate::slugs;

/// Output paths linju writes itself; content may not take them.
const RESERVED_PATHS: [&str; 1] = ["tags/"];

/// Where a page's `aliases:` lead, as output paths (`stories/old-name/`,
/// `news/1234.html`): the site's base path and a leading `/` are taken
/// off, a folder gets its `/`. An alias that cannot be a path of the site
/// (a full URL, `..`, `?` or `#`) is an error at the `aliases:` line.
pub fn alias_paths(page: &Page, base_path: &str) -> Vec<Result<String, Error>> {
    page.meta
        .aliases
        .iter()
        .map(|alias| {
            let trimmed = alias.trim();
            let usable = !trimmed.is_empty()
                && !trimmed.contains("://")
                && !trimmed.contains(['?', '#', '\\'])
                && !trimmed.split('/').any(|part| part == "..");
            if !usable {
                return Err(Error::in_file(
                    &page.file,
                    tr!(
                        "旧网址 `{trimmed}` 不能用作 alias",
                        "`{trimmed}` cannot be an alias"
                    ),
                )
                .with_hint(tr!(
                    "写网站里的路径，例如 aliases: [\"/stories/old-name/\"]（不带域名、? 和 #）",
                    "write a path of the site, e.g. aliases: [\"/stories/old-name/\"] (no host, ? or #)"
                )));
            }
            let path = trimmed
                .strip_prefix(base_path)
                .unwrap_or(trimmed)
                .trim_start_matches('/');
            let last = path.rsplit('/').next().unwrap_or_default();
            Ok(if path.is_empty() || path.ends_with('/') || last.contains('.') {
                path.to_string()
            } else {
                format!("{path}/")
            })
        })
        .collect()
}

/// The usable aliases of `page` (the others are reported at load).
pub fn usable_alias_paths(page: &Page, base_path: &str) -> Vec<String> {
    alias_paths(page, base_path).into_iter().flatten().collect()
}

/// `slug:` wins (made safe); else the file stem, ASCII kept, Chinese as pinyin.
pub fn slug_of(meta: &PageFrontMatter, stem: &str) -> String {
    match &meta.slug {
        Some(slug) if slugs::is_plain_ascii_slug(slug) => slug.to_ascii_lowercase(),
        Some(slug) => slugs::slugify(slug),
        None => slugs::slug_for_stem(stem),
    }
}

/// Two sources for one URL is an error naming both; an old address
/// (`aliases:`) counts as a source.
pub fn check_unique_paths(
    sections: &[Section],
    pages: &[Page],
    base_path: &str,
    errors: &mut Errors,
) {
    let mut seen: BTreeMap<&str, &Path> = BTreeMap::new();
    let reserved = Path::new("(linju's own pages)");
    for path in RESERVED_PATHS {
        seen.insert(path, reserved);
    }
    let mut aliases: Vec<(String, &Path)> = Vec::new();
    for page in pages {
        for alias in alias_paths(page, base_path) {
            match alias {
                Ok(path) => aliases.push((path, page.file.as_path())),
                Err(error) => errors.push(error),
            }
        }
    }
    let sources = sections
        .iter()
        .map(|s| (s.path.as_str(), s.file.as_path()))
        .chain(pages.iter().map(|p| (p.path.as_str(), p.file.as_path())))
        .chain(aliases.iter().map(|(p, f)| (p.as_str(), *f)));
    for (path, file) in sources {
        if let Some(first) = seen.insert(path, file) {
            errors.push(
                {
                    let first = first.display();
                    Error::in_file(
                        file,
                        tr!("网址 /{path} 已经被 {first} 用了", "the URL /{path} is also used by {first}"),
                    )
                    .with_hint(tr!(
                        "给其中一个换个文件名，或在前言里写一个不同的 `slug:`",
                        "give one of them another file name, or set a different `slug:` in its front matter"
                    ))
                },
            );
        }
    }
}

/// Where each `@/` link target leads.
pub fn link_targets(
    config: &Config,
    sections: &[Section],
    pages: &[Page],
) -> HashMap<String, String> {
    let mut urls: HashMap<String, String> = HashMap::new();
    for section in sections {
        urls.insert(section.source_key.clone(), config.url_path(&section.path));
    }
    for page in pages {
        let url = config.url_path(&page.path);
        if let Some(bundle) = page.source_key.strip_suffix("/index.md") {
            urls.insert(bundle.to_string(), url.clone());
        }
        urls.insert(page.source_key.clone(), url);
    }
    urls
}

/// `menu:` entries of `linju.yaml` that name a page (`@/…`) which is not
/// there, each at its line.
pub fn check_menu_targets(
    config: &Config,
    root: &std::path::Path,
    targets: &HashMap<String, String>,
) -> Vec<Error> {
    // The file is read again only to find the line of a broken link.
    let text = std::cell::OnceCell::new();
    let items = config
        .menu
        .iter()
        .flat_map(|item| std::iter::once(item).chain(&item.children));
    items
        .filter_map(|item| {
            let target = item.url.as_deref()?.strip_prefix("@/")?;
            let key = target.trim_end_matches('/');
            if targets.contains_key(key) {
                return None;
            }
            let text = text.get_or_init(|| {
                std::fs::read_to_string(root.join(crate::config::CONFIG_FILE)).unwrap_or_default()
            });
            let line = text
                .lines()
                .position(|l| l.contains(&format!("@/{target}")))
                .map_or(1, |i| i + 1);
            let title = &item.title;
            Some(
                Error::at_line(
                    crate::config::CONFIG_FILE,
                    line,
                    tr!(
                        "菜单项「{title}」链接的页面 `@/{target}` 不存在",
                        "menu entry \"{title}\" links to `@/{target}`, which is not there"
                    ),
                )
                .with_hint(tr!(
                    "写 content 里的文件路径，例如 @/stations/center.md",
                    "write the file's path under content/, e.g. @/stations/center.md"
                )),
            )
        })
        .collect()
}
