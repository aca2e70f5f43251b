//! Links and images in the Markdown of every page and section, with their
//! file lines, checked against what the build wrote: `@/` targets' heading
//! ids, root and relative addresses, images without alt text.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use crate::check::{Finding, Severity};
use crate::content::site::Site;
use crate::error::Error;
use crate::lang::tr;

/// A link or image as written, with the line it is on.
#[derive(Debug, Clone)]
pub struct Written {
    /// The file it is in (relative to the site).
    pub file: std::path::PathBuf,
    /// 1-based line.
    pub line: usize,
    /// The address as written.
    pub url: String,
    /// An image (`![alt](url)`), not a link.
    pub image: bool,
    /// The image's alt text.
    pub alt: String,
    /// The output folder relative links resolve against (`events/`).
    pub base: String,
    /// The heading ids of the page it is on.
    pub own_ids: Vec<String>,
    /// The folder of the Markdown file (absolute): photos beside a page are
    /// published as processed versions, not under their own name.
    pub source_dir: std::path::PathBuf,
}

/// Every link and image of the site's pages and sections.
pub fn collect(site: &Site) -> Vec<Written> {
    let mut all = Vec::new();
    for page in &site.pages {
        let section_path = &site.sections[page.section].path;
        let ids: Vec<String> = page.rendered.toc.iter().map(|h| h.id.clone()).collect();
        let base = page.asset_base(section_path).to_string();
        let found = in_markdown(&page.file, &page.body, page.body_line, &base, &ids);
        all.extend(with_folder(found, &site.root, &page.file));
    }
    for section in &site.sections {
        let ids: Vec<String> = section.rendered.toc.iter().map(|h| h.id.clone()).collect();
        let file = &section.file;
        let found = in_markdown(file, &section.body, section.body_line, &section.path, &ids);
        all.extend(with_folder(found, &site.root, file));
    }
    all
}

fn with_folder(mut found: Vec<Written>, root: &Path, file: &Path) -> Vec<Written> {
    let folder = root.join(file);
    let folder = if folder.is_dir() {
        folder
    } else {
        folder.parent().map(Path::to_path_buf).unwrap_or_default()
    };
    for written in &mut found {
        written.source_dir = folder.clone();
    }
    found
}

fn in_markdown(
    file: &Path,
    body: &str,
    body_line: usize,
    base: &str,
    ids: &[String],
) -> Vec<Written> {
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_HEADING_ATTRIBUTES;
    let mut found: Vec<Written> = Vec::new();
    let mut in_image = false;
    for (event, range) in Parser::new_ext(body, options).into_offset_iter() {
        match event {
            Event::Start(
                ref tag @ (Tag::Link { ref dest_url, .. } | Tag::Image { ref dest_url, .. }),
            ) => {
                let image = matches!(tag, Tag::Image { .. });
                let line = body_line + body[..range.start].matches('\n').count();
                found.push(Written {
                    file: file.to_path_buf(),
                    line,
                    url: dest_url.to_string(),
                    image,
                    alt: String::new(),
                    base: base.to_string(),
                    own_ids: ids.to_vec(),
                    source_dir: std::path::PathBuf::new(),
                });
                in_image = image;
            }
            Event::Text(text) | Event::Code(text) if in_image => {
                if let Some(last) = found.last_mut() {
                    last.alt.push_str(&text);
                }
            }
            Event::End(TagEnd::Image) => in_image = false,
            _ => {}
        }
    }
    found
}

/// What the build wrote, and where each page's heading ids are.
pub struct Published<'a> {
    /// Output files, relative to the output folder (`events/a/index.html`).
    pub files: &'a HashSet<String>,
    /// Output folder of each page and section (`events/a/`) → its heading ids.
    pub ids: HashMap<String, Vec<String>>,
}

impl<'a> Published<'a> {
    /// The files and the heading ids of `site`.
    pub fn new(site: &Site, files: &'a HashSet<String>) -> Published<'a> {
        let mut ids = HashMap::new();
        for page in &site.pages {
            ids.insert(
                page.path.clone(),
                page.rendered.toc.iter().map(|h| h.id.clone()).collect(),
            );
        }
        for section in &site.sections {
            ids.entry(section.path.clone())
                .or_insert_with(|| section.rendered.toc.iter().map(|h| h.id.clone()).collect());
        }
        Published { files, ids }
    }

    /// The output path an address leads to, if the build wrote it.
    fn resolve(&self, path: &str) -> Option<String> {
        let path = path.trim_start_matches('/');
        if path.is_empty() {
            return self.files.contains("index.html").then(String::new);
        }
        if self.files.contains(path) {
            return Some(path.to_string());
        }
        let folder = format!("{}/", path.trim_end_matches('/'));
        self.files
            .contains(&format!("{folder}index.html"))
            .then_some(folder)
    }
}

/// The problems of one internal link or image.
pub fn check(written: &Written, site: &Site, published: &Published<'_>) -> Vec<Finding> {
    let mut findings = Vec::new();
    if written.image && written.alt.trim().is_empty() {
        findings.push(warning(
            written,
            tr!("图片没有替代文字", "the image has no alt text"),
            tr!(
                "在方括号里写一句图片的内容，读屏软件会念给看不见的居民听，例如 ![社区志愿者在分发年货](photo.jpg)",
                "describe the photo in the brackets, for residents who use a screen reader, e.g. ![volunteers handing out gifts](photo.jpg)"
            ),
        ));
    }
    let url = written.url.as_str();
    if let Some(target) = url.strip_prefix("@/") {
        if let Some((file, anchor)) = target.split_once('#')
            && let Some(address) = site.link_targets.get(file)
        {
            let base_path = site.config.base_path.as_str();
            let path = address
                .strip_prefix(base_path)
                .unwrap_or(address.trim_start_matches('/'));
            findings.extend(check_anchor(written, path, anchor, published));
        }
        return findings;
    }
    if let Some(anchor) = url.strip_prefix('#') {
        if !anchor.is_empty() && !written.own_ids.iter().any(|id| id == anchor) {
            findings.push(missing_anchor(written, anchor, &written.own_ids));
        }
        return findings;
    }
    if is_external_or_special(url) {
        return findings;
    }
    let (address, anchor) = url.split_once('#').map_or((url, ""), |(a, f)| (a, f));
    let address = address.split('?').next().unwrap_or_default();
    let decoded = percent_encoding::percent_decode_str(address).decode_utf8_lossy();
    let base_path = &site.config.base_path;
    let site_relative = if let Some(root) = decoded.strip_prefix('/') {
        if base_path != "/" && !decoded.starts_with(base_path.as_str()) {
            findings.push(outside_base(written, base_path));
        }
        decoded
            .strip_prefix(base_path.as_str())
            .unwrap_or(root)
            .to_string()
    } else {
        join(&written.base, &decoded)
    };
    let photo_beside = !decoded.starts_with('/')
        && crate::images::is_raster(&decoded)
        && written.source_dir.join(decoded.as_ref()).is_file();
    match published.resolve(&site_relative) {
        None if photo_beside => {}
        None => findings.push(nothing_there(written)),
        Some(path) if !anchor.is_empty() => {
            findings.extend(check_anchor(written, &path, anchor, published));
        }
        Some(_) => {}
    }
    findings
}

fn is_external_or_special(url: &str) -> bool {
    url.is_empty()
        || url.starts_with("//")
        || url.contains("://")
        || [
            "mailto:",
            "tel:",
            "sms:",
            "data:",
            "javascript:",
            "weixin:",
            "geo:",
        ]
        .iter()
        .any(|scheme| url.to_ascii_lowercase().starts_with(scheme))
}

/// `base` + a relative address, with `./` and `../` worked out.
fn join(base: &str, relative: &str) -> String {
    let mut parts: Vec<&str> = base.split('/').filter(|p| !p.is_empty()).collect();
    for part in relative.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    let joined = parts.join("/");
    if relative.ends_with('/') {
        format!("{joined}/")
    } else {
        joined
    }
}

fn check_anchor(
    written: &Written,
    path: &str,
    anchor: &str,
    published: &Published<'_>,
) -> Option<Finding> {
    let ids = published.ids.get(path)?;
    (!ids.iter().any(|id| id == anchor)).then(|| missing_anchor(written, anchor, ids))
}

fn missing_anchor(written: &Written, anchor: &str, ids: &[String]) -> Finding {
    let url = &written.url;
    let known = if ids.is_empty() {
        tr!("目标页面没有小标题", "the target page has no headings")
    } else {
        let list = ids.join("、");
        let list_en = ids.join(", ");
        tr!("可用的有：{list}", "its heading ids are: {list_en}")
    };
    error(
        written,
        tr!(
            "链接 `{url}` 指向的小标题 `#{anchor}` 不存在",
            "the link `{url}` points at a heading `#{anchor}` that does not exist"
        ),
        known,
    )
}

fn nothing_there(written: &Written) -> Finding {
    let url = &written.url;
    let (message, hint) = if written.image {
        (
            tr!(
                "图片 `{url}` 指向的文件不存在",
                "the image `{url}` points at nothing"
            ),
            tr!(
                "检查文件名和大小写；照片放在页面旁边（页面包）或 static/ 里",
                "check the name and its case; photos live beside the page (a bundle) or in static/"
            ),
        )
    } else {
        (
            tr!(
                "链接 `{url}` 指向的地址，网站里没有",
                "the link `{url}` leads to nothing the site has"
            ),
            tr!(
                "站内页面用 @/ 加 content/ 下的文件名来链接，例如 @/events/council-2025-11.md，改名后也不会断",
                "link to pages with @/ and the file under content/, e.g. @/events/council-2025-11.md, which survives renames"
            ),
        )
    };
    error(written, message, hint)
}

fn outside_base(written: &Written, base_path: &str) -> Finding {
    let url = &written.url;
    warning(
        written,
        tr!(
            "网站发布在 {base_path} 下，链接 `{url}` 会指到网站以外",
            "the site is published under {base_path}, so the link `{url}` leads outside it"
        ),
        tr!(
            "改用 @/ 加文件名的站内链接（例如 @/events/council-2025-11.md），或写上完整的 {base_path}…",
            "use an @/ link to the file (e.g. @/events/council-2025-11.md), or write the full {base_path}… address"
        ),
    )
}

fn error(written: &Written, message: crate::lang::Text, hint: crate::lang::Text) -> Finding {
    Finding {
        severity: Severity::Error,
        error: Error::at_line(&written.file, written.line, message).with_hint(hint),
    }
}

fn warning(written: &Written, message: crate::lang::Text, hint: crate::lang::Text) -> Finding {
    Finding {
        severity: Severity::Warning,
        error: Error::at_line(&written.file, written.line, message).with_hint(hint),
    }
}
