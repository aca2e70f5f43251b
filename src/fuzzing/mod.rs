//! Entry points for the fuzz harness (`tests/integration/fuzz.rs`, and
//! `bench/fuzz.sh` for long runs): each takes what a writer or a camera
//! could hand linju and runs it through the code that reads it, as the
//! build does. Input may be refused with errors; it must never make linju
//! panic or wait, and every error must name its file and a line inside it.
//! Not part of the API a site or theme uses.

use std::path::Path;

use crate::config::Config;
use crate::content::frontmatter;
use crate::error::Error;
use crate::images;
use crate::markdown::{self, HtmlPolicy, LinkContext};

/// What became of one input.
#[derive(Debug)]
pub enum Outcome {
    /// Read without complaint.
    Accepted,
    /// Refused with these errors.
    Refused(Vec<Error>),
}

impl Outcome {
    fn of<T>(result: Result<T, Error>) -> Outcome {
        match result {
            Ok(_) => Outcome::Accepted,
            Err(error) => Outcome::Refused(vec![error]),
        }
    }

    /// Errors that do not say where (a path), or that point past the
    /// input's last line: a writer could not act on them.
    pub fn unplaced(&self, input_lines: usize) -> Vec<String> {
        let Outcome::Refused(errors) = self else {
            return Vec::new();
        };
        errors
            .iter()
            .filter(|e| {
                e.path.is_none() || e.line.is_some_and(|line| line > input_lines.max(1) + 1)
            })
            .map(|e| format!("{e} (line {:?} of {input_lines})", e.line))
            .collect()
    }
}

/// A page file: front matter split off and read as a page's and as a
/// section's (`_index.md`).
pub fn page_file(text: &str) -> Outcome {
    let path = Path::new("content/fuzz.md");
    let split = match frontmatter::split(path, text) {
        Ok(split) => split,
        Err(error) => return Outcome::Refused(vec![error]),
    };
    let page = frontmatter::parse_page(path, split.yaml);
    let section = frontmatter::parse_section(path, split.yaml);
    match (page, section) {
        (Ok(_), _) => Outcome::Accepted,
        (Err(error), _) => Outcome::Refused(vec![error]),
    }
}

/// A Markdown body, rendered as a page's with links, the CJK-friendly
/// emphasis pass and the sanitiser.
pub fn markdown_body(text: &str) -> Outcome {
    let resolve = |target: &str| (target == "events/a.md").then(|| "/events/a/".to_string());
    let policy = HtmlPolicy::for_settings(&crate::html_settings::MarkdownSettings::default());
    let context = LinkContext {
        path: Path::new("content/fuzz.md"),
        body_line: 1,
        resolve: &resolve,
        relative_base: "/fuzz/",
        images: None,
        html: policy.as_ref(),
    };
    match markdown::render(text, &context) {
        Ok(_) => Outcome::Accepted,
        Err(errors) => Outcome::Refused(errors),
    }
}

/// A `linju.yaml`.
pub fn config_file(text: &str) -> Outcome {
    Outcome::of(Config::parse(Path::new("linju.yaml"), text))
}

/// A photo's first bytes through the header reader, and the whole file
/// through the metadata stripper.
pub fn photo_bytes(bytes: &[u8]) -> Outcome {
    let _ = images::strip_bytes(bytes.to_vec());
    match images::header_of(bytes) {
        Ok(_) => Outcome::Accepted,
        Err(problem) => Outcome::Refused(vec![problem.at(Path::new("content/fuzz.jpg"), 1)]),
    }
}
