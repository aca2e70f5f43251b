//! The editor `linju serve` offers at `/admin/`: the vendored Decap CMS,
//! its configuration made from the site (`editor::decap`), and the local
//! back end (`editor::backend`) at `/__linju/cms`.
//!
//! Writing into the site needs the token printed when `serve` starts (it
//! is in the editor's address: `/admin/#token=...`) and a request from the
//! server's own pages (`Origin`); both are checked on every request to the
//! back end, before its body is read.

use crate::editor::Outline;
use crate::editor::backend::{Backend, MAX_UPLOAD};
use crate::editor::decap::{self, Backend as CmsBackend};
use crate::lang::Lang;
use crate::serve::site::Reply;

/// The back end's address.
pub const BACKEND_PATH: &str = "/__linju/cms";

/// The largest request the back end reads: an upload in base64 and its page.
pub const MAX_BODY: usize = MAX_UPLOAD / 3 * 4 + 1024 * 1024;

/// The page that starts the CMS with the token from its own address.
const ADMIN_PAGE: &str = r#"<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>网站编辑器</title>
<script>
// Take the token out of the address before Decap's router reads it, so the
// router starts at its home and the token is not left in the history.
window.CMS_MANUAL_INIT = true;
(function () {
  var found = /token=([0-9a-f]+)/.exec(location.hash);
  if (found) {
    sessionStorage.setItem('linju-token', found[1]);
    history.replaceState(null, '', location.pathname + '#/');
  }
}());
</script>
<script src="/admin/decap/decap-cms.js"></script>
<script src="/admin/linju-cms.js"></script>
</head>
<body>
<script>
(function () {
  var token = sessionStorage.getItem('linju-token');
  if (!token) {
    document.body.innerHTML = '<p style="font:20px/1.8 sans-serif;padding:2em">请用 <code>linju serve</code> 启动时显示的“编辑器”地址打开这一页（地址里带有 #token=…）。</p>';
    return;
  }
  fetch('/admin/config.json').then(function (r) { return r.json(); }).then(function (config) {
    config.backend.proxy_url = config.backend.proxy_url + '?token=' + token;
    window.CMS.init({ config: config });
  });
}());
</script>
</body>
</html>
"#;

/// The editor of one `serve`.
pub struct Admin {
    token: String,
    lang: Lang,
    backend: Backend,
    site_url: String,
}

impl Admin {
    /// An editor for the site in `root`, with a fresh random token.
    pub fn new(root: &std::path::Path, outline: Outline, site_url: &str) -> Admin {
        Admin {
            token: random_token(),
            lang: Lang::for_site(root),
            backend: Backend::new(root, outline),
            site_url: site_url.to_string(),
        }
    }

    /// The address to open the editor at, token included.
    pub fn url(&self, origin: &str) -> String {
        format!("{origin}/admin/#token={}", self.token)
    }

    /// Takes the site as last loaded.
    pub fn update(&self, outline: Outline) {
        self.backend.set_outline(outline);
    }

    /// Whether `path` is the editor's.
    pub fn owns(path: &str) -> bool {
        path == "/admin" || path.starts_with("/admin/") || path == BACKEND_PATH
    }

    /// A GET of one of the editor's pages.
    pub fn page(&self, path: &str) -> Reply {
        match path {
            "/admin" => Reply {
                status: 301,
                headers: vec![("Location", "/admin/".into())],
                body: Vec::new(),
            },
            "/admin/" | "/admin/index.html" => Reply {
                status: 200,
                headers: vec![("Content-Type", "text/html; charset=utf-8".into())],
                body: ADMIN_PAGE.as_bytes().to_vec(),
            },
            "/admin/config.json" => {
                let backend = CmsBackend::Local {
                    url: BACKEND_PATH.to_string(),
                };
                let config = decap::config(&self.backend.outline(), &backend, &self.site_url);
                Reply {
                    status: 200,
                    headers: vec![("Content-Type", "application/json; charset=utf-8".into())],
                    body: config.to_string().into_bytes(),
                }
            }
            "/admin/linju-cms.js" => Reply {
                status: 200,
                headers: vec![("Content-Type", "text/javascript; charset=utf-8".into())],
                body: crate::editor::LINJU_CMS_JS.as_bytes().to_vec(),
            },
            other => vendored(other.trim_start_matches("/admin/decap/")),
        }
    }

    /// Whether a request to the back end may go on: the token in its query
    /// and an `Origin` that is this server's. `None` when it may.
    pub fn refusal(&self, target: &str, origin: Option<&str>, host: Option<&str>) -> Option<Reply> {
        let token = target
            .split_once('?')
            .and_then(|(_, query)| query.split('&').find_map(|p| p.strip_prefix("token=")));
        if !token.is_some_and(|t| same_secret(t, &self.token)) {
            return Some(self.refused(
                "编辑器的口令不对：请用 linju serve 启动时显示的“编辑器”地址打开",
                "wrong editor token: open the editor at the address linju serve printed",
            ));
        }
        let same_origin =
            matches!((origin, host), (Some(o), Some(h)) if o == format!("http://{h}"));
        if !same_origin {
            return Some(self.refused(
                "只接受本网站编辑器页面发来的请求",
                "only the editor's own page may send requests here",
            ));
        }
        None
    }

    /// The refusal of a request larger than [`MAX_BODY`], before reading it.
    pub fn too_large(&self) -> Reply {
        let most = MAX_UPLOAD / 1024 / 1024;
        let mut reply = self.refused(
            &format!(
                "上传的内容太大：一次最多 {most} MB。手机照片可以先在相册里“编辑→调整大小”再上传"
            ),
            &format!("the upload is too large: {most} MB at most at a time"),
        );
        reply.status = 413;
        reply
    }

    fn refused(&self, zh: &str, en: &str) -> Reply {
        let message = match self.lang {
            Lang::Zh => zh,
            Lang::En => en,
        };
        let mut reply = Reply::text(403, &serde_json::json!({ "error": message }).to_string());
        reply.headers = vec![("Content-Type", "application/json; charset=utf-8".into())];
        reply
    }

    /// A POST to the back end, already let through.
    pub fn answer(&self, body: &[u8]) -> Reply {
        let answer = self.backend.handle(body);
        Reply {
            status: answer.status,
            headers: vec![
                ("Content-Type", "application/json; charset=utf-8".into()),
                ("Cache-Control", "no-store".into()),
            ],
            body: answer.body.to_string().into_bytes(),
        }
    }
}

/// A vendored file, sent as it is stored (gzip).
fn vendored(name: &str) -> Reply {
    let Some(bytes) = crate::editor::vendored_gzip(name) else {
        return Reply::text(404, "not found\n");
    };
    let content_type = if name.ends_with(".wasm") {
        "application/wasm"
    } else {
        "text/javascript; charset=utf-8"
    };
    Reply {
        status: 200,
        headers: vec![
            ("Content-Type", content_type.into()),
            ("Content-Encoding", "gzip".into()),
        ],
        body: bytes.to_vec(),
    }
}

/// 128 bits from the system's random source, as hex. Without one (it
/// never fails on the systems linju runs on) the token is made from the
/// hasher keys Rust seeds from the same source.
fn random_token() -> String {
    let mut bytes = [0u8; 16];
    if getrandom::fill(&mut bytes).is_err() {
        use std::hash::{BuildHasher, Hasher};
        for chunk in bytes.chunks_mut(8) {
            let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
            hasher.write_u32(std::process::id());
            chunk.copy_from_slice(&hasher.finish().to_le_bytes());
        }
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Compares a token in time that does not depend on where they differ.
fn same_secret(given: &str, token: &str) -> bool {
    given.len() == token.len()
        && given
            .bytes()
            .zip(token.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}
