//! The `linju` command: parses arguments and calls the library. The only
//! place that prints results or chooses the exit code.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

/// linju (邻聚): builds community publicity sites from Markdown.
#[derive(Debug, Parser)]
#[command(name = "linju", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build the site into the output folder (default: public/).
    Build(BuildArgs),
    /// Internal: removes previous sites a build set aside, after it exited.
    #[command(hide = true)]
    RemoveStale {
        /// Folders named `.NAME.linju-old-PID`.
        paths: Vec<PathBuf>,
    },
}

/// Options of `linju build`.
#[derive(Debug, Args)]
struct BuildArgs {
    /// The site folder (holding linju.yaml and content/).
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Where to write the site (default: ROOT/public).
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Override base_url from linju.yaml (e.g. https://example.org/tinghu/).
    #[arg(long)]
    base_url: Option<String>,
    /// Include pages marked `draft: true`.
    #[arg(long)]
    drafts: bool,
    /// Include pages whose `publish` time has not come yet.
    #[arg(long)]
    future: bool,
    /// Build as if it were this time, e.g. "2026-05-01 18:00".
    #[arg(long)]
    clock: Option<String>,
}

impl BuildArgs {
    fn run(self) -> ExitCode {
        let options = linju::BuildOptions {
            root: self.root,
            output: self.output,
            base_url: self.base_url,
            drafts: self.drafts,
            future: self.future,
            clock: self.clock,
        };
        match linju::build(&options) {
            Ok(report) => {
                println!(
                    "built {} pages in {} sections ({} files) into {} in {} ms",
                    report.pages,
                    report.sections,
                    report.files,
                    report.output.display(),
                    report.elapsed.as_millis()
                );
                remove_in_background(&report.stale);
                ExitCode::SUCCESS
            }
            Err(errors) => {
                eprintln!("{errors}");
                let count = errors.0.len();
                eprintln!(
                    "\nbuild failed with {count} error{}; the previous site (if any) was left untouched",
                    if count == 1 { "" } else { "s" }
                );
                ExitCode::FAILURE
            }
        }
    }
}

/// Deleting the previous site can take seconds on a big site; a detached
/// child does it so the writer is not kept waiting. If no child can be
/// started, it is done here.
fn remove_in_background(stale: &[PathBuf]) {
    if stale.is_empty() {
        return;
    }
    let spawned = std::env::current_exe().and_then(|exe| {
        std::process::Command::new(exe)
            .arg("remove-stale")
            .args(stale)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
    });
    if spawned.is_err() {
        let _ = linju::output::remove_stale(stale);
    }
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Build(args) => args.run(),
        Command::RemoveStale { paths } => match linju::output::remove_stale(&paths) {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("error: {error}");
                ExitCode::FAILURE
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_valid() {
        Cli::command().debug_assert();
    }
}
