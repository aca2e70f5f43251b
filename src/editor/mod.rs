//! Editing a site without touching a file: JSON Schemas of the front
//! matter (`linju schema`), the Decap CMS configuration made from them,
//! and the local back end `linju serve` offers the CMS at `/admin/`.
//!
//! All three read the site's outline (its sections, their types, its
//! communities) and the field table of `content::fields`: the forms ask
//! for what the build checks.

pub mod backend;
pub mod decap;
pub mod schema;

use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};

use crate::config::Config;
use crate::content::site::{LoadOptions, Site};
use crate::content::{PageType, Section};
use crate::error::{Error, Errors};
use crate::lang::tr;

/// What the editor needs to know of a site.
#[derive(Debug, Clone)]
pub struct Outline {
    /// Sections pages can be added to: folder under `content/`, type, title.
    pub sections: Vec<OutlineSection>,
    /// The titles of the communities, the choices a form offers.
    pub communities: Vec<String>,
    /// Their slugs, which a page written by hand may name instead.
    pub community_slugs: Vec<String>,
}

/// One section of the outline.
#[derive(Debug, Clone)]
pub struct OutlineSection {
    /// Folder relative to `content/` (`stories`, `events/council`).
    pub folder: String,
    /// The type of its pages.
    pub page_type: PageType,
    /// Its title.
    pub title: String,
    /// The section as loaded (without its pages), to check a page
    /// against as the build does.
    pub section: Section,
}

impl Outline {
    /// The outline of a site that has not loaded yet (its first build failed).
    pub fn empty() -> Outline {
        Outline {
            sections: Vec::new(),
            communities: Vec::new(),
            community_slugs: Vec::new(),
        }
    }

    /// The outline of a loaded site.
    pub fn of(site: &Site) -> Outline {
        let sections = site
            .sections
            .iter()
            .skip(1)
            .map(|section: &Section| OutlineSection {
                folder: section
                    .source_key
                    .trim_end_matches("_index.md")
                    .trim_end_matches('/')
                    .to_string(),
                page_type: section.page_type,
                title: section.title.clone(),
                section: Section {
                    pages: Vec::new(),
                    body: String::new(),
                    rendered: Default::default(),
                    ..section.clone()
                },
            })
            .filter(|s| !s.folder.is_empty())
            .collect();
        let of_each = |field: fn(&crate::content::Page) -> &String| {
            site.communities
                .iter()
                .map(|&c| field(&site.pages[c]).clone())
                .collect()
        };
        Outline {
            sections,
            communities: of_each(|p| &p.title),
            community_slugs: of_each(|p| &p.slug),
        }
    }
}

/// Loads the site in `root` as the editor sees it: drafts and future
/// pages included, no photos made.
pub fn load_site(root: &Path) -> Result<Site, Errors> {
    let config = Config::load(root)?;
    let now = jiff::ZonedDateTime::now().with_time_zone(config.timezone.clone());
    let options = LoadOptions {
        drafts: true,
        future: true,
        now,
        images: None,
        keep_markdown: true,
        spool_from_pages: None,
        keep_for_next: false,
    };
    Site::load(root, config, &options)
}

/// Writes a JSON Schema for each page type (`story.schema.json`...) and
/// for `linju.yaml` (`linju.schema.json`) into `out`, and the site's
/// `.remarkrc.json`, which tells VS Code's remark extension which schema
/// each section's pages follow (unless the site has its own); returns the
/// files written.
pub fn write_schemas(root: &Path, out: &Path) -> Result<Vec<PathBuf>, Errors> {
    let site = load_site(root)?;
    let outline = Outline::of(&site);
    let work = root.join(".linju");
    if out.starts_with(&work) {
        crate::fs::create_work_folder(&work)?;
    }
    std::fs::create_dir_all(out)
        .map_err(|e| Error::io(out, ("创建文件夹", "create the folder"), &e))?;
    let mut written = Vec::new();
    let names: Vec<String> = outline
        .communities
        .iter()
        .chain(&outline.community_slugs)
        .cloned()
        .collect();
    let mut schemas = schema::page_schemas(&names);
    schemas.push(("linju", schema::config_schema()));
    for (name, value) in schemas {
        let path = out.join(format!("{name}.schema.json"));
        let text = serde_json::to_string_pretty(&value).unwrap_or_default();
        crate::fs::write_atomically(&path, text.as_bytes())?;
        written.push(path);
    }
    let remarkrc = root.join(".remarkrc.json");
    let ours = std::fs::read_to_string(&remarkrc).map_or(true, |text| text.contains(REMARKRC_MARK));
    if ours {
        let shown = out.strip_prefix(root).map_or_else(
            |_| out.display().to_string(),
            |o| format!("./{}", o.display()),
        );
        let text = serde_json::to_string_pretty(&schema::remark_config(&outline, &shown))
            .unwrap_or_default();
        crate::fs::write_atomically(&remarkrc, text.as_bytes())?;
        written.push(remarkrc);
    }
    Ok(written)
}

/// What marks a `.remarkrc.json` as written by `linju schema` (and so
/// safe to rewrite): the schemas' folder in its mapping.
const REMARKRC_MARK: &str = "remark-lint-frontmatter-schema";

/// The vendored Decap CMS: its bundle, chunks and WebAssembly, each
/// gzip-compressed (`vendor/decap-cms/README.md`).
static DECAP: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/src/editor/vendor/decap-cms");

/// A file of the vendored CMS (`decap-cms.js`, `977.decap-cms.js`...), as
/// stored: gzip-compressed.
pub fn vendored_gzip(name: &str) -> Option<&'static [u8]> {
    DECAP.get_file(format!("{name}.gz")).map(|f| f.contents())
}

/// Where the CMS of a site published through a Git host reads and writes.
#[derive(Debug, Clone)]
pub struct GitHost {
    /// `github` or `gitea` (Forgejo too).
    pub host: String,
    /// `owner/name`.
    pub repo: String,
    /// The branch the site is built from.
    pub branch: String,
    /// A Gitea or Forgejo server's address, or for GitHub the OAuth
    /// service that logs writers in.
    pub base_url: Option<String>,
    /// The client ID of the OAuth application on Gitea or Forgejo.
    pub app_id: Option<String>,
}

/// Writes the editor for a site published through a Git host into
/// `static/admin/`: the CMS (unpacked, for any static host), its licences,
/// and a page that starts it with this site's configuration. Returns the
/// files written.
pub fn write_git_editor(root: &Path, git: &GitHost) -> Result<Vec<PathBuf>, Errors> {
    if git.host == "gitea" && (git.base_url.is_none() || git.app_id.is_none()) {
        return Err(Error::in_file(
            root.join("static/admin"),
            tr!(
                "Gitea 或 Forgejo 要写明服务器地址和 OAuth 应用的客户端 ID",
                "Gitea or Forgejo needs the server's address and the OAuth application's client ID"
            ),
        )
        .with_hint(tr!(
            "例如 linju cms --host gitea --repo 街道办/网站 --base-url https://git.example.org --app-id 客户端ID（在 Gitea 的“设置 → 应用”里新建 OAuth2 应用，不勾选“机密客户端”）",
            "e.g. linju cms --host gitea --repo office/site --base-url https://git.example.org --app-id CLIENT_ID (create an OAuth2 application under Settings → Applications, not confidential)"
        ))
        .into());
    }
    let site = load_site(root)?;
    let outline = Outline::of(&site);
    let backend = decap::Backend::Git {
        host: git.host.clone(),
        repo: git.repo.clone(),
        branch: git.branch.clone(),
        base_url: git.base_url.clone(),
        app_id: git.app_id.clone(),
    };
    let config = decap::config(&outline, &backend, &site.config.base_url);
    let folder = root.join("static/admin");
    std::fs::create_dir_all(&folder)
        .map_err(|e| Error::io(&folder, ("创建文件夹", "create the folder"), &e))?;
    let mut written = Vec::new();
    for file in DECAP.files() {
        let name = file
            .path()
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let (name, bytes) = match name.strip_suffix(".gz") {
            Some(plain) => {
                let mut unpacked = Vec::new();
                gunzip(file.contents(), &mut unpacked)
                    .map_err(|e| Error::io(file.path(), ("解压", "unpack"), &e))?;
                (plain.to_string(), unpacked)
            }
            None => (name, file.contents().to_vec()),
        };
        let path = folder.join(&name);
        crate::fs::write_atomically(&path, &bytes)?;
        written.push(path);
    }
    let ours = folder.join("linju-cms.js");
    crate::fs::write_atomically(&ours, LINJU_CMS_JS.as_bytes())?;
    written.push(ours);
    let page = GIT_ADMIN_PAGE.replace("CONFIG", &config.to_string().replace("</", "<\\/"));
    let index = folder.join("index.html");
    crate::fs::write_atomically(&index, page.as_bytes())?;
    written.push(index);
    Ok(written)
}

/// linju's additions to the CMS (a photo component with Chinese labels),
/// loaded after it by both editors.
pub const LINJU_CMS_JS: &str = include_str!("linju-cms.js");

/// The page of the Git-host editor: the CMS from beside it, this config.
const GIT_ADMIN_PAGE: &str = r#"<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>网站编辑器</title>
<script>window.CMS_MANUAL_INIT = true;</script>
<script src="decap-cms.js"></script>
<script src="linju-cms.js"></script>
</head>
<body>
<script>window.CMS.init({ config: CONFIG });</script>
</body>
</html>
"#;

/// Unpacks gzip with miniz_oxide (already in the build): the header's
/// fixed ten bytes, then raw DEFLATE.
fn gunzip(gzip: &[u8], out: &mut Vec<u8>) -> std::io::Result<()> {
    let invalid = || std::io::Error::from(std::io::ErrorKind::InvalidData);
    let flags = *gzip.get(3).ok_or_else(invalid)?;
    if gzip.get(..3) != Some(&[0x1f, 0x8b, 8]) || flags != 0 {
        return Err(invalid());
    }
    let deflated = gzip
        .get(10..gzip.len().saturating_sub(8))
        .ok_or_else(invalid)?;
    let unpacked = miniz_oxide::inflate::decompress_to_vec(deflated).map_err(|_| invalid())?;
    out.extend_from_slice(&unpacked);
    Ok(())
}
