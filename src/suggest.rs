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
            let glossed = candidates
                .iter()
                .map(|name| match gloss(name) {
                    Some(chinese) => format!("{name}（{chinese}）"),
                    None => (*name).to_string(),
                })
                .collect::<Vec<_>>()
                .join("、");
            tr!("这里可以写：{glossed}", "allowed here: {allowed}")
        }
    }
}

/// What an English value of a closed list means, for the Chinese hint.
fn gloss(name: &str) -> Option<&'static str> {
    Some(match name {
        "council" => "议事会",
        "culture" => "文化活动",
        "volunteer" => "志愿服务",
        "service" => "便民服务",
        "other" => "其他",
        "landscape" => "横屏",
        "portrait" => "竖屏",
        "fit" => "缩放到框内",
        "fill" => "裁剪填满",
        _ => return None,
    })
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

    #[test]
    fn closed_lists_say_what_each_value_means_in_chinese() {
        let hint = did_you_mean("会议", &["council", "culture", "other"]);
        assert_eq!(
            hint.zh,
            "这里可以写：council（议事会）、culture（文化活动）、other（其他）"
        );
        assert_eq!(hint.en, "allowed here: council, culture, other");
    }
}
