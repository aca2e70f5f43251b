//! Every front-matter field a page may have: its shape and what writers
//! read about it (a Chinese label and hint). The JSON Schemas of
//! `linju schema` and the editor's forms are made from this table and from
//! [`PageType`]'s rules (which fields a type owns, which it needs), the
//! same rules the build checks with; a test keeps the table and
//! `PageFrontMatter` in step.

use crate::content::PageType;

/// The shape of a field's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// One line of text.
    Text,
    /// A paragraph of text.
    LongText,
    /// A date, or a date and time (`2025-11-10`, `2025-11-10 09:30`).
    Date,
    /// `true` or `false`.
    Flag,
    /// A whole number of at least 0.
    Count,
    /// A whole number, possibly negative.
    Integer,
    /// A list of short texts.
    TextList,
    /// A photo file beside the page.
    Photo,
    /// The title of one of the site's communities.
    Community,
    /// One of the event kinds.
    EventKind,
    /// Family members: name and relation.
    Members,
    /// The five council steps, each with date, note and done.
    Steps,
    /// Matters resolved: category and count.
    Resolved,
    /// A station's functional areas: name and description.
    Areas,
    /// A map position: latitude and longitude.
    Geo,
    /// Free data for templates.
    Extra,
    /// A video file beside the page.
    Video,
    /// When and how a page shows on lobby screens.
    Screen,
}

/// One field.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    /// The key written in front matter.
    pub name: &'static str,
    /// Its shape.
    pub shape: Shape,
    /// What the editor's form calls it.
    pub label: &'static str,
    /// One sentence on what to write.
    pub hint: &'static str,
}

const fn field(name: &'static str, shape: Shape, label: &'static str, hint: &'static str) -> Field {
    Field {
        name,
        shape,
        label,
        hint,
    }
}

/// Every field, common ones first, then each type's own.
pub const FIELDS: &[Field] = &[
    field(
        "title",
        Shape::Text,
        "标题",
        "显示在页面顶部、列表和分享卡片上",
    ),
    field(
        "date",
        Shape::Date,
        "日期",
        "写成 2025-11-10 或 2025-11-10 09:30",
    ),
    field("updated", Shape::Date, "更新日期", "内容改过时写上改的日期"),
    field(
        "slug",
        Shape::Text,
        "网址名",
        "网址里的名字，只用小写字母、数字和 -；留空就按标题生成",
    ),
    field(
        "summary",
        Shape::LongText,
        "摘要",
        "列表里显示的摘要；留空就取正文第一段",
    ),
    field(
        "tags",
        Shape::TextList,
        "标签",
        "每个标签一项，例如 志愿服务",
    ),
    field(
        "public_numbers",
        Shape::TextList,
        "可以公开的号码",
        "正文里的服务电话等，隐私检查不会再提醒",
    ),
    field(
        "aliases",
        Shape::TextList,
        "旧网址",
        "这个页面以前的网址，例如 /stories/old-name/",
    ),
    field(
        "community",
        Shape::Community,
        "所属社区",
        "选一个社区；不属于某个社区就留空",
    ),
    field("cover", Shape::Photo, "封面照片", "和页面放在一起的照片"),
    field(
        "cover_alt",
        Shape::Text,
        "封面照片说明",
        "写一句照片里有什么，读屏软件会念给看不见的居民听",
    ),
    field("draft", Shape::Flag, "草稿", "打开时不发布"),
    field(
        "publish",
        Shape::Date,
        "定时发布",
        "到这个时间才出现在网站上；留空就是马上发布",
    ),
    field(
        "expires",
        Shape::Date,
        "有效期至",
        "过了这个时间就不再显示在首页和大屏上",
    ),
    field("weight", Shape::Integer, "排序", "数字小的排在前面"),
    field(
        "template",
        Shape::Text,
        "模板",
        "用别的模板显示这一页（一般不用改）",
    ),
    field("extra", Shape::Extra, "其他数据", "给模板用的自由数据"),
    field("person", Shape::Text, "人物姓名", "必填"),
    field(
        "occupation",
        Shape::Text,
        "职业或身份",
        "例如 社区托育点负责人",
    ),
    field("honors", Shape::TextList, "获得的荣誉", "每项一个荣誉"),
    field("quote", Shape::LongText, "一句话", "显示为引言"),
    field("family", Shape::Text, "家庭名称", "必填，例如 周德明家庭"),
    field("members", Shape::Members, "家庭成员", "每人写姓名和称呼"),
    field("motto", Shape::LongText, "家风家训", "一两句话"),
    field(
        "kind",
        Shape::EventKind,
        "活动类型",
        "议事会、文化活动、志愿服务、便民服务或其他",
    ),
    field("end", Shape::Date, "结束时间", "比开始时间晚"),
    field("location", Shape::Text, "地点", "例如 社区议事厅"),
    field("organizer", Shape::Text, "组织单位", "例如 听湖社区居委会"),
    field("participants", Shape::Count, "参与人次", "只写数字"),
    field(
        "steps",
        Shape::Steps,
        "议事五步",
        "提出议题、协商讨论、形成决议、结果公示、跟踪落实",
    ),
    field(
        "resolved",
        Shape::Resolved,
        "办成的实事",
        "每类写事项和件数",
    ),
    field("address", Shape::Text, "地址", "必填"),
    field(
        "hours",
        Shape::Text,
        "开放时间",
        "例如 周一至周五 8:30—17:30",
    ),
    field("phone", Shape::Text, "电话", "对外公开的电话"),
    field("areas", Shape::Areas, "功能区", "每个区写名称和说明"),
    field("geo", Shape::Geo, "地图位置", "纬度和经度"),
    field("urgent", Shape::Flag, "紧急", "打开时大屏全屏显示这条通知"),
    field(
        "screen",
        Shape::Screen,
        "大屏播放安排",
        "哪些日子、几点到几点在大堂屏幕上放，每张几秒，是否置顶",
    ),
    field(
        "video",
        Shape::Video,
        "大屏视频",
        "和页面放在一起的 .mp4 或 .webm 短片，大屏静音播放",
    ),
    field("street", Shape::Text, "所属街道", "例如 临江街道"),
    field("brand", Shape::Text, "服务品牌", "例如 听湖议事厅"),
    field("description", Shape::LongText, "简介", "一句话介绍这个社区"),
];

/// The fields a page of `page_type` may have, in the table's order.
pub fn fields_of(page_type: PageType) -> impl Iterator<Item = &'static Field> {
    FIELDS.iter().filter(move |f| page_type.allows(f.name))
}

/// The fields a page of `page_type` must have.
pub fn required_of(page_type: PageType) -> Vec<&'static str> {
    std::iter::once("title")
        .chain(page_type.required_field())
        .collect()
}

/// The names and Chinese labels of the event kinds, as written.
pub const EVENT_KINDS: [(&str, &str); 5] = [
    ("council", "居民议事会"),
    ("culture", "文化活动"),
    ("volunteer", "志愿服务"),
    ("service", "便民服务"),
    ("other", "其他"),
];

/// The council steps, in order, with their Chinese labels.
pub const COUNCIL_STEPS: [(&str, &str); 5] = [
    ("proposal", "提出议题"),
    ("consultation", "协商讨论"),
    ("decision", "形成决议"),
    ("publicity", "结果公示"),
    ("follow_up", "跟踪落实"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::PAGE_TYPES;
    use crate::content::frontmatter::PageFrontMatter;

    #[test]
    fn the_table_has_every_front_matter_field_and_no_other() {
        let value = serde_json::to_value(PageFrontMatter::default()).unwrap_or_default();
        let mut written: Vec<&str> = value
            .as_object()
            .map(|o| o.keys().map(String::as_str).collect())
            .unwrap_or_default();
        let mut listed: Vec<&str> = FIELDS.iter().map(|f| f.name).collect();
        written.sort_unstable();
        listed.sort_unstable();
        assert_eq!(listed, written);
        for page_type in PAGE_TYPES {
            for own in page_type.own_fields() {
                assert!(listed.contains(own), "{own}");
            }
        }
    }

    #[test]
    fn each_type_gets_the_fields_the_build_allows() {
        let story: Vec<&str> = fields_of(PageType::Story).map(|f| f.name).collect();
        assert!(story.contains(&"person") && story.contains(&"title"));
        assert!(!story.contains(&"address") && !story.contains(&"kind"));
        assert_eq!(required_of(PageType::Station), ["title", "address"]);
        assert_eq!(required_of(PageType::Page), ["title"]);
    }
}
