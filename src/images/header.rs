//! What a photo is, from its first bytes: its upright size, its EXIF
//! orientation, how to decode it, and whether linju can take it at all
//! (HEIC, AVIF, TIFF and BMP are refused with advice; so is a photo too
//! big to decode safely). The one place a photo's header is read.

use std::io::Cursor;
use std::path::Path;

use image::{ImageDecoder, ImageReader, metadata::Orientation};

use crate::images::{Kind, MAX_PIXELS, Problem};
use crate::lang::tr;

/// What a photo's header says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Header {
    /// Upright size (after the EXIF orientation).
    pub(super) width: u32,
    pub(super) height: u32,
    /// How to decode it.
    pub(super) kind: Kind,
    /// The EXIF orientation, 1 (as stored) to 8.
    pub(super) orientation: u8,
}

/// Size, decoder and sanity of a source, from its first bytes.
pub(super) fn read_header(path: &Path, bytes: &[u8]) -> Result<Header, Problem> {
    if let Some(problem) = unsupported_format(path, bytes) {
        return Err(problem);
    }
    let corrupt = |detail: String| {
        let shown = path.display();
        Problem::new(
            tr!(
                "图片 `{shown}` 已损坏或不是图片",
                "image `{shown}` is damaged or not an image ({detail})"
            ),
            tr!(
                "用看图软件打开看看；打不开就从相机或手机重新拷一份",
                "open it in a photo viewer; if it does not show, copy it from the camera or phone again"
            ),
        )
    };
    let (stored_w, stored_h, orientation, kind) = if bytes.starts_with(&[0xFF, 0xD8]) {
        let mut decoder = jpeg_decoder::Decoder::new(Cursor::new(bytes));
        decoder.read_info().map_err(|e| corrupt(e.to_string()))?;
        let info = decoder.info().ok_or_else(|| corrupt("no size".into()))?;
        let orientation = decoder.exif_data().map_or(1, exif_orientation);
        (
            u32::from(info.width),
            u32::from(info.height),
            orientation,
            Kind::Jpeg,
        )
    } else {
        let reader = ImageReader::new(Cursor::new(bytes))
            .with_guessed_format()
            .map_err(|e| corrupt(e.to_string()))?;
        let mut decoder = reader.into_decoder().map_err(|e| corrupt(e.to_string()))?;
        let (w, h) = decoder.dimensions();
        let orientation = decoder.orientation().map_or(1, orientation_number);
        (w, h, orientation, Kind::Other)
    };
    check_pixels(path, stored_w, stored_h)?;
    let (width, height) = if orientation >= 5 {
        (stored_h, stored_w)
    } else {
        (stored_w, stored_h)
    };
    Ok(Header {
        width,
        height,
        kind,
        orientation,
    })
}

pub(super) fn check_pixels(path: &Path, width: u32, height: u32) -> Result<(), Problem> {
    let pixels = u64::from(width) * u64::from(height);
    if pixels > MAX_PIXELS || width == 0 || height == 0 {
        let shown = path.display();
        let mega = pixels / 1_000_000;
        let max = MAX_PIXELS / 1_000_000;
        return Err(Problem::new(
            tr!(
                "图片 `{shown}` 有 {width}×{height} 像素（{mega} 百万像素），linju 最多处理 {max} 百万像素",
                "image `{shown}` is {width}×{height} pixels ({mega} megapixels); linju takes photos up to {max} megapixels"
            ),
            tr!(
                "用修图软件缩小（宽 4000 像素足够），或确认它真是一张照片",
                "make it smaller in a photo editor (4000 pixels wide is plenty), or check that it is really a photo"
            ),
        ));
    }
    Ok(())
}

/// HEIC and other formats phones and scanners write that linju does not
/// read, with how to convert them.
fn unsupported_format(path: &Path, bytes: &[u8]) -> Option<Problem> {
    let brand = bytes
        .get(4..12)
        .map(|b| String::from_utf8_lossy(b).into_owned());
    let is_heif = brand.as_deref().is_some_and(|b| {
        b.starts_with("ftyp")
            && ["heic", "heix", "hevc", "heim", "heis", "mif1", "msf1"].contains(&&b[4..])
    });
    if is_heif {
        let shown = path.display();
        return Some(Problem::new(
            tr!(
                "图片 `{shown}` 是苹果手机的 HEIC 格式，浏览器显示不了",
                "image `{shown}` is an iPhone HEIC photo, which browsers cannot show"
            ),
            tr!(
                "转成 JPEG：在 iPhone 的“设置 › 相机 › 格式”里选“兼容性最佳”，以后拍的就是 JPEG；这一张可以用微信以图片发送后另存，或在电脑的“照片”“预览”里导出为 JPEG",
                "convert it to JPEG: on the iPhone, Settings › Camera › Formats › Most Compatible takes JPEGs from now on; to convert this one, share it by WeChat or mail as a photo, or open it in Preview (Mac) or Photos (Windows) and export as JPEG"
            ),
        ));
    }
    let is_avif = brand
        .as_deref()
        .is_some_and(|b| b == "ftypavif" || b == "ftypavis");
    let is_tiff = bytes.starts_with(b"II*\0") || bytes.starts_with(b"MM\0*");
    let is_bmp = bytes.starts_with(b"BM");
    if is_avif || is_tiff || is_bmp {
        let kind = if is_avif {
            "AVIF"
        } else if is_tiff {
            "TIFF"
        } else {
            "BMP"
        };
        let shown = path.display();
        return Some(Problem::new(
            tr!(
                "图片 `{shown}` 是 {kind} 文件，linju 读不了",
                "image `{shown}` is a {kind} file, which linju does not read"
            ),
            tr!(
                "另存为 JPEG（照片）或 PNG（图画、截图），再引用那个文件",
                "save it as JPEG (photos) or PNG (drawings, screenshots) and refer to that file"
            ),
        ));
    }
    None
}

/// What a photo's EXIF says about where it was taken and whose camera took
/// it: the names of the tags present (`GPS`, `Artist`, `CameraOwnerName`).
/// Empty for a photo without them or without EXIF.
pub fn revealing_tags(path: &Path) -> Vec<&'static str> {
    let Ok(file) = std::fs::File::open(path) else {
        return Vec::new();
    };
    let mut reader = std::io::BufReader::new(file);
    let Ok(data) = exif::Reader::new().read_from_container(&mut reader) else {
        return Vec::new();
    };
    let has = |tag: exif::Tag| data.get_field(tag, exif::In::PRIMARY).is_some();
    let mut found = Vec::new();
    if data
        .fields()
        .any(|field| field.tag.context() == exif::Context::Gps)
    {
        found.push("GPS");
    }
    if has(exif::Tag::Artist) {
        found.push("Artist");
    }
    if has(exif::Tag::CameraOwnerName) {
        found.push("CameraOwnerName");
    }
    found
}

fn exif_orientation(exif: &[u8]) -> u8 {
    exif::Reader::new()
        .read_raw(exif.to_vec())
        .ok()
        .and_then(|data| {
            data.get_field(exif::Tag::Orientation, exif::In::PRIMARY)
                .and_then(|f| f.value.get_uint(0))
        })
        .and_then(|v| u8::try_from(v).ok())
        .filter(|v| (1..=8).contains(v))
        .unwrap_or(1)
}

fn orientation_number(orientation: Orientation) -> u8 {
    match orientation {
        Orientation::NoTransforms => 1,
        Orientation::FlipHorizontal => 2,
        Orientation::Rotate180 => 3,
        Orientation::FlipVertical => 4,
        Orientation::Rotate90FlipH => 5,
        Orientation::Rotate90 => 6,
        Orientation::Rotate270FlipH => 7,
        Orientation::Rotate270 => 8,
    }
}
