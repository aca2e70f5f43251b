//! Pages from spreadsheets (`data:` in `linju.yaml`): each row of a sheet
//! becomes a page of a section, as if it were a Markdown file.
//!
//! A row is written out as the page file a writer would have typed (front
//! matter with one key per column, then the `正文` column as the body) and
//! loaded by the same code as every page, so it is checked, slugged, linked
//! to its community, searched and shown on screens like any other. What
//! differs is only where a mistake is reported: the spreadsheet, the sheet,
//! the row and the column, never a line of text the writer never saw.
//!
//! Headers are front matter keys (`family`) or their Chinese labels from the
//! editor (`家庭名称`), or whatever `columns:` maps; cells that hold lists
//! (`成员`, `标签`, `功能区`) are split the way people type them in a cell.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use calamine::{Data, Reader};
use serde_json::{Value, json};

use crate::config::Config;
use crate::content::discover::{PageSource, RowOrigin, section_index_key};
use crate::content::fields::{Shape, fields_of};
use crate::content::{PageType, Section};
use crate::data_settings::DataSource;
use crate::error::Error;
use crate::lang::{Text, tr};

/// Headers that hold the body, the slug, or nothing to publish.
const BODY_HEADERS: [&str; 4] = ["正文", "内容", "body", "content"];
const SLUG_HEADERS: [&str; 3] = ["slug", "网址", "网址名"];

/// What a column is.
#[derive(Debug, Clone)]
enum Column {
    Field(&'static str, Shape),
    Body,
    Slug,
    Blank,
}

/// The page sources of every `data:` entry, and every problem with them.
pub fn row_sources(
    root: &Path,
    config: &Config,
    sections: &[Section],
) -> (Vec<PageSource>, Vec<Error>) {
    let mut sources = Vec::new();
    let mut errors = Vec::new();
    for entry in &config.data {
        match sources_of(root, entry, sections) {
            Ok(rows) => sources.extend(rows),
            Err(mut problems) => errors.append(&mut problems),
        }
    }
    (sources, errors)
}

fn config_error(entry: &DataSource, message: Text, hint: Text) -> Error {
    Error::in_file_at(crate::config::CONFIG_FILE, entry.line, message).with_hint(hint)
}

fn sources_of(
    root: &Path,
    entry: &DataSource,
    sections: &[Section],
) -> Result<Vec<PageSource>, Vec<Error>> {
    let section_key = section_index_key(&entry.section);
    let Some(section) = sections.iter().find(|s| s.source_key == section_key) else {
        let name = &entry.section;
        return Err(vec![config_error(
            entry,
            tr!("没有 `{name}` 这个栏目", "there is no section `{name}`"),
            tr!(
                "section 写 content 下的栏目文件夹名，例如 families；新栏目先建文件夹和它的 _index.md",
                "name a section folder under content, e.g. families; make a new one with its _index.md first"
            ),
        )]);
    };
    let file = root.join(&entry.file);
    let shown = PathBuf::from(&entry.file);
    let (sheet, rows) = read_table(&file, &shown, entry.sheet.as_deref()).map_err(|e| vec![e])?;
    let Some((headers, body)) = rows.split_first() else {
        return Ok(Vec::new());
    };
    let columns = columns_of(entry, section.page_type, headers, (&shown, &sheet))?;
    let file_name = shown
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut sources = Vec::new();
    for (n, cells) in body.iter().enumerate() {
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let row = n + 2;
        let origin = row_page(&columns, headers, cells, (&sheet, row));
        let stem = stem_of(&columns, cells).unwrap_or_else(|| format!("{file_name}-{row}"));
        sources.push(PageSource {
            file: file.clone(),
            key: format!("{}/{file_name}/{sheet}/{row}", entry.section),
            section_key: entry.section.clone(),
            stem,
            bundle_assets: None,
            row: Some(Arc::new(origin)),
        });
    }
    Ok(sources)
}

/// What a row's address is made from: its slug column, else its person
/// or family, else its title.
fn stem_of(columns: &[Column], cells: &[String]) -> Option<String> {
    let pick = |wanted: fn(&Column) -> bool| {
        columns
            .iter()
            .zip(cells)
            .find(|(column, cell)| wanted(column) && !cell.trim().is_empty())
            .map(|(_, cell)| cell.trim().to_string())
    };
    // A person's or family's name makes a shorter address than a title.
    pick(|c| matches!(c, Column::Slug))
        .or_else(|| pick(|c| matches!(c, Column::Field("person" | "family", _))))
        .or_else(|| pick(|c| matches!(c, Column::Field("title", _))))
}

/// What each header is; an unknown header is an error naming it.
fn columns_of(
    entry: &DataSource,
    page_type: PageType,
    headers: &[String],
    (shown, sheet): (&Path, &str),
) -> Result<Vec<Column>, Vec<Error>> {
    let fields: Vec<_> = fields_of(page_type).collect();
    let mut errors = Vec::new();
    let mut columns = Vec::new();
    for (index, header) in headers.iter().enumerate() {
        let header = header.trim();
        let mapped = entry
            .columns
            .iter()
            .find(|(h, _)| h == header)
            .map_or(header, |(_, key)| key.as_str());
        let field = fields
            .iter()
            .find(|f| f.name == mapped || f.label == mapped);
        let column = match field {
            _ if header.is_empty() => Column::Blank,
            Some(field) => Column::Field(field.name, field.shape),
            None if BODY_HEADERS.contains(&mapped) => Column::Body,
            None if SLUG_HEADERS.contains(&mapped) => Column::Slug,
            None => {
                let letter = column_letter(index);
                let chinese = page_type.chinese_name();
                let known: Vec<&str> = fields.iter().map(|f| f.label).collect();
                let known = known.join("、");
                errors.push(
                    Error::in_file(
                        shown,
                        tr!(
                            "工作表「{sheet}」第 1 行 {letter} 列：表头 `{header}` 不是{chinese}页面的字段",
                            "sheet `{sheet}`, row 1, column {letter}: header `{header}` is not a field of {chinese} pages"
                        ),
                    )
                    .with_hint(tr!(
                        "表头写字段的中文名（{known}、正文），或在 linju.yaml 的 columns 里写 {header}: 字段名",
                        "use a field's Chinese label ({known}, 正文) or map it in linju.yaml: columns: {{{header}: field}}"
                    )),
                );
                Column::Blank
            }
        };
        columns.push(column);
    }
    if errors.is_empty() {
        Ok(columns)
    } else {
        Err(errors)
    }
}

/// `A`, `B`, … `Z`, `AA`: a column as the spreadsheet names it.
fn column_letter(index: usize) -> String {
    let mut n = index + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
}

/// The page file a row stands for, with the column of each line.
fn row_page(
    columns: &[Column],
    headers: &[String],
    cells: &[String],
    (sheet, row): (&str, usize),
) -> RowOrigin {
    let mut lines = Vec::new();
    let mut origins = Vec::new();
    let mut body = String::new();
    for ((column, header), cell) in columns.iter().zip(headers).zip(cells) {
        let cell = cell.trim();
        if cell.is_empty() {
            continue;
        }
        match column {
            Column::Field(name, shape) => {
                lines.push(format!("{name}: {}", cell_value(*shape, cell)));
                origins.push(header.trim().to_string());
            }
            Column::Body => body = cell.to_string(),
            Column::Slug | Column::Blank => {}
        }
    }
    RowOrigin {
        text: format!("---\n{}\n---\n{body}\n", lines.join("\n")),
        sheet: sheet.to_string(),
        row,
        columns: origins,
    }
}

/// A cell as the front matter value its field takes, written as JSON
/// (which YAML reads as it is).
fn cell_value(shape: Shape, cell: &str) -> Value {
    let items = |separators: &[char]| -> Vec<String> {
        cell.split(separators)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    };
    const LIST: [char; 7] = ['、', '，', ',', '；', ';', '\n', '/'];
    match shape {
        Shape::TextList => json!(items(&LIST)),
        Shape::Flag => json!(matches!(cell, "是" | "√" | "✓" | "true" | "TRUE" | "1" | "yes")),
        Shape::Count | Shape::Integer => cell
            .parse::<i64>()
            .map_or_else(|_| json!(cell), |n| json!(n)),
        Shape::Members => json!(
            items(&LIST)
                .iter()
                .map(|m| named(m, &['（', '('], |name, rest| json!({"name": name, "relation": rest.trim_end_matches([')', '）'])})))
                .collect::<Vec<_>>()
        ),
        Shape::Areas => json!(
            items(&['；', ';', '\n'])
                .iter()
                .map(|a| named(a, &['：', ':'], |name, rest| json!({"name": name, "description": rest})))
                .collect::<Vec<_>>()
        ),
        Shape::Resolved => json!(
            items(&LIST)
                .iter()
                .map(|r| named(r, &['：', ':', ' '], |name, rest| json!({"category": name, "count": rest.trim().parse::<u64>().map_or(json!(rest), |n| json!(n))})))
                .collect::<Vec<_>>()
        ),
        Shape::Geo => match cell.split_once([',', '，']) {
            Some((lat, lng)) => match (lat.trim().parse::<f64>(), lng.trim().parse::<f64>()) {
                (Ok(lat), Ok(lng)) => json!({"lat": lat, "lng": lng}),
                _ => json!(cell),
            },
            None => json!(cell),
        },
        _ => json!(cell),
    }
}

/// `name（rest）` or `name：rest` as a record; a cell without the mark is
/// the name alone.
fn named(text: &str, marks: &[char], record: impl Fn(&str, &str) -> Value) -> Value {
    match text.split_once(marks) {
        Some((name, rest)) => record(name.trim(), rest.trim()),
        None => json!({"name": text.trim()}),
    }
}

/// The rows of a sheet as text, and the sheet's name: a CSV file (UTF-8,
/// or GBK as Excel saves it on a Chinese Windows), or a workbook.
fn read_table(
    file: &Path,
    shown: &Path,
    sheet: Option<&str>,
) -> Result<(String, Vec<Vec<String>>), Error> {
    let is_csv = file
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    if is_csv {
        let bytes = std::fs::read(file)
            .map_err(|e| Error::io(shown, ("读取表格", "read the spreadsheet"), &e))?;
        return Ok((csv_sheet_name(file), read_csv(&bytes, shown)?));
    }
    let unreadable = |reason: String| {
        Error::in_file(
            shown,
            tr!(
                "读不了这个表格：{reason}",
                "could not read the spreadsheet: {reason}"
            ),
        )
        .with_hint(tr!(
            "用 Excel 或 WPS 另存为 .xlsx 再试；文件要是关着的",
            "save it again as .xlsx from Excel or WPS, with the file closed"
        ))
    };
    if !file.is_file() {
        return Err(
            Error::in_file(shown, tr!("找不到这个表格", "the spreadsheet is not there")).with_hint(
                tr!(
                    "把表格放进网站的 data 文件夹，文件名和 linju.yaml 里写的一样",
                    "put the spreadsheet in the site's data folder under the name linju.yaml gives"
                ),
            ),
        );
    }
    let mut workbook = calamine::open_workbook_auto(file).map_err(|e| unreadable(e.to_string()))?;
    let names = workbook.sheet_names();
    let name = match sheet {
        Some(wanted) => names
            .iter()
            .find(|n| n.as_str() == wanted)
            .cloned()
            .ok_or_else(|| {
                let all = names.join("、");
                Error::in_file(
                    shown,
                    tr!("没有「{wanted}」这个工作表", "there is no sheet `{wanted}`"),
                )
                .with_hint(tr!("这个表格里的工作表有：{all}", "the sheets are: {all}"))
            })?,
        None => names
            .first()
            .cloned()
            .ok_or_else(|| unreadable("没有工作表".to_string()))?,
    };
    let range = workbook
        .worksheet_range(&name)
        .map_err(|e| unreadable(e.to_string()))?;
    let rows = range
        .rows()
        .map(|row| row.iter().map(cell_text).collect())
        .collect();
    Ok((name, rows))
}

fn csv_sheet_name(file: &Path) -> String {
    file.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn read_csv(bytes: &[u8], shown: &Path) -> Result<Vec<Vec<String>>, Error> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(_) => encoding_rs::GB18030.decode(bytes).0.into_owned(),
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let reason = e.to_string();
            Error::in_file(
                shown,
                tr!(
                    "读不了这个 CSV 表格：{reason}",
                    "could not read the CSV file: {reason}"
                ),
            )
        })?;
        rows.push(record.iter().map(str::to_string).collect());
    }
    Ok(rows)
}

/// A cell as the text a person would type: whole numbers without `.0`,
/// dates as `2026-05-01` (with the time when it has one).
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(n) => n.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(when) => {
            let (y, m, d, hh, mm, _, _) = when.to_ymd_hms_milli();
            if hh == 0 && mm == 0 {
                format!("{y:04}-{m:02}-{d:02}")
            } else {
                format!("{y:04}-{m:02}-{d:02} {hh:02}:{mm:02}")
            }
        }
    }
}

/// A row page's problems told as the spreadsheet's: the sheet, the row and
/// the column of the line each one was found at.
pub fn at_cells(errors: Vec<Error>, origin: &RowOrigin) -> Vec<Error> {
    errors
        .into_iter()
        .map(|mut error| {
            let header = match error.line {
                Some(line) if line >= 2 && line - 2 < origin.columns.len() => {
                    Some(origin.columns[line - 2].as_str())
                }
                Some(line) if line > origin.columns.len() + 2 => Some("正文"),
                _ => None,
            };
            let (column, column_en) = header.map_or_else(
                || (String::new(), String::new()),
                |h| (format!("「{h}」列"), format!(", column {h}")),
            );
            let (sheet, row) = (&origin.sheet, origin.row);
            let (zh, en) = (&error.message.zh, &error.message.en);
            error.message = tr!(
                "工作表「{sheet}」第 {row} 行{column}：{zh}",
                "sheet `{sheet}`, row {row}{column_en}: {en}"
            );
            if column.is_empty() {
                // Problems of the whole page (no title, a required field
                // missing): the front matter hint would point at text the
                // office never wrote.
                error.hint = Some(Box::new(tr!(
                    "这一行要填「标题」，以及这类页面必填的那一列（家庭的「家庭名称」、人物的「人物姓名」、服务站的「地址」、活动的「日期」）",
                    "fill in the title column, and the column this kind of page needs (family, person, address or date)"
                )));
            }
            error.line = None;
            error
        })
        .collect()
}
