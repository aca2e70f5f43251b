//! `data:` of `linju.yaml`: spreadsheets the office already keeps (the
//! station list, the year's 最美家庭, a volunteer roster) whose rows become
//! pages of a section. A ground-floor leaf beside `config`, which reads the
//! file and hands the entries here; `content::sheets` reads the files.

use std::path::Path;

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::lang::tr;

/// The kinds of file a `data:` entry may name.
pub const SHEET_EXTENSIONS: [&str; 5] = ["xlsx", "xlsm", "xls", "ods", "csv"];

/// The folder spreadsheets live in, beside `content/`.
pub const DATA_DIR: &str = "data";

/// One entry of `data:` as written.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawDataSource {
    file: Option<String>,
    sheet: Option<String>,
    section: Option<String>,
    #[serde(default)]
    columns: serde_json::Map<String, serde_json::Value>,
}

/// A checked `data:` entry.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DataSource {
    /// The spreadsheet, relative to the site folder (`data/家庭.xlsx`).
    pub file: String,
    /// The sheet (the first when not given; a CSV file has one).
    pub sheet: Option<String>,
    /// The section folder under `content/` its rows join (`families`).
    pub section: String,
    /// Column headers mapped to front matter keys, for headers that are
    /// neither a key nor its Chinese label (`家庭名称: family`).
    pub columns: Vec<(String, String)>,
    /// The line of the entry in `linju.yaml`, for messages.
    pub line: Option<usize>,
}

/// `data:`, checked; each error points at its entry's `file:` line.
pub(crate) fn check_data(
    path: &Path,
    text: &str,
    raw: Vec<RawDataSource>,
) -> Result<Vec<DataSource>> {
    raw.into_iter()
        .map(|entry| check_entry(path, text, entry))
        .collect()
}

fn check_entry(path: &Path, text: &str, raw: RawDataSource) -> Result<DataSource> {
    let file = raw.file.unwrap_or_default().trim().to_string();
    let line = text
        .lines()
        .position(|l| l.contains("file:") && !file.is_empty() && l.contains(file.as_str()))
        .map(|i| i + 1)
        .or_else(|| {
            text.lines()
                .position(|l| l.starts_with("data:"))
                .map(|i| i + 1)
        });
    let at = |message, hint| Error::in_file_at(path, line, message).with_hint(hint);
    let extension = Path::new(&file)
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let in_data_dir = file.starts_with(&format!("{DATA_DIR}/")) && !file.contains("..");
    if !in_data_dir || !SHEET_EXTENSIONS.contains(&extension.as_str()) {
        return Err(at(
            tr!(
                "data 的 file `{file}` 不是 data 文件夹里的表格",
                "data file `{file}` is not a spreadsheet in the data folder"
            ),
            tr!(
                "把表格放进网站文件夹下的 data 文件夹，写成 file: data/最美家庭.xlsx（可以是 .xlsx、.xls、.ods 或 .csv）",
                "put the spreadsheet in the site's data folder and write file: data/families.xlsx (.xlsx, .xls, .ods or .csv)"
            ),
        ));
    }
    let section = raw
        .section
        .unwrap_or_default()
        .trim()
        .trim_matches('/')
        .to_string();
    if section.is_empty() {
        return Err(at(
            tr!(
                "表格 `{file}` 没写 section",
                "data file `{file}` has no section"
            ),
            tr!(
                "写每一行变成哪个栏目的页面，例如 section: families（content/families/ 文件夹）",
                "name the section its rows join, e.g. section: families (the content/families/ folder)"
            ),
        ));
    }
    let mut columns = Vec::new();
    for (header, key) in raw.columns {
        let Some(key) = key.as_str().map(str::trim).filter(|k| !k.is_empty()) else {
            return Err(at(
                tr!(
                    "columns 里 `{header}` 没写对应的字段",
                    "columns: `{header}` is not mapped to a field"
                ),
                tr!(
                    "写成 表头: 字段名，例如 家庭名称: family",
                    "write header: field, e.g. 家庭名称: family"
                ),
            ));
        };
        columns.push((header.trim().to_string(), key.to_string()));
    }
    Ok(DataSource {
        file,
        sheet: raw
            .sheet
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty()),
        section,
        columns,
        line,
    })
}
