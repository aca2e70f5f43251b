//! Integration tests: build fixture sites with the real binary and check
//! what a resident would see and what a writer would be told.

mod addresses;
mod architecture;
mod browser;
mod calendars;
mod care;
mod check;
mod checkers;
mod cli;
mod editor;
mod editor_browser;
mod errors;
mod fuzz;
mod hardening;
mod harness;
pub mod images;
mod incremental;
mod js_tools;
mod kept_for_next;
mod light_pages;
mod menus;
mod opening_hours;
mod privacy;
mod related;
mod rendering;
mod schema;
mod screens;
mod screens_week;
mod search;
mod search_browser;
mod serve;
mod sheets;
mod static_server;
mod stats;
mod writers;
