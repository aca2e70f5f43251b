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

pub mod changes;
pub mod cjk_emphasis;
pub mod config;
pub mod content;
pub mod context;
pub mod dates;
pub mod discover;
pub mod error;
pub mod feeds;
pub mod frontmatter;
pub mod images;
pub mod live;
pub mod markdown;
pub mod output;
pub mod pipeline;
pub mod render;
pub mod screens;
pub mod serve;
pub mod session;
pub mod site;
pub mod slugs;
pub mod suggest;
pub mod theme;
pub mod watch;
pub mod yaml;

pub use error::{Error, Errors, Result};
pub use pipeline::{BuildOptions, BuildReport, build};
