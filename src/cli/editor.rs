//! `linju schema` and `linju cms`: the editor's files written for a text
//! editor (JSON Schemas) and for a Git host (Decap CMS in static/admin/).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use crate::fail_with_all;

/// Options of `linju schema`.
#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// The site folder.
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Where to write the schemas (default: ROOT/.linju/schema).
    #[arg(long)]
    out: Option<PathBuf>,
}

impl SchemaArgs {
    pub fn run(self) -> ExitCode {
        let lang = linju::Lang::for_site(&self.root);
        let out = self.out.unwrap_or_else(|| self.root.join(".linju/schema"));
        match linju::write_schemas(&self.root, &out) {
            Ok(files) => {
                for file in files {
                    println!("{}", file.display());
                }
                ExitCode::SUCCESS
            }
            Err(errors) => fail_with_all(&errors, lang),
        }
    }
}

/// Options of `linju cms`.
#[derive(Debug, Args)]
pub struct CmsArgs {
    /// The site folder.
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// github, or gitea (also for Forgejo).
    #[arg(long, default_value = "github", value_parser = ["github", "gitea"])]
    host: String,
    /// The repository, owner/name.
    #[arg(long)]
    repo: String,
    /// The branch the site is published from.
    #[arg(long, default_value = "main")]
    branch: String,
    /// The Gitea or Forgejo server, e.g. https://git.example.org (for
    /// GitHub: the OAuth service that logs writers in).
    #[arg(long)]
    base_url: Option<String>,
    /// The client ID of the OAuth2 application made on Gitea or Forgejo.
    #[arg(long)]
    app_id: Option<String>,
}

impl CmsArgs {
    pub fn run(self) -> ExitCode {
        let lang = linju::Lang::for_site(&self.root);
        let git = linju::GitHost {
            host: self.host,
            repo: self.repo,
            branch: self.branch,
            base_url: self.base_url,
            app_id: self.app_id,
        };
        match linju::write_git_editor(&self.root, &git) {
            Ok(files) => {
                match lang {
                    linju::Lang::Zh => println!(
                        "已写入编辑器：static/admin/（{} 个文件）。发布后打开 网址/admin/ 即可。",
                        files.len()
                    ),
                    linju::Lang::En => println!(
                        "wrote the editor into static/admin/ ({} files); publish and open /admin/",
                        files.len()
                    ),
                }
                ExitCode::SUCCESS
            }
            Err(errors) => fail_with_all(&errors, lang),
        }
    }
}
