//! `linju serve` and `linju watch`: build once, then rebuild after every
//! burst of changes, for as long as the process runs. `serve` also serves
//! the site and tells open pages to reload. What happens is reported to a
//! callback, so that only `main` prints.

pub mod admin;
pub mod http;
pub mod hub;
pub mod site;
pub mod watch;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::build::session::{RebuildReport, Session};
use crate::build::staging;
use crate::content::schedule::NextChange;
use crate::editor::Outline;
use crate::error::Errors;
use crate::lang::{Label, Lang};
use crate::options::BuildOptions;
use crate::serve::watch::{Wait, Watcher};
use admin::Admin;
use hub::{Hub, Notice};

/// Where `serve` listens.
#[derive(Debug, Clone)]
pub struct Address {
    /// Interface to bind (`127.0.0.1` unless told otherwise).
    pub bind: String,
    /// TCP port.
    pub port: u16,
}

/// Something worth telling the person at the terminal.
#[derive(Debug)]
pub enum LiveEvent<'a> {
    /// The server is up: the site's address and the editor's (token
    /// included).
    Serving {
        /// Where the site is.
        site: &'a str,
        /// Where the editor is.
        editor: &'a str,
        /// The editor's address for a phone on the same network, when the
        /// server listens beyond this machine (`--bind 0.0.0.0`).
        editor_on_network: Option<&'a str>,
    },
    /// Files changed; a rebuild starts.
    Changed(&'a [PathBuf]),
    /// A build or rebuild succeeded; `since_change` counts from the first
    /// file event of the burst (debounce included).
    Built {
        /// What it did.
        report: &'a RebuildReport,
        /// From the first file event to the output on disk.
        since_change: Option<Duration>,
    },
    /// A build or rebuild failed; the last good site stays.
    Failed(&'a Errors),
    /// The system limit on watched folders is reached: changes are found by
    /// checking every half second instead.
    Polling,
    /// A scheduled moment came (a page is published, a notice expires, an
    /// event ends): the site is rebuilt without a file change.
    Scheduled(&'a NextChange),
}

/// Builds and keeps rebuilding into `options.output` (or `root/public`).
pub fn watch(options: BuildOptions, on_event: &mut dyn FnMut(LiveEvent<'_>)) -> Result<(), Errors> {
    let mut session = Session::new(options)?;
    let mut watcher = Watcher::start(session.root())?;
    if watcher.is_polling() {
        on_event(LiveEvent::Polling);
    }
    let next = report(
        session.build(),
        None,
        None,
        Lang::for_site(session.root()),
        on_event,
    );
    let live = Live {
        hub: None,
        admin: None,
    };
    run_loop(&mut session, &mut watcher, &live, next, on_event);
    Ok(())
}

/// Builds into `root/.linju/serve`, serves it at `address`, and rebuilds
/// and reloads open pages after every change.
pub fn serve(
    mut options: BuildOptions,
    address: &Address,
    on_event: &mut dyn FnMut(LiveEvent<'_>),
) -> Result<(), Errors> {
    let root = crate::fs::absolute(&options.root);
    let work_dir = root.join(".linju");
    crate::fs::create_work_folder(&work_dir)?;
    let listener = http::bind(&address.bind, address.port)?;
    let shown_host = if address.bind == "0.0.0.0" {
        "127.0.0.1"
    } else {
        address.bind.as_str()
    };
    let origin = format!("http://{shown_host}:{}", address.port);
    options.output = Some(work_dir.join("serve"));
    options.origin = Some(origin.clone());
    let mut session = Session::new(options)?;
    let mut watcher = Watcher::start(session.root())?;
    if watcher.is_polling() {
        on_event(LiveEvent::Polling);
    }
    let hub = Arc::new(Hub::default());
    let next = report(
        session.build(),
        None,
        Some(&hub),
        Lang::for_site(session.root()),
        on_event,
    );
    let base_path = session
        .config()
        .map_or_else(|| "/".to_string(), |c| c.base_path.clone());
    let output_dir = session.output_dir().to_path_buf();
    let server_hub = Arc::clone(&hub);
    let server_base = base_path.clone();
    let site_url = format!("{origin}{base_path}");
    let outline = session.site().map_or_else(Outline::empty, Outline::of);
    let admin = Arc::new(Admin::new(&root, outline, &site_url));
    let server_admin = Arc::clone(&admin);
    std::thread::spawn(move || {
        http::run(
            listener,
            output_dir,
            server_base,
            server_hub,
            Some(server_admin),
        )
    });
    let on_network = (address.bind == "0.0.0.0")
        .then(network_address)
        .flatten()
        .map(|ip| admin.url(&format!("http://{ip}:{}", address.port)));
    on_event(LiveEvent::Serving {
        site: &site_url,
        editor: &admin.url(&origin),
        editor_on_network: on_network.as_deref(),
    });
    let live = Live {
        hub: Some(&hub),
        admin: Some(&admin),
    };
    run_loop(&mut session, &mut watcher, &live, next, on_event);
    Ok(())
}

/// This machine's address on its local network: the source address the
/// system would pick for a packet to the outside. A UDP `connect` sends
/// nothing, so this works offline as long as there is a route.
fn network_address() -> Option<std::net::IpAddr> {
    let socket = std::net::UdpSocket::bind("0.0.0.0:0").ok()?;
    socket.connect("192.0.2.1:9").ok()?;
    let ip = socket.local_addr().ok()?.ip();
    (!ip.is_loopback() && !ip.is_unspecified()).then_some(ip)
}

/// What a rebuild tells besides the person at the terminal: open pages
/// (`serve`), and the editor, which learns the site's new outline.
struct Live<'a> {
    hub: Option<&'a Arc<Hub>>,
    admin: Option<&'a Arc<Admin>>,
}

fn run_loop(
    session: &mut Session,
    watcher: &mut Watcher,
    live: &Live<'_>,
    mut next: Option<NextChange>,
    on_event: &mut dyn FnMut(LiveEvent<'_>),
) {
    loop {
        let deadline = next
            .as_ref()
            .and_then(|change| deadline_of(session, change));
        let (result, first_event) = match watcher.next_batch_until(deadline) {
            Wait::Changes(batch) => {
                on_event(LiveEvent::Changed(&batch.paths));
                (session.rebuild(&batch.paths), Some(batch.first_event))
            }
            Wait::Deadline => {
                if let Some(change) = &next {
                    on_event(LiveEvent::Scheduled(change));
                }
                (session.rebuild(&[]), Some(Instant::now()))
            }
            Wait::Stopped => return,
        };
        let lang = Lang::for_site(session.root());
        if result.is_ok()
            && let (Some(admin), Some(site)) = (live.admin, session.site())
        {
            admin.update(Outline::of(site));
        }
        // A failed rebuild keeps the last known schedule.
        next = report(result, first_event, live.hub, lang, on_event).or(next);
    }
}

/// The longest a loop sleeps before it looks at the clock again (a laptop
/// that slept, a clock that was set).
const LONGEST_SLEEP: Duration = Duration::from_secs(3600);

/// When, on this machine's monotonic clock, `change` is due: a little after
/// its moment, so the rebuild's "now" is past it.
fn deadline_of(session: &Session, change: &NextChange) -> Option<Instant> {
    let config = session.config()?;
    let now = session.now(config).ok()?;
    let wait = now.duration_until(&change.at);
    let wait = Duration::try_from(wait).unwrap_or_default();
    Some(Instant::now() + wait.min(LONGEST_SLEEP) + Duration::from_millis(250))
}

fn report(
    result: Result<RebuildReport, Errors>,
    first_event: Option<Instant>,
    hub: Option<&Arc<Hub>>,
    lang: Lang,
    on_event: &mut dyn FnMut(LiveEvent<'_>),
) -> Option<NextChange> {
    match result {
        Ok(report) => {
            let since_change = first_event.map(|t| t.elapsed());
            if let Some(hub) = hub {
                let changed = !report.written.is_empty() || !report.removed.is_empty();
                if report.styles_only && !hub.failing() {
                    hub.broadcast(&Notice::Styles);
                } else if changed || hub.failing() {
                    // A reload also clears the error overlay of a fixed build.
                    hub.broadcast(&Notice::Reload);
                }
            }
            on_event(LiveEvent::Built {
                report: &report,
                since_change,
            });
            if !report.stale.is_empty() {
                // Deleting a set-aside site takes seconds; nobody waits for it.
                let stale = report.stale.clone();
                std::thread::spawn(move || staging::remove_stale(&stale));
            }
            report.next_change
        }
        Err(errors) => {
            if let Some(hub) = hub {
                hub.broadcast(&Notice::Failed(errors.render(lang, Label::Error)));
            }
            on_event(LiveEvent::Failed(&errors));
            None
        }
    }
}
