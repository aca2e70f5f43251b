//! A small static file server for browser tests: serves a built site
//! under its base path (as a real host would), one thread a connection,
//! with the content types browsers and checkers expect, and the site's
//! `404.html` for what is missing. An optional extra page (a probe that
//! drives the site from the same origin) is served at `PREFIX__probe/`.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Serves `public` under `prefix` (`/` or `/linjiang/`) on a free port of
/// 127.0.0.1, for as long as the test runs; returns the port.
pub fn serve(public: &Path, prefix: &str, probe: Option<String>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let site = Arc::new(Site {
        root: public.to_path_buf(),
        prefix: prefix.to_string(),
        probe,
    });
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let site = Arc::clone(&site);
            std::thread::spawn(move || site.answer(stream));
        }
    });
    port
}

struct Site {
    root: PathBuf,
    prefix: String,
    probe: Option<String>,
}

impl Site {
    fn answer(&self, mut stream: TcpStream) {
        let mut reader = BufReader::new(&stream);
        let mut line = String::new();
        if reader.read_line(&mut line).is_err() {
            return;
        }
        // Read the rest of the request head, so the client is not cut off.
        let mut header = String::new();
        while reader.read_line(&mut header).is_ok_and(|n| n > 2) {
            header.clear();
        }
        let target = line.split_whitespace().nth(1).unwrap_or("/");
        let path = target.split(['?', '#']).next().unwrap_or("/");
        let found = match path.strip_prefix(self.prefix.as_str()) {
            Some("__probe/") => self
                .probe
                .clone()
                .map(|body| (body.into_bytes(), "text/html; charset=utf-8")),
            Some(relative) => file(&self.root, relative),
            None => None,
        };
        let (status, (body, kind)) = match found {
            Some(found) => ("200 OK", found),
            None => (
                "404 Not Found",
                file(&self.root, "404.html").unwrap_or((Vec::new(), "text/plain")),
            ),
        };
        let head = format!(
            "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nCache-Control: max-age=600\r\nConnection: close\r\n\r\n",
            body.len()
        );
        let _ = stream.write_all(head.as_bytes());
        if !line.starts_with("HEAD ") {
            let _ = stream.write_all(&body);
        }
    }
}

fn file(root: &Path, relative: &str) -> Option<(Vec<u8>, &'static str)> {
    let decoded = percent_decode(relative);
    if decoded.contains("..") {
        return None;
    }
    let mut path: PathBuf = root.join(decoded);
    if path.is_dir() {
        path = path.join("index.html");
    }
    let kind = match path.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("json") => "application/json",
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("webp") => "image/webp",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("png") => "image/png",
        Some("webm") => "video/webm",
        Some("mp4") => "video/mp4",
        Some("xml") => "application/xml",
        Some("txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    };
    std::fs::read(path).ok().map(|body| (body, kind))
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(value)) => {
                out.push(value);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
