//! The Decap CMS configuration of a site, made from its outline and the
//! field table: one collection per section, its type's fields as widgets
//! with Chinese labels and hints, new pages as bundles (`NAME/index.md`)
//! with their photos beside them, the community a choice of the site's
//! communities, dates in the site's own form.
//!
//! The same configuration serves `linju serve`'s local back end (`proxy`)
//! and a Git host (`github`, `gitea`): only `backend` differs.

use serde_json::{Value, json};

use crate::content::PageType;
use crate::content::fields::{COUNCIL_STEPS, EVENT_KINDS, Field, Shape, fields_of, required_of};
use crate::editor::{Outline, OutlineSection};

/// Where the CMS reads and writes.
#[derive(Debug, Clone)]
pub enum Backend {
    /// `linju serve`'s local back end at this URL (the token is added by
    /// the admin page from its address, never written into the config).
    Local {
        /// The back end's path (`/__linju/cms`).
        url: String,
    },
    /// A Git host: `github` or `gitea` (Forgejo too), a repository
    /// (`owner/name`), its branch, and for Gitea its address.
    Git {
        /// `github` or `gitea`.
        host: String,
        /// `owner/name`.
        repo: String,
        /// The branch pages are committed to.
        branch: String,
        /// The Gitea/Forgejo server (`https://git.example.org`), or for
        /// GitHub the OAuth service that logs writers in, if any.
        base_url: Option<String>,
        /// The client ID of the OAuth application (Gitea/Forgejo's PKCE
        /// login from the browser).
        app_id: Option<String>,
    },
}

/// Fields left out of the forms: free data and template choices the
/// forms cannot check; the back end keeps them when a page is saved.
const NOT_IN_FORMS: [&str; 2] = ["extra", "template"];

/// The whole configuration.
pub fn config(outline: &Outline, backend: &Backend, site_url: &str) -> Value {
    let backend = match backend {
        Backend::Local { url } => json!({"name": "proxy", "proxy_url": url, "branch": "main"}),
        Backend::Git {
            host,
            repo,
            branch,
            base_url,
            app_id,
        } => git_backend(host, repo, branch, base_url.as_deref(), app_id.as_deref()),
    };
    let collections: Vec<Value> = outline
        .sections
        .iter()
        .map(|section| collection(section, &outline.communities))
        .collect();
    json!({
        "load_config_file": false,
        "backend": backend,
        "locale": "zh_Hans",
        "site_url": site_url,
        "publish_mode": "simple",
        "media_folder": "static/uploads",
        "public_folder": format!("{}uploads", path_of(site_url)),
        "slug": {"encoding": "unicode", "clean_accents": false, "sanitize_replacement": "-"},
        "collections": collections,
    })
}

/// The path of `url` (`/tinghu/` of `https://example.org/tinghu/`), where
/// the site's own files are; `/` when there is none.
fn path_of(url: &str) -> String {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = after_scheme.find('/').map_or("/", |at| &after_scheme[at..]);
    if path.ends_with('/') {
        path.to_string()
    } else {
        format!("{path}/")
    }
}

/// A Git host's part of the configuration. Gitea and Forgejo log in from
/// the browser (PKCE) with the OAuth application's client ID; GitHub needs
/// an OAuth service at `base_url`.
fn git_backend(
    host: &str,
    repo: &str,
    branch: &str,
    base_url: Option<&str>,
    app_id: Option<&str>,
) -> Value {
    let mut value = json!({"name": host, "repo": repo, "branch": branch});
    let Some(map) = value.as_object_mut() else {
        return value;
    };
    if let Some(base) = base_url.map(|b| b.trim_end_matches('/')) {
        map.insert("base_url".into(), json!(base));
        if host != "github" {
            map.insert("api_root".into(), json!(format!("{base}/api/v1")));
            map.insert(
                "auth_endpoint".into(),
                json!(format!("{base}/login/oauth/authorize")),
            );
        }
    }
    if let Some(id) = app_id {
        map.insert("app_id".into(), json!(id));
    }
    value
}

fn collection(section: &OutlineSection, communities: &[String]) -> Value {
    let required = required_of(section.page_type);
    let mut form: Vec<&Field> = fields_of(section.page_type)
        .filter(|f| !NOT_IN_FORMS.contains(&f.name))
        .collect();
    form.sort_by_key(|f| form_place(f.name, section.page_type));
    let body_at = form
        .iter()
        .position(|f| form_place(f.name, section.page_type) > BODY_PLACE)
        .unwrap_or(form.len());
    let mut fields: Vec<Value> = form
        .iter()
        .map(|f| widget(f, required.contains(&f.name), communities))
        .collect();
    // `photo` is linju's own component (editor/linju-cms.js).
    fields.insert(body_at, json!({"label": "正文", "name": "body", "widget": "markdown", "required": false,
        "editor_components": ["photo"], "hint": "空一行是分段；两个星号之间的字会加粗；照片用工具栏的 ＋ 加"}));
    json!({
        "name": section.folder.replace('/', "-"),
        "label": section.title,
        "label_singular": section.page_type.chinese_name(),
        "folder": format!("content/{}", section.folder),
        "create": true,
        "extension": "md",
        "format": "frontmatter",
        "path": "{{slug}}/index",
        "media_folder": "",
        "public_folder": "",
        "summary": "{{title}}",
        "sortable_fields": sortable(section.page_type),
        "fields": fields,
    })
}

/// Where the body goes among the places of [`form_place`].
const BODY_PLACE: u8 = 3;

/// A field's place in the form: what every writer fills first (the title,
/// the type's own fields, the date, the community, the cover), then the
/// text, then what most pages never need.
fn form_place(name: &str, page_type: PageType) -> u8 {
    match name {
        "title" => 0,
        _ if page_type.own_fields().contains(&name) => 1,
        "date" | "community" | "cover" | "cover_alt" => 2,
        "summary" | "tags" => 4,
        _ => 5,
    }
}

fn sortable(page_type: PageType) -> Vec<&'static str> {
    match page_type {
        PageType::Community | PageType::Page => vec!["title"],
        _ => vec!["date", "title"],
    }
}

/// One form field for `field`.
fn widget(field: &Field, required: bool, communities: &[String]) -> Value {
    let mut value = match field.shape {
        Shape::Text => json!({"widget": "string"}),
        Shape::LongText => json!({"widget": "text"}),
        Shape::Date => json!({
            "widget": "datetime",
            "format": "YYYY-MM-DD HH:mm",
            "date_format": "YYYY-MM-DD",
            "time_format": "HH:mm",
            "picker_utc": false,
        }),
        Shape::Flag => json!({"widget": "boolean", "default": false}),
        Shape::Count => json!({"widget": "number", "value_type": "int", "min": 0}),
        Shape::Integer => json!({"widget": "number", "value_type": "int"}),
        Shape::TextList if field.name == "tags" => json!({"widget": "list", "field": {
            "label": field.label, "name": "item", "widget": "string",
            "pattern": [crate::editor::schema::one_tag_pattern(), "一项只写一个标签；几个标签就点几次“新增”，不要用中文逗号隔开"],
        }}),
        Shape::TextList => {
            json!({"widget": "list", "field": {"label": field.label, "name": "item", "widget": "string"}})
        }
        Shape::Photo => json!({"widget": "image", "choose_url": false}),
        Shape::Community => json!({"widget": "select", "options": communities}),
        Shape::EventKind => {
            let options: Vec<Value> = EVENT_KINDS
                .iter()
                .map(|(value, label)| json!({"label": label, "value": value}))
                .collect();
            json!({"widget": "select", "options": options})
        }
        Shape::Members => list(&[("name", "姓名"), ("relation", "称呼")]),
        Shape::Areas => list(&[("name", "名称"), ("description", "说明")]),
        Shape::Resolved => json!({"widget": "list", "fields": [
            {"label": "事项", "name": "category", "widget": "string"},
            {"label": "件数", "name": "count", "widget": "number", "value_type": "int", "min": 0},
        ]}),
        Shape::Geo => json!({"widget": "object", "fields": [
            {"label": "纬度", "name": "lat", "widget": "number", "value_type": "float"},
            {"label": "经度", "name": "lng", "widget": "number", "value_type": "float"},
        ]}),
        Shape::Steps => steps(),
        Shape::Extra => json!({"widget": "hidden"}),
        Shape::Video => json!({"widget": "file", "choose_url": false}),
        Shape::Screen => json!({"widget": "object", "collapsed": true, "fields": [
            {"label": "从哪天起", "name": "from", "widget": "string", "required": false, "hint": "例如 2026-12-01"},
            {"label": "到哪天为止", "name": "until", "widget": "string", "required": false, "hint": "例如 2026-12-24，含这一天"},
            {"label": "星期几", "name": "days", "widget": "string", "required": false, "hint": "工作日、周末或 周一至周五"},
            {"label": "几点到几点", "name": "hours", "widget": "string", "required": false, "hint": "例如 07:00-09:30"},
            {"label": "每张几秒", "name": "seconds", "widget": "number", "value_type": "int", "min": 3, "max": 600, "required": false},
            {"label": "置顶", "name": "pin", "widget": "boolean", "default": false, "required": false},
        ]}),
    };
    if field.name == "date"
        && let Some(map) = value.as_object_mut()
    {
        // A new page is dated when it is written, as `linju new` does.
        map.insert("default".into(), json!("{{now}}"));
    }
    if let Some(map) = value.as_object_mut() {
        map.insert("label".into(), json!(field.label));
        map.insert("name".into(), json!(field.name));
        map.insert("hint".into(), json!(field.hint));
        map.insert("required".into(), json!(required));
    }
    value
}

fn list(fields: &[(&str, &str)]) -> Value {
    let fields: Vec<Value> = fields
        .iter()
        .map(|(name, label)| json!({"label": label, "name": name, "widget": "string", "required": *name == "name"}))
        .collect();
    json!({"widget": "list", "fields": fields})
}

fn steps() -> Value {
    let steps: Vec<Value> = COUNCIL_STEPS
        .iter()
        .map(|(name, label)| {
            json!({"label": label, "name": name, "widget": "object", "required": false, "collapsed": true, "fields": [
                {"label": "日期", "name": "date", "widget": "datetime", "format": "YYYY-MM-DD", "date_format": "YYYY-MM-DD", "time_format": false, "picker_utc": false, "required": false},
                {"label": "经过", "name": "note", "widget": "text", "required": false},
                {"label": "已完成", "name": "done", "widget": "boolean", "default": false, "required": false},
            ]})
        })
        .collect();
    json!({"widget": "object", "collapsed": false, "fields": steps})
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outline() -> Outline {
        Outline {
            sections: vec![OutlineSection {
                folder: "stories".into(),
                page_type: PageType::Story,
                title: "身边的奋斗者".into(),
                section: Default::default(),
            }],
            communities: vec!["听湖社区".into()],
            community_slugs: vec!["tinghu".into()],
        }
    }

    #[test]
    fn a_section_is_a_collection_of_bundles_with_its_types_fields() {
        let config = config(
            &outline(),
            &Backend::Local {
                url: "/__linju/cms".into(),
            },
            "/",
        );
        let stories = &config["collections"][0];
        assert_eq!(stories["folder"], "content/stories");
        assert_eq!(stories["path"], "{{slug}}/index");
        assert_eq!(stories["media_folder"], "");
        let fields = stories["fields"].as_array().unwrap();
        let named = |name: &str| {
            fields
                .iter()
                .find(|f| f["name"] == name)
                .cloned()
                .unwrap_or_default()
        };
        assert_eq!(named("person")["required"], true);
        assert_eq!(named("person")["label"], "人物姓名");
        assert_eq!(named("community")["options"], json!(["听湖社区"]));
        assert_eq!(named("date")["format"], "YYYY-MM-DD HH:mm");
        assert!(
            named("address").is_null(),
            "a station field is not a story's"
        );
        let order: Vec<&str> = fields.iter().filter_map(|f| f["name"].as_str()).collect();
        let place = |name: &str| order.iter().position(|n| *n == name).unwrap_or(usize::MAX);
        assert_eq!(&order[..3], ["title", "person", "occupation"], "{order:?}");
        assert!(
            place("person") < place("date") && place("cover") < place("body"),
            "{order:?}"
        );
        assert!(
            place("body") < place("tags") && place("tags") < place("aliases"),
            "{order:?}"
        );
        assert_eq!(named("date")["default"], "{{now}}");
        assert_eq!(config["locale"], "zh_Hans");
        assert_eq!(config["backend"]["name"], "proxy");
        let under = super::config(
            &outline(),
            &Backend::Local { url: "/x".into() },
            "https://example.org/tinghu/",
        );
        assert_eq!(
            under["public_folder"], "/tinghu/uploads",
            "uploads are addressed under the base path"
        );
    }

    #[test]
    fn a_git_host_changes_only_the_backend() {
        let git = Backend::Git {
            host: "gitea".into(),
            repo: "office/site".into(),
            branch: "main".into(),
            base_url: Some("https://git.example.org".into()),
            app_id: Some("3f1c".into()),
        };
        let local = config(&outline(), &Backend::Local { url: "/x".into() }, "/");
        let remote = config(&outline(), &git, "/");
        assert_eq!(local["collections"], remote["collections"]);
        assert_eq!(
            remote["backend"]["api_root"],
            "https://git.example.org/api/v1"
        );
    }
}
