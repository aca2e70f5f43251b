//! Pages from spreadsheets (issue 17): `data:` in `linju.yaml` turns each
//! row of a workbook's sheet or a CSV file into a page of a section, with
//! Chinese headers, checked like front matter; mistakes name the file, the
//! sheet, the row and the column; an edited spreadsheet rebuilds its pages
//! (fixture `tests/fixtures/sheets`; the workbook is made here).

use std::path::Path;

use linju::{BuildOptions, Session};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

use crate::harness::{TestSite, texts};

/// The year's 最美家庭 as an office keeps it: a sheet of notes first, then
/// the list, a date cell, a blank row between entries.
fn write_families(path: &Path, rows: &[[&str; 7]]) {
    let mut workbook = Workbook::new();
    let notes = workbook.add_worksheet();
    notes.set_name("说明").unwrap();
    notes.write(0, 0, "本表由社区宣传办维护").unwrap();
    let list = workbook.add_worksheet();
    list.set_name("名单").unwrap();
    let headers = [
        "标题",
        "家庭称号",
        "家庭成员",
        "所属社区",
        "日期",
        "标签",
        "正文",
    ];
    for (column, header) in headers.iter().enumerate() {
        list.write(0, column as u16, *header).unwrap();
    }
    let date_format = Format::new().set_num_format("yyyy-mm-dd");
    for (n, row) in rows.iter().enumerate() {
        // Row 3 of the sheet is left blank, as offices do between entries.
        let at = if n == 0 { 1 } else { n as u32 + 2 };
        for (column, cell) in row.iter().enumerate() {
            if column == 4 && cell.len() == 10 {
                let date = ExcelDateTime::parse_from_str(cell).unwrap();
                list.write_with_format(at, 4, &date, &date_format).unwrap();
            } else if !cell.is_empty() {
                list.write(at, column as u16, *cell).unwrap();
            }
        }
    }
    workbook.save(path).unwrap();
}

const ZHOU: [&str; 7] = [
    "周家：三代同堂",
    "周德明家庭",
    "周德明（爷爷）、周丽（孙女）",
    "听湖社区",
    "2026-05-01",
    "孝老爱亲、书香家庭",
    "一家人每晚一起读书。",
];
const SUN: [&str; 7] = [
    "孙家：楼道里的图书角",
    "孙建华家庭",
    "孙建华（父亲）",
    "",
    "2026-04-12",
    "书香家庭",
    "把家里的书搬到了楼道。",
];

fn sheets_site(rows: &[[&str; 7]]) -> TestSite {
    let site = TestSite::fixture("sheets");
    write_families(&site.root().join("data/最美家庭2026.xlsx"), rows);
    site
}

/// The built page whose `<h1>` is `title`, under `section/`.
fn page_titled(public: &Path, section: &str, title: &str) -> String {
    std::fs::read_dir(public.join(section))
        .unwrap()
        .filter_map(|e| std::fs::read_to_string(e.ok()?.path().join("index.html")).ok())
        .find(|html| texts(html, "h1").first().is_some_and(|h| h == title))
        .unwrap_or_else(|| panic!("no page titled {title} under {section}/"))
}

#[test]
fn rows_of_a_workbook_sheet_become_family_pages_with_their_fields() {
    let site = sheets_site(&[ZHOU, SUN]);
    site.build(&[]).ok();
    let zhou = page_titled(&site.public(), "families", "周家：三代同堂");
    let text = texts(&zhou, "main").join(" ");
    for fact in [
        "周德明",
        "周丽",
        "爷爷",
        "一家人每晚一起读书。",
        "2026年5月1日",
    ] {
        assert!(text.contains(fact), "{fact} missing: {text}");
    }
    assert!(
        zhou.contains("/biaoge/communities/tinghu/"),
        "linked to its community"
    );
    assert_eq!(texts(&zhou, ".tags a"), ["#孝老爱亲", "#书香家庭"]);
    // Rows sit in the section beside a Markdown page, newest first.
    let list = site.read("families/index.html");
    let titles = texts(&list, ".card-title");
    assert_eq!(
        titles,
        ["周家：三代同堂", "孙家：楼道里的图书角", "马家：一起学手语"]
    );
    // And they are found by the search like any page.
    let search = std::fs::read_dir(site.public().join("search/f"))
        .unwrap()
        .count();
    assert_eq!(
        search,
        3 + 2 + 1,
        "families, stations and the community are indexed"
    );
}

#[test]
fn rows_of_a_csv_file_become_stations_and_gbk_from_excel_reads_the_same() {
    let site = sheets_site(&[ZHOU]);
    site.build(&[]).ok();
    let station = page_titled(&site.public(), "stations", "听湖党群服务站");
    assert_eq!(
        texts(&station, ".area-list h3"),
        ["物业服务窗口", "法律服务室"]
    );
    assert!(station.contains("geo:30.2741,120.1551"));
    assert!(station.contains("\"openingHoursSpecification\""));
    let utf8 = texts(&station, "main");
    // Excel on a Chinese Windows saves CSV in GBK: the same rows, the same pages.
    let csv = site.root().join("data/服务站.csv");
    let text = std::fs::read_to_string(&csv).unwrap();
    let (gbk, _, lossy) = encoding_rs::GBK.encode(&text);
    assert!(!lossy);
    std::fs::write(&csv, gbk).unwrap();
    site.build(&[]).ok();
    let again = page_titled(&site.public(), "stations", "听湖党群服务站");
    assert_eq!(texts(&again, "main"), utf8);
}

#[test]
fn a_mistake_in_a_row_names_the_sheet_the_row_and_the_column() {
    let mut bad = SUN;
    bad[4] = "四月十二日";
    let site = sheets_site(&[ZHOU, bad]);
    let stderr = site.build(&[]).fails();
    assert!(
        stderr.contains("data/最美家庭2026.xlsx: 工作表「名单」第 4 行「日期」列："),
        "{stderr}"
    );
    assert!(stderr.contains("四月十二日"), "{stderr}");
    assert!(!site.public().exists(), "nothing is written");
    let english = site.run_in_english(&["build"]).fails();
    assert!(
        english.contains("sheet `名单`, row 4, column 日期: "),
        "{english}"
    );
}

#[test]
fn an_unknown_header_and_a_missing_sheet_say_what_to_write() {
    let site = sheets_site(&[ZHOU]);
    site.write(
        "data/服务站.csv",
        "标题,地址,营业时间\n听湖党群服务站,听湖路 88 号,8:30-17:30\n",
    );
    let stderr = site.build(&[]).fails();
    assert!(
        stderr.contains("工作表「服务站」第 1 行 C 列：表头 `营业时间` 不是服务站页面的字段"),
        "{stderr}"
    );
    assert!(
        stderr.contains("开放时间"),
        "the hint lists the labels: {stderr}"
    );
    let config = std::fs::read_to_string(site.root().join("linju.yaml")).unwrap();
    site.write("linju.yaml", &config.replace("sheet: 名单", "sheet: 名册"));
    let stderr = site.build(&[]).fails();
    assert!(stderr.contains("没有「名册」这个工作表"), "{stderr}");
    assert!(stderr.contains("说明、名单"), "{stderr}");
}

#[test]
fn an_edited_spreadsheet_rebuilds_its_pages_like_a_fresh_build() {
    let site = sheets_site(&[ZHOU, SUN]);
    let live_dir = tempfile::tempdir().unwrap();
    let live = live_dir.path().join("site");
    let options = |output: &Path| BuildOptions {
        root: site.root().to_path_buf(),
        output: Some(output.to_path_buf()),
        clock: Some("2026-12-07 10:00".into()),
        ..Default::default()
    };
    let mut session = Session::new(options(&live)).unwrap();
    session.build().unwrap();
    let mut renamed = SUN;
    renamed[0] = "孙家：楼道图书角开张了";
    let workbook = site.root().join("data/最美家庭2026.xlsx");
    write_families(&workbook, &[ZHOU, renamed]);
    session.rebuild(&[workbook]).unwrap();
    let fresh_dir = tempfile::tempdir().unwrap();
    let fresh = fresh_dir.path().join("site");
    linju::build(&options(&fresh)).unwrap();
    let list = |root: &Path| std::fs::read_to_string(root.join("families/index.html")).unwrap();
    assert_eq!(list(&live), list(&fresh));
    assert!(texts(&list(&live), ".card-title").contains(&"孙家：楼道图书角开张了".to_string()));
}

#[test]
fn the_whole_message_for_bad_rows_of_a_csv_file() {
    let site = sheets_site(&[ZHOU]);
    site.write(
        "data/服务站.csv",
        "标题,地址,开放时间,所属社区\n\
         听湖党群服务站,听湖路 88 号,周一至周五 8:30-17:30,听湖社区\n\
         青石便民点,青石街 16 号,周八 9:00-12:00,听湖社区\n\
         ,枫林路 3 号,每天 8:00-21:00,听湖社区\n",
    );
    let chinese = site.build(&[]).fails();
    let english = site.run_in_english(&["build"]).fails();
    let root = site.root().to_string_lossy().into_owned();
    insta::assert_snapshot!("sheet_rows", chinese.replace(&root, "<site>"));
    insta::assert_snapshot!("sheet_rows.en", english.replace(&root, "<site>"));
}

#[test]
fn a_data_entry_must_name_a_spreadsheet_in_data_and_a_section_that_exists() {
    let site = sheets_site(&[ZHOU]);
    let config = std::fs::read_to_string(site.root().join("linju.yaml")).unwrap();
    site.write(
        "linju.yaml",
        &config.replace("file: data/服务站.csv", "file: 服务站.docx"),
    );
    let stderr = site.build(&[]).fails();
    assert!(
        stderr.contains("linju.yaml:12: data 的 file `服务站.docx` 不是 data 文件夹里的表格"),
        "{stderr}"
    );
    site.write(
        "linju.yaml",
        &config.replace("section: stations", "section: zhandian"),
    );
    let stderr = site.build(&[]).fails();
    assert!(
        stderr.contains("linju.yaml:12: 没有 `zhandian` 这个栏目"),
        "{stderr}"
    );
}
