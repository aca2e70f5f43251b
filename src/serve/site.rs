//! What the preview server sends for a path: the file of the site it
//! names (never one outside the output folder), a redirect to the folder's
//! address, or the site's 404 page; HTML with the live-reload script
//! added as it is served, so the files on disk are exactly what `build`
//! would write for the local address.

use std::path::{Component, Path, PathBuf};

use percent_encoding::percent_decode_str;

/// The served folder and its URL prefix.
pub struct SiteFiles {
    /// The output folder.
    pub output_dir: PathBuf,
    /// Its URL prefix (`/` or `/tinghu/`).
    pub base_path: String,
}

/// A response, before it is written.
#[derive(Debug)]
pub struct Reply {
    /// Status code.
    pub status: u16,
    /// Headers besides the length and the connection.
    pub headers: Vec<(&'static str, String)>,
    /// Body.
    pub body: Vec<u8>,
}

impl Reply {
    /// A short plain-text reply.
    pub fn text(status: u16, text: &str) -> Reply {
        Reply {
            status,
            headers: vec![("Content-Type", "text/plain; charset=utf-8".into())],
            body: text.as_bytes().to_vec(),
        }
    }
}

/// The reply to a GET or HEAD of `path`; `failure` is the last rebuild's
/// error, shown over every page while it lasts.
pub fn reply(site: &SiteFiles, path: &str, failure: Option<&str>) -> Reply {
    match resolve(site, path) {
        Resolved::File(file) => file_reply(&file, 200, failure),
        Resolved::Redirect(location) => Reply {
            status: 301,
            headers: vec![("Location", location)],
            body: Vec::new(),
        },
        Resolved::Refused => Reply::text(403, "refused: that path leads outside the site\n"),
        Resolved::NotFound => match site.output_dir.join("404.html") {
            page if page.is_file() => file_reply(&page, 404, failure),
            _ => Reply::text(404, "not found\n"),
        },
    }
}

/// What a request path leads to.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Resolved {
    File(PathBuf),
    Redirect(String),
    Refused,
    NotFound,
}

/// Maps a URL path to a file of the site, refusing anything that could
/// lead outside it: `..` (also percent-encoded), backslashes, NUL bytes,
/// and symbolic links that point out of the output folder.
pub(super) fn resolve(site: &SiteFiles, raw_path: &str) -> Resolved {
    let Ok(decoded) = percent_decode_str(raw_path).decode_utf8() else {
        return Resolved::Refused;
    };
    if decoded.contains(['\\', '\0']) {
        return Resolved::Refused;
    }
    // `//strivers` must not become a redirect to `//strivers/`, which a
    // browser reads as another host: repeated slashes are one.
    let decoded = collapse_slashes(&decoded);
    let Some(inside) = decoded.strip_prefix(site.base_path.as_str()) else {
        if decoded == "/" || format!("{decoded}/") == site.base_path {
            return Resolved::Redirect(site.base_path.clone());
        }
        return Resolved::NotFound;
    };
    let mut file = site.output_dir.clone();
    for part in inside.split('/').filter(|p| !p.is_empty()) {
        match Path::new(part).components().next() {
            Some(Component::Normal(_)) if part != "." && part != ".." => file.push(part),
            _ => return Resolved::Refused,
        }
    }
    let (Ok(real), Ok(real_root)) = (file.canonicalize(), site.output_dir.canonicalize()) else {
        return Resolved::NotFound;
    };
    if !real.starts_with(&real_root) {
        return Resolved::Refused;
    }
    if real.is_dir() {
        if !decoded.ends_with('/') {
            return Resolved::Redirect(format!("{}/", collapse_slashes(raw_path)));
        }
        let index = real.join("index.html");
        return if index.is_file() {
            Resolved::File(index)
        } else {
            Resolved::NotFound
        };
    }
    if real.is_file() {
        Resolved::File(real)
    } else {
        Resolved::NotFound
    }
}

/// The `Content-Type` for a file, with `charset=utf-8` for text.
pub fn content_type(file: &Path) -> String {
    let extension = file
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let mime = match extension.as_str() {
        // Guessers disagree on these; browsers want exactly these.
        "js" | "mjs" => "text/javascript".to_string(),
        "webmanifest" => "application/manifest+json".to_string(),
        "avif" => "image/avif".to_string(),
        "woff2" => "font/woff2".to_string(),
        "xml" => "application/xml".to_string(),
        _ => mime_guess::from_ext(&extension)
            .first_raw()
            .unwrap_or("application/octet-stream")
            .to_string(),
    };
    let is_text = mime.starts_with("text/")
        || matches!(
            mime.as_str(),
            "application/json"
                | "application/xml"
                | "image/svg+xml"
                | "application/manifest+json"
                | "application/atom+xml"
        );
    if is_text {
        format!("{mime}; charset=utf-8")
    } else {
        mime
    }
}

/// The script served pages get: reload on change, swap stylesheets, and an
/// overlay with the error while the last rebuild failed.
const LIVE_RELOAD: &str = r#"<script>(function(){
if(!window.EventSource)return;
var box=null;
function hide(){if(box){box.parentNode.removeChild(box);box=null;}}
function show(m){hide();box=document.createElement("div");box.id="linju-error";
box.setAttribute("role","alert");
box.style.cssText="position:fixed;inset:0;z-index:2147483647;background:rgba(255,255,255,.97);color:#1a1a1a;overflow:auto;padding:24px;font:16px/1.6 sans-serif";
var h=document.createElement("h2");h.textContent="构建出错 Build failed";h.style.cssText="color:#b00020;margin:0 0 12px";
var p=document.createElement("pre");p.textContent=m;p.style.cssText="white-space:pre-wrap;font:15px/1.6 monospace";
var n=document.createElement("p");n.textContent="上一次成功构建的网站仍在提供。改好文件并保存后，本提示会自动消失。The last good site is still served; fix the file and save.";
box.appendChild(h);box.appendChild(p);box.appendChild(n);document.body.appendChild(box);}
var es=new EventSource("/__linju/events");
es.addEventListener("reload",function(){location.reload();});
es.addEventListener("styles",function(){hide();var l=document.querySelectorAll('link[rel="stylesheet"]');
for(var i=0;i<l.length;i++){l[i].href=l[i].href.split("?")[0]+"?v="+Date.now();}});
es.addEventListener("failed",function(e){try{show(JSON.parse(e.data).message);}catch(x){}});
if(window.LINJU_FAILURE){show(window.LINJU_FAILURE);}
})();</script>"#;

/// Adds the live-reload script before `</body>` (or at the end), and the
/// current build error, so a page opened while the site is broken shows
/// it at once rather than when the event stream delivers it.
fn inject_live_reload(mut html: Vec<u8>, failure: Option<&str>) -> Vec<u8> {
    let marker = b"</body>";
    let at = html
        .windows(marker.len())
        .rposition(|w| w.eq_ignore_ascii_case(marker))
        .unwrap_or(html.len());
    let mut script = String::new();
    if let Some(message) = failure {
        // A JSON string is a JavaScript string; `</` must not end the script.
        let literal = serde_json::Value::from(message)
            .to_string()
            .replace("</", "<\\/");
        script.push_str(&format!("<script>window.LINJU_FAILURE={literal};</script>"));
    }
    script.push_str(LIVE_RELOAD);
    html.splice(at..at, script.bytes());
    html
}

/// `//a///b` → `/a/b`.
fn collapse_slashes(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        if !(c == '/' && out.ends_with('/')) {
            out.push(c);
        }
    }
    out
}

/// A file of the site; HTML gets the live-reload script, and while the
/// last rebuild failed, the error to show at once.
fn file_reply(file: &Path, status: u16, failure: Option<&str>) -> Reply {
    let Ok(mut bytes) = std::fs::read(file) else {
        return Reply::text(404, "not found\n");
    };
    let content_type = content_type(file);
    if content_type.starts_with("text/html") {
        bytes = inject_live_reload(bytes, failure);
    }
    Reply {
        status,
        headers: vec![("Content-Type", content_type)],
        body: bytes,
    }
}
#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> (tempfile::TempDir, SiteFiles) {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        std::fs::create_dir_all(out.join("events/a")).unwrap();
        std::fs::write(out.join("index.html"), "<html><body>home</body></html>").unwrap();
        std::fs::write(out.join("events/a/index.html"), "a").unwrap();
        std::fs::write(dir.path().join("secret.txt"), "secret").unwrap();
        let files = SiteFiles {
            output_dir: out,
            base_path: "/tinghu/".into(),
        };
        (dir, files)
    }

    #[test]
    fn paths_map_to_files_under_the_base_path() {
        let (_dir, site) = site();
        assert_eq!(
            resolve(&site, "/tinghu/"),
            Resolved::File(site.output_dir.canonicalize().unwrap().join("index.html"))
        );
        assert!(matches!(
            resolve(&site, "/tinghu/events/a/"),
            Resolved::File(_)
        ));
        assert_eq!(
            resolve(&site, "/tinghu/events/a"),
            Resolved::Redirect("/tinghu/events/a/".into())
        );
        assert_eq!(resolve(&site, "/"), Resolved::Redirect("/tinghu/".into()));
        assert_eq!(resolve(&site, "/tinghu/nothing/"), Resolved::NotFound);
        assert_eq!(resolve(&site, "/elsewhere/"), Resolved::NotFound);
    }

    #[test]
    fn a_redirect_never_leaves_the_site() {
        let (_dir, site) = site();
        for path in ["//tinghu/events/a", "/tinghu//events//a", "//tinghu"] {
            match resolve(&site, path) {
                Resolved::Redirect(to) => {
                    assert!(
                        to.starts_with('/') && !to.starts_with("//"),
                        "{path} → {to}"
                    );
                }
                other => panic!("{path}: {other:?}"),
            }
        }
    }

    #[test]
    fn traversal_is_refused() {
        let (_dir, site) = site();
        for path in [
            "/tinghu/../secret.txt",
            "/tinghu/%2e%2e/secret.txt",
            "/tinghu/%2E%2E%2Fsecret.txt",
            "/tinghu/events/..%2f..%2fsecret.txt",
            "/tinghu/..%5csecret.txt",
            "/tinghu/%00",
            "/tinghu/%ff",
        ] {
            assert_eq!(resolve(&site, path), Resolved::Refused, "{path}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_out_of_the_site_are_refused() {
        let (dir, site) = site();
        std::os::unix::fs::symlink(
            dir.path().join("secret.txt"),
            site.output_dir.join("link.txt"),
        )
        .unwrap();
        assert_eq!(resolve(&site, "/tinghu/link.txt"), Resolved::Refused);
    }

    #[test]
    fn text_types_say_utf_8() {
        for (name, expected) in [
            ("a.html", "text/html; charset=utf-8"),
            ("a.css", "text/css; charset=utf-8"),
            ("a.js", "text/javascript; charset=utf-8"),
            ("a.svg", "image/svg+xml; charset=utf-8"),
            ("a.json", "application/json; charset=utf-8"),
            ("a.xml", "application/xml; charset=utf-8"),
            ("a.webp", "image/webp"),
            ("a.avif", "image/avif"),
            ("a.woff2", "font/woff2"),
        ] {
            assert_eq!(content_type(Path::new(name)), expected, "{name}");
        }
    }

    #[test]
    fn the_script_goes_before_the_body_closes() {
        let html = inject_live_reload(b"<html><body><p>x</p></body></html>".to_vec(), None);
        let html = String::from_utf8(html).unwrap();
        assert!(html.contains("/__linju/events"));
        assert!(html.ends_with("</script></body></html>"));
        assert!(!html.contains("LINJU_FAILURE="));
    }

    #[test]
    fn a_failure_is_carried_safely_into_the_page() {
        let html = inject_live_reload(
            b"<body></body>".to_vec(),
            Some("error: a.md:3: </script><b>\"bad\""),
        );
        let html = String::from_utf8(html).unwrap();
        assert!(
            html.contains(r#"window.LINJU_FAILURE="error: a.md:3: <\/script><b>\"bad\"";"#),
            "{html}"
        );
    }
}
