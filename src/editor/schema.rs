//! JSON Schemas (draft-07, which editors' YAML support reads) for each
//! page type's front matter and for `linju.yaml`, made from the field
//! table and the types' rules the build checks with
//! (`content::fields`, `PageType`), so an editor completes and checks what
//! the build would accept.

use serde_json::{Map, Value, json};

use crate::content::fields::{COUNCIL_STEPS, EVENT_KINDS, Field, Shape, fields_of, required_of};
use crate::content::{PAGE_TYPES, PageType};

/// A date as linju reads it: `2025-11-10`, `2025-11-10 09:30`, or RFC 3339.
const DATE_PATTERN: &str = r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:\d{2})?)?$";

/// The schema of `page_type`'s front matter; `communities` are the titles
/// a page may name.
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

fn field_schema(field: &Field, communities: &[String]) -> Value {
    let text = json!({"type": "string"});
    let schema = match field.shape {
        Shape::Text | Shape::LongText | Shape::Photo => text,
        Shape::Date => json!({"type": "string", "pattern": DATE_PATTERN}),
        Shape::Flag => json!({"type": "boolean"}),
        Shape::Count => json!({"type": "integer", "minimum": 0}),
        Shape::Integer => json!({"type": "integer"}),
        Shape::TextList => json!({"type": "array", "items": {"type": "string"}}),
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
            "screens": {"type": "array", "title": "楼宇大堂的显示屏", "items": {"type": "object", "required": ["name"]}},
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
}
