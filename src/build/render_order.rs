//! Which files a build renders, and in what order.

use crate::build::state::State;
use crate::render::{self, Selection};

/// The files to render: all of them for a whole site, else those whose
/// signature moved.
pub(super) fn chosen_files<'s>(
    state: &State,
    selected: &'s [(Selection, u64)],
    whole: bool,
) -> Vec<&'s (Selection, u64)> {
    selected
        .iter()
        .filter(|(selection, signature)| {
            whole || state.signatures.get(&selection.output) != Some(signature)
        })
        .collect()
}

/// The order to render `chosen` in. A one-off build keeps nothing for a
/// next one: its files are rendered in [`render::card_order`], and each
/// card is dropped after the last file that shows it. Other builds keep
/// their cards, and their order.
pub(super) fn in_render_order<'s>(
    state: &mut State,
    mut chosen: Vec<&'s (Selection, u64)>,
    whole: bool,
) -> Vec<&'s (Selection, u64)> {
    if !whole || state.keep_memos {
        return chosen;
    }
    let order = render::card_order::CardOrder::new(&state.site);
    chosen.sort_by_cached_key(|(selection, _)| order.key(selection));
    let shown = chosen
        .iter()
        .flat_map(|(selection, _)| selection.pages_shown());
    state.shared.count_uses(shown);
    chosen
}
