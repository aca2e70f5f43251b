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

/// `--timings` prints every phase of a build once, in the order they ran,
/// with a time and a peak memory, on stderr; stdout stays the summary.
#[test]
fn timings_name_each_phase_with_its_time_and_memory() {
    let site = TestSite::fixture("basic");
    let run = site.build(&["--timings"]).ok();
    let stderr = run.stderr();
    let rows: Vec<&str> = stderr.lines().collect();
    assert!(rows[0].starts_with("阶段"), "{stderr}");
    let names: Vec<&str> = rows[1..]
        .iter()
        .filter_map(|row| row.split("  ").next())
        .collect();
    let expected = [
        "config and theme",
        "read",
        "markdown",
        "lists",
        "addresses",
        "values",
        "select",
        "render",
        "write",
        "search",
        "feeds",
        "screens",
        "write feeds, screens, search",
        "photos",
        "copy and swap",
        "privacy",
        "total",
    ];
    assert_eq!(names, expected, "{stderr}");
    for row in &rows[1..] {
        assert!(row.contains(" ms") || row.contains(" s "), "no time: {row}");
        assert!(row.contains(" MB"), "no memory: {row}");
    }
    assert!(!run.stdout().contains("阶段"));
}

/// The benchmark's floor: `--read-only` reads and renders every page's
/// Markdown, prints how many pages, and writes nothing.
#[test]
fn read_only_reads_every_page_and_writes_nothing() {
    let site = TestSite::fixture("basic");
    let built = site.build(&[]).ok().stdout();
    std::fs::remove_dir_all(site.public()).unwrap();
    let run = site.build(&["--read-only"]).ok();
    let pages: usize = run.stdout().trim().parse().unwrap();
    assert!(built.contains(&format!("已生成 {pages} 个页面")), "{built}");
    assert!(run.stderr().contains("markdown"), "{}", run.stderr());
    assert!(!site.public().exists());
}
