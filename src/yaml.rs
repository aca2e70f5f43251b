//! Every YAML call of linju lives here, so the parser can be swapped in one
//! file. Errors come back as [`Error`]s with the line counted from the top of
//! the file (callers pass text that starts where the file starts, or say how
//! many lines come before it), worded in both languages: the parser's own
//! text never reaches a writer. Slips of a Chinese keyboard (a full-width
//! colon, a tab, curly quotes) are found on their own line first, since the
//! parser notices them a line later or under another name.

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::error::Error;
use crate::lang::{Text, tr};
use crate::suggest;

/// Parses `text` (lines counted from the file's top, plus `lines_before`)
/// into `T`, turning unknown keys into "did you mean" errors. A byte-order
/// mark (Windows Notepad writes one) is ignored.
pub fn parse<T: DeserializeOwned>(
    path: &Path,
    text: &str,
    lines_before: usize,
) -> Result<T, Error> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if let Some(line) = too_deep(text) {
        return Err(Error::at_line(
            path,
            line + lines_before,
            tr!(
                "这里的方括号或花括号套了太多层（超过 {MAX_DEPTH} 层）",
                "brackets or braces are nested too deep here (more than {MAX_DEPTH} levels)"
            ),
        )
        .with_hint(tr!(
            "列表写成 [甲, 乙]，一组设置写成 {{键: 值}}；检查这一行有没有多打的 [ 或 {{",
            "a list is [a, b] and a group {{key: value}}; check this line for a stray [ or {{"
        )));
    }
    serde_yaml::from_str(text).map_err(|err| to_error(path, text, lines_before, &err))
}

/// `text` without the values a form leaves empty (`""`, `null`, `[]`, `{}`
/// and maps or lists holding only those, at any depth), which mean "not
/// set"; `None` when there are none (or the text is not YAML, or nests too
/// deep), so the text stays exactly as written.
pub fn without_empty_values(text: &str) -> Option<String> {
    if too_deep(text).is_some() {
        return None;
    }
    let mut value: serde_yaml::Value = serde_yaml::from_str(text).ok()?;
    if !prune(&mut value) {
        return None;
    }
    serde_yaml::to_string(&value).ok()
}

/// Removes empty values below `value`; whether it removed any.
fn prune(value: &mut serde_yaml::Value) -> bool {
    use serde_yaml::Value;
    let mut changed = false;
    match value {
        Value::Mapping(map) => {
            for (_, child) in map.iter_mut() {
                changed |= prune(child);
            }
            let before = map.len();
            map.retain(|_, child| !is_empty(child));
            changed |= map.len() != before;
        }
        Value::Sequence(items) => {
            for child in items.iter_mut() {
                changed |= prune(child);
            }
            let before = items.len();
            items.retain(|child| !is_empty(child));
            changed |= items.len() != before;
        }
        _ => {}
    }
    changed
}

fn is_empty(value: &serde_yaml::Value) -> bool {
    use serde_yaml::Value;
    match value {
        Value::Null => true,
        Value::String(text) => text.trim().is_empty(),
        Value::Sequence(items) => items.is_empty(),
        Value::Mapping(map) => map.is_empty(),
        _ => false,
    }
}

/// The deepest nesting of `[` and `{` accepted: front matter needs three.
/// The parser takes time growing with the square of the depth (100,000
/// `[` took 29 s), so deeper text is refused before it is parsed.
const MAX_DEPTH: usize = 64;

/// The line where flow brackets first nest deeper than [`MAX_DEPTH`]
/// (outside quotes and comments), if they do.
fn too_deep(text: &str) -> Option<usize> {
    for (index, line) in text.lines().enumerate() {
        if line.len() >= MAX_DEPTH && deepest_on_line(line) > MAX_DEPTH {
            return Some(index + 1);
        }
    }
    // Nesting spread over many lines.
    let mut depth = 0usize;
    for (index, line) in text.lines().enumerate() {
        depth = depth_after(line, depth);
        if depth > MAX_DEPTH {
            return Some(index + 1);
        }
    }
    None
}

fn deepest_on_line(line: &str) -> usize {
    let mut depth = 0usize;
    let mut deepest = 0;
    scan_brackets(line, |opened| {
        if opened {
            depth += 1;
            deepest = deepest.max(depth);
        } else {
            depth = depth.saturating_sub(1);
        }
    });
    deepest
}

fn depth_after(line: &str, mut depth: usize) -> usize {
    scan_brackets(line, |opened| {
        depth = if opened {
            depth + 1
        } else {
            depth.saturating_sub(1)
        };
    });
    depth
}

/// Calls `seen(true)` for each `[`/`{` and `seen(false)` for each `]`/`}`
/// of a line, outside quotes and after which a comment starts.
fn scan_brackets(line: &str, mut seen: impl FnMut(bool)) {
    let mut quote: Option<char> = None;
    let mut previous = ' ';
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '#') if previous == ' ' => return,
            (None, '[' | '{') => seen(true),
            (None, ']' | '}') => seen(false),
            _ => {}
        }
        previous = c;
    }
}

fn to_error(path: &Path, text: &str, lines_before: usize, err: &serde_yaml::Error) -> Error {
    let full = err.to_string();
    let raw = strip_location(&full);
    let (field, message) = split_field_path(raw);
    let reported_line = err.location().map(|l| l.line());
    let value_line = line_of_quoted_value(text, message);
    if let Some((line, slip)) = keyboard_slip(text, reported_line.max(value_line)) {
        return slip.at(path, line + lines_before);
    }
    let mut error = Error::in_file(path, explain(field, message))
        .with_optional_hint(hint_for(field, message, text));
    // Problems of the whole file come without a place: point at the line
    // that causes them.
    if err.location().is_none()
        && let Some(line) = line_of_whole_file_problem(text, message)
    {
        return error.with_line(line + lines_before);
    }
    if let Some(line) = value_line {
        // serde reports errors raised by our own value parsers (dates) at
        // the enclosing mapping; the value's own line is more useful.
        error = error.with_line(line + lines_before);
    } else if let Some(location) = err.location() {
        error = error
            .with_line(location.line() + lines_before)
            .with_column(location.column());
    }
    error
}

/// For a problem serde reports without a place: the second `---` of a
/// file with two documents, the first alias (`*name`) of an alias bomb.
fn line_of_whole_file_problem(text: &str, message: &str) -> Option<usize> {
    let position = if message.contains("more than one document") {
        text.lines()
            .enumerate()
            .skip(1)
            .position(|(_, line)| line.trim_end() == "---" || line.trim_end() == "...")
            .map(|p| p + 1)
    } else if message.contains("repetition limit") || message.contains("recursion limit") {
        text.lines().position(|line| line.contains('*'))
    } else {
        None
    };
    position.map(|index| index + 1)
}

/// A slip of the keyboard found on one line, with what to type instead.
struct Slip {
    message: Text,
    hint: Text,
}

impl Slip {
    fn at(self, path: &Path, line: usize) -> Error {
        Error::at_line(path, line, self.message).with_hint(self.hint)
    }
}

/// The first keyboard slip at or before the line the parser stopped at
/// (or anywhere, if it gave no line), with its 1-based line.
fn keyboard_slip(text: &str, reported_line: Option<usize>) -> Option<(usize, Slip)> {
    let last = reported_line.unwrap_or(usize::MAX);
    text.lines()
        .enumerate()
        .map(|(index, line)| (index + 1, line))
        .take_while(|(number, _)| *number <= last)
        .find_map(|(number, line)| slip_on_line(line).map(|slip| (number, slip)))
}

fn slip_on_line(line: &str) -> Option<Slip> {
    let indent: &str = &line[..line.len() - line.trim_start().len()];
    if indent.contains('\t') {
        return Some(Slip {
            message: tr!("这一行用 Tab 键缩进了", "this line is indented with a tab"),
            hint: tr!(
                "YAML 只能用空格缩进：把行首的 Tab 换成两个空格",
                "YAML indents with spaces only: replace the tab at the start of the line with two spaces"
            ),
        });
    }
    let body = line.trim_start().trim_start_matches("- ");
    if let Some((key, _)) = body.split_once('：')
        && is_plain_key(key.trim_end())
        && body
            .split_once(':')
            .is_none_or(|(k, _)| k.len() >= key.len())
    {
        let key = key.trim_end();
        return Some(Slip {
            message: tr!(
                "`{key}` 后面用了中文冒号“：”",
                "`{key}` is followed by a full-width colon `：`"
            ),
            hint: tr!(
                "换成英文冒号加一个空格：`{key}: ...`",
                "use an ASCII colon and a space: `{key}: ...`"
            ),
        });
    }
    let value = body.split_once(": ").map(|(_, v)| v.trim())?;
    if value.starts_with(['“', '”', '‘', '’']) && value.ends_with(['“', '”', '‘', '’'])
    {
        let inner = value.trim_matches(['“', '”', '‘', '’']);
        return Some(Slip {
            message: tr!(
                "值两边用了中文引号“ ”",
                "the value is wrapped in curly quotes “ ”"
            ),
            hint: tr!(
                "YAML 的引号要用英文双引号：\"{inner}\"",
                "YAML quotes are ASCII double quotes: \"{inner}\""
            ),
        });
    }
    None
}

/// A key as front matter writes them: ASCII letters, digits and `_`.
fn is_plain_key(key: &str) -> bool {
    !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// For "`value` is not a valid ..." messages: the line holding that value.
fn line_of_quoted_value(text: &str, message: &str) -> Option<usize> {
    let message = Text::from_marked(message).en;
    let value = message.strip_prefix('`')?.split('`').next()?;
    if value.is_empty() || !message.contains("is not a valid") {
        return None;
    }
    text.lines()
        .position(|line| line.split_once(':').is_some_and(|(_, v)| v.contains(value)))
        .map(|index| index + 1)
}

/// serde_yaml appends " at line L column C"; we report those ourselves.
fn strip_location(message: &str) -> &str {
    match message.rfind(" at line ") {
        Some(at) => &message[..at],
        None => message,
    }
}

/// serde_yaml starts errors inside a field with its path (`steps[1].date: `).
fn split_field_path(message: &str) -> (Option<&str>, &str) {
    match message.split_once(": ") {
        Some((path, rest))
            if !path.is_empty()
                && path
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_.[]".contains(c)) =>
        {
            (Some(path), rest)
        }
        _ => (None, message),
    }
}

/// What serde's message means, in both languages.
fn explain(field: Option<&str>, message: &str) -> Text {
    let prefix = field.map_or_else(Text::default, |f| {
        Text::new(format!("`{f}`："), format!("`{f}`: "))
    });
    prefix.append(&explain_message(message))
}

fn explain_message(message: &str) -> Text {
    let marked = Text::from_marked(message);
    if marked.zh != marked.en {
        return marked;
    }
    if let Some(field) = unknown_field_name(message) {
        return tr!("没有 `{field}` 这个字段", "unknown field `{field}`");
    }
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        let found = describe_found(found);
        let expected = describe_expected(expected);
        return Text::new(
            format!("这里应该写{}，现在写的是{}", spaced(&expected.zh), found.zh),
            format!("this should be {}, but it is {}", expected.en, found.en),
        );
    }
    if let Some(rest) = message.strip_prefix("invalid value: ") {
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        let found = describe_found(found);
        let expected = describe_expected(expected);
        return Text::new(
            format!("这里应该写{}，现在写的是{}", spaced(&expected.zh), found.zh),
            format!("this should be {}, not {}", expected.en, found.en),
        );
    }
    if let Some(rest) = message.strip_prefix("unknown variant `") {
        let value = rest.split('`').next().unwrap_or_default();
        return tr!(
            "这里不能写 `{value}`",
            "`{value}` is not one of the choices"
        );
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        let field = rest.split('`').next().unwrap_or_default();
        return tr!("缺少字段 `{field}`", "missing field `{field}`");
    }
    if let Some(rest) = message.strip_prefix("duplicate field `") {
        let field = rest.split('`').next().unwrap_or_default();
        return tr!(
            "字段 `{field}` 写了两次",
            "the field `{field}` is written twice"
        );
    }
    if message.contains("expected struct") {
        return tr!(
            "这一块必须是 `键: 值` 的行（现在是列表或单个值）",
            "the block must be `key: value` lines (it is a list or a single value)"
        );
    }
    if message.contains("more than one document") {
        return tr!(
            "文件里有第二个 `---`，YAML 只能有一段",
            "the file holds a second `---`; YAML here must be one block"
        );
    }
    if message.contains("repetition limit") || message.contains("recursion limit") {
        return tr!(
            "别名（& 和 *）展开后太大",
            "aliases (& and *) expand to too much"
        );
    }
    tr!(
        "这一行的 YAML 写法有误",
        "the YAML on this line is malformed"
    )
}

/// A space before Latin text that follows Chinese.
fn spaced(text: &str) -> String {
    if text.starts_with(|c: char| c.is_ascii()) {
        format!(" {text}")
    } else {
        text.to_string()
    }
}

/// serde's "found" half (`string "很多"`, `sequence`) for a writer.
fn describe_found(found: &str) -> Text {
    if let Some(value) = found.strip_prefix("string ") {
        let value = value.trim_matches('"');
        return tr!("文字“{value}”", "the text \"{value}\"");
    }
    if let Some(value) = found
        .strip_prefix("integer `")
        .or_else(|| found.strip_prefix("floating point `"))
    {
        let value = value.trim_end_matches('`');
        return tr!("数字 {value}", "the number {value}");
    }
    if let Some(value) = found.strip_prefix("boolean `") {
        let value = value.trim_end_matches('`');
        return tr!("真假值 {value}", "the boolean {value}");
    }
    match found {
        "sequence" => tr!("一个列表", "a list"),
        "map" => tr!("一组 `键: 值`", "a block of `key: value` lines"),
        "unit value" => tr!("空值", "nothing"),
        other => Text::same(other),
    }
}

/// serde's "expected" half (`u64`, `a sequence`) for a writer.
fn describe_expected(expected: &str) -> Text {
    let expected = expected.trim();
    match expected {
        "u8" | "u16" | "u32" | "u64" | "usize" => tr!(
            "不带单位的整数（如 120）",
            "a whole number without units (such as 120)"
        ),
        "i8" | "i16" | "i32" | "i64" | "isize" => tr!("整数", "a whole number"),
        "f32" | "f64" => tr!("数字", "a number"),
        "a boolean" => tr!("true 或 false", "true or false"),
        "a string" => tr!("一段文字", "a piece of text"),
        "a sequence" => tr!("一个列表", "a list"),
        _ if expected.starts_with("struct") || expected.contains("map") => {
            tr!("一组 `键: 值`", "a block of `key: value` lines")
        }
        _ if expected.starts_with("a nonzero") || expected.contains("nonzero") => {
            tr!("大于 0 的整数", "a whole number above 0")
        }
        _ => tr!("别的写法", "something else"),
    }
}

/// What to type instead, when there is something to say.
fn hint_for(field: Option<&str>, message: &str, text: &str) -> Option<Text> {
    if let Some(field) = unknown_field_name(message) {
        let expected = expected_names(message);
        let candidates: Vec<&str> = expected.iter().map(String::as_str).collect();
        let hint = suggest::did_you_mean(field, &candidates);
        return Some(hint.append(&tr!(
            "（自由的数据放在 `extra:` 下）",
            " (free-form data belongs under `extra:`)"
        )));
    }
    if let Some(rest) = message.strip_prefix("unknown variant `") {
        let value = rest.split('`').next().unwrap_or_default();
        let expected = expected_names(message);
        let candidates: Vec<&str> = expected.iter().map(String::as_str).collect();
        return Some(suggest::did_you_mean(value, &candidates));
    }
    if message.contains("repetition limit") || message.contains("recursion limit") {
        return Some(tr!(
            "不要用 & 和 * 引用别处的内容，把要的值直接写出来",
            "do not refer to other parts with & and *: write the values out"
        ));
    }
    if message.contains("mapping values are not allowed") {
        return Some(tr!(
            "值里有“: ”时要加英文引号，例如 title: \"通知: 停水\"",
            "a value containing `: ` must be quoted, e.g. title: \"通知: 停水\""
        ));
    }
    if message.starts_with("invalid type") && message.ends_with("a sequence") {
        return Some(list_hint(field, text));
    }
    if message.ends_with("a boolean") {
        return Some(tr!(
            "写 true（是）或 false（否），不加引号",
            "write true or false, without quotes"
        ));
    }
    if message.ends_with("u64") || message.ends_with("u32") || message.ends_with("usize") {
        let key = field.unwrap_or("participants");
        return Some(tr!(
            "只写数字，不加引号和单位，例如 {key}: 120",
            "write just the number, without quotes or units, e.g. {key}: 120"
        ));
    }
    if message.starts_with("invalid type") || message.starts_with("invalid value") {
        return Some(tr!(
            "数字不加引号和单位；列表每项以 `- ` 开头；日期写成 2025-11-10",
            "check the value's form: lists start each item with `- `, numbers have no quotes or units"
        ));
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        // The same words fit front matter and linju.yaml.
        let name = rest.split('`').next().unwrap_or_default();
        return Some(tr!(
            "在这个文件里加上 `{name}: ...`",
            "add `{name}: ...` to this file"
        ));
    }
    if message.contains("found character that cannot start any token")
        || message.contains("did not find expected")
        || message.contains("while scanning")
        || message.contains("while parsing")
    {
        return Some(tr!(
            "每行写成 `键: 值`（英文冒号后加空格）；值以 @ ` [ {{ 等符号开头时，用英文引号把整个值括起来",
            "write each line as `key: value` (ASCII colon, then a space); quote a value that starts with @ ` [ {{ or similar"
        ));
    }
    None
}

/// The hint for a value that should be a list: the list written out, from
/// the writer's own items when they separated them with a Chinese comma.
fn list_hint(field: Option<&str>, text: &str) -> Text {
    let key = field.unwrap_or("tags");
    let written = text
        .lines()
        .find_map(|line| line.strip_prefix(key)?.trim_start().strip_prefix(':'))
        .map(str::trim)
        .unwrap_or_default();
    let items: Vec<&str> = written
        .split(['，', '、', ',', '；'])
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .collect();
    let example = if items.is_empty() {
        "[志愿服务, 邻里]".to_string()
    } else {
        format!("[{}]", items.join(", "))
    };
    tr!(
        "列表写在方括号里，用英文逗号隔开：{key}: {example}",
        "write a list in square brackets with ASCII commas: {key}: {example}"
    )
}

/// The field name in serde's "unknown field `x`, expected ..." message.
fn unknown_field_name(message: &str) -> Option<&str> {
    let rest = message.strip_prefix("unknown field `")?;
    rest.split('`').next()
}

/// The names in serde's "expected one of `a`, `b`" tail.
fn expected_names(message: &str) -> Vec<String> {
    let Some((_, tail)) = message.split_once("expected") else {
        return Vec::new();
    };
    tail.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {

    #[test]
    fn empty_values_go_at_any_depth_and_nothing_else_changes() {
        let text = "title: 议事\ncover: ''\nsteps:\n  proposal:\n    date: ''\n    done: false\n  decision: {}\ntags: []\n";
        assert_eq!(
            without_empty_values(text).as_deref(),
            Some("title: 议事\nsteps:\n  proposal:\n    done: false\n")
        );
        assert_eq!(
            without_empty_values("title: 议事\ndraft: false\ncount: 0\n"),
            None,
            "false and 0 are values"
        );
        assert_eq!(
            without_empty_values("title: [未闭合\n"),
            None,
            "not YAML: left for the build to report"
        );
    }

    use super::*;
    use crate::lang::Lang;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Sample {
        title: String,
        tags: Option<Vec<String>>,
        count: Option<u64>,
    }

    fn error(text: &str) -> Error {
        parse::<Sample>(Path::new("a.md"), text, 0).unwrap_err()
    }

    #[test]
    fn unknown_field_gets_line_and_suggestion() {
        let err = error("---\ntitle: x\ntagz: [a]\n");
        assert_eq!(err.line, Some(3));
        assert_eq!(err.message.get(Lang::En), "unknown field `tagz`");
        assert!(err.hint.unwrap().zh.contains("是不是想写 `tags`？"));
    }

    #[test]
    fn a_list_instead_of_fields_is_explained_without_type_names() {
        let err = error("---\n- a\n");
        assert!(!err.message.contains("Sample"), "{err}");
        assert!(err.message.contains("key: value"), "{err}");
    }

    #[test]
    fn syntax_error_line_counts_from_file_top() {
        let err = error("---\ntitle: [x\n");
        assert!(err.line.is_some_and(|line| line >= 2), "{err:?}");
    }

    #[test]
    fn a_full_width_colon_is_reported_on_its_own_line() {
        let err = error("---\ntitle： 停水\ntags: [a]\n");
        assert_eq!(err.line, Some(2), "{err:?}");
        assert!(err.message.zh.contains("中文冒号"), "{err:?}");
    }

    #[test]
    fn a_tab_indent_is_named() {
        let err = error("---\ntitle: x\ntags:\n\t- a\n");
        assert_eq!(err.line, Some(4), "{err:?}");
        assert!(err.message.zh.contains("Tab"), "{err:?}");
    }

    #[test]
    fn a_list_written_with_chinese_commas_gets_the_list_back() {
        let err = error("---\ntitle: x\ntags: 志愿服务，邻里\n");
        assert_eq!(
            err.hint.unwrap().zh,
            "列表写在方括号里，用英文逗号隔开：tags: [志愿服务, 邻里]"
        );
    }

    #[test]
    fn no_parser_wording_reaches_the_writer() {
        for text in [
            "---\ntitle: x\ncount: 很多\n",
            "---\ntitle: x\ncount: -3\n",
            "---\ntitle: @x\n",
            "---\ntitle: x\n  bad: indent\n",
            "---\ntitle: x\ntitle: y\n",
        ] {
            let err = error(text);
            for raw in [
                "invalid type",
                "expected u64",
                "cannot start any token",
                "found",
            ] {
                assert!(!err.render(Lang::Zh).contains(raw), "{text}: {err:?}");
            }
        }
    }
}
