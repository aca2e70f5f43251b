//! linju (邻聚): a static site generator for community publicity sites.
//!
//! The source is a house of wings over a ground floor (see ARCHITECTURE.md):
//! `content` loads `content/` into plain data (with `markdown` and
//! `images`), `render` turns it into HTML through Tera themes, `screens`
//! and `search` make the lobby players and the index, `build` writes the
//! site through one writer and keeps a session for rebuilds, `check` and
//! `scaffold` are `linju check`, `init` and `new`, and `serve` runs
//! `serve` and `watch`. This file re-exports the API the binary uses.

// The ground floor: small leaves that import nothing above them.
mod config;
mod data_settings;
mod dates;
mod error;
mod fs;
mod hash;
mod html_settings;
mod kept_bytes;
mod lang;
mod menu_settings;
mod opening;
mod options;
mod screen_settings;
mod showtimes;
mod slugs;
mod spool;
mod suggest;
mod timings;
mod yaml;

// The wings, lowest first: a wing may use the ground floor and the wings
// listed before it, never one after it.
mod build;
mod check;
mod content;
mod editor;
mod images;
mod markdown;
mod render;
mod scaffold;
mod screens;
mod search;
mod serve;

/// Entry points for the fuzz harness; not part of the API sites use.
#[doc(hidden)]
pub mod fuzzing;

pub use build::session::Session;
pub use build::staging::remove_stale;
pub use build::state::{RebuildReport, Scope};
pub use build::{BuildReport, build, read_only};
pub use check::{CheckReport, ExternalOptions, Finding, Severity, check};
pub use content::schedule::NextChange;
pub use editor::{GitHost, write_git_editor, write_schemas};
pub use error::{Error, Errors, Result};
pub use lang::{Label, Lang, Text};
pub use options::{BuildOptions, Progress, ProgressFn};
pub use scaffold::{Initialised, NewPage, init, new_page};
pub use search::unpack as unpack_search_file;
pub use serve::{Address, LiveEvent, serve, watch};
pub use timings::{Phase, TemplateTime, Timings, peak_resident_kb};
