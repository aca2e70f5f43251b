//! The one error type of linju: every problem a writer can cause carries the
//! file it is in, the line (counted from the top of that file) and a hint
//! saying what to do. Nothing here prints or exits; `main` does that.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::lang::{Label, Lang, Text, tr};

/// A problem found while loading or building a site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// The file the problem is in, if it is in one.
    pub path: Option<PathBuf>,
    /// 1-based line in that file.
    pub line: Option<usize>,
    /// 1-based column in that line.
    pub column: Option<usize>,
    /// What is wrong, in one sentence.
    pub message: Text,
    /// What the writer can do about it (boxed: most errors are passed
    /// around far more often than they carry a hint).
    pub hint: Option<Box<Text>>,
}

/// The result type used across linju.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An error with a message and nothing else yet.
    pub fn new(message: Text) -> Self {
        Error {
            path: None,
            line: None,
            column: None,
            message,
            hint: None,
        }
    }

    /// An error in a file, without a known line.
    pub fn in_file(path: impl AsRef<Path>, message: Text) -> Self {
        Error::new(message).with_path(path)
    }

    /// An error in a file, at a line if it is known.
    pub fn in_file_at(path: impl AsRef<Path>, line: Option<usize>, message: Text) -> Self {
        let error = Error::in_file(path, message);
        match line {
            Some(line) => error.with_line(line),
            None => error,
        }
    }

    /// An error at a line of a file.
    pub fn at_line(path: impl AsRef<Path>, line: usize, message: Text) -> Self {
        Error::in_file(path, message).with_line(line)
    }

    /// An I/O failure on `path`, worded for a writer; `action` is what was
    /// being done, in Chinese and in English (`("读取文件", "read the file")`).
    pub fn io(path: impl AsRef<Path>, action: (&str, &str), err: &std::io::Error) -> Self {
        let (zh, en) = action;
        let reason = io_reason(err);
        let (zh_reason, en_reason) = (&reason.zh, &reason.en);
        Error::in_file(
            path,
            tr!("无法{zh}：{zh_reason}", "could not {en}: {en_reason}"),
        )
        .with_optional_hint(io_hint(err))
    }

    /// Sets the file.
    pub fn with_path(mut self, path: impl AsRef<Path>) -> Self {
        self.path = Some(path.as_ref().to_path_buf());
        self
    }

    /// Sets the line.
    pub fn with_line(mut self, line: usize) -> Self {
        self.line = Some(line);
        self
    }

    /// Sets the column.
    pub fn with_column(mut self, column: usize) -> Self {
        self.column = Some(column);
        self
    }

    /// Sets the hint.
    pub fn with_hint(mut self, hint: Text) -> Self {
        self.hint = Some(Box::new(hint));
        self
    }

    /// Sets the hint only when there is one.
    pub fn with_optional_hint(mut self, hint: Option<Text>) -> Self {
        if let Some(hint) = hint {
            self.hint = Some(Box::new(hint));
        }
        self
    }
}

/// What to do about a failure of the machine rather than of the writer.
fn io_hint(err: &std::io::Error) -> Option<Text> {
    use std::io::ErrorKind;
    match err.kind() {
        ErrorKind::StorageFull => Some(tr!(
            "磁盘空间不够：删掉不用的文件，或用 --output 换到空间大的磁盘；上一版网站没有改动",
            "the disk is full: delete files you no longer need, or pass --output on a larger disk; the previous site is untouched"
        )),
        ErrorKind::ReadOnlyFilesystem | ErrorKind::PermissionDenied => Some(tr!(
            "换一个可以写入的输出位置（--output），或请管理员开放写入权限",
            "choose an output folder you may write to (--output), or ask for write access"
        )),
        _ => None,
    }
}

/// Why an operation on a file failed, in words a writer knows; the
/// system's own text for the rarer cases.
fn io_reason(err: &std::io::Error) -> Text {
    use std::io::ErrorKind;
    match err.kind() {
        ErrorKind::NotFound => tr!("文件或文件夹不存在", "it does not exist"),
        ErrorKind::PermissionDenied => tr!("没有权限", "permission denied"),
        ErrorKind::AlreadyExists => tr!("已经存在", "it already exists"),
        ErrorKind::StorageFull => tr!("磁盘已满", "the disk is full"),
        ErrorKind::ReadOnlyFilesystem => tr!("磁盘只读", "the disk is read-only"),
        ErrorKind::InvalidData => tr!("内容不是 UTF-8 文本", "it is not UTF-8 text"),
        _ => Text::same(err.to_string()),
    }
}

impl Error {
    /// The message as a writer reads it in `lang`: `file:line: what` and,
    /// indented below, the hint.
    pub fn render(&self, lang: Lang) -> String {
        let mut out = String::new();
        if let Some(path) = &self.path {
            out.push_str(&path.display().to_string());
            if let Some(line) = self.line {
                out.push_str(&format!(":{line}"));
                if let Some(column) = self.column {
                    out.push_str(&format!(":{column}"));
                }
            }
            out.push_str(": ");
        }
        out.push_str(self.message.get(lang));
        if let Some(hint) = &self.hint {
            out.push_str("\n  ");
            out.push_str(lang.label(Label::Hint));
            out.push_str(hint.get(lang));
        }
        out
    }
}

/// English; what a writer sees is [`Error::render`] in the site's language.
impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Lang::En))
    }
}

impl std::error::Error for Error {}

/// Every problem a build found, so a writer can fix them all at once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Errors(pub Vec<Error>);

impl Errors {
    /// True when nothing went wrong.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Adds one problem.
    pub fn push(&mut self, error: Error) {
        self.0.push(error);
    }

    /// Keeps the value of `result`, or records its error and returns `None`.
    pub fn keep<T>(&mut self, result: Result<T>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                self.push(error);
                None
            }
        }
    }

    /// `Ok(value)` if nothing was recorded, the sorted problems otherwise.
    pub fn into_result<T>(mut self, value: T) -> std::result::Result<T, Errors> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            self.0
                .sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
            self.0.dedup();
            Err(self)
        }
    }
}

impl From<Error> for Errors {
    fn from(error: Error) -> Self {
        Errors(vec![error])
    }
}

impl Errors {
    /// Every problem, one after another, each starting with the `kind`
    /// label in `lang` (`错误：`, `警告：`).
    pub fn render(&self, lang: Lang, kind: Label) -> String {
        let lines: Vec<String> = self
            .0
            .iter()
            .map(|error| format!("{}{}", lang.label(kind), error.render(lang)))
            .collect();
        lines.join("\n")
    }
}

/// English; what a writer sees is [`Errors::render`] in the site's language.
impl fmt::Display for Errors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Lang::En, Label::Error))
    }
}

impl std::error::Error for Errors {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_file_line_and_hint() {
        let error = Error::at_line("content/a.md", 3, tr!("日期不对", "bad date"))
            .with_hint(tr!("写成 2025-11-10", "write 2025-11-10"));
        assert_eq!(
            error.render(Lang::En),
            "content/a.md:3: bad date\n  hint: write 2025-11-10"
        );
        assert_eq!(
            error.render(Lang::Zh),
            "content/a.md:3: 日期不对\n  提示：写成 2025-11-10"
        );
    }

    #[test]
    fn errors_are_sorted_by_file_and_line() {
        let mut errors = Errors::default();
        errors.push(Error::at_line("b.md", 1, Text::same("x")));
        errors.push(Error::at_line("a.md", 9, Text::same("y")));
        errors.push(Error::at_line("a.md", 2, Text::same("z")));
        let sorted = errors.into_result(()).unwrap_err();
        let lines: Vec<_> = sorted.0.iter().map(|e| e.to_string()).collect();
        assert_eq!(lines, ["a.md:2: z", "a.md:9: y", "b.md:1: x"]);
    }
}
