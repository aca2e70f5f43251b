//! The command line itself.

use crate::harness::TestSite;

#[test]
fn help_lists_the_build_options() {
    let site = TestSite::empty();
    let out = site.run(&["build", "--help"]).ok().stdout();
    for option in [
        "--root",
        "--output",
        "--base-url",
        "--drafts",
        "--future",
        "--clock",
    ] {
        assert!(out.contains(option), "{option} missing from help");
    }
}

#[test]
fn version_prints_the_crate_version() {
    let site = TestSite::empty();
    let out = site.run(&["--version"]).ok().stdout();
    assert_eq!(out.trim(), format!("linju {}", env!("CARGO_PKG_VERSION")));
}

#[test]
fn root_and_output_options_are_honoured() {
    let site = TestSite::fixture("basic");
    let elsewhere = TestSite::empty();
    let root = site.root().to_string_lossy().into_owned();
    let output = elsewhere.root().join("out");
    let output = output.to_string_lossy().into_owned();
    let stdout = elsewhere
        .run(&["build", "--root", &root, "--output", &output])
        .ok()
        .stdout();
    assert!(stdout.contains("已生成"), "{stdout}");
    assert!(elsewhere.root().join("out/index.html").is_file());
    assert!(!site.public().exists());
}

#[test]
fn bad_clock_value_is_explained() {
    let site = TestSite::fixture("basic");
    let stderr = site.build(&["--clock", "tomorrow"]).fails();
    assert!(stderr.contains("--clock"), "{stderr}");
}
