//! The fixture-site harness: copy `tests/fixtures/<name>` to a temporary
//! folder, change files as a writer would, run the real `linju` binary, and
//! read what it wrote.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

/// A fixture site copied into a temporary folder.
pub struct TestSite {
    dir: tempfile::TempDir,
}

/// What one run of the binary did.
pub struct Run {
    pub output: Output,
}

impl Run {
    pub fn success(&self) -> bool {
        self.output.status.success()
    }

    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }

    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }

    /// Asserts success and returns self.
    pub fn ok(self) -> Self {
        assert!(self.success(), "build failed:\n{}", self.stderr());
        self
    }

    /// Asserts failure and returns stderr.
    pub fn fails(self) -> String {
        assert!(
            !self.success(),
            "build unexpectedly succeeded:\n{}",
            self.stdout()
        );
        self.stderr()
    }
}

impl TestSite {
    /// Copies `tests/fixtures/<name>`.
    pub fn fixture(name: &str) -> TestSite {
        let dir = tempfile::tempdir().expect("temp dir");
        let source = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name);
        copy_dir(&source, dir.path());
        TestSite { dir }
    }

    /// Copies the files of `folder` (relative to the crate) over the site.
    pub fn overlay(&self, folder: &str) -> &Self {
        let source = Path::new(env!("CARGO_MANIFEST_DIR")).join(folder);
        copy_dir(&source, self.root());
        self
    }

    /// An empty folder.
    pub fn empty() -> TestSite {
        TestSite {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Writes (or replaces) a file of the site.
    pub fn write(&self, relative: &str, text: &str) -> &Self {
        let path = self.root().join(relative);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
        self
    }

    pub fn remove(&self, relative: &str) -> &Self {
        std::fs::remove_file(self.root().join(relative)).expect("remove");
        self
    }

    /// Runs `linju ARGS` in the site folder, in the site's own language
    /// (whatever `LINJU_LANG` the test runner has is not passed on).
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_with_env(args, &[])
    }

    /// Runs `linju ARGS` with messages in English (`LINJU_LANG=en`).
    pub fn run_in_english(&self, args: &[&str]) -> Run {
        self.run_with_env(args, &[("LINJU_LANG", "en")])
    }

    /// Runs `linju ARGS` with extra environment variables.
    pub fn run_with_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut command = Command::cargo_bin("linju").expect("binary");
        command
            .current_dir(self.root())
            .env_remove("LINJU_LANG")
            .args(args);
        for (key, value) in env {
            command.env(key, value);
        }
        let output = command.output().expect("run linju");
        Run { output }
    }

    /// Runs `linju build ARGS`.
    pub fn build(&self, args: &[&str]) -> Run {
        let mut all = vec!["build"];
        all.extend_from_slice(args);
        self.run(&all)
    }

    pub fn public(&self) -> PathBuf {
        self.root().join("public")
    }

    /// Reads an output file (relative to public/).
    pub fn read(&self, relative: &str) -> String {
        let path = self.public().join(relative);
        std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
    }

    /// Names that contain `marker` in the site folder and in its work
    /// folder's `staging/` and `old/` (staging folders, previous sites set
    /// aside).
    pub fn leftovers(&self, marker: &str) -> Vec<String> {
        [
            self.root().to_path_buf(),
            self.root().join(".linju/staging"),
            self.root().join(".linju/old"),
        ]
        .iter()
        .filter_map(|dir| std::fs::read_dir(dir).ok())
        .flatten()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains(marker))
        .collect()
    }

    pub fn exists(&self, relative: &str) -> bool {
        self.public().join(relative).exists()
    }
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("walk fixture");
        let target = to.join(entry.path().strip_prefix(from).expect("prefix"));
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// Asserts that `xml` parses from start to end.
pub fn assert_well_formed_xml(xml: &str) {
    let mut reader = quick_xml::Reader::from_str(xml);
    reader.config_mut().check_end_names = true;
    let mut depth = 0i32;
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Start(_)) => depth += 1,
            Ok(quick_xml::events::Event::End(_)) => depth -= 1,
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(err) => panic!(
                "malformed XML at {}: {err}\n{xml}",
                reader.buffer_position()
            ),
        }
    }
    assert_eq!(depth, 0, "unbalanced XML");
}

/// The outer HTML of the first element of `html` matching the CSS
/// `selector`, so a check compares the part that matters, not a page.
pub fn fragment(html: &str, selector: &str) -> String {
    let document = scraper::Html::parse_document(html);
    let wanted = scraper::Selector::parse(selector).expect("a valid selector");
    document
        .select(&wanted)
        .next()
        .map(|element| element.html())
        .unwrap_or_else(|| panic!("no `{selector}` in the page:\n{html}"))
}

/// The text of every element matching `selector`, whitespace collapsed.
pub fn texts(html: &str, selector: &str) -> Vec<String> {
    let document = scraper::Html::parse_document(html);
    let wanted = scraper::Selector::parse(selector).expect("a valid selector");
    document
        .select(&wanted)
        .map(|element| {
            element
                .text()
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

/// A small deterministic generator (xorshift), so a failing run replays
/// from its seed.
pub struct Random(pub u64);

impl Random {
    /// The next number.
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number below `n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    /// One of `items`.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}
