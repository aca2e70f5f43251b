//! A large PNG (a scanned poster, a long screenshot) decoded row by row and
//! shrunk as it is read, so only the shrunk picture is ever held: a
//! 10000×10000 PNG needed 1.6 GB decoded whole, and one photo must not take
//! the machine. Each output pixel is the mean of an `f`×`f` block; the
//! resizer then brings it to the exact widths with Lanczos, as for a JPEG
//! decoded at a smaller DCT scale.

use std::io::BufReader;
use std::path::Path;

use image::{DynamicImage, RgbImage, RgbaImage};
use png::{BitDepth, ColorType, Transformations};

/// The PNG at `path` shrunk by the largest whole factor that keeps it at
/// least `scale` of its size; `None` when there is nothing to gain (no
/// factor of 2 or more, an interlaced PNG, whose rows do not come in
/// order, or not a PNG), so the caller decodes it whole.
pub(super) fn decode_shrunk(path: &Path, scale: f64) -> Option<Result<DynamicImage, String>> {
    let factor = (1.0 / scale.max(f64::MIN_POSITIVE))
        .floor()
        .min(f64::from(u16::MAX)) as u32;
    if factor < 2 {
        return None;
    }
    let file = std::fs::File::open(path).ok()?;
    let mut decoder = png::Decoder::new(BufReader::new(file));
    decoder.set_transformations(Transformations::EXPAND | Transformations::STRIP_16);
    let mut reader = decoder.read_info().ok()?;
    let info = reader.info();
    let (width, height) = (info.width, info.height);
    if info.interlaced {
        return None;
    }
    let (color, depth) = reader.output_color_type();
    if depth != BitDepth::Eight {
        return None;
    }
    let channels = match color {
        ColorType::Grayscale => 1,
        ColorType::GrayscaleAlpha => 2,
        ColorType::Rgb => 3,
        ColorType::Rgba => 4,
        ColorType::Indexed => return None,
    };
    let alpha = matches!(color, ColorType::GrayscaleAlpha | ColorType::Rgba);
    let mut shrink = Shrink::new(width, height, factor, alpha);
    loop {
        match reader.next_row() {
            Ok(Some(row)) => shrink.add_row(row.data(), channels),
            Ok(None) => break,
            Err(e) => return Some(Err(e.to_string())),
        }
    }
    Some(Ok(shrink.finish()))
}

/// Block sums of the rows read so far, and the shrunk rows made.
struct Shrink {
    width: u32,
    height: u32,
    factor: u32,
    alpha: bool,
    sums: Vec<u64>,
    rows_in_block: u32,
    rows_seen: u32,
    out: Vec<u8>,
}

impl Shrink {
    fn new(width: u32, height: u32, factor: u32, alpha: bool) -> Shrink {
        let out_w = width.div_ceil(factor) as usize;
        Shrink {
            width,
            height,
            factor,
            alpha,
            sums: vec![0; out_w * 4],
            rows_in_block: 0,
            rows_seen: 0,
            out: Vec::with_capacity(out_w * height.div_ceil(factor) as usize * 4),
        }
    }

    fn add_row(&mut self, row: &[u8], channels: usize) {
        for (x, pixel) in row
            .chunks_exact(channels)
            .enumerate()
            .take(self.width as usize)
        {
            let rgba = match *pixel {
                [g] => [g, g, g, 255],
                [g, a] => [g, g, g, a],
                [r, g, b] => [r, g, b, 255],
                [r, g, b, a] => [r, g, b, a],
                _ => [0, 0, 0, 255],
            };
            let at = (x / self.factor as usize) * 4;
            for (sum, value) in self.sums[at..at + 4].iter_mut().zip(rgba) {
                *sum += u64::from(value);
            }
        }
        self.rows_in_block += 1;
        self.rows_seen += 1;
        if self.rows_in_block == self.factor || self.rows_seen == self.height {
            self.emit();
        }
    }

    /// Turns the block sums into one shrunk row.
    fn emit(&mut self) {
        let out_w = self.sums.len() / 4;
        for column in 0..out_w {
            let block_w = self.factor.min(self.width - column as u32 * self.factor);
            let count = u64::from(block_w * self.rows_in_block).max(1);
            let mean = |c: usize| ((self.sums[column * 4 + c] + count / 2) / count) as u8;
            self.out.extend_from_slice(&[mean(0), mean(1), mean(2)]);
            if self.alpha {
                self.out.push(mean(3));
            }
        }
        self.sums.iter_mut().for_each(|s| *s = 0);
        self.rows_in_block = 0;
    }

    fn finish(self) -> DynamicImage {
        let out_w = (self.sums.len() / 4) as u32;
        let out_h = self.height.div_ceil(self.factor);
        let image = if self.alpha {
            RgbaImage::from_raw(out_w, out_h, self.out).map(DynamicImage::ImageRgba8)
        } else {
            RgbImage::from_raw(out_w, out_h, self.out).map(DynamicImage::ImageRgb8)
        };
        image.unwrap_or_else(|| DynamicImage::new_rgb8(1, 1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_become_their_mean_colour() {
        // 4×2, factor 2: two blocks, black/white and all red.
        let mut shrink = Shrink::new(4, 2, 2, false);
        shrink.add_row(&[0, 0, 0, 255, 255, 255, 200, 0, 0, 200, 0, 0], 3);
        shrink.add_row(&[0, 0, 0, 255, 255, 255, 200, 0, 0, 200, 0, 0], 3);
        let image = shrink.finish().to_rgb8();
        assert_eq!(image.dimensions(), (2, 1));
        assert_eq!(image.get_pixel(0, 0).0, [128, 128, 128]);
        assert_eq!(image.get_pixel(1, 0).0, [200, 0, 0]);
    }

    #[test]
    fn a_ragged_edge_averages_what_is_there() {
        // 3×3, factor 2: the right column and bottom row are half blocks.
        let mut shrink = Shrink::new(3, 3, 2, true);
        for _ in 0..3 {
            shrink.add_row(&[10, 10, 10, 255, 10, 10, 10, 255, 90, 90, 90, 255], 4);
        }
        let image = shrink.finish().to_rgba8();
        assert_eq!(image.dimensions(), (2, 2));
        assert_eq!(image.get_pixel(1, 1).0, [90, 90, 90, 255]);
    }
}
