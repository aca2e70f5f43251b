//! CJK-friendly emphasis on top of pulldown-cmark's event stream.
//!
//! CommonMark's flanking rule refuses `**注意：**本周六集合`: the closing `**`
//! sits between a full-width colon and a Han character, so it is not
//! "right-flanking" and the text stays literal. The CJK-friendly amendment
//! (merged upstream in pulldown-cmark, not yet released) fixes that. Until a
//! release carries it, this pass finds `*`/`**` pairs that the parser left
//! as literal text and turns them into emphasis. It only touches text whose
//! source bytes are exactly the text (so `\*` escapes stay literal) and
//! never text inside code blocks.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

/// An event with the byte range of the source it came from.
pub type Spanned<'a> = (Event<'a>, Range<usize>);

/// Applies CJK-friendly emphasis to literal `*` runs left in `events`.
pub fn apply<'a>(source: &'a str, events: Vec<Spanned<'a>>) -> Vec<Spanned<'a>> {
    if !source.contains('*') {
        return events;
    }
    let mut out = Vec::with_capacity(events.len());
    let mut run: Vec<Spanned<'a>> = Vec::new();
    let mut code_depth = 0usize;
    for (event, range) in events {
        match &event {
            Event::Start(Tag::CodeBlock(_)) => code_depth += 1,
            Event::End(TagEnd::CodeBlock) => code_depth = code_depth.saturating_sub(1),
            _ => {}
        }
        if code_depth == 0 && matches!(event, Event::Text(_)) {
            run.push((event, range));
            continue;
        }
        flush(source, &mut run, &mut out);
        out.push((event, range));
    }
    flush(source, &mut run, &mut out);
    out
}

fn flush<'a>(source: &'a str, run: &mut Vec<Spanned<'a>>, out: &mut Vec<Spanned<'a>>) {
    if run.is_empty() {
        return;
    }
    let pieces = std::mem::take(run);
    let joined: String = pieces.iter().map(|(event, _)| text_of(event)).collect();
    if !joined.contains('*') {
        out.extend(pieces);
        return;
    }
    let delimiters = literal_delimiters(source, &pieces);
    let pairs = pair_runs(&joined, &delimiters);
    if pairs.is_empty() {
        out.extend(pieces);
        return;
    }
    let start = pieces.first().map_or(0, |(_, r)| r.start);
    let end = pieces.last().map_or(0, |(_, r)| r.end);
    emit(&joined, &pairs, start..end, out);
}

fn text_of<'e>(event: &'e Event<'_>) -> &'e str {
    match event {
        Event::Text(text) => text,
        _ => "",
    }
}

/// Byte offsets in the joined text of `*` characters that were written as
/// plain, unescaped asterisks in the source.
fn literal_delimiters(source: &str, pieces: &[Spanned<'_>]) -> Vec<bool> {
    let mut literal = Vec::new();
    for (event, range) in pieces {
        let text = text_of(event);
        let faithful =
            source.get(range.clone()) == Some(text) && !source[..range.start].ends_with('\\');
        literal.extend(text.bytes().map(|b| faithful && b == b'*'));
    }
    literal
}

/// A matched pair: opener and closer byte offsets and the run length (1 or 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Pair {
    open: usize,
    close: usize,
    len: usize,
}

/// Finds `*x*` and `**x**` pairs among literal runs, left to right.
fn pair_runs(text: &str, literal: &[bool]) -> Vec<Pair> {
    let runs = delimiter_runs(text, literal);
    let mut pairs = Vec::new();
    let mut used_until = 0;
    for (i, &(open, len)) in runs.iter().enumerate() {
        if open < used_until || !can_open(text, open + len) {
            continue;
        }
        let closer = runs[i + 1..].iter().find(|&&(close, close_len)| {
            close_len == len && close > open + len && can_close(text, close)
        });
        if let Some(&(close, _)) = closer {
            pairs.push(Pair { open, close, len });
            used_until = close + len;
        }
    }
    pairs
}

/// Runs of one or two literal `*` as (offset, length).
fn delimiter_runs(text: &str, literal: &[bool]) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut runs = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if literal.get(i) == Some(&true) {
            let start = i;
            while literal.get(i) == Some(&true) {
                i += 1;
            }
            let len = i - start;
            if len <= 2 {
                runs.push((start, len));
            }
        } else {
            i += 1;
        }
    }
    runs
}

fn can_open(text: &str, after: usize) -> bool {
    text[after..]
        .chars()
        .next()
        .is_some_and(|c| !c.is_whitespace())
}

fn can_close(text: &str, before: usize) -> bool {
    text[..before]
        .chars()
        .next_back()
        .is_some_and(|c| !c.is_whitespace())
}

fn emit<'a>(text: &str, pairs: &[Pair], range: Range<usize>, out: &mut Vec<Spanned<'a>>) {
    let mut cursor = 0;
    for pair in pairs {
        push_text(&text[cursor..pair.open], &range, out);
        let (start, end) = if pair.len == 2 {
            (Tag::Strong, TagEnd::Strong)
        } else {
            (Tag::Emphasis, TagEnd::Emphasis)
        };
        out.push((Event::Start(start), range.clone()));
        push_text(&text[pair.open + pair.len..pair.close], &range, out);
        out.push((Event::End(end), range.clone()));
        cursor = pair.close + pair.len;
    }
    push_text(&text[cursor..], &range, out);
}

fn push_text<'a>(text: &str, range: &Range<usize>, out: &mut Vec<Spanned<'a>>) {
    if !text.is_empty() {
        out.push((Event::Text(CowStr::from(text.to_string())), range.clone()));
    }
}

#[cfg(test)]
mod tests {
    use pulldown_cmark::{Options, Parser, html};

    fn render(markdown: &str) -> String {
        let events = Parser::new_ext(markdown, Options::empty())
            .into_offset_iter()
            .collect();
        let fixed = super::apply(markdown, events);
        let mut out = String::new();
        html::push_html(&mut out, fixed.into_iter().map(|(event, _)| event));
        out
    }

    #[test]
    fn bolds_chinese_text_after_full_width_punctuation() {
        assert_eq!(
            render("**注意：**本周六上午九点集合"),
            "<p><strong>注意：</strong>本周六上午九点集合</p>\n"
        );
    }

    #[test]
    fn single_asterisks_make_emphasis() {
        assert_eq!(
            render("请带好*身份证：*原件"),
            "<p>请带好<em>身份证：</em>原件</p>\n"
        );
    }

    #[test]
    fn ordinary_emphasis_is_untouched() {
        assert_eq!(render("a **b** c"), "<p>a <strong>b</strong> c</p>\n");
    }

    #[test]
    fn escaped_asterisks_stay_literal() {
        assert_eq!(render(r"\*\*注意：\*\*本周"), "<p>**注意：**本周</p>\n");
    }

    #[test]
    fn code_blocks_are_left_alone() {
        assert_eq!(
            render("```\n**注意：**本周\n```\n"),
            "<pre><code>**注意：**本周\n</code></pre>\n"
        );
        assert_eq!(
            render("`**注意：**本`"),
            "<p><code>**注意：**本</code></p>\n"
        );
    }

    #[test]
    fn lone_asterisks_stay() {
        assert_eq!(render("面积 3 * 4 米"), "<p>面积 3 * 4 米</p>\n");
    }
}
