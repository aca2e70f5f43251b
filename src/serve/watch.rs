//! Watching the site's sources: `content/`, `themes/`, `templates/`,
//! `static/` and `linju.yaml` (never the output), turning the file
//! system's events into batches of changed paths, one batch per burst.
//!
//! The debounce is adaptive rather than a fixed quarter second: a batch
//! closes after a short quiet window (an editor's save, even an atomic one
//! through a temporary file and a rename, is a burst of events well under a
//! few milliseconds apart), and the window widens once a burst turns out
//! to be large (a `git checkout` or an unzip), so it still ends in one
//! rebuild.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use notify::{EventKind, PollWatcher, RecommendedWatcher, RecursiveMode, Watcher as _};

use crate::config::CONFIG_FILE;
use crate::error::Error;
use crate::fs::is_scratch_file;
use crate::lang::tr;

/// The folders of a site that are watched, recursively.
const WATCHED_FOLDERS: [&str; 5] = ["content", "data", "themes", "templates", "static"];

/// Quiet time that closes a batch of a few events: an editor's save is
/// over well within it, and a checkout's next file arrives within it even
/// on a busy two-core machine (8 ms split a 200-file checkout in two while
/// the test suite's browsers ran).
const QUIET: Duration = Duration::from_millis(25);
/// Quiet time once a burst has many events (a checkout writing files).
const QUIET_IN_BURST: Duration = Duration::from_millis(60);
/// Events after which a burst counts as large.
const BURST: usize = 16;
/// The longest a batch waits, however busy the folder is.
const MAX_WAIT: Duration = Duration::from_secs(2);

/// The file-system watcher of one site.
pub struct Watcher {
    root: PathBuf,
    backend: Backend,
    events: Receiver<notify::Result<notify::Event>>,
}

/// inotify (or the platform's own) where it can, polling where the system
/// has run out of watches.
enum Backend {
    Native(RecommendedWatcher),
    Polling(PollWatcher),
}

impl Backend {
    fn watch(&mut self, path: &Path, mode: RecursiveMode) -> notify::Result<()> {
        match self {
            Backend::Native(w) => w.watch(path, mode),
            Backend::Polling(w) => w.watch(path, mode),
        }
    }
}

/// A batch of changed paths and when its first event came.
#[derive(Debug)]
pub struct Batch {
    /// Changed paths, absolute, without duplicates.
    pub paths: Vec<PathBuf>,
    /// When the first event of the batch arrived.
    pub first_event: Instant,
}

/// What ended a wait for changes.
#[derive(Debug)]
pub enum Wait {
    /// Files changed.
    Changes(Batch),
    /// The deadline came first.
    Deadline,
    /// The watcher stopped.
    Stopped,
}

impl Watcher {
    /// Whether the system ran out of watches and this watcher polls
    /// instead (worth telling the person at the terminal).
    pub fn is_polling(&self) -> bool {
        matches!(self.backend, Backend::Polling(_))
    }

    /// Starts watching the site in `root` (absolute).
    pub fn start(root: &Path) -> Result<Watcher, Error> {
        let (sender, events) = channel();
        let native = RecommendedWatcher::new(sender.clone(), notify::Config::default())
            .map_err(|e| watch_error(root, &e))?;
        let mut watcher = Watcher {
            root: root.to_path_buf(),
            backend: Backend::Native(native),
            events,
        };
        if let Err(error) = watcher.watch_all() {
            if !matches!(error.kind, notify::ErrorKind::MaxFilesWatch) {
                return Err(watch_error(root, &error));
            }
            let config = notify::Config::default().with_poll_interval(Duration::from_millis(500));
            let polling = PollWatcher::new(sender, config).map_err(|e| watch_error(root, &e))?;
            watcher.backend = Backend::Polling(polling);
            watcher.watch_all().map_err(|e| watch_error(root, &e))?;
        }
        Ok(watcher)
    }

    fn watch_all(&mut self) -> notify::Result<()> {
        // The root itself, not recursively: `linju.yaml` is replaced by
        // editors' atomic saves, which a watch on the file itself would
        // lose; a folder created later (`templates/`) shows up here too.
        self.backend
            .watch(&self.root, RecursiveMode::NonRecursive)?;
        for folder in WATCHED_FOLDERS {
            let path = self.root.join(folder);
            if path.is_dir() {
                self.backend.watch(&path, RecursiveMode::Recursive)?;
            }
        }
        Ok(())
    }

    /// Waits for the next burst of changes and returns it whole. `None`
    /// when the watcher has stopped.
    pub fn next_batch(&mut self) -> Option<Batch> {
        match self.next_batch_until(None) {
            Wait::Changes(batch) => Some(batch),
            Wait::Deadline | Wait::Stopped => None,
        }
    }

    /// Like [`Watcher::next_batch`], but gives up at `deadline` (the next
    /// scheduled change of the site) if nothing changed before it.
    pub fn next_batch_until(&mut self, deadline: Option<Instant>) -> Wait {
        loop {
            let first = match deadline {
                None => match self.events.recv() {
                    Ok(event) => event,
                    Err(_) => return Wait::Stopped,
                },
                Some(deadline) => {
                    let left = deadline.saturating_duration_since(Instant::now());
                    match self.events.recv_timeout(left) {
                        Ok(event) => event,
                        Err(RecvTimeoutError::Timeout) => return Wait::Deadline,
                        Err(RecvTimeoutError::Disconnected) => return Wait::Stopped,
                    }
                }
            };
            let first_event = Instant::now();
            let mut paths: Vec<PathBuf> = Vec::new();
            let mut seen = self.take(first, &mut paths);
            let mut quiet = QUIET;
            while first_event.elapsed() < MAX_WAIT {
                match self.events.recv_timeout(quiet) {
                    Ok(event) => {
                        seen += self.take(event, &mut paths);
                        if seen > BURST {
                            quiet = QUIET_IN_BURST;
                        }
                    }
                    Err(RecvTimeoutError::Timeout) => break,
                    Err(RecvTimeoutError::Disconnected) => return Wait::Stopped,
                }
            }
            if !paths.is_empty() {
                paths.sort();
                paths.dedup();
                return Wait::Changes(Batch { paths, first_event });
            }
        }
    }

    /// Keeps the event's relevant paths; returns how many events it counts
    /// as (scratch files count: they mean a save is under way).
    fn take(&mut self, event: notify::Result<notify::Event>, paths: &mut Vec<PathBuf>) -> usize {
        let Ok(event) = event else {
            return 0;
        };
        if matches!(event.kind, EventKind::Access(_)) {
            return 0;
        }
        for path in event.paths {
            let Ok(relative) = path.strip_prefix(&self.root) else {
                continue;
            };
            let top = relative
                .components()
                .next()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .unwrap_or_default();
            let single = relative.components().count() == 1;
            if single && WATCHED_FOLDERS.contains(&top.as_str()) && path.is_dir() {
                // A watched folder that did not exist when we started.
                let _ = self.backend.watch(&path, RecursiveMode::Recursive);
            }
            let relevant = (single && top == CONFIG_FILE)
                || (WATCHED_FOLDERS.contains(&top.as_str()) && !single);
            if relevant && !is_scratch_file(relative) {
                paths.push(path);
            } else if single && WATCHED_FOLDERS.contains(&top.as_str()) {
                // The folder itself came or went: everything in it changed.
                paths.push(path);
            }
        }
        1
    }
}

fn watch_error(root: &Path, error: &notify::Error) -> Error {
    Error::in_file(
        root,
        tr!(
            "无法监视网站文件夹：{error}",
            "cannot watch the site's folders: {error}"
        ),
    )
    .with_hint(tr!(
        "检查这些文件夹是否存在、能否读取",
        "check that the folders exist and are readable"
    ))
}
