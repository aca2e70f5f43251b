//! Files published as they are (`static/`, a theme's files, a bundle's
//! attachments) that turn out to be photos, whatever their names
//! (`IMG_0001.jfif`, `photo.dat`): a phone writes where the photo was
//! taken into it, and a resident's home must never reach the site. JPEG,
//! PNG and WebP are published with every metadata block removed (the
//! pixels and colour profile untouched, nothing re-encoded); a TIFF, HEIC
//! or AVIF that carries a location or an owner is refused with its name.

use std::io::Read;
use std::path::Path;

use img_parts::jpeg::{Jpeg, markers};
use img_parts::png::Png;
use img_parts::webp::{CHUNK_EXIF, CHUNK_XMP, WebP};
use img_parts::{Bytes, ImageEXIF};

use crate::error::Error;
use crate::images::revealing_tags;
use crate::lang::tr;

/// What to publish for the file at `path`: `None` to copy it as it is,
/// `Some(bytes)` for a photo's bytes without metadata.
pub fn publishable_bytes(path: &Path) -> Result<Option<Vec<u8>>, Error> {
    let mut head = [0u8; 12];
    let read = std::fs::File::open(path)
        .and_then(|mut file| file.read(&mut head))
        .map_err(|e| Error::io(path, ("读取", "read"), &e))?;
    let head = &head[..read];
    let container = Container::sniff(head);
    if container == Container::NotAPhoto {
        return Ok(None);
    }
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, ("读取", "read"), &e))?;
    let stripped = match container {
        Container::Jpeg => strip_jpeg(bytes),
        Container::Png => strip_png(bytes),
        Container::WebP => strip_webp(bytes),
        Container::Other | Container::NotAPhoto => None,
    };
    if let Some(stripped) = stripped {
        return Ok(Some(stripped));
    }
    // A photo linju cannot strip (or a damaged one): published only if it
    // reveals nothing.
    let tags = revealing_tags(path);
    if tags.is_empty() {
        return Ok(None);
    }
    let tags = tags.join(", ");
    Err(Error::in_file(
        path,
        tr!(
            "这张图片带有拍摄位置或机主信息（{tags}），linju 不会原样发布它",
            "this image carries its location or owner ({tags}); linju will not publish it as it is"
        ),
    )
    .with_hint(tr!(
        "另存为 JPEG 或 PNG（linju 会去掉这些信息），或用“删除位置信息”另存一份再替换",
        "save it as a JPEG or PNG (linju removes the tags from those), or save a copy without location and replace it"
    )))
}

/// A photo's bytes without metadata, or `None` when they are not a JPEG,
/// PNG or WebP that can be read.
pub fn strip_bytes(bytes: Vec<u8>) -> Option<Vec<u8>> {
    match Container::sniff(&bytes) {
        Container::Jpeg => strip_jpeg(bytes),
        Container::Png => strip_png(bytes),
        Container::WebP => strip_webp(bytes),
        Container::Other | Container::NotAPhoto => None,
    }
}

/// The kind of image a file's first bytes announce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Container {
    Jpeg,
    Png,
    WebP,
    /// TIFF, HEIC/HEIF, AVIF: can carry EXIF, not stripped here.
    Other,
    NotAPhoto,
}

impl Container {
    fn sniff(head: &[u8]) -> Container {
        match head {
            [0xFF, 0xD8, 0xFF, ..] => Container::Jpeg,
            [0x89, b'P', b'N', b'G', ..] => Container::Png,
            [
                b'R',
                b'I',
                b'F',
                b'F',
                _,
                _,
                _,
                _,
                b'W',
                b'E',
                b'B',
                b'P',
                ..,
            ] => Container::WebP,
            [b'I', b'I', 0x2A, 0x00, ..] | [b'M', b'M', 0x00, 0x2A, ..] => Container::Other,
            [_, _, _, _, b'f', b't', b'y', b'p', ..] => Container::Other,
            _ => Container::NotAPhoto,
        }
    }
}

/// Every APPn segment but JFIF (APP0), the colour profile (APP2) and
/// Adobe's colour transform (APP14), and every comment.
fn strip_jpeg(bytes: Vec<u8>) -> Option<Vec<u8>> {
    let mut jpeg = Jpeg::from_bytes(Bytes::from(bytes)).ok()?;
    jpeg.segments_mut().retain(|segment| {
        let marker = segment.marker();
        let kept_app = matches!(marker, markers::APP0 | markers::APP2 | markers::APP14);
        let is_app = (markers::APP0..=markers::APP15).contains(&marker);
        (!is_app || kept_app) && marker != markers::COM
    });
    Some(jpeg.encoder().bytes().to_vec())
}

/// Text, EXIF and time chunks out; pixels, palette and colour kept.
fn strip_png(bytes: Vec<u8>) -> Option<Vec<u8>> {
    let mut png = Png::from_bytes(Bytes::from(bytes)).ok()?;
    for kind in [*b"eXIf", *b"tEXt", *b"zTXt", *b"iTXt", *b"tIME"] {
        png.remove_chunks_by_type(kind);
    }
    Some(png.encoder().bytes().to_vec())
}

fn strip_webp(bytes: Vec<u8>) -> Option<Vec<u8>> {
    let mut webp = WebP::from_bytes(Bytes::from(bytes)).ok()?;
    webp.set_exif(None);
    webp.remove_chunks_by_id(CHUNK_EXIF);
    webp.remove_chunks_by_id(CHUNK_XMP);
    Some(webp.encoder().bytes().to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn photos_are_known_by_their_bytes_not_their_names() {
        assert_eq!(Container::sniff(&[0xFF, 0xD8, 0xFF, 0xE1]), Container::Jpeg);
        assert_eq!(Container::sniff(b"\x89PNG\r\n\x1a\n"), Container::Png);
        assert_eq!(Container::sniff(b"RIFF\0\0\0\0WEBPVP8 "), Container::WebP);
        assert_eq!(Container::sniff(b"\0\0\0\x18ftypheic"), Container::Other);
        assert_eq!(Container::sniff(b"%PDF-1.7"), Container::NotAPhoto);
        assert_eq!(Container::sniff(b""), Container::NotAPhoto);
    }
}
