//! Making one photo's outputs: decoding it upright (a JPEG at the smallest
//! DCT scale that covers the largest output), cropping, resizing with
//! Lanczos3, and encoding WebP or JPEG. Re-encoding drops every piece of
//! metadata, GPS included.

use std::collections::HashMap;
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use fast_image_resize::images::Image as ResizeImage;
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use image::{DynamicImage, ImageReader, RgbImage, metadata::Orientation};

use crate::error::{Error, Errors};
use crate::fs::write_atomically;
use crate::images::{Format, Images, Kind, MAX_PIXELS, Source, Variant};
use crate::lang::{Text, tr};
use crate::options::ProgressFn;

/// The decoded, upright source, at least `need_w` pixels wide where the
/// source allows. RGB, or RGBA when it has transparency.
pub(super) fn decode_upright(
    path: &Path,
    source: &Source,
    need_w: u32,
) -> Result<DynamicImage, Error> {
    let read_all =
        || std::fs::read(path).map_err(|e| Error::io(path, ("读取图片", "read the image"), &e));
    let damaged = |e: String| {
        Error::in_file(
            path,
            tr!("图片已损坏或不完整", "image is damaged or cut short: {e}"),
        )
        .with_hint(tr!(
            "用看图软件打开看看；显示不全就从相机或手机重新拷一份",
            "open it in a photo viewer; if it does not show whole, copy it from the camera or phone again"
        ))
    };
    match source.kind {
        Kind::Jpeg => {
            let bytes = read_all()?;
            let mut decoder = jpeg_decoder::Decoder::new(Cursor::new(&bytes));
            decoder.read_info().map_err(|e| damaged(e.to_string()))?;
            let info = decoder.info().ok_or_else(|| damaged("no size".into()))?;
            // Ask in the stored orientation's axes.
            let scale = f64::from(need_w.min(source.width)) / f64::from(source.width.max(1));
            let (stored_w, stored_h) = (f64::from(info.width), f64::from(info.height));
            let want = (
                (stored_w * scale).ceil() as u16,
                (stored_h * scale).ceil() as u16,
            );
            let (w, h) = decoder
                .scale(want.0.max(1), want.1.max(1))
                .map_err(|e| damaged(e.to_string()))?;
            decoder.set_max_decoding_buffer_size(MAX_PIXELS as usize * 4);
            let pixels = decoder.decode().map_err(|e| damaged(e.to_string()))?;
            let image = match info.pixel_format {
                jpeg_decoder::PixelFormat::RGB24 => {
                    RgbImage::from_raw(u32::from(w), u32::from(h), pixels)
                        .map(DynamicImage::ImageRgb8)
                }
                jpeg_decoder::PixelFormat::L8 => {
                    image::GrayImage::from_raw(u32::from(w), u32::from(h), pixels)
                        .map(|g| DynamicImage::ImageRgb8(DynamicImage::ImageLuma8(g).to_rgb8()))
                }
                _ => None,
            };
            let mut image = match image {
                Some(image) => image,
                // CMYK and 16-bit JPEGs are rare: let `image` read them whole.
                None => image::load_from_memory(&bytes).map_err(|e| damaged(e.to_string()))?,
            };
            image.apply_orientation(orientation_from_number(source.orientation));
            Ok(image)
        }
        Kind::Other => {
            let scale = f64::from(need_w.min(source.width)) / f64::from(source.width.max(1));
            // A PNG large enough to shrink is read row by row, never whole.
            if let Some(shrunk) = super::png_scaled::decode_shrunk(path, scale) {
                let mut image = shrunk.map_err(damaged)?;
                image.apply_orientation(orientation_from_number(source.orientation));
                return Ok(image);
            }
            let bytes = read_all()?;
            let mut reader = ImageReader::new(Cursor::new(&bytes))
                .with_guessed_format()
                .map_err(|e| damaged(e.to_string()))?;
            let mut limits = image::Limits::default();
            limits.max_alloc = Some(MAX_PIXELS * 4);
            reader.limits(limits);
            let decoder = reader.into_decoder().map_err(|e| damaged(e.to_string()))?;
            let mut image =
                DynamicImage::from_decoder(decoder).map_err(|e| damaged(e.to_string()))?;
            image.apply_orientation(orientation_from_number(source.orientation));
            Ok(if image.color().has_alpha() {
                DynamicImage::ImageRgba8(image.to_rgba8())
            } else {
                DynamicImage::ImageRgb8(image.to_rgb8())
            })
        }
    }
}

fn orientation_from_number(number: u8) -> Orientation {
    Orientation::from_exif(number).unwrap_or(Orientation::NoTransforms)
}

/// Crops, resizes and encodes one output from the upright source.
pub(super) fn render_variant(
    upright: &DynamicImage,
    source: &Source,
    variant: &Variant,
) -> Result<Vec<u8>, String> {
    // The decoded image may be smaller than the source (DCT scaling):
    // crops are in source pixels.
    let factor = f64::from(upright.width()) / f64::from(source.width.max(1));
    let cropped = match variant.crop {
        None => upright.clone(),
        Some((x, y, w, h)) => upright.crop_imm(
            (f64::from(x) * factor) as u32,
            (f64::from(y) * factor) as u32,
            ((f64::from(w) * factor) as u32).max(1),
            ((f64::from(h) * factor) as u32).max(1),
        ),
    };
    let with_alpha = cropped.color().has_alpha();
    let (pixel_type, bytes) = if with_alpha {
        (PixelType::U8x4, cropped.to_rgba8().into_raw())
    } else {
        (PixelType::U8x3, cropped.to_rgb8().into_raw())
    };
    let from = ResizeImage::from_vec_u8(cropped.width(), cropped.height(), bytes, pixel_type)
        .map_err(|e| e.to_string())?;
    let mut to = ResizeImage::new(variant.width, variant.height, pixel_type);
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
    Resizer::new()
        .resize(&from, &mut to, &options)
        .map_err(|e| e.to_string())?;
    let pixels = to.into_vec();
    encode(&pixels, variant, with_alpha)
}

fn encode(pixels: &[u8], variant: &Variant, with_alpha: bool) -> Result<Vec<u8>, String> {
    let (w, h) = (variant.width, variant.height);
    match variant.format {
        Format::Webp => {
            if w > super::resize::MAX_SIDE || h > super::resize::MAX_SIDE {
                // libwebp refuses it, and the webp crate would panic.
                return Err(format!("{w}×{h} is too large for WebP"));
            }
            let encoder = if with_alpha {
                webp::Encoder::from_rgba(pixels, w, h)
            } else {
                webp::Encoder::from_rgb(pixels, w, h)
            };
            Ok(encoder.encode(f32::from(variant.quality)).to_vec())
        }
        Format::Jpeg => {
            let rgb: Vec<u8> = if with_alpha {
                // JPEG has no transparency: put the picture on white.
                pixels
                    .chunks_exact(4)
                    .flat_map(|p| {
                        let a = u16::from(p[3]);
                        [0, 1, 2].map(|i| ((u16::from(p[i]) * a + 255 * (255 - a)) / 255) as u8)
                    })
                    .collect()
            } else {
                pixels.to_vec()
            };
            let mut out = Vec::new();
            let encoder =
                image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, variant.quality);
            image::ImageEncoder::write_image(encoder, &rgb, w, h, image::ExtendedColorType::Rgb8)
                .map_err(|e| e.to_string())?;
            Ok(out)
        }
    }
}

/// How wide the decoded source must be for `variant` to lose nothing.
pub(super) fn needed_source_width(source: &Source, variant: &Variant) -> u32 {
    match variant.crop {
        None => variant.width,
        Some((_, _, crop_w, _)) => {
            let scale = f64::from(variant.width) / f64::from(crop_w.max(1));
            (f64::from(source.width) * scale).ceil() as u32
        }
    }
}

impl Images {
    /// Makes the outputs in `names` that the cache does not have yet, in
    /// parallel, decoding each source once. Returns how many were made.
    pub fn produce(
        &self,
        names: &[String],
        progress: Option<&ProgressFn>,
    ) -> Result<usize, Errors> {
        if names.is_empty() {
            return Ok(0);
        }
        crate::fs::create_work_folder(&self.cache_dir)?;
        // Only the missing outputs are copied out of the registry.
        let missing: Vec<(String, Variant)> = match self.variants.lock() {
            Ok(variants) => names
                .iter()
                .filter(|name| !self.cache_dir.join(name.as_str()).is_file())
                .filter_map(|name| variants.get(name).map(|v| (name.clone(), v.clone())))
                .collect(),
            Err(_) => Vec::new(),
        };
        let mut by_source: HashMap<PathBuf, Vec<(String, Variant)>> = HashMap::new();
        for (name, variant) in missing {
            by_source
                .entry(variant.source.clone())
                .or_default()
                .push((name, variant));
        }
        let total: usize = by_source.values().map(Vec::len).sum();
        let done = AtomicUsize::new(0);
        let mut groups: Vec<(PathBuf, Vec<(String, Variant)>)> = by_source.into_iter().collect();
        groups.sort_by(|a, b| a.0.cmp(&b.0));
        let results: Vec<Result<(), Error>> = groups
            .par_iter()
            .map(|(path, outputs)| {
                let result = self.produce_guarded(path, outputs);
                let finished = done.fetch_add(outputs.len(), Ordering::Relaxed) + outputs.len();
                if let Some(progress) = progress {
                    progress(finished, total);
                }
                result
            })
            .collect();
        if self.known_changed.swap(false, Ordering::Relaxed) {
            self.save_record();
        }
        let mut errors = Errors::default();
        for result in results {
            errors.keep(result);
        }
        errors.into_result(total)
    }

    /// [`Self::produce_from`], with a panic in a decoder or encoder (code
    /// linju does not own) turned into an error naming the photo: one bad
    /// photo fails the build with its name, it never crashes `serve`.
    fn produce_guarded(&self, path: &Path, outputs: &[(String, Variant)]) -> Result<(), Error> {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            self.produce_from(path, outputs)
        }))
        .unwrap_or_else(|_| {
            Err(Error::in_file(
                path,
                tr!(
                    "处理这张图片时出错（图片库崩溃）",
                    "processing this image failed (the image library crashed)"
                ),
            )
            .with_hint(tr!(
                "用看图软件另存为 JPEG 再试；仍然不行就换一张照片，并报告这个问题",
                "save it again as a JPEG in a photo editor; if that fails too, use another photo and report this"
            )))
        })
    }

    fn produce_from(&self, path: &Path, outputs: &[(String, Variant)]) -> Result<(), Error> {
        let source = self
            .source(path)
            .map_err(|p| Error::in_file(path, p.message).with_hint(p.hint))?;
        // The smallest decode that still covers every output, crops included.
        let need_w = outputs
            .iter()
            .map(|(_, v)| needed_source_width(&source, v))
            .max()
            .unwrap_or(source.width);
        let upright = decode_upright(path, &source, need_w)?;
        for (name, variant) in outputs {
            let bytes = render_variant(&upright, &source, variant)
                .map_err(|message| Error::in_file(path, Text::same(message)))?;
            write_atomically(&self.cache_dir.join(name), &bytes)?;
        }
        Ok(())
    }
}
