//! The character classes of CommonMark's flanking rules and of their
//! CJK-friendly amendment (`tats-u/markdown-cjk-friendly`): Unicode
//! whitespace and punctuation, CJK characters and punctuation, and the
//! variation selectors that may follow them. Unicode data comes from
//! unicode-rs's tables (general category, emoji presentation, East Asian
//! width through display width, Hangul script).

use unicode_properties::{GeneralCategoryGroup, UnicodeEmoji, UnicodeGeneralCategory};
use unicode_script::{Script, UnicodeScript};
use unicode_width::UnicodeWidthChar;

/// CommonMark's Unicode whitespace: `Zs`, tab, line feed, form feed,
/// carriage return.
pub fn is_whitespace(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\x0C' | '\r' | ' ')
        || c.general_category() == unicode_properties::GeneralCategory::SpaceSeparator
}

/// CommonMark's Unicode punctuation: general categories `P` and `S`.
pub fn is_punctuation(c: char) -> bool {
    matches!(
        c.general_category_group(),
        GeneralCategoryGroup::Punctuation | GeneralCategoryGroup::Symbol
    )
}

/// A CJK character: East Asian Width W, F or H and not shown as an emoji
/// by default, or Hangul.
pub fn is_cjk(c: char) -> bool {
    let wide = c.width() == Some(2) || is_halfwidth(c);
    (wide && !is_default_emoji(c)) || c.script() == Script::Hangul
}

/// East Asian Width H: halfwidth katakana and Hangul, halfwidth symbols.
fn is_halfwidth(c: char) -> bool {
    matches!(c, '\u{20A9}' | '\u{FF61}'..='\u{FFDC}' | '\u{FFE8}'..='\u{FFEE}')
}

fn is_default_emoji(c: char) -> bool {
    use unicode_properties::EmojiStatus::*;
    matches!(
        c.emoji_status(),
        EmojiPresentation
            | EmojiPresentationAndModifierBase
            | EmojiPresentationAndEmojiComponent
            | EmojiPresentationAndModifierAndEmojiComponent
    )
}

/// Punctuation that is not CJK (`!`, `)`, `“`, `«`, `∇`).
pub fn is_non_cjk_punctuation(c: char) -> bool {
    is_punctuation(c) && !is_cjk(c)
}

/// A variation selector that may follow a CJK character or punctuation
/// (U+FE00–U+FE0E; U+FE0F asks for an emoji).
pub fn is_text_variation_selector(c: char) -> bool {
    ('\u{FE00}'..='\u{FE0E}').contains(&c)
}

/// An Ideographic Variation Selector (U+E0100–U+E01EF).
pub fn is_ideographic_variation_selector(c: char) -> bool {
    ('\u{E0100}'..='\u{E01EF}').contains(&c)
}

/// What comes before a delimiter run, read as the amendment reads it: a
/// character, with a trailing variation selector giving way to the
/// character it modifies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Before {
    /// Line start or whitespace.
    Space,
    /// Non-CJK punctuation (possibly with a variation selector).
    NonCjkPunctuation,
    /// A CJK character (possibly with a variation selector).
    Cjk,
    /// An Ideographic Variation Selector.
    IdeographicSelector,
    /// Anything else (a letter, a digit).
    Other,
}

impl Before {
    /// Classifies the text before a run from its last two characters.
    pub fn of(last: Option<char>, second_last: Option<char>) -> Before {
        let Some(mut c) = last else {
            return Before::Space;
        };
        if is_ideographic_variation_selector(c) {
            return Before::IdeographicSelector;
        }
        if is_text_variation_selector(c)
            && let Some(base) = second_last
        {
            // A quotation mark asked for in its fullwidth form (a CJK
            // ambiguous punctuation sequence) is CJK punctuation.
            if c == '\u{FE01}' && matches!(base, '‘' | '’' | '“' | '”') {
                return Before::Cjk;
            }
            c = base;
        }
        if is_whitespace(c) {
            Before::Space
        } else if is_cjk(c) {
            Before::Cjk
        } else if is_punctuation(c) {
            Before::NonCjkPunctuation
        } else {
            Before::Other
        }
    }

    /// Whether it is Unicode punctuation of any kind (the `_` rules).
    pub fn is_punctuation(last: Option<char>, second_last: Option<char>) -> bool {
        let c = match (last, second_last) {
            (Some(c), Some(base)) if is_text_variation_selector(c) => base,
            (Some(c), _) => c,
            (None, _) => return false,
        };
        is_punctuation(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_of_the_characters_chinese_text_uses() {
        for c in ['中', '，', '。', '：', '（', '」', '、', 'ｱ', '한', '　'] {
            assert!(is_cjk(c), "{c} is CJK");
        }
        for c in ['a', '1', '“', '”', '(', '!', '«', '∇', '😀'] {
            assert!(!is_cjk(c), "{c} is not CJK");
        }
        assert!(is_non_cjk_punctuation('“') && is_non_cjk_punctuation(')'));
        assert!(!is_non_cjk_punctuation('，') && !is_non_cjk_punctuation('中'));
        assert!(is_whitespace('\u{3000}') && is_whitespace('\n') && !is_whitespace('中'));
        assert!(is_punctuation('¥') && is_punctuation('$') && !is_punctuation('a'));
    }

    #[test]
    fn a_variation_selector_gives_way_to_its_character() {
        assert_eq!(Before::of(Some('\u{FE00}'), Some('大')), Before::Cjk);
        assert_eq!(
            Before::of(Some('\u{E0100}'), Some('禰')),
            Before::IdeographicSelector
        );
        assert_eq!(Before::of(None, None), Before::Space);
        assert_eq!(Before::of(Some(')'), Some('a')), Before::NonCjkPunctuation);
        assert_eq!(Before::of(Some('\u{FE01}'), Some('”')), Before::Cjk);
        assert_eq!(Before::of(Some('”'), Some('a')), Before::NonCjkPunctuation);
    }
}
