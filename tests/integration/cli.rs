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

/// A site past the size from which a one-off build spools its pages'
/// bodies to disk (forced here with the hidden `--spool-from-pages 0`)
/// publishes exactly the site a build holding them in memory does: every
/// page, list, feed, search file and lobby slide reads its body back. The
/// spool leaves nothing behind in `.linju/`.
#[test]
fn a_build_that_spools_bodies_publishes_the_same_site() {
    for fixture in ["basic", "search"] {
        let site = TestSite::fixture(fixture);
        let out = |name: &str| site.root().join(name).to_string_lossy().into_owned();
        let spooled = [
            "--timings",
            "--spool-from-pages",
            "0",
            "--output",
            &out("spooled"),
        ];
        let spooled = site.build(&spooled).ok().stderr();
        let held = site.build(&["--timings", "--output", &out("held")]);
        let held = held.ok().stderr();
        let spool_row = |timings: &str| timings.lines().any(|row| row.starts_with("spool "));
        assert!(spool_row(&spooled), "{fixture}: no spool phase\n{spooled}");
        assert!(!spool_row(&held), "{fixture}: a small site spooled\n{held}");
        let spooled_tree = crate::incremental::tree(&site.root().join("spooled"));
        assert!(spooled_tree.len() > 20, "{fixture}: {}", spooled_tree.len());
        assert!(
            spooled_tree == crate::incremental::tree(&site.root().join("held")),
            "{fixture}: the spooled build wrote another site"
        );
        let work = std::fs::read_dir(site.root().join(".linju")).unwrap();
        let names: Vec<String> = work
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(
            names.iter().all(|name| !name.starts_with(".tmp")),
            "{fixture}: {names:?}"
        );
    }
}

/// `--timings` prints every phase of a build once, in the order they ran,
/// with a time and a peak memory, on stderr; stdout stays the summary.
/// Then, after a blank line, each template with the files it rendered and
/// their time, the costliest first.
#[test]
fn timings_name_each_phase_with_its_time_and_memory() {
    let site = TestSite::fixture("basic");
    let run = site.build(&["--timings"]).ok();
    let stderr = run.stderr();
    let (phases, templates) = stderr
        .split_once("\n\n")
        .expect("a blank line before the templates");
    let rows: Vec<&str> = phases.lines().collect();
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

    let rows: Vec<&str> = templates.lines().collect();
    assert!(
        rows[0].starts_with("模板") && rows[0].contains("文件数"),
        "{templates}"
    );
    let mut files_by_template = std::collections::BTreeMap::new();
    for row in &rows[1..] {
        let cells: Vec<&str> = row.split_whitespace().collect();
        assert!(cells[0].ends_with(".html"), "{row}");
        files_by_template.insert(cells[0], cells[1].parse::<usize>().unwrap());
        assert!(row.contains("µs") || row.contains(" ms"), "no time: {row}");
    }
    // Every page of the fixture is rendered with its type's template, and
    // the home page with index.html, once.
    assert_eq!(files_by_template.get("index.html"), Some(&1), "{templates}");
    let rendered: usize = files_by_template.values().sum();
    let html_files = walkdir::WalkDir::new(site.public())
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .count();
    assert!(
        rendered <= html_files && rendered > html_files / 2,
        "{rendered} of {html_files}"
    );
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
