//! JSON Schemas (draft-07, which editors' YAML support reads) for each
//! page type's front matter and for `linju.yaml`, made from the field
//! table and the types' rules the build checks with
//! (`content::fields`, `PageType`), so an editor completes and checks what
//! the build would accept.

use serde_json::{Map, Value, json};

use crate::content::fields::{COUNCIL_STEPS, EVENT_KINDS, Field, Shape, fields_of, required_of};
use crate::content::{PAGE_TYPES, PageType};

/// A date as linju reads it: `2025-11-10`, `2025-11-10 09:30`, or RFC 3339.
const DATE_PATTERN: &str = r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])([ T]([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$";

/// The schema of `page_type`'s front matter; `communities` are the names
/// (titles and slugs) a page may give.
pub fn page_schema(page_type: PageType, communities: &[String]) -> Value {
    let mut properties = Map::new();
    for field in fields_of(page_type) {
        properties.insert(field.name.to_string(), field_schema(field, communities));
    }
    json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": format!("linju:{}", page_type.name()),
        "title": format!("{}页面的前言", page_type.chinese_name()),
        "type": "object",
        "properties": properties,
        "required": required_of(page_type),
        "additionalProperties": false,
    })
}

/// Every page type's schema, by type name.
pub fn page_schemas(communities: &[String]) -> Vec<(&'static str, Value)> {
    PAGE_TYPES
        .iter()
        .map(|&t| (t.name(), page_schema(t, communities)))
        .collect()
}

fn described(field: &Field, mut schema: Value) -> Value {
    if let Some(map) = schema.as_object_mut() {
        map.insert("title".into(), json!(field.label));
        map.insert("description".into(), json!(field.hint));
    }
    schema
}

/// Any scalar: the build reads `phone: 13700002222` or `title: 2025` as
/// the text written, so a number there is no mistake.
const SCALAR: [&str; 3] = ["string", "number", "boolean"];

/// A tag without the Chinese commas that mean two tags were written as one.
pub fn one_tag_pattern() -> String {
    let commas: String = crate::content::CHINESE_COMMAS.iter().collect();
    format!("^[^{commas}]*$")
}

fn field_schema(field: &Field, communities: &[String]) -> Value {
    let text = json!({"type": SCALAR});
    let schema = match field.shape {
        Shape::Text | Shape::LongText | Shape::Photo | Shape::Video => text,
        Shape::Date => json!({"type": "string", "pattern": DATE_PATTERN}),
        Shape::Flag => json!({"type": "boolean"}),
        Shape::Count => json!({"type": "integer", "minimum": 0}),
        Shape::Integer => json!({"type": "integer"}),
        Shape::TextList if field.name == "tags" => json!({"type": "array", "items": {
            "type": SCALAR, "pattern": one_tag_pattern(),
        }}),
        Shape::TextList => json!({"type": "array", "items": {"type": SCALAR}}),
        Shape::Community if communities.is_empty() => text,
        Shape::Community => json!({"type": "string", "enum": communities}),
        Shape::EventKind => {
            let mut names: Vec<&str> = EVENT_KINDS.iter().map(|(name, _)| *name).collect();
            names.extend([
                "议事会",
                "居民议事会",
                "文化活动",
                "志愿服务",
                "便民服务",
                "其他",
            ]);
            json!({"type": "string", "enum": names})
        }
        Shape::Members => list_of(&[("name", true, "姓名"), ("relation", false, "称呼")]),
        Shape::Resolved => json!({
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "category": {"type": "string", "title": "事项"},
                    "count": {"type": "integer", "minimum": 0, "title": "件数"},
                },
                "required": ["category", "count"],
                "additionalProperties": false,
            }
        }),
        Shape::Areas => list_of(&[("name", true, "名称"), ("description", false, "说明")]),
        Shape::Geo => json!({
            "type": "object",
            "properties": {
                "lat": {"type": "number", "minimum": -90, "maximum": 90, "title": "纬度"},
                "lng": {"type": "number", "minimum": -180, "maximum": 180, "title": "经度"},
            },
            "required": ["lat", "lng"],
            "additionalProperties": false,
        }),
        Shape::Steps => steps_schema(),
        Shape::Extra => json!({"type": "object"}),
        Shape::Screen => screen_fields_schema(),
    };
    described(field, schema)
}

/// A list of objects of text fields `(name, required, title)`.
fn list_of(fields: &[(&str, bool, &str)]) -> Value {
    let properties: Map<String, Value> = fields
        .iter()
        .map(|(name, _, title)| {
            (
                (*name).to_string(),
                json!({"type": "string", "title": title}),
            )
        })
        .collect();
    let required: Vec<&str> = fields.iter().filter(|f| f.1).map(|f| f.0).collect();
    json!({
        "type": "array",
        "items": {
            "type": "object",
            "properties": properties,
            "required": required,
            "additionalProperties": false,
        }
    })
}

fn steps_schema() -> Value {
    let step = json!({
        "type": "object",
        "properties": {
            "date": {"type": "string", "pattern": DATE_PATTERN, "title": "日期"},
            "note": {"type": "string", "title": "经过"},
            "done": {"type": "boolean", "title": "已完成"},
        },
        "additionalProperties": false,
    });
    let properties: Map<String, Value> = COUNCIL_STEPS
        .iter()
        .map(|(name, label)| {
            let mut this = step.clone();
            if let Some(map) = this.as_object_mut() {
                map.insert("title".into(), json!(label));
            }
            ((*name).to_string(), this)
        })
        .collect();
    json!({"type": "object", "properties": properties, "additionalProperties": false})
}

/// The configuration of remark (`.remarkrc.json`) that checks each
/// section's pages against its type's schema in `schemas` (a folder, as
/// written from the site folder): VS Code's YAML extension does not look
/// into Markdown, remark-lint-frontmatter-schema does.
pub fn remark_config(outline: &crate::editor::Outline, schemas: &str) -> Value {
    let mut mapping: Map<String, Value> = Map::new();
    for section in &outline.sections {
        let file = format!("{schemas}/{}.schema.json", section.page_type.name());
        let globs = [
            format!("content/{}/!(_index).md", section.folder),
            format!("content/{}/*/index.md", section.folder),
        ];
        let entry = mapping.entry(file).or_insert_with(|| json!([]));
        if let Some(list) = entry.as_array_mut() {
            list.extend(globs.into_iter().map(Value::from));
        }
    }
    json!({
        "plugins": [
            "remark-frontmatter",
            ["remark-lint-frontmatter-schema", {"schemas": mapping}],
        ]
    })
}

/// `days:` of a screen source or a page's `screen:`.
fn days_schema() -> Value {
    let day = json!({"oneOf": [
        {"type": "integer", "minimum": 1, "maximum": 7},
        {"type": "string"},
    ]});
    json!({
        "title": "星期几：工作日、周末、周一至周五，或 [1, 2, 3]（1 是周一，7 是周日）",
        "oneOf": [day.clone(), {"type": "array", "items": day, "minItems": 1}],
    })
}

/// A page's `screen:`.
fn screen_fields_schema() -> Value {
    json!({
        "type": "object",
        "additionalProperties": false,
        "properties": {
            "from": {"type": "string", "pattern": DATE_PATTERN, "title": "从哪天起"},
            "until": {"type": "string", "pattern": DATE_PATTERN, "title": "到哪天为止（含这一天）"},
            "days": days_schema(),
            "hours": {"type": "string", "title": "几点到几点，例如 07:00-09:30"},
            "seconds": {"type": "integer", "minimum": 3, "maximum": 600, "title": "每张几秒"},
            "pin": {"type": "boolean", "title": "置顶：放的时候只放置顶的内容"},
        }
    })
}

/// One entry of `menu:`; entries of the first level may have children.
fn menu_item_schema(top: bool) -> Value {
    let mut properties = json!({
        "title": {"type": "string", "minLength": 1, "title": "菜单上显示的文字"},
        "url": {"type": "string", "pattern": "^(/|@/|https?://|tel:|mailto:)", "title": "链接：/stats/、@/栏目/文件.md、https://… 或 tel:12345"},
        "weight": {"type": "integer", "title": "位置：栏目依次是 10、20、30…，写 15 就排在第一、二个栏目之间"},
    });
    if top {
        properties["children"] =
            json!({"type": "array", "title": "下一层的链接", "items": menu_item_schema(false)});
    }
    json!({"type": "object", "required": ["title"], "additionalProperties": false, "properties": properties})
}

/// One lobby screen of `screens:`.
fn screen_schema() -> Value {
    let texts = |title: &str| json!({"type": "array", "items": {"type": "string"}, "title": title});
    let seconds = |title: &str| json!({"type": "integer", "minimum": 1, "title": title});
    json!({
        "type": "object",
        "required": ["name"],
        "additionalProperties": false,
        "properties": {
            "name": {"type": "string", "pattern": "^[a-z0-9-]+$", "title": "屏幕名（网址里用，小写字母、数字和 -）"},
            "title": {"type": "string", "title": "屏幕上显示的名称"},
            "orientation": {"enum": ["landscape", "portrait"], "title": "横屏 landscape 或竖屏 portrait"},
            "resolution": {"type": "string", "pattern": "^\\s*\\d+\\s*[x×X]\\s*\\d+\\s*$", "title": "分辨率，例如 1920x1080"},
            "slide_seconds": seconds("每张停留几秒"),
            "poll_seconds": seconds("每隔几秒检查一次更新"),
            "community": {"type": "string", "title": "只放这个社区的内容"},
            "sources": {"type": "array", "title": "放哪些内容", "items": {
                "type": "object",
                "additionalProperties": false,
                "properties": {
                    "sections": texts("栏目文件夹"),
                    "types": texts("页面类型"),
                    "kinds": texts("活动类型"),
                    "tags": texts("标签"),
                    "communities": texts("社区"),
                    "limit": {"type": "integer", "minimum": 1, "title": "最多几条"},
                    "hours": {"type": "string", "title": "只在这些时间放，例如 07:00-22:00"},
                    "days": days_schema(),
                    "from": {"type": "string", "pattern": DATE_PATTERN, "title": "从哪天起"},
                    "until": {"type": "string", "pattern": DATE_PATTERN, "title": "到哪天为止（含这一天）"},
                    "slide_seconds": seconds("这些内容每张停留几秒"),
                    "video": {"type": "string", "pattern": "\\.([mM][pP]4|[wW][eE][bB][mM]|[mM]4[vV])$", "title": "一段视频（static 文件夹里的路径，例如 videos/宣传片.mp4）"},
                    "title": {"type": "string", "title": "视频在屏幕上的标题"},
                }
            }},
            "blank": {"type": "string", "title": "夜间黑屏时段，例如 23:00-06:30"},
            "heartbeat_url": {"type": "string", "pattern": "^https?://", "title": "屏幕定时报告状态的网址（不填就不报告）"},
        }
    })
}

/// The schema of `linju.yaml`.
pub fn config_schema() -> Value {
    let text = |title: &str| json!({"type": "string", "title": title});
    let quality = json!({"type": "integer", "minimum": 1, "maximum": 100});
    json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": "linju:config",
        "title": "linju.yaml：网站配置",
        "type": "object",
        "required": ["title"],
        "additionalProperties": false,
        "properties": {
            "title": text("网站名称"),
            "base_url": text("网站发布后的正式网址（以 / 结尾）"),
            "language": text("网站语言，例如 zh-CN"),
            "timezone": text("时区，例如 Asia/Shanghai"),
            "theme": text("主题（themes/ 下的文件夹名）"),
            "paginate_by": {"type": "integer", "minimum": 1, "title": "列表每页显示几条"},
            "organisation": text("主办单位"),
            "description": text("一句话介绍"),
            "icp": text("ICP 备案号"),
            "police_record": text("公安备案号"),
            "extra": {"type": "object", "title": "自由数据"},
            "images": {
                "type": "object",
                "title": "照片",
                "additionalProperties": false,
                "properties": {
                    "widths": {"type": "array", "maxItems": 8, "items": {"type": "integer", "minimum": 16, "maximum": 8192}},
                    "jpeg_quality": quality,
                    "webp_quality": quality,
                }
            },
            "screens": {"type": "array", "title": "楼宇大堂的显示屏", "items": screen_schema()},
            "menu": {"type": "array", "title": "菜单里另加的链接（排在栏目之间或之后，可以分两层）", "items": menu_item_schema(true)},
            "holidays": {"type": "array", "title": "法定节假日（服务站默认休息）：一天 2026-10-01，或连着的几天 2026-10-01至2026-10-08", "items": {"type": "string"}},
            "workdays": {"type": "array", "title": "调休上班的周六、周日（服务站按工作日开门）", "items": {"type": "string"}},
            "data": {"type": "array", "title": "表格：每一行变成一个页面", "items": {
                "type": "object", "additionalProperties": false, "required": ["file", "section"],
                "properties": {
                    "file": {"type": "string", "title": "data 文件夹里的表格，例如 data/最美家庭.xlsx（.xlsx、.xls、.ods、.csv）"},
                    "sheet": {"type": "string", "title": "工作表名（不写就用第一个）"},
                    "section": {"type": "string", "title": "变成哪个栏目的页面，例如 families"},
                    "columns": {"type": "object", "title": "表头对应的字段，例如 家庭名称: family", "additionalProperties": {"type": "string"}}
                }}},
            "search": {
                "title": "站内搜索",
                "oneOf": [
                    {"type": "boolean"},
                    {"type": "object", "additionalProperties": false, "properties": {
                        "enabled": {"type": "boolean"}, "expired_notices": {"type": "boolean"}}}
                ]
            },
            "markdown": {
                "type": "object",
                "title": "正文里的 HTML",
                "additionalProperties": false,
                "properties": {
                    "unsafe_html": {"type": "boolean"},
                    "iframe_hosts": {"type": "array", "items": {"type": "string"}},
                }
            },
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_story_schema_needs_a_person_and_refuses_a_station_field() {
        let schema = page_schema(PageType::Story, &["听湖社区".to_string()]);
        assert_eq!(schema["required"], json!(["title", "person"]));
        assert!(schema["properties"]["address"].is_null());
        assert_eq!(
            schema["properties"]["community"]["enum"],
            json!(["听湖社区"])
        );
        assert_eq!(schema["properties"]["person"]["title"], "人物姓名");
        assert_eq!(schema["additionalProperties"], false);
    }

    #[test]
    fn the_date_pattern_accepts_what_the_build_reads_and_nothing_else() {
        let pattern = json!({"type": "string", "pattern": DATE_PATTERN});
        for text in [
            "2025-11-10",
            "2025-11-10 09:30",
            "2025-11-10T09:30",
            "2025-11-10 09:30:15",
            "2025-11-10T09:30:00+08:00",
            "2025-11-10T01:30:00Z",
            "2025-12-31 23:59",
            "2025-13-45",
            "2025-11-10 24:00",
            "2025-11-10 9:30",
            "2025-1-5",
            "2025/11/10",
            "2025年11月10日",
            "11-10",
            "2025-00-10",
            "2025-11-00",
        ] {
            let build = crate::dates::DateInput::parse(text).is_ok();
            let schema = jsonschema::draft7::is_valid(&pattern, &json!(text));
            assert_eq!(schema, build, "{text}: schema {schema}, build {build}");
        }
    }
}
