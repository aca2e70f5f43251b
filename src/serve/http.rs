//! The preview server of `linju serve`: serves the built site over HTTP,
//! tells open pages to reload (Server-Sent Events), and shows build errors
//! over the page. Serves only files inside the output folder.
//!
//! The live-reload script is added to HTML as it is served; the files on
//! disk are exactly what `build` would write for the local address.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};

use percent_encoding::percent_decode_str;
use tiny_http::{Header, Method, Request, Response, Server, StatusCode};

use crate::error::Error;
use crate::lang::tr;

/// The URL path of the event stream pages listen to.
pub const EVENTS_PATH: &str = "/__linju/events";

/// What open pages are told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// The site changed: reload the page.
    Reload,
    /// Only stylesheets changed: swap them in without a reload.
    Styles,
    /// The last rebuild failed: show this message over the page.
    Failed(String),
}

impl Notice {
    fn to_event(&self) -> String {
        match self {
            Notice::Reload => "event: reload\ndata: {}\n\n".to_string(),
            Notice::Styles => "event: styles\ndata: {}\n\n".to_string(),
            Notice::Failed(message) => {
                let data = serde_json::json!({ "message": message }).to_string();
                format!("event: failed\ndata: {data}\n\n")
            }
        }
    }
}

/// Open event streams and the state a new page should learn at once.
#[derive(Default)]
pub struct Hub {
    clients: Mutex<Vec<Box<dyn Write + Send>>>,
    failure: Mutex<Option<String>>,
}

impl Hub {
    /// Tells every open page; streams that are gone are dropped.
    pub fn broadcast(&self, notice: &Notice) {
        if let Ok(mut failure) = self.failure.lock() {
            *failure = match notice {
                Notice::Failed(message) => Some(message.clone()),
                _ => None,
            };
        }
        let event = notice.to_event();
        if let Ok(mut clients) = self.clients.lock() {
            clients.retain_mut(|client| {
                client.write_all(event.as_bytes()).is_ok() && client.flush().is_ok()
            });
        }
    }

    /// Whether the last rebuild failed.
    pub fn failing(&self) -> bool {
        self.failure.lock().is_ok_and(|f| f.is_some())
    }

    fn subscribe(&self, mut client: Box<dyn Write + Send>) {
        let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: keep-alive\r\n\r\nretry: 1000\n\n";
        if client.write_all(head.as_bytes()).is_err() {
            return;
        }
        let failure = self.failure.lock().ok().and_then(|f| f.clone());
        if let Some(message) = failure
            && client
                .write_all(Notice::Failed(message).to_event().as_bytes())
                .is_err()
        {
            return;
        }
        if client.flush().is_ok()
            && let Ok(mut clients) = self.clients.lock()
        {
            clients.push(client);
        }
    }
}

/// Binds the address, saying what to do when the port is taken.
pub fn bind(address: &str, port: u16) -> Result<TcpListener, Error> {
    TcpListener::bind((address, port)).map_err(|e| {
        let error = Error::new(tr!(
            "无法在 {address}:{port} 上监听：{e}",
            "cannot listen on {address}:{port}: {e}"
        ));
        if e.kind() == std::io::ErrorKind::AddrInUse {
            let next = port.saturating_add(1);
            error.with_hint(tr!(
                "端口 {port} 已被别的程序占用（也许是另一个 `linju serve`）；试试 `--port {next}`",
                "another program (perhaps another `linju serve`) uses port {port}; try `--port {next}`"
            ))
        } else {
            error.with_hint(tr!(
                "检查 --bind：要写本机的地址，例如 127.0.0.1 或 0.0.0.0",
                "check --bind: it takes an address of this machine, such as 127.0.0.1 or 0.0.0.0"
            ))
        }
    })
}

/// Serves `output_dir` under the URL prefix `base_path` (`/` or
/// `/tinghu/`) until the process ends. Each request gets its own thread,
/// since event streams stay open.
pub fn run(
    listener: TcpListener,
    output_dir: PathBuf,
    base_path: String,
    hub: Arc<Hub>,
) -> Result<(), Error> {
    let server = Server::from_listener(listener, None).map_err(|e| {
        Error::new(tr!(
            "无法启动预览服务器：{e}",
            "cannot start the server: {e}"
        ))
    })?;
    let site = Arc::new(SiteFiles {
        output_dir,
        base_path,
    });
    for request in server.incoming_requests() {
        let site = Arc::clone(&site);
        let hub = Arc::clone(&hub);
        std::thread::spawn(move || handle(&site, &hub, request));
    }
    Ok(())
}

/// The served folder and its URL prefix.
struct SiteFiles {
    output_dir: PathBuf,
    base_path: String,
}

fn handle(site: &SiteFiles, hub: &Hub, request: Request) {
    if !matches!(request.method(), Method::Get | Method::Head) {
        let response =
            text_response(405, "only GET and HEAD are served\n").with("Allow", "GET, HEAD");
        let _ = request.respond(response);
        return;
    }
    let url = request.url().to_string();
    let path = url.split(['?', '#']).next().unwrap_or("/");
    if path == EVENTS_PATH {
        hub.subscribe(request.into_writer());
        return;
    }
    let failure = hub.failure.lock().ok().and_then(|f| f.clone());
    let failure = failure.as_deref();
    let response = match resolve(site, path) {
        Resolved::File(file) => file_response(&file, 200, failure),
        Resolved::Redirect(location) => Response::from_data(Vec::new())
            .with_status_code(StatusCode(301))
            .with("Location", &location),
        Resolved::Refused => text_response(403, "refused: that path leads outside the site\n"),
        Resolved::NotFound => match site.output_dir.join("404.html") {
            page if page.is_file() => file_response(&page, 404, failure),
            _ => text_response(404, "not found\n"),
        },
    };
    let _ = request.respond(response.with("Cache-Control", "no-store"));
}

/// What a request path leads to.
#[derive(Debug, PartialEq, Eq)]
enum Resolved {
    File(PathBuf),
    Redirect(String),
    Refused,
    NotFound,
}

/// Maps a URL path to a file of the site, refusing anything that could
/// lead outside it: `..` (also percent-encoded), backslashes, NUL bytes,
/// and symbolic links that point out of the output folder.
fn resolve(site: &SiteFiles, raw_path: &str) -> Resolved {
    let Ok(decoded) = percent_decode_str(raw_path).decode_utf8() else {
        return Resolved::Refused;
    };
    if decoded.contains(['\\', '\0']) {
        return Resolved::Refused;
    }
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
            return Resolved::Redirect(format!("{raw_path}/"));
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

/// Adding a header built from text. A value that is not valid in a header
/// (a request path with a line break, say) leaves the header out rather
/// than panicking.
trait WithHeader: Sized {
    fn with(self, name: &str, value: &str) -> Self;
}

impl<R: Read> WithHeader for Response<R> {
    fn with(self, name: &str, value: &str) -> Self {
        match Header::from_bytes(name.as_bytes(), value.as_bytes()) {
            Ok(header) => self.with_header(header),
            Err(()) => self,
        }
    }
}

fn text_response(status: u16, text: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    Response::from_data(text.as_bytes().to_vec())
        .with_status_code(StatusCode(status))
        .with("Content-Type", "text/plain; charset=utf-8")
}

/// A file of the site; HTML gets the live-reload script, and while the
/// last rebuild failed, the error to show at once.
fn file_response(
    file: &Path,
    status: u16,
    failure: Option<&str>,
) -> Response<std::io::Cursor<Vec<u8>>> {
    let mut bytes = Vec::new();
    if std::fs::File::open(file)
        .and_then(|mut f| f.read_to_end(&mut bytes))
        .is_err()
    {
        return text_response(404, "not found\n");
    }
    let content_type = content_type(file);
    if content_type.starts_with("text/html") {
        bytes = inject_live_reload(bytes, failure);
    }
    Response::from_data(bytes)
        .with_status_code(StatusCode(status))
        .with("Content-Type", &content_type)
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
