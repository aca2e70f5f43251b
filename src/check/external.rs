//! External links (`https://…`), checked over the network with a timeout,
//! a limit on requests in flight and a lower one per host, so a check
//! never hammers one government site. Each address is asked once, however
//! many pages link to it.

use std::collections::{HashMap, VecDeque};
use std::sync::{Condvar, Mutex};
use std::time::Duration;

use crate::check::links::Written;
use crate::check::{Finding, Severity};
use crate::error::Error;
use crate::lang::{Text, tr};

/// How external links are checked.
#[derive(Debug, Clone)]
pub struct ExternalOptions {
    /// The longest wait for one answer.
    pub timeout: Duration,
    /// Requests in flight at once.
    pub concurrency: usize,
    /// Requests in flight to one host at once.
    pub per_host: usize,
}

impl Default for ExternalOptions {
    fn default() -> Self {
        ExternalOptions {
            timeout: Duration::from_secs(10),
            concurrency: 8,
            per_host: 2,
        }
    }
}

/// What one address answered.
#[derive(Debug, Clone)]
enum Answer {
    Fine,
    Moved(String),
    Status(u16),
    TimedOut,
    Unreachable(String),
}

/// Checks every `http(s)://` link of `written`.
pub fn check(written: &[Written], options: &ExternalOptions) -> Vec<Finding> {
    let mut urls: Vec<&str> = written
        .iter()
        .map(|w| w.url.as_str())
        .filter(|url| url.starts_with("http://") || url.starts_with("https://"))
        .collect();
    urls.sort_unstable();
    urls.dedup();
    let answers = ask_all(&urls, options);
    written
        .iter()
        .filter_map(|w| {
            answers
                .get(w.url.as_str())
                .and_then(|a| finding(w, a, options))
        })
        .collect()
}

/// The queue of addresses by host, and how many requests each host has in flight.
#[derive(Default)]
struct Queue<'a> {
    waiting: HashMap<String, VecDeque<&'a str>>,
    in_flight: HashMap<String, usize>,
}

impl<'a> Queue<'a> {
    /// The next address whose host is below its limit; `None` when nothing
    /// is left at all; `Some(None)` when everything left must wait.
    fn take(&mut self, per_host: usize) -> Option<Option<(String, &'a str)>> {
        if self.waiting.values().all(VecDeque::is_empty) {
            return None;
        }
        let host = self
            .waiting
            .iter()
            .find(|(host, urls)| {
                !urls.is_empty() && self.in_flight.get(*host).copied().unwrap_or(0) < per_host
            })
            .map(|(host, _)| host.clone());
        let Some(host) = host else {
            return Some(None);
        };
        let url = self.waiting.get_mut(&host).and_then(VecDeque::pop_front)?;
        *self.in_flight.entry(host.clone()).or_default() += 1;
        Some(Some((host, url)))
    }
}

fn ask_all<'a>(urls: &[&'a str], options: &ExternalOptions) -> HashMap<&'a str, Answer> {
    let mut queue = Queue::default();
    for url in urls {
        queue
            .waiting
            .entry(host_of(url))
            .or_default()
            .push_back(*url);
    }
    let queue = Mutex::new(queue);
    let changed = Condvar::new();
    let answers = Mutex::new(HashMap::new());
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(options.timeout))
        .max_redirects(0)
        .http_status_as_error(false)
        .user_agent("linju-check")
        .build()
        .into();
    let workers = options.concurrency.clamp(1, 64).min(urls.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| worker(&queue, &changed, &answers, &agent, options.per_host.max(1)));
        }
    });
    answers.into_inner().unwrap_or_default()
}

fn worker<'a>(
    queue: &Mutex<Queue<'a>>,
    changed: &Condvar,
    answers: &Mutex<HashMap<&'a str, Answer>>,
    agent: &ureq::Agent,
    per_host: usize,
) {
    loop {
        let Ok(mut guard) = queue.lock() else { return };
        let (host, url) = loop {
            match guard.take(per_host) {
                None => {
                    changed.notify_all();
                    return;
                }
                Some(Some(next)) => break next,
                Some(None) => match changed.wait(guard) {
                    Ok(next_guard) => guard = next_guard,
                    Err(_) => return,
                },
            }
        };
        drop(guard);
        let answer = ask(agent, url);
        if let Ok(mut answers) = answers.lock() {
            answers.insert(url, answer);
        }
        if let Ok(mut guard) = queue.lock()
            && let Some(count) = guard.in_flight.get_mut(&host)
        {
            *count = count.saturating_sub(1);
        }
        changed.notify_all();
    }
}

fn ask(agent: &ureq::Agent, url: &str) -> Answer {
    match agent.get(url).call() {
        Ok(response) => {
            let status = response.status().as_u16();
            match status {
                200..=299 => Answer::Fine,
                300..=399 => {
                    let location = response
                        .headers()
                        .get("location")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default()
                        .to_string();
                    Answer::Moved(location)
                }
                _ => Answer::Status(status),
            }
        }
        Err(ureq::Error::Timeout(_)) => Answer::TimedOut,
        Err(error) => Answer::Unreachable(error.to_string()),
    }
}

fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    rest.split(['/', '?', '#'])
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase()
}

fn finding(written: &Written, answer: &Answer, options: &ExternalOptions) -> Option<Finding> {
    let url = &written.url;
    let (severity, message, hint): (Severity, Text, Text) = match answer {
        Answer::Fine => return None,
        Answer::Moved(location) => (
            Severity::Warning,
            tr!(
                "外部链接 `{url}` 已经搬到 {location}",
                "the external link `{url}` moved to {location}"
            ),
            tr!(
                "把链接换成新地址：{location}",
                "replace it with the new address: {location}"
            ),
        ),
        Answer::Status(status @ (404 | 410)) => (
            Severity::Error,
            tr!(
                "外部链接 `{url}` 已经不存在（{status}）",
                "the external link `{url}` is gone ({status})"
            ),
            tr!(
                "找到那篇内容的新地址，或删掉这个链接",
                "find where the content went, or remove the link"
            ),
        ),
        Answer::Status(status) => (
            Severity::Warning,
            tr!(
                "外部链接 `{url}` 回应了 {status}",
                "the external link `{url}` answered {status}"
            ),
            tr!(
                "可能是对方网站暂时出错或拒绝程序访问；在浏览器里打开看看",
                "the other site may be down for now or refuse programs; open it in a browser"
            ),
        ),
        Answer::TimedOut => {
            let seconds = options.timeout.as_secs_f32();
            (
                Severity::Warning,
                tr!(
                    "外部链接 `{url}` 在 {seconds} 秒内没有回应",
                    "the external link `{url}` did not answer within {seconds} s"
                ),
                tr!(
                    "对方网站可能很慢或暂时打不开；过一会儿再查，或在浏览器里打开看看",
                    "the other site may be slow or down for now; check again later or open it in a browser"
                ),
            )
        }
        Answer::Unreachable(reason) => (
            Severity::Error,
            tr!(
                "外部链接 `{url}` 连不上",
                "the external link `{url}` cannot be reached: {reason}"
            ),
            tr!(
                "检查网址的拼写；网站可能已经关闭",
                "check the address's spelling; the site may have closed"
            ),
        ),
    };
    Some(Finding {
        severity,
        error: Error::at_line(&written.file, written.line, message).with_hint(hint),
    })
}
