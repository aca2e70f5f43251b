//! `linju schema`: JSON Schemas of every page type and of `linju.yaml`,
//! made from the rules the build checks with. Pages are checked the way
//! VS Code checks them once the site is wired up (`.remarkrc.json` and
//! remark-lint-frontmatter-schema, run here through remark-cli), and
//! `linju.yaml` with a JSON Schema validator: every fixture page and the
//! example site pass, every broken fixture fails where the build fails.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::harness::TestSite;
use crate::js_tools::{folder, package};

/// What remark said about each file of `site` (run from its folder, with
/// the test tools linked in as a site's own `node_modules` would be).
fn remark_report(site: &Path) -> String {
    package("remark-cli");
    let modules = site.join("node_modules");
    if !modules.exists() {
        std::os::unix::fs::symlink(folder().join("node_modules"), &modules).unwrap();
    }
    let output = Command::new("node")
        .current_dir(site)
        .arg(folder().join("node_modules/remark-cli/cli.js"))
        .args(["--no-color", "--no-stdout", "content"])
        .output()
        .expect("node is needed for this test (apt-get install nodejs)");
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn write_schemas(site: &Path) -> Vec<PathBuf> {
    let output = Command::new(env!("CARGO_BIN_EXE_linju"))
        .args(["schema", "--root"])
        .arg(site)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "linju schema failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(PathBuf::from)
        .collect()
}

/// The page files of a site (not the sections' `_index.md`).
fn pages(site: &Path) -> Vec<String> {
    let mut pages: Vec<String> = walkdir::WalkDir::new(site.join("content"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .filter(|e| e.file_name() != "_index.md")
        .map(|e| {
            e.path()
                .strip_prefix(site)
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    pages.sort();
    pages
}

/// Whether `linju.yaml` of `site` satisfies its schema; the reasons if not.
fn config_errors(site: &Path) -> Vec<String> {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(site.join(".linju/schema/linju.schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::draft7::new(&schema).expect("a valid draft-07 schema");
    let text = std::fs::read_to_string(site.join("linju.yaml")).unwrap();
    let Ok(config) = serde_yaml::from_str::<Value>(&text) else {
        return vec!["not YAML".into()];
    };
    validator
        .iter_errors(&config)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

/// The example site at the repository's root, copied.
fn example_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let folders = ["content", "data"].map(|f| walkdir::WalkDir::new(root.join(f)));
    for entry in folders.into_iter().flatten() {
        let entry = entry.unwrap();
        let target = dir.path().join(entry.path().strip_prefix(root).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
    std::fs::copy(root.join("linju.yaml"), dir.path().join("linju.yaml")).unwrap();
    dir
}

#[test]
fn schema_writes_one_schema_per_type_and_the_remark_wiring() {
    let site = TestSite::fixture("basic");
    let written = write_schemas(site.root());
    let names: Vec<String> = written
        .iter()
        .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect();
    for name in [
        "story.schema.json",
        "family.schema.json",
        "event.schema.json",
        "station.schema.json",
        "notice.schema.json",
        "community.schema.json",
        "page.schema.json",
        "linju.schema.json",
        ".remarkrc.json",
    ] {
        assert!(names.contains(&name.to_string()), "{name} in {names:?}");
    }
    let read = |relative: &str| std::fs::read_to_string(site.root().join(relative)).unwrap();
    let story: Value = serde_json::from_str(&read(".linju/schema/story.schema.json")).unwrap();
    assert_eq!(story["required"], serde_json::json!(["title", "person"]));
    assert_eq!(story["properties"]["person"]["title"], "人物姓名");
    let communities = story["properties"]["community"]["enum"].to_string();
    assert!(
        communities.contains("听湖社区") && communities.contains("guiyuan"),
        "titles and slugs: {communities}"
    );
    let remarkrc: Value = serde_json::from_str(&read(".remarkrc.json")).unwrap();
    let mapping = &remarkrc["plugins"][1][1]["schemas"];
    assert_eq!(
        mapping["./.linju/schema/story.schema.json"],
        serde_json::json!(["content/stories/!(_index).md", "content/stories/*/index.md"])
    );

    // A site's own remark configuration is left alone.
    site.write(".remarkrc.json", "{\"plugins\": [\"remark-lint\"]}\n");
    write_schemas(site.root());
    assert_eq!(read(".remarkrc.json"), "{\"plugins\": [\"remark-lint\"]}\n");
}

#[test]
fn every_fixture_page_and_the_example_site_pass_their_schemas() {
    let example = example_site();
    let overlaid = |name: &str| {
        let site = TestSite::fixture("basic");
        site.overlay(&format!("tests/fixtures/{name}/site"));
        site
    };
    let fixtures = [
        TestSite::fixture("basic"),
        overlaid("check"),
        overlaid("privacy"),
        TestSite::fixture("search"),
    ];
    let mut sites: Vec<&Path> = fixtures.iter().map(TestSite::root).collect();
    sites.push(example.path());
    for site in sites {
        write_schemas(site);
        assert!(
            config_errors(site).is_empty(),
            "{}: {:?}",
            site.display(),
            config_errors(site)
        );
        let report = remark_report(site);
        let pages = pages(site);
        assert!(!pages.is_empty());
        for page in &pages {
            assert!(
                report.contains(&format!("{page}: no issues found")),
                "{page} does not pass its schema:\n{report}"
            );
        }
    }
}

/// The cases of `tests/fixtures/errors/` whose mistake is in a page's
/// front matter or in `linju.yaml`'s keys and values: what a schema can
/// see. (The others are about links, addresses, sections or the YAML's
/// own syntax, which the build reports.)
const PAGE_CASES: [&str; 7] = [
    "bad-date",
    "unknown-field",
    "wrong-value-type",
    "missing-required-field",
    "field-of-another-type",
    "unknown-community",
    "chinese-comma-in-tags",
];
const CONFIG_CASES: [&str; 3] = [
    "unknown-config-key",
    "config-too-many-widths",
    "bad-search-setting",
];

fn broken_site(case: &str) -> (TestSite, Vec<String>) {
    let site = TestSite::fixture("basic");
    let overlay = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/errors")
        .join(case)
        .join("site");
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(&overlay) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let relative = entry
                .path()
                .strip_prefix(&overlay)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            site.write(&relative, &std::fs::read_to_string(entry.path()).unwrap());
            files.push(relative);
        }
    }
    (site, files)
}

#[test]
fn every_broken_fixture_fails_its_schema() {
    // Schemas from the good site: a broken page must not change them.
    for case in PAGE_CASES {
        let (site, files) = broken_site(case);
        let good = TestSite::fixture("basic");
        write_schemas(good.root());
        copy_schemas(good.root(), site.root());
        let report = remark_report(site.root());
        for file in files.iter().filter(|f| f.ends_with(".md")) {
            // remark prints a file with findings as its name alone on a
            // line, then one line per finding.
            let warned = report
                .split('\n')
                .skip_while(|line| *line != file.as_str())
                .skip(1)
                .take_while(|line| !line.is_empty())
                .any(|line| line.contains("frontmatter-schema"));
            assert!(warned, "{case}: {file} passes its schema:\n{report}");
        }
    }
    for case in CONFIG_CASES {
        let (site, _) = broken_site(case);
        let good = TestSite::fixture("basic");
        write_schemas(good.root());
        copy_schemas(good.root(), site.root());
        assert!(
            !config_errors(site.root()).is_empty(),
            "{case}: linju.yaml passes its schema"
        );
    }
}

fn copy_schemas(from: &Path, to: &Path) {
    std::fs::create_dir_all(to.join(".linju/schema")).unwrap();
    for entry in std::fs::read_dir(from.join(".linju/schema")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(
            entry.path(),
            to.join(".linju/schema").join(entry.file_name()),
        )
        .unwrap();
    }
    std::fs::copy(from.join(".remarkrc.json"), to.join(".remarkrc.json")).unwrap();
}

#[test]
fn init_wires_the_schemas_up_for_vs_code() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    let output = Command::new(env!("CARGO_BIN_EXE_linju"))
        .arg("init")
        .arg(&site)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let read = |relative: &str| {
        std::fs::read_to_string(site.join(relative)).unwrap_or_else(|e| panic!("{relative}: {e}"))
    };
    assert!(
        read("linju.yaml")
            .starts_with("# yaml-language-server: $schema=.linju/schema/linju.schema.json\n"),
        "the modeline any editor with the YAML language server reads"
    );
    let settings: Value = serde_json::from_str(&read(".vscode/settings.json")).unwrap();
    assert_eq!(
        settings["yaml.schemas"]["./.linju/schema/linju.schema.json"],
        "linju.yaml"
    );
    let extensions = read(".vscode/extensions.json");
    assert!(
        extensions.contains("redhat.vscode-yaml") && extensions.contains("unifiedjs.vscode-remark")
    );
    for schema in ["linju", "story", "event", "station"] {
        assert!(
            site.join(format!(".linju/schema/{schema}.schema.json"))
                .is_file(),
            "{schema}"
        );
    }
    assert!(
        read(".linju/.gitignore").contains('*'),
        "the schemas are not committed"
    );
    assert!(read(".remarkrc.json").contains("./.linju/schema/story.schema.json"));

    // And what it wrote checks the starter pages and linju.yaml.
    assert!(
        config_errors(&site).is_empty(),
        "{:?}",
        config_errors(&site)
    );
    let report = remark_report(&site);
    for page in pages(&site) {
        assert!(
            report.contains(&format!("{page}: no issues found")),
            "{page}:\n{report}"
        );
    }
}
