//! Raw HTML in Markdown, made safe (ammonia): what writers use for layout
//! stays (tables, `<br>`, `<details>`, `<figure>`, `<video controls>`,
//! `<iframe>` from the hosts `linju.yaml` lists), scripts, event handlers,
//! `javascript:` addresses, `<style>` and SVG go. Only a page whose
//! Markdown holds raw HTML is run through the sanitiser: HTML that
//! pulldown-cmark writes from Markdown is escaped by construction, so most
//! pages cost nothing. `markdown: {unsafe_html: true}` turns it off.

use std::collections::HashSet;

use crate::html_settings::MarkdownSettings;

/// The sanitiser a site's pages go through.
pub struct HtmlPolicy {
    builder: ammonia::Builder<'static>,
}

impl std::fmt::Debug for HtmlPolicy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HtmlPolicy").finish_non_exhaustive()
    }
}

/// Tags writers use in pages besides ammonia's defaults (which keep the
/// text-level and table tags).
const EXTRA_TAGS: [&str; 10] = [
    "details",
    "summary",
    "figure",
    "figcaption",
    "video",
    "audio",
    "source",
    "track",
    "picture",
    "iframe",
];

impl HtmlPolicy {
    /// The policy for `settings`, or `None` when raw HTML is trusted.
    pub fn for_settings(settings: &MarkdownSettings) -> Option<HtmlPolicy> {
        if settings.unsafe_html {
            return None;
        }
        let hosts: Vec<String> = settings
            .iframe_hosts
            .iter()
            .map(|h| h.trim().to_ascii_lowercase())
            .collect();
        let mut builder = ammonia::Builder::default();
        builder
            .add_tags(EXTRA_TAGS)
            .add_generic_attributes(["id", "class", "title", "lang", "dir", "style"])
            .add_tag_attributes(
                "img",
                ["loading", "decoding", "srcset", "sizes", "width", "height"],
            )
            .add_tag_attributes("source", ["srcset", "sizes", "type", "src", "media"])
            .add_tag_attributes(
                "video",
                [
                    "controls",
                    "muted",
                    "loop",
                    "playsinline",
                    "poster",
                    "preload",
                    "src",
                    "width",
                    "height",
                ],
            )
            .add_tag_attributes("audio", ["controls", "src", "preload"])
            .add_tag_attributes("track", ["kind", "src", "srclang", "label", "default"])
            .add_tag_attributes(
                "iframe",
                [
                    "src",
                    "width",
                    "height",
                    "allowfullscreen",
                    "title",
                    "loading",
                ],
            )
            .add_tag_attributes("input", ["type", "checked", "disabled"])
            .add_tag_attributes("details", ["open"])
            .add_tags(["input"])
            .add_url_schemes(["tel", "sms", "weixin", "alipays", "geo"])
            .link_rel(None)
            .attribute_filter(move |element, attribute, value| {
                if element == "iframe" && attribute == "src" {
                    return allowed_frame(value, &hosts).then(|| value.into());
                }
                if attribute == "style" {
                    return safe_style(value).then(|| value.into());
                }
                Some(value.into())
            });
        Some(HtmlPolicy { builder })
    }

    /// `html` with what is unsafe taken out.
    pub fn clean(&self, html: &str) -> String {
        self.builder.clean(html).to_string()
    }
}

/// An `<iframe src>` on `https` from one of `hosts` (or a subdomain).
fn allowed_frame(src: &str, hosts: &[String]) -> bool {
    let Some(rest) = src.strip_prefix("https://").or(src.strip_prefix("//")) else {
        return false;
    };
    let host = rest
        .split(['/', '?', '#', ':'])
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    hosts
        .iter()
        .any(|allowed| host == *allowed || host.ends_with(&format!(".{allowed}")))
}

/// Inline styles only for alignment and widths (what tables and figures
/// use): no `url()`, no `expression()`, no positioning over the page.
fn safe_style(style: &str) -> bool {
    let lower = style.to_ascii_lowercase();
    let allowed: HashSet<&str> = [
        "text-align",
        "width",
        "max-width",
        "height",
        "vertical-align",
    ]
    .into_iter()
    .collect();
    !lower.contains("url(")
        && !lower.contains("expression")
        && lower
            .split(';')
            .filter(|d| !d.trim().is_empty())
            .all(|declaration| {
                declaration
                    .split_once(':')
                    .is_some_and(|(name, _)| allowed.contains(name.trim()))
            })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(hosts: &[&str]) -> HtmlPolicy {
        HtmlPolicy::for_settings(&MarkdownSettings {
            unsafe_html: false,
            iframe_hosts: hosts.iter().map(|h| (*h).to_string()).collect(),
        })
        .unwrap_or_else(|| unreachable!("sanitising is the default"))
    }

    #[test]
    fn scripts_handlers_and_script_addresses_go() {
        let policy = policy(&[]);
        for (dirty, gone) in [
            ("<script>alert(1)</script><p>好</p>", "<script"),
            ("<p onclick=\"alert(1)\">点我</p>", "onclick"),
            ("<a href=\"javascript:alert(1)\">链接</a>", "javascript:"),
            ("<svg><script>alert(1)</script></svg>", "<svg"),
            ("<style>body{display:none}</style><p>x</p>", "<style"),
            ("<img src=x onerror=alert(1)>", "onerror"),
            ("<p style=\"position:fixed;top:0\">盖住</p>", "position"),
            ("<p style=\"background:url(x)\">x</p>", "url("),
        ] {
            let clean = policy.clean(dirty);
            assert!(!clean.contains(gone), "{dirty} → {clean}");
        }
    }

    #[test]
    fn what_writers_use_for_layout_stays() {
        let policy = policy(&["player.bilibili.com"]);
        for kept in [
            "<table><thead><tr><th style=\"text-align: center\">项目</th></tr></thead></table>",
            "第一行<br>第二行",
            "<details><summary>展开</summary>内容</details>",
            "<figure><img src=\"a.jpg\" alt=\"合影\"><figcaption>合影</figcaption></figure>",
            "<video controls=\"\" src=\"a.mp4\"></video>",
            "<iframe src=\"https://player.bilibili.com/player.html?bvid=1\"></iframe>",
            "<a href=\"tel:057188881234\">电话</a>",
        ] {
            assert_eq!(policy.clean(kept), kept);
        }
        let elsewhere = policy.clean("<iframe src=\"https://evil.example/x\"></iframe>");
        assert!(!elsewhere.contains("evil"), "{elsewhere}");
    }

    #[test]
    fn trusted_sites_keep_raw_html() {
        let settings = MarkdownSettings {
            unsafe_html: true,
            iframe_hosts: Vec::new(),
        };
        assert!(HtmlPolicy::for_settings(&settings).is_none());
    }
}
