//! The preview server of `linju serve`: HTTP/1.1 on the standard library's
//! sockets, one thread a connection, with the request head parsed by
//! `httparse`. It serves GET and HEAD of the built site (`serve::site`)
//! and the live-reload event streams (`serve::hub`).
//!
//! Bounded everywhere a browser or a stray client could push it: a
//! request head of at most [`MAX_HEAD`] bytes and [`MAX_HEADERS`] headers
//! (431 beyond), a deadline to send it, at most [`MAX_CONNECTIONS`]
//! connections at once (503 beyond), one request a connection.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use crate::error::Error;
use crate::lang::tr;
use crate::serve::admin::{Admin, BACKEND_PATH, MAX_BODY};
use crate::serve::hub::Hub;
use crate::serve::site::{Reply, SiteFiles, reply};

/// The URL path of the event stream pages listen to.
pub const EVENTS_PATH: &str = "/__linju/events";

/// The longest request head read (a browser's is under 2 KB).
pub const MAX_HEAD: usize = 16 * 1024;

/// The most headers a request may have.
const MAX_HEADERS: usize = 64;

/// Connections served at once.
pub const MAX_CONNECTIONS: usize = 512;

/// How long a client has to send its request head, and to take the reply.
const DEADLINE: Duration = Duration::from_secs(10);

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
/// `/tinghu/`) until the process ends.
pub fn run(
    listener: TcpListener,
    output_dir: PathBuf,
    base_path: String,
    hub: Arc<Hub>,
    admin: Option<Arc<Admin>>,
) -> Result<(), Error> {
    let site = Arc::new(SiteFiles {
        output_dir,
        base_path,
    });
    let open = Arc::new(AtomicUsize::new(0));
    for stream in listener.incoming() {
        let Ok(mut stream) = stream else {
            continue;
        };
        if open.load(Ordering::Relaxed) >= MAX_CONNECTIONS {
            let _ = stream.set_write_timeout(Some(DEADLINE));
            let _ = write_reply(&mut stream, &Reply::text(503, "busy: try again\n"), false);
            continue;
        }
        open.fetch_add(1, Ordering::Relaxed);
        let (site, hub, open) = (Arc::clone(&site), Arc::clone(&hub), Arc::clone(&open));
        let admin = admin.clone();
        std::thread::spawn(move || {
            handle(&site, &hub, admin.as_deref(), stream);
            open.fetch_sub(1, Ordering::Relaxed);
        });
    }
    Ok(())
}

/// One connection: one request, one reply.
fn handle(site: &SiteFiles, hub: &Hub, admin: Option<&Admin>, mut stream: TcpStream) {
    let _ = stream.set_read_timeout(Some(DEADLINE));
    let _ = stream.set_write_timeout(Some(DEADLINE));
    let request = match read_head(&mut stream) {
        Ok(request) => request,
        Err(reply) => {
            let _ = write_reply(&mut stream, &reply, false);
            return;
        }
    };
    let path = request.target.split(['?', '#']).next().unwrap_or("/");
    if let Some(admin) = admin
        && Admin::owns(path)
    {
        let answer = editor_reply(admin, &request, path, &mut stream);
        let _ = write_reply(&mut stream, &answer, request.method == "HEAD");
        return;
    }
    if request.method != "GET" && request.method != "HEAD" {
        let mut refused = Reply::text(405, "only GET and HEAD are served\n");
        refused.headers.push(("Allow", "GET, HEAD".into()));
        let _ = write_reply(&mut stream, &refused, false);
        return;
    }
    if path == EVENTS_PATH {
        let _ = stream.set_write_timeout(Some(DEADLINE));
        hub.serve_stream(stream);
        return;
    }
    let answer = reply(site, path, hub.failure().as_deref());
    let _ = write_reply(&mut stream, &answer, request.method == "HEAD");
}

/// The editor's pages (GET) and its back end (POST, with the token and
/// the origin checked before the body is read).
fn editor_reply(admin: &Admin, request: &Head, path: &str, stream: &mut TcpStream) -> Reply {
    match request.method.as_str() {
        "GET" | "HEAD" => admin.page(path),
        "POST" if path == BACKEND_PATH => {
            if let Some(refused) = admin.refusal(
                &request.target,
                request.origin.as_deref(),
                request.host.as_deref(),
            ) {
                return refused;
            }
            if request.content_length.unwrap_or(0) > MAX_BODY {
                return admin.too_large();
            }
            match read_body(stream, request) {
                Ok(body) => admin.answer(&body),
                Err(reply) => reply,
            }
        }
        "POST" => Reply::text(405, "GET or HEAD\n"),
        _ => Reply::text(405, "GET, HEAD or POST\n"),
    }
}

/// The body of a request, its length already checked.
fn read_body(stream: &mut TcpStream, request: &Head) -> Result<Vec<u8>, Reply> {
    let length = request.content_length.unwrap_or(0);
    let mut body = request.rest.clone();
    body.truncate(length);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(60)));
    let mut chunk = vec![0u8; 64 * 1024];
    while body.len() < length {
        let read = stream
            .read(&mut chunk)
            .map_err(|_| Reply::text(408, "request timeout\n"))?;
        if read == 0 {
            return Err(Reply::text(400, "incomplete request\n"));
        }
        body.extend_from_slice(&chunk[..read.min(length - body.len())]);
    }
    Ok(body)
}

/// A request's method, target, the headers the server reads, and what
/// came after the head.
struct Head {
    method: String,
    target: String,
    origin: Option<String>,
    host: Option<String>,
    content_length: Option<usize>,
    rest: Vec<u8>,
}

/// Reads and parses the request head, refusing one that is too large,
/// malformed or too slow to arrive.
fn read_head(stream: &mut TcpStream) -> Result<Head, Reply> {
    let mut buffer = Vec::with_capacity(2048);
    let mut chunk = [0u8; 2048];
    loop {
        let read = stream
            .read(&mut chunk)
            .map_err(|_| Reply::text(408, "request timeout\n"))?;
        if read == 0 {
            return Err(Reply::text(400, "incomplete request\n"));
        }
        buffer.extend_from_slice(&chunk[..read]);
        let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut request = httparse::Request::new(&mut headers);
        match request.parse(&buffer) {
            Ok(httparse::Status::Complete(end)) => {
                let header = |name: &str| {
                    request
                        .headers
                        .iter()
                        .find(|h| h.name.eq_ignore_ascii_case(name))
                        .and_then(|h| std::str::from_utf8(h.value).ok())
                        .map(str::to_string)
                };
                return Ok(Head {
                    method: request.method.unwrap_or("GET").to_string(),
                    target: request.path.unwrap_or("/").to_string(),
                    origin: header("origin"),
                    host: header("host"),
                    content_length: header("content-length").and_then(|v| v.trim().parse().ok()),
                    rest: buffer[end..].to_vec(),
                });
            }
            Ok(httparse::Status::Partial) if buffer.len() < MAX_HEAD => {}
            Ok(httparse::Status::Partial) | Err(httparse::Error::TooManyHeaders) => {
                return Err(Reply::text(431, "request header fields too large\n"));
            }
            Err(_) => return Err(Reply::text(400, "bad request\n")),
        }
    }
}

fn write_reply(stream: &mut TcpStream, reply: &Reply, head_only: bool) -> std::io::Result<()> {
    let reason = match reply.status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        409 => "Conflict",
        413 => "Payload Too Large",
        422 => "Unprocessable Entity",
        500 => "Internal Server Error",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "",
    };
    let mut head = format!("HTTP/1.1 {} {reason}\r\n", reply.status);
    for (name, value) in &reply.headers {
        // A value with a line break (from a request path) is left out.
        if !value.contains(['\r', '\n']) {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
        reply.body.len()
    ));
    stream.write_all(head.as_bytes())?;
    if !head_only {
        stream.write_all(&reply.body)?;
    }
    stream.flush()
}
