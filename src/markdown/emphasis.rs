//! Emphasis (`*`, `_`, `~~`) resolved again over pulldown-cmark's events,
//! with the CJK-friendly amendment to CommonMark's flanking rules
//! (`tats-u/markdown-cjk-friendly`, specification.md): `**注意：**本周六`
//! and `**[链接](url)**也` are strong, as a Chinese writer means them,
//! while every CommonMark example keeps its meaning.
//!
//! pulldown-cmark (0.13) parses everything else: code spans, links,
//! autolinks and raw HTML, which take precedence over emphasis. Its own
//! emphasis is undone back into delimiter runs (their source offsets come
//! with the events), and literal `*`, `_` and `~` of text written as it is
//! in the source join them (escaped or entity-written ones never do). Then
//! CommonMark's "process emphasis" runs over each inline run, a link's or
//! image's text being a scope of its own, with the amended flanking rules
//! deciding which runs may open and close. It is linear: openers are found
//! through a linked list and a bottom per delimiter kind, as the spec
//! describes.

use std::collections::HashMap;
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use crate::markdown::cjk::{Before, is_cjk, is_non_cjk_punctuation, is_punctuation, is_whitespace};

/// An event with the byte range of the source it came from.
pub type Spanned<'a> = (Event<'a>, Range<usize>);

/// Emphasis, strong emphasis and strikethrough, resolved again.
pub fn apply<'a>(source: &'a str, events: Vec<Spanned<'a>>) -> Vec<Spanned<'a>> {
    if !source.contains(['*', '_', '~']) {
        return events;
    }
    let mut out = Vec::with_capacity(events.len());
    let mut run: Vec<Spanned<'a>> = Vec::new();
    let mut verbatim = 0usize;
    for (event, range) in events {
        match &event {
            Event::Start(Tag::CodeBlock(_) | Tag::HtmlBlock | Tag::MetadataBlock(_)) => {
                verbatim += 1;
            }
            Event::End(TagEnd::CodeBlock | TagEnd::HtmlBlock | TagEnd::MetadataBlock(_)) => {
                verbatim = verbatim.saturating_sub(1);
            }
            _ => {}
        }
        if verbatim == 0 && is_inline(&event) {
            run.push((event, range));
            continue;
        }
        flush(source, &mut run, &mut out);
        out.push((event, range));
    }
    flush(source, &mut run, &mut out);
    out
}

fn is_inline(event: &Event<'_>) -> bool {
    match event {
        Event::Text(_)
        | Event::Code(_)
        | Event::InlineHtml(_)
        | Event::InlineMath(_)
        | Event::SoftBreak
        | Event::HardBreak
        | Event::FootnoteReference(_)
        | Event::TaskListMarker(_) => true,
        Event::Start(tag) => matches!(
            tag,
            Tag::Emphasis
                | Tag::Strong
                | Tag::Strikethrough
                | Tag::Link { .. }
                | Tag::Image { .. }
                | Tag::Superscript
                | Tag::Subscript
        ),
        Event::End(tag) => matches!(
            tag,
            TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Link
                | TagEnd::Image
                | TagEnd::Superscript
                | TagEnd::Subscript
        ),
        _ => false,
    }
}

/// One piece of an inline run.
enum Piece<'a> {
    /// Text that stays as it is.
    Text(CowStr<'a>, Range<usize>),
    /// A delimiter run: `ch` repeated `len` times at source offset `start`.
    Delims { ch: char, len: usize, start: usize },
    /// A link's or image's start (opens a scope).
    Open(Spanned<'a>),
    /// Its end (closes the scope).
    Close(Spanned<'a>),
    /// Anything else, passed through (code spans, raw HTML, breaks).
    Other(Spanned<'a>),
}

fn flush<'a>(source: &'a str, run: &mut Vec<Spanned<'a>>, out: &mut Vec<Spanned<'a>>) {
    if run.is_empty() {
        return;
    }
    let events = std::mem::take(run);
    let pieces = pieces_of(source, events);
    if !pieces.iter().any(|p| matches!(p, Piece::Delims { .. })) {
        emit_plain(pieces, out);
        return;
    }
    let resolved = resolve(source, &pieces);
    emit(pieces, &resolved, out);
}

/// The run as pieces: pulldown-cmark's emphasis undone into delimiter
/// runs, literal delimiters of faithful text split out, neighbours joined.
fn pieces_of<'a>(source: &'a str, events: Vec<Spanned<'a>>) -> Vec<Piece<'a>> {
    let mut pieces: Vec<Piece<'a>> = Vec::with_capacity(events.len() * 2);
    for (event, range) in events {
        match event {
            Event::Start(tag @ (Tag::Emphasis | Tag::Strong | Tag::Strikethrough)) => {
                let (ch, len) =
                    delimiter_at(source, range.start, used_by(&tag, source, range.start));
                push_delims(&mut pieces, ch, len, range.start);
            }
            Event::End(tag @ (TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough)) => {
                let used = match tag {
                    TagEnd::Emphasis => 1,
                    TagEnd::Strong => 2,
                    _ => tildes_before(source, range.end),
                };
                let ch = source[..range.end].chars().next_back().unwrap_or('*');
                push_delims(&mut pieces, ch, used, range.end - used);
            }
            Event::Text(text) => push_text(&mut pieces, source, text, range),
            event @ Event::Start(Tag::Link { .. } | Tag::Image { .. }) => {
                pieces.push(Piece::Open((event, range)));
            }
            event @ Event::End(TagEnd::Link | TagEnd::Image) => {
                pieces.push(Piece::Close((event, range)))
            }
            other => pieces.push(Piece::Other((other, range))),
        }
    }
    pieces
}

/// How many delimiter characters pulldown-cmark used for an emphasis it
/// opened at `start`: one for emphasis, two for strong, the tildes of a
/// strikethrough (one or two).
fn used_by(tag: &Tag<'_>, source: &str, start: usize) -> usize {
    match tag {
        Tag::Emphasis => 1,
        Tag::Strong => 2,
        _ => source[start..]
            .chars()
            .take_while(|&c| c == '~')
            .count()
            .clamp(1, 2),
    }
}

fn tildes_before(source: &str, end: usize) -> usize {
    source[..end]
        .chars()
        .rev()
        .take_while(|&c| c == '~')
        .count()
        .clamp(1, 2)
}

fn delimiter_at(source: &str, start: usize, used: usize) -> (char, usize) {
    (source[start..].chars().next().unwrap_or('*'), used)
}

fn push_delims(pieces: &mut Vec<Piece<'_>>, ch: char, len: usize, start: usize) {
    if let Some(Piece::Delims {
        ch: last_ch,
        len: last_len,
        start: last_start,
    }) = pieces.last_mut()
        && *last_ch == ch
        && *last_start + *last_len == start
    {
        *last_len += len;
        return;
    }
    pieces.push(Piece::Delims { ch, len, start });
}

/// Text written in the source as it reads (no escape, no entity) has its
/// `*`, `_` and `~` split out as delimiter runs; other text stays whole.
fn push_text<'a>(
    pieces: &mut Vec<Piece<'a>>,
    source: &'a str,
    text: CowStr<'a>,
    range: Range<usize>,
) {
    let faithful = source.get(range.clone()) == Some(text.as_ref());
    if !faithful || !text.contains(['*', '_', '~']) {
        pieces.push(Piece::Text(text, range));
        return;
    }
    let base = range.start;
    // `\*`: pulldown-cmark gives the escaped character as text of its own,
    // without the backslash; it is never a delimiter.
    let backslashes = source[..base]
        .bytes()
        .rev()
        .take_while(|&b| b == b'\\')
        .count();
    let mut plain_from = 0;
    if backslashes % 2 == 1 {
        plain_from = text.chars().next().map_or(0, char::len_utf8);
        pieces.push(Piece::Text(
            CowStr::Borrowed(&source[base..base + plain_from]),
            base..base + plain_from,
        ));
    }
    let skip = plain_from;
    let mut chars = text
        .char_indices()
        .skip_while(|&(at, _)| at < skip)
        .peekable();
    while let Some((at, c)) = chars.next() {
        if !matches!(c, '*' | '_' | '~') {
            continue;
        }
        let mut len = 1;
        while chars.next_if(|&(_, next)| next == c).is_some() {
            len += 1;
        }
        if plain_from < at {
            pieces.push(Piece::Text(
                CowStr::Borrowed(&source[base + plain_from..base + at]),
                base + plain_from..base + at,
            ));
        }
        push_delims(pieces, c, len, base + at);
        plain_from = at + len;
    }
    if plain_from < text.len() {
        pieces.push(Piece::Text(
            CowStr::Borrowed(&source[base + plain_from..range.end]),
            base + plain_from..range.end,
        ));
    }
}

/// The kinds of emphasis a delimiter run closes (in order) and opens
/// (innermost first), and how many of its characters stay literal.
#[derive(Debug, Clone, Default)]
struct Outcome {
    closes: Vec<Kind>,
    opens: Vec<Kind>,
    literal: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Emphasis,
    Strong,
    Strikethrough,
}

/// A delimiter run on the stack.
struct Delim {
    piece: usize,
    ch: char,
    original: usize,
    remaining: usize,
    can_open: bool,
    can_close: bool,
    previous: Option<usize>,
    next: Option<usize>,
}

/// Runs "process emphasis" over every scope; the outcome of each
/// delimiter run, by piece index.
fn resolve(source: &str, pieces: &[Piece<'_>]) -> HashMap<usize, Outcome> {
    // Delimiter runs grouped by scope (a link's text is its own).
    let mut scopes: Vec<Vec<usize>> = vec![Vec::new()];
    let mut open_scopes: Vec<usize> = vec![0];
    for (index, piece) in pieces.iter().enumerate() {
        match piece {
            Piece::Open(_) => {
                scopes.push(Vec::new());
                open_scopes.push(scopes.len() - 1);
            }
            Piece::Close(_) if open_scopes.len() > 1 => {
                open_scopes.pop();
            }
            Piece::Delims { .. } => {
                let scope = open_scopes.last().copied().unwrap_or(0);
                scopes[scope].push(index);
            }
            _ => {}
        }
    }
    let mut outcomes = HashMap::new();
    for scope in scopes {
        process_scope(source, pieces, &scope, &mut outcomes);
    }
    outcomes
}

fn process_scope(
    source: &str,
    pieces: &[Piece<'_>],
    scope: &[usize],
    outcomes: &mut HashMap<usize, Outcome>,
) {
    let mut stack: Vec<Delim> = scope
        .iter()
        .enumerate()
        .filter_map(|(position, &piece)| {
            let Piece::Delims { ch, len, start } = pieces[piece] else {
                return None;
            };
            let (can_open, can_close) = abilities(source, ch, len, start);
            Some(Delim {
                piece,
                ch,
                original: len,
                remaining: len,
                can_open,
                can_close,
                previous: position.checked_sub(1),
                next: Some(position + 1).filter(|&n| n < scope.len()),
            })
        })
        .collect();
    for delim in &stack {
        outcomes.insert(delim.piece, Outcome::default());
    }
    // The lowest position worth searching for an opener, per kind of closer.
    let mut bottoms: HashMap<(char, bool, usize), Option<usize>> = HashMap::new();
    let mut closer = 0;
    while closer < stack.len() {
        if !stack[closer].can_close || stack[closer].remaining == 0 {
            closer += 1;
            continue;
        }
        let key = (
            stack[closer].ch,
            stack[closer].can_open,
            stack[closer].original % 3,
        );
        let bottom = bottoms.get(&key).copied().flatten();
        match find_opener(&stack, closer, bottom) {
            Some(opener) => {
                match_pair(&mut stack, opener, closer, outcomes);
                // Delimiters between the two can no longer match.
                stack[opener].next = Some(closer);
                stack[closer].previous = Some(opener);
                if stack[opener].remaining == 0 {
                    unlink(&mut stack, opener);
                }
                if stack[closer].remaining == 0 {
                    unlink(&mut stack, closer);
                    closer += 1;
                }
            }
            None => {
                bottoms.insert(key, stack[closer].previous);
                if !stack[closer].can_open {
                    // Neither a closer nor an opener: off the stack.
                    unlink(&mut stack, closer);
                }
                closer += 1;
            }
        }
    }
    for delim in &stack {
        if let Some(outcome) = outcomes.get_mut(&delim.piece) {
            outcome.literal = delim.remaining;
        }
    }
}

/// Takes delimiter `index` out of the chain, in constant time.
fn unlink(stack: &mut [Delim], index: usize) {
    let (previous, next) = (stack[index].previous, stack[index].next);
    if let Some(previous) = previous {
        stack[previous].next = next;
    }
    if let Some(next) = next {
        stack[next].previous = previous;
    }
}

fn find_opener(stack: &[Delim], closer: usize, bottom: Option<usize>) -> Option<usize> {
    let c = &stack[closer];
    let mut candidate = c.previous;
    while let Some(index) = candidate {
        if bottom.is_some_and(|b| index <= b) {
            return None;
        }
        let o = &stack[index];
        if o.ch == c.ch && o.can_open && o.remaining > 0 && compatible(o, c) {
            return Some(index);
        }
        candidate = o.previous;
    }
    None
}

/// CommonMark's "multiple of 3" rule for `*` and `_`; for `~`, equal runs
/// of one or two (GFM strikethrough as pulldown-cmark reads it).
fn compatible(opener: &Delim, closer: &Delim) -> bool {
    if opener.ch == '~' {
        return opener.remaining == closer.remaining && opener.remaining <= 2;
    }
    let both = opener.can_close || closer.can_open;
    let sum = opener.original + closer.original;
    !(both
        && sum.is_multiple_of(3)
        && !(opener.original.is_multiple_of(3) && closer.original.is_multiple_of(3)))
}

fn match_pair(
    stack: &mut [Delim],
    opener: usize,
    closer: usize,
    outcomes: &mut HashMap<usize, Outcome>,
) {
    let (kind, used) = if stack[opener].ch == '~' {
        (Kind::Strikethrough, stack[opener].remaining)
    } else if stack[opener].remaining >= 2 && stack[closer].remaining >= 2 {
        (Kind::Strong, 2)
    } else {
        (Kind::Emphasis, 1)
    };
    stack[opener].remaining -= used;
    stack[closer].remaining -= used;
    if let Some(outcome) = outcomes.get_mut(&stack[opener].piece) {
        outcome.opens.push(kind);
    }
    if let Some(outcome) = outcomes.get_mut(&stack[closer].piece) {
        outcome.closes.push(kind);
    }
}

/// Whether a run can open and close emphasis, by the amended rules.
fn abilities(source: &str, ch: char, len: usize, start: usize) -> (bool, bool) {
    let before = &source[..start];
    let mut back = before.chars().rev();
    let (last, second_last) = (back.next(), back.next());
    let next = source[start + len..].chars().next();
    let left = left_flanking(last, second_last, next);
    let right = right_flanking(last, second_last, next);
    match ch {
        '_' => {
            let punctuation_before = Before::is_punctuation(last, second_last);
            let punctuation_after = next.is_some_and(is_punctuation);
            (
                left && (!right || punctuation_before),
                right && (!left || punctuation_after),
            )
        }
        _ => (left, right),
    }
}

fn left_flanking(last: Option<char>, second_last: Option<char>, next: Option<char>) -> bool {
    let Some(next) = next.filter(|&c| !is_whitespace(c)) else {
        return false;
    };
    if !is_non_cjk_punctuation(next) {
        return true;
    }
    !matches!(Before::of(last, second_last), Before::Other)
}

fn right_flanking(last: Option<char>, second_last: Option<char>, next: Option<char>) -> bool {
    let before = Before::of(last, second_last);
    if before == Before::Space {
        return false;
    }
    if before != Before::NonCjkPunctuation {
        return true;
    }
    next.is_none_or(|c| is_whitespace(c) || is_non_cjk_punctuation(c) || is_cjk(c))
}

/// Writes the pieces back as events, emphasis where it was resolved.
fn emit<'a>(
    pieces: Vec<Piece<'a>>,
    outcomes: &HashMap<usize, Outcome>,
    out: &mut Vec<Spanned<'a>>,
) {
    for (index, piece) in pieces.into_iter().enumerate() {
        match piece {
            Piece::Delims { ch, len, start } => {
                let outcome = outcomes.get(&index).cloned().unwrap_or(Outcome {
                    literal: len,
                    ..Outcome::default()
                });
                let range = start..start + len;
                for kind in &outcome.closes {
                    out.push((Event::End(end_tag(*kind)), range.clone()));
                }
                if outcome.literal > 0 {
                    let text = ch.to_string().repeat(outcome.literal);
                    push_merged(out, CowStr::from(text), range.clone());
                }
                for kind in outcome.opens.iter().rev() {
                    out.push((Event::Start(start_tag(*kind)), range.clone()));
                }
            }
            Piece::Text(text, range) => push_merged(out, text, range),
            Piece::Open(spanned) | Piece::Close(spanned) | Piece::Other(spanned) => {
                out.push(spanned)
            }
        }
    }
}

fn emit_plain<'a>(pieces: Vec<Piece<'a>>, out: &mut Vec<Spanned<'a>>) {
    for piece in pieces {
        match piece {
            Piece::Text(text, range) => push_merged(out, text, range),
            Piece::Open(spanned) | Piece::Close(spanned) | Piece::Other(spanned) => {
                out.push(spanned)
            }
            Piece::Delims { .. } => {}
        }
    }
}

/// Text joins the text before it, as pulldown-cmark would have given it.
fn push_merged<'a>(out: &mut Vec<Spanned<'a>>, text: CowStr<'a>, range: Range<usize>) {
    if let Some((Event::Text(previous), previous_range)) = out.last_mut() {
        let joined = format!("{previous}{text}");
        *previous = CowStr::from(joined);
        previous_range.end = range.end.max(previous_range.end);
        return;
    }
    out.push((Event::Text(text), range));
}

fn start_tag(kind: Kind) -> Tag<'static> {
    match kind {
        Kind::Emphasis => Tag::Emphasis,
        Kind::Strong => Tag::Strong,
        Kind::Strikethrough => Tag::Strikethrough,
    }
}

fn end_tag(kind: Kind) -> TagEnd {
    match kind {
        Kind::Emphasis => TagEnd::Emphasis,
        Kind::Strong => TagEnd::Strong,
        Kind::Strikethrough => TagEnd::Strikethrough,
    }
}
