//! URL slugs: ASCII names stay as they are, Chinese becomes readable pinyin
//! (`张桂兰` → `zhang-gui-lan`). Every slug is a single safe path segment.

/// A slug for one path segment; never empty, never `.` or `..`, no `/`.
pub fn slugify(text: &str) -> String {
    let slug = slug::slugify(text);
    if slug.is_empty() {
        "page".to_string()
    } else {
        slug
    }
}

/// True when `text` is already usable as a path segment unchanged.
pub fn is_plain_ascii_slug(text: &str) -> bool {
    !text.is_empty()
        && text != "."
        && text != ".."
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
        && !text.starts_with('.')
}

/// The slug for a file stem: an ASCII stem is kept (lower-cased), anything
/// else goes through pinyin.
pub fn slug_for_stem(stem: &str) -> String {
    if is_plain_ascii_slug(stem) {
        stem.to_ascii_lowercase()
    } else {
        slugify(stem)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_becomes_pinyin() {
        assert_eq!(slug_for_stem("张桂兰"), "zhang-gui-lan");
        assert_eq!(
            slugify("身边的奋斗者：张桂兰"),
            "shen-bian-de-fen-dou-zhe-zhang-gui-lan"
        );
    }

    #[test]
    fn ascii_stems_are_kept() {
        assert_eq!(slug_for_stem("council-2025-11"), "council-2025-11");
    }

    #[test]
    fn slugs_cannot_escape() {
        for nasty in ["..", "../../etc", "/etc/passwd", ".", ""] {
            let slug = slug_for_stem(nasty);
            assert!(
                !slug.contains('/') && slug != ".." && slug != "." && !slug.is_empty(),
                "{nasty} -> {slug}"
            );
        }
    }
}
