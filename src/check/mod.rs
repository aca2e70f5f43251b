//! `linju check`: everything a build checks, plus what a build lets
//! through: links and anchors against what the build writes, images and
//! files that point at nothing, missing alt text, expired notices, events
//! that end before they start, council steps out of order, the privacy
//! guard and, with `--external`, links to other sites. The site is built
//! into `.linju/check/` (never over the published output), so "what the
//! build writes" is exact.

pub mod external;
pub mod links;
pub mod rules;

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use crate::build::session::Session;
use crate::error::Error;
use crate::lang::{Label, Lang};
use crate::options::BuildOptions;

pub use external::ExternalOptions;

/// How bad a finding is: errors fail `check`; warnings only with `--strict`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Must be fixed.
    Error,
    /// Worth a look.
    Warning,
}

/// One problem, at its file and line.
#[derive(Debug, Clone)]
pub struct Finding {
    /// Error or warning.
    pub severity: Severity,
    /// Where, what and what to do.
    pub error: Error,
}

/// Everything `check` found.
#[derive(Debug, Clone, Default)]
pub struct CheckReport {
    /// By file, then line.
    pub findings: Vec<Finding>,
    /// Pages checked.
    pub pages: usize,
}

impl CheckReport {
    /// How many findings have `severity`.
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }

    /// The findings grouped by file, each with its line, label and hint,
    /// then a count; in `lang`.
    pub fn render_text(&self, lang: Lang) -> String {
        let mut out = String::new();
        for (file, findings) in self.by_file() {
            out.push_str(&file);
            out.push('\n');
            for finding in findings {
                out.push_str(&format!("  {}\n", one_finding(finding, lang)));
            }
            out.push('\n');
        }
        let (errors, warnings) = (self.count(Severity::Error), self.count(Severity::Warning));
        let pages = self.pages;
        out.push_str(&match lang {
            Lang::Zh if errors + warnings == 0 => format!("检查了 {pages} 个页面，没有发现问题"),
            Lang::Zh => format!("检查了 {pages} 个页面：{errors} 个错误，{warnings} 个警告"),
            Lang::En if errors + warnings == 0 => format!("checked {pages} pages: no problems"),
            Lang::En => format!("checked {pages} pages: {errors} errors, {warnings} warnings"),
        });
        out
    }

    /// The findings as JSON, for editors and CI: `{"errors", "warnings",
    /// "files": [{"file", "problems": [{"line", "column", "severity",
    /// "message", "hint"}]}]}`, worded in `lang`.
    pub fn render_json(&self, lang: Lang) -> String {
        let files: Vec<serde_json::Value> = self
            .by_file()
            .into_iter()
            .map(|(file, findings)| {
                let problems: Vec<serde_json::Value> = findings
                    .iter()
                    .map(|f| {
                        serde_json::json!({
                            "line": f.error.line,
                            "column": f.error.column,
                            "severity": match f.severity { Severity::Error => "error", Severity::Warning => "warning" },
                            "message": f.error.message.get(lang),
                            "hint": f.error.hint.as_ref().map(|h| h.get(lang)),
                        })
                    })
                    .collect();
                serde_json::json!({ "file": file, "problems": problems })
            })
            .collect();
        let value = serde_json::json!({
            "pages": self.pages,
            "errors": self.count(Severity::Error),
            "warnings": self.count(Severity::Warning),
            "files": files,
        });
        serde_json::to_string_pretty(&value).unwrap_or_default()
    }

    fn by_file(&self) -> BTreeMap<String, Vec<&Finding>> {
        let mut grouped: BTreeMap<String, Vec<&Finding>> = BTreeMap::new();
        for finding in &self.findings {
            let file = finding
                .error
                .path
                .as_ref()
                .map_or_else(String::new, |p| p.display().to_string());
            grouped.entry(file).or_default().push(finding);
        }
        grouped
    }
}

fn one_finding(finding: &Finding, lang: Lang) -> String {
    let label = match finding.severity {
        Severity::Error => Label::Error,
        Severity::Warning => Label::Warning,
    };
    let mut error = finding.error.clone();
    let line = error
        .line
        .take()
        .map_or_else(String::new, |l| format!("{l}: "));
    error.path = None;
    error.column = None;
    let text = error.render(lang).replace("\n  ", "\n      ");
    format!("{line}{}{text}", lang.label(label))
}

/// Checks the site of `options` (its output is ignored: the check builds
/// into `.linju/check/`), and external links when `external` is given.
pub fn check(options: &BuildOptions, external: Option<&ExternalOptions>) -> CheckReport {
    let root = crate::fs::absolute(&options.root);
    let mut options = options.clone();
    options.output = Some(root.join(crate::fs::WORK_DIR).join("check"));
    let mut report = CheckReport::default();
    let built = Session::new(options).and_then(|mut session| {
        let built = session.build()?;
        Ok((session, built))
    });
    let (session, built) = match built {
        Ok(done) => done,
        Err(errors) => {
            report.findings = errors.0.into_iter().map(as_error).collect();
            return report;
        }
    };
    let Some(site) = session.site() else {
        return report;
    };
    report.pages = site.pages.len();
    let findings = &mut report.findings;
    findings.extend(built.warnings.into_iter().map(|error| Finding {
        severity: Severity::Warning,
        error,
    }));
    let files = output_files(session.output_dir());
    let published = links::Published::new(site, &files);
    let written = links::collect(site);
    for link in &written {
        findings.extend(links::check(link, site, &published));
    }
    findings.extend(rules::check(site));
    if let Some(external) = external {
        findings.extend(external::check(&written, external));
    }
    findings.sort_by(|a, b| {
        (&a.error.path, a.error.line, a.severity).cmp(&(&b.error.path, b.error.line, b.severity))
    });
    report
}

fn as_error(error: Error) -> Finding {
    Finding {
        severity: Severity::Error,
        error,
    }
}

/// Every file under `dir`, relative to it, with `/` separators.
fn output_files(dir: &Path) -> HashSet<String> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_file())
        .filter_map(|entry| {
            let relative: PathBuf = entry.path().strip_prefix(dir).ok()?.to_path_buf();
            Some(relative.to_string_lossy().replace('\\', "/"))
        })
        .collect()
}
