//! Addresses that never die. Posters, lobby screens and WeChat shares
//! carry page addresses; `published-addresses.txt`, beside `linju.yaml`
//! and committed with the site, lists every address `linju build` ever
//! published and the file that made it. A build that would no longer
//! write one of them fails, naming the address, the page that had it and
//! the one-line fix, before anything is written.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use crate::content::site::Site;
use crate::content::urls::usable_alias_paths;
use crate::error::{Error, Errors};
use crate::lang::tr;

/// The record's file name, in the site folder.
pub const RECORD_FILE: &str = "published-addresses.txt";

const HEADER: &str = "# 已经发布过的网址（linju build 自动维护，请和网站一起提交）。\n\
# 海报、大屏和微信分享里的二维码都指向这些网址：改名或删掉页面前，\n\
# 在页面前言里加 aliases: [\"旧网址\"]，旧网址会跳到新页面；\n\
# 确实要停用某个网址，就删掉它那一行。\n\
# Addresses linju build has published; commit this file with the site.\n";

/// One recorded address.
struct Recorded {
    address: String,
    file: String,
    line: usize,
}

/// Every address the site has now (`/stories/li/`), with the file that
/// makes it: sections, pages and their aliases.
pub fn current(site: &Site) -> BTreeMap<String, PathBuf> {
    let mut addresses = BTreeMap::new();
    for section in &site.sections {
        addresses.insert(format!("/{}", section.path), section.file.clone());
    }
    for page in &site.pages {
        addresses.insert(format!("/{}", page.path), page.file.clone());
        for alias in usable_alias_paths(page, &site.config.base_path) {
            addresses.insert(format!("/{alias}"), page.file.clone());
        }
    }
    addresses
}

fn read_record(root: &Path) -> Vec<Recorded> {
    let text = std::fs::read_to_string(root.join(RECORD_FILE)).unwrap_or_default();
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty() && !line.trim_start().starts_with('#'))
        .filter_map(|(index, line)| {
            let mut parts = line.split_whitespace();
            let address = parts.next()?.to_string();
            let file = parts.next().unwrap_or_default().to_string();
            Some(Recorded {
                address,
                file,
                line: index + 1,
            })
        })
        .collect()
}

/// An error for every recorded address the site no longer has. Only a
/// plain `linju build` records (no drafts, no future pages, no `--clock`),
/// so a preview never adds what residents never saw.
pub fn check_none_dropped(root: &Path, site: &Site) -> Result<(), Errors> {
    let now = current(site);
    let mut errors = Errors::default();
    for recorded in read_record(root) {
        if now.contains_key(&recorded.address) {
            continue;
        }
        let (address, file, line) = (&recorded.address, &recorded.file, recorded.line);
        errors.push(
            Error::at_line(
                RECORD_FILE,
                recorded.line,
                tr!(
                    "网址 {address} 已经发布过（上次由 {file} 生成），这次生成会让它失效",
                    "the address {address} was published (last made by {file}) and this build would drop it"
                ),
            )
            .with_hint(tr!(
                "如果页面改了名或挪了位置，在它现在的文件前言里加一行 aliases: [\"{address}\"]，旧网址会跳到新页面；确实要停用这个网址，就从 {RECORD_FILE} 删掉第 {line} 行",
                "if the page was renamed or moved, add aliases: [\"{address}\"] to its front matter and the old address will lead to it; to retire the address on purpose, delete line {line} of {RECORD_FILE}"
            )),
        );
    }
    errors.into_result(())
}

/// Adds the addresses the site has now to the record (nothing is ever
/// removed here), rewriting the file only when it changes.
pub fn record(root: &Path, site: &Site) -> Result<(), Error> {
    let recorded = read_record(root);
    let now = current(site);
    // Most builds publish no new address: the record stays as it is.
    let before: HashMap<&str, &str> = recorded
        .iter()
        .map(|r| (r.address.as_str(), r.file.as_str()))
        .collect();
    let known = |(address, file): (&String, &PathBuf)| {
        before.get(address.as_str()).copied() == file.to_str()
    };
    if now.iter().all(known) && root.join(RECORD_FILE).is_file() {
        return Ok(());
    }
    drop(before);
    let mut all: BTreeMap<String, String> =
        recorded.into_iter().map(|r| (r.address, r.file)).collect();
    for (address, file) in now {
        all.insert(address, file.display().to_string());
    }
    let width = all.keys().map(|a| a.chars().count()).max().unwrap_or(0);
    let mut text = HEADER.to_string();
    for (address, file) in &all {
        text.push_str(&format!("{address:<width$}  {file}\n"));
    }
    crate::fs::write_atomically(&root.join(RECORD_FILE), text.as_bytes())
}
