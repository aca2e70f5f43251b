//! The writers' language: every message a writer can cause exists in
//! Chinese and in English ([`Text`]), and the site's `language` (or
//! `LINJU_LANG`) picks which one is shown ([`Lang`]).

use std::fmt;
use std::path::Path;

/// The language messages are shown in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum Lang {
    /// Simplified Chinese: the default, as for a site without `language:`.
    #[default]
    Zh,
    /// English.
    En,
}

impl Lang {
    /// The language of a site whose `language:` is `tag` (`zh-CN`, `en`).
    pub fn from_tag(tag: &str) -> Lang {
        if tag.trim().to_ascii_lowercase().starts_with("zh") {
            Lang::Zh
        } else {
            Lang::En
        }
    }

    /// `LINJU_LANG` (`zh` or `en`) when set, otherwise the language of
    /// `linju.yaml` in `root`. Read with a plain line scan, so a
    /// configuration too broken to parse still gets its errors in its
    /// writer's language.
    pub fn for_site(root: &Path) -> Lang {
        if let Some(lang) = std::env::var("LINJU_LANG")
            .ok()
            .filter(|value| !value.trim().is_empty())
        {
            return Lang::from_tag(&lang);
        }
        let path = root.join("linju.yaml");
        // Only a regular file: a pipe in its place would wait forever.
        let text = if std::fs::metadata(&path).is_ok_and(|m| m.is_file()) {
            std::fs::read_to_string(&path).unwrap_or_default()
        } else {
            String::new()
        };
        Lang::from_config_text(&text)
    }

    /// The language named by a top-level `language:` line, Chinese without one.
    pub fn from_config_text(text: &str) -> Lang {
        text.lines()
            .find_map(|line| {
                line.trim_start_matches('\u{feff}')
                    .strip_prefix("language:")
            })
            .map(|value| value.trim().trim_matches(|c| c == '"' || c == '\''))
            .map_or(Lang::Zh, Lang::from_tag)
    }

    /// What a line of the given kind starts with (`错误：`, `error: `).
    pub fn label(self, kind: Label) -> &'static str {
        match (self, kind) {
            (Lang::Zh, Label::Error) => "错误：",
            (Lang::Zh, Label::Warning) => "警告：",
            (Lang::Zh, Label::Hint) => "提示：",
            (Lang::En, Label::Error) => "error: ",
            (Lang::En, Label::Warning) => "warning: ",
            (Lang::En, Label::Hint) => "hint: ",
        }
    }
}

/// The kinds of line a message is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Label {
    /// A problem that stops the build.
    Error,
    /// A problem that does not.
    Warning,
    /// What to do about it.
    Hint,
}

/// One message in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Text {
    /// Chinese.
    pub zh: String,
    /// English.
    pub en: String,
}

impl Text {
    /// A message with its Chinese and English wording.
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Text {
        Text {
            zh: zh.into(),
            en: en.into(),
        }
    }

    /// Text that reads the same in every language: a path, a value the
    /// writer typed, a tool's own report.
    pub fn same(text: impl Into<String>) -> Text {
        let text = text.into();
        Text {
            zh: text.clone(),
            en: text,
        }
    }

    /// The wording in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }

    /// True when either wording contains `needle` (for tests and checks).
    pub fn contains(&self, needle: &str) -> bool {
        self.zh.contains(needle) || self.en.contains(needle)
    }

    /// Both wordings in one string, for channels that carry only a string
    /// (serde's and Tera's custom errors); [`Text::from_marked`] takes them
    /// apart again, wherever the string ends up inside a longer message.
    pub fn marked(&self) -> String {
        format!("{START}{}{SPLIT}{}{START}", self.zh, self.en)
    }

    /// A message that may hold [`Text::marked`] pieces: each piece shows its
    /// own wording in each language; the rest reads the same.
    pub fn from_marked(message: &str) -> Text {
        let mut text = Text::default();
        for (index, part) in message.split(START).enumerate() {
            match part.split_once(SPLIT) {
                Some((zh, en)) if index % 2 == 1 => {
                    text.zh.push_str(zh);
                    text.en.push_str(en);
                }
                _ => {
                    text.zh.push_str(part);
                    text.en.push_str(part);
                }
            }
        }
        text
    }

    /// Appends `more` to both wordings.
    pub fn append(mut self, more: &Text) -> Text {
        self.zh.push_str(&more.zh);
        self.en.push_str(&more.en);
        self
    }
}

/// Where a [`Text::marked`] piece starts and ends.
const START: char = '\u{1e}';
/// Between its Chinese and its English wording.
const SPLIT: char = '\u{1f}';

/// English, for logs and `Debug`-like uses; writers see [`Text::get`].
impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.en)
    }
}

/// A [`Text`] from a Chinese and an English format string, each able to name
/// variables in scope: `tr!("缺少字段 `{field}`", "missing field `{field}`")`.
macro_rules! tr {
    ($zh:literal, $en:literal $(,)?) => {
        $crate::lang::Text::new(format!($zh), format!($en))
    };
}
pub(crate) use tr;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_sites_and_the_default_read_chinese() {
        assert_eq!(
            Lang::from_config_text("title: x\nlanguage: zh-CN\n"),
            Lang::Zh
        );
        assert_eq!(Lang::from_config_text("title: x\n"), Lang::Zh);
        assert_eq!(Lang::from_config_text("language: \"en\"\n"), Lang::En);
        assert_eq!(
            Lang::from_config_text("\u{feff}language: en-GB\n"),
            Lang::En
        );
    }

    #[test]
    fn marked_pieces_survive_being_wrapped() {
        let inner = Text::new("找不到", "not found").marked();
        let text = Text::from_marked(&format!("Failed: {inner}!"));
        assert_eq!(text.zh, "Failed: 找不到!");
        assert_eq!(text.en, "Failed: not found!");
    }

    #[test]
    fn tr_formats_both_wordings_with_captured_names() {
        let field = "title";
        let text = tr!("缺少字段 `{field}`", "missing field `{field}`");
        assert_eq!(text.get(Lang::Zh), "缺少字段 `title`");
        assert_eq!(text.get(Lang::En), "missing field `title`");
    }
}
