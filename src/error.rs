//! The one error type of linju: every problem a writer can cause carries the
//! file it is in, the line (counted from the top of that file) and a hint
//! saying what to do. Nothing here prints or exits; `main` does that.

use std::fmt;
use std::path::{Path, PathBuf};

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
    pub message: String,
    /// What the writer can do about it.
    pub hint: Option<String>,
}

/// The result type used across linju.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An error with a message and nothing else yet.
    pub fn new(message: impl Into<String>) -> Self {
        Error {
            path: None,
            line: None,
            column: None,
            message: message.into(),
            hint: None,
        }
    }

    /// An error in a file, without a known line.
    pub fn in_file(path: impl AsRef<Path>, message: impl Into<String>) -> Self {
        Error::new(message).with_path(path)
    }

    /// An error at a line of a file.
    pub fn at_line(path: impl AsRef<Path>, line: usize, message: impl Into<String>) -> Self {
        Error::in_file(path, message).with_line(line)
    }

    /// An I/O failure on `path`, worded for a writer.
    pub fn io(path: impl AsRef<Path>, action: &str, err: &std::io::Error) -> Self {
        Error::in_file(path, format!("could not {action}: {err}"))
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
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Sets the hint only when there is one.
    pub fn with_optional_hint(mut self, hint: Option<String>) -> Self {
        if hint.is_some() {
            self.hint = hint;
        }
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(path) = &self.path {
            write!(f, "{}", path.display())?;
            if let Some(line) = self.line {
                write!(f, ":{line}")?;
                if let Some(column) = self.column {
                    write!(f, ":{column}")?;
                }
            }
            write!(f, ": ")?;
        }
        write!(f, "{}", self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
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

impl fmt::Display for Errors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, error) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "error: {error}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Errors {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_file_line_and_hint() {
        let error = Error::at_line("content/a.md", 3, "bad date").with_hint("write 2025-11-10");
        assert_eq!(
            error.to_string(),
            "content/a.md:3: bad date\n  hint: write 2025-11-10"
        );
    }

    #[test]
    fn errors_are_sorted_by_file_and_line() {
        let mut errors = Errors::default();
        errors.push(Error::at_line("b.md", 1, "x"));
        errors.push(Error::at_line("a.md", 9, "y"));
        errors.push(Error::at_line("a.md", 2, "z"));
        let sorted = errors.into_result(()).unwrap_err();
        let lines: Vec<_> = sorted.0.iter().map(|e| e.to_string()).collect();
        assert_eq!(lines, ["a.md:2: z", "a.md:9: y", "b.md:1: x"]);
    }
}
