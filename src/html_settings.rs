//! `markdown:` in `linju.yaml`: what raw HTML a page's Markdown may carry.
//! Sanitised by default (`markdown::html`), since an editor in the browser
//! lets people who are not trusted like a file's author write pages.

use serde::Deserialize;

/// `markdown:` as written and as used.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq, Hash)]
#[serde(deny_unknown_fields)]
pub struct MarkdownSettings {
    /// `unsafe_html: true` publishes raw HTML exactly as written, scripts
    /// included: for a site whose writers are all trusted.
    #[serde(default)]
    pub unsafe_html: bool,
    /// Hosts whose pages may be embedded with `<iframe>` (a video
    /// platform's player, say); an iframe from anywhere else loses its
    /// address.
    #[serde(default)]
    pub iframe_hosts: Vec<String>,
}
