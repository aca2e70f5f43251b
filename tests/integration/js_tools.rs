//! The JavaScript tools under `tests/js/` (pinned in its package-lock.json,
//! installed by `npm ci --prefix tests/js`, which `.ci/run` does): the ES5
//! parser, Playwright's driver for Chromium, axe-core, Lighthouse and the
//! Nu Html Checker. A test that needs one and finds it missing fails with
//! the command that installs it, rather than pass unchecked.

use std::path::PathBuf;
use std::process::Command;

/// `tests/js/`.
pub fn folder() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/js")
}

/// The installed package `name` under `tests/js/node_modules/`.
pub fn package(name: &str) -> PathBuf {
    let path = folder().join("node_modules").join(name);
    assert!(
        path.exists(),
        "{name} is missing: run `npm ci --prefix tests/js` (Node and npm: apt-get install nodejs npm)"
    );
    path
}

/// Runs `node tests/js/SCRIPT ARGS...`, which must succeed and print one
/// JSON value; returns it.
pub fn node_json(script: &str, args: &[&str]) -> serde_json::Value {
    let output = Command::new("node")
        .current_dir(folder())
        .arg(folder().join(script))
        .args(args)
        .output()
        .expect("node is needed for this test (apt-get install nodejs)");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "node {script} failed:\n{}\n{stdout}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_str(stdout.trim())
        .unwrap_or_else(|e| panic!("node {script} printed no JSON ({e}):\n{stdout}"))
}

/// Asserts that each file parses as ECMAScript 5 (acorn, `es5.js`): the
/// language of the old WebViews residents and display boxes run.
pub fn assert_es5(files: &[PathBuf]) {
    package("acorn");
    let output = Command::new("node")
        .arg(folder().join("es5.js"))
        .args(files)
        .output()
        .expect("node is needed (apt-get install nodejs)");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
