//! Fuzzing that stays: page files, Markdown bodies, `linju.yaml` and photo
//! bytes, mutated from a corpus of the fixtures and the example site, go
//! through the code that reads them (`linju::fuzzing`). An input may be
//! refused; it must not make linju panic, take long for its size, or give
//! an error without a file and a line inside the file.
//!
//! The suite runs a few seconds per target with a fixed seed.
//! `bench/fuzz.sh` runs them for as long as asked (LINJU_FUZZ_SECONDS per
//! target, LINJU_FUZZ_SEED), in release; inputs that fail are saved under
//! `target/fuzz-failures/` with the target's name.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use linju::fuzzing::{self, Outcome};

use crate::harness::Random;

/// Pieces a writer's slip or an attacker might bring.
const TOKENS: &[&str] = &[
    "---\n",
    "\n",
    "\n\n",
    "：",
    ": ",
    "- ",
    "  ",
    "\t",
    "[",
    "]",
    "{",
    "}",
    "**",
    "*",
    "_",
    "__",
    "~~",
    "`",
    "```\n",
    "<script>alert(1)</script>",
    "<div>",
    "</div>",
    "<p onclick=x>",
    "&a ",
    "*a",
    "&amp;",
    "&#42;",
    "“",
    "”",
    "，",
    "。",
    "（",
    "）",
    "#",
    "> ",
    "|",
    "@/events/a.md",
    "](",
    ")",
    "![",
    "<!--",
    "-->",
    "\\",
    "中",
    "听湖",
    "😀",
    "\u{FE01}",
    "\u{E0100}",
    "title: ",
    "date: ",
    "tags: [",
    "community: ",
    "steps:\n  proposal:\n    done: true\n",
    "extra:\n  a: ",
    "images:\n  widths: [",
    "screens:\n  - name: ",
    "base_url: ",
    "javascript:",
    "<iframe src=",
    "2025-11-10 09:30",
    "0",
    "-1",
    "99999999999999999999",
    "~",
    "\u{0}",
    "\r\n",
    "\u{3000}",
];

fn mutate_text(random: &mut Random, seed: &str, corpus: &[String]) -> String {
    let mut chars: Vec<char> = seed.chars().collect();
    for _ in 0..1 + random.below(6) {
        let at = random.below(chars.len() + 1);
        match random.below(7) {
            0 | 1 => {
                let token = TOKENS[random.below(TOKENS.len())];
                chars.splice(at..at, token.chars());
            }
            2 => {
                let end = (at + random.below(32)).min(chars.len());
                chars.drain(at..end);
            }
            3 => {
                let end = (at + random.below(64)).min(chars.len());
                let copy: Vec<char> = chars[at..end].to_vec();
                chars.splice(at..at, copy);
            }
            4 => {
                // A key held down: one token many times.
                let token = TOKENS[random.below(TOKENS.len())];
                let most = if random.below(10) == 0 { 20_000 } else { 64 };
                let times = 1 + random.below(most);
                chars.splice(at..at, token.repeat(times).chars());
            }
            5 => {
                let other: Vec<char> = corpus[random.below(corpus.len())].chars().collect();
                let from = random.below(other.len() + 1);
                let to = (from + random.below(400)).min(other.len());
                chars.splice(at..at, other[from..to].iter().copied());
            }
            _ => {
                if let Some(c) = chars.get_mut(at) {
                    *c = char::from_u32(random.next() as u32 % 0x3_0000).unwrap_or('?');
                }
            }
        }
    }
    chars.into_iter().collect()
}

fn mutate_bytes(random: &mut Random, seed: &[u8]) -> Vec<u8> {
    let mut bytes = seed.to_vec();
    for _ in 0..1 + random.below(8) {
        let at = random.below(bytes.len() + 1);
        match random.below(5) {
            0 => {
                if let Some(b) = bytes.get_mut(at) {
                    *b ^= 1 << random.below(8);
                }
            }
            1 => {
                if let Some(b) = bytes.get_mut(at) {
                    *b = [0x00, 0xFF, 0x7F, 0x80, 0xFE][random.below(5)];
                }
            }
            2 => bytes.truncate(at),
            3 => {
                let insert: Vec<u8> = (0..random.below(16)).map(|_| random.next() as u8).collect();
                bytes.splice(at..at, insert);
            }
            _ => {
                let end = (at + random.below(64)).min(bytes.len());
                let copy = bytes[at..end].to_vec();
                bytes.splice(at..at, copy);
            }
        }
    }
    bytes
}

/// Files under `dir` whose names end with one of `endings`.
fn files(dir: &Path, endings: &[&str]) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter(|e| {
            let name = e.file_name().to_string_lossy().to_ascii_lowercase();
            endings.iter().any(|end| name.ends_with(end))
                && !e.path().to_string_lossy().contains("node_modules")
        })
        .map(|e| e.path().to_path_buf())
        .collect()
}

fn text_corpus(endings: &[&str]) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut corpus: Vec<String> = [
        root.join("tests/fixtures"),
        root.join("content"),
        root.join("tests/markdown"),
    ]
    .iter()
    .flat_map(|dir| files(dir, endings))
    .chain(endings.contains(&".yaml").then(|| root.join("linju.yaml")))
    .filter_map(|path| std::fs::read_to_string(path).ok())
    .collect();
    corpus.push(String::new());
    corpus
}

fn photo_corpus() -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut corpus: Vec<Vec<u8>> = [root.join("tests/fixtures"), root.join("content")]
        .iter()
        .flat_map(|dir| files(dir, &[".jpg", ".png", ".webp", ".gif"]))
        .filter_map(|path| std::fs::read(path).ok())
        .collect();
    corpus.push(b"RIFF\0\0\0\0WEBPVP8 ".to_vec());
    corpus.push(b"\0\0\0\x18ftypheic".to_vec());
    corpus
}

/// How long each target runs: `LINJU_FUZZ_SECONDS`, else a short run.
fn budget() -> Duration {
    let seconds = std::env::var("LINJU_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3);
    Duration::from_secs(seconds)
}

fn seed() -> u64 {
    std::env::var("LINJU_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x9E37_79B9_7F4A_7C15)
}

/// What one run of a target found.
struct Report {
    runs: u64,
    failures: Vec<String>,
}

/// Runs `target` on mutated inputs for the budget; an input fails when it
/// panics, takes longer than its size allows, or is refused without a place.
fn run(
    name: &str,
    inputs: impl Fn(&mut Random) -> Vec<u8>,
    target: impl Fn(&[u8]) -> (Outcome, usize),
) -> Report {
    let mut random = Random(seed() ^ (name.len() as u64 * 0x100_0000_01B3));
    let deadline = Instant::now() + budget();
    let mut report = Report {
        runs: 0,
        failures: Vec::new(),
    };
    while Instant::now() < deadline && report.failures.len() < 5 {
        let input = inputs(&mut random);
        let started = Instant::now();
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| target(&input)));
        // Generous for a debug build: quadratic work shows as seconds.
        let allowed = Duration::from_millis(2_000 + input.len() as u64 / 10);
        let problem = match result {
            Err(_) => Some("panicked".to_string()),
            Ok(_) if started.elapsed() > allowed => Some(format!(
                "took {:?} for {} bytes",
                started.elapsed(),
                input.len()
            )),
            Ok((outcome, lines)) => {
                let unplaced = outcome.unplaced(lines);
                (!unplaced.is_empty()).then(|| format!("an error without its place: {unplaced:?}"))
            }
        };
        if let Some(problem) = problem {
            let saved = save_failure(name, report.failures.len(), &input);
            report.failures.push(format!(
                "{name}: {problem} (input saved as {})",
                saved.display()
            ));
        }
        report.runs += 1;
    }
    report
}

fn save_failure(name: &str, number: usize, input: &[u8]) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/fuzz-failures");
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(format!("{name}-{}-{number}.bin", seed()));
    let _ = std::fs::write(&path, input);
    path
}

/// Mutated inputs drawn from `corpus`, read by `read` as text.
fn run_text(name: &str, corpus: Vec<String>, read: fn(&str) -> Outcome) -> Report {
    let inputs = |random: &mut Random| {
        let seed = &corpus[random.below(corpus.len())];
        mutate_text(random, seed, &corpus).into_bytes()
    };
    let target = |bytes: &[u8]| {
        let text = String::from_utf8_lossy(bytes);
        (read(&text), line_count(&text))
    };
    run(name, inputs, target)
}

/// Lines as YAML, CommonMark and editors count them: a lone carriage
/// return ends a line too (`lines()` only knows `\n`).
fn line_count(text: &str) -> usize {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .lines()
        .count()
}

fn check(report: &Report, name: &str) {
    eprintln!(
        "fuzz {name}: {} inputs, {} failures",
        report.runs,
        report.failures.len()
    );
    assert!(
        report.runs > 50,
        "{name}: only {} inputs in the time",
        report.runs
    );
    assert!(report.failures.is_empty(), "{}", report.failures.join("\n"));
}

#[test]
fn page_files_never_crash_hang_or_lose_their_place() {
    check(
        &run_text("page", text_corpus(&[".md"]), fuzzing::page_file),
        "page",
    );
}

#[test]
fn markdown_bodies_never_crash_hang_or_lose_their_place() {
    check(
        &run_text("markdown", text_corpus(&[".md"]), fuzzing::markdown_body),
        "markdown",
    );
}

#[test]
fn site_configurations_never_crash_hang_or_lose_their_place() {
    check(
        &run_text("config", text_corpus(&[".yaml"]), fuzzing::config_file),
        "config",
    );
}

#[test]
fn photo_bytes_never_crash_or_hang() {
    let corpus = photo_corpus();
    assert!(corpus.len() >= 4, "the fixtures have photos");
    let inputs = |random: &mut Random| {
        let seed = &corpus[random.below(corpus.len())];
        mutate_bytes(random, seed)
    };
    let target = |bytes: &[u8]| (fuzzing::photo_bytes(bytes), 1);
    check(&run("photo", inputs, target), "photo");
}
