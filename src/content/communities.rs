//! Communities: a page's `community:` names a community page by title or
//! slug. One lookup and one "unknown community" message serve the first
//! load, a reload in `serve`, and the screens, so a writer is told the same
//! thing whichever of them meets the mistake.

use crate::content::{Page, PageType};
use crate::error::{Error, Errors};
use crate::lang::tr;
use crate::suggest;

/// The community page `wanted` names (its title or slug, spaces around it
/// ignored), among `communities` (indexes into `pages`).
pub fn find(pages: &[Page], communities: &[usize], wanted: &str) -> Option<usize> {
    let wanted = wanted.trim();
    communities
        .iter()
        .copied()
        .find(|&i| pages[i].title == wanted || pages[i].slug == wanted)
}

/// The error for `page`'s `community: wanted` naming no community page,
/// at the line of that field, with the nearest title as a hint.
pub fn unknown(page: &Page, wanted: &str, pages: &[Page], communities: &[usize]) -> Error {
    let titles: Vec<&str> = communities
        .iter()
        .map(|&i| pages[i].title.as_str())
        .collect();
    unknown_at(&page.file, page.community_line, wanted, &titles)
}

/// The "unknown community" error for `community: wanted` at `line` of
/// `file`, among communities with `titles`; the editor's check uses it too.
pub fn unknown_at(file: &std::path::Path, line: usize, wanted: &str, titles: &[&str]) -> Error {
    let wanted = wanted.trim();
    let hint = if titles.is_empty() {
        tr!(
            "还没有社区页面：新建一个 `type: community` 的栏目，每个社区一个页面",
            "there are no community pages yet: add a section with `type: community` and a page per community"
        )
    } else {
        suggest::did_you_mean(wanted, titles)
    };
    Error::at_line(
        file,
        line,
        tr!("没有叫 `{wanted}` 的社区", "unknown community `{wanted}`"),
    )
    .with_hint(hint)
}

/// The community pages, by title.
pub fn community_pages(pages: &[Page]) -> Vec<usize> {
    let mut communities: Vec<usize> = pages
        .iter()
        .enumerate()
        .filter(|(_, p)| p.page_type == PageType::Community)
        .map(|(i, _)| i)
        .collect();
    communities.sort_by(|&a, &b| pages[a].title.cmp(&pages[b].title));
    communities
}

/// Resolves every page's `community:` to a community page; returns the
/// community pages, by title.
pub fn link_communities(pages: &mut [Page], errors: &mut Errors) -> Vec<usize> {
    let communities = community_pages(pages);
    let found: Vec<Option<Result<usize, Error>>> = pages
        .iter()
        .map(|page| {
            let wanted = page.meta.community.as_deref()?;
            Some(
                find(pages, &communities, wanted)
                    .ok_or_else(|| unknown(page, wanted, pages, &communities)),
            )
        })
        .collect();
    for (page, found) in pages.iter_mut().zip(found) {
        match found {
            Some(Ok(index)) => page.community = Some(index),
            Some(Err(error)) => errors.push(error),
            None => {}
        }
    }
    communities
}
