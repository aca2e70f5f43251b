//! The site configuration, `linju.yaml`: parsed once, checked, then read-only.

use std::path::Path;

use jiff::tz::TimeZone;
use serde::Deserialize;

use crate::error::{Error, Result};
use crate::html_settings::MarkdownSettings;
use crate::lang::{Text, tr};
use crate::screen_settings::{RawScreen, Screen, check_screen};
use crate::yaml;

/// The raw file, as written.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: String,
    base_url: Option<String>,
    language: Option<String>,
    timezone: Option<String>,
    theme: Option<String>,
    paginate_by: Option<usize>,
    organisation: Option<String>,
    description: Option<String>,
    icp: Option<String>,
    police_record: Option<String>,
    #[serde(default)]
    extra: serde_json::Map<String, serde_json::Value>,
    #[serde(default)]
    images: RawImages,
    #[serde(default)]
    screens: Vec<RawScreen>,
    /// `search:` as written (`false`, `true` or settings), checked by
    /// [`search_settings`] so a mistake gets a message of its own.
    search: Option<serde_json::Value>,
    #[serde(default)]
    markdown: MarkdownSettings,
    #[serde(default)]
    menu: Vec<crate::menu_settings::RawMenuItem>,
    /// Public holidays, closed unless a station says otherwise.
    #[serde(default)]
    holidays: Vec<String>,
    /// Weekend days worked instead of a holiday (调休上班).
    #[serde(default)]
    workdays: Vec<String>,
    /// Spreadsheets whose rows become pages.
    #[serde(default)]
    data: Vec<crate::data_settings::RawDataSource>,
}

/// `images:` as written.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawImages {
    widths: Option<Vec<u32>>,
    jpeg_quality: Option<u8>,
    webp_quality: Option<u8>,
}

/// How photos are processed (`images:` in `linju.yaml`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ImageSettings {
    /// Widths every photo is made in (never wider than the photo itself).
    pub widths: Vec<u32>,
    /// JPEG quality, 1–100.
    pub jpeg_quality: u8,
    /// WebP quality, 1–100.
    pub webp_quality: u8,
}

impl Default for ImageSettings {
    fn default() -> Self {
        ImageSettings {
            widths: vec![480, 960, 1600],
            jpeg_quality: 80,
            webp_quality: 80,
        }
    }
}

/// The site search (`search:` in `linju.yaml`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SearchSettings {
    /// Whether the site has a search index and page (`search: false` turns it off).
    pub enabled: bool,
    /// Whether expired notices stay findable (ranked last, marked expired).
    pub expired_notices: bool,
}

impl Default for SearchSettings {
    fn default() -> Self {
        SearchSettings {
            enabled: true,
            expired_notices: false,
        }
    }
}

/// The checked site configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// Site title.
    pub title: String,
    /// Site description for feeds and the home page's meta tags.
    pub description: Option<String>,
    /// Full base URL, always ending in `/` (e.g. `https://host/tinghu/`).
    pub base_url: String,
    /// The path part of `base_url`, always starting and ending in `/`.
    pub base_path: String,
    /// Whether `base_url` was given (in the file or by `--base-url`); without
    /// it feeds and the sitemap carry relative addresses.
    pub base_url_given: bool,
    /// `lang` of every page.
    pub language: String,
    /// The time zone dates are written in.
    pub timezone: TimeZone,
    /// The time zone's name.
    pub timezone_name: String,
    /// Which theme under `themes/` (or built in) to use.
    pub theme: String,
    /// The line of `theme:` in `linju.yaml`, for a message about it.
    pub theme_line: Option<usize>,
    /// Default page size of section lists.
    pub paginate_by: usize,
    /// The publishing office.
    pub organisation: Option<String>,
    /// ICP record number (ICP备案号).
    pub icp: Option<String>,
    /// Public-security record number (公安备案号).
    pub police_record: Option<String>,
    /// Free data for themes.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// Photo processing.
    pub images: ImageSettings,
    /// Lobby display screens.
    pub screens: Vec<Screen>,
    /// The site search.
    pub search: SearchSettings,
    /// What raw HTML pages may carry.
    pub markdown: MarkdownSettings,
    /// Links the office adds to the menu of sections (`menu:`).
    pub menu: Vec<crate::menu_settings::MenuItem>,
    /// Public holidays and make-up working days, for stations' hours.
    pub calendar: crate::opening::Calendar,
    /// Spreadsheets whose rows become pages of a section (`data:`).
    pub data: Vec<crate::data_settings::DataSource>,
}

/// Photo widths a site may ask for: each is made in two formats for every
/// photo, so a long list multiplies the work of every build.
const MAX_WIDTHS: usize = 8;

/// The file name of the site configuration.
pub const CONFIG_FILE: &str = "linju.yaml";

impl Config {
    /// Reads and checks `linju.yaml` in `root`.
    pub fn load(root: &Path) -> Result<Config> {
        let path = root.join(CONFIG_FILE);
        if std::fs::symlink_metadata(&path).is_ok() {
            crate::fs::check_site_file(root, &path)?;
        }
        if !path.exists() {
            return Err(Error::in_file(
                &path,
                tr!("没有网站配置文件", "there is no site configuration"),
            )
            .with_hint(tr!(
                "在网站文件夹里运行 linju，或用 --root 指定网站文件夹；那里要有一个至少写了 `title:` 的 linju.yaml（新网站用 `linju init` 创建）",
                "run linju in the site folder, or pass --root DIR; the folder needs a linju.yaml with at least `title:` (start a new site with `linju init`)"
            )));
        }
        // Named as the writer sees it, like the pages: `linju.yaml:12`.
        let shown = Path::new(CONFIG_FILE);
        let text = crate::fs::read_text(&path, shown)?;
        Config::parse(shown, &text)
    }

    /// Parses configuration text; `path` is only used in messages.
    pub fn parse(path: &Path, text: &str) -> Result<Config> {
        let raw: RawConfig = yaml::parse(path, text, 0)?;
        let line_of = |key: &str| line_of_key(text, key);
        let base_url = normalise_base_url(raw.base_url.as_deref().unwrap_or("/"))
            .map_err(|message| at_key(path, line_of("base_url"), message))?;
        let timezone_name = raw.timezone.unwrap_or_else(|| "Asia/Shanghai".to_string());
        let timezone = TimeZone::get(&timezone_name).map_err(|_| {
            at_key(
                path,
                line_of("timezone"),
                tr!(
                    "没有 `{timezone_name}` 这个时区",
                    "unknown time zone `{timezone_name}`"
                ),
            )
            .with_hint(tr!(
                "写 IANA 时区名，例如 Asia/Shanghai",
                "use an IANA name such as Asia/Shanghai"
            ))
        })?;
        let paginate_by = raw.paginate_by.unwrap_or(10);
        if paginate_by == 0 {
            return Err(at_key(
                path,
                line_of("paginate_by"),
                tr!("paginate_by 至少是 1", "paginate_by must be at least 1"),
            )
            .with_hint(tr!(
                "每页显示几条：写一个正整数，例如 paginate_by: 10",
                "how many items a list page shows: a whole number above 0, e.g. paginate_by: 10"
            )));
        }
        let images = check_images(path, text, raw.images)?;
        let screens = raw
            .screens
            .into_iter()
            .map(|screen| check_screen(path, text, screen, &timezone))
            .collect::<Result<Vec<Screen>>>()?;
        Ok(Config {
            images,
            screens,
            title: raw.title,
            description: raw.description,
            base_path: base_path_of(&base_url),
            base_url_given: raw.base_url.is_some(),
            base_url,
            language: raw.language.unwrap_or_else(|| "zh-CN".to_string()),
            timezone,
            timezone_name,
            theme: raw.theme.unwrap_or_else(|| "default".to_string()),
            theme_line: line_of("theme"),
            paginate_by,
            organisation: raw.organisation,
            icp: raw.icp,
            police_record: raw.police_record,
            extra: raw.extra,
            search: search_settings(path, text, raw.search)?,
            markdown: raw.markdown,
            menu: crate::menu_settings::check_menu(path, text, raw.menu)?,
            calendar: crate::opening::check_calendar(path, text, &raw.holidays, &raw.workdays)?,
            data: crate::data_settings::check_data(path, text, raw.data)?,
        })
    }

    /// Replaces the base URL (the `--base-url` option).
    pub fn set_base_url(&mut self, url: &str) -> Result<()> {
        self.base_url = normalise_base_url(url).map_err(Error::new)?;
        self.base_url_given = true;
        self.base_path = base_path_of(&self.base_url);
        Ok(())
    }

    /// What is allowed but probably not meant: no `base_url`.
    pub fn warnings(&self) -> Vec<Error> {
        if self.base_url_given {
            return Vec::new();
        }
        vec![Error::in_file(
            CONFIG_FILE,
            tr!(
                "没有写 `base_url`：订阅源（atom.xml）和站点地图里的网址只能是相对地址，搜索引擎和阅读器用不了",
                "there is no `base_url`: feeds (atom.xml) and the sitemap will carry relative addresses, which search engines and feed readers cannot use"
            ),
        )
        .with_hint(tr!(
            "在 linju.yaml 里写上网站的正式网址，例如 base_url: https://www.example.gov.cn/tinghu/",
            "add the site's public address to linju.yaml, e.g. base_url: https://example.org/tinghu/"
        ))]
    }

    /// The site-relative URL path (`/tinghu/events/`) for an output path
    /// relative to the site's root (`events/`).
    pub fn url_path(&self, relative: &str) -> String {
        format!("{}{}", self.base_path, relative.trim_start_matches('/'))
    }

    /// The full permalink for a site-relative path.
    pub fn permalink(&self, relative: &str) -> String {
        format!("{}{}", self.base_url, relative.trim_start_matches('/'))
    }

    /// A `webcal://` address for a calendar file (a phone subscribes to it
    /// rather than importing it once); `None` without an absolute base URL.
    pub fn webcal(&self, relative: &str) -> Option<String> {
        let permalink = self.permalink(relative);
        let rest = permalink
            .strip_prefix("https://")
            .or_else(|| permalink.strip_prefix("http://"))?;
        Some(format!("webcal://{rest}"))
    }
}

/// `search:` as settings: `true`/`false`, or a map of `enabled` and
/// `expired_notices`.
fn search_settings(
    path: &Path,
    text: &str,
    raw: Option<serde_json::Value>,
) -> Result<SearchSettings> {
    use serde_json::Value;
    let wrong = |message: Text| {
        at_key(path, line_of_key(text, "search"), message).with_hint(tr!(
            "写 `search: true`、`search: false` 或 `search: {{expired_notices: true}}`",
            "write `search: true`, `search: false` or `search: {{expired_notices: true}}`"
        ))
    };
    let mut settings = SearchSettings::default();
    match raw {
        None | Some(Value::Null) => {}
        Some(Value::Bool(enabled)) => settings.enabled = enabled,
        Some(Value::Object(map)) => {
            for (key, value) in map {
                match (key.as_str(), value) {
                    ("enabled", Value::Bool(b)) => settings.enabled = b,
                    ("expired_notices", Value::Bool(b)) => settings.expired_notices = b,
                    ("enabled" | "expired_notices", value) => {
                        return Err(wrong(tr!(
                            "`search: {key}` 只能是 true 或 false，不能是 {value}",
                            "`search: {key}` must be true or false, not {value}"
                        )));
                    }
                    _ => {
                        return Err(wrong(tr!(
                            "`search:` 没有 `{key}` 这一项",
                            "`search:` has no setting `{key}`"
                        )));
                    }
                }
            }
        }
        Some(other) => {
            return Err(wrong(tr!(
                "`search:` 只能是 true、false 或一组设置，不能是 {other}",
                "`search:` must be true, false or settings, not {other}"
            )));
        }
    }
    Ok(settings)
}

fn check_images(path: &Path, text: &str, raw: RawImages) -> Result<ImageSettings> {
    let defaults = ImageSettings::default();
    let at = |key: &str, message: Text| {
        at_key(
            path,
            line_of_key(text, key).or(line_of_key(text, "images")),
            message,
        )
    };
    let mut widths = raw.widths.unwrap_or(defaults.widths);
    widths.sort_unstable();
    widths.dedup();
    if widths.len() > MAX_WIDTHS {
        let count = widths.len();
        return Err(at(
            "widths",
            tr!(
                "images.widths 列了 {count} 种宽度，最多 {MAX_WIDTHS} 种",
                "images.widths lists {count} widths; at most {MAX_WIDTHS}"
            ),
        )
        .with_hint(tr!(
            "每种宽度每张照片都要做两份；三种就够：widths: [480, 960, 1600]",
            "every width is made twice for every photo; three are enough: widths: [480, 960, 1600]"
        )));
    }
    if widths.is_empty() || widths.iter().any(|&w| !(16..=8192).contains(&w)) {
        return Err(at(
            "widths",
            tr!(
                "images.widths 要列出 16 到 8192 像素之间的宽度",
                "images.widths must list widths from 16 to 8192 pixels"
            ),
        )
        .with_hint(tr!(
            "例如 widths: [480, 960, 1600]",
            "for example widths: [480, 960, 1600]"
        )));
    }
    let quality = |key: &str, value: Option<u8>, default: u8| -> Result<u8> {
        let value = value.unwrap_or(default);
        if (1..=100).contains(&value) {
            Ok(value)
        } else {
            Err(at(
                key,
                tr!(
                    "images.{key} 要在 1 到 100 之间，不能是 {value}",
                    "images.{key} must be from 1 to 100, not {value}"
                ),
            )
            .with_hint(tr!("照片用 80 比较合适", "80 suits photos")))
        }
    };
    Ok(ImageSettings {
        widths,
        jpeg_quality: quality("jpeg_quality", raw.jpeg_quality, defaults.jpeg_quality)?,
        webp_quality: quality("webp_quality", raw.webp_quality, defaults.webp_quality)?,
    })
}

fn at_key(path: &Path, line: Option<usize>, message: Text) -> Error {
    Error::in_file_at(path, line, message)
}

/// The 1-based line where a top-level `key:` is written, if it is.
pub fn line_of_key(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|line| {
            line.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with(':'))
        })
        .map(|index| index + 1)
}

fn normalise_base_url(url: &str) -> Result<String, Text> {
    let url = url.trim();
    let is_path = url.starts_with('/');
    let is_http = url.starts_with("http://") || url.starts_with("https://");
    if !is_path && !is_http {
        return Err(tr!(
            "base_url `{url}` 要以 http://、https:// 或 / 开头",
            "base_url `{url}` must start with http://, https:// or /"
        ));
    }
    if url.contains(char::is_whitespace) || url.contains(['?', '#']) {
        return Err(tr!(
            "base_url `{url}` 里不能有空格、`?` 或 `#`",
            "base_url `{url}` may not contain spaces, `?` or `#`"
        ));
    }
    Ok(if url.ends_with('/') {
        url.to_string()
    } else {
        format!("{url}/")
    })
}

fn base_path_of(base_url: &str) -> String {
    let Some(rest) = base_url.split_once("://").map(|(_, rest)| rest) else {
        return base_url.to_string();
    };
    match rest.find('/') {
        Some(slash) => rest[slash..].to_string(),
        None => "/".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config> {
        Config::parse(Path::new("linju.yaml"), text)
    }

    #[test]
    fn defaults_apply() {
        let config = parse("title: 听湖社区\n").unwrap();
        assert_eq!(config.language, "zh-CN");
        assert_eq!(config.timezone_name, "Asia/Shanghai");
        assert_eq!(config.theme, "default");
        assert_eq!(config.paginate_by, 10);
        assert_eq!(config.base_path, "/");
    }

    #[test]
    fn sub_path_base_url_gives_base_path() {
        let config = parse("title: t\nbase_url: https://example.org/tinghu\n").unwrap();
        assert_eq!(config.base_url, "https://example.org/tinghu/");
        assert_eq!(config.base_path, "/tinghu/");
        assert_eq!(config.url_path("events/a/"), "/tinghu/events/a/");
    }

    #[test]
    fn unknown_key_suggests_the_right_one() {
        let err = parse("title: t\nbase_ulr: /\n").unwrap_err();
        assert_eq!(err.line, Some(2));
        assert!(err.hint.unwrap().contains("`base_url`"));
    }

    #[test]
    fn bad_timezone_names_its_line() {
        let err = parse("title: t\ntimezone: Mars/Base\n").unwrap_err();
        assert_eq!(err.line, Some(2));
    }

    /// The keys serde accepts for `T`, read from its "unknown field"
    /// message, which lists them.
    fn accepted_keys<T: serde::de::DeserializeOwned + std::fmt::Debug>() -> Vec<String> {
        let message = serde_yaml::from_str::<T>("no_such_key_here: 1\n")
            .expect_err("an unknown key is refused")
            .to_string();
        // "expected one of `a`, `b`", "expected `a` or `b`", "expected `a`".
        let listed = message.split("expected").nth(1).unwrap_or_default();
        let mut keys: Vec<String> = listed
            .split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect();
        keys.sort();
        keys
    }

    fn schema_keys(schema: &serde_json::Value) -> Vec<String> {
        let mut keys: Vec<String> = schema["properties"]
            .as_object()
            .map(|p| p.keys().cloned().collect())
            .unwrap_or_default();
        keys.sort();
        keys
    }

    #[test]
    fn the_schema_of_linju_yaml_has_every_key_the_build_reads_and_no_other() {
        let schema = crate::editor::schema::config_schema();
        assert_eq!(schema_keys(&schema), accepted_keys::<RawConfig>());
        assert_eq!(
            schema_keys(&schema["properties"]["images"]),
            accepted_keys::<RawImages>()
        );
        assert_eq!(
            schema_keys(&schema["properties"]["markdown"]),
            accepted_keys::<MarkdownSettings>()
        );
        let screen = &schema["properties"]["screens"]["items"];
        assert_eq!(schema_keys(screen), accepted_keys::<RawScreen>());
        assert_eq!(
            schema_keys(&screen["properties"]["sources"]["items"]),
            accepted_keys::<crate::screen_settings::ScreenSource>()
        );
        assert_eq!(
            schema_keys(&schema["properties"]["data"]["items"]),
            accepted_keys::<crate::data_settings::RawDataSource>()
        );
    }
}
