//! Themes: which templates and static files a site uses (its own
//! `templates/` over its theme, the theme from `themes/NAME/` or built into
//! the binary), and the Tera instance with linju's filters and functions.

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use include_dir::{Dir, include_dir};
use tera::{Kwargs, State, Tera};
use walkdir::WalkDir;

use crate::config::Config;
use crate::dates;
use crate::error::{Error, Result};
use crate::images::{self, Images};
use crate::lang::{Text, tr};
use crate::render::charts;

/// The default theme, compiled in so a bare content folder builds.
static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// A static file to copy: its bytes' source and its output path.
#[derive(Debug, Clone)]
pub enum StaticSource {
    /// A file on disk.
    Disk(PathBuf),
    /// A file built into the binary.
    Embedded(&'static [u8]),
    /// A file linju made and never changes in place (a processed photo in
    /// the cache): hard-linked into the output rather than copied.
    Generated(PathBuf),
}

/// The theme's files, read into memory.
#[derive(Debug, Clone, Default)]
pub struct ThemeFiles {
    /// (template name, text), later entries overriding earlier ones.
    pub templates: Vec<(String, String)>,
    /// (output path relative to the site root, source), theme first, then the site.
    pub statics: Vec<(String, StaticSource)>,
}

/// Collects templates and static files for `config.theme` in `root`.
pub fn load_files(root: &Path, config: &Config) -> Result<ThemeFiles> {
    let mut files = ThemeFiles::default();
    let theme_dir = root.join("themes").join(&config.theme);
    if theme_dir.is_dir() {
        files
            .templates
            .extend(read_dir_texts(&theme_dir.join("templates"))?);
        files
            .statics
            .extend(list_disk_files(&theme_dir.join("static")));
    } else if config.theme == "default" {
        add_embedded(&mut files);
    } else {
        let at = Error::in_file(Path::new(crate::config::CONFIG_FILE), {
            let theme = &config.theme;
            tr!(
                "在 themes/ 里找不到主题 `{theme}`",
                "theme `{theme}` not found in themes/"
            )
        })
        .with_hint(tr!(
            "把主题放在 themes/主题名/，或删掉 `theme:` 使用内置的默认主题",
            "put the theme in themes/NAME/, or remove `theme:` to use the built-in default theme"
        ));
        return Err(match config.theme_line {
            Some(line) => at.with_line(line),
            None => at,
        });
    }
    files
        .templates
        .extend(read_dir_texts(&root.join("templates"))?);
    files.statics.extend(list_disk_files(&root.join("static")));
    Ok(files)
}

fn add_embedded(files: &mut ThemeFiles) {
    if let Some(templates) = DEFAULT_THEME.get_dir("templates") {
        for file in walk_embedded(templates) {
            if let (Some(text), Ok(name)) =
                (file.contents_utf8(), file.path().strip_prefix("templates"))
            {
                files.templates.push((slash_path(name), text.to_string()));
            }
        }
    }
    if let Some(statics) = DEFAULT_THEME.get_dir("static") {
        for file in walk_embedded(statics) {
            if let Ok(name) = file.path().strip_prefix("static") {
                files
                    .statics
                    .push((slash_path(name), StaticSource::Embedded(file.contents())));
            }
        }
    }
}

fn walk_embedded(dir: &'static Dir<'static>) -> Vec<&'static include_dir::File<'static>> {
    let mut out: Vec<_> = dir.files().collect();
    for sub in dir.dirs() {
        out.extend(walk_embedded(sub));
    }
    out
}

fn slash_path(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

fn read_dir_texts(dir: &Path) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    for (path, name) in list_files(dir) {
        let text = std::fs::read_to_string(&path)
            .map_err(|e| Error::io(&path, ("读取模板", "read the template"), &e))?;
        out.push((name, text));
    }
    Ok(out)
}

fn list_disk_files(dir: &Path) -> Vec<(String, StaticSource)> {
    list_files(dir)
        .into_iter()
        .map(|(path, name)| (name, StaticSource::Disk(path)))
        .collect()
}

fn list_files(dir: &Path) -> Vec<(PathBuf, String)> {
    if !dir.is_dir() {
        return Vec::new();
    }
    WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(std::result::Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter(|e| !crate::fs::is_scratch_name(&e.file_name().to_string_lossy()))
        .map(|e| {
            let name = slash_path(e.path().strip_prefix(dir).unwrap_or(e.path()));
            (e.path().to_path_buf(), name)
        })
        .collect()
}

/// The templates in effect: a site's own override the theme's by name.
fn effective_templates(files: &ThemeFiles) -> Vec<(String, String)> {
    let mut templates: Vec<(String, String)> = Vec::new();
    for (name, text) in &files.templates {
        templates.retain(|(existing, _)| existing != name);
        templates.push((name.clone(), text.clone()));
    }
    templates
}

/// A version for every template: a hash of its text, of the templates it
/// extends, includes or imports (transitively), and of every template that
/// defines components (Tera 2 components are global, so any template may
/// use them). A rebuild re-renders a file only when its template's version
/// changed, so editing `story.html` re-renders stories and nothing else.
pub fn template_versions(files: &ThemeFiles) -> HashMap<String, u64> {
    let templates: HashMap<String, String> = effective_templates(files).into_iter().collect();
    let mut component_hasher = crate::hash::fingerprint();
    let mut with_components: Vec<&String> = templates
        .iter()
        .filter(|(_, text)| defines_components(text))
        .map(|(name, _)| name)
        .collect();
    with_components.sort();
    for name in with_components {
        name.hash(&mut component_hasher);
        templates[name].hash(&mut component_hasher);
    }
    let components = component_hasher.finish();
    templates
        .keys()
        .map(|name| {
            let mut hasher = crate::hash::fingerprint();
            components.hash(&mut hasher);
            let mut seen: Vec<&str> = Vec::new();
            let mut queue: Vec<&str> = vec![name.as_str()];
            while let Some(current) = queue.pop() {
                if seen.contains(&current) {
                    continue;
                }
                seen.push(current);
                current.hash(&mut hasher);
                match templates.get(current) {
                    Some(text) => {
                        text.hash(&mut hasher);
                        queue.extend(referenced_templates(text));
                    }
                    None => 0u8.hash(&mut hasher),
                }
            }
            (name.clone(), hasher.finish())
        })
        .collect()
}

fn defines_components(text: &str) -> bool {
    text.contains("{% component") || text.contains("{%- component")
}

/// Names a template pulls in with `extends`, `include` or `import`.
fn referenced_templates(text: &str) -> Vec<&str> {
    let mut names = Vec::new();
    for keyword in ["extends", "include", "import"] {
        for (at, _) in text.match_indices(keyword) {
            let rest = text[at + keyword.len()..].trim_start();
            let Some(quote) = rest.chars().next().filter(|c| matches!(c, '"' | '\'')) else {
                continue;
            };
            if let Some(end) = rest[1..].find(quote) {
                names.push(&rest[1..=end]);
            }
        }
    }
    names
}

/// Builds the Tera instance: templates plus linju's filters and functions
/// (the image functions when `images` is given, with the folders image
/// paths are looked up in). Functions are registered before templates are
/// added: Tera checks every call when it parses.
pub fn build_tera(
    files: &ThemeFiles,
    config: &Config,
    images: Option<(Arc<Images>, Vec<PathBuf>)>,
) -> Result<Tera> {
    let mut tera = Tera::new();
    register_helpers(&mut tera, config);
    if let Some((images, search)) = images {
        register_image_functions(&mut tera, images, search);
    }
    let templates = effective_templates(files);
    tera.add_raw_templates(templates).map_err(|err| {
        template_error(&err).with_hint(tr!(
            "改正上面提到的模板；网站 templates/ 里的同名模板会替换主题里的",
            "fix the template named above; a site's templates/ folder overrides the theme's by name"
        ))
    })?;
    Ok(tera)
}

/// `resize_image(path, width, height, op, format)` and `image_size(path)`
/// for themes. `path` is looked up in the site's `static/`, then
/// `content/`, then the theme's `static/`; the answer is a map with `url`,
/// `width` and `height` (the real size of the output).
fn register_image_functions(tera: &mut Tera, images: Arc<Images>, search: Vec<PathBuf>) {
    let search = Arc::new(search);
    let find = {
        let search = Arc::clone(&search);
        move |path: &str| -> tera::TeraResult<PathBuf> {
            let relative = path.trim_start_matches('/');
            search
                .iter()
                .map(|dir| dir.join(relative))
                .find(|candidate| candidate.is_file())
                .ok_or_else(|| {
                    tera::Error::message(
                        tr!(
                            "在 static/、content/ 和主题的 static/ 里都找不到图片 `{path}`",
                            "image `{path}` not found in static/, content/ or the theme's static/"
                        )
                        .marked(),
                    )
                })
        }
    };
    let problem = |p: images::Problem| {
        tera::Error::message(
            Text::new(
                format!("{}（{}）", p.message.zh, p.hint.zh),
                format!("{} ({})", p.message.en, p.hint.en),
            )
            .marked(),
        )
    };
    let resize_images = Arc::clone(&images);
    let resize_find = find.clone();
    tera.register_function(
        "resize_image",
        move |kwargs: Kwargs, _: &State| -> tera::TeraResult<tera::Value> {
            let path: String = kwargs.must_get("path")?;
            let width: Option<u32> = kwargs.get("width")?;
            let height: Option<u32> = kwargs.get("height")?;
            let op_name: String = kwargs.get("op")?.unwrap_or_else(|| "fit".to_string());
            let format_name: String = kwargs.get("format")?.unwrap_or_else(|| "jpg".to_string());
            let op = images::Op::parse(&op_name).ok_or_else(|| {
                tera::Error::message(
                    tr!(
                        "resize_image：op 只能是 fit、fill 或 scale，不能是 `{op_name}`",
                        "resize_image: op must be fit, fill or scale, not `{op_name}`"
                    )
                    .marked(),
                )
            })?;
            let format = images::Format::parse(&format_name).ok_or_else(|| {
                tera::Error::message(
                    tr!(
                        "resize_image：format 只能是 jpg 或 webp，不能是 `{format_name}`",
                        "resize_image: format must be jpg or webp, not `{format_name}`"
                    )
                    .marked(),
                )
            })?;
            let (url, w, h) = resize_images
                .resize(&resize_find(&path)?, width, height, op, format)
                .map_err(problem)?;
            Ok(tera::Value::from_serializable(
                &serde_json::json!({"url": url, "width": w, "height": h}),
            ))
        },
    );
    tera.register_function(
        "image_size",
        move |kwargs: Kwargs, _: &State| -> tera::TeraResult<tera::Value> {
            let path: String = kwargs.must_get("path")?;
            let (w, h) = images.size(&find(&path)?).map_err(problem)?;
            Ok(tera::Value::from_serializable(
                &serde_json::json!({"width": w, "height": h}),
            ))
        },
    );
}

/// Turns a Tera error into ours, keeping its report.
pub fn template_error(err: &tera::Error) -> Error {
    let mut message = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        message.push_str("\n  ← ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    Error::new(tr!("模板出错：", "template error: ").append(&Text::from_marked(&message)))
}

fn register_helpers(tera: &mut Tera, config: &Config) {
    tera.register_function(
        "bar_chart",
        |kwargs: Kwargs, _: &State| -> tera::TeraResult<tera::Value> {
            let rows: tera::Value = kwargs.must_get("rows")?;
            let title: String = kwargs.get("title")?.unwrap_or_default();
            let unit: String = kwargs.get("unit")?.unwrap_or_default();
            let id: String = kwargs.get("id")?.unwrap_or_else(|| "chart".to_string());
            let bars: Vec<charts::Bar> = serde_json::to_value(&rows)
                .and_then(serde_json::from_value)
                .map_err(|_| {
                    tera::Error::message(
                        tr!(
                            "bar_chart：rows 要是一组 {{label, value}}",
                            "bar_chart: rows must be a list of {{label, value}}"
                        )
                        .marked(),
                    )
                })?;
            Ok(tera::Value::safe_string(&charts::bar_chart(
                &bars, &title, &unit, &id,
            )))
        },
    );
    tera.register_filter("zh_date", |text: Cow<'_, str>, _: Kwargs, _: &State| {
        dates::parse_for_display(&text)
            .map_or_else(|| text.to_string(), |d| dates::chinese_date(d.date()))
    });
    tera.register_filter("zh_datetime", |text: Cow<'_, str>, _: Kwargs, _: &State| {
        dates::parse_for_display(&text).map_or_else(|| text.to_string(), dates::chinese_datetime)
    });
    tera.register_filter("iso_date", |text: Cow<'_, str>, _: Kwargs, _: &State| {
        dates::parse_for_display(&text).map_or_else(|| text.to_string(), |d| d.date().to_string())
    });
    tera.register_filter("hhmm", |text: Cow<'_, str>, _: Kwargs, _: &State| {
        dates::parse_for_display(&text).map_or_else(String::new, |d| {
            format!("{:02}:{:02}", d.hour(), d.minute())
        })
    });
    tera.register_filter("tel", |text: Cow<'_, str>, _: Kwargs, _: &State| {
        text.chars()
            .filter(|c| c.is_ascii_digit() || *c == '+')
            .collect::<String>()
    });
    let base_path = config.base_path.clone();
    tera.register_function(
        "url",
        move |kwargs: Kwargs, _: &State| -> tera::TeraResult<String> {
            let path: String = kwargs.must_get("path")?;
            Ok(format!("{base_path}{}", path.trim_start_matches('/')))
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Config {
        Config::parse(
            Path::new("linju.yaml"),
            "title: t\nbase_url: https://x.org/sub/\n",
        )
        .unwrap()
    }

    #[test]
    fn embedded_theme_has_every_page_type_template() {
        let mut files = ThemeFiles::default();
        add_embedded(&mut files);
        let names: Vec<&str> = files.templates.iter().map(|(n, _)| n.as_str()).collect();
        for needed in [
            "index.html",
            "section.html",
            "page.html",
            "story.html",
            "family.html",
            "event.html",
            "station.html",
            "notice.html",
            "community.html",
            "tags.html",
            "tag.html",
            "404.html",
        ] {
            assert!(names.contains(&needed), "missing {needed}: {names:?}");
        }
        assert!(files.statics.iter().any(|(n, _)| n == "style.css"));
    }

    #[test]
    fn filters_print_chinese_dates_and_urls_respect_base_path() {
        let tera = build_tera(&ThemeFiles::default(), &config(), None).unwrap();
        let out = tera
            .render_str(
                "{{ d | zh_date }}|{{ url(path='style.css') }}|{{ p | tel }}",
                &tera::Context::from_serialize(
                    &serde_json::json!({"d": "2025-11-10T09:00:00+08:00", "p": "0571-8888 1234"}),
                )
                .unwrap(),
                false,
            )
            .unwrap();
        assert_eq!(out, "2025年11月10日 星期一|/sub/style.css|057188881234");
    }
}
