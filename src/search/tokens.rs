//! The one tokeniser of the search, used on pages here and mirrored line
//! for line by `search.js` on queries (a test runs both on the same text),
//! so an index and a query can never disagree about what a word is.
//!
//! Chinese has no spaces, and a segmenter guesses word boundaries: if it
//! guesses differently on a page and on a query, the page is not found
//! (Pagefind's issue #1237). Overlapping character pairs (bigrams) need no
//! guess: every run of Han characters is cut into all its pairs, and a
//! query of two or more characters is found wherever its pairs all occur.
//! Single characters are indexed only in titles and names, where a
//! one-character query ("王") makes sense and the lists stay short.
//!
//! Latin letters and digits form words; each word is indexed with all its
//! prefixes, so results come as the resident types. Digit groups written
//! apart (`0571-8600 0000`, `138 0013 8000`) and words joined by a hyphen
//! (`Wi-Fi`) are also indexed joined, from each group on, so a phone number
//! is found however it is typed.

/// The longest alphanumeric token (prefixes beyond this are not indexed;
/// queries are cut to it).
pub const MAX_WORD: usize = 24;

/// One piece of normalised text, owned (for tests).
#[cfg(test)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// A run of Han characters.
    Han(Vec<char>),
    /// Alphanumeric words joined by a hyphen (or, between digit groups, a
    /// space): `["0571", "8600", "0000"]`.
    Words(Vec<String>),
}

/// Full-width ASCII to half-width, the ideographic space to a space,
/// ASCII letters to lower case.
pub fn normalise_char(c: char) -> char {
    let c = match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    };
    c.to_ascii_lowercase()
}

/// Whether `c` is a Han character the tokeniser pairs (the BMP blocks
/// only, which is what JavaScript strings index one unit per character).
pub fn is_han(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}')
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit()
}

fn is_digits(word: &str) -> bool {
    word.bytes().all(|b| b.is_ascii_digit())
}

/// One piece of normalised text, borrowed from the tokeniser's buffers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PieceRef<'a> {
    /// A run of Han characters.
    Han(&'a [char]),
    /// Alphanumeric words joined by a hyphen (or, between digit groups, a
    /// space).
    Words(&'a [String]),
}

/// Cuts text into Han runs and joined word groups, in order.
#[cfg(test)]
pub fn pieces(text: &str) -> Vec<Piece> {
    let mut pieces = Vec::new();
    each_piece(text, |piece| {
        pieces.push(match piece {
            PieceRef::Han(run) => Piece::Han(run.to_vec()),
            PieceRef::Words(group) => Piece::Words(group.to_vec()),
        });
    });
    pieces
}

/// Calls `emit` with each piece of `text`, in order: what [`pieces`]
/// returns, without an allocation per piece (a page's body has
/// thousands).
pub fn each_piece(text: &str, mut emit: impl FnMut(PieceRef)) {
    let mut cut = Cutter::default();
    for c in text.chars().map(normalise_char) {
        cut.push(c, &mut emit);
    }
    if !cut.word.is_empty() {
        cut.words.push(std::mem::take(&mut cut.word));
    }
    cut.flush_words(&mut emit);
    cut.flush_han(&mut emit);
}

/// The state of [`each_piece`]: the Han run, the word group and the word
/// being read.
#[derive(Default)]
struct Cutter {
    han: Vec<char>,
    words: Vec<String>,
    word: String,
    /// The separator seen right after the last word, if it may join.
    gap: Option<char>,
}

impl Cutter {
    fn push(&mut self, c: char, emit: &mut impl FnMut(PieceRef)) {
        if is_word_char(c) {
            self.flush_han(emit);
            if self.word.is_empty() && !self.words.is_empty() {
                let joins = match self.gap {
                    Some('-') => true,
                    Some(' ') => {
                        self.words.last().is_some_and(|w| is_digits(w)) && c.is_ascii_digit()
                    }
                    _ => false,
                };
                if !joins {
                    self.flush_words(emit);
                }
            }
            self.gap = None;
            self.word.push(c);
            return;
        }
        if !self.word.is_empty() {
            self.words.push(std::mem::take(&mut self.word));
            self.gap = Some(c);
        } else if self.gap.is_some() {
            // A second separator in a row never joins.
            self.gap = Some('\0');
        }
        if is_han(c) {
            self.flush_words(emit);
            self.han.push(c);
        } else {
            self.flush_han(emit);
        }
    }

    fn flush_han(&mut self, emit: &mut impl FnMut(PieceRef)) {
        if !self.han.is_empty() {
            emit(PieceRef::Han(&self.han));
            self.han.clear();
        }
    }

    fn flush_words(&mut self, emit: &mut impl FnMut(PieceRef)) {
        if !self.words.is_empty() {
            emit(PieceRef::Words(&self.words));
            self.words.clear();
        }
    }
}

/// Calls `emit` with every Han pair of `run` (as a key, see [`han_key`]).
pub fn han_pairs(run: &[char], mut emit: impl FnMut(u64)) {
    for pair in run.windows(2) {
        emit(han_key(pair[0], Some(pair[1])));
    }
}

/// A compact key for one or two Han characters (no allocation per token).
pub fn han_key(first: char, second: Option<char>) -> u64 {
    ((first as u64) << 21) | second.map_or(0, |c| c as u64)
}

/// The text of a Han key.
pub fn han_key_text(key: u64) -> String {
    let first = char::from_u32((key >> 21) as u32).unwrap_or(' ');
    let second = char::from_u32((key & 0x1F_FFFF) as u32).filter(|_| key & 0x1F_FFFF != 0);
    std::iter::once(first).chain(second).collect()
}

/// Calls `emit` with every token of one word group: each word's prefixes
/// (from two characters; a one-character word as it is), and the group
/// joined from each word on, with the prefixes longer than that word.
pub fn word_tokens(words: &[String], mut emit: impl FnMut(&str)) {
    for (start, word) in words.iter().enumerate() {
        let joined: String = words[start..].concat();
        let first = if word.len() == 1 { 1 } else { 2 };
        let own = word.len().min(MAX_WORD);
        let longest = if start + 1 < words.len() {
            joined.len().min(MAX_WORD)
        } else {
            own
        };
        for end in first..=longest {
            emit(&joined[..end]);
        }
    }
}

/// The bucket (shard) a token's postings live in: FNV-1a over its UTF-16
/// units, the same in `search.js`.
pub fn bucket(token: &str, buckets: u32) -> u32 {
    let mut hash: u32 = 0x811C_9DC5;
    for unit in token.encode_utf16() {
        hash ^= u32::from(unit);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash % buckets.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn han(text: &str) -> Piece {
        Piece::Han(text.chars().collect())
    }

    fn words(list: &[&str]) -> Piece {
        Piece::Words(list.iter().map(|w| w.to_string()).collect())
    }

    fn tokens_of(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        for piece in pieces(text) {
            match piece {
                Piece::Han(run) => han_pairs(&run, |key| out.push(han_key_text(key))),
                Piece::Words(group) => word_tokens(&group, |t| out.push(t.to_string())),
            }
        }
        out
    }

    #[test]
    fn han_runs_become_overlapping_pairs() {
        assert_eq!(tokens_of("充电桩安装"), ["充电", "电桩", "桩安", "安装"]);
        assert_eq!(
            tokens_of("法律诊所，每周三"),
            ["法律", "律诊", "诊所", "每周", "周三"]
        );
    }

    #[test]
    fn punctuation_and_latin_break_han_runs() {
        assert_eq!(
            pieces("张桂兰：3号楼"),
            [han("张桂兰"), words(&["3"]), han("号楼")]
        );
    }

    #[test]
    fn full_width_letters_and_digits_are_ascii() {
        assert_eq!(
            pieces("ＷｉＦｉ　１２３"),
            [words(&["wifi"]), words(&["123"])]
        );
    }

    #[test]
    fn phone_numbers_are_found_however_they_are_typed() {
        assert_eq!(
            pieces("电话0571-8600 0000。"),
            [han("电话"), words(&["0571", "8600", "0000"])]
        );
        let tokens = tokens_of("0571-8600 0000");
        for typed in ["0571", "057186000000", "86000000", "8600", "860000", "0000"] {
            assert!(tokens.iter().any(|t| t == typed), "{typed} in {tokens:?}");
        }
    }

    #[test]
    fn latin_words_apart_by_a_space_stay_apart() {
        assert_eq!(
            pieces("Wi-Fi free 2 go"),
            [
                words(&["wi", "fi"]),
                words(&["free"]),
                words(&["2"]),
                words(&["go"])
            ]
        );
        assert_eq!(tokens_of("Wi-Fi"), ["wi", "wif", "wifi", "fi"]);
    }

    #[test]
    fn two_separators_never_join() {
        assert_eq!(pieces("12 - 34"), [words(&["12"]), words(&["34"])]);
    }

    #[test]
    fn buckets_are_stable() {
        // The same figures are asserted in search.js's parity test.
        assert_eq!(bucket("充电", 1 << 20), bucket("充电", 1 << 20));
        assert_eq!(bucket("", 7), 0x811C_9DC5 % 7);
        assert!(bucket("wifi", 16) < 16);
    }
}
