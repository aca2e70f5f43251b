//! Writing the site: everything goes into a staging folder beside the
//! output, which is swapped in only when every file was written. A failed
//! build leaves the last good site where it was.

use std::path::{Component, Path, PathBuf};

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::render::Output;
use crate::theme::StaticSource;

/// A file to copy into the output.
#[derive(Debug, Clone)]
pub struct CopyJob {
    /// Where the bytes come from.
    pub source: StaticSource,
    /// Path relative to the output folder.
    pub to: String,
}

/// Refuses output folders whose replacement would destroy the site itself.
pub fn check_output_dir(root: &Path, output: &Path) -> Result<()> {
    let root = absolute(root);
    let output = absolute(output);
    let protected = ["content", "themes", "templates", "static"].map(|name| root.join(name));
    let holds_site = root.starts_with(&output);
    let inside_sources = protected.iter().any(|p| output.starts_with(p));
    if holds_site || inside_sources || output.join(crate::config::CONFIG_FILE).is_file() {
        return Err(Error::in_file(
            &output,
            "refusing to use this folder for output: it is, or holds, the site's own files",
        )
        .with_hint("linju replaces the output folder on every build; use a folder of its own such as public/"));
    }
    Ok(())
}

/// An absolute, lexically normalised path (the folder may not exist yet).
fn absolute(path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let mut out = PathBuf::new();
    for component in joined.components() {
        match component {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    std::fs::canonicalize(&out).unwrap_or(out)
}

/// Writes `outputs` and `copies` into `output`, atomically replacing it.
pub fn write_site(output: &Path, outputs: &[Output], copies: &[CopyJob]) -> Result<()> {
    let output = absolute(output);
    let parent = output
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    let name = output
        .file_name()
        .map_or("public".into(), |n| n.to_string_lossy().into_owned());
    std::fs::create_dir_all(&parent).map_err(|e| Error::io(&parent, "create the folder", &e))?;
    if output.exists() && !output.is_dir() {
        return Err(
            Error::in_file(&output, "the output path exists and is not a folder")
                .with_hint("remove the file or choose another --output"),
        );
    }
    let staging = parent.join(format!(".{name}.linju-staging-{}", std::process::id()));
    remove_if_present(&staging)?;
    let written = write_all(&staging, outputs, copies);
    if let Err(error) = written {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(error);
    }
    swap_in(&staging, &output, &parent, &name)
}

fn remove_if_present(path: &Path) -> Result<()> {
    if path.exists() {
        std::fs::remove_dir_all(path)
            .map_err(|e| Error::io(path, "remove an old staging folder", &e))?;
    }
    Ok(())
}

fn write_all(staging: &Path, outputs: &[Output], copies: &[CopyJob]) -> Result<()> {
    std::fs::create_dir_all(staging)
        .map_err(|e| Error::io(staging, "create the staging folder", &e))?;
    outputs
        .par_iter()
        .try_for_each(|out| write_file(staging, &out.path, &out.bytes))?;
    copies.par_iter().try_for_each(|copy| {
        let target = safe_join(staging, &copy.to)?;
        create_parent(&target)?;
        match &copy.source {
            StaticSource::Disk(from) => std::fs::copy(from, &target)
                .map(|_| ())
                .map_err(|e| Error::io(from, "copy the file", &e)),
            StaticSource::Embedded(bytes) => {
                std::fs::write(&target, bytes).map_err(|e| Error::io(&target, "write the file", &e))
            }
        }
    })
}

fn write_file(staging: &Path, relative: &str, bytes: &[u8]) -> Result<()> {
    let target = safe_join(staging, relative)?;
    create_parent(&target)?;
    std::fs::write(&target, bytes).map_err(|e| Error::io(&target, "write the file", &e))
}

fn create_parent(target: &Path) -> Result<()> {
    match target.parent() {
        Some(dir) => {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, "create the folder", &e))
        }
        None => Ok(()),
    }
}

/// Joins a relative output path, refusing anything that could leave `base`.
fn safe_join(base: &Path, relative: &str) -> Result<PathBuf> {
    let path = Path::new(relative);
    let escapes = path
        .components()
        .any(|c| !matches!(c, Component::Normal(_)));
    if escapes || relative.is_empty() {
        return Err(Error::new(format!(
            "refusing to write outside the output folder: `{relative}`"
        )));
    }
    Ok(base.join(path))
}

fn swap_in(staging: &Path, output: &Path, parent: &Path, name: &str) -> Result<()> {
    if !output.exists() {
        return std::fs::rename(staging, output)
            .map_err(|e| Error::io(output, "move the new site into place", &e));
    }
    let old = parent.join(format!(".{name}.linju-old-{}", std::process::id()));
    remove_if_present(&old)?;
    std::fs::rename(output, &old)
        .map_err(|e| Error::io(output, "move the previous site aside", &e))?;
    if let Err(e) = std::fs::rename(staging, output) {
        let _ = std::fs::rename(&old, output);
        return Err(Error::io(output, "move the new site into place", &e));
    }
    let _ = std::fs::remove_dir_all(&old);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_the_site_root_and_its_sources() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("content")).unwrap();
        assert!(check_output_dir(root, root).is_err());
        assert!(check_output_dir(root, &root.join("content")).is_err());
        assert!(check_output_dir(root, &root.join("content/x")).is_err());
        assert!(check_output_dir(root, root.parent().unwrap()).is_err());
        assert!(check_output_dir(root, &root.join("public")).is_ok());
    }

    #[test]
    fn paths_cannot_escape() {
        assert!(safe_join(Path::new("/tmp/x"), "../etc/passwd").is_err());
        assert!(safe_join(Path::new("/tmp/x"), "/etc/passwd").is_err());
        assert!(safe_join(Path::new("/tmp/x"), "a/b.html").is_ok());
    }

    #[test]
    fn replaces_the_previous_site_whole() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let page = |path: &str| Output {
            path: path.into(),
            bytes: b"x".to_vec(),
        };
        write_site(&out, &[page("old.html")], &[]).unwrap();
        write_site(&out, &[page("new.html")], &[]).unwrap();
        assert!(out.join("new.html").is_file());
        assert!(!out.join("old.html").exists());
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1);
    }
}
