//! URLs: no two sources may publish at one address (nor at one linju
//! writes itself), and where each `@/` link target leads.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use crate::config::Config;
use crate::content::{Page, Section};
use crate::error::{Error, Errors};
use crate::lang::tr;

/// Output paths linju writes itself; content may not take them.
const RESERVED_PATHS: [&str; 1] = ["tags/"];

/// Two sources for one URL is an error naming both.
pub fn check_unique_paths(sections: &[Section], pages: &[Page], errors: &mut Errors) {
    let mut seen: BTreeMap<&str, &Path> = BTreeMap::new();
    let reserved = Path::new("(linju's own pages)");
    for path in RESERVED_PATHS {
        seen.insert(path, reserved);
    }
    let sources = sections
        .iter()
        .map(|s| (s.path.as_str(), s.file.as_path()))
        .chain(pages.iter().map(|p| (p.path.as_str(), p.file.as_path())));
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
