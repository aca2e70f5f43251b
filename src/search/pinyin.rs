//! Pinyin tokens for titles and names: many older residents type pinyin
//! without picking characters (`zhangguilan`), or only initials (`zgl`).
//!
//! Each pair of neighbouring Han characters in a title or name is indexed
//! as `~` + the first syllable + every prefix of the second (`~zhangg`,
//! `~zhanggu`, `~zhanggui`), so a query cut into syllables finds the page
//! before the last syllable is complete. Names (a striver's, a family's,
//! its members') are also indexed by pairs of initials (`^zg`, `^gl`).
//! Readings come from `deunicode` (already in the build through `slug`):
//! one reading per character, so a surname read unusually (单 as Shàn) is
//! found by its common reading.

use std::collections::BTreeSet;

use crate::search::tokens::is_han;

/// The marker of full-pinyin tokens.
pub const FULL: char = '~';
/// The marker of initials tokens.
pub const INITIALS: char = '^';

const INITIAL_PARTS: [&str; 24] = [
    "zh", "ch", "sh", "b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "h", "j", "q", "x", "r",
    "z", "c", "s", "y", "w", "",
];
const FINALS: [&str; 36] = [
    "a", "ai", "an", "ang", "ao", "e", "ei", "en", "eng", "er", "i", "ia", "ian", "iang", "iao",
    "ie", "in", "ing", "iong", "iu", "o", "ong", "ou", "u", "ua", "uai", "uan", "uang", "ue", "ui",
    "un", "uo", "v", "ve", "n", "ng",
];

/// Whether `text` has the shape of a Mandarin syllable (what `deunicode`
/// gives for characters without a Mandarin reading does not).
fn is_syllable(text: &str) -> bool {
    INITIAL_PARTS.iter().any(|initial| {
        text.strip_prefix(initial)
            .is_some_and(|rest| FINALS.contains(&rest))
    })
}

/// The toneless syllable of a Han character, lower case.
pub fn syllable(c: char) -> Option<String> {
    if !is_han(c) {
        return None;
    }
    let reading = deunicode::deunicode_char(c)?.trim().to_ascii_lowercase();
    is_syllable(&reading).then_some(reading)
}

/// Every syllable some character reads as: the table `search.js` cuts
/// typed pinyin with, so both sides know the same syllables.
pub fn all_syllables() -> BTreeSet<String> {
    ('\u{4E00}'..='\u{9FFF}').filter_map(syllable).collect()
}

/// Calls `emit` with the full-pinyin tokens of a Han run.
pub fn full_tokens(run: &[char], mut emit: impl FnMut(&str)) {
    let syllables: Vec<Option<String>> = run.iter().map(|&c| syllable(c)).collect();
    for pair in syllables.windows(2) {
        let (Some(first), Some(second)) = (&pair[0], &pair[1]) else {
            continue;
        };
        let mut token = String::with_capacity(1 + first.len() + second.len());
        token.push(FULL);
        token.push_str(first);
        for c in second.chars() {
            token.push(c);
            emit(&token);
        }
    }
}

/// Calls `emit` with the initials tokens of a Han run (a name).
pub fn initials_tokens(run: &[char], mut emit: impl FnMut(&str)) {
    let initials: Vec<Option<char>> = run
        .iter()
        .map(|&c| syllable(c).and_then(|s| s.chars().next()))
        .collect();
    for pair in initials.windows(2) {
        if let (Some(a), Some(b)) = (pair[0], pair[1]) {
            emit(&format!("{INITIALS}{a}{b}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tokeniser under test: a run of characters and where its tokens go.
    type Tokeniser = fn(&[char], &mut dyn FnMut(&str));

    fn collect(run: &str, f: Tokeniser) -> Vec<String> {
        let chars: Vec<char> = run.chars().collect();
        let mut out = Vec::new();
        f(&chars, &mut |t| out.push(t.to_string()));
        out
    }

    #[test]
    fn a_name_gets_pairs_of_syllables_with_every_prefix_of_the_second() {
        let tokens = collect("张桂兰", |r, e| full_tokens(r, e));
        assert_eq!(
            tokens,
            [
                "~zhangg",
                "~zhanggu",
                "~zhanggui",
                "~guil",
                "~guila",
                "~guilan"
            ]
        );
    }

    #[test]
    fn initials_pair_up() {
        assert_eq!(
            collect("张桂兰", |r, e| initials_tokens(r, e)),
            ["^zg", "^gl"]
        );
    }

    #[test]
    fn readings_are_mandarin_syllables() {
        assert_eq!(syllable('充').as_deref(), Some("chong"));
        assert_eq!(syllable('桩').as_deref(), Some("zhuang"));
        assert_eq!(syllable('a'), None);
        let all = all_syllables();
        assert!(
            all.len() > 380 && all.len() < 440,
            "{} syllables",
            all.len()
        );
        assert!(all.iter().all(|s| is_syllable(s)));
    }
}
