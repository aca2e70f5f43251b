//! `menu:` of `linju.yaml`: links the office adds to the automatic menu of
//! sections (a service guide, the street office's site, a phone line), in
//! an order of its choosing, nested one level. A ground-floor leaf beside
//! `config`, which reads the file and hands the entries here.

use std::path::Path;

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::lang::{Text, tr};

/// One entry of `menu:` as written.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawMenuItem {
    title: Option<String>,
    url: Option<String>,
    weight: Option<i64>,
    #[serde(default)]
    children: Vec<RawMenuItem>,
}

/// A checked menu entry.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MenuItem {
    /// What the link says.
    pub title: String,
    /// Where it leads: a path of the site (`/stats/`), a page's source
    /// (`@/stations/center.md`), or an address (`https:`, `tel:`, `mailto:`);
    /// `None` for a heading over `children`.
    pub url: Option<String>,
    /// Its place: the section entries weigh 10, 20, 30… in their order, so
    /// 15 comes between the first two; without a weight it comes last.
    pub weight: Option<i64>,
    /// Links under it (one level).
    pub children: Vec<MenuItem>,
}

/// `menu:`, checked; each error points at its entry's `title:` line.
pub(crate) fn check_menu(path: &Path, text: &str, raw: Vec<RawMenuItem>) -> Result<Vec<MenuItem>> {
    raw.into_iter()
        .map(|item| check_item(path, text, item, true))
        .collect()
}

fn check_item(path: &Path, text: &str, raw: RawMenuItem, top: bool) -> Result<MenuItem> {
    let title = raw.title.unwrap_or_default().trim().to_string();
    let line = line_of(text, &format!("title: {title}"));
    let at = |message: Text, hint: Text| Error::in_file_at(path, line, message).with_hint(hint);
    if title.is_empty() {
        return Err(at(
            tr!("菜单里有一项没有 title", "a menu entry has no title"),
            tr!(
                "每一项写 title（显示的文字）和 url（链接），例如 title: 数据统计 和 url: /stats/",
                "give each entry a title and a url, e.g. title: Stats and url: /stats/"
            ),
        ));
    }
    if !top && !raw.children.is_empty() {
        return Err(at(
            tr!(
                "菜单项「{title}」放在了第二层下面",
                "menu entry \"{title}\" is nested twice"
            ),
            tr!(
                "菜单只分两层：上面一层写 children，children 里的各项不能再有 children",
                "menus have two levels: entries under children cannot have children"
            ),
        ));
    }
    let url = raw
        .url
        .map(|u| u.trim().to_string())
        .filter(|u| !u.is_empty());
    if url.is_none() && raw.children.is_empty() {
        return Err(at(
            tr!(
                "菜单项「{title}」没有 url",
                "menu entry \"{title}\" has no url"
            ),
            tr!(
                "写 url: /stats/（本站的网址）、url: \"@/stations/center.md\"（一个页面）或 url: https://…",
                "write url: /stats/ (a path of this site), url: \"@/stations/center.md\" (a page) or url: https://..."
            ),
        ));
    }
    if let Some(url) = &url
        && !is_link(url)
    {
        return Err(at(
            tr!(
                "菜单项「{title}」的 url `{url}` 不是链接",
                "menu entry \"{title}\": `{url}` is not a link"
            ),
            tr!(
                "本站网址以 / 开头，页面写 \"@/栏目/文件.md\"，外面的网站写全 https://",
                "a path of this site starts with /, a page is \"@/section/file.md\", another site needs https://"
            ),
        ));
    }
    let children = raw
        .children
        .into_iter()
        .map(|child| check_item(path, text, child, false))
        .collect::<Result<Vec<_>>>()?;
    Ok(MenuItem {
        title,
        url,
        weight: raw.weight,
        children,
    })
}

/// The forms a menu link may take.
fn is_link(url: &str) -> bool {
    ["/", "@/", "https://", "http://", "tel:", "mailto:"]
        .iter()
        .any(|start| url.starts_with(start))
}

/// The 1-based line where `needle` is written (after a `- ` or spaces).
fn line_of(text: &str, needle: &str) -> Option<usize> {
    text.lines()
        .position(|line| line.trim_start().trim_start_matches("- ").trim_end() == needle)
        .map(|i| i + 1)
        .or_else(|| {
            text.lines()
                .position(|line| line.starts_with("menu:"))
                .map(|i| i + 1)
        })
}
