//! The CommonMark 0.31.2 specification's examples (npm `commonmark-spec`,
//! pinned in tests/js) and CJK-friendly emphasis against its reference
//! implementation (npm `markdown-it-cjk-friendly`): linju's own passes
//! (emphasis, links, images, heading ids) must not break an example that
//! pulldown-cmark alone gets right, and must read emphasis in Chinese the
//! way the amendment's authors do.

#![cfg(test)]

use std::path::Path;
use std::process::Command;

use pulldown_cmark::{Parser, html};

use super::{LinkContext, options, render};

/// Runs a Node snippet in tests/js and parses what it prints. Node and the
/// packages are required: without them the test fails with what to run.
fn node_json(script: &str) -> serde_json::Value {
    let tools = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/js");
    assert!(
        tools.join("node_modules/commonmark-spec").exists(),
        "run `npm ci --prefix tests/js --ignore-scripts` (Node and npm: apt-get install nodejs npm)"
    );
    let output = Command::new("node")
        .current_dir(&tools)
        .args(["-e", script])
        .output()
        .expect("node is needed (apt-get install nodejs)");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("JSON from node")
}

fn no_links(_: &str) -> Option<String> {
    None
}

/// linju's rendering of a body, with what it adds on purpose taken out
/// again (heading ids, lazy-loading attributes).
fn linju_html(markdown: &str) -> String {
    let context = LinkContext {
        path: Path::new("spec.md"),
        body_line: 1,
        resolve: &no_links,
        relative_base: "",
        images: None,
        html: None,
    };
    let rendered = render(markdown, &context)
        .map(|r| r.html.text().into_owned())
        .unwrap_or_default();
    without_heading_ids(&rendered).replace("<img loading=\"lazy\" decoding=\"async\" ", "<img ")
}

/// `<h2 id="…">` back to `<h2>`: linju gives every heading an id.
fn without_heading_ids(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find("<h") {
        out.push_str(&rest[..at + 3.min(rest.len() - at)]);
        let after = &rest[(at + 3).min(rest.len())..];
        let is_heading = rest[at + 2..].starts_with(|c: char| ('1'..='6').contains(&c));
        match after
            .strip_prefix(" id=\"")
            .and_then(|a| a.find('"').map(|end| &a[end + 1..]))
        {
            Some(remaining) if is_heading => rest = remaining,
            _ => rest = after,
        }
    }
    out.push_str(rest);
    out
}

fn pulldown_html(markdown: &str) -> String {
    let mut out = String::new();
    html::push_html(&mut out, Parser::new_ext(markdown, options()));
    out
}

/// HTML compared as the spec's own runner does, roughly: line breaks
/// between tags and around them do not count.
fn normal(html: &str) -> String {
    html.replace("\n", "")
        .replace(" />", ">")
        // markdown-it names strikethrough <s>, pulldown-cmark <del>.
        .replace("<s>", "<del>")
        .replace("</s>", "</del>")
        .trim()
        .to_string()
}

#[test]
fn every_commonmark_example_pulldown_cmark_passes_still_passes() {
    let examples = node_json(
        "process.stdout.write(JSON.stringify(require('commonmark-spec').tests.map(t => [t.number, t.markdown.replace(/→/g, '\\t'), t.html.replace(/→/g, '\\t')])))",
    );
    let examples = examples.as_array().expect("a list");
    assert!(examples.len() >= 650, "the spec has 652 examples");
    let (mut passed_by_pulldown, mut broken) = (0, Vec::new());
    for example in examples {
        let number = example[0].as_u64().unwrap_or(0);
        let markdown = example[1].as_str().unwrap_or_default();
        let expected = normal(example[2].as_str().unwrap_or_default());
        if normal(&pulldown_html(markdown)) != expected {
            continue;
        }
        passed_by_pulldown += 1;
        let ours = normal(&linju_html(markdown));
        if ours != expected {
            broken.push(format!(
                "example {number}: {markdown:?}\n  expected {expected}\n  linju    {ours}"
            ));
        }
    }
    assert!(
        passed_by_pulldown > 550,
        "only {passed_by_pulldown} examples passed by pulldown-cmark"
    );
    assert!(
        broken.is_empty(),
        "{} examples broken:\n{}",
        broken.len(),
        broken.join("\n")
    );
}

/// Our own cases of Chinese (and some Japanese-style and Korean) writing,
/// read by the amendment's reference implementation and by linju.
#[test]
fn cjk_friendly_emphasis_reads_as_the_reference_implementation_does() {
    let cases = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/markdown/cjk-friendly.md");
    let tools = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/js");
    assert!(
        tools.join("node_modules/markdown-it-cjk-friendly").exists(),
        "run `npm ci --prefix tests/js --ignore-scripts`"
    );
    let output = Command::new("node")
        .current_dir(&tools)
        .arg("cjk-reference.mjs")
        .arg(&cases)
        .output()
        .expect("node is needed (apt-get install nodejs)");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let pairs: Vec<(String, String)> = serde_json::from_slice(&output.stdout).expect("JSON");
    assert!(pairs.len() >= 60, "the case file has {} cases", pairs.len());
    let differing: Vec<String> = pairs
        .iter()
        .filter_map(|(case, reference)| {
            let ours = normal(&linju_html(case));
            let theirs = normal(reference);
            (ours != theirs).then(|| format!("{case:?}\n  reference {theirs}\n  linju     {ours}"))
        })
        .collect();
    let agreeing = pairs.len() - differing.len();
    // The target: at least 97 %.
    assert!(
        agreeing * 100 >= pairs.len() * 97,
        "{agreeing} of {} cases agree:\n{}",
        pairs.len(),
        differing.join("\n")
    );
    if !differing.is_empty() {
        eprintln!(
            "cases that differ (within the 3 % allowed):\n{}",
            differing.join("\n")
        );
    }
}

/// Random short texts of emphasis delimiters, CJK characters and
/// punctuation, Latin letters and spaces, read by linju and by the
/// reference: they agree on at least 97 % (the mark for the suite).
#[test]
fn random_emphasis_reads_as_the_reference_does() {
    // 1,995 of 2,000 agreed when this was written: the rest are runs of
    // four or more tildes, which markdown-it cuts into pairs and GFM (and
    // pulldown-cmark) leaves literal. 97 % is the floor.
    const ALPHABET: &[&str] = &[
        "*", "**", "_", "__", "~~", " ", "中", "文", "，", "。", "：", "（", "）", "「", "」", "“",
        "”", "a", "b", "1", "(", ")", "!", ".", "😀", "한", "\u{FE01}",
    ];
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let cases: Vec<String> = (0..2_000)
        .map(|_| {
            let length = 3 + next() % 14;
            (0..length)
                .map(|_| ALPHABET[(next() % ALPHABET.len() as u64) as usize])
                .collect::<String>()
                .trim()
                .to_string()
        })
        .filter(|c| !c.is_empty())
        .collect();
    let tools = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/js");
    let mut child = Command::new("node")
        .current_dir(&tools)
        .arg("cjk-reference-stdin.mjs")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("node is needed (apt-get install nodejs)");
    if let Some(mut stdin) = child.stdin.take() {
        use std::io::Write;
        stdin
            .write_all(serde_json::to_string(&cases).unwrap_or_default().as_bytes())
            .expect("write the cases");
    }
    let output = child.wait_with_output().expect("node ran");
    let references: Vec<String> = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(references.len(), cases.len());
    let differing: Vec<String> = cases
        .iter()
        .zip(&references)
        .filter_map(|(case, reference)| {
            let (ours, theirs) = (normal(&linju_html(case)), normal(reference));
            (ours != theirs).then(|| format!("{case:?}\n  reference {theirs}\n  linju     {ours}"))
        })
        .collect();
    let agreeing = cases.len() - differing.len();
    assert!(
        agreeing * 100 >= cases.len() * 97,
        "{agreeing} of {} agree; first differences:\n{}",
        cases.len(),
        differing
            .iter()
            .take(15)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
