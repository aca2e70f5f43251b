//! Photos: every raster image a page uses (a cover, a Markdown image in a
//! bundle, an image a template asks for) goes through one pipeline: decode,
//! turn upright by its EXIF orientation, drop every piece of metadata (no
//! EXIF, GPS or XMP survives re-encoding), resize to the configured widths
//! (never up), encode WebP and JPEG, and name each output by a hash of the
//! source and the operation.
//!
//! Work is done once: outputs live in a persistent cache outside the output
//! folder (`.linju/cache/images/`), and what is known about each source
//! (size, hash) is kept there too, keyed by file size and modification
//! time, so a build with unchanged photos neither decodes nor reads them.
//!
//! Decoding a 12-megapixel JPEG costs more than anything done with it
//! afterwards, and no output needs all its pixels: JPEGs are decoded at the
//! smallest DCT scale (1/2, 1/4, 1/8) that still covers the largest output.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::Ordering;

use serde::{Deserialize, Serialize};

mod header;
mod png_scaled;
mod produce;
mod references;
mod resize;
mod strip;

pub use header::revealing_tags;
pub use references::referenced_outputs;
pub use strip::{publishable_bytes, strip_bytes};

use header::read_header;
use resize::{plan_resize, scaled_height, within_limits};

use crate::config::ImageSettings;
use crate::error::Error;
use crate::fs::write_atomically;
use crate::lang::{Text, tr};

/// Output folder of processed images, under the site root.
pub const OUTPUT_DIR: &str = "processed_images";

/// The largest photo accepted: 100 megapixels (a phone takes 12 to 50).
/// Bigger ones are refused before decoding, so a decompression bomb
/// cannot take the machine's memory.
pub(super) const MAX_PIXELS: u64 = 100_000_000;

/// Changes whenever the pipeline's output for the same input changes, so
/// old cached outputs are never mistaken for new ones.
const PIPELINE_VERSION: u32 = 1;

/// File name of the cache's record of sources.
const SOURCES_FILE: &str = "sources.json";

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Format {
    /// JPEG: every browser.
    Jpeg,
    /// Lossy WebP: about a third of the JPEG's size.
    Webp,
}

impl Format {
    fn extension(self) -> &'static str {
        match self {
            Format::Jpeg => "jpg",
            Format::Webp => "webp",
        }
    }

    /// `jpg`/`jpeg` or `webp`.
    pub fn parse(text: &str) -> Option<Format> {
        match text.to_ascii_lowercase().as_str() {
            "jpg" | "jpeg" => Some(Format::Jpeg),
            "webp" => Some(Format::Webp),
            _ => None,
        }
    }
}

/// How `resize_image` fits a photo to the asked size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Op {
    /// Within the box, keeping the aspect ratio.
    Fit,
    /// Covering the box exactly, cropping the middle.
    Fill,
    /// To exactly the size (a missing side follows the aspect ratio).
    Scale,
}

impl Op {
    /// `fit`, `fill` or `scale`.
    pub fn parse(text: &str) -> Option<Op> {
        match text {
            "fit" => Some(Op::Fit),
            "fill" => Some(Op::Fill),
            "scale" => Some(Op::Scale),
            _ => None,
        }
    }
}

/// Whether a file name is a raster image linju processes (or must refuse
/// with advice, like an iPhone's HEIC).
pub fn is_raster(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [
        ".jpg", ".jpeg", ".jpe", ".jfif", ".jif", ".pjpeg", ".pjp", ".png", ".webp", ".gif",
        ".heic", ".heif", ".avif", ".tif", ".tiff", ".bmp",
    ]
    .iter()
    .any(|ext| lower.ends_with(ext))
}

/// The size a photo's header declares, or why it is refused: the header
/// reader on bytes alone (for the fuzz harness).
pub fn header_of(bytes: &[u8]) -> Result<(u32, u32), Problem> {
    header::read_header(Path::new("fuzz.jpg"), bytes).map(|h| (h.width, h.height))
}

/// What went wrong with an image, and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// What is wrong.
    pub message: Text,
    /// What to do.
    pub hint: Text,
}

impl Problem {
    fn new(message: Text, hint: Text) -> Problem {
        Problem { message, hint }
    }

    /// As an error about `file` at `line` (the page that uses the image).
    pub fn at(&self, file: &Path, line: usize) -> Error {
        Error::at_line(file, line, self.message.clone()).with_hint(self.hint.clone())
    }
}

/// A crop of an upright source, in its pixels: x, y, width, height.
pub(super) type Crop = (u32, u32, u32, u32);

/// How a source is decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(super) enum Kind {
    /// Through `jpeg-decoder`, at a reduced DCT scale.
    Jpeg,
    /// Through `image` (PNG, WebP, GIF's first frame).
    Other,
}

/// What is known about a source without decoding it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct Source {
    /// Size and modification time when it was read.
    len: u64,
    modified_ns: u128,
    /// XXH3 of the bytes.
    hash: u64,
    /// Upright size (after the EXIF orientation).
    width: u32,
    height: u32,
    kind: Kind,
    /// The EXIF orientation (1 to 8), read once with the size; 0 in a
    /// record written before it was kept, which sends the file back to
    /// [`header::read_header`].
    #[serde(default)]
    orientation: u8,
}

/// One output file.
#[derive(Debug, Clone)]
pub(super) struct Variant {
    source: PathBuf,
    /// Crop of the upright source, in its pixels (x, y, w, h).
    crop: Option<Crop>,
    width: u32,
    height: u32,
    format: Format,
    quality: u8,
}

/// A photo ready for HTML: `srcset`s for WebP and JPEG, the fallback and
/// its size (so the page does not jump while it loads).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Picture {
    /// A middle-sized JPEG, for `src`.
    pub src: String,
    /// Width of the largest version (for `width`, with `height`, so the
    /// browser reserves the space).
    pub width: u32,
    /// Height of the largest version.
    pub height: u32,
    /// `url 480w, url 960w, ...` in WebP.
    pub srcset_webp: String,
    /// The same in JPEG.
    pub srcset_jpeg: String,
    /// The largest JPEG (for Open Graph and links to the photo).
    pub largest: String,
    /// Output names this picture uses.
    #[serde(skip)]
    pub files: Vec<String>,
}

/// The `sizes` attribute for photos in the text column.
pub const CONTENT_SIZES: &str = "(min-width: 52rem) 48rem, 100vw";

impl Picture {
    /// `<picture>` markup with `alt` (escaped here).
    pub fn to_html(&self, alt: &str, title: &str, sizes: &str) -> String {
        let alt = escape_attribute(alt);
        let title = if title.is_empty() {
            String::new()
        } else {
            format!(" title=\"{}\"", escape_attribute(title))
        };
        format!(
            "<picture><source type=\"image/webp\" srcset=\"{}\" sizes=\"{sizes}\"><img loading=\"lazy\" decoding=\"async\" src=\"{}\" srcset=\"{}\" sizes=\"{sizes}\" width=\"{}\" height=\"{}\" alt=\"{alt}\"{title}></picture>",
            self.srcset_webp, self.src, self.srcset_jpeg, self.width, self.height
        )
    }
}

fn escape_attribute(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The photos of one site: what its pages ask for, and the cache that
/// makes each output once. Shared by the threads of a build.
pub struct Images {
    settings: ImageSettings,
    /// The site folder, to name sources in messages as writers see them.
    root: PathBuf,
    base_path: String,
    cache_dir: PathBuf,
    known: Mutex<HashMap<PathBuf, Source>>,
    /// Whether `known` gained entries since the record was last saved.
    known_changed: std::sync::atomic::AtomicBool,
    /// How to make each output asked for so far: a memo of recipes. Which
    /// outputs are published is not decided here but by what the rendered
    /// files refer to.
    variants: Mutex<HashMap<String, Variant>>,
}

impl std::fmt::Debug for Images {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Images")
            .field("cache_dir", &self.cache_dir)
            .finish_non_exhaustive()
    }
}

impl Images {
    /// Images of a site whose URLs start with `base_path`, cached in
    /// `cache_dir` (whose record of sources is read now).
    pub fn new(settings: ImageSettings, base_path: &str, root: &Path, cache_dir: &Path) -> Images {
        let known = std::fs::read(cache_dir.join(SOURCES_FILE))
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default();
        Images {
            settings,
            root: root.to_path_buf(),
            base_path: base_path.to_string(),
            cache_dir: cache_dir.to_path_buf(),
            known: Mutex::new(known),
            known_changed: std::sync::atomic::AtomicBool::new(false),
            variants: Mutex::new(HashMap::new()),
        }
    }

    /// The responsive versions of the photo at `path`.
    pub fn picture(&self, path: &Path) -> Result<Picture, Problem> {
        let source = self.source(path)?;
        // The configured widths below the photo's own, and the photo's own
        // width as the largest version if it is no wider than the largest
        // configured one: never up.
        let largest_setting = self
            .settings
            .widths
            .iter()
            .copied()
            .max()
            .unwrap_or(source.width);
        let mut widths: Vec<u32> = self
            .settings
            .widths
            .iter()
            .copied()
            .filter(|&w| w < source.width)
            .collect();
        if source.width <= largest_setting {
            widths.push(source.width);
        }
        // A very tall photo: widths whose height would pass the limit are
        // narrowed to fit it (and may then meet: keep each size once).
        let mut planned: Vec<(u32, u32)> = widths
            .iter()
            .map(|&w| within_limits(w, scaled_height(source.width, source.height, w)))
            .collect();
        planned.dedup();
        let widths: Vec<u32> = planned.iter().map(|&(w, _)| w).collect();
        let mut files = Vec::new();
        let mut webp = Vec::new();
        let mut jpeg = Vec::new();
        let mut sizes = Vec::new();
        for &(width, height) in &planned {
            for format in [Format::Webp, Format::Jpeg] {
                let quality = self.quality(format);
                let name = self.register(path, &source, None, width, height, format, quality);
                let entry = format!("{} {width}w", self.url(&name));
                match format {
                    Format::Webp => webp.push(entry),
                    Format::Jpeg => jpeg.push(entry),
                }
                files.push(name);
            }
            sizes.push((width, height));
        }
        let jpeg_names: Vec<&String> = files.iter().skip(1).step_by(2).collect();
        let middle = widths.iter().rposition(|&w| w <= 960).unwrap_or(0);
        let (width, height) = *sizes.last().unwrap_or(&(source.width, source.height));
        Ok(Picture {
            src: self.url(jpeg_names[middle]),
            width,
            height,
            srcset_webp: webp.join(", "),
            srcset_jpeg: jpeg.join(", "),
            largest: self.url(jpeg_names[jpeg_names.len() - 1]),
            files,
        })
    }

    /// One version of the photo at `path` (for `resize_image`): its URL,
    /// width and height. Nothing is recorded as used: a page uses the
    /// photos its HTML refers to ([`referenced_outputs`]).
    pub fn resize(
        &self,
        path: &Path,
        width: Option<u32>,
        height: Option<u32>,
        op: Op,
        format: Format,
    ) -> Result<(String, u32, u32), Problem> {
        let (name, out_w, out_h) = self.resize_named(path, width, height, op, format)?;
        Ok((self.url(&name), out_w, out_h))
    }

    /// One version of the photo at `path`: its output name and size. The
    /// caller keeps track of the name; it is not remembered here.
    pub fn resize_named(
        &self,
        path: &Path,
        width: Option<u32>,
        height: Option<u32>,
        op: Op,
        format: Format,
    ) -> Result<(String, u32, u32), Problem> {
        let source = self.source(path)?;
        let (crop, out_w, out_h) = plan_resize(source.width, source.height, width, height, op)?;
        let (out_w, out_h) = within_limits(out_w, out_h);
        let quality = self.quality(format);
        let name = self.register(path, &source, crop, out_w, out_h, format, quality);
        Ok((name, out_w, out_h))
    }

    /// The URL of an output.
    pub fn url_of(&self, name: &str) -> String {
        self.url(name)
    }

    /// The upright size of the photo at `path`.
    pub fn size(&self, path: &Path) -> Result<(u32, u32), Problem> {
        self.source(path).map(|s| (s.width, s.height))
    }

    /// The photo output `name` is made from, if it was asked for during
    /// this build.
    pub fn source_of(&self, name: &str) -> Option<PathBuf> {
        self.variants
            .lock()
            .ok()
            .and_then(|variants| variants.get(name).map(|v| v.source.clone()))
    }

    /// Whether `name` is an output this pipeline knows how to make (it was
    /// asked for during this build).
    pub fn knows(&self, name: &str) -> bool {
        self.variants
            .lock()
            .is_ok_and(|variants| variants.contains_key(name))
    }

    /// The cached file of an output.
    pub fn cached(&self, name: &str) -> PathBuf {
        self.cache_dir.join(name)
    }

    fn quality(&self, format: Format) -> u8 {
        match format {
            Format::Jpeg => self.settings.jpeg_quality,
            Format::Webp => self.settings.webp_quality,
        }
    }

    fn url(&self, name: &str) -> String {
        format!("{}{OUTPUT_DIR}/{name}", self.base_path)
    }

    #[allow(clippy::too_many_arguments)]
    fn register(
        &self,
        path: &Path,
        source: &Source,
        crop: Option<Crop>,
        width: u32,
        height: u32,
        format: Format,
        quality: u8,
    ) -> String {
        let mut hasher = crate::hash::fingerprint();
        std::hash::Hash::hash(
            &(
                PIPELINE_VERSION,
                source.hash,
                crop,
                width,
                height,
                format,
                quality,
            ),
            &mut hasher,
        );
        let hash = std::hash::Hasher::finish(&hasher);
        let stem = path
            .file_stem()
            .map(|s| crate::slugs::slug_for_stem(&s.to_string_lossy()))
            .unwrap_or_else(|| "image".into());
        let name = format!("{stem}.{hash:016x}.{width}x{height}.{}", format.extension());
        if let Ok(mut variants) = self.variants.lock() {
            variants.entry(name.clone()).or_insert_with(|| Variant {
                source: path.to_path_buf(),
                crop,
                width,
                height,
                format,
                quality,
            });
        }
        name
    }

    /// What is known about `path`, from memory, the cache's record (same
    /// size and modification time) or the file's header.
    fn source(&self, path: &Path) -> Result<Source, Problem> {
        let shown = path.strip_prefix(&self.root).unwrap_or(path);
        let metadata = std::fs::metadata(path).map_err(|_| {
            let shown = shown.display();
            Problem::new(
                tr!("找不到图片 `{shown}`", "image `{shown}` not found"),
                tr!(
                    "检查文件名（字母、扩展名），并确认照片和页面放在同一个文件夹（页面包）里",
                    "check the file name (letters, extension) and that the photo sits beside the page, in its bundle folder"
                ),
            )
        })?;
        let len = metadata.len();
        let modified_ns = metadata
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        if let Ok(known) = self.known.lock()
            && let Some(source) = known.get(path)
            && source.len == len
            && source.modified_ns == modified_ns
            && source.orientation != 0
        {
            return Ok(source.clone());
        }
        let bytes = std::fs::read(path).map_err(|e| {
            let shown = shown.display();
            Problem::new(
                tr!(
                    "无法读取图片 `{shown}`：{e}",
                    "cannot read image `{shown}`: {e}"
                ),
                tr!("检查文件的权限", "check the file's permissions"),
            )
        })?;
        let header = read_header(shown, &bytes)?;
        let source = Source {
            len,
            modified_ns,
            hash: crate::hash::hash_bytes(&bytes),
            width: header.width,
            height: header.height,
            kind: header.kind,
            orientation: header.orientation,
        };
        if let Ok(mut known) = self.known.lock() {
            known.insert(path.to_path_buf(), source.clone());
            self.known_changed.store(true, Ordering::Relaxed);
        }
        Ok(source)
    }

    pub(super) fn save_record(&self) {
        if let Ok(known) = self.known.lock()
            && let Ok(json) = serde_json::to_vec(&*known)
        {
            let _ = write_atomically(&self.cache_dir.join(SOURCES_FILE), &json);
        }
    }

    /// Removes cached outputs not in `used` (after a full build).
    pub fn prune(&self, used: &BTreeSet<String>) {
        let Ok(entries) = std::fs::read_dir(&self.cache_dir) else {
            return;
        };
        for entry in entries.filter_map(Result::ok) {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name != SOURCES_FILE && !used.contains(&name) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_fill_and_scale_sizes() {
        assert_eq!(
            plan_resize(4000, 3000, Some(800), Some(800), Op::Fit).unwrap(),
            (None, 800, 600)
        );
        assert_eq!(
            plan_resize(400, 300, Some(800), None, Op::Fit).unwrap(),
            (None, 400, 300)
        );
        let (crop, w, h) = plan_resize(4000, 3000, Some(600), Some(600), Op::Fill).unwrap();
        assert_eq!((w, h), (600, 600));
        assert_eq!(crop, Some((500, 0, 3000, 3000)));
        assert_eq!(
            plan_resize(4000, 3000, Some(100), None, Op::Scale).unwrap(),
            (None, 100, 75)
        );
        assert!(plan_resize(4000, 3000, None, None, Op::Fit).is_err());
    }

    #[test]
    fn heic_and_tiff_are_refused_with_advice() {
        let mut heic = vec![0, 0, 0, 24];
        heic.extend_from_slice(b"ftypheic");
        let problem = read_header(Path::new("a.heic"), &heic).unwrap_err();
        assert!(problem.message.contains("HEIC"));
        assert!(problem.hint.contains("JPEG"));
        assert!(
            read_header(Path::new("a.tif"), b"II*\0....")
                .unwrap_err()
                .message
                .contains("TIFF")
        );
    }

    #[test]
    fn outputs_are_found_in_html_by_their_folder() {
        let html = br#"<img src="/tinghu/processed_images/stage.00ab.48x48.jpg" srcset="/processed_images/a-b.01.480x360.webp 480w, x">"#;
        assert_eq!(
            referenced_outputs(html),
            ["stage.00ab.48x48.jpg", "a-b.01.480x360.webp"]
        );
        assert!(referenced_outputs(b"processed_images/\"").is_empty());
    }

    #[test]
    fn raster_names() {
        assert!(is_raster("IMG_0001.JPG"));
        assert!(is_raster("a.heic"));
        assert!(is_raster("IMG_2041.JFIF") && is_raster("scan.jpe"));
        assert!(!is_raster("logo.svg"));
        assert!(!is_raster("program.txt"));
    }
}
