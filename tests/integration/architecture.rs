//! The invariants of ARCHITECTURE.md that can be checked by reading the
//! source: which rooms may use which, that the library never prints or
//! exits, that no path a user can influence ends in `unwrap`/`expect`, and
//! that files and functions stay small enough to read. Code under
//! `#[cfg(test)]` is left out of every check.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The ground floor: leaves any room may use, which use only each other.
const GROUND: [&str; 19] = [
    "error",
    "timings",
    "lang",
    "suggest",
    "fs",
    "hash",
    "options",
    "dates",
    "slugs",
    "yaml",
    "config",
    "html_settings",
    "showtimes",
    "screen_settings",
    "menu_settings",
    "opening",
    "data_settings",
    "spool",
    "kept_bytes",
];

/// The wings, lowest first: a wing may use the ground floor, itself and the
/// wings before it.
const WINGS: [&str; 12] = [
    "images", "markdown", "content", "render", "screens", "search", "scaffold", "build", "check",
    "editor", "serve", "fuzzing",
];

/// Longest file and function the house allows (lines).
const MAX_FILE_LINES: usize = 600;
const MAX_FUNCTION_LINES: usize = 80;

/// One library source file: its path under `src/` and its code without
/// its test module.
struct SourceFile {
    relative: String,
    code: String,
}

fn library_files() -> Vec<SourceFile> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files: Vec<SourceFile> = walkdir::WalkDir::new(&src)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "rs"))
        .map(|e| {
            let relative = e.path().strip_prefix(&src).unwrap();
            let text = std::fs::read_to_string(e.path()).unwrap();
            // Test code starts at `#[cfg(test)]`; a file that opens with
            // `#![cfg(test)]` is test code throughout.
            let code = match text.find("#[cfg(test)]").or(text.find("#![cfg(test)]")) {
                Some(at) => text[..at].to_string(),
                None => text,
            };
            SourceFile {
                relative: relative.to_string_lossy().replace('\\', "/"),
                code,
            }
        })
        // The binary (src/cli/) is the one place that prints and exits.
        .filter(|f| !f.relative.starts_with("cli/"))
        .collect();
    files.sort_by(|a, b| a.relative.cmp(&b.relative));
    files
}

/// The room a file belongs to: its first path component (`content` for
/// `content/site.rs`, `fs` for `fs.rs`).
fn room_of(relative: &str) -> &str {
    let first = relative.split('/').next().unwrap_or(relative);
    first.trim_end_matches(".rs")
}

/// Every `crate::a::b` path in `code`, as `a::b`.
fn crate_paths(code: &str) -> Vec<String> {
    code.match_indices("crate::")
        .map(|(at, marker)| {
            code[at + marker.len()..]
                .chars()
                .take_while(|c| {
                    c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_' || *c == ':'
                })
                .collect::<String>()
                .trim_end_matches(':')
                .to_string()
        })
        .collect()
}

/// Lines of code (the part before a test module) matching `needle`, as
/// `file:line: text`.
fn lines_with(files: &[SourceFile], needles: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for file in files {
        for (number, line) in file.code.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            if needles.iter().any(|n| code.contains(n)) {
                found.push(format!(
                    "src/{}:{}: {}",
                    file.relative,
                    number + 1,
                    line.trim()
                ));
            }
        }
    }
    found
}

#[test]
fn rooms_use_only_the_ground_floor_and_the_wings_below_them() {
    let rank = |room: &str| WINGS.iter().position(|w| *w == room);
    let mut upward = Vec::new();
    for file in library_files() {
        let room = room_of(&file.relative);
        if room == "lib" {
            continue;
        }
        assert!(
            GROUND.contains(&room) || rank(room).is_some(),
            "src/{} is in no room: add it to GROUND or WINGS here and to ARCHITECTURE.md",
            file.relative
        );
        assert!(
            !file.code.contains("crate::{"),
            "src/{}: write one `use crate::room::...` per room, so this check can read it",
            file.relative
        );
        for path in crate_paths(&file.code) {
            let used = path.split("::").next().unwrap_or("");
            let allowed = if GROUND.contains(&room) {
                GROUND.contains(&used)
            } else {
                GROUND.contains(&used) || rank(used) <= rank(room)
            };
            if !allowed {
                upward.push(format!("src/{} ({room}) uses crate::{path}", file.relative));
            }
        }
    }
    assert!(upward.is_empty(), "imports upward:\n{}", upward.join("\n"));
}

/// The file a `crate::` path names: the longest prefix that is a file.
fn file_of(path: &str, src: &Path) -> Option<String> {
    let parts: Vec<&str> = path.split("::").collect();
    (1..=parts.len()).rev().find_map(|n| {
        let base = parts[..n].join("/");
        [format!("{base}.rs"), format!("{base}/mod.rs")]
            .into_iter()
            .find(|candidate| src.join(candidate).is_file())
    })
}

#[test]
fn no_two_files_use_each_other_even_by_a_detour() {
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src");
    let files = library_files();
    let mut uses: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &files {
        let targets = crate_paths(&file.code)
            .iter()
            .filter_map(|p| file_of(p, &src))
            .filter(|target| *target != file.relative)
            .collect();
        uses.insert(file.relative.clone(), targets);
    }
    // Depth-first search for a path back to where it started.
    fn visit(
        file: &str,
        uses: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|p| p == file) {
            let mut cycle = path[at..].to_vec();
            cycle.push(file.to_string());
            return Some(cycle);
        }
        if !done.insert(file.to_string()) {
            return None;
        }
        path.push(file.to_string());
        for next in uses.get(file).into_iter().flatten() {
            if let Some(cycle) = visit(next, uses, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        None
    }
    let mut done = BTreeSet::new();
    for file in uses.keys() {
        let cycle = visit(file, &uses, &mut Vec::new(), &mut done);
        assert!(
            cycle.is_none(),
            "import cycle: {}",
            cycle.unwrap_or_default().join(" → ")
        );
    }
}

#[test]
fn the_library_never_prints_or_exits() {
    let found = lines_with(
        &library_files(),
        &[
            "println!",
            "print!(",
            "eprint",
            "dbg!(",
            "process::exit",
            "std::io::stdout",
            "std::io::stderr",
        ],
    );
    assert!(
        found.is_empty(),
        "only the binary (src/cli/) talks to the terminal; report through return values or events instead:\n{}",
        found.join("\n")
    );
}

#[test]
fn no_unwrap_or_expect_outside_tests() {
    // Outside tests nothing may panic on what a user typed or a disk held;
    // where a value cannot be missing, say why with `unreachable!`.
    let found = lines_with(&library_files(), &[".unwrap()", ".expect("]);
    assert!(
        found.is_empty(),
        "unwrap/expect outside tests:\n{}",
        found.join("\n")
    );
}

/// `fn` items of a file with their length in lines, found by brace depth.
fn functions(code: &str) -> Vec<(String, usize, usize)> {
    let lines: Vec<&str> = code.lines().collect();
    let mut found = Vec::new();
    let mut index = 0;
    while index < lines.len() {
        let trimmed = lines[index].trim_start();
        let is_fn = [
            "fn ",
            "pub fn ",
            "pub(crate) fn ",
            "async fn ",
            "const fn ",
            "pub const fn ",
        ]
        .iter()
        .any(|start| trimmed.starts_with(start));
        if !is_fn {
            index += 1;
            continue;
        }
        let name = trimmed
            .split("fn ")
            .nth(1)
            .and_then(|rest| rest.split(['(', '<']).next())
            .unwrap_or("?")
            .to_string();
        let (mut depth, mut opened, mut end) = (0i32, false, index);
        for (offset, line) in lines[index..].iter().enumerate() {
            for c in line.chars() {
                match c {
                    '{' => {
                        depth += 1;
                        opened = true;
                    }
                    '}' => depth -= 1,
                    _ => {}
                }
            }
            // A declaration without a body (a trait item) ends at `;`.
            if !opened && line.trim_end().ends_with(';') {
                end = index + offset;
                break;
            }
            if opened && depth <= 0 {
                end = index + offset;
                break;
            }
        }
        found.push((name, index + 1, end - index + 1));
        index = end.max(index) + 1;
    }
    found
}

#[test]
fn files_and_functions_stay_small() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut too_long = Vec::new();
    for entry in walkdir::WalkDir::new(&src)
        .into_iter()
        .filter_map(Result::ok)
    {
        if entry.path().extension().is_none_or(|x| x != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).unwrap();
        let shown = entry
            .path()
            .strip_prefix(&src)
            .unwrap()
            .display()
            .to_string();
        let code_lines = text
            .find("#[cfg(test)]")
            .map_or(text.as_str(), |at| &text[..at]);
        if code_lines.lines().count() > MAX_FILE_LINES {
            too_long.push(format!(
                "src/{shown}: {} lines of code (at most {MAX_FILE_LINES})",
                code_lines.lines().count()
            ));
        }
        for (name, line, length) in functions(code_lines) {
            if length > MAX_FUNCTION_LINES {
                too_long.push(format!(
                    "src/{shown}:{line}: fn {name} is {length} lines (at most {MAX_FUNCTION_LINES})"
                ));
            }
        }
    }
    assert!(
        too_long.is_empty(),
        "too long to read:\n{}",
        too_long.join("\n")
    );
}

#[test]
fn the_function_finder_measures_what_it_should() {
    let code = "fn a() {\n    let x = { 1 };\n}\n\npub fn b(\n    y: u8,\n) -> u8 {\n    y\n}\n";
    assert_eq!(
        functions(code),
        [("a".to_string(), 1, 3), ("b".to_string(), 5, 5)]
    );
    assert_eq!(
        crate_paths("use crate::fs::absolute;\ncrate::hash::fingerprint()"),
        ["fs::absolute", "hash::fingerprint"]
    );
}
