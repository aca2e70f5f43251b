//! The `linju` command: parses arguments and calls the library. The only
//! place that prints results or chooses the exit code.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

mod editor;
mod live;
mod timings;

use editor::{CmsArgs, SchemaArgs};
use live::{ServeArgs, WatchArgs};

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
    /// Build, serve the site locally, and rebuild and reload pages as you edit.
    Serve(ServeArgs),
    /// Build, then rebuild the output folder after every change (no server).
    Watch(WatchArgs),
    /// Start a new site in DIR (default: the current folder), which must be empty.
    Init(InitArgs),
    /// Add a page: linju new story "王阿姨的爱心早餐".
    New(NewArgs),
    /// Check links, anchors, photos, dates and privacy without publishing.
    Check(CheckArgs),
    /// Write JSON Schemas of each page type's front matter and of linju.yaml.
    Schema(SchemaArgs),
    /// Write the editor (Decap CMS) into static/admin/ for a site published through a Git host.
    Cms(CmsArgs),
    /// Internal: removes previous sites a build set aside, after it exited.
    #[command(hide = true)]
    RemoveStale {
        /// Folders named `.NAME.linju-old-PID`.
        paths: Vec<PathBuf>,
    },
}

/// Which site, and which of its pages: shared by every command.
#[derive(Debug, Args)]
struct SiteArgs {
    /// The site folder (holding linju.yaml and content/).
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Include pages marked `draft: true`.
    #[arg(long)]
    drafts: bool,
    /// Include pages whose `publish` time has not come yet.
    #[arg(long)]
    future: bool,
    /// Act as if it were this time, e.g. "2026-05-01 18:00" (under `serve`
    /// and `watch` the clock runs on from there).
    #[arg(long)]
    clock: Option<String>,
}

/// Where a built site goes: shared by `build` and `watch`.
#[derive(Debug, Args)]
struct OutputArgs {
    /// Where to write the site (default: ROOT/public).
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Override base_url from linju.yaml (e.g. https://example.org/tinghu/).
    #[arg(long)]
    base_url: Option<String>,
}

impl SiteArgs {
    fn options(self, output: OutputArgs) -> linju::BuildOptions {
        linju::BuildOptions {
            root: self.root,
            drafts: self.drafts,
            future: self.future,
            clock: self.clock,
            output: output.output,
            base_url: output.base_url,
            progress: photo_progress_bar(),
            ..Default::default()
        }
    }
}

/// Options of `linju build`.
#[derive(Debug, Args)]
struct BuildArgs {
    #[command(flatten)]
    site: SiteArgs,
    #[command(flatten)]
    output: OutputArgs,
    /// Print only when the site next changes by itself (RFC 3339), for a
    /// cron job or a CI schedule; nothing when nothing is scheduled.
    #[arg(long)]
    next_change: bool,
    /// Print the time and memory of each phase (load, markdown, values,
    /// render, write, photos, search, feeds, screens) on stderr.
    #[arg(long)]
    timings: bool,
    /// Only read the pages and render their Markdown, write nothing, and
    /// print the phases: the floor the scale benchmark measures builds
    /// against.
    #[arg(long, hide = true)]
    read_only: bool,
    /// Spool page bodies to disk from this many pages on (tests set 0 to
    /// take the path a big site takes).
    #[arg(long, hide = true)]
    spool_from_pages: Option<usize>,
}

/// Options of `linju init`.
#[derive(Debug, Args)]
struct InitArgs {
    /// The new site's folder.
    #[arg(default_value = ".")]
    dir: PathBuf,
    /// Only the skeleton: linju.yaml, the home page and the sections.
    #[arg(long)]
    bare: bool,
}

impl InitArgs {
    fn run(self) -> ExitCode {
        // A new site is Chinese unless LINJU_LANG says otherwise.
        let lang = linju::Lang::for_site(&self.dir);
        match linju::init(&self.dir, self.bare) {
            Ok(done) => {
                // The schemas VS Code's settings point at (.vscode/); a
                // site that does not load yet just goes without them.
                let _ = linju::write_schemas(&done.root, &done.root.join(".linju/schema"));
                let shown = done.root.display();
                let count = done.files.len();
                match lang {
                    linju::Lang::Zh => println!(
                        "已在 {shown} 创建新网站（{count} 个文件）。\n预览：linju serve --root {shown}\n新增页面：linju new story \"标题\" --root {shown}"
                    ),
                    linju::Lang::En => println!(
                        "created a new site in {shown} ({count} files).\npreview: linju serve --root {shown}\nadd a page: linju new story \"Title\" --root {shown}"
                    ),
                }
                ExitCode::SUCCESS
            }
            Err(error) => fail_with(&error, lang),
        }
    }
}

/// Options of `linju new`.
#[derive(Debug, Args)]
struct NewArgs {
    /// story, family, event, station, notice, community or page.
    #[arg(value_name = "TYPE")]
    type_name: String,
    /// The page's title; its pinyin becomes the file name.
    title: String,
    /// The site folder.
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Fill in `community:` (the community page's title).
    #[arg(long)]
    community: Option<String>,
    /// The section folder under content/ (default: the section of that type).
    #[arg(long)]
    section: Option<String>,
    /// Make a folder with index.md, to put photos beside the page.
    #[arg(long)]
    bundle: bool,
}

impl NewArgs {
    fn run(self) -> ExitCode {
        let lang = linju::Lang::for_site(&self.root);
        let request = linju::NewPage {
            root: self.root,
            type_name: self.type_name,
            title: self.title,
            community: self.community,
            section: self.section,
            bundle: self.bundle,
            today: None,
        };
        match linju::new_page(&request) {
            Ok(path) => {
                println!("{}", path.display());
                ExitCode::SUCCESS
            }
            Err(error) => fail_with(&error, lang),
        }
    }
}

/// Prints every error in the writer's language and fails.
fn fail_with_all(errors: &linju::Errors, lang: linju::Lang) -> ExitCode {
    eprint!("{}", errors.render(lang, linju::Label::Error));
    ExitCode::FAILURE
}

/// Prints one error in the writer's language and fails.
fn fail_with(error: &linju::Error, lang: linju::Lang) -> ExitCode {
    eprintln!("{}{}", lang.label(linju::Label::Error), error.render(lang));
    ExitCode::FAILURE
}

/// Options of `linju check`.
#[derive(Debug, Args)]
struct CheckArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// Also check links to other sites, over the network.
    #[arg(long)]
    external: bool,
    /// Seconds to wait for each external site.
    #[arg(long, default_value_t = 10.0)]
    timeout: f64,
    /// External requests in flight at once.
    #[arg(long, default_value_t = 8)]
    concurrency: usize,
    /// External requests in flight to one host at once.
    #[arg(long, default_value_t = 2)]
    per_host: usize,
    /// `text` (grouped by file) or `json`.
    #[arg(long, default_value = "text", value_parser = ["text", "json"])]
    format: String,
    /// Fail on warnings too.
    #[arg(long)]
    strict: bool,
}

impl CheckArgs {
    fn run(self) -> ExitCode {
        let lang = linju::Lang::for_site(&self.site.root);
        let external = self.external.then(|| linju::ExternalOptions {
            timeout: std::time::Duration::from_secs_f64(self.timeout.clamp(0.1, 600.0)),
            concurrency: self.concurrency,
            per_host: self.per_host,
        });
        let (format, strict) = (self.format.clone(), self.strict);
        let options = self.site.options(OutputArgs {
            output: None,
            base_url: None,
        });
        let report = linju::check(&options, external.as_ref());
        if format == "json" {
            println!("{}", report.render_json(lang));
        } else {
            println!("{}", report.render_text(lang));
        }
        let errors = report.count(linju::Severity::Error);
        let warnings = report.count(linju::Severity::Warning);
        if errors > 0 || (strict && warnings > 0) {
            ExitCode::FAILURE
        } else {
            ExitCode::SUCCESS
        }
    }
}

/// Options of `linju serve`.
/// `linju build --read-only`: the pages read and their Markdown rendered,
/// nothing written; the phases on stderr.
fn read_only(options: &linju::BuildOptions, lang: linju::Lang) -> ExitCode {
    let started = std::time::Instant::now();
    match linju::read_only(options) {
        Ok((pages, phases)) => {
            println!("{pages}");
            timings::print(&phases, started.elapsed(), lang);
            ExitCode::SUCCESS
        }
        Err(errors) => {
            eprintln!("{}", errors.render(lang, linju::Label::Error));
            ExitCode::FAILURE
        }
    }
}

/// The wording in the writer's language.
fn say<'a>(lang: linju::Lang, zh: &'a str, en: &'a str) -> &'a str {
    match lang {
        linju::Lang::Zh => zh,
        linju::Lang::En => en,
    }
}

impl BuildArgs {
    fn run(self) -> ExitCode {
        let lang = linju::Lang::for_site(&self.site.root);
        let options = linju::BuildOptions {
            record_addresses: true,
            spool_from_pages: self.spool_from_pages,
            ..self.site.options(self.output)
        };
        if self.read_only {
            return read_only(&options, lang);
        }
        match linju::build(&options) {
            Ok(report) if self.next_change => {
                if let Some(next) = &report.next_change {
                    println!("{}", next.rfc3339());
                }
                remove_in_background(&report.stale);
                ExitCode::SUCCESS
            }
            Ok(report) => {
                print_build_summary(&report, lang);
                if self.timings {
                    timings::print(&report.timings, report.elapsed, lang);
                }
                remove_in_background(&report.stale);
                ExitCode::SUCCESS
            }
            Err(errors) => {
                eprintln!("{}", errors.render(lang, linju::Label::Error));
                let count = errors.0.len();
                match lang {
                    linju::Lang::Zh => {
                        eprintln!("\n生成失败，共 {count} 个错误；原来的网站（如果有）没有改动")
                    }
                    linju::Lang::En => eprintln!(
                        "\nbuild failed with {count} error{}; the previous site (if any) was left untouched",
                        if count == 1 { "" } else { "s" }
                    ),
                }
                ExitCode::FAILURE
            }
        }
    }
}

/// What `linju build` tells the writer after a good build: the warnings,
/// what was built, and when the site next changes by itself.
fn print_build_summary(report: &linju::BuildReport, lang: linju::Lang) {
    if !report.warnings.is_empty() {
        let warnings = linju::Errors(report.warnings.clone());
        eprintln!("{}\n", warnings.render(lang, linju::Label::Warning));
    }
    let (pages, sections, files, made) = (
        report.pages,
        report.sections,
        report.files,
        report.images_made,
    );
    let (output, elapsed) = (report.output.display(), report.elapsed.as_millis());
    match lang {
        linju::Lang::Zh => println!(
            "已生成 {pages} 个页面、{sections} 个栏目（{files} 个文件，新做照片 {made} 张），写到 {output}，用时 {elapsed} 毫秒"
        ),
        linju::Lang::En => println!(
            "built {pages} pages in {sections} sections ({files} files, {made} photo files made) into {output} in {elapsed} ms"
        ),
    }
    if let Some(next) = &report.next_change {
        println!("{}", next.describe().get(lang));
    }
}

/// A progress bar for photo work, on a terminal only (not in CI, not when
/// output goes to a file), shown once there is real work (8 files or more).
fn photo_progress_bar() -> Option<linju::Progress> {
    use std::io::IsTerminal;
    use std::sync::{Arc, Mutex};
    if !std::io::stderr().is_terminal() || std::env::var_os("CI").is_some() {
        return None;
    }
    let bar: Arc<Mutex<Option<indicatif::ProgressBar>>> = Arc::new(Mutex::new(None));
    let report = move |done: usize, total: usize| {
        if total < 8 {
            return;
        }
        let Ok(mut slot) = bar.lock() else {
            return;
        };
        let bar = slot.get_or_insert_with(|| {
            let bar = indicatif::ProgressBar::new(total as u64);
            if let Ok(style) =
                indicatif::ProgressStyle::with_template("photos {bar:30} {pos}/{len} ({eta} left)")
            {
                bar.set_style(style);
            }
            bar
        });
        bar.set_position(done as u64);
        if done >= total {
            bar.finish_and_clear();
        }
    };
    Some(linju::Progress(Arc::new(report)))
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
        let _ = linju::remove_stale(stale);
    }
}

/// mimalloc instead of the system allocator: a build allocates and frees
/// millions of small values (template values, tokens, strings) across
/// threads, where glibc's malloc spent a tenth of the CPU.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Build(args) => args.run(),
        Command::Serve(args) => args.run(),
        Command::Watch(args) => args.run(),
        Command::Check(args) => args.run(),
        Command::Init(args) => args.run(),
        Command::New(args) => args.run(),
        Command::Schema(args) => args.run(),
        Command::Cms(args) => args.run(),
        Command::RemoveStale { paths } => match linju::remove_stale(&paths) {
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
