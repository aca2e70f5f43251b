//! Photos: upright whatever their EXIF orientation, without metadata,
//! responsive, cached, and every bad input explained.

use image::{DynamicImage, ImageEncoder, Rgb, RgbImage, metadata::Orientation};

use crate::harness::TestSite;

const RED: [u8; 3] = [220, 30, 30];
const GREEN: [u8; 3] = [30, 200, 30];
const BLUE: [u8; 3] = [30, 30, 220];
const WHITE: [u8; 3] = [250, 250, 250];

/// An upright test picture: four coloured quarters, so any rotation or
/// flip shows.
pub fn quarters(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| {
        let colour = match (x < width / 2, y < height / 2) {
            (true, true) => RED,
            (false, true) => GREEN,
            (true, false) => BLUE,
            (false, false) => WHITE,
        };
        Rgb(colour)
    })
}

pub fn jpeg_bytes(image: &RgbImage) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 95)
        .write_image(
            image.as_raw(),
            image.width(),
            image.height(),
            image::ExtendedColorType::Rgb8,
        )
        .unwrap();
    out
}

/// An EXIF block (big-endian TIFF) with an orientation and a GPS position,
/// as a phone writes them.
fn exif_segment(orientation: u16) -> Vec<u8> {
    let mut tiff = Vec::new();
    tiff.extend_from_slice(b"MM\0*\0\0\0\x08");
    // IFD0: two entries, then the next-IFD offset.
    tiff.extend_from_slice(&2u16.to_be_bytes());
    tiff.extend_from_slice(&0x0112u16.to_be_bytes()); // Orientation
    tiff.extend_from_slice(&3u16.to_be_bytes()); // SHORT
    tiff.extend_from_slice(&1u32.to_be_bytes());
    tiff.extend_from_slice(&orientation.to_be_bytes());
    tiff.extend_from_slice(&[0, 0]);
    tiff.extend_from_slice(&0x8825u16.to_be_bytes()); // GPS IFD pointer
    tiff.extend_from_slice(&4u16.to_be_bytes()); // LONG
    tiff.extend_from_slice(&1u32.to_be_bytes());
    tiff.extend_from_slice(&38u32.to_be_bytes()); // offset of the GPS IFD
    tiff.extend_from_slice(&0u32.to_be_bytes());
    // GPS IFD at 38: latitude reference "N".
    tiff.extend_from_slice(&1u16.to_be_bytes());
    tiff.extend_from_slice(&0x0001u16.to_be_bytes());
    tiff.extend_from_slice(&2u16.to_be_bytes()); // ASCII
    tiff.extend_from_slice(&2u32.to_be_bytes());
    tiff.extend_from_slice(b"N\0\0\0");
    tiff.extend_from_slice(&0u32.to_be_bytes());
    let mut segment = vec![0xFF, 0xE1];
    let length = (2 + 6 + tiff.len()) as u16;
    segment.extend_from_slice(&length.to_be_bytes());
    segment.extend_from_slice(b"Exif\0\0");
    segment.extend_from_slice(&tiff);
    segment
}

/// A JPEG whose pixels are stored turned so that EXIF `orientation` makes
/// them `upright` again.
pub fn oriented_jpeg(upright: &RgbImage, orientation: u8) -> Vec<u8> {
    // 6 and 8 undo each other; the other orientations undo themselves.
    let inverse = match orientation {
        6 => 8,
        8 => 6,
        other => other,
    };
    let mut stored = DynamicImage::ImageRgb8(upright.clone());
    stored.apply_orientation(Orientation::from_exif(inverse).unwrap());
    let plain = jpeg_bytes(&stored.to_rgb8());
    let mut out = plain[..2].to_vec();
    out.extend(exif_segment(u16::from(orientation)));
    out.extend_from_slice(&plain[2..]);
    out
}

/// The fixture site with a notice bundle holding `files` and a body.
pub fn photo_site(files: &[(&str, Vec<u8>)], body: &str) -> TestSite {
    let site = TestSite::fixture("basic");
    for (name, bytes) in files {
        let path = site.root().join("content/notices/photos").join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    site.write(
        "content/notices/photos/index.md",
        &format!("---\ntitle: 活动照片\ndate: 2025-11-20\n---\n{body}\n"),
    );
    site
}

/// `(url, width)` pairs of the first `srcset` after `marker` in `html`.
fn srcset_after(html: &str, marker: &str) -> Vec<(String, u32)> {
    let start = html
        .find(marker)
        .unwrap_or_else(|| panic!("no {marker} in {html}"));
    let rest = &html[start..];
    let rest = &rest[rest.find("srcset=\"").unwrap() + 8..];
    let srcset = &rest[..rest.find('"').unwrap()];
    srcset
        .split(", ")
        .map(|entry| {
            let (url, width) = entry.split_once(' ').unwrap();
            (
                url.to_string(),
                width.trim_end_matches('w').parse().unwrap(),
            )
        })
        .collect()
}

fn output_file(site: &TestSite, url: &str) -> std::path::PathBuf {
    site.public().join(url.trim_start_matches("/tinghu/"))
}

fn close(actual: &[u8], expected: [u8; 3]) -> bool {
    actual
        .iter()
        .zip(expected)
        .all(|(&a, e)| (i16::from(a) - i16::from(e)).abs() < 40)
}

#[test]
fn photos_come_out_upright_in_every_exif_orientation() {
    let upright = quarters(64, 48);
    let files: Vec<(String, Vec<u8>)> = (1..=8)
        .map(|o| (format!("o{o}.jpg"), oriented_jpeg(&upright, o)))
        .collect();
    let body: String = (1..=8)
        .map(|o| format!("![方向{o}](o{o}.jpg)\n\n"))
        .collect();
    let refs: Vec<(&str, Vec<u8>)> = files.iter().map(|(n, b)| (n.as_str(), b.clone())).collect();
    let site = photo_site(&refs, &body);
    site.build(&[]).ok();
    let html = site.read("notices/photos/index.html");
    for o in 1..=8 {
        let at = html.find(&format!("alt=\"方向{o}\"")).unwrap();
        let picture_start = html[..at].rfind("<picture>").unwrap();
        for kind in ["<source", "<img"] {
            let set = srcset_after(&html[picture_start..], kind);
            let (url, width) = set.last().unwrap();
            assert_eq!(*width, 64, "orientation {o}: {set:?}");
            let decoded = image::open(output_file(&site, url)).unwrap().to_rgb8();
            assert_eq!(
                (decoded.width(), decoded.height()),
                (64, 48),
                "orientation {o} size"
            );
            for (x, y, colour, name) in [
                (12, 10, RED, "red"),
                (52, 10, GREEN, "green"),
                (12, 38, BLUE, "blue"),
                (52, 38, WHITE, "white"),
            ] {
                let pixel = decoded.get_pixel(x, y).0;
                assert!(
                    close(&pixel, colour),
                    "orientation {o} ({url}): expected {name} at {x},{y}, got {pixel:?}"
                );
            }
        }
    }
}

#[test]
fn published_photos_carry_no_metadata_and_originals_stay_private() {
    let site = photo_site(
        &[("gps.jpg", oriented_jpeg(&quarters(800, 600), 6))],
        "![带定位的照片](gps.jpg)",
    );
    site.build(&[]).ok();
    assert!(
        !site.exists("notices/photos/gps.jpg"),
        "the original was published"
    );
    let dir = site.public().join("processed_images");
    let mut outputs = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        for marker in [&b"Exif"[..], b"EXIF", b"GPS", b"http://ns.adobe.com/xap"] {
            assert!(
                !bytes.windows(marker.len()).any(|w| w == marker),
                "metadata left in an output"
            );
        }
        outputs += 1;
    }
    assert!(outputs >= 6, "three widths in two formats: {outputs}");
}

#[test]
fn srcset_lists_files_that_exist_at_the_sizes_it_claims() {
    let site = photo_site(
        &[("wide.jpg", jpeg_bytes(&quarters(2000, 1500)))],
        "![宽照片](wide.jpg)\n\n[看大图](wide.jpg)",
    );
    site.write(
        "content/notices/photos/index.md",
        "---\ntitle: 活动照片\ndate: 2025-11-20\ncover: wide.jpg\ncover_alt: 合影\n---\n![宽照片](wide.jpg)\n\n[看大图](wide.jpg)\n",
    );
    site.build(&[]).ok();
    let html = site.read("notices/photos/index.html");
    for kind in ["<source", "<img loading"] {
        let at = html.find("alt=\"宽照片\"").unwrap();
        let picture = &html[html[..at].rfind("<picture>").unwrap()..];
        let set = srcset_after(picture, kind);
        let widths: Vec<u32> = set.iter().map(|(_, w)| *w).collect();
        assert_eq!(widths, [480, 960, 1600], "{kind}");
        for (url, width) in &set {
            let decoded = image::open(output_file(&site, url)).unwrap();
            assert_eq!(decoded.width(), *width, "{url}");
            assert_eq!(decoded.height(), width * 3 / 4, "{url}");
        }
    }
    assert!(html.contains("width=\"1600\" height=\"1200\""));
    assert!(html.contains("loading=\"lazy\" decoding=\"async\""));
    assert!(html.contains("sizes=\""));
    // The link to the photo leads to its largest processed version.
    assert!(html.contains("wide.") && html.contains(".1600x1200.jpg\">看大图"));
    // The cover is the Open Graph image, at the largest size.
    assert!(
        html.contains("og:image\" content=\"https://example.org/tinghu/processed_images/wide.")
    );
    let list = site.read("notices/index.html");
    assert!(list.contains("class=\"card-cover\""));
}

#[test]
fn a_second_build_does_no_image_work_and_unused_outputs_are_pruned() {
    let site = photo_site(
        &[
            ("a.jpg", jpeg_bytes(&quarters(1200, 900))),
            ("b.png", {
                let mut out = Vec::new();
                image::codecs::png::PngEncoder::new(&mut out)
                    .write_image(
                        quarters(640, 480).as_raw(),
                        640,
                        480,
                        image::ExtendedColorType::Rgb8,
                    )
                    .unwrap();
                out
            }),
        ],
        "![甲](a.jpg)\n\n![乙](b.png)",
    );
    let first = site.build(&[]).ok().stdout();
    // 1200 wide: three widths; 640 wide: 480 and 640; the fixture's 320-wide
    // stage photo: one; each in WebP and JPEG. And the stage photo cut for
    // the fixture's lobby screen.
    assert!(first.contains("新做照片 13 张"), "{first}");
    let second = site.build(&[]).ok().stdout();
    assert!(second.contains("新做照片 0 张"), "{second}");
    let cache = site.root().join(".linju/cache/images");
    let cached = |prefix: &str| {
        std::fs::read_dir(&cache)
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .starts_with(prefix)
            })
            .count()
    };
    // 640 wide: 480 and its own 640, never up to 960.
    assert_eq!(cached("b."), 4);
    site.write(
        "content/notices/photos/index.md",
        "---\ntitle: 活动照片\ndate: 2025-11-20\n---\n![甲](a.jpg)\n",
    );
    site.build(&[]).ok();
    assert_eq!(cached("b."), 0, "outputs nobody uses are pruned");
    assert_eq!(cached("a."), 6);
    assert!(
        std::fs::read_to_string(site.root().join(".linju/.gitignore"))
            .unwrap()
            .contains('*')
    );
}

#[test]
fn bad_photos_are_explained_with_the_page_and_line() {
    let mut heic = vec![0, 0, 0, 24];
    heic.extend_from_slice(b"ftypheic");
    heic.extend_from_slice(&[0; 64]);
    // A PNG that claims to be 40000×40000 pixels.
    let mut bomb = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    bomb.extend_from_slice(&40000u32.to_be_bytes());
    bomb.extend_from_slice(&40000u32.to_be_bytes());
    bomb.extend_from_slice(&[8, 2, 0, 0, 0]);
    let crc = crc32(&bomb[12..]);
    bomb.extend_from_slice(&crc.to_be_bytes());
    // A few bytes of image data and the end: a complete, tiny file.
    let data = b"IDAT\x78\x9c\x63\x00\x00\x00\x01\x00\x01";
    bomb.extend_from_slice(&((data.len() - 4) as u32).to_be_bytes());
    bomb.extend_from_slice(data);
    bomb.extend_from_slice(&crc32(data).to_be_bytes());
    bomb.extend_from_slice(&[0, 0, 0, 0]);
    bomb.extend_from_slice(b"IEND");
    bomb.extend_from_slice(&crc32(b"IEND").to_be_bytes());
    let site = photo_site(
        &[("iphone.heic", heic), ("bomb.png", bomb)],
        "第一行\n\n![苹果照片](iphone.heic)\n\n第九行\n\n![炸弹](bomb.png)\n\n![没有](missing.jpg)",
    );
    let stderr = site.build(&[]).fails();
    assert!(
        stderr.contains("content/notices/photos/index.md:7")
            && stderr.contains("HEIC")
            && stderr.contains("JPEG"),
        "{stderr}"
    );
    assert!(stderr.contains("40000×40000"), "{stderr}");
    assert!(
        stderr.contains("index.md:13")
            && stderr.contains("找不到图片 `content/notices/photos/missing.jpg`"),
        "{stderr}"
    );
}

#[test]
fn a_photo_cut_short_is_named_when_it_is_decoded() {
    let real = jpeg_bytes(&quarters(400, 300));
    // Its header is intact, so the page loads; the pixels are missing.
    let site = photo_site(
        &[("cut.jpg", real[..real.len() / 3].to_vec())],
        "![断了](cut.jpg)",
    );
    let stderr = site.build(&[]).fails();
    assert!(
        stderr.contains("cut.jpg") && stderr.contains("图片已损坏或不完整"),
        "{stderr}"
    );
    assert!(!site.exists("index.html"), "nothing is published");
}

#[test]
fn svg_is_copied_untouched_and_gif_gives_its_first_frame() {
    let svg = b"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><rect width=\"10\" height=\"10\" fill=\"red\"/></svg>".to_vec();
    let mut gif = Vec::new();
    {
        let mut encoder = image::codecs::gif::GifEncoder::new(&mut gif);
        for colour in [RED, BLUE] {
            let frame = image::RgbaImage::from_pixel(
                40,
                30,
                image::Rgba([colour[0], colour[1], colour[2], 255]),
            );
            encoder.encode_frame(image::Frame::new(frame)).unwrap();
        }
    }
    let site = photo_site(
        &[("logo.svg", svg.clone()), ("moving.gif", gif)],
        "![标志](logo.svg)\n\n![动图](moving.gif)",
    );
    site.build(&[]).ok();
    assert_eq!(
        std::fs::read(site.public().join("notices/photos/logo.svg")).unwrap(),
        svg
    );
    let html = site.read("notices/photos/index.html");
    assert!(html.contains("src=\"/tinghu/notices/photos/logo.svg\""));
    let at = html.find("alt=\"动图\"").unwrap();
    let set = srcset_after(&html[html[..at].rfind("<picture>").unwrap()..], "<img");
    let first = image::open(output_file(&site, &set[0].0))
        .unwrap()
        .to_rgb8();
    assert!(
        close(&first.get_pixel(20, 15).0, RED),
        "not the first frame"
    );
}

#[test]
fn templates_resize_static_images() {
    let site = TestSite::fixture("basic");
    std::fs::create_dir_all(site.root().join("static")).unwrap();
    std::fs::write(
        site.root().join("static/banner.jpg"),
        jpeg_bytes(&quarters(300, 200)),
    )
    .unwrap();
    site.write(
        "templates/notice.html",
        "{% extends \"base.html\" %}{% block content %}{% set s = resize_image(path=\"banner.jpg\", width=100, height=100, op=\"fill\", format=\"webp\") %}{% set f = resize_image(path=\"banner.jpg\", width=150, op=\"fit\") %}{% set size = image_size(path=\"banner.jpg\") %}<img id=\"square\" src=\"{{ s.url }}\" width=\"{{ s.width }}\" height=\"{{ s.height }}\"><img id=\"fit\" src=\"{{ f.url }}\" width=\"{{ f.width }}\" height=\"{{ f.height }}\"><p id=\"size\">{{ size.width }}x{{ size.height }}</p>{% endblock content %}",
    );
    site.build(&[]).ok();
    let html = site.read("notices/water/index.html");
    assert!(html.contains("width=\"100\" height=\"100\""), "{html}");
    assert!(html.contains("width=\"150\" height=\"100\""));
    assert!(html.contains("<p id=\"size\">300x200</p>"));
    let square_url = &html[html.find("id=\"square\" src=\"").unwrap() + 17..];
    let square_url = &square_url[..square_url.find('"').unwrap()];
    assert!(square_url.ends_with(".webp"));
    let square = image::open(output_file(&site, square_url)).unwrap();
    assert_eq!((square.width(), square.height()), (100, 100));
}

/// CRC-32 as PNG chunks use it.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A source photo with a GPS position is named, with the page that uses
/// it, as a warning of `build` (the published versions drop EXIF).
#[test]
fn a_photo_with_its_location_is_named_with_its_page() {
    let upright = quarters(400, 300);
    let site = photo_site(
        &[("gps.jpg", oriented_jpeg(&upright, 1))],
        "![位置](gps.jpg)",
    );
    let run = site.build(&[]).ok();
    let warned = run.stderr();
    assert!(
        warned.contains("警告：content/notices/photos/gps.jpg")
            && warned.contains("拍摄位置")
            && warned.contains("content/notices/photos/index.md 用了这张照片"),
        "{warned}"
    );
    let plain = photo_site(&[("plain.jpg", jpeg_bytes(&upright))], "![无](plain.jpg)");
    let quiet = plain.build(&[]).ok().stderr();
    assert!(!quiet.contains("拍摄位置"), "{quiet}");
}

/// A photo's title (`![合影](a.jpg "重阳节合影")`) stays on its picture.
#[test]
fn a_photo_keeps_its_title() {
    let site = photo_site(
        &[("a.jpg", jpeg_bytes(&quarters(200, 100)))],
        "![合影](a.jpg \"重阳节合影\")",
    );
    site.build(&[]).ok();
    let page = site.read("notices/photos/index.html");
    assert!(
        page.contains(r#"alt="合影" title="重阳节合影"></picture>"#),
        "{page}"
    );
}
