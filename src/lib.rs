//! linju (邻聚): a static site generator for community publicity sites.
//!
//! The build runs in phases, each in its own module: [`config`] reads
//! `linju.yaml`; [`discover`] finds content files; [`site`] loads them into
//! plain data ([`content::Page`], [`content::Section`]) with [`frontmatter`],
//! [`markdown`] and [`dates`]; [`render`] turns that into HTML through the
//! [`theme`]'s Tera templates with values from [`context`], plus [`feeds`]
//! and [`screens`]; [`images`] makes the photos; [`output`] writes it all
//! atomically. A [`session::Session`] strings them together and keeps what
//! a rebuild needs; [`pipeline`] is its one-shot use (`linju build`), and
//! [`live`] its long-running one (`serve`, `watch`, with [`watch`],
//! [`changes`] and [`serve`]).

// The ground floor: small leaves that import nothing above them.
mod config;
mod dates;
mod error;
mod fs;
mod hash;
mod html_settings;
mod lang;
mod options;
mod slugs;
mod suggest;
mod yaml;

// The wings, lowest first: a wing may use the ground floor and the wings
// listed before it, never one after it.
mod build;
mod check;
mod content;
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
pub use build::{BuildReport, build};
pub use check::{CheckReport, ExternalOptions, Finding, Severity, check};
pub use content::schedule::NextChange;
pub use error::{Error, Errors, Result};
pub use lang::{Label, Lang, Text};
pub use options::{BuildOptions, Progress, ProgressFn};
pub use scaffold::{Initialised, NewPage, init, new_page};
pub use search::unpack as unpack_search_file;
pub use serve::{Address, LiveEvent, serve, watch};
