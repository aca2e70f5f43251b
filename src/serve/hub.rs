//! The live-reload event streams (Server-Sent Events): every open page
//! holds one, and hears when the site changed, when only stylesheets did,
//! and when a rebuild failed.
//!
//! A stream is released as soon as its page goes (a thread waits on its
//! socket and sees it close), and there are never more than
//! [`MAX_STREAMS`]: a new page pushes out the longest-open one, so pages
//! left open for days cannot use up the server.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Mutex;

/// Event streams kept open at most.
pub const MAX_STREAMS: usize = 64;

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

/// One open stream.
struct Client {
    id: u64,
    stream: TcpStream,
}

/// Open event streams and the state a new page should learn at once.
#[derive(Default)]
pub struct Hub {
    clients: Mutex<Vec<Client>>,
    next_id: Mutex<u64>,
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
                client.stream.write_all(event.as_bytes()).is_ok() && client.stream.flush().is_ok()
            });
        }
    }

    /// The last rebuild's error, if it failed.
    pub fn failure(&self) -> Option<String> {
        self.failure.lock().ok().and_then(|f| f.clone())
    }

    /// Whether the last rebuild failed.
    pub fn failing(&self) -> bool {
        self.failure().is_some()
    }

    /// Serves one page's stream on this thread until the page goes.
    pub fn serve_stream(&self, mut stream: TcpStream) {
        let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: keep-alive\r\n\r\nretry: 1000\n\n";
        if stream.write_all(head.as_bytes()).is_err() {
            return;
        }
        if let Some(message) = self.failure()
            && stream
                .write_all(Notice::Failed(message).to_event().as_bytes())
                .is_err()
        {
            return;
        }
        let Ok(kept) = stream.try_clone() else {
            return;
        };
        let id = self.add(kept);
        // The page never sends anything: a read returns when it goes.
        let _ = stream.set_read_timeout(None);
        let mut byte = [0u8; 64];
        while matches!(stream.read(&mut byte), Ok(n) if n > 0) {}
        self.remove(id);
    }

    fn add(&self, stream: TcpStream) -> u64 {
        let id = self.next_id.lock().map_or(0, |mut next| {
            *next += 1;
            *next
        });
        if let Ok(mut clients) = self.clients.lock() {
            while clients.len() >= MAX_STREAMS {
                let oldest = clients.remove(0);
                let _ = oldest.stream.shutdown(std::net::Shutdown::Both);
            }
            clients.push(Client { id, stream });
        }
        id
    }

    fn remove(&self, id: u64) {
        if let Ok(mut clients) = self.clients.lock() {
            clients.retain(|client| client.id != id);
        }
    }
}
