//! The sizes of `resize_image`'s outputs: fit, fill (with its centred
//! crop) and scale, never larger than the source.

use crate::images::{Crop, Op, Problem};
use crate::lang::tr;

/// The longest side an output may have: WebP's limit (16,383 px). A
/// phone's long screenshot (1080×20000) would exceed it at 960 wide.
pub(super) const MAX_SIDE: u32 = 16_383;

/// `(width, height)` scaled down, keeping the shape, until neither side
/// is over [`MAX_SIDE`].
pub(super) fn within_limits(width: u32, height: u32) -> (u32, u32) {
    let longest = width.max(height);
    if longest <= MAX_SIDE {
        return (width, height);
    }
    let scale =
        |side: u32| ((u64::from(side) * u64::from(MAX_SIDE)) / u64::from(longest)).max(1) as u32;
    (scale(width), scale(height))
}

pub(super) fn scaled_height(width: u32, height: u32, new_width: u32) -> u32 {
    ((u64::from(height) * u64::from(new_width) + u64::from(width) / 2) / u64::from(width.max(1)))
        .max(1) as u32
}

/// The crop (if any) and output size of a `resize_image` request.
pub(super) fn plan_resize(
    source_w: u32,
    source_h: u32,
    width: Option<u32>,
    height: Option<u32>,
    op: Op,
) -> Result<(Option<Crop>, u32, u32), Problem> {
    let missing = || {
        Problem::new(
            tr!(
                "resize_image 需要宽度或高度",
                "resize_image needs a width or a height"
            ),
            tr!(
                "加上 width=... 或 height=...",
                "add width=... or height=..."
            ),
        )
    };
    let aspect = f64::from(source_w) / f64::from(source_h.max(1));
    match op {
        Op::Scale => {
            let (w, h) = match (width, height) {
                (Some(w), Some(h)) => (w, h),
                (Some(w), None) => (w, (f64::from(w) / aspect).round() as u32),
                (None, Some(h)) => ((f64::from(h) * aspect).round() as u32, h),
                (None, None) => return Err(missing()),
            };
            Ok((None, w.max(1), h.max(1)))
        }
        Op::Fit => {
            let box_w = f64::from(width.unwrap_or(u32::MAX).min(source_w));
            let box_h = f64::from(height.unwrap_or(u32::MAX).min(source_h));
            if width.is_none() && height.is_none() {
                return Err(missing());
            }
            let scale = (box_w / f64::from(source_w)).min(box_h / f64::from(source_h));
            let w = (f64::from(source_w) * scale).round().max(1.0) as u32;
            let h = (f64::from(source_h) * scale).round().max(1.0) as u32;
            Ok((None, w, h))
        }
        Op::Fill => {
            let (Some(w), Some(h)) = (width, height) else {
                return Err(Problem::new(
                    tr!(
                        "resize_image 用 op=\"fill\" 时要同时给宽度和高度",
                        "resize_image with op=\"fill\" needs width and height"
                    ),
                    tr!("两个都加上", "add both"),
                ));
            };
            let target_aspect = f64::from(w) / f64::from(h.max(1));
            let (crop_w, crop_h) = if aspect > target_aspect {
                (
                    (f64::from(source_h) * target_aspect).round() as u32,
                    source_h,
                )
            } else {
                (
                    source_w,
                    (f64::from(source_w) / target_aspect).round() as u32,
                )
            };
            let crop = (
                (source_w - crop_w.min(source_w)) / 2,
                (source_h - crop_h.min(source_h)) / 2,
                crop_w.max(1),
                crop_h.max(1),
            );
            // Never up: a crop smaller than the box keeps its own size.
            let scale = (f64::from(crop_w) / f64::from(w)).min(1.0);
            let out_w = (f64::from(w) * scale).round().max(1.0) as u32;
            let out_h = (f64::from(h) * scale).round().max(1.0) as u32;
            Ok((Some(crop), out_w, out_h))
        }
    }
}
