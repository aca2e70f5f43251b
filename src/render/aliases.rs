//! Old addresses kept alive: for every `aliases:` entry of a page, a small
//! page at the old address that sends the reader on to the page (an
//! instant `meta refresh`, a canonical link for search engines, and a
//! plain link for browsers that follow neither). Works on any static host,
//! with no server rules.

use crate::content::site::Site;
use crate::content::urls::usable_alias_paths;
use crate::render::Output;
use crate::render::feeds::xml_escape;

/// One redirect page per alias of every page.
pub fn render_aliases(site: &Site) -> Vec<Output> {
    render_aliases_of(site, 0..site.pages.len())
}

/// The redirect pages of the pages `pages` (indexes): a rebuild after an
/// edit of a few pages makes only theirs again (each shows its title).
pub fn render_aliases_of(site: &Site, pages: impl IntoIterator<Item = usize>) -> Vec<Output> {
    let base_path = &site.config.base_path;
    let mut outputs = Vec::new();
    for page in pages.into_iter().map(|i| &site.pages[i]) {
        for path in usable_alias_paths(page, base_path) {
            let file = if path.is_empty() || path.ends_with('/') {
                format!("{path}index.html")
            } else {
                path
            };
            outputs.push(Output {
                path: file,
                bytes: redirect_page(site, &page.title, &page.path).into_bytes(),
            });
        }
    }
    outputs
}

fn redirect_page(site: &Site, title: &str, target: &str) -> String {
    let absolute = xml_escape(&site.config.permalink(target));
    let local = xml_escape(&site.config.url_path(target));
    let title = xml_escape(title);
    let language = xml_escape(&site.config.language);
    format!(
        "<!DOCTYPE html>\n<html lang=\"{language}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title}</title>\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"robots\" content=\"noindex\">\n<link rel=\"canonical\" href=\"{absolute}\">\n<meta http-equiv=\"refresh\" content=\"0; url={local}\">\n</head>\n<body>\n<p><a href=\"{local}\">{title}</a></p>\n</body>\n</html>\n"
    )
}
