//! Which processed photos a rendered file refers to: what it uses is what
//! its HTML names under `processed_images/`, whatever asked for it.

use crate::images::OUTPUT_DIR;

/// The names of processed photos an HTML file refers to
/// (`…/processed_images/NAME`), in order of appearance, repeats included.
pub fn referenced_outputs(html: &[u8]) -> Vec<String> {
    let marker = format!("{OUTPUT_DIR}/");
    memchr::memmem::find_iter(html, marker.as_bytes())
        .filter_map(|at| {
            let rest = &html[at + marker.len()..];
            let len = rest
                .iter()
                .position(|&b| !is_output_name_byte(b))
                .unwrap_or(rest.len());
            std::str::from_utf8(&rest[..len])
                .ok()
                .filter(|name| !name.is_empty())
                .map(str::to_string)
        })
        .collect()
}

/// Output names are `slug.hash.WxH.ext`: ASCII letters, digits, `-`, `.`.
fn is_output_name_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'.' || byte == b'_'
}
