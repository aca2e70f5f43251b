//! A rendered body as bytes, so a one-off build can keep it for the next
//! (`content::bodies`, through `kept_bytes`): rendering every body again
//! was a seventh of a 10,000-page rebuild's CPU.
//!
//! Only a body that is a function of its text alone is kept: no `@/` link
//! (whose target may move) and no photo (which may change beside it).
//! The layout: the counts and hashes as little-endian `u64`s, each text
//! as its length and its UTF-8 bytes.

use crate::kept_bytes::ByteReader;
use crate::markdown::{Heading, Rendered};

/// The bytes of `rendered`, or `None` if it used photos (then it is not
/// a function of its text alone, and is not kept).
pub fn encode(rendered: &Rendered) -> Option<Vec<u8>> {
    if !rendered.images.is_empty() {
        return None;
    }
    let html = rendered.html.text();
    let mut out = Vec::with_capacity(html.len() + rendered.summary_html.len() + 64);
    for n in [
        rendered.html_hash,
        rendered.char_count as u64,
        rendered.reading_minutes as u64,
        rendered.toc.len() as u64,
    ] {
        out.extend_from_slice(&n.to_le_bytes());
    }
    for heading in &rendered.toc {
        out.push(heading.level);
        put_text(&mut out, &heading.id);
        put_text(&mut out, &heading.title);
    }
    put_text(&mut out, &rendered.summary_html);
    put_text(&mut out, &html);
    Some(out)
}

/// The body `bytes` (made by [`encode`]) hold; `None` if they are not
/// such bytes.
pub fn decode(bytes: &[u8]) -> Option<Rendered> {
    let mut reader = ByteReader::new(bytes);
    let html_hash = reader.u64()?;
    let char_count = usize::try_from(reader.u64()?).ok()?;
    let reading_minutes = usize::try_from(reader.u64()?).ok()?;
    let headings = usize::try_from(reader.u64()?).ok()?;
    let mut toc = Vec::with_capacity(headings.min(bytes.len()));
    for _ in 0..headings {
        let level = *reader.take(1)?.first()?;
        toc.push(Heading {
            level,
            id: text(&mut reader)?.to_string(),
            title: text(&mut reader)?.to_string(),
        });
    }
    let summary_html = text(&mut reader)?.to_string();
    let html = text(&mut reader)?;
    if !reader.is_done() || crate::hash::hash_bytes(html.as_bytes()) != html_hash {
        return None;
    }
    Some(Rendered {
        html: html.into(),
        html_hash,
        summary_html,
        toc,
        char_count,
        reading_minutes,
        images: Vec::new(),
    })
}

fn put_text(out: &mut Vec<u8>, text: &str) {
    out.extend_from_slice(&(text.len() as u64).to_le_bytes());
    out.extend_from_slice(text.as_bytes());
}

fn text<'a>(reader: &mut ByteReader<'a>) -> Option<&'a str> {
    let len = usize::try_from(reader.u64()?).ok()?;
    std::str::from_utf8(reader.take(len)?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::{LinkContext, render};

    fn rendered(body: &str) -> Rendered {
        let resolve = |_: &str| None;
        let context = LinkContext {
            path: std::path::Path::new("content/a.md"),
            body_line: 1,
            resolve: &resolve,
            relative_base: "/a/",
            images: None,
            html: None,
        };
        render(body, &context).unwrap()
    }

    #[test]
    fn a_body_comes_back_as_it_was_rendered() {
        let body = "# 议事会\n\n第一段，**重点**。\n\n<!-- more -->\n\n## 结果公开\n\n正文[链接](./a.pdf)。\n";
        let before = rendered(body);
        let bytes = encode(&before).unwrap();
        let after = decode(&bytes).unwrap();
        assert_eq!(after, before);
        assert_eq!(after.html.text(), before.html.text());
        assert_eq!(after.toc.len(), 2);
    }

    #[test]
    fn anything_else_is_refused_not_misread() {
        let bytes = encode(&rendered("第一段。\n\n## 小标题\n")).unwrap();
        for cut in 0..bytes.len() {
            assert!(decode(&bytes[..cut]).is_none(), "cut at {cut}");
        }
        let mut other_html = bytes.clone();
        let last = other_html.len() - 2;
        other_html[last] ^= 1;
        assert!(
            decode(&other_html).is_none(),
            "HTML that is not the hashed one"
        );
    }

    #[test]
    fn a_body_with_photos_is_not_kept() {
        let mut with_photo = rendered("照片见下。\n");
        with_photo.images.push("photos/a-800.webp".into());
        assert!(encode(&with_photo).is_none());
    }
}
