//! The values many cards share, made once: a page's section, community
//! and tags are one template value for every card that has them (cloning
//! a template value shares it), not a copy in each of a district's 100,000
//! cards, nor a slug made again for each.

use std::sync::atomic::{AtomicUsize, Ordering};

use rustc_hash::FxHashMap;
use serde_json::{Value, json};

use crate::content::site::Site;

/// The section, community and tag values of a site's cards.
#[derive(Default, Debug)]
pub struct CardRefs {
    sections: Vec<tera::Value>,
    communities: FxHashMap<usize, tera::Value>,
    tags: FxHashMap<String, tera::Value>,
    /// How many keys the last card made had: every card has the same
    /// keys, so each card's map is made at its final size at once (a map
    /// grown to fit holds up to twice the room, for 100,000 cards).
    card_len: AtomicUsize,
}

impl CardRefs {
    /// Every value the cards of `site` refer to.
    pub fn new(site: &Site) -> CardRefs {
        let mut tags: FxHashMap<String, tera::Value> = FxHashMap::default();
        for tag in site.pages.iter().flat_map(|p| p.meta.tags.iter()) {
            if !tags.contains_key(tag.as_str()) {
                tags.insert(tag.clone(), tag_ref(site, tag));
            }
        }
        CardRefs {
            sections: (0..site.sections.len())
                .map(|i| section_ref(site, i))
                .collect(),
            communities: site
                .communities
                .iter()
                .map(|&i| (i, community_ref(site, i)))
                .collect(),
            tags,
            card_len: AtomicUsize::new(0),
        }
    }

    /// The room to make in a new card's map (0 before the first card).
    pub fn card_capacity(&self) -> usize {
        self.card_len.load(Ordering::Relaxed)
    }

    /// Notes the number of keys of a card just made.
    pub fn made_card(&self, len: usize) {
        self.card_len.store(len, Ordering::Relaxed);
    }

    /// Section `index`'s value in a card: its title and address.
    pub fn section(&self, site: &Site, index: usize) -> tera::Value {
        match self.sections.get(index) {
            Some(value) => value.clone(),
            None => section_ref(site, index),
        }
    }

    /// The value of the community page `community`, or none.
    pub fn community(&self, site: &Site, community: Option<usize>) -> tera::Value {
        let Some(index) = community else {
            return tera::Value::none();
        };
        match self.communities.get(&index) {
            Some(value) => value.clone(),
            None => community_ref(site, index),
        }
    }

    /// The values of `tags`, in their order.
    pub fn tags(&self, site: &Site, tags: &[String]) -> tera::Value {
        let values: Vec<tera::Value> = tags
            .iter()
            .map(|tag| match self.tags.get(tag.as_str()) {
                Some(value) => value.clone(),
                None => tag_ref(site, tag),
            })
            .collect();
        tera::Value::from(values)
    }
}

fn section_ref(site: &Site, index: usize) -> tera::Value {
    template_value(&section_json(site, index))
}

fn community_ref(site: &Site, index: usize) -> tera::Value {
    template_value(&community_json(site, Some(index)))
}

fn tag_ref(site: &Site, tag: &str) -> tera::Value {
    template_value(&tag_json(site, tag))
}

/// Section `index` as a card shows it, as JSON.
pub fn section_json(site: &Site, index: usize) -> Value {
    let section = &site.sections[index];
    let url = site.config.url_path(&section.path);
    json!({"title": section.title, "url": url})
}

/// The community page `community` as a card shows it, as JSON.
pub fn community_json(site: &Site, community: Option<usize>) -> Value {
    community.map_or(Value::Null, |index| {
        let page = &site.pages[index];
        let url = site.config.url_path(&page.path);
        json!({"title": page.title, "slug": page.slug, "url": url})
    })
}

/// A tag as a card shows it, as JSON.
pub fn tag_json(site: &Site, tag: &str) -> Value {
    let slug = crate::slugs::slugify(tag);
    let url = site.config.url_path(&format!("tags/{slug}/"));
    json!({"name": tag, "slug": slug, "url": url})
}

/// The template value of a JSON object, as a card's other fields are made.
fn template_value(value: &Value) -> tera::Value {
    tera::Value::from_serializable(value)
}
