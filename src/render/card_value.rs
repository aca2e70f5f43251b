//! A page's card as a template value, made in one pass.
//!
//! A district's site makes one card per page on every build. Made the
//! obvious way (the front matter into a map, linju's fields inserted,
//! the map copied into a value) each card's map was built twice and
//! grown once. Here the front matter's fields and linju's are serialised
//! into one map of the right size. A card's hash is taken from the same
//! [`CardSource`] (`render::context::page_card_hash`), without the map.

use serde::ser::{self, Serialize, SerializeStruct, Serializer};

use tera::value::Key;

use crate::content::frontmatter::PageFrontMatter;

/// Everything one card is made of, in the order templates see its keys:
/// the front matter's fields, then linju's (`before`, the shared section,
/// community and tags values, `after`). A key written twice keeps its
/// first place and takes its last value.
pub(super) struct CardSource<'a> {
    pub(super) meta: &'a PageFrontMatter,
    pub(super) before: Vec<(&'static str, serde_json::Value)>,
    /// Values shared with other cards: serialising a template value into
    /// a template value clones it, which shares it.
    pub(super) shared: [(&'static str, tera::Value); 3],
    pub(super) after: Vec<(&'static str, serde_json::Value)>,
    /// Room to make for its keys: the number of keys of the cards made
    /// before it, or 0 to let the map grow.
    pub(super) capacity: usize,
}

impl Serialize for CardSource<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // Never 0: a card has fields, and JSON (which hashes it) writes a
        // struct of no fields as `{}` at once.
        let mut card = serializer.serialize_struct("Card", self.capacity.max(1))?;
        self.meta.serialize(FieldsInto(&mut card))?;
        for (key, value) in &self.before {
            card.serialize_field(key, value)?;
        }
        for (key, value) in &self.shared {
            card.serialize_field(key, value)?;
        }
        for (key, value) in &self.after {
            card.serialize_field(key, value)?;
        }
        card.end()
    }
}

/// The card `source` describes, as a template value.
pub(super) fn card_value(source: &CardSource) -> tera::Value {
    // Serialising plain data into a template value cannot fail.
    tera::Value::try_from_serializable(source).unwrap_or_else(|_| tera::Value::none())
}

/// `card` with `more` fields after its own (a field it has keeps its
/// place and takes the new value), made at its final size in one pass; the
/// card's values are shared, not copied. A page's own template gets its
/// card this way, with its body.
pub(super) fn with_fields(
    card: &tera::Value,
    more: Vec<(&'static str, tera::Value)>,
) -> tera::Value {
    let map = card.as_map();
    match map.filter(|map| map.keys().all(|key| matches!(key, Key::Str(_)))) {
        Some(card) => tera::Value::try_from_serializable(&Extended { card, more: &more })
            .unwrap_or_else(|_| tera::Value::none()),
        // Only a card's field names are keys; anything else goes the long way.
        None => {
            let mut copy = map.cloned().unwrap_or_default();
            for (key, value) in more {
                copy.insert(Key::Str(key), value);
            }
            tera::Value::from(copy)
        }
    }
}

/// A card's fields, then more.
struct Extended<'a> {
    card: &'a tera::value::Map,
    more: &'a [(&'static str, tera::Value)],
}

impl Serialize for Extended<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut page = serializer.serialize_struct("Page", self.card.len() + self.more.len())?;
        for (key, value) in self.card {
            if let Key::Str(name) = key {
                page.serialize_field(name, value)?;
            }
        }
        for (key, value) in self.more {
            page.serialize_field(key, value)?;
        }
        page.end()
    }
}

/// A serializer that takes a struct's fields into another struct being
/// serialised: the card gets its front matter's fields in their order,
/// with no map made for them alone. Anything but a struct is an error
/// (the front matter is one).
struct FieldsInto<'a, S>(&'a mut S);

/// The error for anything but a struct.
fn not_a_struct<E: ser::Error>() -> E {
    E::custom("the front matter serialises as a struct")
}

/// The serializer methods a struct never calls: each one an error.
macro_rules! not_a_struct {
    ($($method:ident($($arg:ty),*) -> $out:ty;)*) => {
        $(fn $method(self, $(_: $arg),*) -> Result<$out, Self::Error> {
            Err(not_a_struct())
        })*
    };
}

impl<'a, S: SerializeStruct> Serializer for FieldsInto<'a, S> {
    type Ok = ();
    type Error = S::Error;
    type SerializeSeq = ser::Impossible<(), S::Error>;
    type SerializeTuple = ser::Impossible<(), S::Error>;
    type SerializeTupleStruct = ser::Impossible<(), S::Error>;
    type SerializeTupleVariant = ser::Impossible<(), S::Error>;
    type SerializeMap = ser::Impossible<(), S::Error>;
    type SerializeStruct = Self;
    type SerializeStructVariant = ser::Impossible<(), S::Error>;

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, Self::Error> {
        Ok(self)
    }

    not_a_struct! {
        serialize_bool(bool) -> ();
        serialize_i8(i8) -> ();
        serialize_i16(i16) -> ();
        serialize_i32(i32) -> ();
        serialize_i64(i64) -> ();
        serialize_u8(u8) -> ();
        serialize_u16(u16) -> ();
        serialize_u32(u32) -> ();
        serialize_u64(u64) -> ();
        serialize_f32(f32) -> ();
        serialize_f64(f64) -> ();
        serialize_char(char) -> ();
        serialize_str(&str) -> ();
        serialize_bytes(&[u8]) -> ();
        serialize_none() -> ();
        serialize_unit() -> ();
        serialize_unit_struct(&'static str) -> ();
        serialize_unit_variant(&'static str, u32, &'static str) -> ();
        serialize_seq(Option<usize>) -> Self::SerializeSeq;
        serialize_tuple(usize) -> Self::SerializeTuple;
        serialize_tuple_struct(&'static str, usize) -> Self::SerializeTupleStruct;
        serialize_tuple_variant(&'static str, u32, &'static str, usize) -> Self::SerializeTupleVariant;
        serialize_map(Option<usize>) -> Self::SerializeMap;
        serialize_struct_variant(&'static str, u32, &'static str, usize) -> Self::SerializeStructVariant;
    }

    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<(), Self::Error> {
        Err(not_a_struct())
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: &T,
    ) -> Result<(), Self::Error> {
        Err(not_a_struct())
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), Self::Error> {
        Err(not_a_struct())
    }
}

impl<S: SerializeStruct> SerializeStruct for FieldsInto<'_, S> {
    type Ok = ();
    type Error = S::Error;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Self::Error> {
        self.0.serialize_field(key, value)
    }

    fn skip_field(&mut self, key: &'static str) -> Result<(), Self::Error> {
        self.0.skip_field(key)
    }

    fn end(self) -> Result<(), Self::Error> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash::hash_json;
    use serde_json::json;

    fn keys(value: &tera::Value) -> Vec<String> {
        let map = value.as_map().expect("a card is a map");
        map.keys().map(ToString::to_string).collect()
    }

    #[test]
    fn a_card_has_the_front_matter_keys_first_then_linjus_and_a_repeated_key_keeps_its_place() {
        let meta = PageFrontMatter {
            title: Some("写在文件里的标题".into()),
            motto: Some("邻里守望".into()),
            ..Default::default()
        };
        let source = CardSource {
            meta: &meta,
            before: vec![("title", json!("linju 的标题")), ("url", json!("/a/"))],
            shared: [
                ("section", tera::Value::from("栏目")),
                ("community", tera::Value::none()),
                ("tags", tera::Value::from(Vec::<tera::Value>::new())),
            ],
            after: vec![("expired", json!(false))],
            capacity: 0,
        };
        let card = card_value(&source);
        let names = keys(&card);
        let front_matter = keys(&tera::Value::from_serializable(&meta));
        assert_eq!(names[..front_matter.len()], front_matter[..]);
        assert_eq!(names[0], "title");
        assert_eq!(&names[front_matter.len()..], ["url", "section", "expired"]);
        let map = card.as_map().expect("a card is a map");
        let field = |name: &str| {
            map.iter()
                .find(|(k, _)| k.as_str() == Some(name))
                .map(|(_, v)| v.clone())
        };
        assert_eq!(
            field("title")
                .and_then(|v| v.as_str().map(str::to_string))
                .as_deref(),
            Some("linju 的标题")
        );
        assert_eq!(
            field("motto")
                .and_then(|v| v.as_str().map(str::to_string))
                .as_deref(),
            Some("邻里守望")
        );
        assert!(field("community").is_some_and(|v| v.is_none()));
    }

    fn page_of(card: &tera::Value) -> tera::Value {
        let own = vec![
            ("content", tera::Value::from("<p>正文</p>")),
            ("toc", tera::Value::from(Vec::<tera::Value>::new())),
        ];
        with_fields(card, own)
    }

    fn text_of(value: &tera::Value, name: &str) -> Option<String> {
        let map = value.as_map()?;
        let (_, found) = map.iter().find(|(k, _)| k.as_str() == Some(name))?;
        found.as_str().map(str::to_string)
    }

    #[test]
    fn a_page_value_is_its_card_then_its_own_fields() {
        #[derive(serde::Serialize)]
        struct Card {
            title: &'static str,
            content: &'static str,
            url: &'static str,
        }
        let card = tera::Value::from_serializable(&Card {
            title: "议事会",
            content: "旧",
            url: "/a/",
        });
        let page = page_of(&card);
        assert_eq!(keys(&page), ["title", "content", "url", "toc"]);
        assert_eq!(text_of(&page, "content").as_deref(), Some("<p>正文</p>"));
        assert_eq!(text_of(&page, "title").as_deref(), Some("议事会"));
        // A map with other keys than field names goes the long way, to the same result.
        let other = tera::Value::from_serializable(&json!({"title": "议事会", "url": "/a/"}));
        let page = page_of(&other);
        assert_eq!(keys(&page), ["title", "url", "content", "toc"]);
        assert_eq!(text_of(&page, "content").as_deref(), Some("<p>正文</p>"));
    }

    #[test]
    fn a_card_hashes_as_what_it_is_made_of() {
        // Cards are hashed from their source, never made for it: equal
        // sources hash equal, and any change to a field, a field's name or
        // kind, or a shared value moves the hash.
        let meta = PageFrontMatter::default();
        let source = |before: Vec<(&'static str, serde_json::Value)>, section: &str| CardSource {
            meta: &meta,
            before,
            shared: [
                ("section", tera::Value::from(section)),
                ("community", tera::Value::none()),
                ("tags", tera::Value::from(Vec::<tera::Value>::new())),
            ],
            after: vec![("expired", json!(false))],
            capacity: 0,
        };
        let card = vec![("title", json!("议事会")), ("participants", json!(40))];
        let hash = hash_json(&source(card.clone(), "栏目"));
        assert_eq!(hash, hash_json(&source(card, "栏目")));
        for other in [
            vec![("title", json!("议事会")), ("participants", json!(41))],
            vec![("title", json!("议事会")), ("participants", json!("40"))],
            vec![("title", json!("议事")), ("participants", json!(40))],
            vec![("name", json!("议事会")), ("participants", json!(40))],
            vec![("title", json!("议事会")), ("participants", json!(40.0))],
            vec![("title", json!("议事会"))],
        ] {
            assert_ne!(hash, hash_json(&source(other.clone(), "栏目")), "{other:?}");
        }
        let card = vec![("title", json!("议事会")), ("participants", json!(40))];
        assert_ne!(hash, hash_json(&source(card, "另一个栏目")));
    }
}
