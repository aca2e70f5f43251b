//! The privacy guard: personal numbers and revealing photos in content.
//! Stories name real residents; a resident ID number, a private mobile or a
//! bank card typed into a page, or a photo carrying GPS coordinates, must
//! be caught before the page is published. `linju check` reports them, a
//! build warns. A page may declare a number public (`public_numbers:`),
//! and a station's or page's own `phone:` is public by definition.

use std::collections::HashSet;
use std::path::Path;

use rayon::prelude::*;

use crate::content::Page;
use crate::content::site::Site;
use crate::error::Error;
use crate::images;
use crate::lang::{Text, tr};

/// Every finding in the site's pages and their photos, by file and line.
pub fn scan(site: &Site) -> Vec<Error> {
    let public = public_numbers_of_site(site);
    let mut findings: Vec<Error> = site
        .pages
        .par_iter()
        .flat_map_iter(|page| scan_page(&site.root, page, &public))
        .collect();
    findings.extend(revealing_static_photos(&site.root));
    findings.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
    findings
}

/// Numbers any page may show: every declared `phone:` of the site.
/// A set, not a list: a district site declares tens of thousands of
/// numbers, and every number of every page is looked up in it.
fn public_numbers_of_site(site: &Site) -> HashSet<String> {
    site.pages
        .iter()
        .filter_map(|page| page.meta.phone.as_deref())
        .flat_map(|phone| phone.split(['/', '、', ',', '，', ';', '；']))
        .map(digits_of)
        .filter(|digits| !digits.is_empty())
        .collect()
}

fn scan_page(root: &Path, page: &Page, site_public: &HashSet<String>) -> Vec<Error> {
    let allowed: Vec<String> = page
        .meta
        .public_numbers
        .iter()
        .map(|n| digits_of(n))
        .collect();
    let mut findings: Vec<Error> = page
        .numbers
        .iter()
        .filter(|n| !allowed.contains(&n.digits) && !site_public.contains(&n.digits))
        .map(|n| finding(&page.file, n.line, n.kind, &n.written))
        .collect();
    findings.extend(revealing_photos(root, page));
    findings
}

/// A number in a page's file that may be personal, with its file line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberSeen {
    line: usize,
    written: String,
    digits: String,
    kind: Kind,
}

/// The numbers of a page file (front matter and body) long enough to be a
/// resident ID, a mobile or a bank card, found while the page loads (the
/// scan after a build used to read every page again). The `phone:` and
/// `public_numbers:` lines declare public numbers and are skipped. Most
/// pages have none, so this is usually an empty list.
pub fn numbers_of_file(text: &str) -> Vec<NumberSeen> {
    let mut seen = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let key = line.split_once(':').map(|(key, _)| key.trim());
        if matches!(key, Some("phone" | "public_numbers")) {
            continue;
        }
        for number in numbers_in(line) {
            if let Some(kind) = classify(&number.digits) {
                seen.push(NumberSeen {
                    line: index + 1,
                    written: number.written.to_string(),
                    digits: number.digits,
                    kind,
                });
            }
        }
    }
    seen
}

/// A run of digits as written (with single spaces or dashes between
/// groups, as people write phone numbers) and its digits alone.
struct Number<'a> {
    written: &'a str,
    digits: String,
}

/// The fewest digits of anything [`classify`] flags (a mobile number).
const FEWEST_DIGITS: usize = 11;

/// The numbers of `line` long enough to be flagged. Every character that
/// matters is ASCII, so the line is read as bytes: a byte of a Chinese
/// character is never a digit nor part of a word. (Decoding every line
/// of every page into characters was most of the scan.)
fn numbers_in(line: &str) -> Vec<Number<'_>> {
    let bytes = line.as_bytes();
    let mut numbers = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() || (i > 0 && is_part_of_word(bytes[i - 1])) {
            i += 1;
            continue;
        }
        let start = i;
        let end = run_end(bytes, start);
        let whole = bytes.get(end).is_none_or(|&b| !is_part_of_word(b));
        let written = &line[start..end];
        if whole
            && written
                .bytes()
                .filter(|b| b.is_ascii_alphanumeric())
                .count()
                >= FEWEST_DIGITS
        {
            numbers.push(Number {
                written,
                digits: digits_of(written),
            });
        }
        i = end.max(start + 1);
    }
    numbers
}

/// Where the number starting at `start` ends: digits, single spaces or
/// dashes between digits, and an ID's final check character.
fn run_end(bytes: &[u8], start: usize) -> usize {
    let mut end = start;
    while end < bytes.len() {
        let b = bytes[end];
        let joins = (b == b' ' || b == b'-')
            && bytes.get(end + 1).is_some_and(u8::is_ascii_digit)
            && end > start
            && bytes[end - 1].is_ascii_digit();
        let is_check_digit = (b == b'X' || b == b'x') && end - start >= 17;
        if b.is_ascii_digit() || joins || is_check_digit {
            end += 1;
            if is_check_digit {
                break;
            }
        } else {
            break;
        }
    }
    end
}

/// Letters and digits glued to a number make it a code, not a number.
fn is_part_of_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || b == b'/'
}

/// The digits (and an ID's final `X`) of a number as written.
fn digits_of(written: &str) -> String {
    written
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == 'X' || *c == 'x')
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// What a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    IdNumber,
    Mobile,
    BankCard,
}

fn classify(digits: &str) -> Option<Kind> {
    if is_resident_id(digits) {
        return Some(Kind::IdNumber);
    }
    if digits.contains('X') {
        return None;
    }
    let bytes = digits.as_bytes();
    if bytes.len() == 11 && bytes[0] == b'1' && (b'3'..=b'9').contains(&bytes[1]) {
        return Some(Kind::Mobile);
    }
    let card_prefix = matches!(bytes.first(), Some(b'3' | b'4' | b'5' | b'6'));
    if (16..=19).contains(&bytes.len()) && card_prefix && luhn_valid(digits) {
        return Some(Kind::BankCard);
    }
    None
}

/// A Chinese resident ID: 18 characters (GB 11643, ISO 7064 MOD 11-2 check
/// character) or the old 15-digit form, each with a real birth date.
fn is_resident_id(digits: &str) -> bool {
    let bytes = digits.as_bytes();
    match bytes.len() {
        18 => {
            let body_is_digits = bytes[..17].iter().all(u8::is_ascii_digit);
            body_is_digits
                && valid_region(&digits[..2])
                && valid_birth(&digits[6..14])
                && id_check_character(&digits[..17]) == bytes[17] as char
        }
        15 => {
            !digits.contains('X')
                && valid_region(&digits[..2])
                && valid_birth(&format!("19{}", &digits[6..12]))
        }
        _ => false,
    }
}

fn id_check_character(first17: &str) -> char {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
    let sum: u32 = first17
        .chars()
        .zip(WEIGHTS)
        .map(|(c, weight)| c.to_digit(10).unwrap_or(0) * weight)
        .sum();
    CHECK[(sum % 11) as usize]
}

/// Province codes run from 11 (Beijing) to 65 (Xinjiang), plus 71, 81, 82.
fn valid_region(code: &str) -> bool {
    code.parse::<u32>()
        .is_ok_and(|n| (11..=65).contains(&n) || [71, 81, 82].contains(&n))
}

fn valid_birth(yyyymmdd: &str) -> bool {
    let year = yyyymmdd.get(..4).and_then(|y| y.parse::<i16>().ok());
    let month = yyyymmdd.get(4..6).and_then(|m| m.parse::<i8>().ok());
    let day = yyyymmdd.get(6..8).and_then(|d| d.parse::<i8>().ok());
    match (year, month, day) {
        (Some(y), Some(m), Some(d)) => {
            (1900..=2100).contains(&y) && jiff::civil::Date::new(y, m, d).is_ok()
        }
        _ => false,
    }
}

/// The Luhn checksum bank cards carry.
fn luhn_valid(digits: &str) -> bool {
    let sum: u32 = digits
        .chars()
        .rev()
        .filter_map(|c| c.to_digit(10))
        .enumerate()
        .map(|(i, d)| {
            if i % 2 == 1 {
                if d * 2 > 9 { d * 2 - 9 } else { d * 2 }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

fn finding(file: &Path, line: usize, kind: Kind, written: &str) -> Error {
    let message = match kind {
        Kind::IdNumber => tr!(
            "这里像是一个居民身份证号：{written}",
            "this looks like a resident ID number: {written}"
        ),
        Kind::Mobile => tr!(
            "这里有一个手机号码：{written}",
            "this is a mobile number: {written}"
        ),
        Kind::BankCard => tr!(
            "这里像是一个银行卡号：{written}",
            "this looks like a bank card number: {written}"
        ),
    };
    let hint = match kind {
        Kind::Mobile => tr!(
            "居民的手机号不要公开，删掉或写成 138****0000；如果是公开的服务电话，写进 `phone:`，或在前言里加 `public_numbers: [\"{written}\"]`",
            "do not publish a resident's mobile: remove it or mask it (138****0000); for a public service number, put it in `phone:` or add `public_numbers: [\"{written}\"]` to the front matter"
        ),
        _ => tr!(
            "删掉这个号码，或只留后四位；确实要公开时，在前言里加 `public_numbers: [\"{written}\"]`",
            "remove the number or keep only its last four digits; if it really is public, add `public_numbers: [\"{written}\"]` to the front matter"
        ),
    };
    Error::at_line(file, line, message).with_hint(hint)
}

/// Photos of the page (its bundle's and its cover) whose EXIF tells where
/// they were taken or who owns the camera.
fn revealing_photos(root: &Path, page: &Page) -> Vec<Error> {
    page.assets
        .iter()
        .filter(|(_, name)| images::is_raster(name))
        .filter_map(|(source, _)| {
            let tags = images::revealing_tags(source);
            if tags.is_empty() {
                return None;
            }
            let photo = source.strip_prefix(root).unwrap_or(source);
            let page_file = page.file.display();
            let tags = tags.join(", ");
            Some(
                Error::in_file(
                    photo,
                    tr!(
                        "原图带有拍摄位置或机主信息（{tags}），{page_file} 用了这张照片",
                        "the original photo carries its location or owner ({tags}); {page_file} uses it"
                    ),
                )
                .with_hint(revealing_photo_hint()),
            )
        })
        .collect()
}

/// Photos under `static/` (published as they are) that tell where they
/// were taken: the published copy has the tags removed
/// (`images::publishable_bytes`), and the writer is told so.
fn revealing_static_photos(root: &Path) -> Vec<Error> {
    let folder = root.join("static");
    if !folder.is_dir() {
        return Vec::new();
    }
    walkdir::WalkDir::new(&folder)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let tags = images::revealing_tags(e.path());
            if tags.is_empty() {
                return None;
            }
            let tags = tags.join(", ");
            let shown = e.path().strip_prefix(root).unwrap_or(e.path());
            Some(
                Error::in_file(
                    shown,
                    tr!(
                        "原图带有拍摄位置或机主信息（{tags}）；发布到网站上的这张图已去掉这些信息",
                        "the photo carries its location or owner ({tags}); the copy published on the site has them removed"
                    ),
                )
                .with_hint(revealing_photo_hint()),
            )
        })
        .collect()
}

fn revealing_photo_hint() -> Text {
    tr!(
        "网站上的照片已去掉这些信息，但原图在 content/ 里，会随网站文件夹传出去；用手机或电脑的“删除位置信息”功能另存一份再替换",
        "the published versions drop these tags, but the original in content/ travels with the site folder; save a copy without location (phones and photo apps offer this) and replace it"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(line: &str) -> Vec<Kind> {
        numbers_in(line)
            .iter()
            .filter_map(|n| classify(&n.digits))
            .collect()
    }

    #[test]
    fn true_positives_are_found() {
        assert_eq!(kinds("身份证 11010519491231002X 已登记"), [Kind::IdNumber]);
        assert_eq!(kinds("老证 110105491231002"), [Kind::IdNumber]);
        assert_eq!(kinds("联系 13812345678"), [Kind::Mobile]);
        assert_eq!(
            kinds("联系 138-1234-5678 或 138 1234 5678"),
            [Kind::Mobile, Kind::Mobile]
        );
        assert_eq!(kinds("卡号 6222 0212 3456 7890 128"), [Kind::BankCard]);
    }

    #[test]
    fn look_alikes_are_left_alone() {
        for line in [
            "订单号 20251110123456789012",
            "日期 2025-11-10 09:30",
            "身份证 110105194912310021",
            "座机 0571-88886666",
            "编号 A13812345678",
            "活动共 120 人参加，2025 年",
            "版本 v13812345678",
            "卡号 6222 0212 3456 7890 123",
        ] {
            assert!(kinds(line).is_empty(), "{line}: {:?}", kinds(line));
        }
    }

    #[test]
    fn a_file_gives_its_flaggable_numbers_with_their_lines() {
        let file = "---\ntitle: 张阿姨\nphone: 13812345678\nnote: 13912345678\n---\n\
                    活动共 120 人参加。\n\n身份证 11010519491231002X，卡号 6222 0212 3456 7890 128\n";
        let numbers = numbers_of_file(file);
        let seen: Vec<(usize, &str)> = numbers
            .iter()
            .map(|n| (n.line, n.written.as_str()))
            .collect();
        assert_eq!(
            seen,
            [
                (4, "13912345678"),
                (8, "11010519491231002X"),
                (8, "6222 0212 3456 7890 128")
            ]
        );
        assert!(numbers_of_file("电话 0571-88886666，2025 年 11 月").is_empty());
    }

    #[test]
    fn the_id_check_character_follows_the_standard() {
        assert_eq!(id_check_character("11010519491231002"), 'X');
        assert!(luhn_valid("4111111111111111"));
        assert!(!luhn_valid("4111111111111112"));
    }
}
