//! Every YAML call of linju lives here, so the parser can be swapped in one
//! file. Errors come back as [`Error`]s with the line counted from the top of
//! the file (callers pass text that starts where the file starts, or say how
//! many lines come before it).

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::error::Error;
use crate::suggest;

/// Parses `text` (lines counted from the file's top, plus `lines_before`)
/// into `T`, turning unknown keys into "did you mean" errors.
pub fn parse<T: DeserializeOwned>(
    path: &Path,
    text: &str,
    lines_before: usize,
) -> Result<T, Error> {
    serde_yaml::from_str(text).map_err(|err| to_error(path, text, lines_before, &err))
}

fn to_error(path: &Path, text: &str, lines_before: usize, err: &serde_yaml::Error) -> Error {
    let full = err.to_string();
    let message = strip_location(&full);
    let mut error = Error::in_file(path, explain(message));
    if let Some(line) = line_of_quoted_value(text, message) {
        // serde reports errors raised by our own value parsers (dates) at
        // the enclosing mapping; the value's own line is more useful.
        error = error.with_line(line + lines_before);
    } else if let Some(location) = err.location() {
        error = error
            .with_line(location.line() + lines_before)
            .with_column(location.column());
    }
    error.with_optional_hint(hint_for(message))
}

/// For "`value` is not a valid ..." messages: the line holding that value.
fn line_of_quoted_value(text: &str, message: &str) -> Option<usize> {
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

/// Rewords serde's messages where a writer would not follow them.
fn explain(message: &str) -> String {
    if let Some(field) = unknown_field_name(message) {
        return format!("unknown field `{field}`");
    }
    if message.contains("expected struct") {
        return "the block must be `key: value` lines (it is a list or a single value)".to_string();
    }
    if message.contains("did not find expected key")
        || message.contains("mapping values are not allowed")
    {
        return format!("the YAML is malformed ({message})");
    }
    message.to_string()
}

fn hint_for(message: &str) -> Option<String> {
    if let Some(field) = unknown_field_name(message) {
        let expected = expected_fields(message);
        let candidates: Vec<&str> = expected.iter().map(String::as_str).collect();
        let mut hint = suggest::did_you_mean(field, &candidates);
        hint.push_str(" (free-form data belongs under `extra:`)");
        return Some(hint);
    }
    if message.contains("mapping values are not allowed") {
        return Some("a value containing `: ` must be quoted, e.g. title: \"通知：停水\"".into());
    }
    if message.contains("invalid type") {
        return Some("check the value's form: lists start each item with `- `, numbers have no quotes or units".into());
    }
    if message.contains("missing field") {
        return Some("add the field to the front matter".into());
    }
    None
}

/// The field name in serde's "unknown field `x`, expected ..." message.
fn unknown_field_name(message: &str) -> Option<&str> {
    let rest = message.strip_prefix("unknown field `")?;
    rest.split('`').next()
}

/// The names in serde's "expected one of `a`, `b`" tail.
fn expected_fields(message: &str) -> Vec<String> {
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
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Sample {
        title: String,
        tags: Option<Vec<String>>,
    }

    #[test]
    fn unknown_field_gets_line_and_suggestion() {
        let err = parse::<Sample>(Path::new("a.md"), "---\ntitle: x\ntagz: [a]\n", 0).unwrap_err();
        assert_eq!(err.line, Some(3));
        assert_eq!(err.message, "unknown field `tagz`");
        assert!(err.hint.unwrap().contains("did you mean `tags`?"));
    }

    #[test]
    fn a_list_instead_of_fields_is_explained_without_type_names() {
        let err = parse::<Sample>(Path::new("a.md"), "---\n- a\n", 0).unwrap_err();
        assert!(!err.message.contains("Sample"), "{err}");
        assert!(err.message.contains("key: value"), "{err}");
    }

    #[test]
    fn syntax_error_line_counts_from_file_top() {
        let err = parse::<Sample>(Path::new("a.md"), "---\ntitle: [x\n", 0).unwrap_err();
        assert!(err.line.is_some_and(|line| line >= 2), "{err:?}");
    }
}
