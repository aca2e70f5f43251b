//! The local back end of the editor: Decap CMS's proxy protocol (a JSON
//! `{action, params}` posted to one address), answered from the site
//! folder. It is a way to write into the site, so it is narrow:
//!
//! - only files under `content/` and `static/uploads/` are read or
//!   written; absolute paths, `..`, backslashes and links leading out of
//!   the site are refused;
//! - every page is checked as the build checks it (front matter, its
//!   section's type, dates, the community, Markdown and `@/` links) and
//!   nothing is written when it fails; the answer is the build's own
//!   message in the writer's language;
//! - a page changed on disk since the editor read it is not overwritten;
//! - each file is written atomically; uploads have a size limit.
//!
//! The token and the `Origin` are checked by the server (`serve::http`)
//! before a request gets here.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::{Mutex, RwLock};

use base64::Engine;
use serde_json::{Value, json};

use crate::content::frontmatter;
use crate::editor::{Outline, OutlineSection};
use crate::error::Error;
use crate::hash::hash_bytes;
use crate::lang::{Label, Lang, tr};
use crate::markdown::{self, HtmlPolicy, LinkContext};

/// The largest file the editor may upload (a phone photo is 3 to 8 MB).
pub const MAX_UPLOAD: usize = 20 * 1024 * 1024;

/// Folders the editor may read and write, under the site folder.
const WRITABLE: [&str; 2] = ["content/", "static/uploads/"];

/// An answer: an HTTP status and a JSON body.
#[derive(Debug)]
pub struct Answer {
    /// 200, or the error's status.
    pub status: u16,
    /// The JSON body (`{"error": "..."}` for errors).
    pub body: Value,
}

impl Answer {
    fn ok(body: Value) -> Answer {
        Answer { status: 200, body }
    }

    fn refused(status: u16, message: String) -> Answer {
        Answer {
            status,
            body: json!({ "error": message }),
        }
    }
}

/// The back end of one site.
pub struct Backend {
    root: PathBuf,
    lang: Lang,
    outline: RwLock<Outline>,
    /// Each file's fingerprint when the editor last read or wrote it.
    seen: Mutex<HashMap<String, u64>>,
}

impl Backend {
    /// A back end for the site in `root`.
    pub fn new(root: &Path, outline: Outline) -> Backend {
        Backend {
            root: root.to_path_buf(),
            lang: Lang::for_site(root),
            outline: RwLock::new(outline),
            seen: Mutex::new(HashMap::new()),
        }
    }

    /// Takes the outline of the site as last loaded (after a rebuild).
    pub fn set_outline(&self, outline: Outline) {
        if let Ok(mut current) = self.outline.write() {
            *current = outline;
        }
    }

    /// The outline the forms are made from.
    pub fn outline(&self) -> Outline {
        self.outline
            .read()
            .map(|o| o.clone())
            .unwrap_or_else(|e| e.into_inner().clone())
    }

    /// Answers one request of the proxy protocol.
    pub fn handle(&self, body: &[u8]) -> Answer {
        let Ok(request) = serde_json::from_slice::<Value>(body) else {
            return Answer::refused(400, "not JSON".into());
        };
        let params = &request["params"];
        let text = |key: &str| params[key].as_str().unwrap_or_default().to_string();
        let result = match request["action"].as_str().unwrap_or_default() {
            "info" => Ok(json!({"repo": "site", "publish_modes": ["simple"], "type": "local_fs"})),
            "entriesByFolder" => self.entries_by_folder(
                &text("folder"),
                &text("extension"),
                params["depth"].as_u64().unwrap_or(1),
            ),
            "entriesByFiles" => self.entries_by_files(&params["files"]),
            "getEntry" => self.entry(&text("path")),
            "persistEntry" => self.persist_entry(params),
            "getMedia" => self.media_in(&text("mediaFolder")),
            "getMediaFile" => self.media_file(&text("path")),
            "persistMedia" => self.persist_media(&params["asset"]),
            "deleteFile" => self.delete(&[text("path")]),
            "deleteFiles" => self.delete(&strings(&params["paths"])),
            "getDeployPreview" => Ok(Value::Null),
            action if action.starts_with("unpublished") || action.ends_with("UnpublishedEntry") => {
                Err(Answer::refused(404, "no editorial workflow".into()))
            }
            other => Err(Answer::refused(422, format!("unknown action {other}"))),
        };
        result.map_or_else(|answer| answer, Answer::ok)
    }

    fn say(&self, zh: String, en: String) -> String {
        match self.lang {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    /// The file `relative` names, if the editor may touch it.
    fn place(&self, relative: &str) -> Result<PathBuf, Answer> {
        let refused = || {
            Answer::refused(
                403,
                self.say(
                    format!("编辑器只能改 content/ 和 static/uploads/ 里的文件，不能改 `{relative}`"),
                    format!("the editor may only change files under content/ and static/uploads/, not `{relative}`"),
                ),
            )
        };
        let path = Path::new(relative);
        let plain = path.components().all(|c| matches!(c, Component::Normal(_)));
        if !plain
            || relative.contains(['\\', '\0'])
            || !WRITABLE.iter().any(|w| relative.starts_with(w))
        {
            return Err(refused());
        }
        let full = self.root.join(path);
        // A link anywhere on the way may not lead out of the site.
        let site = std::fs::canonicalize(&self.root).map_err(|_| refused())?;
        let existing = full.ancestors().find(|a| a.exists()).map(Path::to_path_buf);
        match existing.and_then(|e| std::fs::canonicalize(e).ok()) {
            Some(real) if real.starts_with(&site) => Ok(full),
            _ => Err(refused()),
        }
    }

    fn read_entry(&self, relative: &str) -> Value {
        let read = self
            .place(relative)
            .ok()
            .and_then(|p| std::fs::read(p).ok());
        match read {
            Some(bytes) => {
                let id = hash_bytes(&bytes);
                if let Ok(mut seen) = self.seen.lock() {
                    seen.insert(relative.to_string(), id);
                }
                json!({"data": String::from_utf8_lossy(&bytes), "file": {"path": relative, "id": format!("{id:016x}")}})
            }
            None => json!({"data": null, "file": {"path": relative, "id": null}}),
        }
    }

    fn entries_by_folder(
        &self,
        folder: &str,
        extension: &str,
        depth: u64,
    ) -> Result<Value, Answer> {
        let base = self.place(&format!("{}/", folder.trim_end_matches('/')))?;
        let extension = format!(".{}", extension.trim_start_matches('.'));
        let entries: Vec<Value> = walkdir::WalkDir::new(&base)
            .max_depth(depth.clamp(1, 8) as usize)
            .sort_by_file_name()
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .filter(|e| {
                let name = e.file_name().to_string_lossy();
                name.ends_with(&extension)
                    && name != "_index.md"
                    && !crate::fs::is_scratch_name(&name)
            })
            .filter_map(|e| e.path().strip_prefix(&self.root).ok().map(slash))
            .map(|relative| self.read_entry(&relative))
            .collect();
        Ok(Value::Array(entries))
    }

    fn entries_by_files(&self, files: &Value) -> Result<Value, Answer> {
        let entries: Vec<Value> = files
            .as_array()
            .map(|files| {
                files
                    .iter()
                    .filter_map(|f| f["path"].as_str())
                    .map(|p| self.read_entry(p))
                    .collect()
            })
            .unwrap_or_default();
        Ok(Value::Array(entries))
    }

    fn entry(&self, relative: &str) -> Result<Value, Answer> {
        self.place(relative)?;
        Ok(self.read_entry(relative))
    }

    fn persist_entry(&self, params: &Value) -> Result<Value, Answer> {
        let files: Vec<(String, String)> = params["dataFiles"]
            .as_array()
            .map(|files| {
                files
                    .iter()
                    .map(|f| {
                        (
                            f["path"].as_str().unwrap_or_default().to_string(),
                            f["raw"].as_str().unwrap_or_default().to_string(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        let assets = params["assets"].as_array().cloned().unwrap_or_default();
        // Everything is checked before anything is written.
        let mut writes: Vec<(PathBuf, String, Vec<u8>)> = Vec::new();
        for (relative, raw) in &files {
            let path = self.place(relative)?;
            self.check_not_changed(relative, &path)?;
            let raw = keep_hidden_fields(&path, &clean_front_matter(raw));
            self.check_page(relative, &raw)?;
            writes.push((path, relative.clone(), raw.into_bytes()));
        }
        for asset in &assets {
            let relative = asset["path"].as_str().unwrap_or_default();
            let path = self.place(relative)?;
            writes.push((path, relative.to_string(), self.decoded(asset)?));
        }
        for (path, relative, bytes) in writes {
            self.write(&path, &relative, &bytes)?;
        }
        Ok(json!({"message": "entry persisted"}))
    }

    /// The bytes of an uploaded file, refused over the size limit.
    fn decoded(&self, asset: &Value) -> Result<Vec<u8>, Answer> {
        let content = asset["content"].as_str().unwrap_or_default();
        if content.len() / 4 * 3 > MAX_UPLOAD {
            let most = MAX_UPLOAD / 1024 / 1024;
            return Err(Answer::refused(
                413,
                self.say(
                    format!(
                        "文件太大：最多 {most} MB。手机照片可以先在相册里“编辑→调整大小”再上传"
                    ),
                    format!("the file is too large: {most} MB at most"),
                ),
            ));
        }
        base64::engine::general_purpose::STANDARD
            .decode(content)
            .map_err(|_| Answer::refused(400, "the upload is not base64".into()))
    }

    /// Refuses to overwrite a file that changed since the editor read it.
    fn check_not_changed(&self, relative: &str, path: &Path) -> Result<(), Answer> {
        let Ok(current) = std::fs::read(path) else {
            return Ok(());
        };
        let seen = self.seen.lock().ok().and_then(|s| s.get(relative).copied());
        if seen == Some(hash_bytes(&current)) {
            return Ok(());
        }
        Err(Answer::refused(
            409,
            self.say(
                format!("`{relative}` 在你打开之后被改过（可能是别人，或在别的编辑器里），为了不覆盖那些修改，这次没有保存。请先复制你的改动，刷新页面后再改"),
                format!("`{relative}` changed since you opened it (someone else, or another editor); to keep those changes it was not saved. Copy your changes, reload and edit again"),
            ),
        ))
    }

    /// The build's checks on one page; their messages when it fails.
    fn check_page(&self, relative: &str, raw: &str) -> Result<(), Answer> {
        if !relative.ends_with(".md") {
            return Ok(());
        }
        let outline = self.outline();
        let errors = check_page_text(&self.root, &outline, relative, raw);
        if errors.is_empty() {
            return Ok(());
        }
        let lang = self.lang;
        let text: Vec<String> = errors
            .iter()
            .map(|e| format!("{}{}", lang.label(Label::Error), e.render(lang)))
            .collect();
        Err(Answer::refused(422, text.join("\n")))
    }

    fn write(&self, path: &Path, relative: &str, bytes: &[u8]) -> Result<(), Answer> {
        let failed = |e: Error| Answer::refused(500, e.render(self.lang));
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| failed(Error::io(parent, ("创建文件夹", "create the folder"), &e)))?;
        }
        crate::fs::write_atomically(path, bytes).map_err(failed)?;
        if let Ok(mut seen) = self.seen.lock() {
            seen.insert(relative.to_string(), hash_bytes(bytes));
        }
        Ok(())
    }

    fn media_in(&self, folder: &str) -> Result<Value, Answer> {
        let base = self.place(&format!("{}/", folder.trim_end_matches('/')))?;
        let files: Vec<Value> = std::fs::read_dir(&base)
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
                    .filter(|e| !e.file_name().to_string_lossy().ends_with(".md"))
                    .filter_map(|e| e.path().strip_prefix(&self.root).ok().map(slash))
                    .filter_map(|relative| self.media_file(&relative).ok())
                    .collect()
            })
            .unwrap_or_default();
        Ok(Value::Array(files))
    }

    fn media_file(&self, relative: &str) -> Result<Value, Answer> {
        let path = self.place(relative)?;
        let bytes = std::fs::read(&path)
            .map_err(|_| Answer::refused(404, format!("no file {relative}")))?;
        Ok(json!({
            "id": format!("{:016x}", hash_bytes(&bytes)),
            "content": base64::engine::general_purpose::STANDARD.encode(&bytes),
            "encoding": "base64",
            "path": relative,
            "name": path.file_name().map(|n| n.to_string_lossy().into_owned()),
        }))
    }

    fn persist_media(&self, asset: &Value) -> Result<Value, Answer> {
        let relative = asset["path"].as_str().unwrap_or_default();
        let path = self.place(relative)?;
        let bytes = self.decoded(asset)?;
        self.write(&path, relative, &bytes)?;
        self.media_file(relative)
    }

    fn delete(&self, paths: &[String]) -> Result<Value, Answer> {
        let places: Vec<PathBuf> = paths
            .iter()
            .map(|p| self.place(p))
            .collect::<Result<_, _>>()?;
        for path in &places {
            let _ = std::fs::remove_file(path);
        }
        // A bundle's folder goes with its last file: an empty folder left
        // in `content/` would read as a section of its own.
        let content = self.root.join("content");
        for path in &places {
            for folder in path
                .ancestors()
                .skip(1)
                .take_while(|f| f.starts_with(&content) && *f != content)
            {
                if std::fs::remove_dir(folder).is_err() {
                    break;
                }
            }
        }
        Ok(json!({"message": "deleted"}))
    }
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn slash(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Front matter as the CMS writes it, without the empty values a form
/// leaves (`community: ""`, `cover: null`, a council step's cleared date),
/// which mean "not set"; written again only when there were some.
fn clean_front_matter(raw: &str) -> String {
    let Some(rest) = raw.strip_prefix("---\n") else {
        return raw.to_string();
    };
    let Some((yaml, body)) = rest.split_once("\n---") else {
        return raw.to_string();
    };
    match crate::yaml::without_empty_values(yaml) {
        Some(cleaned) => format!("---\n{}\n---{body}", cleaned.trim_end()),
        None => raw.to_string(),
    }
}

/// Keeps `extra:` and `template:` of the file on disk when the form (which
/// has no field for them) left them out.
fn keep_hidden_fields(path: &Path, raw: &str) -> String {
    let Ok(old) = std::fs::read_to_string(path) else {
        return raw.to_string();
    };
    let Some(old_yaml) = old
        .strip_prefix("---\n")
        .and_then(|r| r.split_once("\n---"))
        .map(|(y, _)| y)
    else {
        return raw.to_string();
    };
    let Some((new_yaml, body)) = raw
        .strip_prefix("---\n")
        .and_then(|r| r.split_once("\n---"))
    else {
        return raw.to_string();
    };
    let mut kept = new_yaml.to_string();
    for key in ["extra", "template"] {
        let prefix = format!("{key}:");
        if new_yaml.lines().any(|l| l.starts_with(&prefix)) {
            continue;
        }
        let mut lines = old_yaml.lines().skip_while(|l| !l.starts_with(&prefix));
        if let Some(first) = lines.next() {
            kept.push('\n');
            kept.push_str(first);
            for line in lines.take_while(|l| l.starts_with([' ', '-']) || l.is_empty()) {
                kept.push('\n');
                kept.push_str(line);
            }
        }
    }
    format!("---\n{kept}\n---{body}")
}

/// Every error the build would report for page `relative` with text `raw`.
pub fn check_page_text(root: &Path, outline: &Outline, relative: &str, raw: &str) -> Vec<Error> {
    let file = Path::new(relative);
    let Some(section) = section_of(outline, relative) else {
        return vec![Error::in_file(
            file,
            tr!(
                "页面要放在一个栏目的文件夹里",
                "a page belongs in a section's folder"
            ),
        )];
    };
    let split = match frontmatter::split(file, raw) {
        Ok(split) => split,
        Err(error) => return vec![error],
    };
    let meta = match frontmatter::parse_page(file, split.yaml) {
        Ok(meta) => meta,
        Err(error) => return vec![error],
    };
    let mut errors = crate::content::check_page_meta(file, split.yaml, &meta, &section.section);
    if let Some(wanted) = meta
        .community
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        && !outline
            .communities
            .iter()
            .chain(&outline.community_slugs)
            .any(|c| c == wanted)
    {
        let titles: Vec<&str> = outline.communities.iter().map(String::as_str).collect();
        let line = crate::content::key_line(split.yaml, "community");
        errors.push(crate::content::communities::unknown_at(
            file, line, wanted, &titles,
        ));
    }
    let resolve = |target: &str| {
        root.join("content")
            .join(target)
            .is_file()
            .then(|| format!("/{target}"))
    };
    let policy = HtmlPolicy::for_settings(&crate::html_settings::MarkdownSettings::default());
    let context = LinkContext {
        path: file,
        body_line: split.body_line,
        resolve: &resolve,
        relative_base: "/",
        images: None,
        html: policy.as_ref(),
    };
    if let Err(more) = markdown::render(split.body, &context) {
        errors.extend(more);
    }
    errors
}

/// The section a page at `relative` (`content/stories/x/index.md`) is in.
fn section_of<'a>(outline: &'a Outline, relative: &str) -> Option<&'a OutlineSection> {
    let inside = relative.strip_prefix("content/")?;
    outline
        .sections
        .iter()
        .filter(|s| inside.starts_with(&format!("{}/", s.folder)))
        .max_by_key(|s| s.folder.len())
}
