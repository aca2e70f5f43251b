//! "Did you mean" hints: the closest known name to a misspelt one.

use crate::lang::{Text, tr};

/// The candidate closest to `unknown`, if any is close enough to be a typo.
pub fn closest<'a>(
    unknown: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let unknown_lower = unknown.to_lowercase();
    candidates
        .into_iter()
        .map(|candidate| {
            let score = strsim::jaro_winkler(&unknown_lower, &candidate.to_lowercase());
            (score, candidate)
        })
        .filter(|(score, _)| *score >= 0.75)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate)
}

/// A hint sentence: `did you mean `x`?` or a list of what is allowed.
pub fn did_you_mean(unknown: &str, candidates: &[&str]) -> Text {
    match closest(unknown, candidates.iter().copied()) {
        Some(best) => tr!("是不是想写 `{best}`？", "did you mean `{best}`?"),
        None => {
            let allowed = candidates.join(", ");
            tr!("这里可以写：{allowed}", "allowed here: {allowed}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_a_typo() {
        assert_eq!(closest("titel", ["title", "date", "tags"]), Some("title"));
        assert_eq!(closest("persn", ["person", "honors"]), Some("person"));
    }

    #[test]
    fn ignores_unrelated_names() {
        assert_eq!(closest("zzz", ["title", "date"]), None);
        assert!(did_you_mean("zzz", &["title", "date"]).contains("title, date"));
    }
}
