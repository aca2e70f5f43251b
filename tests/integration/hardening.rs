//! What nobody types by hand: photos a phone makes, files that are not
//! files, links out of the site. Each test is named after what it protects
//! (issue 13's findings, and the class each belongs to).

use std::path::Path;
use std::time::Duration;

use crate::harness::TestSite;
use crate::images::{jpeg_bytes, oriented_jpeg, photo_site, quarters};

/// Output files (relative paths) that carry an EXIF GPS position.
fn files_with_a_location(dir: &Path) -> Vec<String> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter(|e| {
            let Ok(file) = std::fs::File::open(e.path()) else {
                return false;
            };
            exif::Reader::new()
                .read_from_container(&mut std::io::BufReader::new(file))
                .is_ok_and(|data| data.fields().any(|f| f.tag.context() == exif::Context::Gps))
        })
        .map(|e| e.path().strip_prefix(dir).unwrap().display().to_string())
        .collect()
}

/// Runs `linju ARGS` in the site with a deadline; a run past it is a hang.
fn run_within(site: &TestSite, args: &[&str], deadline: Duration) -> std::process::Output {
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("linju"))
        .current_dir(site.root())
        .env_remove("LINJU_LANG")
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > deadline {
            let _ = child.kill();
            panic!("linju {args:?} did not finish within {deadline:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

#[test]
fn a_phones_long_screenshot_builds_and_every_output_fits_webp() {
    // 480×17000 (a long screenshot of a narrow phone): at its own width it
    // is past WebP's 16,383 px.
    let tall = image::RgbImage::from_pixel(480, 17_000, image::Rgb([200, 180, 160]));
    let site = photo_site(&[("long.jpg", jpeg_bytes(&tall))], "![长截图](long.jpg)");
    site.build(&[]).ok();
    let mut webp = 0;
    for entry in std::fs::read_dir(site.public().join("processed_images")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        let size = name.rsplit('.').nth(1).unwrap();
        let (w, h) = size.split_once('x').unwrap();
        let (w, h): (u32, u32) = (w.parse().unwrap(), h.parse().unwrap());
        assert!(w <= 16_383 && h <= 16_383, "{name}");
        webp += usize::from(name.ends_with(".webp"));
    }
    assert!(webp >= 2, "the photo still has WebP versions");
}

#[test]
fn a_photo_under_any_name_is_never_published_with_its_location() {
    let located = oriented_jpeg(&quarters(64, 48), 1);
    let site = photo_site(
        &[
            ("IMG_2041.jfif", located.clone()),
            ("scan.jpe", located.clone()),
            ("photo.dat", located.clone()),
        ],
        "![手机照片](IMG_2041.jfif)\n\n[原始文件](photo.dat)",
    );
    site.write("static/banner.jpg", "");
    std::fs::write(site.root().join("static/banner.jpg"), &located).unwrap();
    let warned = site.build(&[]).ok().stderr();
    assert_eq!(files_with_a_location(&site.public()), Vec::<String>::new());
    // The .jfif is a photo like any other: made into a picture.
    let page = site.read("notices/photos/index.html");
    assert!(
        page.contains("<picture>") && page.contains("/img_2041."),
        "{page}"
    );
    // The photo in static/ is published, without its location, and the
    // writer is told.
    assert!(site.exists("banner.jpg"));
    assert!(
        warned.contains("警告：static/banner.jpg") && warned.contains("已去掉"),
        "{warned}"
    );
    // The attachment under an odd name still downloads, stripped.
    let attachment = std::fs::read(site.public().join("notices/photos/photo.dat")).unwrap();
    assert_eq!(&attachment[..3], &[0xFF, 0xD8, 0xFF]);
}

#[test]
fn a_link_out_of_the_site_is_refused_and_nothing_outside_is_published() {
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("passwd");
    std::fs::write(&secret, "root:x:0:0:root:/root:/bin/bash\n").unwrap();
    let site = TestSite::fixture("basic");
    std::os::unix::fs::symlink(&secret, site.root().join("content/notices/passwd.txt")).unwrap();
    let stderr = site.build(&[]).fails();
    assert!(
        stderr.contains("content/notices/passwd.txt") && stderr.contains("网站文件夹以外"),
        "{stderr}"
    );
    assert!(!site.public().exists());
    // A link to a file inside the site is fine.
    std::fs::remove_file(site.root().join("content/notices/passwd.txt")).unwrap();
    std::os::unix::fs::symlink(
        site.root().join("linju.yaml"),
        site.root().join("content/notices/settings.txt"),
    )
    .unwrap();
    site.build(&[]).ok();
    assert!(site.exists("notices/settings.txt"));
}

#[test]
fn a_pipe_in_place_of_a_file_is_refused_instead_of_waiting_forever() {
    for place in [
        "content/notices/stuck.md",
        "content/notices/stuck.pdf",
        "linju.yaml",
    ] {
        let site = TestSite::fixture("basic");
        let path = site.root().join(place);
        let _ = std::fs::remove_file(&path);
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&path)
                .status()
                .unwrap()
                .success()
        );
        let output = run_within(&site, &["build"], Duration::from_secs(20));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{place}: built");
        assert!(
            stderr.contains(place) && stderr.contains("不是普通文件"),
            "{place}:\n{stderr}"
        );
    }
}

/// Every file of the output, by relative path.
fn file_list(dir: &Path) -> Vec<String> {
    let mut files: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().strip_prefix(dir).unwrap().display().to_string())
        .collect();
    files.sort();
    files
}

#[test]
fn git_add_picks_up_nothing_a_build_leaves_behind() {
    let site = TestSite::fixture("basic");
    let git = |args: &[&str]| {
        let output = std::process::Command::new("git")
            .current_dir(site.root())
            .args(args)
            .output()
            .expect("git is needed for this test");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    git(&["init", "-q"]);
    for _ in 0..3 {
        site.build(&[]).ok();
    }
    let added = git(&["add", "-A", "--dry-run"]);
    let strays: Vec<&str> = added
        .lines()
        .filter(|line| line.contains("linju-") || line.contains(".linju"))
        .collect();
    assert!(strays.is_empty(), "git would add: {strays:?}");
    assert!(added.contains("public/index.html"), "{added}");
}

#[test]
fn a_build_killed_at_any_moment_leaves_a_complete_site() {
    let site = TestSite::fixture("basic");
    site.build(&[]).ok();
    let complete = file_list(&site.public());
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    for round in 0..12 {
        // A different title each round, so old and new sites differ.
        site.write(
            "content/notices/water.md",
            &format!("---\ntitle: 停水通知第{round}版\ndate: 2025-11-20\nexpires: 2099-01-01\n---\n明天停水。\n"),
        );
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let delay = Duration::from_millis(seed % 400);
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("linju"))
            .current_dir(site.root())
            .arg("build")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        let _ = child.kill();
        let _ = child.wait();
        assert!(
            site.public().is_dir(),
            "round {round} ({delay:?}): no site at all"
        );
        // The next build starts by putting back a site a swap took away;
        // until then the output is the last complete one, old or new.
        assert_eq!(
            file_list(&site.public()),
            complete,
            "round {round} ({delay:?}): a partial site"
        );
    }
    site.build(&[]).ok();
    assert_eq!(file_list(&site.public()), complete);
    assert!(
        site.read("notices/water/index.html")
            .contains("停水通知第11版")
    );
}

#[test]
fn pathological_input_finishes_in_time_linear_in_its_size() {
    let site = TestSite::fixture("basic");
    // A key held down: 100,000 `[` (the parser alone took 29 s on it).
    site.write(
        "content/notices/nested.md",
        &format!(
            "---\ntitle: 通知\ntags: {}\n---\n正文。\n",
            "[".repeat(100_000)
        ),
    );
    let output = run_within(&site, &["build"], Duration::from_secs(10));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("content/notices/nested.md:3") && stderr.contains("套了太多层"),
        "{stderr}"
    );
    site.remove("content/notices/nested.md");
    // 15,000 headings of one title (unique ids took 10 s).
    site.write(
        "content/notices/headings.md",
        &format!(
            "---\ntitle: 目录很长的通知\n---\n{}",
            "## 注意事项\n\n".repeat(15_000)
        ),
    );
    run_within(&site, &["build"], Duration::from_secs(20));
    let page = site.read("notices/headings/index.html");
    assert!(page.contains(r#"id="zhu-yi-shi-xiang-14999""#));
}

#[test]
fn a_configuration_not_saved_as_utf_8_is_named_at_its_line() {
    let site = TestSite::fixture("basic");
    let mut bytes = std::fs::read(site.root().join("linju.yaml")).unwrap();
    // `description: 测试` in GBK.
    bytes.extend_from_slice(b"description: \xb2\xe2\xca\xd4\n");
    std::fs::write(site.root().join("linju.yaml"), bytes).unwrap();
    let stderr = site.build(&[]).fails();
    assert!(
        stderr.contains("linju.yaml:21: 这一行有不是 UTF-8 的字")
            && stderr.contains("另存为 UTF-8"),
        "{stderr}"
    );
}

/// Runs `linju build` and returns its peak resident memory in MB, read
/// from its /proc entry until it exits (the high-water mark only grows).
fn peak_memory_of_build(site: &TestSite) -> u64 {
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("linju"))
        .current_dir(site.root())
        .arg("build")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let status = format!("/proc/{}/status", child.id());
    let mut peak_kb = 0;
    while child.try_wait().unwrap().is_none() {
        let high_water = std::fs::read_to_string(&status)
            .unwrap_or_default()
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.split_whitespace().next()?.parse::<u64>().ok());
        peak_kb = peak_kb.max(high_water.unwrap_or(0));
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(child.wait().unwrap().success(), "the build failed");
    peak_kb / 1024
}

#[test]
fn a_huge_png_is_shrunk_as_it_is_read_and_never_held_whole() {
    // 6000×6000 (36 megapixels): whole, it needs over 250 MB decoded.
    let (width, height) = (6000u32, 6000u32);
    let mut png = Vec::new();
    let encoder = image::codecs::png::PngEncoder::new_with_quality(
        &mut png,
        image::codecs::png::CompressionType::Fast,
        image::codecs::png::FilterType::NoFilter,
    );
    let pixels: Vec<u8> = (0..height)
        .flat_map(|y| (0..width).flat_map(move |x| [(x % 256) as u8, (y % 256) as u8, 90]))
        .collect();
    image::ImageEncoder::write_image(
        encoder,
        &pixels,
        width,
        height,
        image::ExtendedColorType::Rgb8,
    )
    .unwrap();
    drop(pixels);
    let site = photo_site(&[("poster.png", png)], "![海报](poster.png)");
    let peak = peak_memory_of_build(&site);
    assert!(
        peak < 220,
        "peak memory {peak} MB (read whole, it was 376 MB)"
    );
    let page = site.read("notices/photos/index.html");
    assert!(page.contains("poster.") && page.contains("1600w"), "{page}");
}

#[test]
fn raw_html_is_made_safe_unless_the_site_trusts_its_writers() {
    let site = TestSite::fixture("basic");
    site.write(
        "content/notices/html.md",
        "---\ntitle: 带代码的通知\n---\n<script>alert('偷')</script>\n\n<p onclick=\"alert(1)\">点我</p>\n\n[点这里](javascript:alert(1)) 和 <a href=\"JaVaScRiPt:alert(2)\">这里</a>\n\n<svg><script>alert(3)</script></svg>\n\n<style>body{display:none}</style>\n\n<details><summary>展开说明</summary>说明文字</details>\n\n| 项目 | 数量 |\n|:--:|--:|\n| 修路灯 | 3 |\n",
    );
    site.build(&[]).ok();
    let page = site.read("notices/html/index.html");
    let main = crate::harness::fragment(&page, "main");
    for unsafe_part in [
        "<script>alert",
        "onclick",
        "javascript:",
        "JaVaScRiPt",
        "<svg",
        "display:none",
    ] {
        assert!(
            !main.contains(unsafe_part),
            "{unsafe_part} survived:\n{main}"
        );
    }
    for kept in [
        "<details><summary>展开说明</summary>",
        "<td style=\"text-align: center\">修路灯</td>",
        "点我</p>",
    ] {
        assert!(main.contains(kept), "{kept} lost:\n{main}");
    }
    // A site whose writers are all trusted publishes raw HTML as written.
    let config = std::fs::read_to_string(site.root().join("linju.yaml")).unwrap();
    site.write(
        "linju.yaml",
        &format!("{config}markdown:\n  unsafe_html: true\n"),
    );
    site.build(&[]).ok();
    assert!(
        site.read("notices/html/index.html")
            .contains("<script>alert('偷')</script>")
    );
}

/// A small tmpfs of its own (root may mount one), unmounted when dropped.
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount(size: &str) -> SmallDisk {
        let dir = tempfile::tempdir().unwrap();
        let mounted = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .status()
            .is_ok_and(|s| s.success());
        assert!(
            mounted,
            "this test mounts a small tmpfs to fill it up and needs root (CI runs as root)"
        );
        SmallDisk { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg(self.dir.path())
            .status();
    }
}

#[test]
fn a_full_disk_fails_the_build_with_what_to_do_and_keeps_the_site() {
    let disk = SmallDisk::mount("1m");
    let site = TestSite::fixture("basic");
    let output = disk.path().join("public");
    let output_arg = output.to_string_lossy().into_owned();
    site.build(&["--output", &output_arg]).ok();
    let before = file_list(&output);
    let home = std::fs::read(output.join("index.html")).unwrap();
    // A notice far larger than what is left on the disk.
    site.write(
        "content/notices/long.md",
        &format!(
            "---\ntitle: 很长的通知\n---\n{}",
            "居民朋友们请注意停水安排。\n\n".repeat(60_000)
        ),
    );
    let stderr = site.build(&["--output", &output_arg]).fails();
    assert!(
        stderr.contains("磁盘已满") && stderr.contains("--output"),
        "{stderr}"
    );
    assert_eq!(file_list(&output), before, "the previous site changed");
    assert_eq!(std::fs::read(output.join("index.html")).unwrap(), home);
    let leftovers: Vec<String> = std::fs::read_dir(disk.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        leftovers,
        ["public"],
        "half-written folders left on the disk"
    );
}
